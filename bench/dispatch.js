/**
 * bench/dispatch: how fast the dispatcher empties the queue, end to end, against a loopback
 * fake Meta Cloud API that answers in ~20 ms, and how late scheduled messages leave at
 * 100 msg/s. The fake's own raw capacity (same client concurrency, same latency, no app) is
 * measured in the same run: the ratio app / raw is the figure that travels between machines.
 * The fake runs in its own process (bench/fake-process.js): what is measured is the app's process.
 */
const http = require('http');
const { createId } = require('@paralleldrive/cuid2');
const { createDatabase, bootApp } = require('./app');
const { startFakeProcess } = require('./fakes');

const LATENCY_MS = Number(process.env.BENCH_PROVIDER_LATENCY_MS || 20);
const CONCURRENCY = Number(process.env.WHATSAPP_CONCURRENCY || 64);

const percentile = (values, p) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/** The fake alone: N sends at the dispatcher's concurrency over keep-alive connections. */
async function rawCapacity(fakes, n) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const url = new URL(`${fakes.env.META_GRAPH_BASE_URL}/${fakes.env.META_GRAPH_VERSION}/${fakes.env.META_PHONE_NUMBER_ID}/messages`);
  const body = JSON.stringify({ messaging_product: 'whatsapp', to: '525512345678', type: 'text', text: { body: 'bench' } });
  const post = () =>
    new Promise((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${fakes.env.META_ACCESS_TOKEN}`, 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next++ < n) await post(); }));
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  return n / seconds;
}

async function insertMessages(strapi, n, dueAt) {
  const contact = (await strapi.plugin('whatsapp').service('contacts').findOrCreate('+525512345678')).contact;
  const sender = await strapi.db.query('plugin::whatsapp.sender').findOne({ where: { provider: 'meta' } });
  await strapi.db.query('plugin::whatsapp.sender').update({ where: { id: sender.id }, data: { messagesPerSecond: 100000 } });
  const table = strapi.db.metadata.get('plugin::whatsapp.message').tableName;
  const now = new Date();
  const rows = Array.from({ length: n }, (_, i) => ({
    document_id: createId(),
    direction: 'out',
    contact_id: contact.id,
    to: '+525512345678',
    from: sender.number,
    sender_id: sender.id,
    body: `Mensaje de prueba ${i}`,
    category: 'service',
    status: 'scheduled',
    due_at: typeof dueAt === 'function' ? dueAt(i) : dueAt,
    attempts: 0,
    channel: 'whatsapp',
    created_at: now,
    updated_at: now,
  }));
  await strapi.db.connection.batchInsert(table, rows, 500);
}

function startWorker(strapi) {
  // Booted API-only (so the rows are inserted before anything is claimed); now a worker. (Both
  // ways, so the same bench also drives a build from before the typed configuration.)
  process.env.WHATSAPP_WORKER = 'true';
  strapi.config.set('plugin::whatsapp.worker', true);
  strapi.plugin('whatsapp').service('dispatcher').start();
  strapi.plugin('whatsapp').service('scheduler').start();
  strapi.plugin('whatsapp').service('dispatcher').wake();
}

async function waitUntil(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One database: throughput of N due-now messages, then lateness at a steady 100 msg/s. */
async function runOn(client, { n, steadySeconds }) {
  const fakes = await startFakeProcess();
  await fakes.delayNext(LATENCY_MS, 1e9);
  const raw = await rawCapacity(fakes, n);
  await fakes.reset();
  await fakes.delayNext(LATENCY_MS, 1e9);

  const db = await createDatabase(client);
  const strapi = await bootApp({ ...db.env, ...fakes.env, WHATSAPP_SANDBOX: 'false', WHATSAPP_WORKER: 'false', WHATSAPP_CONCURRENCY: String(CONCURRENCY) });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    // Throughput: N messages due now.
    await insertMessages(strapi, n, new Date());
    const started = Date.now();
    startWorker(strapi);
    const table = strapi.db.metadata.get('plugin::whatsapp.message').tableName;
    const count = async () => Number((await strapi.db.connection(table).where({ status: 'sent' }).count({ c: '*' }).first()).c);
    await waitUntil(async () => (await count()) >= n, 600_000);
    const seconds = (Date.now() - started) / 1000;
    const rate = n / seconds;

    // Lateness: 100 messages a second for `steadySeconds`, each due at its own millisecond.
    await fakes.reset();
    await fakes.delayNext(LATENCY_MS, 1e9);
    const steadyN = 100 * steadySeconds;
    const t0 = Date.now() + 2000;
    const dueOf = (i) => new Date(t0 + i * 10);
    const before = await strapi.db.query('plugin::whatsapp.message').findMany({ select: ['id'], orderBy: { id: 'desc' }, limit: 1 });
    const firstId = (before[0]?.id ?? 0) + 1;
    await insertMessages(strapi, steadyN, dueOf);
    await waitUntil(async () => (await fakes.sentCount()) >= steadyN, 120_000);
    const lateness = (await fakes.sent()).map((s) => s.at - dueOf(s.ourId - firstId).getTime());

    return {
      database: client,
      messages: n,
      seconds: Number(seconds.toFixed(2)),
      sentPerSecond: Math.round(rate),
      providerRawPerSecond: Math.round(raw),
      ratioToRaw: Number((rate / raw).toFixed(2)),
      steady: { perSecond: 100, messages: steadyN, latenessP50Ms: percentile(lateness, 50), latenessP99Ms: percentile(lateness, 99), latenessMaxMs: Math.max(...lateness) },
      peakRssMb: Math.round(peakRss / 1024 / 1024),
    };
  } finally {
    clearInterval(sampler);
    await strapi.destroy();
    await db.drop();
    await fakes.close();
  }
}

module.exports = { runDispatchBench: runOn };
