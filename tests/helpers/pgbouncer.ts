/**
 * A real PgBouncer in transaction-pooling mode in front of the test PostgreSQL server (the one
 * TEST_DATABASE_URL names): the set-up managed hosts such as Supabase put in front of their
 * databases. Debian's `pgbouncer` binary, a generated ini in a temporary directory, a free
 * loopback port. Tests that need it check `pgBouncerAvailable()` first and skip with the reason
 * when it returns false.
 */
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

export interface PgBouncer {
  /** A connection URL for the given database through this PgBouncer. */
  url: (database: string) => string;
  port: number;
  stop(): Promise<void>;
}

const CANDIDATES = [process.env.PGBOUNCER_BIN, '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'];

const binary = () => CANDIDATES.find((file): file is string => !!file && fs.existsSync(file)) ?? null;

/** Whether a pgbouncer binary is installed here (`apt-get install pgbouncer`). */
export const pgBouncerAvailable = () => binary() !== null;

/** Why the PgBouncer tests are skipped, or null when they can run. */
export const pgBouncerMissingReason = () => (pgBouncerAvailable() ? null : 'pgbouncer is not installed (apt-get install pgbouncer, or set PGBOUNCER_BIN)');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

const accepting = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Quotes a value for PgBouncer's libpq-style connection string in [databases]. */
const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function startPgBouncer(opts: { poolSize?: number } = {}): Promise<PgBouncer> {
  const bin = binary();
  if (!bin) throw new Error(pgBouncerMissingReason()!);
  const server = new URL(process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  const user = decodeURIComponent(server.username || 'postgres');
  const password = decodeURIComponent(server.password || '');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-'));
  // PgBouncer refuses to run as root: as root it is started with `-u postgres`, which must be
  // able to read the ini and write its log and pid files here.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) fs.chmodSync(dir, 0o777);

  const target = [`host=${server.hostname || '127.0.0.1'}`, `port=${server.port || '5432'}`, `user=${quote(user)}`, password ? `password=${quote(password)}` : ''].filter(Boolean).join(' ');
  const ini = [
    '[databases]',
    // Every database name the client asks for, on the test server, as the test server's user.
    `* = ${target}`,
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    // Loopback only and a throwaway server: no client authentication.
    'auth_type = any',
    'pool_mode = transaction',
    'max_client_conn = 500',
    `default_pool_size = ${opts.poolSize ?? 5}`,
    'reserve_pool_size = 0',
    // Startup parameters some drivers send that PgBouncer would otherwise refuse.
    'ignore_startup_parameters = extra_float_digits,options,search_path',
    `logfile = ${path.join(dir, 'pgbouncer.log')}`,
    `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
    '',
  ].join('\n');
  const iniFile = path.join(dir, 'pgbouncer.ini');
  fs.writeFileSync(iniFile, ini, { mode: 0o644 });

  const child: ChildProcess = spawn(bin, asRoot ? ['-u', 'postgres', iniFile] : [iniFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const log = () => {
    try {
      return fs.readFileSync(path.join(dir, 'pgbouncer.log'), 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '';
    }
  };
  const deadline = Date.now() + 15_000;
  while (!(await accepting(port))) {
    if (!running || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`pgbouncer did not start on 127.0.0.1:${port}: ${stderr.trim()}\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    port,
    url: (database: string) => {
      const url = new URL(server.toString());
      url.hostname = '127.0.0.1';
      url.port = String(port);
      url.pathname = `/${database}`;
      return url.toString();
    },
    async stop() {
      if (running) {
        // SIGTERM: immediate shutdown (SIGINT would wait for every client to leave).
        child.kill('SIGTERM');
        const killed = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killed);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
