/**
 * Campaigns against the fake Meta Cloud API (sandbox off): personalised messages as Meta receives
 * them, auto-pause when Meta limits the rate again and again or when too many messages fail, and
 * "retry failed" putting back only what may pass with time; the wizard's sender list and a
 * campaign sent from the number chosen.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { uniqueMexicanNumber } from './helpers/factories';
import { waitFor } from './helpers/wait';
import { UID } from './helpers/whatsapp';
import { startFakes, type Fakes } from './fakes';
import { postMeta } from './helpers/webhooks';

describe('campaigns within the provider\'s limits', () => {
  let app: TestApp;
  let fakes: Fakes;
  let token: string;
  const api = (method: 'get' | 'post', path: string, data?: unknown) => {
    const req = app.http()[method](path).set('Authorization', token);
    return data === undefined ? req : req.send({ data });
  };
  /** `n` contacts with their names, and a launched campaign of the utility template to them. */
  const launch = async (n: number, name: string) => {
    const phones: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const phone = uniqueMexicanNumber().e164;
      phones.push(phone);
      await api('post', '/api/whatsapp/contacts', { phone, name: `Cliente ${i + 1}` }).expect(201);
    }
    const created = await api('post', '/api/whatsapp/campaigns', { name, template: 'aviso', audience: { kind: 'phones', phones }, variables: { nombre: 'contact.name' } }).expect(201);
    await api('post', `/api/whatsapp/campaigns/${created.body.data.id}/launch`).expect(202);
    return { id: created.body.data.id as number, phones };
  };
  const stateOf = async (id: number) => (await api('get', `/api/whatsapp/campaigns/${id}`)).body.data;

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, WHATSAPP_SANDBOX: 'false' } });
    token = await createApiToken(app.strapi);
    await api('post', '/api/whatsapp/templates', { name: 'aviso', category: 'utility', body: 'Hola {{nombre}}, su servicio está listo.', metaName: 'aviso_servicio', metaLanguage: 'es_MX', metaParameters: ['nombre'] }).expect(201);
  });
  afterEach(() => fakes.meta.reset());
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  it('each person gets their own values at Meta', async () => {
    const { id, phones } = await launch(3, 'Personal');
    await waitFor(async () => ((await stateOf(id)).state === 'completed' ? true : null));
    const received = fakes.meta.sent.map((s) => [`+${s.payload.to}`, (s.payload as any).template.components[0].parameters[0].text]).sort();
    expect(received).toEqual(phones.map((p, i) => [p, `Cliente ${i + 1}`]).sort());
  });

  it('pauses itself, saying why, when Meta limits the rate again and again; nothing is lost', async () => {
    fakes.meta.failNext({ status: 400, code: 130429, message: '(#130429) Rate limit hit', times: 1000 });
    const { id } = await launch(12, 'Rate limit');
    const paused = await waitFor(async () => {
      const c = await stateOf(id);
      return c.state === 'paused' ? c : null;
    }, 20_000);
    expect(paused.pausedReason).toMatch(/^The provider is limiting the rate: \d+ messages are waiting on a rate-limit retry$/);
    const messages = await app.strapi.db.query(UID.message as any).findMany({ where: { campaignId: id } });
    expect(messages).toHaveLength(12);
    expect(messages.every((m: any) => ['queued', 'sending'].includes(m.deliveryStatus) || m.errorCode === '130429')).toBe(true);
    expect(messages.some((m: any) => m.deliveryStatus === 'sent')).toBe(false);
  });

  it('pauses itself when too many messages fail; "retry failed" puts back only the retryable ones', async () => {
    fakes.meta.failNext({ status: 400, code: 131026, message: 'Message undeliverable', times: 1000 });
    const { id } = await launch(22, 'Undeliverable');
    const paused = await waitFor(async () => {
      const c = await stateOf(id);
      return c.state === 'paused' ? c : null;
    }, 20_000);
    expect(paused.pausedReason).toMatch(/^\d+ % of the messages failed \(the limit in settings is 10 %\)$/);
    const stats = (await api('get', `/api/whatsapp/campaigns/${id}/stats?lang=es`).expect(200)).body.data;
    expect(stats.failed).toBeGreaterThanOrEqual(20);
    expect(stats.failures[0]).toMatchObject({ code: '131026' });
    expect(stats.failures[0].reason).toBeTruthy();

    // Two of the failures were a passing server error (history as the dispatcher would leave it).
    const failed = await app.strapi.db.query(UID.message as any).findMany({ where: { campaignId: id, deliveryStatus: 'failed' }, limit: 2 });
    for (const m of failed) await app.strapi.db.query(UID.message as any).update({ where: { id: m.id }, data: { errorCode: '131000', errorText: 'Something went wrong' } });
    fakes.meta.reset();
    await api('post', `/api/whatsapp/campaigns/${id}/resume`).expect(200);
    const retried = await api('post', `/api/whatsapp/campaigns/${id}/retry-failed`).expect(200);
    expect(retried.body.meta).toEqual({ messagesRequeued: 2 });
    await waitFor(async () => ((await app.strapi.db.query(UID.message as any).count({ where: { campaignId: id, deliveryStatus: 'sent' } })) === 2 ? true : null));
    // The undeliverable ones stay failed.
    expect(await app.strapi.db.query(UID.message as any).count({ where: { campaignId: id, deliveryStatus: 'failed', errorCode: '131026' } })).toBe(stats.failed - 2);
  });

  it('paced: one message every half second, as the fake provider saw them arrive', async () => {
    const phones: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const phone = uniqueMexicanNumber().e164;
      phones.push(phone);
      await api('post', '/api/whatsapp/contacts', { phone, name: `Pausado ${i}` }).expect(201);
    }
    const created = await api('post', '/api/whatsapp/campaigns', { name: 'Paced', template: 'aviso', audience: { kind: 'phones', phones }, variables: { nombre: 'contact.name' }, pacingSeconds: 0.5 }).expect(201);
    await api('post', `/api/whatsapp/campaigns/${created.body.data.id}/launch`).expect(202);
    const sent = await fakes.meta.waitForSent(4, 15_000);
    const times = sent.map((s) => s.at).sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    // Never faster than the pace (a little slack for the clock), whatever the dispatcher's speed.
    expect(gaps.every((gap) => gap >= 450)).toBe(true);
  });

  it("pauses itself when Meta pauses its template (message_template_status_update), saying why", async () => {
    const phone = uniqueMexicanNumber().e164;
    await api('post', '/api/whatsapp/contacts', { phone, name: 'Plantilla' }).expect(201);
    const created = await api('post', '/api/whatsapp/campaigns', {
      name: 'Plantilla pausada',
      template: 'aviso',
      audience: { kind: 'phones', phones: [phone] },
      variables: { nombre: 'contact.name' },
      scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
    }).expect(201);
    const id = created.body.data.id;
    await api('post', `/api/whatsapp/campaigns/${id}/launch`).expect(202);
    await waitFor(async () => ((await stateOf(id)).state === 'scheduled' ? true : null));

    // As Meta documents the webhook (WhatsApp Business Account, field message_template_status_update).
    const update = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          time: Math.floor(Date.now() / 1000),
          changes: [
            {
              field: 'message_template_status_update',
              value: {
                event: 'PAUSED',
                message_template_id: 806312974732579,
                message_template_name: 'aviso_servicio',
                message_template_language: 'es_MX',
                reason: 'NONE',
                other_info: { title: 'FIRST_PAUSE', description: 'Your WhatsApp message template has been paused for 3 hours due to low quality.' },
              },
            },
          ],
        },
      ],
    };
    for (let i = 0; i < 2; i += 1) await postMeta(app, update).expect(200);
    const paused = await waitFor(async () => {
      const c = await stateOf(id);
      return c.state === 'paused' ? c : null;
    });
    expect(paused.pausedReason).toBe('Meta paused the template aviso_servicio (es_MX): Your WhatsApp message template has been paused for 3 hours due to low quality.');
    const events = await app.strapi.db.query('plugin::whatsapp.webhook-event' as any).findMany({ where: { kind: 'template-status' } });
    expect(events.map((e: any) => e.outcome)).toEqual(['applied']);
    // Its messages wait (the dispatcher skips a paused campaign), nothing was sent.
    expect((await app.strapi.db.query(UID.message as any).findMany({ where: { campaignId: id } })).map((m: any) => m.deliveryStatus)).toEqual(['scheduled']);
  });

  it("the wizard's numbers: read with a campaigns permission alone, nothing secret; a campaign goes from the number chosen", async () => {
    fakes.twilio.reset();
    // A campaign manager without any settings permission, as Settings → Roles would make one.
    const role = await app.strapi.service('admin::role').create({ name: 'Campaign manager', description: 'campaigns only' });
    await app.strapi.service('admin::role').assignPermissions(
      role.id,
      ['plugin::whatsapp.campaigns.manage', 'plugin::whatsapp.campaigns.launch'].map((action) => ({ action, subject: null, properties: {}, conditions: [] }))
    );
    const manager = await createAdminJwt(app, role.code);
    const editor = await createAdminJwt(app, 'strapi-editor');
    const admin = await createAdminJwt(app);
    const asAdmin = (header: string, method: 'get' | 'post' | 'put', path: string, data?: unknown) => {
      const req = app.http()[method](path).set('Authorization', header);
      return data === undefined ? req : req.send({ data });
    };

    const senders = await app.strapi.db.query(UID.sender as any).findMany({ orderBy: { id: 'asc' } });
    const twilio = senders.find((s: any) => s.provider === 'twilio');
    const meta = senders.find((s: any) => s.provider === 'meta');
    // What a provider said of the Twilio number (a check or a webhook stores it on the row).
    await app.strapi.db.query(UID.sender as any).update({ where: { id: twilio.id }, data: { qualityRating: 'YELLOW', messagingTier: '1K Customers/24hr' } });

    await asAdmin(manager, 'get', '/whatsapp/senders').expect(403);
    await asAdmin(editor, 'get', '/whatsapp/campaigns/senders').expect(403);
    const listed = await asAdmin(manager, 'get', '/whatsapp/campaigns/senders');
    expect(listed.status).toBe(200);
    // Live mode: the sandbox's number sends nothing, so it is not offered; Meta is the default.
    expect(listed.body.meta).toEqual({ sandbox: false, defaultId: meta.id });
    expect(listed.body.data).toEqual([
      { id: meta.id, name: 'Meta WhatsApp', number: fakes.env.META_WHATSAPP_NUMBER, provider: 'meta', isDefault: false, messagesPerSecond: 80, dailyLimit: null, qualityRating: meta.qualityRating ?? null, messagingTier: meta.messagingTier ?? null },
      { id: twilio.id, name: 'Twilio WhatsApp', number: fakes.env.TWILIO_WHATSAPP_FROM, provider: 'twilio', isDefault: false, messagesPerSecond: 80, dailyLimit: null, qualityRating: 'YELLOW', messagingTier: '1K Customers/24hr' },
    ].sort((a, b) => a.id - b.id));
    const text = JSON.stringify(listed.body);
    for (const secret of [fakes.env.META_ACCESS_TOKEN, fakes.env.TWILIO_AUTH_TOKEN, fakes.env.TWILIO_ACCOUNT_SID, 'credentials']) expect(text).not.toContain(secret);

    // The campaign names the Twilio number: Twilio gets every message, from that number; Meta none.
    await api('post', '/api/whatsapp/templates', { name: 'aviso_twilio', category: 'utility', body: 'Hola {{nombre}}, su servicio está listo.', twilioContentSid: 'HX0123456789abcdef0123456789abcdef', twilioVariables: { '1': 'nombre' } }).expect(201);
    const phones = [uniqueMexicanNumber().e164, uniqueMexicanNumber().e164];
    for (const [i, phone] of phones.entries()) await api('post', '/api/whatsapp/contacts', { phone, name: `Cliente ${i + 1}` }).expect(201);
    const created = await asAdmin(manager, 'post', '/whatsapp/campaigns', { name: 'Desde Twilio', template: 'aviso_twilio', senderId: twilio.id, audience: { kind: 'phones', phones }, variables: { nombre: 'contact.name' } });
    expect({ status: created.status, error: created.body.error }).toEqual({ status: 201, error: undefined });
    expect(created.body.data.senderId).toBe(twilio.id);
    await asAdmin(manager, 'post', `/whatsapp/campaigns/${created.body.data.id}/launch`).expect(202);
    await waitFor(async () => ((await stateOf(created.body.data.id)).state === 'completed' ? true : null));
    expect(fakes.twilio.sent.map((m) => [m.from, m.to, m.contentSid]).sort()).toEqual(phones.map((p) => [`whatsapp:${fakes.env.TWILIO_WHATSAPP_FROM}`, `whatsapp:${p}`, 'HX0123456789abcdef0123456789abcdef']).sort());
    expect(fakes.meta.sent).toEqual([]);
    const rows = await app.strapi.db.query(UID.message as any).findMany({ where: { campaignId: created.body.data.id } });
    expect(rows.map((m: any) => [m.senderId, m.deliveryStatus])).toEqual(phones.map(() => [twilio.id, 'sent']));

    // A sender that does not exist: 422 naming senderId, no campaign written.
    const before = await app.strapi.db.query(UID.campaign as any).count({});
    const unknown = await asAdmin(manager, 'post', '/whatsapp/campaigns', { name: 'Nadie', template: 'aviso_twilio', senderId: 999999, audience: { kind: 'phones', phones }, variables: { nombre: 'contact.name' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.errors[0]).toMatchObject({ path: ['senderId'], rule: 'unknown' });
    expect(await app.strapi.db.query(UID.campaign as any).count({})).toBe(before);

    // Sandbox mode: every number is offered (the sandbox's too) and the answer says nothing is really sent.
    await asAdmin(admin, 'put', '/whatsapp/settings', { sandbox: true }).expect(200);
    try {
      const sandboxed = await asAdmin(manager, 'get', '/whatsapp/campaigns/senders').expect(200);
      expect(sandboxed.body.meta).toEqual({ sandbox: true, defaultId: meta.id });
      expect(sandboxed.body.data.map((s: any) => s.provider).sort()).toEqual(['meta', 'sandbox', 'twilio']);
    } finally {
      await asAdmin(admin, 'put', '/whatsapp/settings', { sandbox: false }).expect(200);
    }
  });
});
