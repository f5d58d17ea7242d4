/**
 * The fault suite (`npm run test:faults`, PostgreSQL): real app processes, the fake providers on
 * 127.0.0.1, and one fault per scenario. After each, every outbound message must be in a final
 * state and have reached the provider exactly once: the count at the fake provider (messages it
 * accepted, by our id) against the database. The table is printed at the end and written to
 * .tmp/faults.json.
 *
 * The instances run with `WHATSAPP_IN_DOUBT=resend`: a message left `sending` by a killed worker is
 * settled by the provider's status webhook when the provider took it (the fake's side, played by
 * startStatusPump, sends one for every accepted message, as Meta does), and sent again only when
 * no status came within the grace period.
 */
import fs from 'fs';
import path from 'path';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startFakes, type Fakes } from '../fakes';
import { metaJson, signMeta } from '../fakes/sign';
import { startPgBouncer, type PgBouncer } from '../helpers/pgbouncer';
import {
  APP_SECRET,
  closeClients,
  eventsApplied,
  formatTable,
  inParallel,
  killAll,
  phones,
  restartPostgres,
  sendMessages,
  settled,
  sql,
  startInstance,
  startStatusPump,
  tally,
  waitUntil,
  type Tally,
} from './harness';

const results: Tally[] = [];
let db: TestDatabase;
let fakes: Fakes;

const baseEnv = (extra: Record<string, string> = {}) => ({
  ...db.env,
  ...(fakes.env as unknown as Record<string, string>),
  WHATSAPP_SANDBOX: 'false',
  WHATSAPP_IN_DOUBT: 'resend',
  WHATSAPP_LEASE_SECONDS: '3',
  WHATSAPP_IN_DOUBT_GRACE_SECONDS: '3',
  WHATSAPP_BATCH_SIZE: '20',
  WHATSAPP_CONCURRENCY: '8',
  WHATSAPP_RETRY_DELAYS: '1,2,3',
  WHATSAPP_MAX_ATTEMPTS: '15',
  WHATSAPP_PROVIDER_TIMEOUT_MS: '2000',
  WHATSAPP_TEMPLATE_SYNC_MINUTES: '0',
  LOG_LEVEL: 'error',
  ...extra,
});

/** The first instance creates the schema; it is started alone, the others after it. */
const first = async (name: string, extra: Record<string, string> = {}) => {
  const instance = await startInstance(name, baseEnv(extra));
  // The default sender's pace (80/s) is raised: these scenarios measure faults, not pacing.
  await instance.command('senderRate', 1000);
  return instance;
};

const record = (row: Tally) => {
  results.push(row);
  console.log(`[faults] ${row.scenario}: ${JSON.stringify(row)}`);
  return row;
};

const expectExactlyOnce = (row: Tally, messages: number) => {
  expect({ messages: row.messages, sentOnce: row.sentOnce, duplicates: row.duplicates, lost: row.lost, stuck: row.stuck }).toEqual({
    messages,
    sentOnce: messages,
    duplicates: 0,
    lost: 0,
    stuck: 0,
  });
};

beforeEach(async () => {
  db = await createTestDatabase();
  fakes = await startFakes();
});

afterEach(async () => {
  await killAll();
  await closeClients();
  await fakes.close();
  await db.drop().catch(() => undefined);
});

