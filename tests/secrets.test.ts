/**
 * Secrets never leave the server: with a distinctive value in every secret the app reads
 * (provider credentials, webhook secrets, the media, pseudonym and metrics secrets, the SMTP
 * password), sends that succeed and fail (a provider's 401, a provider or proxy that echoes the
 * request's credentials in its error), webhooks with bad signatures, the handshake, health,
 * metrics, settings, senders, the Content Manager's views of senders and settings and GraphQL:
 * no answer (body or headers), no stored message and no log line holds any of them, whole or in
 * the forms they travel in (Basic auth, Bearer).
 */
import { Writable } from 'stream';
import { winston } from '@strapi/logger';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { messageRow, setLastInbound, UID } from './helpers/whatsapp';
import { waitFor } from './helpers/wait';
import { startFakes, type Fakes } from './fakes';

const SECRET = {
  twilioAuthToken: 'TWsecret7f3c9e1a2b4d6f80',
  metaAccessToken: 'EAAGmetaSecret5d1e8c3b7a9f2046',
  META_APP_SECRET: 'appsecret-4a9c2e7b1d3f5a6c',
  META_VERIFY_TOKEN: 'verifysecret-8b3d1f6a2c9e',
  WHATSAPP_MEDIA_SECRET: 'mediasecret-2f7a9c4e1b8d3f6a',
  WHATSAPP_PSEUDONYM_SECRET: 'pseudosecret-6c1e9a3f7b2d4e8a',
  WHATSAPP_METRICS_TOKEN: 'metricssecret-9d4b2f8a6c1e3a7b',
  SMTP_PASSWORD: 'smtpsecret-3e8a1c6f9b2d7a4c',
};

