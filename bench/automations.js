/**
 * bench/automations: the latency of a business save (REST `PUT /api/work-orders/:id`, a state
 * change to COMPLETED) with no automation on the type, and with the workshop's rule on it (each
 * save fires a run, written in the save's transaction). Rounds alternate without / with the rule
 * in one run, so the machine's drift hits both; the ratio of medians is the figure. Measured twice:
 * the save path alone (worker off: runs are only written), and with the worker building and
 * sending each message through the sandbox in the same process. `rate`: saves arrive at that
 * steady rate (open loop) instead of as fast as 8 connections go (saturation).
 */
const path = require('path');
const { Worker } = require('worker_threads');
const { createDatabase, bootApp } = require('./app');

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 8);

function load(port, requests, rate) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'load-worker.js'), { workerData: { port, requests, connections: CONNECTIONS, rate } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function runAutomationBench(client, { n, rounds, worker, rate }) {
  const db = await createDatabase(client);
  const strapi = await bootApp({ ...db.env, WHATSAPP_SANDBOX: 'true', WHATSAPP_WORKER: worker ? 'true' : 'false' });
  strapi.server.mount();
  await new Promise((resolve) => strapi.server.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = strapi.server.httpServer.address();
  try {
    const { accessKey } = await strapi.service('admin::api-token').create({ name: 'bench', type: 'full-access', lifespan: null, permissions: [] });
    const auth = `Bearer ${accessKey}`;
    await strapi.plugin('whatsapp').service('templates').create({ name: 'listo', category: 'utility', body: 'Hola {{nombre}}, tu vehículo está listo. Orden {{orden}}.' });
    const rule = await strapi.plugin('whatsapp').service('automations').create({
      name: 'Vehículo listo', contentType: 'api::work-order.work-order', trigger: 'field-change', field: 'state', toValue: 'COMPLETED',
      recipient: 'customer.phone', template: 'listo', variables: { nombre: 'customer.name', orden: 'number' }, enabled: false,
    });
    const customer = await strapi.documents('api::customer.customer').create({ data: { name: 'Ana', phone: '+525512345678' } });

    let made = 0;
    const orders = async () => {
      const docs = [];
      for (let i = 0; i < n; i += 1) docs.push(await strapi.documents('api::work-order.work-order').create({ data: { number: `OT-${(made += 1)}`, state: 'IN_PROGRESS', customer: customer.documentId } }));
      return docs.map((d) => {
        const body = JSON.stringify({ data: { state: 'COMPLETED' } });
        return { method: 'PUT', path: `/api/work-orders/${d.documentId}`, headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, body };
      });
    };
    const setRule = (enabled) => strapi.plugin('whatsapp').service('automations').update(rule.id, { enabled });

    await load(port, await orders()); // warm-up
    const without = [];
    const withRule = [];
    for (let round = 0; round < rounds; round += 1) {
      await setRule(false);
      without.push(await load(port, await orders(), rate));
      await setRule(true);
      withRule.push(await load(port, await orders(), rate));
      // Let the job finish the runs of this round before the next one is measured.
      for (let i = 0; i < 600 && (await strapi.db.query('plugin::whatsapp.automation-run').count({ where: { state: { $in: ['pending', 'processing'] } } })) > 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    }
    const runs = await strapi.db.query('plugin::whatsapp.automation-run').count();
    const summary = (results) => ({ p50Ms: median(results.map((r) => r.p50Ms)), p99Ms: median(results.map((r) => r.p99Ms)), perSecond: median(results.map((r) => r.perSecond)), failures: results.reduce((a, r) => a + r.failures, 0) });
    const a = summary(without);
    const b = summary(withRule);
    return { database: client, worker, rate: rate ?? null, saves: n * rounds * 2, connections: CONNECTIONS, without: a, withRule: b, runs, ratioP50: Number((b.p50Ms / a.p50Ms).toFixed(2)), ratioThroughput: Number((a.perSecond / b.perSecond).toFixed(2)) };
  } finally {
    await strapi.destroy();
    await db.drop();
  }
}

module.exports = { runAutomationBench };
