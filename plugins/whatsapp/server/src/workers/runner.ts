/**
 * One small loop runner for every kind of background work (dispatcher, webhook applier, inbound
 * media downloads, retention; automations and campaign fan-out next).
 *
 * A job is a function that does one round of work and says how much it did. The runner calls it
 * again at once while it finds work, waits for `wake()` or its interval when it finds none, backs
 * off (doubling, capped) when a round throws, and on `stop()` lets the round in flight finish.
 * Several loops of one job may run side by side (`loops`), e.g. one batch being sent while the
 * next is claimed. Leases on rows belong to the job's own SQL (claims with `lease_until`); the
 * runner gives each instance one `owner` name to write there.
 */
import os from 'os';
import crypto from 'crypto';

/** Who holds a lease: this host and process, and a random part so a restarted pid differs. */
export const workerOwner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;

export interface JobOptions {
  name: string;
  /** One round of work; returns the number of items done (0: nothing to do now). */
  work: () => Promise<number>;
  /** When there was nothing to do, look again after this long (ms); 0: only when woken. */
  intervalMs?: number;
  /** Loops of this job running side by side in this process. */
  loops?: number;
  /** First wait after a failed round (ms); doubles on each failure in a row, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Optional: when the next piece of work is due (so an idle loop wakes exactly then). */
  nextDueAt?: () => Promise<Date | null>;
  log?: { error(message: string): void };
}

export interface JobStats {
  name: string;
  running: boolean;
  rounds: number;
  done: number;
  failed: number;
  lastError: string | null;
}

export interface Job {
  readonly name: string;
  start(): void;
  /** Runs a round now (or right after the current one). Never throws. */
  wake(): void;
  /** Stops looping; the round in flight finishes. */
  stop(): Promise<void>;
  /** Resolves when no round is running and none is asked for (tests, shutdown). */
  idle(): Promise<void>;
  stopped(): boolean;
  stats(): JobStats;
}

export function createJob(options: JobOptions): Job {
  const { name, work, intervalMs = 0, loops = 1, backoffMs = 1000, maxBackoffMs = 30_000, nextDueAt, log } = options;
  let running = false;
  let active: Promise<void> | null = null;
  let wakeAgain = false;
  let timer: NodeJS.Timeout | null = null;
  let failuresInRow = 0;
  const stats = { rounds: 0, done: 0, failed: 0, lastError: null as string | null };

  const arm = (delayMs: number) => {
    if (!running || delayMs <= 0) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      job.wake();
    }, delayMs);
    timer.unref?.();
  };

  /** One loop: rounds until one finds nothing to do (or the job stops). */
  const loop = async () => {
    while (running) {
      stats.rounds += 1;
      const n = await work();
      stats.done += n;
      failuresInRow = 0;
      if (n <= 0) return;
    }
  };

  const drain = async () => {
    do {
      wakeAgain = false;
      try {
        await Promise.all(Array.from({ length: loops }, loop));
      } catch (error) {
        stats.failed += 1;
        failuresInRow += 1;
        stats.lastError = (error as Error)?.message ?? String(error);
        log?.error(`[whatsapp] ${name}: ${(error as Error)?.stack ?? error}`);
        // Back off instead of spinning on a broken database or provider; a wake-up meanwhile
        // is remembered and runs after the wait.
        arm(Math.min(maxBackoffMs, backoffMs * 2 ** (failuresInRow - 1)));
        return;
      }
      if (running && !wakeAgain) {
        const next = nextDueAt ? await nextDueAt().catch(() => null) : null;
        const untilNext = next ? next.getTime() - Date.now() : Infinity;
        const delay = Math.min(intervalMs > 0 ? intervalMs : Infinity, Math.max(untilNext, 1));
        if (Number.isFinite(delay)) arm(delay);
      }
    } while (wakeAgain && running);
  };

  const job: Job = {
    name,
    start() {
      if (running) return;
      running = true;
      job.wake();
    },
    wake() {
      if (!running) return;
      if (active) {
        wakeAgain = true;
        return;
      }
      if (timer && failuresInRow > 0) return; // backing off: the timer will run it
      active = drain().finally(() => {
        active = null;
      });
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await job.idle();
    },
    async idle() {
      while (active) await active;
    },
    stopped: () => !running,
    stats: () => ({ name, running, ...stats }),
  };
  return job;
}
