/**
 * Step 7, honest live mode: sandbox mode is switched off only when a configured provider answers
 * (422 naming `sandbox` otherwise, nothing changed); a message no provider accepted is never
 * marked `sent` (the sandbox sender in live mode fails with `no-provider` and says what to do);
 * a boot with WHATSAPP_SANDBOX=false and no provider keeps sandbox on and says why.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { createCitaTemplate } from './helpers/factories';
import { count, UID, waitForStatus } from './helpers/whatsapp';
import { startFakes, TEST_CREDENTIALS, type Fakes } from './fakes';

const message = { to: '+525512345678', template: 'cita', variables: { nombre: 'Ana', fecha: 'lunes' } };

describe('live mode without a provider', () => {
  let app: TestApp;
  let admin: string;
  let token: string;

  const settingsRow = () => app.strapi.db.query(UID.setting as any).findOne({});
  const putSettings = (data: Record<string, unknown>) => app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data });

  beforeAll(async () => {
    app = await startStrapi();
    admin = await createAdminJwt(app);
    token = await createApiToken(app.strapi);
    await createCitaTemplate(app, token);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('refuses to leave sandbox mode: 422 naming sandbox and what to configure; nothing changes, nothing is audited', async () => {
    const audited = await count(app.strapi, UID.auditEntry);
    const before = await settingsRow();
    const refused = await putSettings({ sandbox: false }).expect(422);
    expect(refused.body.error.details.errors).toEqual([expect.objectContaining({ path: ['sandbox'], rule: 'no-provider' })]);
    expect(refused.body.error.message).toMatch(/no Twilio or Meta sender is configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM .*or META_ACCESS_TOKEN and META_PHONE_NUMBER_ID/);
    // With other fields in the same request: refused whole.
    await putSettings({ sandbox: false, defaultCountry: 'AR' }).expect(422);

    expect(await settingsRow()).toEqual(before);
    expect(await count(app.strapi, UID.auditEntry)).toBe(audited);
    expect((await app.http().get('/whatsapp/settings').set('Authorization', admin).expect(200)).body.data).toMatchObject({ sandbox: true, defaultCountry: 'MX' });
    expect((await app.http().get('/api/whatsapp/health').expect(200)).body.data.sandbox).toBe(true);
    // Staying in sandbox mode, and other settings, are never refused.
    await putSettings({ sandbox: true }).expect(200);
  });

  it('never marks sent a message no provider accepted: live mode with only the sandbox sender fails it with no-provider and says what to do', async () => {
    // Live mode that can no longer send (credentials removed after it was switched on): the stored switch, as a past boot left it.
    const row = await settingsRow();
    await app.strapi.db.query(UID.setting as any).update({ where: { id: row.id }, data: { sandbox: false } });
    app.strapi.plugin('whatsapp').service('settings').clearCache();
    try {
      const res = await app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data: message }).expect(201);
      expect(res.body.meta.sandbox).toBe(false);
      const failed = await waitForStatus(app.strapi, res.body.data.id, ['failed', 'sent']);
      expect(failed).toMatchObject({ deliveryStatus: 'failed', errorCode: 'no-provider', provider: 'sandbox', sentAt: null, providerMessageId: null });
      const attempts = await app.strapi.db.query(UID.attempt as any).findMany({ where: { messageId: res.body.data.id } });
      expect(attempts).toEqual([expect.objectContaining({ outcome: 'failed', providerCode: 'no-provider', provider: 'sandbox' })]);

      const shown = await app.http().get(`/api/whatsapp/messages/${res.body.data.id}`).set('Authorization', token).expect(200);
      expect(shown.body.data.failure).toMatchObject({
        code: 'no-provider',
        class: 'permanent',
        reason: expect.stringMatching(/Live mode/),
        remedy: expect.stringMatching(/TWILIO_ACCOUNT_SID|META_ACCESS_TOKEN/),
        es: { reason: expect.stringMatching(/Modo real/), remedy: expect.stringMatching(/sandbox/) },
      });
    } finally {
      await putSettings({ sandbox: true }).expect(200);
    }
    // Back in sandbox mode, staff retry it and the sandbox answers (as sandbox mode says it will).
    const [last] = await app.strapi.db.query(UID.message as any).findMany({ orderBy: { id: 'desc' }, limit: 1 });
    await app.http().post(`/api/whatsapp/messages/${last.id}/retry`).set('Authorization', token).expect(200);
    expect(await waitForStatus(app.strapi, last.id, ['sent'])).toMatchObject({ provider: 'sandbox', errorCode: null });
  });
});

describe('WHATSAPP_SANDBOX=false with no provider', () => {
  it('boots with sandbox mode on, and says why in the log', async () => {
    const app = await startStrapi({ env: { WHATSAPP_SANDBOX: 'false' } });
    try {
      expect((await app.http().get('/api/whatsapp/health').expect(200)).body.data.sandbox).toBe(true);
      const row = await app.strapi.db.query(UID.setting as any).findOne({});
      expect(row.sandbox).toBe(true);

      // The same start on a row that never had a value (the environment's default applies), watched.
      const warn = jest.spyOn(app.strapi.log, 'warn');
      await app.strapi.db.query(UID.setting as any).update({ where: { id: row.id }, data: { sandbox: null } });
      await app.strapi.plugin('whatsapp').service('settings').init();
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/WHATSAPP_SANDBOX=false, but no Twilio or Meta sender is configured: set TWILIO_ACCOUNT_SID.*Sandbox mode stays on/));
      expect((await app.strapi.db.query(UID.setting as any).findOne({})).sandbox).toBe(true);
      expect((await app.http().get('/api/whatsapp/health').expect(200)).body.data.sandbox).toBe(true);
      warn.mockRestore();
    } finally {
      await app.stop();
    }
  });
});

describe('live mode with a provider that answers', () => {
  let app: TestApp;
  let fakes: Fakes;
  let admin: string;
  let token: string;

  const putSettings = (data: Record<string, unknown>) => app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data });
  const config = (path: string, value: unknown) => app.strapi.config.set(`plugin::whatsapp.${path}`, value);

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, WHATSAPP_SANDBOX: 'true' } });
    admin = await createAdminJwt(app);
    token = await createApiToken(app.strapi);
  });
  afterEach(() => fakes.reset());
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  it('switches live after asking each configured provider (Twilio Account, Meta phone number); audited', async () => {
    const audited = await count(app.strapi, UID.auditEntry);
    const res = await putSettings({ sandbox: false }).expect(200);
    expect(res.body.data.sandbox).toBe(false);
    expect(fakes.twilio.requests.map((r) => [r.method, r.path])).toEqual([['GET', `/2010-04-01/Accounts/${TEST_CREDENTIALS.twilioAccountSid}.json`]]);
    expect(fakes.meta.requests.map((r) => [r.method, r.path])).toEqual([['GET', `/${TEST_CREDENTIALS.metaGraphVersion}/${TEST_CREDENTIALS.metaPhoneNumberId}`]]);
    expect(await count(app.strapi, UID.auditEntry)).toBe(audited + 1);
    // Already live: the same value again asks nobody.
    await putSettings({ sandbox: false }).expect(200);
    expect(fakes.meta.requests).toHaveLength(1);
    await putSettings({ sandbox: true }).expect(200);
  });

  it('refuses when no configured provider answers (credentials refused), saying what each answered; one that answers is enough', async () => {
    config('twilio.authToken', 'wrong-token');
    config('meta.accessToken', 'wrong-token');
    try {
      const refused = await putSettings({ sandbox: false }).expect(422);
      expect(refused.body.error.details.errors).toEqual([expect.objectContaining({ path: ['sandbox'], rule: 'provider-unreachable' })]);
      expect(refused.body.error.message).toMatch(/Twilio refused the credentials \(HTTP 401: Authenticate\)/);
      expect(refused.body.error.message).toMatch(/Meta refused the phone number lookup \(HTTP 401/);
      expect((await app.http().get('/api/whatsapp/health').expect(200)).body.data.sandbox).toBe(true);

      config('meta.accessToken', TEST_CREDENTIALS.metaAccessToken);
      await putSettings({ sandbox: false }).expect(200);
    } finally {
      config('twilio.authToken', TEST_CREDENTIALS.twilioAuthToken);
      config('meta.accessToken', TEST_CREDENTIALS.metaAccessToken);
      await putSettings({ sandbox: true }).expect(200);
    }
  });

  it('in live mode a message sent from the sandbox sender is not sent: failed with no-provider; the providers receive nothing', async () => {
    await putSettings({ sandbox: false }).expect(200);
    try {
      await app.strapi.db.query(UID.contact as any).create({ data: { phone: '+525511112222', lastInboundAt: new Date() } });
      const res = await app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data: { to: '+525511112222', body: 'Hola', sender: 'sandbox' } }).expect(201);
      const row = await waitForStatus(app.strapi, res.body.data.id, ['failed', 'sent']);
      expect(row).toMatchObject({ deliveryStatus: 'failed', errorCode: 'no-provider', sentAt: null });
      expect(fakes.meta.sent).toHaveLength(0);
      expect(fakes.twilio.sent).toHaveLength(0);
    } finally {
      await putSettings({ sandbox: true }).expect(200);
    }
  });
});
