import { json, startLocalServer, type LocalServer } from '../test-support/local-server';
import type { TwilioSettings } from './settings';
import { listTwilioTemplates, readTwilioTemplate, twilioTemplateListingProblem } from './templates';

const settings = (base: string, over: Partial<TwilioSettings> = {}): TwilioSettings => ({
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'secret',
  apiBaseUrl: undefined,
  contentBaseUrl: base,
  whatsappFrom: '+14155238886',
  smsFrom: undefined,
  ...over,
});

const SID = 'HX0123456789abcdef0123456789abcdef';
const content = (sid: string, body: string) => ({
  sid,
  account_sid: 'AC0123456789abcdef0123456789abcdef',
  friendly_name: `plantilla_${sid.slice(-4)}`,
  language: 'es',
  variables: { 1: 'Ana' },
  types: { 'twilio/text': { body } },
  url: `https://content.twilio.com/v1/Content/${sid}`,
  links: { approval_fetch: `https://content.twilio.com/v1/Content/${sid}/ApprovalRequests` },
});

describe('Twilio Content templates and their WhatsApp approval', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer(json(200, {}));
  });
  afterAll(() => server.close());
  beforeEach(() => server.requests.splice(0));

  it('reads a content and its approval request (as Twilio documents them)', () => {
    const approval = { sid: SID, whatsapp: { name: 'cita_taller', category: 'UTILITY', content_type: 'twilio/text', status: 'rejected', rejection_reason: 'Variables at the start', allow_category_change: true } };
    expect(readTwilioTemplate(content(SID, 'Hola {{1}}'), approval)).toEqual({
      id: SID,
      name: 'cita_taller',
      language: 'es',
      status: 'REJECTED',
      reason: 'Variables at the start',
      quality: null,
      category: 'UTILITY',
      body: 'Hola {{1}}',
      parameterFormat: 'positional',
      header: 'none',
    });
    // Never submitted to WhatsApp: no status; an empty rejection reason is none.
    expect(readTwilioTemplate(content(SID, 'x'), { whatsapp: {} })).toMatchObject({ status: null, reason: null, category: null, name: `plantilla_${SID.slice(-4)}` });
    expect(readTwilioTemplate(content(SID, 'x'), { whatsapp: { status: 'unsubmitted', rejection_reason: '' } })).toMatchObject({ status: null, reason: null });
    expect(readTwilioTemplate({ ...content(SID, ''), types: { 'twilio/media': { body: 'Tu factura', media: ['https://example.com/{{1}}.pdf'] } } }, null)).toMatchObject({ body: 'Tu factura', header: 'document' });
  });

  it('needs the account credentials', () => {
    expect(twilioTemplateListingProblem(settings('http://x', { authToken: '' }))).toMatch(/TWILIO_AUTH_TOKEN/);
    expect(twilioTemplateListingProblem(settings('http://x'))).toBeNull();
  });

  it('follows meta.next_page_url on the configured base, then asks each content’s approval (basic auth)', async () => {
    const second = 'HXffffffffffffffffffffffffffffffff';
    server.respondWith((request, response) => {
      const url = new URL(request.url, 'http://x');
      if (url.pathname.endsWith('/ApprovalRequests')) {
        const sid = url.pathname.split('/')[3];
        if (sid === second) return json(404, { code: 20404, message: 'not found', status: 404 })(request, response);
        return json(200, { sid, whatsapp: { name: 'cita', category: 'MARKETING', status: 'approved', rejection_reason: '' } })(request, response);
      }
      const token = url.searchParams.get('PageToken');
      const page = token
        ? { contents: [content(second, 'Adiós')], meta: { page: 1, next_page_url: null, key: 'contents' } }
        : { contents: [content(SID, 'Hola {{1}}')], meta: { page: 0, next_page_url: `https://content.twilio.com/v1/Content?PageSize=100&Page=1&PageToken=PT1`, key: 'contents' } };
      return json(200, page)(request, response);
    });
    const listed = await listTwilioTemplates(settings(server.url), { timeoutMs: 2000 });
    expect(listed).toEqual([
      expect.objectContaining({ id: SID, status: 'APPROVED', category: 'MARKETING' }),
      expect.objectContaining({ id: second, status: null }),
    ]);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/Content?PageSize=100',
      '/v1/Content?PageSize=100&Page=1&PageToken=PT1',
      `/v1/Content/${SID}/ApprovalRequests`,
      `/v1/Content/${second}/ApprovalRequests`,
    ]);
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('AC0123456789abcdef0123456789abcdef:secret').toString('base64')}`);
  });

  it('a refusal names what Twilio said and what to check', async () => {
    server.respondWith(json(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }));
    await expect(listTwilioTemplates(settings(server.url), { timeoutMs: 2000 })).rejects.toMatchObject({
      status: 401,
      code: '20003',
      message: 'Twilio refused the Content template list (HTTP 401: Authenticate); check TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_CONTENT_BASE_URL',
    });
  });
});