afterAll(() => {
  if (!results.length) return;
  const table = formatTable(results);
  console.log(`\n[faults] results\n${table}\n`);
  const out = path.resolve(__dirname, '../../.tmp/faults.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
});

it('kill -9 of the worker mid-batch, then a restart', async () => {
  const started = Date.now();
  const api = await first('api', { WHATSAPP_WORKER: 'false' });
  const pump = startStatusPump(fakes, () => [api]);
  fakes.meta.delayNext(400, 60); // a slow start, so the kill lands with requests in flight
  const ids = await sendMessages(api, phones(200));
  const worker = await startInstance('worker', baseEnv({ WHATSAPP_WORKER: 'true' }));
  await waitUntil('the worker to be mid-batch', async () => fakes.meta.requests.length >= 15, 60_000, 20);
  await worker.kill();
  const [{ n: inFlight }] = await sql<{ n: number }>(db.env.DATABASE_URL, "SELECT count(*)::int AS n FROM whatsapp_messages WHERE status = 'sending'");
  expect(inFlight).toBeGreaterThan(0); // the kill really happened mid-batch

  const restarted = await startInstance('worker-2', baseEnv({ WHATSAPP_WORKER: 'true' }));
  await settled(db.env.DATABASE_URL, 90_000);
  await pump.drain();
  const row = record(await tally('kill -9 mid-batch, restart', db.env.DATABASE_URL, fakes, started));
  expectExactlyOnce(row, ids.length);
  await restarted.stop();
});

/**
 * Two instances send the same due rows; one is killed with work in flight; the survivor settles
 * it. `pooled`: both reach the database through a real PgBouncer in transaction-pooling mode
 * (live events on a direct connection), as on Supabase and most managed hosts.
 */
const twoInstancesOneKilled = async (scenario: string, pooled: boolean) => {
  const started = Date.now();
  let bouncer: PgBouncer | null = null;
  let extra: Record<string, string> = { WHATSAPP_WORKER: 'true' };
  if (pooled) {
    bouncer = await startPgBouncer({ poolSize: 8 });
    extra = { ...extra, DATABASE_URL: bouncer.url(db.name), DATABASE_DIRECT_URL: db.env.DATABASE_URL, DATABASE_POOLER: 'transaction' };
  }
  try {
    const a = await first('a', extra);
    const b = await startInstance('b', baseEnv(extra));
    const pump = startStatusPump(fakes, () => [a]);
    // Queued for later, then all made due at once: both instances reach for the same rows.
    const ids = await sendMessages(a, phones(300), { sendAt: new Date(Date.now() + 3600_000) });
    fakes.meta.delayNext(200, 120);
    await sql(db.env.DATABASE_URL, "UPDATE whatsapp_messages SET due_at = now() WHERE status = 'scheduled'");
    // Killed once it has part of the work in flight.
    await waitUntil('b to be sending', async () => {
      const [{ n }] = await sql<{ n: number }>(db.env.DATABASE_URL, "SELECT count(*)::int AS n FROM whatsapp_messages WHERE status = 'sending' AND lease_owner LIKE $1", [`%:${b.pid}:%`]);
      return n > 0;
    }, 60_000, 10);
    await b.kill();
    await settled(db.env.DATABASE_URL, 90_000);
    await pump.drain();
    const row = record(await tally(scenario, db.env.DATABASE_URL, fakes, started));
    expectExactlyOnce(row, ids.length);
    await a.stop();
  } finally {
    await killAll();
    await bouncer?.stop();
  }
};

it('two instances, one killed mid-batch', () => twoInstancesOneKilled('two instances, one killed', false));

it('two instances through PgBouncer (transaction pooling), one killed', () => twoInstancesOneKilled('two instances via PgBouncer, one killed', true));

it('kill -9 mid-campaign fan-out, then a restart', async () => {
  const started = Date.now();
  // Five fan-out rounds of 2,000: the kill lands after the first, four are left to resume.
  const recipients = 10_000;
  const api = await first('api', { WHATSAPP_WORKER: 'false' });
  const pump = startStatusPump(fakes, () => [api]);
  // The audience: a CSV import, everyone with marketing consent.
  const csv = ['telefono,nombre,consentimiento', ...phones(recipients, 100_000).map((p, i) => `${p},Cliente ${i},sí`)].join('\n');
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'clientes.csv');
  const imported = await api.api('POST', '/api/whatsapp/contacts/import?background=false', form);
  expect(imported.status).toBe(200);
  expect(imported.body.data.created).toBe(recipients);
  await api.api('POST', '/api/whatsapp/templates', { data: { name: 'promo_faults', category: 'marketing', body: 'Hola {{nombre}}, hay ofertas esta semana.', metaName: 'promo_faults', metaLanguage: 'es_MX' } });
  // Scheduled for later, so the fan-out alone runs when the worker is killed; made due afterwards.
  const created = await api.api('POST', '/api/whatsapp/campaigns', {
    data: { name: 'Ofertas', template: 'promo_faults', audience: { kind: 'consent' }, variables: { nombre: 'contact.name' }, scheduledAt: new Date(Date.now() + 3600_000).toISOString() },
  });
  expect(created.status).toBe(201);
  const id = created.body.data.id;
  const launched = await api.api('POST', `/api/whatsapp/campaigns/${id}/launch`);
  expect(launched.status).toBe(202);

  const worker = await startInstance('worker', baseEnv({ WHATSAPP_WORKER: 'true' }));
  const campaign = async () => (await sql<{ status: string; queued_count: number }>(db.env.DATABASE_URL, 'SELECT status, queued_count FROM whatsapp_campaigns WHERE id = $1', [id]))[0];
  await waitUntil('the first fan-out round', async () => (await campaign()).queued_count > 0, 60_000, 2);
  await worker.kill();
  const atKill = await campaign();
  expect(atKill.status).toBe('launching'); // the kill really landed mid-fan-out
  expect(atKill.queued_count).toBeLessThan(recipients);

  const restarted = await startInstance('worker-2', baseEnv({ WHATSAPP_WORKER: 'true' }));
  await waitUntil('the fan-out to finish', async () => (await campaign()).status !== 'launching', 120_000, 500);
  const [{ n: written, contacts }] = await sql<{ n: number; contacts: number }>(db.env.DATABASE_URL, 'SELECT count(*)::int AS n, count(DISTINCT contact_id)::int AS contacts FROM whatsapp_messages WHERE campaign_id = $1', [id]);
  expect({ written, contacts }).toEqual({ written: recipients, contacts: recipients });
  // Now due: the whole campaign goes out.
  await sql(db.env.DATABASE_URL, 'UPDATE whatsapp_messages SET due_at = now() WHERE campaign_id = $1', [id]);
  await settled(db.env.DATABASE_URL, 120_000);
  await pump.drain();
  const row = record(await tally('kill -9 mid-campaign fan-out, restart', db.env.DATABASE_URL, fakes, started));
  expectExactlyOnce(row, recipients);
  await restarted.stop();
});

