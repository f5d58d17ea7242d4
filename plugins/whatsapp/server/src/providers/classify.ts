/**
 * Shared classification machinery; each provider's table is data in its folder
 * (meta/errors.ts, twilio/errors.ts).
 *
 * What a provider error means for the message: retry later (transient), slow down (rate-limited),
 * give up (permanent), stop messaging this person (opted-out), or use an approved template
 * (outside-window).
 *
 * Classified by the provider's CODE first, not the HTTP status: Meta answers 400 for rate limits
 * and for the 24-hour window alike. The status is only the fallback for codes not in the tables.
 *
 * Decisions worth knowing:
 * - Meta 131049 / Twilio 63049 ("not delivered to maintain healthy ecosystem engagement") is
 *   PERMANENT. It is Meta's per-user cap on marketing messages: retrying in minutes gets the same
 *   answer, and as a per-recipient limit it must not be `rate-limited` (that slows the whole queue
 *   down). It is not `opted-out` either: the person did not ask us to stop.
 * - Errors without an HTTP answer are transient only when they are network failures or timeouts;
 *   anything else (a bug, a malformed message) is permanent, because retrying will not fix it.
 */
import type { ErrorClass } from './types';
import { NETWORK_ERROR_CODES, ProviderError, toProviderError } from './errors';

export type ErrorKind = ErrorClass['kind'];

/** One row of a provider's error table: plain data, so the table reads as documentation. */
export interface CodeRule {
  /** What the dispatcher does: retry, slow down, give up, revoke consent, needs a template. */
  kind: ErrorKind;
  /** What the code means, short: for the message's failure column and the admin. */
  reason: string;
  /** What a person can do about it. */
  remedy: string;
  /** A permanent WhatsApp failure that SMS / email can fix (the number is not on WhatsApp). */
  fallback?: boolean;
}

export type CodeTable = Readonly<Record<string, CodeRule>>;
/** A provider's error table: its code (as text) → rule. */
export type ErrorTable = CodeTable;

export const lookupCode = (table: CodeTable, code: string | undefined): CodeRule | undefined =>
  code !== undefined && Object.prototype.hasOwnProperty.call(table, code) ? table[code] : undefined;

/** The ErrorClass of anything a provider threw, using `table` for the provider's codes. */
export function classifyWith(table: CodeTable, provider: string, thrown: unknown): ErrorClass {
  const error = toProviderError(provider, thrown);
  const known = lookupCode(table, error.code);
  if (known) return withRetryAfter(known.kind, error);
  return withRetryAfter(kindFromStatus(error), error);
}

/** A human reason for the failure: the table's text for known codes, else the error's message. */
export function describeWith(table: CodeTable, provider: string, thrown: unknown): string {
  const error = toProviderError(provider, thrown);
  return lookupCode(table, error.code)?.reason ?? error.message;
}

/** Whether the table lets another channel (SMS, email) carry a message that failed with `code`. */
export const canFallBackWith = (table: CodeTable, code: string | undefined): boolean => lookupCode(table, code)?.fallback === true;

function kindFromStatus(error: ProviderError): ErrorKind {
  if (error.timeout) return 'transient';
  const { status } = error;
  if (status === undefined) return error.code !== undefined && NETWORK_ERROR_CODES.has(error.code) ? 'transient' : 'permanent';
  if (status === 429) return 'rate-limited';
  if (status === 408 || status >= 500) return 'transient';
  return 'permanent';
}

function withRetryAfter(kind: ErrorKind, error: ProviderError): ErrorClass {
  if (kind !== 'rate-limited') return { kind };
  return error.retryAfterSeconds === undefined ? { kind } : { kind, retryAfterSeconds: error.retryAfterSeconds };
}
