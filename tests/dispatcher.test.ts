/**
 * Step 3, one instance against the fake providers: on-time scheduling, retries (429 with
 * Retry-After, 500, timeout), permanent errors and the SMS / email fallback, cancel winning over
 * the dispatcher, the per-sender rate limit, quiet hours and graceful shutdown.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createApiToken } from './helpers/auth';
import { messageRow, settle, UID, waitForStatus } from './helpers/whatsapp';
import { waitFor } from './helpers/wait';
import { startFakes, type Fakes } from './fakes';

const opaqueId = (payload: unknown) => Number((payload as { biz_opaque_callback_data?: string }).biz_opaque_callback_data);

describe('dispatcher', () => {
  let app: TestApp;
  let fakes: Fakes;
  let token: string;
  const env = () => ({
    ...fakes.env,
    WHATSAPP_SANDBOX: 'false',
    WHATSAPP_RETRY_DELAYS: '1,1,1',
    WHATSAPP_PROVIDER_TIMEOUT_MS: '500',
  });

  const post = (data: Record<string, unknown>) => app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data });
  const send = (extra: Record<string, unknown> = {}) =>
    post({ to: '+525512345678', template: 'aviso', variables: { nombre: 'Ana' }, ...extra }).expect(201).then((r) => r.body.data);
  const setSettings = (data: Record<string, unknown>) => app.strapi.plugin('whatsapp').service('settings').update(data, { email: 'test' });

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: env() });
    token = await createApiToken(app.strapi);
    const templates = app.strapi.plugin('whatsapp').service('templates');
    await templates.create({
      name: 'aviso',
      category: 'utility',
      body: 'Hola {{nombre}}, su pedido está listo.',
      metaName: 'aviso',
      metaLanguage: 'es_MX',
      metaParameters: ['nombre'],
      twilioContentSid: 'HX0123456789abcdef0123456789abcdef',
      twilioVariables: { '1': 'nombre' },
    });
    await templates.create({ name: 'aviso_sms', category: 'utility', body: 'Hola {{nombre}}, su auto está listo.', metaName: 'aviso', metaLanguage: 'es_MX', metaParameters: ['nombre'], fallbackChannel: 'sms' });
    await templates.create({ name: 'aviso_email', category: 'utility', body: 'Hola {{nombre}}, su cotización está lista.', metaName: 'aviso', metaLanguage: 'es_MX', metaParameters: ['nombre'], fallbackChannel: 'email' });
    await templates.create({ name: 'promo', category: 'marketing', body: '¡{{nombre}}, 2x1 hoy!', metaName: 'promo', metaLanguage: 'es_MX', metaParameters: ['nombre'] });
  });
  afterEach(async () => {
    await settle(app.strapi);
    fakes.reset();
  });
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  it('sends a scheduled message at its time (seconds, not a polling minute), not before', async () => {
    const sendAt = new Date(Date.now() + 2000);
    const message = await send({ sendAt: sendAt.toISOString() });
    expect(message.status).toBe('scheduled');
    const [sent] = await fakes.meta.waitForSent(1, 20_000);
    expect(opaqueId(sent.payload)).toBe(message.id);
    const lateness = sent.at - sendAt.getTime();
    expect(lateness).toBeGreaterThanOrEqual(0);
    // Typically a few ms; the margin is for a busy machine, and still far below a poll interval.
    expect(lateness).toBeLessThan(5000);
    const row = await waitForStatus(app.strapi, message.id, ['sent']);
    expect(row.providerMessageId).toBe(sent.id);
  });

  it('honours Retry-After on a 429, then sends', async () => {
    fakes.twilio.failNext({ status: 429, code: 20429, message: 'Too Many Requests', retryAfter: 2 });
    const message = await send({ sender: 'twilio' });
    const row = await waitForStatus(app.strapi, message.id, ['sent'], 20_000);
    expect(row.attempts).toBe(2);
    expect(fakes.twilio.requests).toHaveLength(2);
    const gap = fakes.twilio.requests[1].at - fakes.twilio.requests[0].at;
    expect(gap).toBeGreaterThanOrEqual(1900);
    // Not the default backoff (a minute): the time Twilio asked for, plus a busy machine's margin.
    expect(gap).toBeLessThan(10_000);
    const attempts = await app.strapi.db.query(UID.attempt as any).findMany({ where: { messageId: message.id }, orderBy: { number: 'asc' } });
    expect(attempts.map((a: any) => [a.number, a.outcome, a.providerCode])).toEqual([
      [1, 'retry', '20429'],
      [2, 'sent', null],
    ]);
  });

  it('retries a 500 and a timeout, then succeeds', async () => {
    fakes.meta.failNextRaw({ status: 500, body: '{"error":{"message":"An unknown error occurred","type":"OAuthException","code":1}}', contentType: 'application/json' });
    const first = await send();
    await waitForStatus(app.strapi, first.id, ['sent'], 20_000);

    fakes.meta.hangNext(1);
    const second = await send();
    const row = await waitForStatus(app.strapi, second.id, ['sent'], 20_000);
    expect(row.attempts).toBe(2);
    const attempts = await app.strapi.db.query(UID.attempt as any).findMany({ where: { messageId: second.id }, orderBy: { number: 'asc' } });
    expect(attempts[0].outcome).toBe('retry');
    expect(attempts[0].providerCode).toMatch(/timeout|ETIMEDOUT/i);
    expect(attempts[1]).toMatchObject({ outcome: 'sent' });
  });

  it('gives up after the maximum number of attempts', async () => {
    fakes.meta.failNext({ status: 500, code: 131000, message: 'Something went wrong', times: 10 });
    const message = await send();
    const row = await waitForStatus(app.strapi, message.id, ['failed'], 30_000);
    expect(row).toMatchObject({ attempts: 4, errorCode: '131000' });
  });

  it('refuses at creation a template the chosen provider has no approved mapping for', async () => {
    const res = await post({ to: '+525512345678', template: 'promo', variables: { nombre: 'Ana' }, sender: 'twilio' }).expect(422);
    expect(res.body.error.details.errors[0]).toMatchObject({ path: ['template'], rule: 'provider-mapping' });
  });

  it('does not retry a permanent error', async () => {
    fakes.meta.failNext({ code: 131026, message: 'Message undeliverable' });
    const message = await send();
    await waitForStatus(app.strapi, message.id, ['failed']);
    await new Promise((r) => setTimeout(r, 1500));
    expect(fakes.meta.requests).toHaveLength(1);
    expect((await messageRow(app.strapi, message.id)).deliveryStatus).toBe('failed');
  });

  it('falls back to SMS when the number is not on WhatsApp and the template allows it', async () => {
    fakes.meta.failNext({ code: 131026, message: 'Message undeliverable' });
    const message = await send({ template: 'aviso_sms' });
    const row = await waitForStatus(app.strapi, message.id, ['sent']);
    expect(row).toMatchObject({ channel: 'sms', provider: 'twilio-sms', errorCode: '131026' });
    expect(fakes.twilio.sent).toHaveLength(1);
    expect(fakes.twilio.sent[0]).toMatchObject({ to: '+525512345678', from: '+15005550006', body: 'Hola Ana, su auto está listo.' });
    expect(row.providerMessageId).toBe(fakes.twilio.sent[0].sid);
    const attempts = await app.strapi.db.query(UID.attempt as any).findMany({ where: { messageId: message.id }, orderBy: { id: 'asc' } });
    expect(attempts.map((a: any) => [a.channel, a.outcome])).toEqual([
      ['whatsapp', 'failed'],
      ['sms', 'sent'],
    ]);
  });

  it('falls back to email through the email plugin', async () => {
    await app.strapi.db.query(UID.contact as any).create({ data: { phone: '+525577778888', email: 'cliente@example.com' } });
    fakes.meta.failNext({ code: 131026, message: 'Message undeliverable' });
    const message = await send({ to: '+525577778888', template: 'aviso_email' });
    const row = await waitForStatus(app.strapi, message.id, ['sent']);
    expect(row).toMatchObject({ channel: 'email', provider: 'email' });
    const [mail] = await fakes.smtp.waitForMails(1);
    expect(mail.to).toEqual(['cliente@example.com']);
    expect(mail.text).toContain('Hola Ana, su cotización está lista.');
  });

  it('never sends a cancelled message', async () => {
    const message = await send({ sendAt: new Date(Date.now() + 1200).toISOString() });
    await app.http().post(`/api/whatsapp/messages/${message.id}/cancel`).set('Authorization', token).expect(200);
    await new Promise((r) => setTimeout(r, 2500));
    expect(fakes.meta.requests).toHaveLength(0);
    expect((await messageRow(app.strapi, message.id)).deliveryStatus).toBe('cancelled');
  });

  it('keeps each sender within its messages-per-second', async () => {
    const sender = await app.strapi.db.query(UID.sender as any).findOne({ where: { provider: 'meta' } });
    await app.strapi.db.query(UID.sender as any).update({ where: { id: sender.id }, data: { messagesPerSecond: 5 } });
    try {
      for (let i = 0; i < 15; i += 1) await send({ idempotencyKey: `rate-${i}` });
      const sent = await fakes.meta.waitForSent(15, 30_000);
      const times = sent.map((s) => s.at).sort((a, b) => a - b);
      expect(times[14] - times[0]).toBeGreaterThanOrEqual(2600);
      // No one-second window holds more than the limit (plus one for the window's edges).
      for (const start of times) expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(6);
    } finally {
      await app.strapi.db.query(UID.sender as any).update({ where: { id: sender.id }, data: { messagesPerSecond: 80 } });
    }
  });

  it('paces a campaign: one message every N seconds, whatever the sender allows', async () => {
    const campaign = await app.strapi.db.query('plugin::whatsapp.campaign' as any).create({ data: { name: 'Promo noviembre', state: 'running', pacingSeconds: 1 } });
    const messages = app.strapi.plugin('whatsapp').service('messages');
    const ids: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const { message } = await messages.create({ to: '+525512345678', template: 'aviso', variables: { nombre: `C${i}` } }, { campaignId: campaign.id });
      ids.push(message.id);
    }
    const sent = await fakes.meta.waitForSent(4, 30_000);
    const times = sent.filter((s) => ids.includes(opaqueId(s.payload))).map((s) => s.at).sort((a, b) => a - b);
    expect(times).toHaveLength(4);
    // Slots are exactly 1 s apart; arrival at the fake jitters by the request time under load (a
    // late first send shortens the gap after it), so each gap is held to half a slot, and the
    // whole run to three slots less that jitter. An unpaced campaign takes a few ms for all four.
    for (let i = 1; i < times.length; i += 1) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(500);
    expect(times[3] - times[0]).toBeGreaterThanOrEqual(2500);
    await settle(app.strapi);
    const rows = await app.strapi.db.query(UID.message as any).findMany({ where: { id: { $in: ids } } });
    expect(rows.every((r: any) => r.deliveryStatus === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('holds marketing messages during quiet hours (in the contact time zone) and lets transactional ones through', async () => {
    const clock = (offsetMinutes: number) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Mexico_City', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
        new Date(Date.now() + offsetMinutes * 60_000)
      );
    await setSettings({ quietHoursStart: clock(-60), quietHoursEnd: clock(60) });
    try {
      await app.strapi.db.query(UID.contact as any).create({ data: { phone: '+525566661111', marketingConsent: true, timeZone: 'America/Mexico_City' } });
      const promo = await send({ to: '+525566661111', template: 'promo' });
      const utility = await send({ to: '+525566661111' });
      await waitForStatus(app.strapi, utility.id, ['sent']);
      const held = await waitFor(async () => {
        const row = await messageRow(app.strapi, promo.id);
        return row.deliveryStatus === 'scheduled' ? row : null;
      });
      const due = new Date(held.dueAt).getTime();
      expect(due).toBeGreaterThan(Date.now() + 55 * 60_000);
      expect(due).toBeLessThan(Date.now() + 61 * 60_000);
      expect(held.attempts).toBe(0);
      expect(fakes.meta.sent.map((s) => opaqueId(s.payload))).toEqual([utility.id]);
    } finally {
      await setSettings({ quietHoursStart: null, quietHoursEnd: null });
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes or releases what it holds: nothing stays in sending, and a restart sends the rest exactly once', async () => {
    const fakes = await startFakes();
    const env = { ...fakes.env, WHATSAPP_SANDBOX: 'false' };
    const first = await startStrapi({ env });
    const sender = await first.strapi.db.query(UID.sender as any).findOne({ where: { provider: 'meta' } });
    await first.strapi.db.query(UID.sender as any).update({ where: { id: sender.id }, data: { messagesPerSecond: 10 } });
    const templates = first.strapi.plugin('whatsapp').service('templates');
    await templates.create({ name: 'aviso', category: 'utility', body: 'Hola {{nombre}}', metaName: 'aviso', metaLanguage: 'es_MX', metaParameters: ['nombre'] });
    const messages = first.strapi.plugin('whatsapp').service('messages');
    const ids: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      ids.push((await messages.create({ to: '+525512345678', template: 'aviso', variables: { nombre: `N${i}` } })).message.id);
    }
    await fakes.meta.waitForSent(3, 20_000);
    await first.stop({ keepDatabase: true });

    // Boot on the same database with the worker off, to look at what the first one left.
    const second = await startStrapi({ env: { ...env, WHATSAPP_WORKER: 'false' }, db: first.db });
    try {
      const rows = await second.strapi.db.query(UID.message as any).findMany({ where: { id: { $in: ids } } });
      expect(rows.filter((r: any) => r.deliveryStatus === 'sending')).toEqual([]);
      const sentBeforeRestart = rows.filter((r: any) => r.deliveryStatus === 'sent').length;
      expect(sentBeforeRestart).toBe(fakes.meta.sent.length);
      expect(sentBeforeRestart).toBeLessThan(30);

      // The same instance becomes a worker (as a restart with WHATSAPP_WORKER=true would make it).
      second.strapi.config.set('plugin::whatsapp.worker', true);
      second.strapi.plugin('whatsapp').service('scheduler').start();
      await fakes.meta.waitForSent(30, 30_000);
      await settle(second.strapi);
      const final = await second.strapi.db.query(UID.message as any).findMany({ where: { id: { $in: ids } } });
      expect(final.every((r: any) => r.deliveryStatus === 'sent')).toBe(true);
      const perMessage = new Map<number, number>();
      for (const s of fakes.meta.sent) perMessage.set(opaqueId(s.payload), (perMessage.get(opaqueId(s.payload)) ?? 0) + 1);
      expect([...perMessage.values()].every((n) => n === 1)).toBe(true);
      expect(perMessage.size).toBe(30);
    } finally {
      await second.stop();
      await fakes.close();
    }
  });
});
