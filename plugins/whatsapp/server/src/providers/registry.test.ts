import type { Core } from '@strapi/strapi';
import { createEmailChannel } from './channels/email';
import { createSmsChannel } from './channels/sms';
import { PROVIDERS, createRegistry, probeProvider, providerModule } from './registry';
import { createSandboxProvider } from './sandbox/client';
import { startLocalServer, type LocalServer } from './test-support/local-server';

describe('the provider registry', () => {
  it('maps each provider name to its folder, with an error table whose rows say class, meaning and remedy', () => {
    expect(Object.keys(PROVIDERS).sort()).toEqual(['meta', 'sandbox', 'twilio']);
    expect(providerModule('meta')?.name).toBe('meta');
    expect(providerModule('constructor')).toBeUndefined();
    for (const provider of [PROVIDERS.meta, PROVIDERS.twilio]) {
      for (const [code, rule] of Object.entries(provider.errors)) {
        expect({ code, kind: typeof rule.kind, reason: rule.reason.length > 5, remedy: rule.remedy.length > 5 }).toEqual({ code, kind: 'string', reason: true, remedy: true });
      }
    }
  });

  it('knows which codes may fall back to SMS / email (the table says it), the sandbox both providers\'', () => {
    const fallbacks = (table: Readonly<Record<string, { fallback?: boolean }>>) => Object.keys(table).filter((code) => table[code].fallback).sort();
    expect(fallbacks(PROVIDERS.meta.errors)).toEqual(['130472', '131026']);
    expect(fallbacks(PROVIDERS.twilio.errors)).toEqual(['63003', '63024', '63032']);
    expect(PROVIDERS.meta.canFallBack('131026')).toBe(true);
    expect(PROVIDERS.meta.canFallBack('131050')).toBe(false);
    expect(PROVIDERS.twilio.canFallBack('21610')).toBe(false);
    expect(PROVIDERS.sandbox.canFallBack('63003')).toBe(true);
    expect(PROVIDERS.sandbox.canFallBack(undefined)).toBe(false);
  });

  it('sends through the sandbox in sandbox mode, with the configured failure', async () => {
    const registry = createRegistry({ strapi: {} as Core.Strapi });
    const client = registry.forSender({ provider: 'meta' }, { sandbox: true, sandboxFailure: { code: '131026', kind: 'permanent' } });
    expect(client.name).toBe('sandbox');
    await expect(client.send({ id: 1, to: '+525512345678', from: 'x', body: 'hola' })).rejects.toMatchObject({ code: '131026' });
    expect(() => registry.forSender({ provider: 'nope' }, { sandbox: false })).toThrow(/Unknown provider nope/);
  });

  it('in live mode the sandbox sender refuses: a message no provider accepted is never sent', async () => {
    const registry = createRegistry({ strapi: {} as Core.Strapi });
    const client = registry.forSender({ provider: 'sandbox' }, { sandbox: false });
    const error = await client.send({ id: 1, to: '+525512345678', from: 'sandbox', body: 'hola' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'no-provider', message: expect.stringMatching(/TWILIO_ACCOUNT_SID[\s\S]*META_ACCESS_TOKEN/) });
    expect(client.classify(error)).toEqual({ kind: 'permanent' });
    expect(client.canFallBack('no-provider')).toBe(false);
    // In sandbox mode the same sender is the sandbox, which answers.
    await expect(registry.forSender({ provider: 'sandbox' }, { sandbox: true }).send({ id: 1, to: '+525512345678', from: 'sandbox', body: 'hola' })).resolves.toMatchObject({
      providerMessageId: expect.stringMatching(/^sandbox-/),
    });
  });

  it('gives the fallback channels; email goes through the email plugin, outside the sandbox', async () => {
    const sent: unknown[] = [];
    const strapi = { plugin: () => ({ service: () => ({ send: async (mail: unknown) => sent.push(mail) }) }) } as unknown as Core.Strapi;
    const registry = createRegistry({ strapi });
    const email = registry.channel('email', { sandbox: false })!;
    const letter = { id: 7, to: '+525512345678', from: '+14155238886', email: 'ana@example.com', text: 'Su pedido\nllegó' };
    expect(email.canReach({ ...letter, email: null })).toBe(false);
    await expect(email.send(letter)).resolves.toMatchObject({ provider: 'email', providerMessageId: expect.stringMatching(/^email-7-/) });
    expect(sent).toEqual([{ to: 'ana@example.com', subject: 'Su pedido', text: 'Su pedido\nllegó' }]);
    expect(await registry.channel('sms', { sandbox: true })!.send(letter)).toMatchObject({ provider: 'sandbox' });
  });
});

