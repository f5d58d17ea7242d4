/**
 * The fault suite's tools: app instances in processes of their own (so any can be killed with
 * SIGKILL), the provider's side of the conversation (status webhooks for what it accepted,
 * retried while nobody answers, as Meta does), and the count at the end: what the fake provider
 * accepted against what the database says.
 */
import { fork, type ChildProcess } from 'child_process';
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import dotenv from 'dotenv';
import { Client } from 'pg';
import type { Fakes } from '../fakes';
import { metaJson, signMeta } from '../fakes/sign';

const appDir = path.resolve(__dirname, '../..');
const envPath = path.join(appDir, 'tests', '.env.test');
const testEnv = dotenv.parse(fs.readFileSync(envPath));
export const APP_SECRET = testEnv.META_APP_SECRET;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Instance {
  name: string;
  port: number;
  token: string;
  pid: number;
  child: ChildProcess;
  alive(): boolean;
  /** SIGKILL: no shutdown, no drain, leases left as they are. */
  kill(): Promise<void>;
  /** A clean stop (Strapi's destroy: the dispatcher finishes its batch, gives back the rest). */
  stop(): Promise<void>;
  api(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** bench/app-process.js's IPC commands (`senderRate`, `rss`…). */
  command(cmd: string, ...args: unknown[]): Promise<unknown>;
}

const running = new Set<Instance>();
const pumps = new Set<{ stop(): Promise<void> }>();

/** Boots the compiled app (bench/app-process.js) with `env`; resolves when it answers HTTP. */
export function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const child = fork(path.join(appDir, 'bench', 'app-process.js'), [], {
    env: { ...process.env, ...testEnv, ENV_PATH: envPath, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Each instance's log, for a failed scenario's post-mortem: .tmp/faults/<name>-<pid>.log.
  const logDir = path.join(appDir, '.tmp', 'faults');
  fs.mkdirSync(logDir, { recursive: true });
  const log = fs.createWriteStream(path.join(logDir, `${name}-${child.pid}.log`));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let seq = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 90 s: ${stderr}`)), 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} while starting: ${stderr}`));
    });
    child.on('message', (message: { ready?: boolean; port?: number; token?: string; pid?: number }) => {
      if (!message?.ready) return;
      clearTimeout(timer);
      const base = `http://127.0.0.1:${message.port}`;
      const instance: Instance = {
        name,
        port: message.port!,
        token: message.token!,
        pid: message.pid!,
        child,
        alive: () => child.exitCode === null && child.signalCode === null,
        async kill() {
          running.delete(instance);
          if (instance.alive()) child.kill('SIGKILL');
          await exited;
        },
        async stop() {
          running.delete(instance);
          if (!instance.alive()) return;
          seq += 1;
          child.send({ seq, cmd: 'stop' });
          const force = setTimeout(() => child.kill('SIGKILL'), 60_000);
          await exited;
          clearTimeout(force);
        },
        command(cmd, ...args) {
          seq += 1;
          const mine = seq;
          return new Promise((done) => {
            const onMessage = (reply: { seq?: number; result?: unknown }) => {
              if (reply?.seq !== mine) return;
              child.off('message', onMessage);
              done(reply.result);
            };
            child.on('message', onMessage);
            child.send({ seq: mine, cmd, args });
          });
        },
        async api(method, route, body, headers = {}) {
          const response = await fetch(base + route, {
            method,
            headers: { Authorization: `Bearer ${message.token}`, ...(body !== undefined && !(body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}), ...headers },
            body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
          });
          const text = await response.text();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          return { status: response.status, body: parsed };
        },
      };
      running.add(instance);
      resolve(instance);
    });
  });
}

/** Kills whatever a failed scenario left running. */
export async function killAll() {
  for (const pump of [...pumps]) await pump.stop();
  for (const instance of [...running]) await instance.kill();
}

/** Runs `fn` on up to `n` items at a time. */
export async function inParallel<T>(items: T[], n: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    })
  );
}

export async function waitUntil<T>(what: string, fn: () => Promise<T | null | false | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(everyMs);
  }
}

/** `n` distinct Mexican mobile numbers, from `start`. */
export const phones = (n: number, start = 0) => Array.from({ length: n }, (_, i) => `+52551${String(2000000 + start + i).padStart(7, '0')}`);