describe('secrets never appear in logs, errors, API answers or the Content Manager', () => {
  let app: TestApp;
  let fakes: Fakes;
  let token: string;
  let admin: string;
  const lines: string[] = [];
  const answers: string[] = [];

  /** Every form a secret travels in: itself, Twilio's Basic auth, and its base64. */
  const forms = (): Array<[string, string]> => {
    const basic = Buffer.from(`${fakes.env.TWILIO_ACCOUNT_SID}:${SECRET.twilioAuthToken}`).toString('base64');
    return [
      ...Object.entries(SECRET),
      ['twilio basic auth', basic],
      ...Object.entries(SECRET).map(([name, value]) => [`${name} (base64)`, Buffer.from(value).toString('base64')] as [string, string]),
    ];
  };
  /** Records what an answer showed (status line, headers, body) to search afterwards. */
  const record = <T extends { status: number; headers: Record<string, unknown>; text?: string; body?: unknown }>(res: T) => {
    answers.push(`${res.status} ${JSON.stringify(res.headers)} ${res.text ?? JSON.stringify(res.body)}`);
    return res;
  };
  const leaks = (texts: string[]) => forms().flatMap(([name, value]) => texts.filter((t) => t.includes(value)).map((t) => `${name} in: ${t.slice(Math.max(0, t.indexOf(value) - 200), t.indexOf(value) + 80)}`));

  beforeAll(async () => {
    fakes = await startFakes({ twilioAuthToken: SECRET.twilioAuthToken, metaAccessToken: SECRET.metaAccessToken });
    const { twilioAuthToken: _t, metaAccessToken: _m, ...env } = SECRET;
    app = await startStrapi({ env: { ...fakes.env, ...env, SMTP_USERNAME: 'mailer', WHATSAPP_SANDBOX: 'false' } });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // Every level: a secret at debug is as much a leak as one at error.
    app.strapi.log.add(new winston.transports.Stream({ stream: sink, level: 'silly' }));
    app.strapi.log.level = 'silly';
    token = await createApiToken(app.strapi);
    admin = await createAdminJwt(app);
  });
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  const api = (method: 'get' | 'post' | 'put', path: string, auth = path.startsWith('/api/') ? token : admin) => app.http()[method](path).set('Authorization', auth);

  it('sends, failed sends (401, errors that echo the credentials), webhooks, health, metrics, settings, senders, the Content Manager and GraphQL hold no secret', async () => {
    const send = async (sender: 'twilio' | 'meta', body: string) => {
      const res = record(await api('post', '/api/whatsapp/messages').send({ data: { to: '+525512345678', sender, body } }).expect(201));
      // Tried once: sent, failed, or back in the queue for a retry.
      const row = await waitFor(async () => {
        const r = await messageRow(app.strapi, res.body.data.id);
        return r.attempts >= 1 && r.deliveryStatus !== 'sending' ? r : null;
      }, 20_000);
      record(await api('get', `/api/whatsapp/messages/${res.body.data.id}`).expect(200));
      record(await api('get', `/whatsapp/messages/${res.body.data.id}`).expect(200));
      return row;
    };
    await api('put', '/whatsapp/settings').send({ data: { sandbox: false } }).expect(200);
    // The customer wrote a minute ago: free text may be sent (the 24-hour window is open).
    await setLastInbound(app.strapi, '+525512345678', new Date(Date.now() - 60_000));
    await send('twilio', 'ok twilio');
    await send('meta', 'ok meta');
    // The provider refuses the credentials.
    fakes.twilio.failNext({ status: 401, code: 20003, message: 'Authenticate' });
    await send('twilio', 'twilio 401');
    fakes.meta.failNext({ status: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
    await send('meta', 'meta 401');
    // A provider (or a proxy before it) that echoes the request's credentials in its error.
    const basic = Buffer.from(`${fakes.env.TWILIO_ACCOUNT_SID}:${SECRET.twilioAuthToken}`).toString('base64');
    fakes.twilio.failNextRaw({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ code: 21211, message: `Invalid request: Authorization: Basic ${basic} (token ${SECRET.twilioAuthToken})`, status: 400 }),
    });
    await send('twilio', 'twilio echo');
    fakes.meta.failNextRaw({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ error: { message: `(#100) Invalid parameter: access_token=${SECRET.metaAccessToken}`, type: 'OAuthException', code: 100, error_data: { details: `Bearer ${SECRET.metaAccessToken}` } } }),
    });
    await send('meta', 'meta echo');
    fakes.meta.failNextRaw({ status: 502, contentType: 'text/html', body: `<html>Bad gateway for Authorization: Bearer ${SECRET.metaAccessToken}</html>` });
    await send('meta', 'meta proxy retry');

    // Webhooks: bad signatures, none, the handshake with a wrong and the right verify token.
    record(await app.http().post('/api/whatsapp/webhooks/twilio').set('X-Twilio-Signature', 'bad').type('form').send({ MessageSid: 'SM1', MessageStatus: 'delivered' }));
    record(await app.http().post('/api/whatsapp/webhooks/meta').set('X-Hub-Signature-256', 'sha256=00').send({ object: 'whatsapp_business_account', entry: [] }));
    record(await app.http().post('/api/whatsapp/webhooks/meta').send({ object: 'whatsapp_business_account', entry: [] }));
    record(await app.http().get('/api/whatsapp/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1'));
    record(await app.http().get(`/api/whatsapp/webhooks/meta?hub.mode=subscribe&hub.verify_token=${SECRET.META_VERIFY_TOKEN}&hub.challenge=4242`).expect(200));
    // A media link with a forged signature.
    record(await app.http().get('/api/whatsapp/media/eyJmIjoxfQ.Zm9yZ2Vk'));

    // What the app tells about itself.
    record(await app.http().get('/api/whatsapp/health').expect(200));
    record(await api('get', '/whatsapp/health').expect(200));
    record(await app.http().get('/api/whatsapp/metrics').set('Authorization', `Bearer ${SECRET.WHATSAPP_METRICS_TOKEN}`).expect(200));
    record(await app.http().get('/api/whatsapp/metrics').set('Authorization', 'Bearer wrong').expect(401));
    record(await api('get', '/whatsapp/settings').expect(200));
    record(await api('get', '/whatsapp/settings/audit').expect(200));
    const senders = record(await api('get', '/whatsapp/senders').expect(200));
    for (const sender of senders.body.data) record(await api('post', `/whatsapp/senders/${sender.id}/check`));
    record(await api('get', '/api/whatsapp/messages?pagination[pageSize]=100').expect(200));
    record(await api('get', '/whatsapp/messages?pagination[pageSize]=100').expect(200));
    record(await api('get', '/whatsapp/dashboard').expect(200));
    record(await api('post', '/api/whatsapp/templates/sync'));
    // The Content Manager (super admin) on the senders, the settings and the messages.
    record(await api('get', `/content-manager/collection-types/${UID.sender}`).expect(200));
    record(await api('get', `/content-manager/single-types/${UID.setting}`).expect(200));
    record(await api('get', `/content-manager/collection-types/${UID.message}?pageSize=100`).expect(200));
    record(await api('get', `/content-manager/collection-types/${UID.attempt}?pageSize=100`).expect(200));
    record(await api('get', `/content-manager/content-types`).expect(200));
    record(await api('get', `/content-manager/content-types/${UID.sender}/configuration`).expect(200));
    // GraphQL: the messages with their errors, and an error of its own.
    record(await app.http().post('/graphql').set('Authorization', token).send({ query: '{ whatsappMessages(pagination: { limit: 100 }) { to status errorText errorCode } }' }));
    record(await app.http().post('/graphql').set('Authorization', token).send({ query: 'mutation { sendWhatsAppMessage(data: { to: "12", body: "x" }) { id } }' }));

    // What is stored and shown: the messages' and attempts' error texts.
    const stored = [
      ...(await app.strapi.db.query(UID.message as any).findMany({})),
      ...(await app.strapi.db.query(UID.attempt as any).findMany({})),
      ...(await app.strapi.db.query(UID.auditEntry as any).findMany({})),
      ...(await app.strapi.db.query(UID.sender as any).findMany({})),
    ].map((row) => JSON.stringify(row));

    // The echoes did reach the app (the test would prove nothing otherwise) ...
    expect(stored.join('\n')).toMatch(/Invalid request|Invalid parameter|Bad gateway/);
    // ... and what they quoted was replaced, the rest of the provider's words kept.
    expect(stored.join('\n')).toContain('Invalid parameter: access_token=[redacted]');
    expect(stored.join('\n')).toContain('Authorization: Basic [redacted] (token [redacted])');
    expect(lines.join('').length).toBeGreaterThan(0);
    // ... and no secret is anywhere.
    expect(leaks(answers)).toEqual([]);
    expect(leaks(stored)).toEqual([]);
    expect(leaks(lines)).toEqual([]);
  });
});
