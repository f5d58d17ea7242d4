/**
 * bench/abuse: signed Meta webhooks (the provider's traffic) alone, then again while abusive
 * clients hit the public routes, with the app in a process of its own (bench/app-process.js) on
 * PostgreSQL and its default per-source limits (middlewares/public-limits.ts):
 *   baseline — BENCH_ABUSE_N signed status webhooks at 16 connections, nothing else;
 *   flood    — the same while a flooder POSTs unsigned and bad-signature webhooks at 64
 *              connections as fast as the app answers;
 *   slowloris — the same while 200 connections trickle bytes (100 their headers, 100 the body
 *              of a webhook), one byte every 500 ms each; afterwards, how long until the server
 *              cut each of them off (time limits shortened for the bench: headers 5 s, request
 *              10 s; BENCH_ABUSE_HEADERS_TIMEOUT_MS / BENCH_ABUSE_REQUEST_TIMEOUT_MS);
 *   health+media — the same while a flooder GETs /health and media links with bad tokens.
 * Every client, signed or not, comes from 127.0.0.1: the provider and the abuser share a source,
 * the case where a plain per-address limit would lock the provider out. The load generators run
 * on the same 2 cores as the app, so the ratios include the attackers' own CPU.
 */
const crypto = require('crypto');
const net = require('net');
const path = require('path');
const { fork } = require('child_process');
const { Worker } = require('worker_threads');
const { createDatabase, baseEnv } = require('./app');

const APP_SECRET = 'bench-app-secret';
const SIGNED_CONNECTIONS = 16;
const FLOOD_CONNECTIONS = 64;
const SLOW_CONNECTIONS = 200;
const HEADERS_TIMEOUT_MS = Number(process.env.BENCH_ABUSE_HEADERS_TIMEOUT_MS || 5000);
const REQUEST_TIMEOUT_MS = Number(process.env.BENCH_ABUSE_REQUEST_TIMEOUT_MS || 10000);