/** A template, then `n` template messages through the REST API (as an integrator would send them). */
export async function sendMessages(instance: Instance, numbers: string[], options: { template?: string; sendAt?: Date } = {}) {
  const { template = 'aviso_faults', sendAt } = options;
  const created = await instance.api('POST', '/api/whatsapp/templates', { data: { name: template, category: 'utility', body: 'Hola {{nombre}}, su pedido está listo.', metaName: template, metaLanguage: 'es_MX' } });
  if (created.status !== 201 && created.status !== 409) throw new Error(`template: ${created.status} ${JSON.stringify(created.body)}`);
  const ids: number[] = [];
  await inParallel(numbers, 8, async (to, i) => {
    const answer = await instance.api('POST', '/api/whatsapp/messages', { data: { to, template, variables: { nombre: `Cliente ${i}` }, ...(sendAt ? { sendAt: sendAt.toISOString() } : {}) } }, { 'Idempotency-Key': `faults-${to}` });
    if (answer.status !== 201 && answer.status !== 202 && answer.status !== 200) throw new Error(`message to ${to}: ${answer.status} ${JSON.stringify(answer.body)}`);
    ids.push(answer.body.data.id);
  });
  return ids;
}

// --- The provider's side: status webhooks for every message it accepted ----------------------

export interface StatusPumpOptions {
  /** Each webhook delivered this many times (Meta retries, and sometimes repeats itself). */
  copies?: number;
  /** Send `delivered` and `read` too, not only `sent`. */
  lifecycle?: boolean;
  /** Shuffle each round's deliveries (statuses of one message may come in any order). */
  shuffle?: boolean;
}

/**
 * Plays Meta's part after a send: a signed `statuses` webhook for every accepted message (with
 * `biz_opaque_callback_data`, our message id, as Meta echoes it), posted to whichever instance is
 * alive; a delivery that fails (instance down, 5xx) is kept and tried again, as Meta retries.
 */
export function startStatusPump(fakes: Fakes, targets: () => Instance[], options: StatusPumpOptions = {}) {
  const { copies = 1, lifecycle = false, shuffle = false } = options;
  let cursor = 0;
  let pending: string[] = [];
  let stopped = false;
  let delivered = 0;
  const statusOf = (sent: Fakes['meta']['sent'][number], status: string) => ({
    id: sent.id,
    status,
    timestamp: String(Math.floor(Date.now() / 1000)),
    recipient_id: sent.waId,
    biz_opaque_callback_data: String((sent.payload as { biz_opaque_callback_data?: string }).biz_opaque_callback_data ?? ''),
    ...(status === 'sent' ? { conversation: { id: 'CONVERSATION_ID', origin: { type: 'utility' } }, pricing: { billable: true, pricing_model: 'PMP', category: 'utility' } } : {}),
  });
  const payloadOf = (statuses: unknown[]) =>
    metaJson({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: fakes.meta.wabaId,
          changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: fakes.meta.phoneNumberId }, statuses } }],
        },
      ],
    });

  const post = async (raw: string): Promise<boolean> => {
    const alive = targets().filter((t) => t.alive());
    if (!alive.length) return false;
    const target = alive[Math.floor(Math.random() * alive.length)];
    try {
      const response = await fetch(`http://127.0.0.1:${target.port}/api/whatsapp/webhooks/meta`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signMeta(APP_SECRET, raw) },
        body: raw,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false;
    }
  };

  const round = async () => {
    const fresh = fakes.meta.sent.slice(cursor);
    cursor += fresh.length;
    const statuses = lifecycle ? ['sent', 'delivered', 'read'] : ['sent'];
    const deliveries: string[] = [];
    // Ten statuses a webhook (Meta batches several in one POST under load).
    for (const status of statuses) {
      for (let i = 0; i < fresh.length; i += 10) {
        const raw = payloadOf(fresh.slice(i, i + 10).map((s) => statusOf(s, status)));
        for (let c = 0; c < copies; c += 1) deliveries.push(raw);
      }
    }
    if (shuffle) deliveries.sort(() => Math.random() - 0.5);
    const queue = [...pending, ...deliveries];
    pending = [];
    await inParallel(queue, 4, async (raw) => {
      if (await post(raw)) delivered += 1;
      else pending.push(raw);
    });
  };

  const loop = (async () => {
    while (!stopped) {
      await round();
      await sleep(200);
    }
  })();

  const pump = {
    delivered: () => delivered,
    /** Delivers what is left (waiting for an instance to answer), then stops. */
    async drain(timeoutMs = 60_000) {
      await waitUntil('the status webhooks to be delivered', async () => cursor === fakes.meta.sent.length && pending.length === 0, timeoutMs, 200);
      await pump.stop();
    },
    async stop() {
      stopped = true;
      pumps.delete(pump);
      await loop;
    },
  };
  pumps.add(pump);
  return pump;
}

// --- The count ------------------------------------------------------------------------------

