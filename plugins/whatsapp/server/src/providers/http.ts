/**
 * A minimal JSON-over-HTTP(S) POST and GET for providers without an SDK, on Node's own http/https with
 * keep-alive agents: on loopback it sustains thousands of requests per second on two cores,
 * with no dependency. Each request has a hard deadline (not just a socket idle timeout), so a
 * provider that accepts the connection and never answers cannot hold a send forever.
 */
import http from 'node:http';
import https from 'node:https';
import { timeoutError, toProviderError } from './errors';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface JsonHttpClient {
  postJson(url: string, body: unknown, headers?: Readonly<Record<string, string>>): Promise<HttpResponse>;
  /** A GET answered with JSON (a provider's listing: templates, approvals). */
  getJson(url: string, headers?: Readonly<Record<string, string>>): Promise<HttpResponse>;
  /** Closes idle keep-alive sockets (tests, shutdown). */
  close(): void;
}

export interface JsonHttpClientOptions {
  /** Name put on errors (`meta`). */
  provider: string;
  timeoutMs: number;
  /** Concurrent sockets per host. */
  maxSockets?: number;
}

/** Error bodies are short; a huge answer is a misbehaving proxy and only its start is useful. */
const MAX_BODY_BYTES = 1024 * 1024;

export function createJsonHttpClient(options: JsonHttpClientOptions): JsonHttpClient {
  const { provider, timeoutMs } = options;
  const maxSockets = options.maxSockets ?? 128;
  // LIFO reuse keeps a few sockets hot instead of cycling through all of them.
  const agentOptions: http.AgentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  function postJson(url: string, body: unknown, headers: Readonly<Record<string, string>> = {}): Promise<HttpResponse> {
    const payload = Buffer.from(JSON.stringify(body));
    return send('POST', url, payload, { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers });
  }

  function getJson(url: string, headers: Readonly<Record<string, string>> = {}): Promise<HttpResponse> {
    return send('GET', url, undefined, headers);
  }

  function send(method: 'GET' | 'POST', url: string, payload: Buffer | undefined, headers: Readonly<Record<string, string>>): Promise<HttpResponse> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let timedOut = false;
      const finish = (error: unknown, response?: HttpResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (response) resolve(response);
        else reject(timedOut ? timeoutError(provider, timeoutMs, error) : toProviderError(provider, error));
      };
      const request = (secure ? https : http).request(
        target,
        {
          method,
          agent: secure ? httpsAgent : httpAgent,
          headers: { accept: 'application/json', ...headers },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_BODY_BYTES) chunks.push(chunk);
          });
          response.on('end', () =>
            finish(undefined, {
              status: response.statusCode ?? 0,
              headers: response.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          response.on('error', (error) => finish(error));
          response.on('close', () => {
            if (!response.complete) finish(Object.assign(new Error('Connection closed mid-response'), { code: 'ECONNRESET' }));
          });
        },
      );
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy(new Error(`Timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      request.on('error', (error) => finish(error));
      request.end(payload);
    });
  }

  return {
    postJson,
    getJson,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
