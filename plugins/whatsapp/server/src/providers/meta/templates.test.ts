import { ProviderError } from '../errors';
import { json, startLocalServer, text, type LocalServer } from '../test-support/local-server';
import type { MetaSettings } from './settings';
import { listMetaTemplates, metaTemplateListingProblem, readMetaTemplate } from './templates';

/**
 * The host in Meta's `paging.next` links (Facebook's own Graph host on the real API). Any host will do:
 * we keep the link's path and query and follow it on the configured Graph base, never elsewhere.
 */
const LINK_HOST = 'https://links.meta.invalid';

const settings = (base: string, over: Partial<MetaSettings> = {}): MetaSettings => ({
  accessToken: 'token',
  phoneNumberId: '123',
  graphBaseUrl: base,
  graphVersion: 'v21.0',
  wabaId: '102290129340398',
  appSecret: undefined,
  verifyToken: undefined,
  whatsappNumber: undefined,
  ...over,
});

// As Meta's reference shows a template of the listing.
const template = {
  name: 'seasonal_promotion',
  parameter_format: 'POSITIONAL',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW…'] } },
    { type: 'BODY', text: 'Shop now through {{1}} and use code {{2}} to get {{3}} off.' },
    { type: 'FOOTER', text: 'Use the buttons below to manage your marketing subscriptions' },
  ],
  language: 'en_US',
  status: 'REJECTED',
  category: 'MARKETING',
  rejected_reason: 'INVALID_FORMAT',
  quality_score: { score: 'UNKNOWN', date: 1700000000 },
  id: '546151681022936',
};

describe('Meta message templates (WhatsApp Business Management API)', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer(json(200, { data: [] }));
  });
  afterAll(() => server.close());
  beforeEach(() => server.requests.splice(0));

  it('reads a template of the listing: status, reason (NONE is none), quality, category, body and header', () => {
    expect(readMetaTemplate(template)).toEqual({
      id: '546151681022936',
      name: 'seasonal_promotion',
      language: 'en_US',
      status: 'REJECTED',
      reason: 'INVALID_FORMAT',
      quality: 'UNKNOWN',
      category: 'MARKETING',
      body: 'Shop now through {{1}} and use code {{2}} to get {{3}} off.',
      parameterFormat: 'positional',
      header: 'image',
    });
    expect(readMetaTemplate({ ...template, rejected_reason: 'NONE', parameter_format: 'NAMED', components: [] })).toMatchObject({ reason: null, parameterFormat: 'named', body: null, header: 'none' });
    expect(readMetaTemplate({ name: 'no id' })).toBeNull();
  });

  it('says what is missing before asking Meta', () => {
    expect(metaTemplateListingProblem(settings('http://x', { wabaId: undefined }))).toMatch(/^META_WABA_ID is not set/);
    expect(metaTemplateListingProblem(settings('http://x', { accessToken: '' }))).toBe('META_ACCESS_TOKEN is not set');
    expect(metaTemplateListingProblem(settings('http://x'))).toBeNull();
  });

  it('follows paging.next on the configured Graph base until Meta gives none, with the token in the header', async () => {
    server.respondWith((request, response) => {
      const after = new URL(request.url, 'http://x').searchParams.get('after');
      const page = after
        ? { data: [{ ...template, id: '2', name: 'second' }], paging: { cursors: { before: 'QVFI', after: 'QVFJ' } } }
        : { data: [template], paging: { cursors: { before: 'QVFH', after: 'QVFI' }, next: `${LINK_HOST}/v21.0/102290129340398/message_templates?fields=id&limit=100&after=QVFI` } };
      json(200, page)(request, response);
    });
    const listed = await listMetaTemplates(settings(server.url), { timeoutMs: 2000 });
    expect(listed.map((t) => t.name)).toEqual(['seasonal_promotion', 'second']);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v21.0/102290129340398/message_templates?fields=id,name,language,status,category,quality_score,rejected_reason,parameter_format,components&limit=100',
      '/v21.0/102290129340398/message_templates?fields=id&limit=100&after=QVFI',
    ]);
    expect(server.requests[0].headers.authorization).toBe('Bearer token');
  });

  it('a refusal says what Meta said and what to check; an answer that is not Graph JSON too', async () => {
    server.respondWith(json(401, { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'A1' } }));
    const refused = await listMetaTemplates(settings(server.url), { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ status: 401, code: '190' });
    expect((refused as Error).message).toBe(
      'Meta refused the template list (HTTP 401: Invalid OAuth access token - Cannot parse access token); check META_ACCESS_TOKEN (it needs whatsapp_business_management) and META_WABA_ID'
    );
    server.respondWith(text(502, '<html>Bad gateway</html>'));
    await expect(listMetaTemplates(settings(server.url), { timeoutMs: 2000 })).rejects.toThrow(/^Meta refused the template list \(HTTP 502/);
    server.respondWith(text(200, 'not json'));
    await expect(listMetaTemplates(settings(server.url), { timeoutMs: 2000 })).rejects.toThrow(/not Graph JSON/);
  });

  it('stops on a next link that repeats itself', async () => {
    server.respondWith(json(200, { data: [template], paging: { next: `${LINK_HOST}/v21.0/102290129340398/message_templates?after=same` } }));
    const listed = await listMetaTemplates(settings(server.url), { timeoutMs: 2000 });
    expect(server.requests).toHaveLength(2);
    expect(listed).toHaveLength(2);
  });
});
