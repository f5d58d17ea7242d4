/**
 * Meta's errors: the parser of Meta's error body, and classify / describe / fallback over the
 * table of Cloud API codes (class, meaning and remedy in English and Spanish, whether another
 * channel may carry the message, minimum wait), which is data in error-codes.ts.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 */
import { ProviderError, codeOf, fallbackError, headerValue, isRecord, parseJsonObject, parseRetryAfter, text, type HeaderSource } from '../errors';
import { canFallBackWith, classifyWith, describeWith, type Classification, type Language } from '../classify';
import { META_ERRORS } from './error-codes';

/** The table lives in error-codes.ts (data, with its sources); re-exported so imports keep working. */
export { META_ERRORS };

/** `{"error":{"message":"(#131047) Re-engagement message","code":131047,"error_data":{"details":"…"},…}}` */
export function parseMetaError(
  status: number,
  headers: HeaderSource | undefined,
  bodyText: string,
  provider = 'meta',
): ProviderError {
  const base = { provider, status, retryAfterSeconds: parseRetryAfter(headerValue(headers, 'retry-after')) };
  const error = parseJsonObject(bodyText)?.error;
  if (!isRecord(error)) return fallbackError(base, bodyText);
  const message = text(error.message);
  const code = codeOf(error.code);
  if (message === undefined && code === undefined) return fallbackError(base, bodyText);
  // `error_data.details` is where Meta says what actually went wrong; the message is often generic.
  const extra = isRecord(error.error_data) ? text(error.error_data.details) : undefined;
  const head = message ?? `[HTTP ${status}] Meta error ${code}`;
  return new ProviderError(extra && extra !== message ? `${head}: ${extra}` : head, { ...base, code, details: error });
}

export const classifyMetaError = (error: unknown): Classification => classifyWith(META_ERRORS, 'meta', error);
export const describeMetaError = (error: unknown, language: Language = 'en'): string => describeWith(META_ERRORS, 'meta', error, language);
/** Permanent Meta failures another channel can fix (the number is not on WhatsApp). */
export const metaCanFallBack = (code: string | undefined): boolean => canFallBackWith(META_ERRORS, code);
