/**
 * bench/webhooks: signed Meta status webhooks at 32 concurrent keep-alive connections against
 * the app on a real database, beside `GET /_health` of the same app in the same run (the ratio
 * is the figure). Afterwards every event is counted: stored, applied, and on its message.
 */
const crypto = require('crypto');
const path = require('path');
const { Worker } = require('worker_threads');
const { createId } = require('@paralleldrive/cuid2');
const { createDatabase, bootApp } = require('./app');

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 32);
const APP_SECRET = 'bench-app-secret';

/**
 * Fires the requests with CONNECTIONS in flight from a worker thread, so the load generator's own
 * work (building requests, reading answers) does not run on the app's event loop and count as
 * the app's latency. Returns rate and latency percentiles.
 */
function load(port, requests) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'load-worker.js'), { workerData: { port, requests, connections: CONNECTIONS } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** A Meta status webhook as Meta writes it (one status per request, as Meta mostly sends). */
const statusBody = (wamid, id) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{
      id: '102290129340398',
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550001111', phone_number_id: '1234567890' },
          statuses: [{ id: wamid, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '5215512345678', biz_opaque_callback_data: String(id),
            conversation: { id: 'c1', origin: { type: 'utility' } }, pricing: { billable: true, pricing_model: 'CBP', category: 'utility' } }],
        },
      }],
    }],
  });

async function runWebhookBench(client, { n }) {
  const db = await createDatabase(client);
  const strapi = await bootApp({ ...db.env, META_APP_SECRET: APP_SECRET, META_VERIFY_TOKEN: 'bench', WHATSAPP_SANDBOX: 'true', WHATSAPP_WORKER: 'false' });
  strapi.server.mount();
  await new Promise((resolve) => strapi.server.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = strapi.server.httpServer.address();
  try {
    // N sent messages for the statuses to land on.
    const contact = (await strapi.plugin('whatsapp').service('contacts').findOrCreate('+525512345678')).contact;
    const table = strapi.db.metadata.get('plugin::whatsapp.message').tableName;
    const now = new Date();
    const rows = Array.from({ length: n }, (_, i) => ({
      document_id: createId(), direction: 'out', contact_id: contact.id, to: '+525512345678', body: `m${i}`, category: 'utility',
      status: 'sent', due_at: now, sent_at: now, attempts: 1, channel: 'whatsapp', provider: 'meta', provider_message_id: `wamid.BENCH${i}`,
      created_at: now, updated_at: now,
    }));
    await strapi.db.connection.batchInsert(table, rows, 500);
    const ids = await strapi.db.connection(table).select('id', 'provider_message_id');

    const webhooks = ids.map(({ id, provider_message_id: wamid }) => {
      const body = statusBody(wamid, id);
      const signature = `sha256=${crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
      return { method: 'POST', path: '/api/whatsapp/webhooks/meta', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature, 'content-length': Buffer.byteLength(body) }, body };
    });
    const health = Array.from({ length: n }, () => ({ method: 'GET', path: '/_health', headers: {} }));

    await load(port, health.slice(0, 200)); // warm-up
    const healthResult = await load(port, health);
    const webhookResult = await load(port, webhooks);
    const loadEnded = Date.now();
    const events = strapi.db.metadata.get('plugin::whatsapp.webhook-event').tableName;
    // How far the applier got while the requests were coming in.
    const appliedDuringLoad = Number((await strapi.db.connection(events).whereNotNull('applied_at').count({ c: '*' }).first()).c);

    // Nothing lost: every event stored and applied, every message delivered.
    const deadline = Date.now() + 120_000;
    let applied = 0;
    let delivered = 0;
    while (Date.now() < deadline) {
      applied = Number((await strapi.db.connection(events).whereNotNull('applied_at').count({ c: '*' }).first()).c);
      delivered = Number((await strapi.db.connection(table).where({ status: 'delivered' }).count({ c: '*' }).first()).c);
      if (applied >= n && delivered >= n) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // How long after the last answer the last event was applied (the applier's lag behind the load).
    const applyLagMs = Date.now() - loadEnded;
    const stored = Number((await strapi.db.connection(events).count({ c: '*' }).first()).c);
    return {
      database: client,
      requests: n,
      connections: CONNECTIONS,
      webhooks: webhookResult,
      health: healthResult,
      ratioToHealth: Number((webhookResult.perSecond / healthResult.perSecond).toFixed(2)),
      stored,
      applied,
      delivered,
      applyLagMs,
      appliedDuringLoad,
    };
  } finally {
    await strapi.destroy();
    await db.drop();
  }
}

module.exports = { runWebhookBench };