it('PostgreSQL restarted while the worker sends', async () => {
  const started = Date.now();
  const app = await first('app', { WHATSAPP_WORKER: 'true' });
  const pump = startStatusPump(fakes, () => [app]);
  fakes.meta.delayNext(100, 300);
  const ids = await sendMessages(app, phones(300));
  await waitUntil('sends under way', async () => fakes.meta.sent.length >= 40, 60_000, 20);
  restartPostgres();
  await settled(db.env.DATABASE_URL, 120_000);
  await pump.drain();
  const row = record(await tally('PostgreSQL restarted mid-send', db.env.DATABASE_URL, fakes, started));
  expectExactlyOnce(row, ids.length);
  // The instance is still serving after the restart.
  expect((await app.api('GET', '/api/whatsapp/health')).status).toBe(200);
  await app.stop();
});

it('provider outage (errors, then timeouts), then recovery', async () => {
  const started = Date.now();
  const app = await first('app', { WHATSAPP_WORKER: 'true' });
  const pump = startStatusPump(fakes, () => [app]);
  // Meta's "Service temporarily unavailable" for every request...
  fakes.meta.failNext({ status: 503, code: 2, message: 'Service temporarily unavailable', type: 'OAuthException', times: 1_000_000 });
  const ids = await sendMessages(app, phones(200));
  await waitUntil('the outage to be felt', async () => fakes.meta.requests.length >= 100, 60_000, 50);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  // ...then no answer at all (the client times out)...
  fakes.meta.clearScript();
  fakes.meta.hangNext(1_000_000);
  await new Promise((resolve) => setTimeout(resolve, 4000));
  expect(fakes.meta.sent.length).toBe(0);
  // ...then recovery.
  fakes.meta.clearScript();
  await settled(db.env.DATABASE_URL, 120_000);
  await pump.drain();
  const row = record(await tally('provider outage, then recovery', db.env.DATABASE_URL, fakes, started));
  expectExactlyOnce(row, ids.length);
  await app.stop();
});

it('provider answering in 5 s with a 2 s lease, two instances', async () => {
  const started = Date.now();
  const env = { WHATSAPP_WORKER: 'true', WHATSAPP_LEASE_SECONDS: '2', WHATSAPP_IN_DOUBT_GRACE_SECONDS: '1', WHATSAPP_PROVIDER_TIMEOUT_MS: '15000' };
  const a = await first('a', env);
  const b = await startInstance('b', baseEnv(env));
  const pump = startStatusPump(fakes, () => [a, b]);
  fakes.meta.delayNext(5000, 1_000_000);
  const ids = await sendMessages(a, phones(60));
  await settled(db.env.DATABASE_URL, 120_000);
  await pump.drain();
  const row = record(await tally('provider slow (5 s), lease 2 s', db.env.DATABASE_URL, fakes, started));
  expectExactlyOnce(row, ids.length);
  // No message was taken for abandoned while its request was in flight.
  const [{ n }] = await sql<{ n: number }>(db.env.DATABASE_URL, "SELECT count(*)::int AS n FROM whatsapp_messages WHERE direction = 'out' AND attempts <> 1");
  expect(n).toBe(0);
  await Promise.all([a.stop(), b.stop()]);
});

