/**
 * Step 11, the database people already run: several instances behind PgBouncer in
 * transaction-pooling mode (what Supabase and most managed PostgreSQL hosts put in front of the
 * database). Strapi boots and syncs its schema through it, the dispatcher claims and paces, a
 * signed webhook is stored and applied, a campaign fans out and sends. Live events need a session
 * (LISTEN), which the pooler cannot give: with DATABASE_DIRECT_URL they LISTEN on the direct
 * connection; without it they go through the polling table, and an instance that was not told
 * finds out by itself at start.
 */
import request from 'supertest';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createTestDatabase, isPostgres, type TestDatabase } from './helpers/database';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { openEventStream } from './helpers/sse';
import { pgBouncerMissingReason, startPgBouncer, type PgBouncer } from './helpers/pgbouncer';
import { metaPayload, metaStatus, metaText, postMeta, settleWebhooks } from './helpers/webhooks';
import { startWorker, type Worker } from './helpers/worker';
import { UID, waitForStatus } from './helpers/whatsapp';
import { uniqueMexicanNumber } from './helpers/factories';
import { waitFor } from './helpers/wait';
import { startFakes, type Fakes } from './fakes';

// Four app boots (two in child processes) on a busy 2-core machine.
jest.setTimeout(180_000);

// Skipped, with the reason printed as the test's name: on SQLite (PgBouncer pools PostgreSQL
// connections; the PostgreSQL pass of .ci/run runs it), or where Debian's pgbouncer is missing.
const skipReason = !isPostgres() ? 'PgBouncer pools PostgreSQL connections: PostgreSQL pass only' : pgBouncerMissingReason();
const suite = skipReason ? describe.skip : describe;
if (skipReason) test.skip(`PgBouncer tests skipped: ${skipReason}`, () => undefined);

