/**
 * The dashboard (GET /whatsapp/dashboard): a week of history written as the dispatcher and the
 * webhooks would have left it, then the totals, rates, chart points (UTC days, Mexico City days
 * and hours), per-campaign / template / automation lines, failures explained, spend by the price
 * table, the failure alert against the setting, the queue now; bad queries refused with the field
 * and the rule; a role without "read messages" refused.
 *
 * The dispatcher is off (WHATSAPP_WORKER=false), so nothing moves under the assertions: queued
 * rows stay queued, a lease that ran out stays in doubt.
 *
 * Spend by Meta's published rates (EUR): Mexico utility 0.0071, Colombia marketing 0.0104.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { messageFixture, uniqueMexicanNumber } from './helpers/factories';
import { UID } from './helpers/whatsapp';

const T = (iso: string) => new Date(iso);
const UTC_WEEK = { from: '2026-02-01T00:00:00.000Z', to: '2026-02-08T00:00:00.000Z', tz: 'UTC' };
/** The same week in Mexico City (UTC−6): local midnights are 06:00 UTC. */
const MEXICO_WEEK = { from: '2026-02-01T06:00:00.000Z', to: '2026-02-08T06:00:00.000Z', tz: 'America/Mexico_City' };

describe('dashboard', () => {
  let app: TestApp;
  let admin: string;
  let campaignA: number;
  let pausedCampaign: number;
  let automationX: number;

  const dashboard = (query: Record<string, string | string[]>, auth = admin) => app.http().get('/whatsapp/dashboard').query(query).set('Authorization', auth);
  const zero = { sent: 0, delivered: 0, read: 0, failed: 0, replies: 0 };

  /** An outbound message as it ended up: `at` is when it was sent (or, never sent, when it failed). */
  const out = (status: string, at: string, data: Record<string, unknown> = {}) =>
    messageFixture(app.strapi, {
      deliveryStatus: status,
      provider: 'meta',
      country: 'MX',
      templateName: 'aviso',
      category: 'utility',
      sentAt: T(at),
      ...(status === 'delivered' || status === 'read' ? { deliveredAt: T(at) } : {}),
      ...(status === 'read' ? { readAt: T(at) } : {}),
      ...(status === 'failed' || status === 'undeliverable' ? { failedAt: T(at) } : {}),
      ...data,
    });
  const inbound = (at: string) =>
    messageFixture(app.strapi, { direction: 'in', deliveryStatus: 'received', templateName: null, sentAt: null, dueAt: null, queuedAt: null, receivedAt: T(at), from: uniqueMexicanNumber().e164, to: null });
  const consent = (contactId: number, purpose: string, granted: boolean, at: string) =>
    app.strapi.db.query(UID.consent as any).create({ data: { contactId, purpose, granted, at: T(at), method: 'keyword' } });

  beforeAll(async () => {
    app = await startStrapi({ env: { WHATSAPP_WORKER: 'false' } });
    admin = await createAdminJwt(app);
    campaignA = (await app.strapi.db.query(UID.campaign as any).create({ data: { name: 'Rebajas de febrero', state: 'completed', template: 'aviso' } })).id;
    pausedCampaign = (await app.strapi.db.query(UID.campaign as any).create({ data: { name: 'En pausa', state: 'paused', template: 'aviso' } })).id;
    automationX = (
      await app.strapi.db.query('plugin::whatsapp.automation' as any).create({
        data: { name: 'Promo a clientes nuevos', enabled: false, contentType: 'api::customer.customer', trigger: 'manual', recipient: 'phone', template: 'promo' },
      })
    ).id;

    // 1 February, 12:00 UTC: campaign A, read / delivered / sent / failed. The read one went to a
    // number that is not a phone (no market: unpriced); the delivered one is an older row without
    // its market stored, priced by its number (Mexico).
    await out('read', '2026-02-01T12:00:00Z', { campaignId: campaignA, country: null, to: 'MX.1234567890abcdef' });
    await out('delivered', '2026-02-01T12:00:00Z', { campaignId: campaignA, country: null, to: '+525511112222' });
    await out('sent', '2026-02-01T12:00:00Z', { campaignId: campaignA });
    await out('failed', '2026-02-01T12:00:00Z', { campaignId: campaignA, errorCode: '131026', errorText: 'Message undeliverable' });
    // 2 February 03:00 UTC (1 February, 21:00 in Mexico City): automation X, marketing to Colombia, delivered.
    for (let i = 0; i < 3; i += 1) await out('delivered', '2026-02-02T03:00:00Z', { automationId: automationX, templateName: 'promo', category: 'marketing', country: 'CO' });
    // 2 February, 12:00 UTC: two more failures of campaign A, and two customers write.
    await out('failed', '2026-02-02T12:00:00Z', { campaignId: campaignA, errorCode: '131026' });
    await out('undeliverable', '2026-02-02T12:00:00Z', { campaignId: campaignA, errorCode: '131049' });
    await inbound('2026-02-02T12:00:00Z');
    await inbound('2026-02-02T12:00:00Z');
    // 3 February, 12:00 UTC: free text (a service reply: free), a send that failed before leaving
    // (no provider; its campaign was deleted since), a sandbox message (costs nothing).
    await out('read', '2026-02-03T12:00:00Z', { templateName: null, category: 'service' });
    await out('failed', '2026-02-03T12:00:00Z', { sentAt: null, provider: null, campaignId: 999_999, errorCode: 'no-provider', errorText: 'no provider' });
    await out('delivered', '2026-02-03T12:00:00Z', { provider: 'sandbox' });
    // Outside the UTC week: just before it, at its very end (exclusive), a reply after it.
    await out('read', '2026-01-31T23:00:00Z', { campaignId: campaignA });
    await out('delivered', '2026-02-08T00:00:00Z');
    await inbound('2026-02-09T12:00:00Z');
    // Not outcomes: waiting, cancelled.
    await out('cancelled', '2026-02-02T12:00:00Z', { sentAt: null, cancelledAt: T('2026-02-02T12:00:00Z') });

    // The consent ledger: person 1 opts out twice, person 5 once; the others are not opt-outs.
    await consent(1, 'marketing', false, '2026-02-02T12:00:00Z');
    await consent(1, 'marketing', false, '2026-02-03T12:00:00Z');
    await consent(2, 'transactional', false, '2026-02-02T12:00:00Z');
    await consent(3, 'marketing', true, '2026-02-02T12:00:00Z');
    await consent(4, 'marketing', false, '2026-01-20T12:00:00Z');
    await consent(5, 'marketing', false, '2026-02-05T12:00:00Z');
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('totals, rates, spend and opt-outs of a week', async () => {
    const res = await dashboard({ ...UTC_WEEK, bucket: 'day' }).expect(200);
    const data = res.body.data;
    expect(data.period).toEqual({ from: UTC_WEEK.from, to: UTC_WEEK.to, bucket: 'day', timeZone: 'UTC' });
    // Sent: 3 + 3 + 2; delivered (or read): 2 + 3 + 2; read: 1 + 1; failed: 1 + 2 + 1.
    expect(data.totals).toEqual({
      sent: 8,
      delivered: 7,
      read: 2,
      failed: 4,
      deliveryRate: 7 / 8,
      readRate: 2 / 7,
      failureRate: 4 / 12,
      replies: 2,
      optOuts: 2,
      // 0.0071 (Mexico, utility) + 3 × 0.0104 (Colombia, marketing); the unpriced one said apart.
      spend: { amount: 0.0383, currency: 'EUR', ratesDate: '2026-07-01', unpricedMessages: 1 },
    });
    expect(data.sandbox).toBe(true);
  });

  it('the chart: one point per UTC day, each message on the day it was sent', async () => {
    const { series } = (await dashboard({ ...UTC_WEEK, bucket: 'day' }).expect(200)).body.data;
    expect(series).toHaveLength(7);
    expect(series[0]).toEqual({ start: '2026-02-01T00:00:00.000Z', end: '2026-02-02T00:00:00.000Z', sent: 3, delivered: 2, read: 1, failed: 1, replies: 0 });
    expect(series[1]).toEqual({ start: '2026-02-02T00:00:00.000Z', end: '2026-02-03T00:00:00.000Z', sent: 3, delivered: 3, read: 0, failed: 2, replies: 2 });
    expect(series[2]).toMatchObject({ start: '2026-02-03T00:00:00.000Z', sent: 2, delivered: 2, read: 1, failed: 1, replies: 0 });
    for (const point of series.slice(3)) expect(point).toMatchObject(zero);
    expect(series[6].end).toBe(UTC_WEEK.to);
  });

  it("the chart in Mexico City's days: 21:00 on 1 February is 1 February", async () => {
    const { series, totals, period } = (await dashboard({ ...MEXICO_WEEK, bucket: 'day' }).expect(200)).body.data;
    expect(period.timeZone).toBe('America/Mexico_City');
    expect(series.map((p: { start: string }) => p.start)).toEqual([1, 2, 3, 4, 5, 6, 7].map((d) => `2026-02-0${d}T06:00:00.000Z`));
    expect(series[0]).toMatchObject({ sent: 6, delivered: 5, read: 1, failed: 1, replies: 0 });
    expect(series[1]).toMatchObject({ sent: 0, delivered: 0, read: 0, failed: 2, replies: 2 });
    expect(series[2]).toMatchObject({ sent: 2, delivered: 2, read: 1, failed: 1 });
    // 8 February 00:00 UTC is still 7 February in Mexico City.
    expect(series[6]).toMatchObject({ sent: 1, delivered: 1 });
    expect(totals).toMatchObject({ sent: 9, delivered: 8, read: 2, failed: 4 });
  });

  it('hourly points: the hours of one day', async () => {
    const { series } = (await dashboard({ from: '2026-02-02T00:00:00Z', to: '2026-02-03T00:00:00Z', bucket: 'hour', tz: 'UTC' }).expect(200)).body.data;
    expect(series).toHaveLength(24);
    expect(series[3]).toEqual({ start: '2026-02-02T03:00:00.000Z', end: '2026-02-02T04:00:00.000Z', sent: 3, delivered: 3, read: 0, failed: 0, replies: 0 });
    expect(series[12]).toMatchObject({ failed: 2, replies: 2 });
    const others = series.filter((_: unknown, i: number) => i !== 3 && i !== 12);
    for (const point of others) expect(point).toMatchObject(zero);
  });

  it('per campaign, per template and per automation, most messages first', async () => {
    const data = (await dashboard(UTC_WEEK).expect(200)).body.data;
    expect(data.byCampaign).toEqual([
      { id: campaignA, name: 'Rebajas de febrero', messages: 6, sent: 3, delivered: 2, read: 1, failed: 3, deliveryRate: 2 / 3, readRate: 1 / 2, failureRate: 3 / 6 },
      // A campaign deleted since: its messages still count, without a name.
      { id: 999_999, name: null, messages: 1, sent: 0, delivered: 0, read: 0, failed: 1, deliveryRate: null, readRate: null, failureRate: 1 },
    ]);
    expect(data.byTemplate).toEqual([
      { id: null, name: 'aviso', messages: 8, sent: 4, delivered: 3, read: 1, failed: 4, deliveryRate: 3 / 4, readRate: 1 / 3, failureRate: 4 / 8 },
      { id: null, name: 'promo', messages: 3, sent: 3, delivered: 3, read: 0, failed: 0, deliveryRate: 1, readRate: 0, failureRate: 0 },
    ]);
    expect(data.byAutomation).toEqual([
      { id: automationX, name: 'Promo a clientes nuevos', messages: 3, sent: 3, delivered: 3, read: 0, failed: 0, deliveryRate: 1, readRate: 0, failureRate: 0 },
    ]);
  });

  it('top failures, each explained in plain words with what to do', async () => {
    const { topFailures } = (await dashboard(UTC_WEEK).expect(200)).body.data;
    expect(topFailures.map((f: { code: string; provider: string; count: number }) => [f.code, f.provider, f.count])).toEqual([
      ['131026', 'meta', 2],
      ['131049', 'meta', 1],
      ['no-provider', null, 1],
    ]);
    expect(topFailures[0].failure).toMatchObject({
      code: '131026',
      class: 'permanent',
      reason: expect.stringContaining('Message undeliverable'),
      remedy: expect.stringContaining('fallback'),
      es: { reason: expect.stringContaining('No se pudo entregar'), remedy: expect.any(String) },
    });
    expect(topFailures[1].failure.remedy).toContain('Do not resend within a day');
    expect(topFailures[2].failure).toMatchObject({ reason: expect.stringContaining('no provider carries this sender'), es: { reason: expect.stringContaining('ningún proveedor') } });
  });

  it('the failure alert follows the threshold in settings', async () => {
    // A third failed: above the default 10 %.
    const before = (await dashboard(UTC_WEEK).expect(200)).body.data;
    expect(before).toMatchObject({ failureThreshold: 0.1, failureAlert: true });
    await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { failureRateThreshold: 0.5 } }).expect(200);
    const after = (await dashboard(UTC_WEEK).expect(200)).body.data;
    expect(after).toMatchObject({ failureThreshold: 0.5, failureAlert: false });
    // A day without failures raises nothing, whatever the threshold.
    await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { failureRateThreshold: 0.1 } }).expect(200);
    const quiet = (await dashboard({ from: '2026-02-04T00:00:00Z', to: '2026-02-05T00:00:00Z', tz: 'UTC' }).expect(200)).body.data;
    expect(quiet).toMatchObject({ failureAlert: false, totals: { sent: 0, failed: 0, deliveryRate: null, readRate: null, failureRate: null, replies: 0, optOuts: 0 } });
    expect(quiet.byCampaign).toEqual([]);
    expect(quiet.topFailures).toEqual([]);
    // The threshold is a fraction: 2 (200 %) is refused, naming the field.
    const refused = await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { failureRateThreshold: 2 } }).expect(400);
    expect(refused.body.error.details.errors[0].path).toEqual(['failureRateThreshold']);
  });

  it('the queue now: due messages and the oldest one’s wait, sends in doubt', async () => {
    const now = Date.now();
    const waiting = { sentAt: null, templateName: null, provider: null, country: null };
    await out('queued', '2026-02-01T00:00:00Z', { ...waiting, dueAt: new Date(now - 120_000) });
    await out('scheduled', '2026-02-01T00:00:00Z', { ...waiting, dueAt: new Date(now - 30_000) });
    await out('scheduled', '2026-02-01T00:00:00Z', { ...waiting, dueAt: new Date(now + 3_600_000) });
    // A paused campaign's messages are held on purpose: not late.
    await out('queued', '2026-02-01T00:00:00Z', { ...waiting, dueAt: new Date(now - 3_600_000), campaignId: pausedCampaign });
    // A worker stopped mid-send: its lease ran out; another held as unknown by the sweep; one still being sent.
    await out('sending', '2026-02-01T00:00:00Z', { ...waiting, leaseOwner: 'gone', leaseUntil: new Date(now - 10_000) });
    await out('unknown', '2026-02-01T00:00:00Z', { ...waiting, errorCode: 'in-doubt' });
    await out('sending', '2026-02-01T00:00:00Z', { ...waiting, leaseOwner: 'busy', leaseUntil: new Date(now + 60_000) });
    await out('unknown', '2026-02-01T00:00:00Z', { ...waiting, errorCode: 'timeout' });
    // And one sent through the API now: queued (the dispatcher is off), its market stored on the row.
    const token = await createApiToken(app.strapi);
    await app.http().post('/api/whatsapp/templates').set('Authorization', token).send({ data: { name: 'aviso', category: 'utility', body: 'Hola {{nombre}}, tu pedido está listo.' } }).expect(201);
    const sent = await app
      .http()
      .post('/api/whatsapp/messages')
      .set('Authorization', token)
      .send({ data: { to: uniqueMexicanNumber().e164, template: 'aviso', variables: { nombre: 'Ana' } } })
      .expect(201);
    const row = await app.strapi.db.query(UID.message as any).findOne({ where: { id: sent.body.data.id } });
    expect(row).toMatchObject({ deliveryStatus: 'queued', country: 'MX' });

    const { queue } = (await dashboard({}).expect(200)).body.data;
    expect(queue.due).toBe(3);
    expect(queue.inDoubt).toBe(2);
    expect(queue.oldestDueAgeSeconds).toBeGreaterThanOrEqual(120);
    expect(queue.oldestDueAgeSeconds).toBeLessThan(180);
  });

  it('without dates: the 7 days up to now, in the settings’ time zone', async () => {
    const started = Date.now();
    const { period, series } = (await dashboard({}).expect(200)).body.data;
    const to = new Date(period.to).getTime();
    expect(to).toBeGreaterThanOrEqual(started - 1000);
    expect(to - new Date(period.from).getTime()).toBe(7 * 24 * 3_600_000);
    expect(period).toMatchObject({ bucket: 'day', timeZone: 'America/Mexico_City' });
    expect(series.length).toBeGreaterThanOrEqual(7);
    expect(series.length).toBeLessThanOrEqual(8);
  });

  describe('a bad query is a 400 naming the field and the rule', () => {
    const cases: Array<[string, Record<string, string | string[]>, string, string]> = [
      ['from is not a date', { from: 'ayer' }, 'from', 'date'],
      ['to is not a date', { from: '2026-02-01T00:00:00Z', to: '2026-13-45' }, 'to', 'date'],
      ['from is after to', { from: '2026-02-08T00:00:00Z', to: '2026-02-01T00:00:00Z' }, 'from', 'before-to'],
      ['from equals to', { from: '2026-02-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, 'from', 'before-to'],
      ['the period is longer than 366 days', { from: '2025-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, 'to', 'max-period'],
      ['an unknown bucket', { ...UTC_WEEK, bucket: 'week' }, 'bucket', 'one-of'],
      ['hours over more than 31 days', { from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', bucket: 'hour' }, 'bucket', 'hour-max-period'],
      ['an unknown time zone', { ...UTC_WEEK, tz: 'Mars/Olympus_Mons' }, 'tz', 'time-zone'],
      ['from given twice', { from: ['2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z'] }, 'from', 'single'],
    ];
    it.each(cases)('%s', async (_name, query, path, rule) => {
      const res = await dashboard(query).expect(400);
      expect(res.body.error.details.errors[0]).toMatchObject({ path: [path], rule });
      expect(res.body.error.message).toContain(path);
    });

    it('366 days exactly is allowed', async () => {
      await dashboard({ from: '2025-02-01T00:00:00Z', to: '2026-02-02T00:00:00Z', tz: 'UTC' }).expect(200);
    });
  });

  it('115,200 messages in a month: a few grouped queries, answered in under three seconds (about 0.7 s here)', async () => {
    // Written straight into the table in multi-row inserts (the fan-out's way), in March 2025.
    const knex = app.strapi.db.connection;
    const statuses = ['read', 'delivered', 'sent', 'failed'];
    const start = Date.UTC(2025, 2, 1);
    const total = 115_200; // 160 an hour for 30 days
    const rows: Record<string, unknown>[] = [];
    await knex.transaction(async (trx) => {
      for (let i = 0; i < total; i += 1) {
        const status = statuses[i % 4];
        const at = new Date(start + (i % (30 * 24)) * 3_600_000 + 60_000);
        rows.push({
          document_id: `perf${i}`,
          direction: 'out',
          status,
          to: '+525512345678',
          category: 'utility',
          country: 'MX',
          channel: 'whatsapp',
          provider: 'meta',
          template_name: `plantilla-${i % 25}`,
          campaign_id: 100_000 + (i % 40),
          attempts: 1,
          sent_at: at,
          failed_at: status === 'failed' ? at : null,
          error_code: status === 'failed' ? String(131000 + (Math.floor(i / 4) % 12)) : null,
          created_at: at,
          updated_at: at,
        });
        // 500 rows a statement: knex writes a multi-row insert on SQLite as a compound SELECT, at most 500 terms.
        if (rows.length === 500 || i === total - 1) await trx('whatsapp_messages').insert(rows.splice(0, rows.length));
      }
    });
    const query = { from: '2025-03-01T00:00:00Z', to: '2025-03-31T00:00:00Z', tz: 'UTC' };
    await dashboard(query).expect(200); // warm
    const began = Date.now();
    const { data } = (await dashboard(query).expect(200)).body;
    const took = Date.now() - began;
    expect(data.totals).toMatchObject({ sent: 86_400, delivered: 57_600, read: 28_800, failed: 28_800 });
    expect(data.series).toHaveLength(30);
    expect(data.series.every((p: { sent: number; failed: number }) => p.sent === 2880 && p.failed === 960)).toBe(true);
    expect(data.byCampaign).toHaveLength(10);
    expect(data.byTemplate).toHaveLength(10);
    expect(data.topFailures).toHaveLength(10);
    // Loading the rows instead would take several seconds and the memory of 115,200 objects.
    expect(took).toBeLessThan(3000);
  }, 180_000);

  it('needs the "read messages" permission', async () => {
    const inboxOnly = await app.strapi.service('admin::role').create({ name: 'Solo bandeja', description: 'inbox only' });
    await app.strapi.service('admin::role').assignPermissions(inboxOnly.id, [{ action: 'plugin::whatsapp.inbox.read', subject: null, properties: {}, conditions: [] }]);
    await dashboard(UTC_WEEK, await createAdminJwt(app, inboxOnly.code)).expect(403);
    const readers = await app.strapi.service('admin::role').create({ name: 'Lectores', description: 'read messages' });
    await app.strapi.service('admin::role').assignPermissions(readers.id, [{ action: 'plugin::whatsapp.messages.read', subject: null, properties: {}, conditions: [] }]);
    const res = await dashboard(UTC_WEEK, await createAdminJwt(app, readers.code)).expect(200);
    expect(res.body.data.totals.sent).toBe(8);
    await app.http().get('/whatsapp/dashboard').expect(401);
  });
});
