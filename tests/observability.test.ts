/**
 * Observability, over HTTP against a real Strapi and the fake providers: the health's queue and
 * webhook fields from real rows, the Prometheus endpoint (closed by default, its token, the
 * counters moving with sends and signed webhooks), and the alert channel (one email through the
 * fake SMTP per alert, the admin's banner data, again only once it has cleared).
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { messageFixture } from './helpers/factories';
import { metaPayload, metaStatus, postMeta, settleWebhooks } from './helpers/webhooks';
import { messageRow, settle, UID, waitForStatus } from './helpers/whatsapp';
import { startFakes, type Fakes } from './fakes';

const METRICS_TOKEN = 'scrape-me-7f3a9c';
const ALERT_UID = 'plugin::whatsapp.alert';

/** A sample's value in the exposition text (0 when the series is not there yet). */
const sample = (text: string, name: string, labels: Record<string, string> = {}): number => {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2] ? match[2].split(',') : [];
    if (wanted.every((pair) => have.includes(pair))) return Number(match[3]);
  }
  return 0;
};

describe('observability', () => {
  let app: TestApp;
  let fakes: Fakes;
  let token: string;
  let admin: string;
  const plugin = () => app.strapi.plugin('whatsapp');
  const scrape = (authorization: string | null = `Bearer ${METRICS_TOKEN}`) => {
    const request = app.http().get('/api/whatsapp/metrics');
    return authorization === null ? request : request.set('Authorization', authorization);
  };
  const send = () =>
    app
      .http()
      .post('/api/whatsapp/messages')
      .set('Authorization', token)
      .send({ data: { to: '+525512345678', template: 'aviso', variables: { nombre: 'Ana' } } })
      .expect(201)
      .then((r) => r.body.data);

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, WHATSAPP_SANDBOX: 'false', WHATSAPP_RETRY_DELAYS: '1,1,1', WHATSAPP_METRICS_TOKEN: METRICS_TOKEN } });
    token = await createApiToken(app.strapi);
    admin = await createAdminJwt(app);
    await plugin().service('templates').create({ name: 'aviso', category: 'utility', body: 'Hola {{nombre}}, su pedido está listo.', metaName: 'aviso', metaLanguage: 'es_MX', metaParameters: ['nombre'] });
  });
  afterEach(async () => {
    await settle(app.strapi);
    fakes.reset();
  });
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  describe('health', () => {
    it('reports the due queue, the oldest wait, the sends in doubt and the latest webhook', async () => {
      const dispatcher = plugin().service('dispatcher');
      // Held still so the rows stay where they are while the health reads them.
      await dispatcher.stop();
      try {
        const now = Date.now();
        const late = await messageFixture(app.strapi, { deliveryStatus: 'queued', sentAt: null, dueAt: new Date(now - 10 * 60_000) });
        const due = await messageFixture(app.strapi, { deliveryStatus: 'scheduled', sentAt: null, dueAt: new Date(now - 60_000) });
        const future = await messageFixture(app.strapi, { deliveryStatus: 'scheduled', sentAt: null, dueAt: new Date(now + 60 * 60_000) });
        const stuck = await messageFixture(app.strapi, { deliveryStatus: 'sending', sentAt: null, leaseUntil: new Date(now - 5 * 60_000), leaseOwner: 'gone:1' });

        const before = (await app.http().get('/api/whatsapp/health').expect(200)).body.data;
        expect(before).toMatchObject({ plugin: 'whatsapp', sandbox: false, queue: { due: 2, inDoubt: 1 }, lastWebhookAt: null });
        expect(before.queue.oldestDueAgeSeconds).toBeGreaterThanOrEqual(600);
        expect(before.queue.oldestDueAgeSeconds).toBeLessThan(700);
        expect(before).not.toHaveProperty('alerts');

        // The gauges read the same numbers at scrape time.
        const metrics = (await scrape().expect(200)).text;
        expect(sample(metrics, 'whatsapp_queue_due_messages')).toBe(2);
        expect(sample(metrics, 'whatsapp_messages_in_doubt')).toBe(1);
        expect(sample(metrics, 'whatsapp_queue_oldest_due_age_seconds')).toBeGreaterThanOrEqual(600);
        expect(sample(metrics, 'whatsapp_last_webhook_timestamp_seconds')).toBe(0);

        const statusOf = await messageFixture(app.strapi, { providerMessageId: 'wamid.health-1', provider: 'meta' });
        await postMeta(app, metaPayload({ statuses: [metaStatus('wamid.health-1', 'delivered')] })).expect(200);
        await settleWebhooks(app.strapi);
        const after = (await app.http().get('/api/whatsapp/health').expect(200)).body.data;
        expect(Date.parse(after.lastWebhookAt)).toBeGreaterThanOrEqual(now - 1000);
        expect(Date.parse(after.lastWebhookAt)).toBeLessThanOrEqual(Date.now());
        expect((await messageRow(app.strapi, statusOf.id)).deliveryStatus).toBe('delivered');

        await app.strapi.db.query(UID.message as any).deleteMany({ where: { id: { $in: [late.id, due.id, future.id, stuck.id] } } });
      } finally {
        dispatcher.start();
      }
      const cleared = (await app.http().get('/api/whatsapp/health').expect(200)).body.data;
      expect(cleared.queue).toEqual({ due: 0, oldestDueAgeSeconds: null, inDoubt: 0 });
    });
  });

  describe('metrics', () => {
    it('does not exist without WHATSAPP_METRICS_TOKEN, and asks for the token when set', async () => {
      app.strapi.config.set('plugin::whatsapp.metricsToken', null);
      try {
        await scrape().expect(404);
        await scrape(null).expect(404);
      } finally {
        app.strapi.config.set('plugin::whatsapp.metricsToken', METRICS_TOKEN);
      }
      await scrape(null).expect(401);
      await scrape('Bearer wrong-token').expect(401);
      await scrape(`Bearer ${METRICS_TOKEN}x`).expect(401);
      await scrape(METRICS_TOKEN).expect(401);
      const res = await scrape().expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toContain('# TYPE whatsapp_messages_sent_total counter');
      expect(res.text).toContain('# TYPE whatsapp_provider_request_duration_seconds histogram');
    });

    it('counts sends, failures by kind, provider durations and webhooks, with no per-contact label', async () => {
      const before = (await scrape().expect(200)).text;
      const sent = await send();
      const sentRow = await waitForStatus(app.strapi, sent.id, ['sent']);
      fakes.meta.failNext({ code: 131026, message: 'Message undeliverable' });
      const failed = await send();
      await waitForStatus(app.strapi, failed.id, ['failed']);
      await postMeta(app, metaPayload({ statuses: [metaStatus(sentRow.providerMessageId, 'delivered', { recipient: '5215512345678' }), metaStatus('wamid.nobody', 'read')] })).expect(200);
      await settleWebhooks(app.strapi);

      const after = (await scrape().expect(200)).text;
      const moved = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
      expect(moved('whatsapp_messages_sent_total', { provider: 'meta', channel: 'whatsapp' })).toBe(1);
      expect(moved('whatsapp_send_failures_total', { provider: 'meta', kind: 'permanent' })).toBe(1);
      expect(moved('whatsapp_provider_request_duration_seconds_count', { provider: 'meta' })).toBe(2);
      expect(moved('whatsapp_webhooks_received_total', { provider: 'meta', outcome: 'applied' })).toBe(1);
      expect(moved('whatsapp_webhooks_received_total', { provider: 'meta', outcome: 'unmatched' })).toBe(1);
      expect(sample(after, 'whatsapp_last_webhook_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 120);
      expect(after).not.toMatch(/5512345678|to="|contact="/);
    });
  });

  describe('alert channel', () => {
    const putSettings = (data: Record<string, unknown>) => app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data });
    const failures = async (n: number) => {
      const now = new Date();
      const rows = [];
      for (let i = 0; i < n; i += 1) rows.push(await messageFixture(app.strapi, { deliveryStatus: 'failed', sentAt: null, failedAt: now, errorCode: '131026', provider: 'meta' }));
      return rows.map((row) => row.id as number);
    };
    const check = () => plugin().service('alerts').check();
    const banner = async () => (await app.http().get('/whatsapp/health').set('Authorization', admin).expect(200)).body.data.alerts;

    it('refuses bad alert settings with a 400 naming the field, writing nothing', async () => {
      const before = (await app.http().get('/whatsapp/settings').set('Authorization', admin).expect(200)).body.data;
      expect(before).toMatchObject({ alertEmail: null, alertQueueAgeMinutes: 15, alertWebhookSilenceMinutes: 60 });
      for (const [field, value] of [
        ['alertEmail', 'not-an-address'],
        ['alertQueueAgeMinutes', -1],
        ['alertQueueAgeMinutes', 2.5],
        ['alertWebhookSilenceMinutes', 20_000],
        ['alertWebhookSilenceMinutes', 'una hora'],
      ] as const) {
        const res = await putSettings({ [field]: value }).expect(400);
        expect(res.body.error.details.errors[0].path).toEqual([field]);
        expect(res.body.error.message).toContain(field);
      }
      expect((await app.http().get('/whatsapp/settings').set('Authorization', admin).expect(200)).body.data).toEqual(before);
    });

    it('emails once when the failure rate passes, shows the banner, and emails again only after it cleared', async () => {
      // Only the failure rate here: the queue and webhook alerts off.
      const saved = await putSettings({ alertEmail: 'ops@taller.mx', failureRateThreshold: 0.2, alertQueueAgeMinutes: 0, alertWebhookSilenceMinutes: 0 }).expect(200);
      expect(saved.body.data).toMatchObject({ alertEmail: 'ops@taller.mx', alertQueueAgeMinutes: 0, alertWebhookSilenceMinutes: 0 });
      plugin().service('settings').clearCache();
      // The hour's messages are this test's alone.
      await app.strapi.db.query(UID.message as any).deleteMany({ where: {} });
      const good = await Promise.all(Array.from({ length: 4 }, () => messageFixture(app.strapi, { provider: 'meta' })));
      // Below the minimum of ten messages in the hour: not yet a pattern.
      const first = await failures(5);
      expect(await check()).toEqual([]);
      expect(fakes.smtp.mails).toHaveLength(0);

      const more = await failures(5);
      const active = await check();
      expect(active).toHaveLength(1);
      expect(active[0]).toMatchObject({ kind: 'failure-rate', threshold: 0.2 });
      expect(active[0].value).toBeGreaterThan(0.2);
      const [mail] = await fakes.smtp.waitForMails(1);
      expect(mail.to).toEqual(['ops@taller.mx']);
      expect(mail.subject).toMatch(/failing/);
      expect(mail.text).toMatch(/latest hour failed/);
      expect(mail.text).toMatch(/última hora/);
      expect(mail.text).not.toMatch(/5512345678/);

      // While it lasts: no more email, the banner stays.
      await check();
      await check();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fakes.smtp.mails).toHaveLength(1);
      const shown = await banner();
      expect(shown).toEqual([expect.objectContaining({ kind: 'failure-rate', threshold: 0.2, emailedAt: expect.any(String), since: expect.any(String) })]);
      const row = await app.strapi.db.query(ALERT_UID as any).findOne({ where: { kind: 'failure-rate' } });
      expect(row).toMatchObject({ active: true });
      // The public health never shows the alerts.
      expect((await app.http().get('/api/whatsapp/health').expect(200)).body.data).not.toHaveProperty('alerts');

      // It clears: the banner goes; when it comes back, one new email.
      await app.strapi.db.query(UID.message as any).deleteMany({ where: { id: { $in: [...first, ...more] } } });
      expect(await check()).toEqual([]);
      expect(await banner()).toEqual([]);
      expect(await app.strapi.db.query(ALERT_UID as any).findOne({ where: { kind: 'failure-rate' } })).toMatchObject({ active: false, clearedAt: expect.anything() });
      const again = await failures(10);
      expect(await check()).toHaveLength(1);
      await fakes.smtp.waitForMails(2);
      await check();
      expect(fakes.smtp.mails).toHaveLength(2);

      await app.strapi.db.query(UID.message as any).deleteMany({ where: { id: { $in: [...again, ...good.map((m) => m.id)] } } });
      await check();
    });

    it('alerts on a late queue without an address: the banner only', async () => {
      await putSettings({ alertEmail: '', alertQueueAgeMinutes: 5 }).expect(200);
      plugin().service('settings').clearCache();
      const dispatcher = plugin().service('dispatcher');
      await dispatcher.stop();
      try {
        const late = await messageFixture(app.strapi, { deliveryStatus: 'queued', sentAt: null, dueAt: new Date(Date.now() - 12 * 60_000) });
        const active = await check();
        expect(active).toEqual([expect.objectContaining({ kind: 'queue-age', threshold: 5, emailedAt: null })]);
        expect(active[0].value).toBeGreaterThanOrEqual(12);
        expect(await banner()).toHaveLength(1);
        await app.strapi.db.query(UID.message as any).deleteMany({ where: { id: late.id } });
        expect(await check()).toEqual([]);
      } finally {
        dispatcher.start();
      }
      expect(fakes.smtp.mails).toHaveLength(0);
    });
  });
});
