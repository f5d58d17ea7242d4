/**
 * Shared classification machinery; each provider's table is data in its folder
 * (meta/error-codes.ts, twilio/error-codes.ts, re-exported by meta/errors.ts and twilio/errors.ts).
 *
 * What a provider error means for the message: retry later (transient), slow down (rate-limited),
 * give up (permanent), stop messaging this person (opted-out), or use an approved template
 * (outside-window).
 *
 * Classified by the provider's CODE first, not the HTTP status: Meta answers 400 for rate limits
 * and for the 24-hour window alike, Twilio 400 for its 63017 rate limit. The status is only the
 * fallback for codes not in the tables.
 *
 * Decisions worth knowing:
 * - Meta 131049 / Twilio 63049 ("not delivered to maintain healthy ecosystem engagement") is
 *   PERMANENT. It is Meta's per-user cap on marketing messages: retrying in minutes gets the same
 *   answer, and as a per-recipient limit it must not be `rate-limited` (that slows the whole queue
 *   down). It is not `opted-out` either: the person did not ask us to stop.
 * - A row may carry a minimum wait (`waitSeconds`): codes that mean "wait a day" (Meta 131048,
 *   Twilio 63018 and 63038, …). classifyWith then answers `retryAfterSeconds` = the larger of the
 *   provider's Retry-After and that wait, whatever the kind, so such a message is never retried
 *   within minutes. Short limits (Meta 130429 throughput, 131056 pair rate) carry no wait: the
 *   dispatcher's own backoff is already longer than they last.
 * - Errors without an HTTP answer are transient only when they are network failures or timeouts;
 *   anything else (a bug, a malformed message) is permanent, because retrying will not fix it.
 */
import type { ErrorClass } from './types';
import { NETWORK_ERROR_CODES, ProviderError, toProviderError } from './errors';

export type ErrorKind = ErrorClass['kind'];

/** Every class, for checks over the tables. */
export const ERROR_KINDS: readonly ErrorKind[] = Object.freeze(['transient', 'rate-limited', 'permanent', 'opted-out', 'outside-window']);

/** The languages a row explains itself in. */
export type Language = 'en' | 'es';
export const LANGUAGES: readonly Language[] = Object.freeze(['en', 'es']);

/** A row's words for shop staff in one language: what happened, and what to do about it. */
export interface RuleText {
  reason: string;
  remedy: string;
}

/** One row of a provider's error table: plain data, so the table reads as documentation. */
export interface CodeRule {
  /** What the dispatcher does: retry, slow down, give up, revoke consent, needs a template. */
  kind: ErrorKind;
  /** What the code means, in plain English: for the message's failure column and the admin. */
  reason: string;
  /** What a person can do about it, in plain English. */
  remedy: string;
  /** The same two texts in Spanish. */
  es: RuleText;
  /** A permanent WhatsApp failure that SMS / email can fix (the number is not on WhatsApp). */
  fallback?: boolean;
  /** The least time before trying again (seconds), for codes that mean "wait": never retried sooner. */
  waitSeconds?: number;
}

export type CodeTable = Readonly<Record<string, CodeRule>>;
/** A provider's error table: its code (as text) → rule. */
export type ErrorTable = CodeTable;

/**
 * What classifyWith answers: the class, plus `retryAfterSeconds` for rate limits with a
 * Retry-After and for any row with a minimum wait (whatever its kind). Assignable to ErrorClass.
 */
export type Classification = ErrorClass & { retryAfterSeconds?: number };

export const lookupCode = (table: CodeTable, code: string | number | undefined): CodeRule | undefined => {
  if (code === undefined) return undefined;
  const key = String(code).trim();
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
};

/** The ErrorClass of anything a provider threw, using `table` for the provider's codes. */
export function classifyWith(table: CodeTable, provider: string, thrown: unknown): Classification {
  const error = toProviderError(provider, thrown);
  const known = lookupCode(table, error.code);
  return withWait(known?.kind ?? kindFromStatus(error), error.retryAfterSeconds, known?.waitSeconds);
}

/** A human reason for the failure: the table's text for known codes, else the error's message. */
export function describeWith(table: CodeTable, provider: string, thrown: unknown, language: Language = 'en'): string {
  const error = toProviderError(provider, thrown);
  const known = lookupCode(table, error.code);
  if (!known) return error.message;
  return textOf(known, language).reason;
}

/** Whether the table lets another channel (SMS, email) carry a message that failed with `code`. */
export const canFallBackWith = (table: CodeTable, code: string | number | undefined): boolean => lookupCode(table, code)?.fallback === true;

/** A code explained to shop staff: its class, whether another channel may carry it, and the row's words. */
export interface ErrorExplanation {
  code: string;
  kind: ErrorKind;
  fallback: boolean;
  reason: string;
  remedy: string;
  /** Present when the code means "wait at least this long" (seconds). */
  waitSeconds?: number;
}

/** The row for `code` in `language`, or undefined for a code the table does not know. */
export function explainWith(table: CodeTable, code: string | number | undefined, language: Language): ErrorExplanation | undefined {
  const rule = lookupCode(table, code);
  if (!rule) return undefined;
  const { reason, remedy } = textOf(rule, language);
  const explanation: ErrorExplanation = { code: String(code).trim(), kind: rule.kind, fallback: rule.fallback === true, reason, remedy };
  if (rule.waitSeconds !== undefined) explanation.waitSeconds = rule.waitSeconds;
  return explanation;
}

const textOf = (rule: CodeRule, language: Language): RuleText => (language === 'es' ? rule.es : { reason: rule.reason, remedy: rule.remedy });

function kindFromStatus(error: ProviderError): ErrorKind {
  if (error.timeout) return 'transient';
  const { status } = error;
  if (status === undefined) return error.code !== undefined && NETWORK_ERROR_CODES.has(error.code) ? 'transient' : 'permanent';
  if (status === 429) return 'rate-limited';
  if (status === 408 || status >= 500) return 'transient';
  return 'permanent';
}

function withWait(kind: ErrorKind, retryAfterSeconds: number | undefined, waitSeconds: number | undefined): Classification {
  if (waitSeconds !== undefined) return { kind, retryAfterSeconds: Math.max(retryAfterSeconds ?? 0, waitSeconds) };
  if (kind !== 'rate-limited' || retryAfterSeconds === undefined) return { kind };
  return { kind, retryAfterSeconds };
}
