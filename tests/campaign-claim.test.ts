/**
 * The claim respects campaigns: a paced campaign's backlog is neither read row by row nor
 * rewritten each tick, a paused or cancelled campaign's messages are never claimed, and an
 * urgent message queued behind thousands of campaign messages leaves at once.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createApiToken } from './helpers/auth';
import { setLastInbound, UID, waitForStatus } from './helpers/whatsapp';

const CAMPAIGN = 'plugin::whatsapp.campaign';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the claim and campaigns', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startStrapi();
    token = await createApiToken(app.strapi);
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** `n` campaign messages straight into the table, as a fan-out writes them, all due now. */
  const fanOut = async (campaign: { name: string; state: string; pacingSeconds?: number }, n: number) => {
    const row = await app.strapi.db.query(CAMPAIGN as any).create({ data: campaign });
    const { contact } = await app.strapi.plugin('whatsapp').service('contacts').findOrCreate('+525512340000');
    const now = new Date(Date.now() - 1000);
    const table = app.strapi.db.metadata.get(UID.message as any).tableName;
    const rows = Array.from({ length: n }, (_, i) => ({
      document_id: `camp${row.id}x${i}`,
      direction: 'out',
      contact_id: contact.id,
      to: '+525512340000',
      body: `Promo ${i}`,
      category: 'marketing',
      status: 'queued',
      due_at: now,
      attempts: 0,
      channel: 'whatsapp',
      campaign_id: row.id,
      created_at: now,
      updated_at: now,
    }));
    await app.strapi.db.connection.batchInsert(table, rows, 500);
    return row.id as number;
  };

  const statusCounts = async (campaignId: number) => {
    const table = app.strapi.db.metadata.get(UID.message as any).tableName;
    const rows: { status: string; n: number | string }[] = await app.strapi.db
      .connection(table)
      .select('status')
      .count({ n: '*' })
      .where({ campaign_id: campaignId })
      .groupBy('status');
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  };

  it('5,000 messages of a paced campaign: a few statements per tick, one send per slot; an urgent message leaves at once', async () => {
    const campaignId = await fanOut({ name: 'Promo lenta', state: 'running', pacingSeconds: 12 }, 5000);

    // Count every statement on the message table for three seconds of ticks.
    const statements: string[] = [];
    const onQuery = (query: { sql: string }) => {
      if (query.sql.includes('whatsapp_messages')) statements.push(query.sql);
    };
    app.strapi.db.connection.on('query', onQuery);
    const started = Date.now();
    app.strapi.plugin('whatsapp').service('dispatcher').wake();
    await sleep(3000);
    const seconds = (Date.now() - started) / 1000;
    app.strapi.db.connection.off('query', onQuery);

    // One slot every 12 s: one message sent, the backlog untouched (still queued, never rewritten).
    const counts = await statusCounts(campaignId);
    expect(counts.sent ?? 0).toBe(1);
    expect(counts.queued).toBe(4999);
    // Per tick (a second): the claim and its bookkeeping, not one statement per waiting row.
    expect(statements.length / seconds).toBeLessThan(30);
    const updates = statements.filter((sql) => /^\s*(with[\s\S]*)?update/i.test(sql));
    expect(updates.length).toBeLessThan(20);

    // A transactional message created behind the 4,999 waiting ones is sent within a second.
    await setLastInbound(app.strapi, '+525512349999', new Date());
    const res = await app
      .http()
      .post('/api/whatsapp/messages')
      .set('Authorization', token)
      .send({ data: { to: '+525512349999', body: 'Tu auto está listo' } })
      .expect(201);
    const sent = await waitForStatus(app.strapi, res.body.data.id, ['sent'], 5000);
    expect(new Date(sent.sentAt).getTime() - new Date(sent.createdAt).getTime()).toBeLessThan(1000);
    expect((await statusCounts(campaignId)).queued).toBe(4999);
  });

  it('never claims a message of a paused or cancelled campaign; resuming sends them', async () => {
    const paused = await fanOut({ name: 'En pausa', state: 'paused' }, 20);
    const cancelled = await fanOut({ name: 'Cancelada', state: 'cancelled' }, 20);
    app.strapi.plugin('whatsapp').service('dispatcher').wake();
    await sleep(1500);
    await app.strapi.plugin('whatsapp').service('dispatcher').idle();
    expect(await statusCounts(paused)).toEqual({ queued: 20 });
    expect(await statusCounts(cancelled)).toEqual({ queued: 20 });

    await app.strapi.db.query(CAMPAIGN as any).update({ where: { id: paused }, data: { state: 'running' } });
    app.strapi.plugin('whatsapp').service('dispatcher').wake();
    const deadline = Date.now() + 10_000;
    while ((await statusCounts(paused)).sent !== 20 && Date.now() < deadline) await sleep(200);
    expect(await statusCounts(paused)).toEqual({ sent: 20 });
    expect(await statusCounts(cancelled)).toEqual({ queued: 20 });
  });
});
