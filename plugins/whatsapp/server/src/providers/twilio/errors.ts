/**
 * Twilio's errors: the table of Twilio codes (class, meaning, remedy, and whether another channel
 * may carry the message), and the parser of Twilio's error body.
 * https://www.twilio.com/docs/api/errors
 */
import { ProviderError, codeOf, fallbackError, headerValue, parseJsonObject, parseRetryAfter, text, type HeaderSource } from '../errors';
import { canFallBackWith, classifyWith, describeWith, type ErrorTable } from '../classify';
import type { ErrorClass } from '../types';

/** Code → what it means for the message. `fallback`: SMS / email may carry it instead. */
export const TWILIO_ERRORS: ErrorTable = Object.freeze({
  20003: { kind: 'permanent', reason: 'Twilio authentication failed (check the Account SID and auth token)', remedy: 'Check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN' },
  20404: { kind: 'permanent', reason: 'Twilio resource not found', remedy: 'Check the Content SID / sender configured in Twilio' },
  20429: { kind: 'rate-limited', reason: 'Too many requests to Twilio', remedy: 'Nothing: the dispatcher slows down and retries' },
  20500: { kind: 'transient', reason: 'Twilio internal error', remedy: 'Nothing: retried automatically' },
  20503: { kind: 'transient', reason: 'Twilio service unavailable', remedy: 'Nothing: retried automatically' },
  21211: { kind: 'permanent', reason: "Invalid 'To' phone number", remedy: "Correct the contact's phone number" },
  21212: { kind: 'permanent', reason: "Invalid 'From' phone number", remedy: 'Check TWILIO_WHATSAPP_FROM / TWILIO_SMS_FROM' },
  21408: { kind: 'permanent', reason: 'Sending to this country is not enabled on the Twilio account', remedy: "Enable the country in Twilio's geo permissions" },
  21606: { kind: 'permanent', reason: "The 'From' number cannot send this kind of message", remedy: 'Use a sender enabled for this channel in Twilio' },
  21610: { kind: 'opted-out', reason: 'The recipient has unsubscribed (replied STOP)', remedy: 'None: the person asked to stop; consent is revoked' },
  21612: { kind: 'permanent', reason: "The 'To' number cannot be reached from this 'From' number", remedy: 'Check the sender can reach that country/number' },
  21614: { kind: 'permanent', reason: "The 'To' number is not a mobile number", remedy: "Use the contact's mobile number" },
  21617: { kind: 'permanent', reason: 'Message body is too long', remedy: 'Shorten the message' },
  21620: { kind: 'permanent', reason: 'Invalid media URL', remedy: 'Check PUBLIC_URL is reachable from Twilio' },
  21656: { kind: 'permanent', reason: 'Invalid content variables', remedy: "Check the template's Twilio variables" },
  30001: { kind: 'rate-limited', reason: 'Twilio queue overflow', remedy: 'Nothing: the dispatcher slows down and retries' },
  30002: { kind: 'permanent', reason: 'Twilio account suspended', remedy: 'Contact Twilio support about the account' },
  30003: { kind: 'transient', reason: 'Recipient handset unreachable', remedy: 'Nothing: retried automatically' },
  30004: { kind: 'permanent', reason: 'Message blocked', remedy: 'The recipient or carrier blocks it: use another channel' },
  30005: { kind: 'permanent', reason: 'Unknown destination number', remedy: "Correct the contact's phone number" },
  30006: { kind: 'permanent', reason: 'Destination is a landline or unreachable carrier', remedy: "Use the contact's mobile number" },
  30007: { kind: 'permanent', reason: 'Message filtered by the carrier', remedy: 'Review the content with the carrier rules' },
  30008: { kind: 'transient', reason: 'Unknown delivery error', remedy: 'Nothing: retried automatically' },
  63001: { kind: 'permanent', reason: 'WhatsApp channel authentication failed', remedy: 'Check the WhatsApp sender in the Twilio console' },
  63003: { kind: 'permanent', reason: 'The recipient is not on WhatsApp (channel could not find the To address)', remedy: 'The number is not on WhatsApp: the fallback channel is used when the template has one', fallback: true },
  63005: { kind: 'permanent', reason: 'WhatsApp did not accept the message content', remedy: 'Review the message content' },
  63007: { kind: 'permanent', reason: "No WhatsApp sender for the 'From' number", remedy: 'Register the From number as a WhatsApp sender in Twilio' },
  63010: { kind: 'transient', reason: 'Twilio WhatsApp platform error', remedy: 'Nothing: retried automatically' },
  63013: { kind: 'permanent', reason: 'WhatsApp policy violation', remedy: 'Review the content against WhatsApp policies' },
  63016: { kind: 'outside-window', reason: 'Outside the 24-hour window: use an approved template', remedy: 'Send an approved template instead of free text' },
  63018: { kind: 'rate-limited', reason: 'WhatsApp rate limit for this sender exceeded', remedy: 'Nothing: the dispatcher slows down and retries' },
  63019: { kind: 'permanent', reason: 'WhatsApp media could not be sent', remedy: 'Check the media URL and type' },
  63020: { kind: 'permanent', reason: 'The WhatsApp Business account has not accepted the Twilio invitation', remedy: 'Accept the Twilio invitation in Meta Business Manager' },
  63021: { kind: 'permanent', reason: 'Invalid WhatsApp message content', remedy: 'Review the message content' },
  63024: { kind: 'permanent', reason: 'Invalid WhatsApp recipient', remedy: "Correct the contact's number; the fallback channel is used when the template has one", fallback: true },
  63027: { kind: 'permanent', reason: 'The template does not exist for this language', remedy: 'Check the Content template is approved in this language' },
  63028: { kind: 'permanent', reason: 'Wrong number of template parameters', remedy: "Make the template's Twilio variables match the approved Content" },
  63030: { kind: 'permanent', reason: 'Unsupported template parameter', remedy: 'Check the variable types of the Content template' },
  63031: { kind: 'permanent', reason: 'The sender and the recipient are the same number', remedy: 'Send to another number' },
  63032: { kind: 'permanent', reason: 'WhatsApp will not deliver to this user (WhatsApp limitation)', remedy: 'Nothing on WhatsApp: the fallback channel is used when the template has one', fallback: true },
  63038: { kind: 'rate-limited', reason: 'Daily WhatsApp message limit reached for this sender', remedy: 'Wait until tomorrow or raise the sender tier' },
  63049: { kind: 'permanent', reason: 'Meta did not deliver this marketing message (per-user engagement limit)', remedy: 'Send fewer marketing messages to this person' },
});

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

export const classifyTwilioError = (error: unknown): ErrorClass => classifyWith(TWILIO_ERRORS, 'twilio', error);
export const describeTwilioError = (error: unknown): string => describeWith(TWILIO_ERRORS, 'twilio', error);
/** Permanent Twilio failures another channel can fix (not on WhatsApp, undeliverable there). */
export const twilioCanFallBack = (code: string | undefined): boolean => canFallBackWith(TWILIO_ERRORS, code);
