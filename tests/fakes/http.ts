/**
 * Plumbing shared by the HTTP fakes (Twilio, Meta): a loopback server that can be closed
 * without leaving sockets or timers behind (so jest exits on its own), body reading, JSON
 * answers, and the queue of scripted answers (failNext / failNextRaw / delayNext / hangNext).
 *
 * Kept allocation-light on purpose: the fakes also serve the throughput benchmark
 * (~1000+ requests/s), so nothing here logs or walks the request history.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

/** A raw answer, for bodies the provider's API would never produce itself (e.g. a proxy's 503 HTML page). */
export interface RawAnswer {
  status: number;
  body: string | Buffer;
  /** Defaults to `text/plain; charset=utf-8`. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** One scripted answer; `F` is the fake's own failure description (Twilio's or Meta's error). */
export type ScriptedAnswer<F> =
  | { kind: 'fail'; failure: F }
  | { kind: 'raw'; raw: RawAnswer }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' };

/**
 * First-in first-out queue of scripted answers, each for `times` consecutive requests.
 * A counter per entry (rather than `times` copies) keeps `failNext({ times: 10000 })` cheap.
 */
export class AnswerScript<F> {
  private readonly queue: { answer: ScriptedAnswer<F>; remaining: number }[] = [];

  add(answer: ScriptedAnswer<F>, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
    this.queue.push({ answer, remaining: times });
  }

  /** The answer for the request being handled, or undefined for the default behaviour. */
  take(): ScriptedAnswer<F> | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) this.queue.shift();
    return head.answer;
  }

  /** How many requests are still to be answered by the script. */
  get pending(): number {
    return this.queue.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The four scripting methods both fakes expose, written once. */
  controls() {
    return {
      failNext: ({ times, ...failure }: F & { times?: number }) => this.add({ kind: 'fail', failure: failure as unknown as F }, times),
      failNextRaw: ({ times, ...raw }: RawAnswer & { times?: number }) => this.add({ kind: 'raw', raw }, times),
      delayNext: (ms: number, times?: number) => this.add({ kind: 'delay', ms }, times),
      hangNext: (times?: number) => this.add({ kind: 'hang' }, times),
      /** Drops what is still scripted (an outage ends), keeping what was recorded. */
      clearScript: () => this.clear(),
    };
  }
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** True once close() was called: handlers stop writing. */
  readonly closed: boolean;
  /** Resolves after `ms`, or as soon as the server closes (so no timer outlives the fake). */
  sleep(ms: number): Promise<void>;
  /** Stops listening, destroys every socket (idle keep-alive and hung requests alike), cancels timers. */
  close(): Promise<void>;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Listens on 127.0.0.1, on a free port chosen by the OS. */
export async function startLoopbackServer(handler: RequestHandler): Promise<LoopbackServer> {
  const timers = new Map<NodeJS.Timeout, () => void>();
  let closed = false;

  const server = http.createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      // A bug in the fake must show up in the test as a 500 with the reason, not hang it.
      const message = error instanceof Error ? error.stack ?? error.message : String(error);
      if (!res.headersSent && !res.destroyed) send(res, 500, message, { 'content-type': 'text/plain; charset=utf-8' });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get closed() {
      return closed;
    },
    sleep(ms: number) {
      if (closed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.set(timer, resolve);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve();
      }
      timers.clear();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // close() alone waits for keep-alive and hung connections: end them now.
      server.closeAllConnections();
      await stopped;
    },
  };
}

export class BodyTooLargeError extends Error {}

/** Reads the whole request body; refuses more than `limit` bytes (nothing legitimate comes close). */
export function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`request body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes a complete answer, unless the client already went away (e.g. it timed out during a delay). */
export function send(res: ServerResponse, status: number, body: string | Buffer, headers: OutgoingHttpHeaders): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  contentType: string,
  headers: OutgoingHttpHeaders = {},
): void {
  send(res, status, JSON.stringify(value), { 'content-type': contentType, ...headers });
}

export function sendRaw(res: ServerResponse, raw: RawAnswer): void {
  send(res, raw.status, raw.body, {
    'content-type': raw.contentType ?? 'text/plain; charset=utf-8',
    ...raw.headers,
  });
}

/** `Retry-After` header (seconds), when asked for. */
export function retryAfterHeader(retryAfter: number | undefined): Record<string, string> {
  return retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
}

/**
 * Plays the scripted answer, if any. Returns `true` when the request has been dealt with
 * (answered, or deliberately left hanging); `false` when normal handling should go on,
 * which is the case after a `delay`.
 */
export async function playScripted<F>(
  answer: ScriptedAnswer<F> | undefined,
  res: ServerResponse,
  server: LoopbackServer,
  answerFailure: (failure: F) => void,
): Promise<boolean> {
  if (!answer) return false;
  switch (answer.kind) {
    case 'fail':
      answerFailure(answer.failure);
      return true;
    case 'raw':
      sendRaw(res, answer.raw);
      return true;
    case 'hang':
      // Never answer: the socket stays open until the client gives up or close() destroys it.
      return true;
    case 'delay':
      await server.sleep(answer.ms);
      return server.closed || res.destroyed;
  }
}

/**
 * Lets a test wait until an array (requests, sent messages, mails) holds `count` items,
 * without polling: the fake calls `notify()` after each push.
 */
export class CountWaiters<T> {
  private waiters: { count: number; resolve: (items: T[]) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }[] = [];

  constructor(
    private readonly items: T[],
    private readonly what: string,
  ) {}

  wait(count: number, timeoutMs: number): Promise<T[]> {
    if (this.items.length >= count) return Promise.resolve(this.items);
    return new Promise<T[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter.timer !== timer);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} ${this.what} (got ${this.items.length})`));
      }, timeoutMs);
      this.waiters.push({ count, resolve, reject, timer });
    });
  }

  notify(): void {
    if (this.waiters.length === 0) return;
    const length = this.items.length;
    this.waiters = this.waiters.filter((waiter) => {
      if (length < waiter.count) return true;
      clearTimeout(waiter.timer);
      waiter.resolve(this.items);
      return false;
    });
  }

  /** Fails every pending wait (the fake is closing). */
  cancel(reason: string): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(reason));
    }
    this.waiters = [];
  }
}
