/**
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

export interface CodeRule {
  kind: ErrorKind;
  /** Short human reason, for the message's failure column and the admin. */
  reason: string;
}

export type CodeTable = Readonly<Record<string, CodeRule>>;

const rule = (kind: ErrorKind, reason: string): CodeRule => ({ kind, reason });

/** https://www.twilio.com/docs/api/errors */
export const TWILIO_ERRORS: CodeTable = Object.freeze({
  20003: rule('permanent', 'Twilio authentication failed (check the Account SID and auth token)'),
  20404: rule('permanent', 'Twilio resource not found'),
  20429: rule('rate-limited', 'Too many requests to Twilio'),
  20500: rule('transient', 'Twilio internal error'),
  20503: rule('transient', 'Twilio service unavailable'),
  21211: rule('permanent', "Invalid 'To' phone number"),
  21212: rule('permanent', "Invalid 'From' phone number"),
  21408: rule('permanent', 'Sending to this country is not enabled on the Twilio account'),
  21606: rule('permanent', "The 'From' number cannot send this kind of message"),
  21610: rule('opted-out', 'The recipient has unsubscribed (replied STOP)'),
  21612: rule('permanent', "The 'To' number cannot be reached from this 'From' number"),
  21614: rule('permanent', "The 'To' number is not a mobile number"),
  21617: rule('permanent', 'Message body is too long'),
  21620: rule('permanent', 'Invalid media URL'),
  21656: rule('permanent', 'Invalid content variables'),
  30001: rule('rate-limited', 'Twilio queue overflow'),
  30002: rule('permanent', 'Twilio account suspended'),
  30003: rule('transient', 'Recipient handset unreachable'),
  30004: rule('permanent', 'Message blocked'),
  30005: rule('permanent', 'Unknown destination number'),
  30006: rule('permanent', 'Destination is a landline or unreachable carrier'),
  30007: rule('permanent', 'Message filtered by the carrier'),
  30008: rule('transient', 'Unknown delivery error'),
  63001: rule('permanent', 'WhatsApp channel authentication failed'),
  63003: rule('permanent', 'The recipient is not on WhatsApp (channel could not find the To address)'),
  63005: rule('permanent', 'WhatsApp did not accept the message content'),
  63007: rule('permanent', "No WhatsApp sender for the 'From' number"),
  63010: rule('transient', 'Twilio WhatsApp platform error'),
  63013: rule('permanent', 'WhatsApp policy violation'),
  63016: rule('outside-window', 'Outside the 24-hour window: use an approved template'),
  63018: rule('rate-limited', 'WhatsApp rate limit for this sender exceeded'),
  63019: rule('permanent', 'WhatsApp media could not be sent'),
  63020: rule('permanent', 'The WhatsApp Business account has not accepted the Twilio invitation'),
  63021: rule('permanent', 'Invalid WhatsApp message content'),
  63024: rule('permanent', 'Invalid WhatsApp recipient'),
  63027: rule('permanent', 'The template does not exist for this language'),
  63028: rule('permanent', 'Wrong number of template parameters'),
  63030: rule('permanent', 'Unsupported template parameter'),
  63031: rule('permanent', 'The sender and the recipient are the same number'),
  63032: rule('permanent', 'WhatsApp will not deliver to this user (WhatsApp limitation)'),
  63038: rule('rate-limited', 'Daily WhatsApp message limit reached for this sender'),
  63049: rule('permanent', 'Meta did not deliver this marketing message (per-user engagement limit)'),
});

/** https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes */
export const META_ERRORS: CodeTable = Object.freeze({
  0: rule('permanent', 'Meta authentication failed'),
  1: rule('transient', 'Meta API unknown error'),
  2: rule('transient', 'Meta API service temporarily unavailable'),
  3: rule('permanent', 'The app lacks the capability for this call'),
  4: rule('rate-limited', 'Meta app rate limit reached'),
  10: rule('permanent', 'Permission denied'),
  100: rule('permanent', 'Invalid parameter'),
  190: rule('permanent', 'Meta access token expired or invalid'),
  200: rule('permanent', 'Missing API permission'),
  368: rule('permanent', 'Temporarily blocked for policy violations'),
  80007: rule('rate-limited', 'WhatsApp Business Account rate limit reached'),
  130429: rule('rate-limited', 'Cloud API throughput limit reached'),
  130472: rule('permanent', "The user's number is part of a Meta experiment"),
  130497: rule('permanent', 'The business cannot message users in this country'),
  131000: rule('transient', 'Meta: something went wrong'),
  131005: rule('permanent', 'Access denied'),
  131008: rule('permanent', 'A required parameter is missing'),
  131009: rule('permanent', 'A parameter value is not valid'),
  131016: rule('transient', 'WhatsApp service temporarily unavailable'),
  131021: rule('permanent', 'The recipient cannot be the sender'),
  131026: rule('permanent', 'Message undeliverable (the number may not be on WhatsApp)'),
  131031: rule('permanent', 'The WhatsApp Business account is locked'),
  131037: rule('permanent', 'The sender display name needs approval'),
  131042: rule('permanent', 'Business payment issue'),
  131045: rule('permanent', 'The sender number is not registered correctly (certificate)'),
  131047: rule('outside-window', 'More than 24 hours since the customer last wrote: use an approved template'),
  131048: rule('rate-limited', 'Spam rate limit reached'),
  131049: rule('permanent', 'Meta did not deliver this message to keep ecosystem engagement healthy (per-user marketing limit)'),
  131050: rule('opted-out', 'The user stopped marketing messages from this business'),
  131051: rule('permanent', 'Unsupported message type'),
  131052: rule('permanent', 'Media download error'),
  131053: rule('permanent', 'Media upload error (URL unreachable or unsupported type)'),
  131056: rule('rate-limited', 'Too many messages to this user in a short time (pair rate limit)'),
  131057: rule('transient', 'The WhatsApp Business account is in maintenance mode'),
  132000: rule('permanent', 'Wrong number of template parameters'),
  132001: rule('permanent', 'The template does not exist in this language or is not approved'),
  132005: rule('permanent', 'The template text is too long once filled in'),
  132007: rule('permanent', 'Template content violates a WhatsApp policy'),
  132012: rule('permanent', 'Template parameter format mismatch'),
  132015: rule('permanent', 'The template is paused for low quality'),
  132016: rule('permanent', 'The template is disabled'),
  132018: rule('permanent', 'Template parameter has newlines, tabs or too many spaces'),
  133000: rule('permanent', 'Incomplete deregistration of the phone number'),
  133004: rule('transient', 'WhatsApp server temporarily unavailable'),
  133010: rule('permanent', 'The phone number is not registered on WhatsApp Business'),
  135000: rule('permanent', 'Generic user error'),
});

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

export const classifyTwilioError = (error: unknown): ErrorClass => classifyWith(TWILIO_ERRORS, 'twilio', error);
export const classifyMetaError = (error: unknown): ErrorClass => classifyWith(META_ERRORS, 'meta', error);
export const describeTwilioError = (error: unknown): string => describeWith(TWILIO_ERRORS, 'twilio', error);
export const describeMetaError = (error: unknown): string => describeWith(META_ERRORS, 'meta', error);

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
