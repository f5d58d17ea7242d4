/**
 * Self-test of the provider fakes: they must answer like the real services (bodies, status
 * codes, headers), honour their scripted answers, and work with the real clients the product
 * uses (the `twilio` package, nodemailer). No Strapi here: this runs in a second or two.
 */
import http from 'http';
import twilio from 'twilio';
import {
  startFakeMeta,
  startFakes,
  startFakeSmtp,
  startFakeTwilio,
  TEST_CREDENTIALS,
  waIdFor,
  metaTemplateRecord,
  twilioContentRecord,
  type FakeMeta,
  type FakeSmtp,
  type FakeTwilio,
  type MetaErrorBody,
  type MetaSendResponse,
  type TwilioMessageResource,
} from './index';
import { fakeTwilioHttpClient } from './twilio-client';

const ACCOUNT_SID = TEST_CREDENTIALS.twilioAccountSid;
const AUTH_TOKEN = TEST_CREDENTIALS.twilioAuthToken;
const META_TOKEN = TEST_CREDENTIALS.metaAccessToken;
const PHONE_ID = TEST_CREDENTIALS.metaPhoneNumberId;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function call(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Raw (non-JSON) answers are checked through `text`.
  }
  return { status: response.status, headers: response.headers, text, json };
}

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

// ---------------------------------------------------------------------------------------------
describe('fake Twilio', () => {
  let fake: FakeTwilio;
  const messagesUrl = () => `${fake.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

  function sendForm(params: [string, string][], options: { auth?: string | null; url?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const auth = options.auth === undefined ? basic(ACCOUNT_SID, AUTH_TOKEN) : options.auth;
    if (auth) headers.authorization = auth;
    return call(options.url ?? messagesUrl(), { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  }

  const whatsapp: [string, string][] = [
    ['To', 'whatsapp:+5215512345678'],
    ['From', 'whatsapp:+14155238886'],
    ['Body', 'Hola Ana, tu auto está listo'],
  ];

  beforeAll(async () => {
    fake = await startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiKeys: { SKtestkey: 'test-key-secret' } });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  test('accepts a WhatsApp message with the Message resource, 201', async () => {
    const before = Date.now();
    const answer = await sendForm([...whatsapp, ['StatusCallback', 'http://127.0.0.1:1337/callback']]);
    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const resource = answer.json as TwilioMessageResource;
    expect(resource).toMatchObject({
      account_sid: ACCOUNT_SID,
      api_version: '2010-04-01',
      to: 'whatsapp:+5215512345678',
      from: 'whatsapp:+14155238886',
      body: 'Hola Ana, tu auto está listo',
      status: 'queued',
      num_media: '0',
      num_segments: '1',
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      price: null,
      messaging_service_sid: null,
      date_sent: null,
    });
    expect(resource.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(resource.date_created).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(resource.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${resource.sid}.json`);
    expect(resource.subresource_uris.media).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${resource.sid}/Media.json`);

    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({ sid: resource.sid, to: 'whatsapp:+5215512345678', statusCallback: 'http://127.0.0.1:1337/callback' });
    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0];
    expect(request).toMatchObject({ method: 'POST', path: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json` });
    expect(request.auth).toEqual({ user: ACCOUNT_SID, pass: AUTH_TOKEN });
    expect(request.params.Body).toBe('Hola Ana, tu auto está listo');
    expect(request.at).toBeGreaterThanOrEqual(before);
    expect(request.at).toBeLessThanOrEqual(Date.now());
  });

  test('repeated MediaUrl parameters are kept as a list', async () => {
    const answer = await sendForm([
      ['To', 'whatsapp:+5215512345678'],
      ['From', 'whatsapp:+14155238886'],
      ['MediaUrl', 'https://example.test/quote.pdf'],
      ['MediaUrl', 'https://example.test/photo.jpg'],
    ]);
    expect(answer.status).toBe(201);
    expect((answer.json as TwilioMessageResource).num_media).toBe('2');
    expect(fake.requests[0].params.MediaUrl).toEqual(['https://example.test/quote.pdf', 'https://example.test/photo.jpg']);
    expect(fake.sent[0].mediaUrls).toEqual(['https://example.test/quote.pdf', 'https://example.test/photo.jpg']);
  });

  test('a content template (ContentSid + ContentVariables) is accepted; a Messaging Service gives "accepted"', async () => {
    const answer = await sendForm([
      ['To', 'whatsapp:+5215512345678'],
      ['MessagingServiceSid', `MG${'a'.repeat(32)}`],
      ['ContentSid', `HX${'b'.repeat(32)}`],
      ['ContentVariables', JSON.stringify({ 1: 'Ana', 2: 'Tsuru' })],
    ]);
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ status: 'accepted', from: null, messaging_service_sid: `MG${'a'.repeat(32)}` });
    expect(fake.sent[0].contentVariables).toEqual({ 1: 'Ana', 2: 'Tsuru' });
  });

  const authenticate = { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 };

  test.each([
    ['no credentials', null, undefined],
    ['a wrong auth token', basic(ACCOUNT_SID, 'wrong'), undefined],
    ['another account in the path', basic(ACCOUNT_SID, AUTH_TOKEN), `/2010-04-01/Accounts/AC${'f'.repeat(32)}/Messages.json`],
  ])('401 Authenticate with %s', async (_case, auth, path) => {
    const answer = await sendForm(whatsapp, { auth, url: path ? fake.url + path : undefined });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual(authenticate);
    expect(answer.headers.get('www-authenticate')).toBe('Basic realm="Twilio API"');
    expect(fake.sent).toHaveLength(0);
  });

  test('an API key and its secret authenticate too', async () => {
    const answer = await sendForm(whatsapp, { auth: basic('SKtestkey', 'test-key-secret') });
    expect(answer.status).toBe(201);
  });

  const without = (key: string) => whatsapp.filter(([name]) => name !== key);
  test.each<[string, [string, string][], number, string]>([
    ['no To', without('To'), 21604, "A 'To' phone number is required."],
    ['no From', without('From'), 21603, "A 'From' phone number is required."],
    ['no Body', without('Body'), 21602, 'Message body is required.'],
    ['To not E.164', [...without('To'), ['To', 'whatsapp:5512345678']], 21211, "The 'To' number whatsapp:5512345678 is not a valid phone number."],
    ['a too short To', [...without('To'), ['To', 'whatsapp:+1234']], 21211, "The 'To' number whatsapp:+1234 is not a valid phone number."],
    ['a WhatsApp From to an SMS To', [...without('To'), ['To', '+5215512345678']], 21910, 'Invalid From and To pair. From and To should be of the same channel'],
    ['ContentVariables not a JSON object', [...whatsapp, ['ContentSid', `HX${'c'.repeat(32)}`], ['ContentVariables', '["Ana"]']], 21656, 'The ContentVariables Parameter is invalid'],
    ['ContentVariables not JSON', [...whatsapp, ['ContentSid', `HX${'c'.repeat(32)}`], ['ContentVariables', '{1: Ana}']], 21656, 'The ContentVariables Parameter is invalid'],
  ])('400 with %s', async (_case, params, code, message) => {
    const answer = await sendForm(params);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 });
    expect(fake.sent).toHaveLength(0);
    expect(fake.requests).toHaveLength(1);
  });

  test('SMS (From and To without whatsapp:) is accepted', async () => {
    const answer = await sendForm([['To', '+5215512345678'], ['From', '+15005550006'], ['Body', 'x'.repeat(200)]]);
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ num_segments: '2' });
  });

  test('the Account fetch answers an active account to its own credentials, 20003 otherwise, and takes no scripted answer', async () => {
    const accountUrl = `${fake.url}/2010-04-01/Accounts/${ACCOUNT_SID}.json`;
    fake.failNext({ status: 500, code: 20500, message: 'Internal Server Error' });
    const answer = await call(accountUrl, { headers: { authorization: basic(ACCOUNT_SID, AUTH_TOKEN) } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ sid: ACCOUNT_SID, status: 'active', type: 'Full', uri: `/2010-04-01/Accounts/${ACCOUNT_SID}.json` });
    expect((await call(accountUrl, { headers: { authorization: basic(ACCOUNT_SID, 'wrong') } })).json).toMatchObject({ code: 20003, status: 401 });
    expect((await call(`${fake.url}/2010-04-01/Accounts/AC99.json`, { headers: { authorization: basic(ACCOUNT_SID, AUTH_TOKEN) } })).status).toBe(401);
    // The scripted failure is still there for the next send.
    expect((await sendForm(whatsapp)).status).toBe(500);
  });

  test('unknown resources answer 404 with code 20404', async () => {
    const answer = await sendForm(whatsapp, { url: `${fake.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json` });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ code: 20404, status: 404 });
  });

  test('failNext answers Twilio errors, with Retry-After, for `times` requests, then succeeds', async () => {
    fake.failNext({ status: 429, code: 20429, message: 'Too Many Requests', retryAfter: 7, times: 2 });
    const first = await sendForm(whatsapp);
    const second = await sendForm(whatsapp);
    const third = await sendForm(whatsapp);
    expect(first.status).toBe(429);
    expect(first.json).toEqual({ code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });
    expect(first.headers.get('retry-after')).toBe('7');
    expect(second.status).toBe(429);
    expect(third.status).toBe(201);
    expect(fake.sent).toHaveLength(1);
    expect(fake.requests).toHaveLength(3);
  });

  test('scripted answers are played in order', async () => {
    fake.failNext({ status: 500, code: 20500, message: 'Internal Server Error' });
    fake.failNextRaw({ status: 503, body: '<html><body>Service Unavailable</body></html>', contentType: 'text/html' });
    expect((await sendForm(whatsapp)).status).toBe(500);
    const raw = await sendForm(whatsapp);
    expect(raw.status).toBe(503);
    expect(raw.headers.get('content-type')).toBe('text/html');
    expect(raw.text).toBe('<html><body>Service Unavailable</body></html>');
    expect((await sendForm(whatsapp)).status).toBe(201);
  });

  test('delayNext answers normally, late', async () => {
    // A delay long enough that a loopback request on a busy machine cannot take as long.
    fake.delayNext(1500);
    const started = Date.now();
    const answer = await sendForm(whatsapp);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1490);
    expect(answer.status).toBe(201);
    const next = Date.now();
    await sendForm(whatsapp);
    expect(Date.now() - next).toBeLessThan(1490);
  });

  test('hangNext never answers; the following request is served', async () => {
    fake.hangNext();
    await expect(
      fetch(messagesUrl(), {
        method: 'POST',
        headers: { authorization: basic(ACCOUNT_SID, AUTH_TOKEN), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(whatsapp).toString(),
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    expect((await sendForm(whatsapp)).status).toBe(201);
    expect(fake.requests).toHaveLength(2);
  });

  test('failFor is sticky for one recipient only', async () => {
    fake.failFor('+5215500000000', { status: 400, code: 21211, message: "The 'To' number +5215500000000 is not a valid phone number." });
    const bad: [string, string][] = [...without('To'), ['To', 'whatsapp:+5215500000000']];
    expect((await sendForm(bad)).json).toMatchObject({ code: 21211 });
    expect((await sendForm(bad)).json).toMatchObject({ code: 21211 });
    expect((await sendForm(whatsapp)).status).toBe(201);
  });

  test('waitForSent resolves when enough messages were accepted', async () => {
    const waiting = fake.waitForSent(2, 2000);
    await sendForm(whatsapp);
    await sendForm(whatsapp);
    await expect(waiting).resolves.toHaveLength(2);
    await expect(fake.waitForSent(3, 50)).rejects.toThrow(/timed out/);
  });

  describe('with the real twilio package', () => {
    const client = () => twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: fakeTwilioHttpClient(fake.url) });

    test('messages.create goes through the fake', async () => {
      const message = await client().messages.create({
        from: 'whatsapp:+14155238886',
        to: 'whatsapp:+5215512345678',
        body: 'Tu cotización',
        mediaUrl: ['https://example.test/quote.pdf', 'https://example.test/photo.jpg'],
      });
      expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
      expect(message.status).toBe('queued');
      expect(message.numMedia).toBe('2');
      expect(message.dateCreated).toBeInstanceOf(Date);
      expect(fake.sent).toHaveLength(1);
      expect(fake.sent[0]).toMatchObject({ sid: message.sid, body: 'Tu cotización', to: 'whatsapp:+5215512345678' });
      expect(fake.sent[0].mediaUrls).toHaveLength(2);
      expect(fake.requests[0].auth).toEqual({ user: ACCOUNT_SID, pass: AUTH_TOKEN });
      expect(fake.requests[0].headers['user-agent']).toMatch(/^twilio-node\//);
    });

    test('content templates through the package', async () => {
      await client().messages.create({
        from: 'whatsapp:+14155238886',
        to: 'whatsapp:+5215512345678',
        contentSid: `HX${'d'.repeat(32)}`,
        contentVariables: JSON.stringify({ 1: 'Ana' }),
      });
      expect(fake.sent[0]).toMatchObject({ contentSid: `HX${'d'.repeat(32)}`, contentVariables: { 1: 'Ana' } });
    });

    test('Twilio errors surface as RestException with code, status and more_info', async () => {
      fake.failNext({ status: 400, code: 63016, message: 'Failed to send freeform message because you are outside the allowed window.' });
      const error: unknown = await client()
        .messages.create({ from: 'whatsapp:+14155238886', to: 'whatsapp:+5215512345678', body: 'hola' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(twilio.RestException);
      expect(error).toMatchObject({ status: 400, code: 63016, moreInfo: 'https://www.twilio.com/docs/errors/63016' });
    });

    test('a wrong auth token is a 401 RestException 20003', async () => {
      const wrong = twilio(ACCOUNT_SID, 'wrong-token', { httpClient: fakeTwilioHttpClient(fake.url) });
      const error: unknown = await wrong.messages
        .create({ from: 'whatsapp:+14155238886', to: 'whatsapp:+5215512345678', body: 'hola' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 401, code: 20003, message: 'Authenticate' });
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('fake Meta WhatsApp Cloud API', () => {
  let fake: FakeMeta;
  const messagesUrl = () => `${fake.url}/v21.0/${PHONE_ID}/messages`;

  function sendJson(body: unknown, options: { token?: string | null; url?: string; raw?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = options.token === undefined ? META_TOKEN : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    return call(options.url ?? messagesUrl(), { method: 'POST', headers, body: options.raw ?? JSON.stringify(body) });
  }

  const text = (to = '525512345678', body = 'Hola Ana') => ({ messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body } });

  /** The error body minus its random fbtrace_id. */
  function errorOf(answer: Answer) {
    const { error } = answer.json as MetaErrorBody;
    expect(error.fbtrace_id).toMatch(/^A[A-Za-z0-9_-]{20,}$/);
    const { fbtrace_id: _trace, ...rest } = error;
    return rest;
  }

  beforeAll(async () => {
    fake = await startFakeMeta({
      accessToken: META_TOKEN,
      phoneNumberId: PHONE_ID,
      templates: [
        { name: 'quote_ready', language: 'es_MX', bodyParameters: 2 },
        { name: 'order_update', language: 'es_MX', bodyParameters: ['first_name', 'order_number'] },
      ],
    });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  test('accepts a text message: contacts + wamid', async () => {
    const answer = await sendJson({ ...text(), biz_opaque_callback_data: 'message:42' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-fb-trace-id')).toBeTruthy();
    const body = answer.json as MetaSendResponse;
    expect(body.messaging_product).toBe('whatsapp');
    expect(body.contacts).toEqual([{ input: '525512345678', wa_id: '5215512345678' }]);
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0].id).toMatch(/^wamid\.[A-Za-z0-9+/=]{40,}$/);
    expect(body.messages[0]).not.toHaveProperty('message_status');
    // The id embeds the wa_id, like the real ones.
    expect(Buffer.from(body.messages[0].id.slice(6), 'base64').toString('latin1')).toContain('5215512345678');

    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({ id: body.messages[0].id, to: '525512345678', waId: '5215512345678', type: 'text' });
    expect(fake.sent[0].payload.biz_opaque_callback_data).toBe('message:42');
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: `/v21.0/${PHONE_ID}/messages` });
    expect(fake.requests[0].rawBody).toBe(JSON.stringify({ ...text(), biz_opaque_callback_data: 'message:42' }));
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${META_TOKEN}`);
  });

  test('wamids are unique', async () => {
    await Promise.all(Array.from({ length: 20 }, () => sendJson(text())));
    expect(new Set(fake.sent.map((m) => m.id)).size).toBe(20);
  });

  test.each([
    ['525512345678', '5215512345678'],
    ['+525512345678', '5215512345678'],
    ['5215512345678', '5215512345678'],
    ['5491123456789', '5491123456789'],
    ['573001234567', '573001234567'],
    ['+14155550123', '14155550123'],
  ])('wa_id of %s is %s', async (to, waId) => {
    expect(waIdFor(to)).toBe(waId);
    const answer = await sendJson(text(to));
    expect((answer.json as MetaSendResponse).contacts).toEqual([{ input: to, wa_id: waId }]);
  });

  test('accepts a template with named text parameters and a document header; message_status accepted', async () => {
    const answer = await sendJson({
      messaging_product: 'whatsapp',
      to: '+5215512345678',
      type: 'template',
      biz_opaque_callback_data: 'message:7',
      template: {
        name: 'order_update',
        language: { code: 'es_MX' },
        components: [
          { type: 'header', parameters: [{ type: 'document', document: { link: 'https://example.test/q.pdf', filename: 'Cotización 12.pdf' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', parameter_name: 'first_name', text: 'Ana' },
              { type: 'text', parameter_name: 'order_number', text: 'OC-12' },
            ],
          },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'q/12' }] },
        ],
      },
    });
    expect(answer.status).toBe(200);
    expect((answer.json as MetaSendResponse).messages[0]).toEqual({ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' });
    expect(fake.sent[0].payload.template?.components?.[1].parameters?.[0]).toEqual({ type: 'text', parameter_name: 'first_name', text: 'Ana' });
  });

  test('accepts image and document messages; type defaults to text', async () => {
    expect((await sendJson({ messaging_product: 'whatsapp', to: '525512345678', type: 'image', image: { link: 'https://example.test/p.jpg', caption: 'Foto' } })).status).toBe(200);
    expect(
      (await sendJson({ messaging_product: 'whatsapp', to: '525512345678', type: 'document', document: { link: 'https://example.test/q.pdf', filename: 'q.pdf', caption: 'Cotización' } })).status,
    ).toBe(200);
    expect((await sendJson({ messaging_product: 'whatsapp', to: '525512345678', text: { body: 'hola' } })).status).toBe(200);
    expect(fake.sent.map((m) => m.type)).toEqual(['image', 'document', 'text']);
  });

  test.each([
    ['no token', null],
    ['a wrong token', 'not-the-token'],
  ])('401 OAuthException 190 with %s', async (_case, token) => {
    const answer = await sendJson(text(), { token });
    expect(answer.status).toBe(401);
    expect(errorOf(answer)).toEqual({ message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 });
    expect(answer.headers.get('www-authenticate')).toContain('invalid_token');
  });

  test('the token may also come as the access_token query parameter', async () => {
    expect((await sendJson(text(), { token: null, url: `${messagesUrl()}?access_token=${META_TOKEN}` })).status).toBe(200);
  });

  test('the phone number lookup answers the business number (or the fields asked for) to the token, and takes no scripted answer', async () => {
    fake.failNext({ code: 131000, message: 'Something went wrong' });
    const auth = { authorization: `Bearer ${META_TOKEN}` };
    const full = await call(`${fake.url}/v21.0/${PHONE_ID}`, { headers: auth });
    expect(full.status).toBe(200);
    expect(full.json).toMatchObject({ id: PHONE_ID, verified_name: expect.any(String), display_phone_number: expect.any(String), quality_rating: 'GREEN' });
    expect((await call(`${fake.url}/v21.0/${PHONE_ID}?fields=id,display_phone_number`, { headers: auth })).json).toEqual({ id: PHONE_ID, display_phone_number: '+1 555-000-1111' });
    expect((await call(`${fake.url}/v21.0/${PHONE_ID}`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await sendJson(text())).status).toBe(400);
  });

  test('an unknown phone number id is GraphMethodException 100/33', async () => {
    const answer = await sendJson(text(), { url: `${fake.url}/v21.0/999/messages` });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toEqual({
      message: expect.stringMatching(/^Unsupported post request\. Object with ID '999' does not exist/),
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
    });
  });

  test('only the configured Graph version is served', async () => {
    const answer = await sendJson(text(), { url: `${fake.url}/v17.0/${PHONE_ID}/messages` });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: 2500, type: 'OAuthException' });
  });

  const long = 'x'.repeat(4097);
  test.each<[string, unknown, number, string]>([
    ['no messaging_product', { to: '525512345678', text: { body: 'x' } }, 100, 'The parameter messaging_product is required.'],
    ['a wrong messaging_product', { ...text(), messaging_product: 'sms' }, 100, 'Param messaging_product must be one of {WHATSAPP} - got "sms".'],
    ['no to', { messaging_product: 'whatsapp', text: { body: 'x' } }, 100, 'The parameter to is required.'],
    ['no text body', { messaging_product: 'whatsapp', to: '525512345678', type: 'text', text: {} }, 100, "The parameter text['body'] is required."],
    ['a text over 4096 characters', text('525512345678', long), 100, "Param text['body'] must be at most 4096 characters long."],
    ['no template name', { messaging_product: 'whatsapp', to: '525512345678', type: 'template', template: { language: { code: 'es_MX' } } }, 100, "The parameter template['name'] is required."],
    ['no template language', { messaging_product: 'whatsapp', to: '525512345678', type: 'template', template: { name: 'quote_ready', language: {} } }, 100, "The parameter template['language']['code'] is required."],
    ['biz_opaque_callback_data over 512', { ...text(), biz_opaque_callback_data: 'x'.repeat(513) }, 100, 'Param biz_opaque_callback_data must be at most 512 characters long.'],
  ])('400 code 100 with %s', async (_case, body, code, message) => {
    const answer = await sendJson(body);
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toEqual({ message: `(#${code}) ${message}`, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details: message } });
    expect(fake.sent).toHaveLength(0);
  });

  test.each<[string, unknown, string]>([
    ['a bad to', text('55-1234'), 'Param to must be a phone number'],
    ['an unknown type', { ...text(), type: 'sticker_pack' }, 'Param type must be one of {TEXT, TEMPLATE, IMAGE'],
    ['an image without link or id', { messaging_product: 'whatsapp', to: '525512345678', type: 'image', image: {} }, "Param image must contain either 'id' or 'link'."],
    ['a document with a non-http link', { messaging_product: 'whatsapp', to: '525512345678', type: 'document', document: { link: 'file:///etc/passwd' } }, "Param document['link'] must be a valid http(s) URL."],
    ['invalid JSON', undefined, 'The request body is not valid JSON.'],
  ])('400 code 100 (error_data.details) with %s', async (_case, body, details) => {
    const answer = await sendJson(body, body === undefined ? { raw: '{"messaging_product":' } : {});
    expect(answer.status).toBe(400);
    const error = errorOf(answer);
    expect(error.code).toBe(100);
    expect(error.message).toMatch(/^\(#100\) /);
    expect(error.error_data?.details).toContain(details);
  });

  const template = (name: string, texts: { text: string; parameter_name?: string }[]) => ({
    messaging_product: 'whatsapp',
    to: '525512345678',
    type: 'template',
    template: { name, language: { code: 'es_MX' }, components: [{ type: 'body', parameters: texts.map((t) => ({ type: 'text', ...t })) }] },
  });

  test('template parameters cannot hold new lines, tabs or 5 spaces (132018)', async () => {
    const answer = await sendJson(template('quote_ready', [{ text: 'Ana' }, { text: 'Calle 1\nCol. Centro' }]));
    expect(errorOf(answer)).toMatchObject({ code: 132018, error_data: { details: 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces' } });
  });

  test('templates are checked against the registry when one is given', async () => {
    const unknown = await sendJson(template('nope', []));
    expect(errorOf(unknown)).toEqual({
      message: '(#132001) Template name does not exist in the translation',
      type: 'OAuthException',
      code: 132001,
      error_data: { messaging_product: 'whatsapp', details: 'template name (nope) does not exist in es_MX' },
    });
    const count = await sendJson(template('quote_ready', [{ text: 'Ana' }]));
    expect(errorOf(count)).toMatchObject({ code: 132000 });
    const names = await sendJson(template('order_update', [{ text: 'Ana' }, { text: 'OC-1' }]));
    expect(errorOf(names)).toMatchObject({ code: 132012 });
    expect((await sendJson(template('quote_ready', [{ text: 'Ana' }, { text: 'Tsuru' }]))).status).toBe(200);
  });

  test('failNext produces Meta error bodies (HTTP 400 whatever the meaning), with subcode and Retry-After', async () => {
    fake.failNext({ code: 130429, message: 'Rate limit hit', details: 'Cloud API message throughput has been reached.', retryAfter: 2, times: 2 });
    fake.failNext({ code: 131047, message: 'Re-engagement message', subcode: 2494010 });
    const first = await sendJson(text());
    expect(first.status).toBe(400);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(errorOf(first)).toEqual({
      message: '(#130429) Rate limit hit',
      type: 'OAuthException',
      code: 130429,
      error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
    });
    expect(errorOf(await sendJson(text()))).toMatchObject({ code: 130429 });
    const third = await sendJson(text());
    expect(third.status).toBe(400);
    expect(errorOf(third)).toMatchObject({ code: 131047, error_subcode: 2494010, message: '(#131047) Re-engagement message' });
    expect((await sendJson(text())).status).toBe(200);
  });

  test('failNextRaw, delayNext and hangNext', async () => {
    fake.failNextRaw({ status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' });
    const raw = await sendJson(text());
    expect(raw.status).toBe(502);
    expect(raw.text).toBe('<html>Bad Gateway</html>');

    fake.delayNext(120);
    const started = Date.now();
    expect((await sendJson(text())).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);

    fake.hangNext();
    await expect(
      fetch(messagesUrl(), {
        method: 'POST',
        headers: { authorization: `Bearer ${META_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(text()),
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    expect((await sendJson(text())).status).toBe(200);
  });

  describe('media upload (POST /{version}/{phone-number-id}/media)', () => {
    const uploadUrl = () => `${fake.url}/v21.0/${PHONE_ID}/media`;
    const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x34, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0x0a]);

    function upload(fields: { product?: string | null; type?: string | null; file?: Buffer | null } = {}, options: { token?: string | null; url?: string } = {}): Promise<Answer> {
      const form = new FormData();
      const product = fields.product === undefined ? 'whatsapp' : fields.product;
      const type = fields.type === undefined ? 'application/pdf' : fields.type;
      const file = fields.file === undefined ? pdf : fields.file;
      if (product !== null) form.append('messaging_product', product);
      if (type !== null) form.append('type', type);
      if (file !== null) form.append('file', new Blob([new Uint8Array(file)], { type: 'application/pdf' }), 'Cotización 12.pdf');
      const token = options.token === undefined ? META_TOKEN : options.token;
      return call(options.url ?? uploadUrl(), { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
    }

    test('records the file (bytes, type, name) and answers its media id, which a message and the media lookup accept', async () => {
      const answer = await upload();
      expect(answer.status).toBe(200);
      const { id } = answer.json as { id: string };
      expect(id).toMatch(/^\d+$/);
      expect(fake.uploads).toHaveLength(1);
      expect(fake.uploads[0]).toMatchObject({ id, type: 'application/pdf', mime: 'application/pdf', filename: 'Cotización 12.pdf' });
      expect(Buffer.compare(fake.uploads[0].bytes, pdf)).toBe(0);

      const sent = await sendJson({ messaging_product: 'whatsapp', to: '525512345678', type: 'document', document: { id, filename: 'q.pdf' } });
      expect(sent.status).toBe(200);
      expect(fake.sent[0].payload.document).toEqual({ id, filename: 'q.pdf' });

      const lookup = await call(`${fake.url}/v21.0/${id}`, { headers: { authorization: `Bearer ${META_TOKEN}` } });
      expect(lookup.json).toMatchObject({ id, mime_type: 'application/pdf', file_size: pdf.length });
      const bytes = await fetch((lookup.json as { url: string }).url, { headers: { authorization: `Bearer ${META_TOKEN}` } });
      expect(Buffer.compare(Buffer.from(await bytes.arrayBuffer()), pdf)).toBe(0);
    });

    test.each<[string, Parameters<typeof upload>[0], string]>([
      ['no messaging_product', { product: null }, 'The parameter messaging_product is required.'],
      ['a wrong messaging_product', { product: 'sms' }, 'Param messaging_product must be one of {WHATSAPP} - got "sms".'],
      ['no type', { type: null }, 'The parameter type is required.'],
      ['no file', { file: null }, 'The parameter file is required.'],
    ])('400 code 100 with %s, nothing recorded', async (_case, fields, message) => {
      const answer = await upload(fields);
      expect(answer.status).toBe(400);
      expect(errorOf(answer)).toMatchObject({ code: 100, message: `(#100) ${message}` });
      expect(fake.uploads).toHaveLength(0);
    });

    test('a body that is not multipart is refused', async () => {
      const answer = await call(uploadUrl(), { method: 'POST', headers: { authorization: `Bearer ${META_TOKEN}`, 'content-type': 'application/json' }, body: '{}' });
      expect(errorOf(answer)).toMatchObject({ code: 100, error_data: { details: 'The request must be multipart/form-data.' } });
    });

    test('401 OAuthException 190 without the token; GraphMethodException 100/33 for another phone number id', async () => {
      const unauthorized = await upload({}, { token: null });
      expect(unauthorized.status).toBe(401);
      expect(errorOf(unauthorized)).toMatchObject({ code: 190, type: 'OAuthException' });
      const other = await upload({}, { url: `${fake.url}/v21.0/999/media` });
      expect(errorOf(other)).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
      expect(fake.uploads).toHaveLength(0);
    });

    test('takes scripted answers like sends (failNext, failNextRaw)', async () => {
      fake.failNext({ code: 131053, message: 'Media upload error', details: 'Unsupported file type' });
      fake.failNextRaw({ status: 503, body: 'Service Unavailable' });
      const refused = await upload();
      expect(refused.status).toBe(400);
      expect(errorOf(refused)).toMatchObject({ code: 131053, message: '(#131053) Media upload error', error_data: { details: 'Unsupported file type' } });
      expect((await upload()).status).toBe(503);
      expect((await upload()).status).toBe(200);
      expect(fake.uploads).toHaveLength(1);
    });
  });

  test('failFor is sticky per recipient, whatever the formatting', async () => {
    fake.failFor('+52 55 0000 0000', { code: 131026, message: 'Message undeliverable' });
    const failed = await sendJson(text('525500000000'));
    expect(failed.status).toBe(400);
    expect(errorOf(failed)).toMatchObject({ code: 131026 });
    // The same person written with the Mexican "1" (their wa_id) fails too.
    expect(errorOf(await sendJson(text('+5215500000000')))).toMatchObject({ code: 131026 });
    expect((await sendJson(text())).status).toBe(200);
  });

  test('serves a thousand requests quickly (benchmark use)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    const payload = JSON.stringify(text());
    const post = () =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          messagesUrl(),
          { method: 'POST', agent, headers: { authorization: `Bearer ${META_TOKEN}`, 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    const started = Date.now();
    const statuses = await Promise.all(Array.from({ length: 1000 }, post));
    const elapsed = Date.now() - started;
    agent.destroy();
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(fake.sent).toHaveLength(1000);
    // Generous: a sanity bound, not a benchmark (detectOpenHandles alone makes it ~8x slower,
    // and a machine shared with other jobs as much again).
    expect(elapsed).toBeLessThan(30_000);
  });
});

// ---------------------------------------------------------------------------------------------
/** The part of nodemailer's API used here (its types are not installed). */
interface MailResult {
  accepted: string[];
  rejected: string[];
  response: string;
}
interface MailTransport {
  sendMail(mail: { from: string; to: string | string[]; subject: string; text?: string; html?: string }): Promise<MailResult>;
  close(): void;
}
interface Nodemailer {
  createTransport(options: { host: string; port: number; secure: boolean; ignoreTLS: boolean; auth?: { user: string; pass: string } }): MailTransport;
}
// nodemailer comes with Strapi's email provider, without types of its own here: typed by hand above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodemailer = require('nodemailer') as Nodemailer;

describe('fake SMTP', () => {
  let smtp: FakeSmtp;
  const transport = (auth?: { user: string; pass: string }) =>
    nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, auth });

  beforeAll(async () => {
    smtp = await startFakeSmtp();
  });
  afterEach(() => smtp.reset());
  afterAll(() => smtp.close());

  test('nodemailer delivers to it; envelope, subject and text are readable', async () => {
    const mailer = transport();
    const result = await mailer.sendMail({
      from: 'whatsapp@localhost',
      to: ['ana@example.test', 'taller@example.test'],
      subject: 'Cotización lista ✓',
      text: 'Hola Ana,\n.esta línea empieza con punto\nSaludos',
    });
    mailer.close();
    expect(result.accepted).toEqual(['ana@example.test', 'taller@example.test']);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0];
    expect(mail.from).toBe('whatsapp@localhost');
    expect(mail.to).toEqual(['ana@example.test', 'taller@example.test']);
    expect(mail.subject).toBe('Cotización lista ✓');
    expect(mail.text?.replace(/\r\n/g, '\n')).toBe('Hola Ana,\n.esta línea empieza con punto\nSaludos');
    expect(mail.data).toMatch(/^[\s\S]*\r\nSubject: /);
    expect(mail.auth).toBeNull();
  });

  test('multipart text + html, and AUTH credentials recorded', async () => {
    const mailer = transport({ user: 'mailer', pass: 'secret' });
    await mailer.sendMail({ from: 'a@localhost', to: 'b@example.test', subject: 'Hi', text: 'plain', html: '<p>Hola <b>Ana</b></p>' });
    mailer.close();
    const [mail] = await smtp.waitForMails(1, 2000);
    expect(mail.text).toBe('plain');
    expect(mail.html).toBe('<p>Hola <b>Ana</b></p>');
    expect(mail.auth).toEqual({ user: 'mailer', pass: 'secret' });
  });

  test('rejectNext refuses a message with the given reply; the next one is accepted', async () => {
    smtp.rejectNext({ code: 451, message: '4.3.0 Try again later' });
    const mailer = transport();
    await expect(mailer.sendMail({ from: 'a@localhost', to: 'b@example.test', subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 451 });
    await mailer.sendMail({ from: 'a@localhost', to: 'b@example.test', subject: 'y', text: 'y' });
    mailer.close();
    expect(smtp.mails.map((m) => m.subject)).toEqual(['y']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('the providers\' template listings', () => {
  let fakes: Awaited<ReturnType<typeof startFakes>>;
  beforeAll(async () => {
    fakes = await startFakes();
  });
  afterAll(() => fakes.close());
  afterEach(() => fakes.reset());

  test('Meta: /{waba}/message_templates pages by cursor (Graph links), only the fields asked, 401 without the token', async () => {
    fakes.meta.setTemplates([metaTemplateRecord({ name: 'a' }), metaTemplateRecord({ name: 'b' }), metaTemplateRecord({ name: 'c' })], { pageSize: 2 });
    const url = `${fakes.meta.url}/v21.0/${fakes.meta.wabaId}/message_templates?fields=name,status&limit=100`;
    const first = await call(url, { headers: { authorization: `Bearer ${META_TOKEN}` } });
    const page = first.json as { data: Array<Record<string, unknown>>; paging: { next?: string; cursors: { after: string } } };
    expect(first.status).toBe(200);
    expect(page.data.map((t) => Object.keys(t).sort())).toEqual([['id', 'name', 'status'], ['id', 'name', 'status']]);
    expect(page.paging.next).toMatch(/^https:\/\/graph\.facebook\.com\/v21\.0\/102290129340398\/message_templates\?.*after=/);
    const nextUrl = new URL(page.paging.next!);
    const second = await call(`${fakes.meta.url}${nextUrl.pathname}${nextUrl.search}`, { headers: { authorization: `Bearer ${META_TOKEN}` } });
    expect((second.json as { data: Array<{ name: string }>; paging: { next?: string } }).data.map((t) => t.name)).toEqual(['c']);
    expect((second.json as { paging: { next?: string } }).paging.next).toBeUndefined();
    const refused = await call(url, {});
    expect(refused.status).toBe(401);
    expect((refused.json as MetaErrorBody).error.code).toBe(190);
    const bad = await call(`${url}&after=nonsense`, { headers: { authorization: `Bearer ${META_TOKEN}` } });
    expect(bad.status).toBe(400);
  });

  test('Twilio: /v1/Content pages with next_page_url on content.twilio.com, ApprovalRequests per content, 401 without credentials', async () => {
    const sids = ['HX' + '1'.repeat(32), 'HX' + '2'.repeat(32), 'HX' + '3'.repeat(32)];
    fakes.twilio.setContents([
      twilioContentRecord({ sid: sids[0], name: 'uno', body: 'Hola {{1}}' }),
      twilioContentRecord({ sid: sids[1], name: 'dos', body: 'Adiós', approval: { status: 'rejected', rejection_reason: 'Too short' } }),
      twilioContentRecord({ sid: sids[2], name: 'tres', body: 'Sin enviar', approval: null }),
    ], { pageSize: 2 });
    const auth = { authorization: basic(ACCOUNT_SID, AUTH_TOKEN) };
    const first = await call(`${fakes.twilio.url}/v1/Content?PageSize=100`, { headers: auth });
    const page = first.json as { contents: Array<{ sid: string; types: unknown }>; meta: { next_page_url: string | null; key: string } };
    expect(page.contents.map((c) => c.sid)).toEqual(sids.slice(0, 2));
    expect(page.meta.key).toBe('contents');
    expect(page.meta.next_page_url).toMatch(/^https:\/\/content\.twilio\.com\/v1\/Content\?PageSize=100&Page=1&PageToken=/);
    const next = new URL(page.meta.next_page_url!);
    const second = await call(`${fakes.twilio.url}${next.pathname}${next.search}`, { headers: auth });
    expect((second.json as typeof page).contents.map((c) => c.sid)).toEqual([sids[2]]);
    expect((second.json as typeof page).meta.next_page_url).toBeNull();
    const approval = await call(`${fakes.twilio.url}/v1/Content/${sids[1]}/ApprovalRequests`, { headers: auth });
    expect(approval.json).toMatchObject({ sid: sids[1], whatsapp: { name: 'dos', status: 'rejected', rejection_reason: 'Too short', category: 'UTILITY' } });
    expect((await call(`${fakes.twilio.url}/v1/Content/${sids[2]}/ApprovalRequests`, { headers: auth })).json).toMatchObject({ whatsapp: {} });
    expect((await call(`${fakes.twilio.url}/v1/Content/HX${'9'.repeat(32)}/ApprovalRequests`, { headers: auth })).status).toBe(404);
    const refused = await call(`${fakes.twilio.url}/v1/Content`, {});
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ code: 20003, message: 'Authenticate' });
  });
});

// ---------------------------------------------------------------------------------------------
describe('startFakes', () => {
  test('starts all three and gives the environment that points at them', async () => {
    const fakes = await startFakes();
    try {
      expect(fakes.env).toEqual({
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: 'test-twilio-token',
        TWILIO_API_BASE_URL: fakes.twilio.url,
        TWILIO_CONTENT_BASE_URL: fakes.twilio.url,
        TWILIO_MESSAGING_BASE_URL: fakes.twilio.url,
        TWILIO_WHATSAPP_FROM: '+14155238886',
        TWILIO_SMS_FROM: '+15005550006',
        META_ACCESS_TOKEN: 'test-meta-token',
        META_PHONE_NUMBER_ID: '1234567890',
        META_WHATSAPP_NUMBER: '+15550001111',
        META_GRAPH_BASE_URL: fakes.meta.url,
        META_GRAPH_VERSION: 'v21.0',
        META_WABA_ID: '102290129340398',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(fakes.smtp.port),
      });
      expect(ACCOUNT_SID).toMatch(/^AC[0-9a-f]{32}$/);
      const env = fakes.env;
      const twilioAnswer = await call(`${env.TWILIO_API_BASE_URL}/2010-04-01/Accounts/${env.TWILIO_ACCOUNT_SID}/Messages.json`, {
        method: 'POST',
        headers: { authorization: basic(env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: '+5215512345678', From: env.TWILIO_SMS_FROM, Body: 'hola' }).toString(),
      });
      expect(twilioAnswer.status).toBe(201);
      const metaAnswer = await call(`${env.META_GRAPH_BASE_URL}/${env.META_GRAPH_VERSION}/${env.META_PHONE_NUMBER_ID}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${env.META_ACCESS_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', to: '525512345678', type: 'text', text: { body: 'hola' } }),
      });
      expect(metaAnswer.status).toBe(200);
    } finally {
      await fakes.close();
    }
  });

  test('close() ends hung requests, so nothing keeps jest alive', async () => {
    const fakes = await startFakes();
    fakes.twilio.hangNext();
    const hung = fetch(`${fakes.env.TWILIO_API_BASE_URL}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      method: 'POST',
      headers: { authorization: basic(ACCOUNT_SID, AUTH_TOKEN) },
      body: 'To=%2B5215512345678',
    }).catch((error: unknown) => error);
    // Give the request time to arrive, then close with it still open.
    while (fakes.twilio.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = Date.now();
    await fakes.close();
    // Had close() waited for the hung request it would never return (the test would time out).
    expect(Date.now() - started).toBeLessThan(5000);
    // undici's TypeError comes from another realm than jest's, hence no toBeInstanceOf.
    expect(await hung).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
  });
});