export interface Tally {
  scenario: string;
  messages: number;
  sentOnce: number;
  duplicates: number;
  lost: number;
  stuck: number;
  byStatus: Record<string, number>;
  seconds: number;
}

const OPEN = ['queued', 'scheduled', 'sending'];
const SENT = ['sent', 'delivered', 'read'];

/** Outbound messages in the database against the messages the fake provider accepted, by our id. */
export async function tally(scenario: string, databaseUrl: string, fakes: Fakes, started: number, where = "direction = 'out'"): Promise<Tally> {
  {
    const rows = await sql<{ id: number; status: string }>(databaseUrl, `SELECT id, status FROM whatsapp_messages WHERE ${where}`);
    const accepted = new Map<number, number>();
    for (const s of fakes.meta.sent) {
      const id = Number((s.payload as { biz_opaque_callback_data?: string }).biz_opaque_callback_data);
      accepted.set(id, (accepted.get(id) ?? 0) + 1);
    }
    const byStatus: Record<string, number> = {};
    let sentOnce = 0;
    let duplicates = 0;
    let lost = 0;
    let stuck = 0;
    for (const row of rows) {
      byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
      const n = accepted.get(Number(row.id)) ?? 0;
      if (n > 1) duplicates += 1;
      else if (OPEN.includes(row.status) || row.status === 'unknown') stuck += 1;
      else if (n === 1 && SENT.includes(row.status)) sentOnce += 1;
      else lost += 1; // final, but never reached the provider (or reached it with the row saying otherwise)
    }
    return { scenario, messages: rows.length, sentOnce, duplicates, lost, stuck, byStatus, seconds: Math.round((Date.now() - started) / 100) / 10 };
  }
}

/** Waits until every stored webhook event is applied (or given up on), and returns those with an error. */
export async function eventsApplied(databaseUrl: string, timeoutMs: number) {
  await waitUntil(
    'every webhook event to be applied',
    async () => (await sql<{ n: number }>(databaseUrl, 'SELECT count(*)::int AS n FROM whatsapp_webhook_events WHERE applied_at IS NULL AND outcome IS NULL'))[0].n === 0,
    timeoutMs,
    500
  );
  return sql<{ id: number; error: string | null; attempts: number; outcome: string | null }>(databaseUrl, 'SELECT id, error, attempts, outcome FROM whatsapp_webhook_events WHERE error IS NOT NULL');
}

/** Waits until no outbound message is waiting or being sent. */
export async function settled(databaseUrl: string, timeoutMs: number, where = "direction = 'out'") {
  await waitUntil(
    'every message to reach a final state',
    async () => (await sql<{ n: number }>(databaseUrl, `SELECT count(*)::int AS n FROM whatsapp_messages WHERE ${where} AND status = ANY($1)`, [OPEN]))[0].n === 0,
    timeoutMs,
    500
  );
}

/** One connection per database for the suite's own queries (a new one after an error: a restart drops it). */
const clients = new Map<string, Promise<Client>>();
const clientFor = (databaseUrl: string) => {
  let client = clients.get(databaseUrl);
  if (!client) {
    client = (async () => {
      const c = new Client({ connectionString: databaseUrl });
      c.on('error', () => clients.delete(databaseUrl));
      await c.connect();
      return c;
    })();
    clients.set(databaseUrl, client);
    client.catch(() => clients.delete(databaseUrl));
  }
  return client;
};

/** One SQL query on the scenario's database. */
export async function sql<T = Record<string, unknown>>(databaseUrl: string, text: string, values: unknown[] = []): Promise<T[]> {
  try {
    return (await (await clientFor(databaseUrl)).query(text, values)).rows as T[];
  } catch (error) {
    clients.delete(databaseUrl);
    throw error;
  }
}

/** Closes the suite's connections (before the scenario's database is dropped). */
export async function closeClients() {
  const open = [...clients.values()];
  clients.clear();
  for (const client of open) await client.then((c) => c.end()).catch(() => undefined);
}

/** Restarts the local PostgreSQL cluster (Debian's pg_ctlcluster), as a host's maintenance would. */
export function restartPostgres() {
  const version = fs.readdirSync('/etc/postgresql').sort().pop();
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', String(version), 'main', 'restart'], { stdio: 'ignore' });
}

export function formatTable(rows: Tally[]) {
  const lines = ['| scenario | messages | sent once | duplicates | lost | stuck | time |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.scenario} | ${r.messages} | ${r.sentOnce} | ${r.duplicates} | ${r.lost} | ${r.stuck} | ${r.seconds} s |`);
  return lines.join('\n');
}