suite('behind PgBouncer in transaction mode', () => {
  let fakes: Fakes;
  let bouncer: PgBouncer;
  let db: TestDatabase;
  let app: TestApp;
  let other: Worker | null = null;
  let token: string;
  let admin: string;
  /** The database through the pooler, and the direct connection to the same database. */
  let pooled: Record<string, string>;
  let direct: string;

  beforeAll(async () => {
    fakes = await startFakes();
    bouncer = await startPgBouncer({ poolSize: 5 });
    db = await createTestDatabase();
    direct = db.env.DATABASE_URL;
    pooled = { ...fakes.env, DATABASE_CLIENT: 'postgres', DATABASE_URL: bouncer.url(db.name), WHATSAPP_SANDBOX: 'false' };
    app = await startStrapi({ db, env: { ...pooled, DATABASE_DIRECT_URL: direct } });
    token = await createApiToken(app.strapi);
    admin = await createAdminJwt(app);
  });
  afterAll(async () => {
    if (other) await other.stop();
    await app?.stop({ keepDatabase: true });
    await bouncer?.stop();
    await db?.drop();
    await fakes?.close();
  });

  const api = (method: 'get' | 'post' | 'put', path: string, data?: unknown) => {
    const req = app.http()[method](path).set('Authorization', token);
    return data === undefined ? req : req.send({ data });
  };

  it('boots and syncs its schema through the pooler; live events LISTEN on the direct connection', async () => {
    const connection = app.strapi.config.get('database.connection.connection') as { connectionString: string };
    expect(new URL(connection.connectionString).port).toBe(String(bouncer.port));
    const health = await app.http().get('/api/whatsapp/health').expect(200);
    expect(health.body.data).toMatchObject({ database: 'postgres', live: { mode: 'listen', connected: true } });
    // The schema is there (Strapi's sync went through PgBouncer) and readable through it.
    expect(await app.strapi.db.connection.schema.hasTable(app.strapi.db.metadata.get(UID.message as any).tableName)).toBe(true);
  });

  it('sends through the fake Meta: claimed, paced by the sender rate (GCRA), recorded', async () => {
    const sender = await app.strapi.db.query(UID.sender as any).findOne({ where: { provider: 'meta' } });
    // 4 a second: six messages take at least 5 × 250 ms from first to last.
    await app.strapi.db.query(UID.sender as any).update({ where: { id: sender.id }, data: { messagesPerSecond: 4 } });
    const numbers = Array.from({ length: 6 }, () => uniqueMexicanNumber());
    for (const n of numbers) await app.strapi.db.query(UID.contact as any).create({ data: { phone: n.e164, lastInboundAt: new Date() } });
    const created = await Promise.all(numbers.map((n, i) => api('post', '/api/whatsapp/messages', { to: n.e164, body: `Su pedido ${i} está listo.` }).expect(201)));
    const rows = await Promise.all(created.map((res) => waitForStatus(app.strapi, res.body.data.id, ['sent'], 30_000)));
    expect(fakes.meta.sent).toHaveLength(6);
    expect(rows.map((r: any) => r.providerMessageId).sort()).toEqual(fakes.meta.sent.map((s) => s.id).sort());
    const times = fakes.meta.sent.map((s) => s.at).sort((a, b) => a - b);
    // A lower bound only (slower is fine on a busy machine), with 20 % off for timer jitter.
    expect(times[5] - times[0]).toBeGreaterThanOrEqual(1_000);
    const paced = await app.strapi.db.connection(app.strapi.db.metadata.get(UID.sender as any).tableName).where({ id: sender.id }).first();
    expect(Number(paced.next_free_at)).toBeGreaterThan(0);
    await app.strapi.db.query(UID.sender as any).update({ where: { id: sender.id }, data: { messagesPerSecond: 80 } });
  });

  it('stores and applies a signed webhook: an inbound message and a delivery status', async () => {
    const n = uniqueMexicanNumber();
    const contact = await app.strapi.db.query(UID.contact as any).create({ data: { phone: n.e164, lastInboundAt: new Date() } });
    const res = await api('post', '/api/whatsapp/messages', { to: n.e164, body: 'Su cita es mañana a las 10.' }).expect(201);
    const sent = await waitForStatus(app.strapi, res.body.data.id, ['sent'], 30_000);
    const waId = n.e164.slice(1);
    await postMeta(app, metaPayload({ statuses: [metaStatus(sent.providerMessageId, 'delivered', { recipient: waId, ourId: sent.id })] }, metaText(waId, 'Rosa', 'Gracias, ahí estaré'))).expect(200);
    await settleWebhooks(app.strapi);
    await waitForStatus(app.strapi, sent.id, ['delivered'], 15_000);
    const inbound = await app.strapi.db.query(UID.message as any).findOne({ where: { direction: 'in', contactId: contact.id } });
    expect(inbound).toMatchObject({ body: 'Gracias, ahí estaré', from: n.e164 });
    const events = await app.strapi.db.query(UID.webhookEvent as any).findMany({ where: { provider: 'meta' } });
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.every((e: any) => e.appliedAt)).toBe(true);
  });

  it('runs a campaign: fan-out, sends through the fake Meta, completed', async () => {
    await api('post', '/api/whatsapp/templates', {
      name: 'aviso_pooler',
      category: 'utility',
      body: 'Hola {{nombre}}, su servicio está listo.',
      metaName: 'aviso_pooler',
      metaLanguage: 'es_MX',
      metaParameters: ['nombre'],
    }).expect(201);
    const people = Array.from({ length: 5 }, () => uniqueMexicanNumber());
    for (const p of people) await api('post', '/api/whatsapp/contacts', { phone: p.e164, name: 'Cliente' }).expect(201);
    const before = fakes.meta.sent.length;
    const created = await api('post', '/api/whatsapp/campaigns', {
      name: 'Aviso por el pooler',
      template: 'aviso_pooler',
      audience: { kind: 'phones', phones: people.map((p) => p.e164) },
      variables: { nombre: { value: 'cliente' } },
    }).expect(201);
    const id = created.body.data.id;
    await api('post', `/api/whatsapp/campaigns/${id}/launch`).expect(202);
    const done = await waitFor(async () => {
      const res = await api('get', `/api/whatsapp/campaigns/${id}/stats`);
      return res.body.data?.state === 'completed' ? res.body.data : null;
    }, 60_000);
    expect(done).toMatchObject({ messages: 5, sent: 5, failed: 0, waiting: 0 });
    const rows = await app.strapi.db.query(UID.message as any).findMany({ where: { campaignId: id } });
    expect(rows.map((r: any) => r.to).sort()).toEqual(people.map((p) => p.e164).sort());
    expect(rows.every((r: any) => r.provider === 'meta' && r.providerMessageId)).toBe(true);
    expect(fakes.meta.sent.length - before).toBe(5);
  });

  it('with DATABASE_DIRECT_URL, a webhook applied by instance A reaches an admin on instance B (LISTEN / NOTIFY)', async () => {
    other = await startWorker({ ...pooled, DATABASE_DIRECT_URL: direct, WHATSAPP_WORKER: 'false', TEST_WORKER_HTTP: 'true' });
    const health = await request(`http://127.0.0.1:${other.port}`).get('/api/whatsapp/health').expect(200);
    expect(health.body.data.live).toEqual({ mode: 'listen', connected: true });
    const stream = await openEventStream(other.port!, '/whatsapp/inbox/events', admin);
    try {
      const started = Date.now();
      await postMeta(app, metaPayload(metaText('5215544440000', 'Julia', '¿Ya está mi camioneta?'))).expect(200);
      const created = await stream.next('message.created', (data) => data.message.body === '¿Ya está mi camioneta?', 10_000);
      expect(created.data.message).toMatchObject({ direction: 'in', from: '+525544440000' });
      // Pushed, not polled: well under the 10 s of a busy machine's margin.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      stream.close();
    }
    await other.stop();
    other = null;
  });

  it('without it: DATABASE_POOLER=transaction polls the events table; an instance told nothing detects the pooler and polls too', async () => {
    await app.stop({ keepDatabase: true });
    app = await startStrapi({ db, env: { ...pooled, DATABASE_POOLER: 'transaction', WHATSAPP_LIVE_POLL_MS: '200' } });
    expect(app.strapi.plugin('whatsapp').service('live').mode()).toBe('poll');
    // Instance B has neither variable: its start-up NOTIFY does not come back through PgBouncer.
    other = await startWorker({ ...pooled, WHATSAPP_LIVE_POLL_MS: '200', WHATSAPP_WORKER: 'false', TEST_WORKER_HTTP: 'true' });
    const health = await request(`http://127.0.0.1:${other.port}`).get('/api/whatsapp/health').expect(200);
    expect(health.body.data.live).toEqual({ mode: 'poll', connected: true });

    // A → B: a webhook applied by A reaches an admin on B, once.
    const streamB = await openEventStream(other.port!, '/whatsapp/inbox/events', admin);
    try {
      await postMeta(app, metaPayload(metaText('5215555550000', 'Tomás', 'Paso por ella a las 5'))).expect(200);
      const created = await streamB.next('message.created', (data) => data.message.body === 'Paso por ella a las 5', 10_000);
      expect(created.data.message).toMatchObject({ direction: 'in', from: '+525555550000' });
      await settleWebhooks(app.strapi);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(streamB.events.filter((e) => e.event === 'message.created' && e.data.message.body === 'Paso por ella a las 5')).toHaveLength(1);
    } finally {
      streamB.close();
    }

    // B → A: an inbox action on B reaches an admin on A.
    const { body } = await app.http().get('/whatsapp/inbox/conversations').query({ 'filters[search]': '5555550000' }).set('Authorization', admin).expect(200);
    const conversation = body.data[0];
    const streamA = await openEventStream(app, '/whatsapp/inbox/events', admin);
    try {
      await request(`http://127.0.0.1:${other.port}`).post(`/whatsapp/inbox/conversations/${conversation.id}/close`).set('Authorization', admin).expect(200);
      const closed = await streamA.next('conversation.updated', (data) => data.id === conversation.id && data.status === 'closed', 10_000);
      expect(closed.data.contact.phone).toBe('+525555550000');
    } finally {
      streamA.close();
    }
    // The rows that carried them, in the table every instance polls.
    const { rows } = await app.strapi.db.connection.raw('SELECT count(*)::int AS n FROM whatsapp_live_events');
    expect(rows[0].n).toBeGreaterThan(0);
  });
});
