import { ProviderError } from '../errors';
import { hang, json, startLocalServer, text, type LocalServer } from '../test-support/local-server';
import { createTwilioProvider, type TwilioProviderOptions } from './client';
import type { OutboundMessage } from '../types';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'secret-token';
const created = (sid = 'SM0123456789abcdef0123456789abcdef') =>
  json(201, { sid, status: 'queued', account_sid: ACCOUNT_SID, to: 'whatsapp:+525512345678', body: 'Hola' });

const message: OutboundMessage = { id: 1234, to: '+525512345678', from: '+14155238886', body: 'Hola José 🎉' };

let server: LocalServer;

beforeEach(async () => {
  server = await startLocalServer(created());
});
afterEach(async () => {
  await server.close();
});

function provider(extra: Partial<TwilioProviderOptions> = {}) {
  return createTwilioProvider({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    apiBaseUrl: server.url,
    statusCallbackBaseUrl: 'https://tienda.example.com/',
    channel: 'whatsapp',
    ...extra,
  });
}

const form = (body: string) => Object.fromEntries(new URLSearchParams(body));

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof ProviderError) return error;
  throw new Error(`expected a ProviderError, got ${String(error)}`);
}

describe('twilio provider — requests', () => {
  it('sends free text to the Messages API with WhatsApp addresses and a status callback', async () => {
    const result = await provider().send(message);
    expect(result).toEqual({ providerMessageId: 'SM0123456789abcdef0123456789abcdef', httpStatus: 201 });
    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers['user-agent']).toMatch(/^twilio-node\//);
    expect(form(request.body)).toEqual({
      To: 'whatsapp:+525512345678',
      From: 'whatsapp:+14155238886',
      Body: 'Hola José 🎉',
      StatusCallback: 'https://tienda.example.com/api/whatsapp/webhooks/twilio?message=1234',
    });
  });

  it('sends templates as ContentSid + ContentVariables JSON, without Body', async () => {
    await provider().send({
      ...message,
      body: undefined,
      template: { twilio: { contentSid: 'HX0123456789abcdef0123456789abcdef', variables: { 1: 'José', 2: '14/03/25' } } },
    });
    const params = form(server.requests[0].body);
    expect(params.ContentSid).toBe('HX0123456789abcdef0123456789abcdef');
    expect(JSON.parse(params.ContentVariables)).toEqual({ 1: 'José', 2: '14/03/25' });
    expect(params.Body).toBeUndefined();
    expect(params.MediaUrl).toBeUndefined();
  });

  it('sends media as MediaUrl with the body as caption', async () => {
    await provider().send({
      ...message,
      body: 'Tu factura',
      media: { url: 'https://tienda.example.com/f/1.pdf?sig=abc&exp=1', mime: 'application/pdf', kind: 'document' },
    });
    expect(form(server.requests[0].body)).toMatchObject({
      Body: 'Tu factura',
      MediaUrl: 'https://tienda.example.com/f/1.pdf?sig=abc&exp=1',
    });
  });

  it('uses plain E.164 on the SMS channel and names itself twilio-sms', async () => {
    const sms = provider({ channel: 'sms' });
    expect(sms.name).toBe('twilio-sms');
    await sms.send(message);
    expect(form(server.requests[0].body)).toMatchObject({ To: '+525512345678', From: '+14155238886' });
  });

  it('accepts whatsapp:-prefixed numbers without doubling the prefix', async () => {
    await provider().send({ ...message, to: 'whatsapp:+525512345678', from: 'whatsapp:+14155238886' });
    expect(form(server.requests[0].body)).toMatchObject({ To: 'whatsapp:+525512345678', From: 'whatsapp:+14155238886' });
  });

  it('asks for no status callback without a public URL', async () => {
    await provider({ statusCallbackBaseUrl: undefined }).send(message);
    expect(form(server.requests[0].body).StatusCallback).toBeUndefined();
  });

  it('reuses the connection (keep-alive)', async () => {
    const twilio = provider();
    for (let index = 0; index < 5; index += 1) await twilio.send(message);
    await Promise.all(Array.from({ length: 10 }, () => twilio.send(message)));
    expect(server.requests).toHaveLength(15);
    expect(server.connections()).toBeLessThanOrEqual(10);
  });

  it('sends nothing for an invalid message', async () => {
    const twilio = provider();
    const empty = await failure(twilio.send({ ...message, body: undefined }));
    expect(twilio.classify(empty)).toEqual({ kind: 'permanent' });
    await expect(twilio.send({ ...message, template: { meta: { name: 't', language: 'es', parameters: [] } } })).rejects.toThrow(
      'without a Twilio Content SID',
    );
    await expect(twilio.send({ ...message, to: '5512345678' })).resolves.toBeDefined(); // digits are E.164 without +
    await expect(twilio.send({ ...message, to: '55 1234 5678' })).rejects.toThrow('E.164');
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a malformed Account SID at creation', () => {
    expect(() => provider({ accountSid: 'SK123' })).toThrow('accountSid must start with AC');
  });
});

describe('twilio provider — errors', () => {
  it('maps 21211 invalid To (JSON error body) to a permanent ProviderError', async () => {
    server.respondWith(
      json(400, { code: 21211, message: "The 'To' number whatsapp:+525512345678 is not a valid phone number.", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 }),
    );
    const twilio = provider();
    const error = await failure(twilio.send(message));
    expect(error).toMatchObject({ provider: 'twilio', status: 400, code: '21211' });
    expect(error.message).toContain('is not a valid phone number');
    expect(twilio.classify(error)).toEqual({ kind: 'permanent' });
  });

  it('maps 63016 to outside-window and 21610 to opted-out', async () => {
    const twilio = provider();
    server.respondWith(json(400, { code: 63016, message: 'Failed to send freeform message because you are outside the allowed window.', status: 400 }));
    expect(twilio.classify(await failure(twilio.send(message)))).toEqual({ kind: 'outside-window' });
    server.respondWith(json(400, { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 }));
    expect(twilio.classify(await failure(twilio.send(message)))).toEqual({ kind: 'opted-out' });
  });

  it('keeps Retry-After of a 429', async () => {
    server.respondWith(json(429, { code: 20429, message: 'Too Many Requests', status: 429 }, { 'Retry-After': '7' }));
    const twilio = provider();
    const error = await failure(twilio.send(message));
    expect(error.retryAfterSeconds).toBe(7);
    expect(twilio.classify(error)).toEqual({ kind: 'rate-limited', retryAfterSeconds: 7 });
  });

  it('falls back to the body text for a non-JSON 503', async () => {
    server.respondWith(text(503, '<html><body>Service Unavailable</body></html>'));
    const twilio = provider();
    const error = await failure(twilio.send(message));
    expect(error.message).toBe('[HTTP 503] <html><body>Service Unavailable</body></html>');
    expect(twilio.classify(error)).toEqual({ kind: 'transient' });
  });

  it('times out a hung request as transient', async () => {
    server.respondWith(hang);
    const twilio = provider({ timeoutMs: 150 });
    const started = Date.now();
    const error = await failure(twilio.send(message));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toMatchObject({ provider: 'twilio', timeout: true, message: 'twilio did not answer within 150 ms' });
    expect(twilio.classify(error)).toEqual({ kind: 'transient' });
  });

  it('reports a refused connection as transient', async () => {
    const twilio = provider();
    await server.close();
    const error = await failure(twilio.send(message));
    expect(error.code).toBe('ECONNREFUSED');
    expect(twilio.classify(error)).toEqual({ kind: 'transient' });
    server = await startLocalServer(created()); // for afterEach
  });
});
