/**
 * twilio-node's HTTP client, adjusted for us:
 * - keep-alive sockets and our timeout;
 * - requests to api.twilio.com can be sent to another base URL (a local fake in tests,
 *   a proxy in production);
 * - error answers become ProviderErrors HERE, where the headers are still known (twilio-node's
 *   RestException drops them, and with them Retry-After); network errors and timeouts too.
 */
import http from 'node:http';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import { timeoutError, toProviderError } from '../errors';
import { parseTwilioError } from './errors';

export const TWILIO_API_BASE_URL = 'https://api.twilio.com'; // default only: TWILIO_API_BASE_URL configures it

export interface RebasingRequestClientOptions {
  /** Where to send what twilio-node addresses to api.twilio.com (no trailing slash needed). */
  apiBaseUrl: string;
  timeoutMs: number;
  /** Name put on errors: `twilio` or `twilio-sms`. */
  provider: string;
}

export class RebasingRequestClient extends twilio.RequestClient {
  private readonly apiBaseUrl: string;
  private readonly timeoutMs: number;
  private readonly provider: string;

  constructor(options: RebasingRequestClientOptions) {
    // autoRetry off: the dispatcher owns retries (and their backoff) for every provider.
    super({ keepAlive: true, timeout: options.timeoutMs, autoRetry: false, maxSockets: 64, maxFreeSockets: 16 });
    this.apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.provider = options.provider;
    // twilio-node only configures an https agent; a plain-http base (tests, local proxy) needs one too.
    this.axios.defaults.httpAgent = new http.Agent({ keepAlive: true, timeout: options.timeoutMs, maxSockets: 64 });
  }

  async request<TData>(options: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const rebased = { ...options, uri: this.rebase(options.uri) };
    let response: Response<TData>;
    try {
      response = await super.request(rebased);
    } catch (error) {
      const converted = toProviderError(this.provider, error);
      throw converted.timeout ? timeoutError(this.provider, this.timeoutMs, error) : converted;
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw parseTwilioError(response.statusCode, response.headers, bodyText(response.body), this.provider);
    }
    return response;
  }

  /** `api.twilio.com/2010-04-01/…` (or a regional `api.<edge>.<region>.twilio.com`) → our base. */
  rebase(uri: string): string {
    if (this.apiBaseUrl === TWILIO_API_BASE_URL) return uri;
    const url = new URL(uri);
    if (!/^api(\.[a-z0-9-]+)*\.twilio\.com$/.test(url.hostname)) return uri;
    return `${this.apiBaseUrl}${url.pathname}${url.search}`;
  }
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body === undefined || body === null) return '';
  return Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body);
}
