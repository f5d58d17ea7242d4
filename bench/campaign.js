/**
 * bench/campaign: a campaign to N recipients end to end, with the app in a process of its own
 * (bench/app-process.js) and the fake Meta Cloud API in another (bench/fake-process.js), so what
 * is timed and sampled is the app's process alone:
 *   import  — a CSV of N contacts (tag `bench`, marketing consent, an extra column `placa`)
 *             POSTed to /api/whatsapp/contacts/import (over 2 MB: in the background, polled until
 *             completed); `created` must equal N;
 *   queued  — POST /campaigns/:id/launch until the campaign has queued all N (the fan-out);
 *   sent    — until the fake provider has received all N (bounded by BENCH_CAMPAIGN_SEND_SECONDS:
 *             past it, the rate so far is reported), then until the campaign is `completed`.
 * The app's RSS is read from /proc/<pid>/status every 200 ms; the peak is kept per phase.
 * Options: BENCH_CAMPAIGN_SEND_SECONDS (default 300, counted from the launch), BENCH_CAMPAIGN_RATE
 * (the sender's messagesPerSecond, default 1000), BENCH_APP_MAX_OLD_SPACE_MB (the app's V8 heap
 * limit), BENCH_CAMPAIGN_PROGRESS=false, BENCH_CAMPAIGN_CPU_PROF=<dir> (a CPU profile of the app
 * process, see bench/app-process.js).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { fork } = require('child_process');
const { createDatabase, baseEnv, appDir } = require('./app');
const { startFakeProcess } = require('./fakes');

const LATENCY_MS = Number(process.env.BENCH_PROVIDER_LATENCY_MS || 20);
const CONCURRENCY = Number(process.env.WHATSAPP_CONCURRENCY || 64);
const RATE = Number(process.env.BENCH_CAMPAIGN_RATE || 1000);
const SEND_SECONDS = Number(process.env.BENCH_CAMPAIGN_SEND_SECONDS || 300);
const TAG = 'bench';

/** The app in its own process; resolves once it listens, with its port, API token and IPC calls. */
function startAppProcess(env) {
  // BENCH_APP_MAX_OLD_SPACE_MB: the app's V8 old-space limit (as a deployment would set it); by
  // default V8 sizes it from the machine's memory and lets garbage accumulate well past 400 MB.
  const execArgv = oldSpace ? [`--max-old-space-size=${oldSpace}`] : [];
  const child = fork(path.join(__dirname, 'app-process.js'), [], { env, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const waiting = new Map();
  const call = (cmd, ...args) =>
    new Promise((resolve) => {
      seq += 1;
      waiting.set(seq, resolve);
      child.send({ seq, cmd, args });
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the app process exited (${code}) before it was ready`)));
    child.on('message', (message) => {
      if (message.ready) {
        resolve({ ...message, child, call, stop: () => Promise.race([call('stop'), new Promise((r) => setTimeout(r, 30_000))]).then(() => child.kill()) });
        return;
      }
      const done = waiting.get(message.seq);
      waiting.delete(message.seq);
      done?.(message.result);
    });
  });
}

/** The child's resident set size: /proc (answers while its event loop is busy), else over IPC. */
async function rssOf(app) {
  try {
    const status = await fs.promises.readFile(`/proc/${app.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    if (kb) return kb * 1024;
  } catch {
    // not Linux
  }
  return app.call('rss');
}

function request(port, token, method, pathname, { json, multipart } = {}) {
  let body = null;
  const headers = { authorization: `Bearer ${token}` };
  if (json !== undefined) {
    body = Buffer.from(JSON.stringify({ data: json }));
    headers['content-type'] = 'application/json';
  } else if (multipart) {
    const boundary = `----bench${Date.now().toString(36)}`;
    body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${multipart.name}"\r\nContent-Type: text/csv\r\n\r\n`),
      multipart.content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
  }
  if (body) headers['content-length'] = body.length;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
        resolve({ status: res.statusCode, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** N distinct Mexican mobiles, half written the old way (+521 55…), half +52 55…, all consenting. */
function contactsCsv(n) {
  const lines = ['telefono,nombre,etiquetas,consentimiento,placa'];
  const names = ['José Núñez', 'María Fernández', 'Óscar Peña', 'Ana López', 'Luis Hernández'];
  for (let i = 0; i < n; i += 1) {
    const national = String(5510000000 + i);
    const phone = i % 2 ? `+52${national}` : `+521${national}`;
    lines.push(`${phone},${names[i % names.length]} ${i},${TAG},sí,ABC-${String(i).padStart(6, '0')}`);
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

async function waitUntil(check, timeoutMs, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const mb = (bytes) => Math.round(bytes / 1024 / 1024);

const oldSpace = process.env.BENCH_APP_MAX_OLD_SPACE_MB;

async function runCampaignBench(client, { n }) {
  const fakes = await startFakeProcess();
  await fakes.delayNext(LATENCY_MS, 1e9);
  const db = await createDatabase(client);
  const profile = process.env.BENCH_CAMPAIGN_CPU_PROF ? { BENCH_CAMPAIGN_CPU_PROF: path.resolve(process.env.BENCH_CAMPAIGN_CPU_PROF) } : {};
  const env = { ...process.env, ...baseEnv, ...db.env, ...fakes.env, WHATSAPP_SANDBOX: 'false', WHATSAPP_CONCURRENCY: String(CONCURRENCY), BENCH_APP_DIR: appDir, ...profile };
  const booted = Date.now();
  const app = await startAppProcess(env);
  const bootSeconds = (Date.now() - booted) / 1000;
  const bootedRss = await rssOf(app);
  const peaks = {};
  let phase = 'idle';
  let samples = 0;
  const sampler = setInterval(async () => {
    const rss = await rssOf(app).catch(() => 0);
    samples += 1;
    peaks[phase] = Math.max(peaks[phase] ?? 0, rss);
  }, 200);
  const api = (method, pathname, options) => request(app.port, app.token, method, pathname, options);
  const file = path.join(os.tmpdir(), `bench-contacts-${process.pid}-${Date.now()}.csv`);
  try {
    await app.call('senderRate', RATE);
    fs.writeFileSync(file, contactsCsv(n));
    const fileMb = fs.statSync(file).size / 1024 / 1024;

    // Import.
    phase = 'import';
    let started = Date.now();
    const imported = await api('POST', '/api/whatsapp/contacts/import', { multipart: { name: 'contactos.csv', content: fs.readFileSync(file) } });
    if (imported.status !== 200 && imported.status !== 202) throw new Error(`import answered ${imported.status}: ${JSON.stringify(imported.body).slice(0, 500)}`);
    // A file over WHATSAPP_IMPORT_BACKGROUND_MB is imported in the background (202): followed until it ends.
    const result =
      imported.status === 200
        ? imported.body.data
        : await waitUntil(async () => {
            const { body } = await api('GET', `/api/whatsapp/contacts/imports/${imported.body.data.documentId}`);
            return ['completed', 'failed'].includes(body.data.status) ? body.data : null;
          }, 600_000);
    const importSeconds = (Date.now() - started) / 1000;
    if (!result || result.status === 'failed') throw new Error(`import did not complete: ${JSON.stringify(result).slice(0, 500)}`);
    if (result.created !== n) console.warn(`[bench] campaign: import created ${result.created} of ${n} (${JSON.stringify({ ...result, errors: result.errors?.slice(0, 3) })})`);
    console.log(`[bench] campaign on ${client}: imported ${result.created} in ${importSeconds.toFixed(1)} s`);

    // Template and campaign.
    phase = 'idle';
    const template = await api('POST', '/api/whatsapp/templates', { json: { name: 'bench_promo', category: 'marketing', body: 'Hola {{nombre}}, tu vehículo {{placa}} tiene promoción.', metaName: 'bench_promo', metaLanguage: 'es_MX', metaParameters: ['nombre', 'placa'] } });
    if (template.status !== 201) throw new Error(`template answered ${template.status}: ${JSON.stringify(template.body).slice(0, 500)}`);
    const created = await api('POST', '/api/whatsapp/campaigns', { json: { name: 'Bench', template: 'bench_promo', audience: { kind: 'tags', tags: [TAG] }, variables: { nombre: 'contact.name', placa: 'contact.fields.placa' } } });
    if (created.status !== 201) throw new Error(`campaign answered ${created.status}: ${JSON.stringify(created.body).slice(0, 500)}`);
    const id = created.body.data.id;
    const campaign = async () => (await api('GET', `/api/whatsapp/campaigns/${id}`)).body.data;

    // Launch: until every recipient is queued (the fan-out), then until the provider has them all.
    phase = 'queue';
    started = Date.now();
    const launched = await api('POST', `/api/whatsapp/campaigns/${id}/launch`);
    if (launched.status !== 202) throw new Error(`launch answered ${launched.status}: ${JSON.stringify(launched.body).slice(0, 500)}`);
    const launchMs = Date.now() - started;
    let last = null;
    // Progress every 10 s (BENCH_CAMPAIGN_PROGRESS=false to silence): where the fan-out's time goes.
    const progress = process.env.BENCH_CAMPAIGN_PROGRESS !== 'false';
    let nextReport = Date.now() + 10_000;
    const queuedAll = await waitUntil(async () => {
      last = await campaign();
      if (progress && Date.now() >= nextReport) {
        nextReport += 10_000;
        console.log(`[bench] campaign on ${client}: ${((Date.now() - started) / 1000).toFixed(0)} s after launch: audience read ${last.audienceRead}, queued ${last.queued}, sent ${await fakes.sentCount()}, RSS ${mb(await rssOf(app))} MB`);
      }
      return last.queued >= n || ['running', 'completed', 'scheduled', 'paused'].includes(last.state) ? last : null;
    }, 1_800_000);
    const queuedSeconds = (Date.now() - started) / 1000;
    const sentAtQueued = await fakes.sentCount();
    console.log(`[bench] campaign on ${client}: queued ${queuedAll?.queued} (state ${queuedAll?.state}, excluded ${JSON.stringify(queuedAll?.excluded)}) in ${queuedSeconds.toFixed(1)} s; ${sentAtQueued} already sent`);

    phase = 'send';
    const sendBudgetEnds = started + SEND_SECONDS * 1000;
    await waitUntil(async () => {
      const count = await fakes.sentCount();
      if (progress && Date.now() >= nextReport) {
        nextReport += 10_000;
        console.log(`[bench] campaign on ${client}: ${((Date.now() - started) / 1000).toFixed(0)} s after launch: sent ${count}, RSS ${mb(await rssOf(app))} MB`);
      }
      return count >= n;
    }, Math.max(0, sendBudgetEnds - Date.now()));
    const sent = await fakes.sentCount();
    const sentSeconds = (Date.now() - started) / 1000;
    const completed = sent >= n ? await waitUntil(async () => ((last = await campaign()).state === 'completed' ? last : null), 120_000) : null;
    const completedSeconds = completed ? (Date.now() - started) / 1000 : null;
    last = await campaign();
    const memory = await app.call('memory');
    const retained = await app.call('memory', 'gc');
    return {
      database: client,
      recipients: n,
      csvMb: Number(fileMb.toFixed(1)),
      bootSeconds: Number(bootSeconds.toFixed(1)),
      import: { seconds: Number(importSeconds.toFixed(1)), created: result.created, updated: result.updated, skipped: result.skipped, errors: result.errors?.length ?? 0, rowsPerSecond: Math.round(n / importSeconds), peakRssMb: mb(peaks.import ?? 0) },
      queue: { launchAnswerMs: launchMs, seconds: Number(queuedSeconds.toFixed(1)), queued: queuedAll?.queued ?? last.queued, state: queuedAll?.state ?? last.state, excluded: queuedAll?.excluded ?? {}, perSecond: Math.round((queuedAll?.queued ?? 0) / queuedSeconds), sentMeanwhile: sentAtQueued, peakRssMb: mb(peaks.queue ?? 0) },
      send: { sent, allSent: sent >= n, seconds: Number(sentSeconds.toFixed(1)), perSecond: Math.round(sent / sentSeconds), completedSeconds: completedSeconds && Number(completedSeconds.toFixed(1)), finalState: last.state, peakRssMb: mb(peaks.send ?? 0) },
      peakRssMb: mb(Math.max(0, ...Object.values(peaks))),
      bootedRssMb: mb(bootedRss),
      endMemoryMb: { rss: mb(memory.rss), heapUsed: mb(memory.heapUsed), heapTotal: mb(memory.heapTotal), external: mb(memory.external), arrayBuffers: mb(memory.arrayBuffers), heapUsedAfterGc: mb(retained.heapUsed), rssAfterGc: mb(retained.rss) },
      rssSamples: samples,
      senderMessagesPerSecond: RATE,
      maxOldSpaceMb: oldSpace ? Number(oldSpace) : null,
      providerLatencyMs: LATENCY_MS,
    };
  } finally {
    clearInterval(sampler);
    fs.rmSync(file, { force: true });
    await app.stop().catch(() => undefined);
    await db.drop();
    await fakes.close();
  }
}

module.exports = { runCampaignBench };
