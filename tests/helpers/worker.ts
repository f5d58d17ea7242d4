/** Starts tests/helpers/worker-process.js with the given environment; resolves once it is ready. */
import { fork, type ChildProcess } from 'child_process';
import fs from 'fs';
import path from 'path';
import dotenv from 'dotenv';

export interface Worker {
  process: ChildProcess;
  owner: string;
  /** The loopback port it answers HTTP on, when started with TEST_WORKER_HTTP=true. */
  port: number | null;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

const testEnv = dotenv.parse(fs.readFileSync(path.join(__dirname, '..', '.env.test')));

export function startWorker(env: Record<string, string>): Promise<Worker> {
  const child = fork(path.join(__dirname, 'worker-process.js'), [], {
    env: { ...process.env, ...testEnv, ENV_PATH: path.join(__dirname, '..', '.env.test'), ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker did not start within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    child.on('message', (message: { type?: string; owner?: string; port?: number | null }) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      resolve({
        process: child,
        owner: message.owner ?? '',
        port: message.port ?? null,
        async stop() {
          child.send('stop');
          await exited;
        },
        async kill() {
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}
