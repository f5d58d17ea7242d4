/** A server-sent events client for tests: connects over real HTTP and collects what arrives. */
import http from 'http';
import type { AddressInfo } from 'net';
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
  /** Resolves with the first event (already received or to come) of this type that matches. */
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
      let buffer = '';
      let resolveEnded: () => void = () => undefined;
      const ended = new Promise<void>((r) => (resolveEnded = r));
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          let event = 'message';
          let id: string | undefined;
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('id:')) id = line.slice(3).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trim());
          }
          if (data.length) events.push({ event, id, data: JSON.parse(data.join('\n')) });
        }
        waiters.splice(0).forEach((wake) => wake());
      });
      response.on('end', () => resolveEnded());
      response.on('close', () => resolveEnded());

      const next = (event: string, match: (data: any) => boolean = () => true, timeoutMs = 2000) =>
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
