/**
 * Twilio's errors: the parser of Twilio's error body, and classify / describe / fallback over the
 * table of Twilio codes (class, meaning and remedy in English and Spanish, whether another channel
 * may carry the message, minimum wait), which is data in error-codes.ts.
 * https://www.twilio.com/docs/api/errors
 */
import { ProviderError, codeOf, fallbackError, headerValue, parseJsonObject, parseRetryAfter, text, type HeaderSource } from '../errors';
import { canFallBackWith, classifyWith, describeWith, type Classification, type Language } from '../classify';
import { TWILIO_ERRORS } from './error-codes';

/** The table lives in error-codes.ts (data, with its sources); re-exported so imports keep working. */
export { TWILIO_ERRORS };

/** `{"code":21211,"message":"…","more_info":"…","status":400}` */
export function parseTwilioError(
  status: number,
  headers: HeaderSource | undefined,
  bodyText: string,
  provider = 'twilio',
): ProviderError {
  const base = { provider, status, retryAfterSeconds: parseRetryAfter(headerValue(headers, 'retry-after')) };
  const body = parseJsonObject(bodyText);
  const message = body ? text(body.message) : undefined;
  const code = body ? codeOf(body.code) : undefined;
  if (!body || (message === undefined && code === undefined)) return fallbackError(base, bodyText);
  const details: Record<string, unknown> = {};
  if (body.more_info !== undefined) details.moreInfo = body.more_info;
  if (body.details !== undefined) details.details = body.details;
  return new ProviderError(message ?? `[HTTP ${status}] Twilio error ${code}`, {
    ...base,
    code,
    details: Object.keys(details).length > 0 ? details : undefined,
  });
}

export const classifyTwilioError = (error: unknown): Classification => classifyWith(TWILIO_ERRORS, 'twilio', error);
export const describeTwilioError = (error: unknown, language: Language = 'en'): string => describeWith(TWILIO_ERRORS, 'twilio', error, language);
/** Permanent Twilio failures another channel can fix (not on WhatsApp, undeliverable there). */
export const twilioCanFallBack = (code: string | undefined): boolean => canFallBackWith(TWILIO_ERRORS, code);
