/**
 * Twilio webhooks → events. Twilio posts one form (application/x-www-form-urlencoded) per event,
 * to the same URL for both kinds:
 *
 * - status callbacks: `MessageSid`, `MessageStatus` (queued, sending, sent, delivered, read,
 *   failed, undelivered…), `ErrorCode`, `ErrorMessage`; our message id rides on the callback URL
 *   (`?message=<id>`, see twilio/client.ts);
 * - incoming messages ("When a message comes in"): `MessageSid`, `From=whatsapp:+52…`, `To`,
 *   `Body`, `ProfileName`, `NumMedia` + `MediaUrl0`/`MediaContentType0`, `Latitude`/`Longitude`,
 *   `ButtonText`/`ButtonPayload`, `OriginalRepliedMessageSid`, `MessageType`.
 *
 * https://www.twilio.com/docs/messaging/guides/webhook-request
 * https://www.twilio.com/docs/whatsapp/api#receiving-messages
 */
import type { InboundContent, InboundEvent, ReportedStatus, StatusEvent, WebhookEvent } from '../webhook-events';
import { locationText, MalformedWebhookError, ourId } from '../webhook-events';
import { TWILIO_ERRORS } from './errors';

export type TwilioParams = Record<string, string | string[]>;

/** Twilio statuses → ours. Twilio's `queued`/`accepted`/`sending` only mean "Twilio has it". */
const STATUSES: Record<string, ReportedStatus> = {
  accepted: 'sending',
  queued: 'sending',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  undelivered: 'undeliverable',
};

/** Statuses Twilio gives to messages it received, not sent. */
const INBOUND_STATUSES = new Set(['received', 'receiving']);

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

const one = (params: TwilioParams, name: string): string | undefined => {
  if (!hasOwn(params, name)) return undefined;
  const value = params[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
};

const MEDIA_KINDS: Array<[RegExp, 'image' | 'audio' | 'video' | 'document']> = [
  [/^image\//, 'image'],
  [/^audio\//, 'audio'],
  [/^video\//, 'video'],
];

function parseStatus(params: TwilioParams, sid: string, providerStatus: string, ourMessageId: string | null): StatusEvent {
  const code = one(params, 'ErrorCode');
  const errorText = one(params, 'ErrorMessage') ?? (code ? TWILIO_ERRORS[code]?.reason : undefined) ?? '';
  return {
    kind: 'status',
    key: `${sid}:${providerStatus}`,
    providerMessageId: sid,
    providerStatus,
    // `canceled`, `partially_delivered`, `scheduled`…: stored, nothing to apply.
    status: STATUSES[providerStatus] ?? null,
    at: null,
    ourMessageId: ourId(ourMessageId),
    recipient: one(params, 'To') ?? null,
    // Twilio sends ErrorCode=0 / empty on some successful callbacks.
    error: code && code !== '0' ? { code, text: errorText } : null,
  };
}

function readContent(params: TwilioParams): { type: string; text: string; content: InboundContent | null; keywords: string[] } {
  const body = one(params, 'Body') ?? '';
  const numMedia = Number(one(params, 'NumMedia') ?? '0');
  const latitude = one(params, 'Latitude');
  const longitude = one(params, 'Longitude');
  const buttonText = one(params, 'ButtonText');
  const listTitle = one(params, 'ListTitle');

  if (latitude !== undefined && longitude !== undefined) {
    const lat = Number(latitude);
    const lng = Number(longitude);
    if (!Number.isFinite(lat) || !Number.isFinite(lng)) throw new MalformedWebhookError('Latitude', 'Latitude and Longitude must be numbers');
    const name = one(params, 'Label');
    const address = one(params, 'Address');
    return { type: 'location', text: locationText(lat, lng, name, address), content: { kind: 'location', latitude: lat, longitude: lng, name, address }, keywords: [] };
  }
  if (buttonText !== undefined) {
    const payload = one(params, 'ButtonPayload');
    return { type: 'button', text: buttonText, content: { kind: 'button', text: buttonText, payload }, keywords: [buttonText, ...(payload ? [payload] : [])] };
  }
  if (listTitle !== undefined) {
    const id = one(params, 'ListId');
    return { type: 'interactive', text: listTitle, content: { kind: 'interactive', replyType: 'list_reply', id, title: listTitle }, keywords: [listTitle, ...(id ? [id] : [])] };
  }
  if (Number.isFinite(numMedia) && numMedia > 0) {
    const mime = one(params, 'MediaContentType0') ?? 'application/octet-stream';
    const kind = MEDIA_KINDS.find(([pattern]) => pattern.test(mime))?.[1] ?? 'document';
    const content: InboundContent = { kind, mime, url: one(params, 'MediaUrl0'), caption: body || undefined };
    return { type: kind, text: body || `[${kind}]`, content, keywords: body ? [body] : [] };
  }
  return { type: one(params, 'MessageType') ?? 'text', text: body, content: null, keywords: [body] };
}

function parseInbound(params: TwilioParams, sid: string): InboundEvent {
  const from = one(params, 'From');
  if (!from) throw new MalformedWebhookError('From', 'From is required on an incoming message');
  const { type, text, content, keywords } = readContent(params);
  return {
    kind: 'message',
    key: sid,
    providerMessageId: sid,
    from,
    profileName: one(params, 'ProfileName') ?? null,
    to: one(params, 'To') ?? null,
    phoneNumberId: null,
    // Twilio does not say when the customer wrote: the time we received it is used.
    at: null,
    type,
    text,
    keywordCandidates: keywords,
    content,
    replyTo: one(params, 'OriginalRepliedMessageSid') ?? null,
  };
}

/**
 * @param params the posted form, as Twilio signed it
 * @param ourMessageId the `message` query parameter of the callback URL, if any
 */
export function parseTwilioWebhook(params: TwilioParams, ourMessageId: string | null): WebhookEvent[] {
  const sid = one(params, 'MessageSid') ?? one(params, 'SmsMessageSid') ?? one(params, 'SmsSid');
  if (!sid) throw new MalformedWebhookError('MessageSid', 'MessageSid is required');
  const status = one(params, 'MessageStatus') ?? one(params, 'SmsStatus');
  if (status && !INBOUND_STATUSES.has(status)) return [parseStatus(params, sid, status, ourMessageId)];
  return [parseInbound(params, sid)];
}

/**
 * The raw form body as a flat map (a repeated name becomes an array), exactly as Twilio signed it.
 * Any name is an own key (`constructor`, `__proto__` included), never a prototype's.
 */
export function parseForm(raw: string): TwilioParams {
  const params: TwilioParams = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const existing = hasOwn(params, name) ? params[name] : undefined;
    const next = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    Object.defineProperty(params, name, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return params;
}