it('webhook storm: every event three times, shuffled, during sends and automations', async () => {
  const started = Date.now();
  const a = await first('a', { WHATSAPP_WORKER: 'true' });
  const b = await startInstance('b', baseEnv({ WHATSAPP_WORKER: 'true' }));
  // Statuses sent, delivered and read for every message, each delivered three times, in any order.
  const pump = startStatusPump(fakes, () => [a, b], { copies: 3, lifecycle: true, shuffle: true });
  // An automation: a work order marked COMPLETED tells its customer (30 of them, saved during the storm).
  await a.api('POST', '/api/whatsapp/templates', { data: { name: 'orden_lista', category: 'utility', body: 'Hola {{nombre}}, su orden {{orden}} está lista.', metaName: 'orden_lista', metaLanguage: 'es_MX' } });
  const rule = await a.api('POST', '/api/whatsapp/automations', {
    data: { name: 'Orden lista', contentType: 'api::work-order.work-order', trigger: 'field-change', field: 'state', toValue: 'COMPLETED', recipient: 'customer.phone', template: 'orden_lista', variables: { nombre: 'customer.name', orden: 'number' } },
  });
  expect(rule.status).toBe(201);
  const orders: string[] = [];
  for (const [i, phone] of phones(30, 70_000).entries()) {
    const customer = await a.api('POST', '/api/customers', { data: { name: `Cliente taller ${i}`, phone } });
    const order = await a.api('POST', '/api/work-orders', { data: { number: `OT-${1000 + i}`, state: 'IN_PROGRESS', customer: customer.body.data.documentId } });
    expect(order.status).toBe(201);
    orders.push(order.body.data.documentId);
  }
  const sending = sendMessages(a, phones(200));
  // Each order saved COMPLETED twice, on either instance: one transition, one message.
  const saves = inParallel([...orders, ...orders].sort(() => Math.random() - 0.5), 4, async (documentId, i) => {
    const saved = await (i % 2 ? a : b).api('PUT', `/api/work-orders/${documentId}`, { data: { state: 'COMPLETED' } });
    expect(saved.status).toBe(200);
  });
  // Meanwhile 100 customers write in, each message delivered three times, shuffled.
  const inbound = phones(100, 50_000).map((from, i) => ({
    raw: metaJson({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: fakes.meta.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550001111', phone_number_id: fakes.meta.phoneNumberId },
                contacts: [{ profile: { name: `Cliente ${i}` }, wa_id: from.slice(1) }],
                messages: [{ from: from.slice(1), id: `wamid.storm${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `Hola ${i}` } }],
              },
            },
          ],
        },
      ],
    }),
  }));
  const deliveries = [...inbound, ...inbound, ...inbound].sort(() => Math.random() - 0.5);
  const storm = inParallel(deliveries, 8, async ({ raw }, i) => {
    const target = i % 2 ? a : b;
    const response = await fetch(`http://127.0.0.1:${target.port}/api/whatsapp/webhooks/meta`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signMeta(APP_SECRET, raw) },
      body: raw,
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });
  const [sent] = await Promise.all([sending, storm, saves]);
  // The automation's messages are created by its job: wait for the 30 runs to have theirs.
  await waitUntil('the automation runs', async () => {
    const [{ n }] = await sql<{ n: number }>(db.env.DATABASE_URL, "SELECT count(*)::int AS n FROM whatsapp_messages WHERE direction = 'out' AND automation_id IS NOT NULL");
    return n >= orders.length;
  }, 60_000, 500).catch(async (error) => {
    const runs = await sql(db.env.DATABASE_URL, 'SELECT state, reason, count(*)::int AS n FROM whatsapp_automation_runs GROUP BY state, reason');
    throw new Error(`${(error as Error).message}; runs: ${JSON.stringify(runs)}`);
  });
  const ids = [...sent, ...orders];
  await settled(db.env.DATABASE_URL, 90_000);
  await pump.drain();
  // Every status applied once, in order: each message ends `read`, whatever order the copies came in.
  await waitUntil('every message read', async () => {
    const rows = await sql<{ n: number }>(db.env.DATABASE_URL, "SELECT count(*)::int AS n FROM whatsapp_messages WHERE direction = 'out' AND status <> 'read'");
    return rows[0].n === 0;
  }, 60_000, 500);
  const row = record(await tally('webhook storm (x3, shuffled) during sends and automations', db.env.DATABASE_URL, fakes, started));
  expectExactlyOnce(row, ids.length);
  // Every inbound message stored once, however many copies came and to whichever instance.
  const retried = await eventsApplied(db.env.DATABASE_URL, 60_000);
  if (retried.length) console.log(`[faults] webhook events applied after a retry: ${JSON.stringify(retried.slice(0, 5))}`);
  const [{ n: received }] = await sql<{ n: number }>(db.env.DATABASE_URL, "SELECT count(*)::int AS n FROM whatsapp_messages WHERE direction = 'in'");
  expect(received).toBe(100);
  expect(retried.filter((e) => e.outcome === 'failed')).toEqual([]);
  // One run per order, however many times it was saved.
  const runs = await sql<{ state: string; n: number }>(db.env.DATABASE_URL, 'SELECT state, count(*)::int AS n FROM whatsapp_automation_runs GROUP BY state');
  expect(runs).toEqual([{ state: 'sent', n: orders.length }]);
  await Promise.all([a.stop(), b.stop()]);
});
