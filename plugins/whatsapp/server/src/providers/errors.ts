/**
 * One error type for every provider failure, after twilio-node's RestException (status, code,
 * more info), plus what the dispatcher needs to decide a retry: Retry-After and whether the
 * request timed out. The parsers are tolerant on purpose: providers and the proxies in front of
 * them answer with HTML pages, empty bodies and truncated JSON, and a parser that throws would
 * hide the real failure.
 */
import { STATUS_CODES } from 'node:http';
import { redactSecrets, redactValue } from '../observability/redact';

export interface ProviderErrorOptions {
  provider: string;
  /** HTTP status, when the provider answered. */
  status?: number;
  /** The provider's own error code as text (`21211`, `131047`), or a network code (`ECONNRESET`). */
  code?: string;
  retryAfterSeconds?: number;
  /** The provider's error object (or body snippet), for the attempt log. */
  details?: unknown;
  /** True when we gave up waiting for the answer. */
  timeout?: boolean;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly provider: string;
  readonly status?: number;
  readonly code?: string;
  readonly retryAfterSeconds?: number;
  readonly details?: unknown;
  readonly timeout?: boolean;
  /** The original error (set by hand: the plugin's TypeScript lib predates `new Error(msg, { cause })`). */
  cause?: unknown;

  constructor(message: string, options: ProviderErrorOptions) {
    // The provider's words may quote the credentials it was sent: never kept (observability/redact.ts).
    super(redactSecrets(message));
    this.name = 'ProviderError';
    if (options.cause !== undefined) this.cause = options.cause;
    this.provider = options.provider;
    if (options.status !== undefined) this.status = options.status;
    if (options.code !== undefined) this.code = options.code;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    if (options.details !== undefined) this.details = redactValue(options.details);
    if (options.timeout) this.timeout = true;
  }
}

/** Fetch `Headers`, Node's `IncomingHttpHeaders` or axios headers. */
export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, unknown>>;

/** Case-insensitive header lookup; the first value of a repeated header. */
export function headerValue(headers: HeaderSource | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const getter: unknown = Reflect.get(headers, 'get');
  if (typeof getter === 'function' && !Object.prototype.hasOwnProperty.call(headers, 'get')) {
    const value: unknown = Reflect.apply(getter, headers, [name]);
    return typeof value === 'string' ? value : undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') return first;
    if (typeof first === 'number') return String(first);
  }
  return undefined;
}

/** `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2025 07:28:00 GMT` → whole seconds from now (≥ 0). */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.ceil(Number(text));
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** Network failures (no HTTP answer) by code. All are worth a retry. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED', // axios' code for its own timeout
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export function timeoutError(provider: string, timeoutMs: number, cause?: unknown): ProviderError {
  return new ProviderError(`${provider} did not answer within ${timeoutMs} ms`, {
    provider,
    code: 'ETIMEDOUT',
    timeout: true,
    cause,
  });
}

/**
 * Whatever was thrown → ProviderError: a ProviderError as is; a twilio-node RestException
 * (`status` + `code`); a network error (code on the error or its `cause`); anything else keeps
 * its message and gets no status (classified permanent: retrying a bug does not fix it).
 */
export function toProviderError(provider: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isRecord(error) && typeof error.status === 'number' && (typeof error.code === 'number' || typeof error.code === 'string')) {
    return new ProviderError(message, {
      provider,
      status: error.status,
      code: String(error.code),
      details: error.moreInfo === undefined ? undefined : { moreInfo: error.moreInfo },
      cause: error,
    });
  }
  const code = networkCode(error);
  const named = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  if (code !== undefined || named) {
    const timeout = named || (code !== undefined && TIMEOUT_CODES.has(code));
    return new ProviderError(`${provider} request failed: ${message}`, {
      provider,
      code: code ?? 'ETIMEDOUT',
      timeout,
      cause: error,
    });
  }
  return new ProviderError(message, { provider, cause: error });
}

/** The network error code on the error or down its `cause` chain (fetch/axios wrap them). */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && isRecord(current); depth += 1) {
    if (typeof current.code === 'string' && NETWORK_ERROR_CODES.has(current.code)) return current.code;
    current = current.cause;
  }
  return undefined;
}

export function fallbackError(base: { provider: string; status: number; retryAfterSeconds?: number }, bodyText: string): ProviderError {
  const snippet = String(bodyText ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
  const message = `[HTTP ${base.status}] ${snippet || STATUS_CODES[base.status] || 'Unknown error'}`;
  return new ProviderError(message, { ...base, details: snippet || undefined });
}

export function parseJsonObject(bodyText: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export const codeOf = (value: unknown): string | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' && value !== '' ? value : undefined;