describe('channels', () => {
  it('SMS sends the text from the SMS number, else the sender number', async () => {
    const client = createSandboxProvider({});
    const spy = jest.spyOn(client, 'send');
    await createSmsChannel({ client, from: '+15005550006' }).send({ id: 1, to: '+525512345678', from: '+14155238886', text: 'hola' });
    await createSmsChannel({ client }).send({ id: 2, to: '+525512345678', from: '+14155238886', text: 'hola' });
    expect(spy.mock.calls.map(([message]) => message.from)).toEqual(['+15005550006', '+14155238886']);
  });

  it('email in the sandbox sends nothing', async () => {
    const send = jest.fn();
    const result = await createEmailChannel({ sandbox: true, send }).send({ id: 1, to: '+52', from: 'x', email: 'a@b.c', text: 'hola' });
    expect(result.provider).toBe('sandbox');
    expect(send).not.toHaveBeenCalled();
  });
});

describe('probes (is a configured provider reachable with its credentials?)', () => {
  let server: LocalServer;
  const saved = { ...process.env };
  const json = (status: number, body: unknown) => (_request: unknown, response: import('node:http').ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  beforeAll(async () => {
    server = await startLocalServer(json(200, {}));
    Object.assign(process.env, {
      TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
      TWILIO_AUTH_TOKEN: 'secret',
      TWILIO_API_BASE_URL: server.url,
      META_ACCESS_TOKEN: 'meta-token',
      META_PHONE_NUMBER_ID: '1234567890',
      META_GRAPH_BASE_URL: server.url,
      META_GRAPH_VERSION: 'v21.0',
    });
  });
  afterEach(() => server.requests.splice(0));
  afterAll(async () => {
    process.env = saved;
    await server.close();
  });

  it("Twilio: fetches the Account with basic auth; an active account answers", async () => {
    server.respondWith(json(200, { sid: 'AC0123456789abcdef0123456789abcdef', status: 'active' }));
    await expect(probeProvider('twilio')).resolves.toEqual({ provider: 'twilio', ok: true, detail: 'Twilio answered' });
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef.json' });
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('AC0123456789abcdef0123456789abcdef:secret').toString('base64')}`);
    server.respondWith(json(200, { status: 'suspended' }));
    await expect(probeProvider('twilio')).resolves.toMatchObject({ ok: false, detail: 'the Twilio account is suspended' });
    server.respondWith(json(401, { code: 20003, message: 'Authenticate', status: 401 }));
    await expect(probeProvider('twilio')).resolves.toMatchObject({ ok: false, detail: expect.stringMatching(/HTTP 401: Authenticate.*TWILIO_AUTH_TOKEN/) });
  });

  it('Meta: fetches the phone number with the bearer token', async () => {
    server.respondWith(json(200, { id: '1234567890', display_phone_number: '+1 555 000 1111' }));
    await expect(probeProvider('meta')).resolves.toMatchObject({ ok: true });
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/v21.0/1234567890?fields=id,display_phone_number' });
    expect(server.requests[0].headers.authorization).toBe('Bearer meta-token');
    server.respondWith(json(401, { error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190 } }));
    await expect(probeProvider('meta')).resolves.toMatchObject({ ok: false, detail: expect.stringMatching(/HTTP 401: Invalid OAuth access token.*META_ACCESS_TOKEN/) });
  });

  it('a provider that never answers or cannot be reached is not reachable, within the deadline', async () => {
    server.respondWith(() => undefined);
    const started = Date.now();
    await expect(probeProvider('meta', 200)).resolves.toEqual({ provider: 'meta', ok: false, detail: 'Meta did not answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
    process.env.TWILIO_API_BASE_URL = 'http://127.0.0.1:1';
    await expect(probeProvider('twilio')).resolves.toMatchObject({ ok: false, detail: expect.stringMatching(/^Twilio could not be reached/) });
    process.env.TWILIO_API_BASE_URL = server.url;
  });
});