function startApp(env) {
  const child = fork(path.join(__dirname, 'app-process.js'), [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the app process exited (${code}) before it was ready`)));
    child.on('message', (message) => {
      if (!message.ready) return;
      child.removeAllListeners('exit');
      const stop = () =>
        Promise.race([new Promise((r) => { child.once('message', r); child.send({ seq: 1, cmd: 'stop' }); }), new Promise((r) => setTimeout(r, 30_000))]).then(() => child.kill());
      resolve({ port: message.port, stop });
    });
  });
}

const runWorker = (file, workerData) => new Worker(path.join(__dirname, file), { workerData });
const result = (worker) => new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });

/** A Meta status webhook for a message we do not know (stored, then kept aside by the applier). */
let counter = 0;
const signedWebhook = () => {
  counter += 1;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550001111', phone_number_id: '1234567890' },
      statuses: [{ id: `wamid.ABUSE${counter}`, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '5215512345678' }],
    } }] }],
  });
  const signature = `sha256=${crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
  return { method: 'POST', path: '/api/whatsapp/webhooks/meta', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature, 'content-length': Buffer.byteLength(body) }, body };
};

const badWebhooks = () => {
  const body = signedWebhook().body;
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  return [
    { method: 'POST', path: '/api/whatsapp/webhooks/meta', headers, body },
    { method: 'POST', path: '/api/whatsapp/webhooks/meta', headers: { ...headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, body },
  ];
};

const healthAndMedia = () => [
  { method: 'GET', path: '/api/whatsapp/health', headers: {} },
  { method: 'GET', path: `/api/whatsapp/media/${crypto.randomBytes(24).toString('base64url')}`, headers: {} },
];

/** 200 slow clients; resolves with when each was cut off (ms after it connected), or null if still open at `giveUpMs`. */
function slowloris(port, giveUpMs) {
  const body = signedWebhook().body;
  return Array.from({ length: SLOW_CONNECTIONS }, (_, i) =>
    new Promise((resolve) => {
      const started = Date.now();
      const socket = net.connect(port, '127.0.0.1');
      const headersOnly = i % 2 === 0;
      const head = headersOnly
        ? 'GET /api/whatsapp/health HTTP/1.1\r\nHost: 127.0.0.1\r\n'
        : `POST /api/whatsapp/webhooks/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length * 10}\r\nX-Hub-Signature-256: sha256=${'0'.repeat(64)}\r\n\r\n`;
      let timer;
      const giveUp = setTimeout(() => { socket.destroy(); resolve(null); }, giveUpMs);
      socket.on('connect', () => {
        socket.write(head);
        timer = setInterval(() => socket.writable && socket.write(headersOnly ? 'x' : '{'), 500);
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        clearTimeout(giveUp);
        resolve(Date.now() - started);
      });
    })
  );
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function runAbuseBench(client, { n }) {
  const db = await createDatabase(client);
  const env = {
    ...process.env, ...baseEnv, ...db.env,
    META_APP_SECRET: APP_SECRET, META_VERIFY_TOKEN: 'bench', WHATSAPP_SANDBOX: 'true', WHATSAPP_WORKER: 'false',
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    // The product's defaults, set here because tests/.env.test (read by the app) turns them off.
    WHATSAPP_LIMIT_BAD_PER_MINUTE: '30', WHATSAPP_LIMIT_HEALTH_PER_MINUTE: '120', WHATSAPP_LIMIT_MEDIA_PER_MINUTE: '3000',
  };
  const app = await startApp(env);
  const { port } = app;
  const signed = async () => result(runWorker('load-worker.js', { port, requests: Array.from({ length: n }, signedWebhook), connections: SIGNED_CONNECTIONS }));
  /** The signed load while `requests` flood the app; the flooder's own figures beside. */
  const underFlood = async (requests) => {
    const flooder = runWorker('flood-worker.js', { port, requests, connections: FLOOD_CONNECTIONS });
    const flooded = result(flooder);
    await new Promise((r) => setTimeout(r, 500)); // the flood up to speed (and the source over its limit)
    const load = await signed();
    flooder.postMessage('stop');
    return { signed: load, flood: await flooded };
  };
  try {
    await result(runWorker('load-worker.js', { port, requests: Array.from({ length: 300 }, signedWebhook), connections: SIGNED_CONNECTIONS })); // warm-up
    const baseline = await signed();
    const flood = await underFlood(badWebhooks());

    const slow = slowloris(port, REQUEST_TIMEOUT_MS + 5000);
    await new Promise((r) => setTimeout(r, 500));
    const slowSigned = await signed();
    const cutAfter = await Promise.all(slow);
    const cut = cutAfter.filter((ms) => ms !== null);
    const headersCut = cutAfter.filter((ms, i) => i % 2 === 0 && ms !== null);
    const bodyCut = cutAfter.filter((ms, i) => i % 2 === 1 && ms !== null);

    const healthMedia = await underFlood(healthAndMedia());
    const ratio = (r) => Number((r.perSecond / baseline.perSecond).toFixed(2));
    return {
      database: client,
      signedRequests: n,
      signedConnections: SIGNED_CONNECTIONS,
      baseline,
      flood: { ...flood, ratio: ratio(flood.signed) },
      slowloris: {
        signed: slowSigned,
        ratio: ratio(slowSigned),
        connections: SLOW_CONNECTIONS,
        headersTimeoutMs: HEADERS_TIMEOUT_MS,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        cutOff: cut.length,
        headersCutP50Ms: headersCut.length ? percentile(headersCut, 50) : null,
        headersCutMaxMs: headersCut.length ? Math.max(...headersCut) : null,
        bodyCutP50Ms: bodyCut.length ? percentile(bodyCut, 50) : null,
        bodyCutMaxMs: bodyCut.length ? Math.max(...bodyCut) : null,
      },
      healthMedia: { ...healthMedia, ratio: ratio(healthMedia.signed) },
    };
  } finally {
    await app.stop();
    await db.drop();
  }
}

module.exports = { runAbuseBench };
