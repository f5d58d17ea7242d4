/**
 * A throwaway HTTP server on 127.0.0.1 for provider tests: records every request (method, path,
 * headers, raw body) and lets each test decide the answer, including never answering.
 * Test-only: nothing in the plugin imports it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v21.0/123/messages`. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Responder = (request: RecordedRequest, response: http.ServerResponse) => void;

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  /** Number of TCP connections accepted (keep-alive reuse shows as few connections). */
  connections(): number;
  /** Replaces the answer for the next requests. */
  respondWith(responder: Responder): void;
  close(): Promise<void>;
}

export async function startLocalServer(initial: Responder): Promise<LocalServer> {
  let responder = initial;
  let connections = 0;
  const requests: RecordedRequest[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      responder(recorded, response);
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('Local server has no TCP port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    connections: () => connections,
    respondWith(next) {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers JSON with a status and optional extra headers. */
export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Responder =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };

/** Answers raw text (HTML error pages from proxies, empty bodies). */
export const text =
  (status: number, body: string, headers: Record<string, string> = {}): Responder =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'text/html', ...headers });
    response.end(body);
  };

/** Never answers: for timeouts. */
export const hang: Responder = () => undefined;
