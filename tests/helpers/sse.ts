/**
 * A server-sent events client for tests: connects over real HTTP and collects what arrives. The
 * frames are read by eventsource-parser (the WHATWG rules), not by hand.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import { createParser } from 'eventsource-parser';
import type { TestApp } from './strapi';

export interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

export interface EventStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: SseEvent[];
  comments: string[];
  /**
   * Resolves with the first event (already received or to come) of this type that matches. The
   * timeout is only how long to wait before failing: generous, so a busy machine does not fail a
   * test whose event does arrive.
   */
  next(event: string, match?: (data: any) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens the stream on a test app, or on another instance's loopback port. */
export async function openEventStream(target: TestApp | number, path: string, authorization?: string): Promise<EventStream> {
  let port: number;
  if (typeof target === 'number') port = target;
  else {
    const server = target.strapi.server.httpServer;
    // supertest reuses a listening server instead of opening its own.
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  }

  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers: { Accept: 'text/event-stream', ...(authorization ? { Authorization: authorization } : {}) } }, (response) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const waiters: Array<() => void> = [];
      let resolveEnded: () => void = () => undefined;
      const ended = new Promise<void>((r) => (resolveEnded = r));
      const parser = createParser({
        onEvent: (message) => events.push({ event: message.event ?? 'message', id: message.id, data: JSON.parse(message.data) }),
        onComment: (comment) => comments.push(comment.trim()),
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        parser.feed(chunk);
        waiters.splice(0).forEach((wake) => wake());
      });
      response.on('end', () => resolveEnded());
      response.on('close', () => resolveEnded());

      const next = (event: string, match: (data: any) => boolean = () => true, timeoutMs = 10_000) =>
        new Promise<SseEvent>((res, rej) => {
          const timer = setTimeout(() => rej(new Error(`no "${event}" event within ${timeoutMs} ms (got ${events.map((e) => e.event).join(', ') || 'none'})`)), timeoutMs);
          const check = () => {
            const found = events.find((e) => e.event === event && match(e.data));
            if (found) {
              clearTimeout(timer);
              res(found);
            } else waiters.push(check);
          };
          check();
        });

      resolve({ status: response.statusCode ?? 0, headers: response.headers, events, comments, next, ended, close: () => request.destroy() });
    });
    request.on('error', reject);
  });
}
