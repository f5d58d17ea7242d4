/**
 * Meta's errors: the table of Cloud API codes (class, meaning, remedy, and whether another
 * channel may carry the message), and the parser of Meta's error body.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 */
import { ProviderError, codeOf, fallbackError, headerValue, isRecord, parseJsonObject, parseRetryAfter, text, type HeaderSource } from '../errors';
import { canFallBackWith, classifyWith, describeWith, type ErrorTable } from '../classify';
import type { ErrorClass } from '../types';

/** Code → what it means for the message. `fallback`: SMS / email may carry it instead. */
export const META_ERRORS: ErrorTable = Object.freeze({
  0: { kind: 'permanent', reason: 'Meta authentication failed', remedy: 'Renew META_ACCESS_TOKEN' },
  1: { kind: 'transient', reason: 'Meta API unknown error', remedy: 'Nothing: retried automatically' },
  2: { kind: 'transient', reason: 'Meta API service temporarily unavailable', remedy: 'Nothing: retried automatically' },
  3: { kind: 'permanent', reason: 'The app lacks the capability for this call', remedy: "Check the app's WhatsApp permissions" },
  4: { kind: 'rate-limited', reason: 'Meta app rate limit reached', remedy: 'Nothing: the dispatcher slows down and retries' },
  10: { kind: 'permanent', reason: 'Permission denied', remedy: 'Grant the app whatsapp_business_messaging' },
  100: { kind: 'permanent', reason: 'Invalid parameter', remedy: 'Check the request fields (template name, numbers)' },
  190: { kind: 'permanent', reason: 'Meta access token expired or invalid', remedy: 'Renew META_ACCESS_TOKEN' },
  200: { kind: 'permanent', reason: 'Missing API permission', remedy: 'Grant the app whatsapp_business_messaging' },
  368: { kind: 'permanent', reason: 'Temporarily blocked for policy violations', remedy: 'Review the account quality in WhatsApp Manager' },
  80007: { kind: 'rate-limited', reason: 'WhatsApp Business Account rate limit reached', remedy: 'Nothing: the dispatcher slows down and retries' },
  130429: { kind: 'rate-limited', reason: 'Cloud API throughput limit reached', remedy: 'Nothing: the dispatcher slows down and retries' },
  130472: { kind: 'permanent', reason: "The user's number is part of a Meta experiment", remedy: 'Nothing: try again another day or use another channel' },
  130497: { kind: 'permanent', reason: 'The business cannot message users in this country', remedy: 'Messaging this country is not allowed for this business' },
  131000: { kind: 'transient', reason: 'Meta: something went wrong', remedy: 'Nothing: retried automatically' },
  131005: { kind: 'permanent', reason: 'Access denied', remedy: "Check META_ACCESS_TOKEN's permissions" },
  131008: { kind: 'permanent', reason: 'A required parameter is missing', remedy: "Check the template's parameters and the message fields" },
  131009: { kind: 'permanent', reason: 'A parameter value is not valid', remedy: "Check the template's parameters and the message fields" },
  131016: { kind: 'transient', reason: 'WhatsApp service temporarily unavailable', remedy: 'Nothing: retried automatically' },
  131021: { kind: 'permanent', reason: 'The recipient cannot be the sender', remedy: 'Send to another number' },
  131026: { kind: 'permanent', reason: 'Message undeliverable (the number may not be on WhatsApp)', remedy: 'The number may not use WhatsApp: the fallback channel is used when the template has one', fallback: true },
  131031: { kind: 'permanent', reason: 'The WhatsApp Business account is locked', remedy: 'Contact Meta support about the locked account' },
  131037: { kind: 'permanent', reason: 'The sender display name needs approval', remedy: 'Get the display name approved in WhatsApp Manager' },
  131042: { kind: 'permanent', reason: 'Business payment issue', remedy: 'Fix the payment method in WhatsApp Manager' },
  131045: { kind: 'permanent', reason: 'The sender number is not registered correctly (certificate)', remedy: 'Register the phone number again' },
  131047: { kind: 'outside-window', reason: 'More than 24 hours since the customer last wrote: use an approved template', remedy: 'Send an approved template instead of free text' },
  131048: { kind: 'rate-limited', reason: 'Spam rate limit reached', remedy: 'Send fewer messages; check the quality rating' },
  131049: { kind: 'permanent', reason: 'Meta did not deliver this message to keep ecosystem engagement healthy (per-user marketing limit)', remedy: 'Send fewer marketing messages to this person' },
  131050: { kind: 'opted-out', reason: 'The user stopped marketing messages from this business', remedy: 'None: the person stopped marketing messages; consent is revoked' },
  131051: { kind: 'permanent', reason: 'Unsupported message type', remedy: 'Send text, a template or a supported media type' },
  131052: { kind: 'permanent', reason: 'Media download error', remedy: 'Ask the customer to send the file again' },
  131053: { kind: 'permanent', reason: 'Media upload error (URL unreachable or unsupported type)', remedy: 'Check PUBLIC_URL is reachable by Meta and the file type is supported' },
  131056: { kind: 'rate-limited', reason: 'Too many messages to this user in a short time (pair rate limit)', remedy: 'Nothing: retried after a pause' },
  131057: { kind: 'transient', reason: 'The WhatsApp Business account is in maintenance mode', remedy: 'Nothing: retried automatically' },
  132000: { kind: 'permanent', reason: 'Wrong number of template parameters', remedy: 'Give the template as many parameters as the approved one has (metaParameters)' },
  132001: { kind: 'permanent', reason: 'The template does not exist in this language or is not approved', remedy: 'Check metaName and metaLanguage against WhatsApp Manager' },
  132005: { kind: 'permanent', reason: 'The template text is too long once filled in', remedy: 'Shorten the parameter values' },
  132007: { kind: 'permanent', reason: 'Template content violates a WhatsApp policy', remedy: 'Edit the template in WhatsApp Manager' },
  132012: { kind: 'permanent', reason: 'Template parameter format mismatch', remedy: 'Match positional/named parameters (metaParameterFormat) with the approved template' },
  132015: { kind: 'permanent', reason: 'The template is paused for low quality', remedy: 'Improve or replace the paused template' },
  132016: { kind: 'permanent', reason: 'The template is disabled', remedy: 'Replace the disabled template' },
  132018: { kind: 'permanent', reason: 'Template parameter has newlines, tabs or too many spaces', remedy: 'Nothing for new messages: parameters are cleaned before sending' },
  133000: { kind: 'permanent', reason: 'Incomplete deregistration of the phone number', remedy: 'Finish deregistering the number, then register it again' },
  133004: { kind: 'transient', reason: 'WhatsApp server temporarily unavailable', remedy: 'Nothing: retried automatically' },
  133010: { kind: 'permanent', reason: 'The phone number is not registered on WhatsApp Business', remedy: 'Register the phone number in WhatsApp Manager' },
  135000: { kind: 'permanent', reason: 'Generic user error', remedy: 'Check the request; contact Meta support if it persists' },
});

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

export const classifyMetaError = (error: unknown): ErrorClass => classifyWith(META_ERRORS, 'meta', error);
export const describeMetaError = (error: unknown): string => describeWith(META_ERRORS, 'meta', error);
/** Permanent Meta failures another channel can fix (the number is not on WhatsApp). */
export const metaCanFallBack = (code: string | undefined): boolean => canFallBackWith(META_ERRORS, code);
