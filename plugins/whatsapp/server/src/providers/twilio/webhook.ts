/**
 * Twilio webhooks → events. Twilio posts one form (application/x-www-form-urlencoded) per event,
 * to the same URL for both kinds:
 *
 * - status callbacks: `MessageSid`, `MessageStatus` (queued, sending, sent, delivered, read,
 *   failed, undelivered…), `ErrorCode`, `ErrorMessage`; our message id rides on the callback URL
 *   (`?message=<id>`, see twilio/client.ts);
 * - incoming messages ("When a message comes in"): `MessageSid`, `From=whatsapp:+52…`, `To`,
 *   `WaId` (the sender's WhatsApp id, digits), `Body`, `ProfileName`, `NumMedia` with
 *   `MediaUrl{N}`/`MediaContentType{N}` for N = 0…NumMedia-1 (up to 10), `Latitude`/`Longitude`,
 *   `ButtonText`/`ButtonPayload`, `OriginalRepliedMessageSid`, `MessageType`, and for a message
 *   from a click-to-WhatsApp ad `ReferralBody`, `ReferralHeadline`, `ReferralSourceId`,
 *   `ReferralSourceType`, `ReferralSourceUrl`, `ReferralMediaId`, `ReferralMediaContentType`,
 *   `ReferralMediaUrl`, `ReferralNumMedia`, `ReferralCtwaClid`.
 *
 * https://www.twilio.com/docs/messaging/guides/webhook-request
 * https://www.twilio.com/docs/whatsapp/api#receiving-messages
 *
 * A form that does not read as documented (no MessageSid, no sender, coordinates that are not
 * numbers) is not refused: it becomes an UnreadableEvent, stored with its reason for staff.
 */
import type { InboundContent, InboundEvent, ReportedStatus, StatusEvent, WebhookEvent } from '../webhook-events';
import { locationText, MalformedWebhookError, ourId, unreadable } from '../webhook-events';
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

/** Twilio sends at most 10 files with one message (`MediaUrl0` … `MediaUrl9`). */
const MAX_MEDIA = 10;

/** Every file of the message, in order: `MediaUrl{N}` with its `MediaContentType{N}`. */
function mediaOf(params: TwilioParams, caption: string | undefined): InboundContent[] {
  const declared = Number(one(params, 'NumMedia') ?? '0');
  const count = Number.isInteger(declared) && declared > 0 ? Math.min(declared, MAX_MEDIA) : 0;
  const files: InboundContent[] = [];
  for (let i = 0; i < MAX_MEDIA; i += 1) {
    const url = one(params, `MediaUrl${i}`);
    // A file Twilio numbers beyond NumMedia is still a file it sent.
    if (i >= count && url === undefined) continue;
    const mime = one(params, `MediaContentType${i}`) ?? 'application/octet-stream';
    const kind = MEDIA_KINDS.find(([pattern]) => pattern.test(mime))?.[1] ?? 'document';
    files.push({ kind, mime, url, ...(files.length === 0 && caption ? { caption } : {}) });
  }
  return files;
}

/** The click-to-WhatsApp ad, under Meta's own names (one shape for both providers). */
function referralOf(params: TwilioParams): Record<string, string> | null {
  const names: Array<[string, string]> = [
    ['source_id', 'ReferralSourceId'],
    ['source_type', 'ReferralSourceType'],
    ['source_url', 'ReferralSourceUrl'],
    ['headline', 'ReferralHeadline'],
    ['body', 'ReferralBody'],
    ['media_id', 'ReferralMediaId'],
    ['media_content_type', 'ReferralMediaContentType'],
    ['media_url', 'ReferralMediaUrl'],
    ['ctwa_clid', 'ReferralCtwaClid'],
  ];
  const referral: Record<string, string> = {};
  for (const [ours, theirs] of names) {
    const value = one(params, theirs);
    if (value !== undefined) referral[ours] = value;
  }
  return Object.keys(referral).length ? referral : null;
}

function readContent(params: TwilioParams): { type: string; text: string; content: InboundContent | null; keywords: string[]; attachments: InboundContent[] } {
  const body = one(params, 'Body') ?? '';
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
    return { type: 'location', text: locationText(lat, lng, name, address), content: { kind: 'location', latitude: lat, longitude: lng, name, address }, keywords: [], attachments: [] };
  }
  if (buttonText !== undefined) {
    const payload = one(params, 'ButtonPayload');
    return { type: 'button', text: buttonText, content: { kind: 'button', text: buttonText, payload }, keywords: [buttonText, ...(payload ? [payload] : [])], attachments: [] };
  }
  if (listTitle !== undefined) {
    const id = one(params, 'ListId');
    return { type: 'interactive', text: listTitle, content: { kind: 'interactive', replyType: 'list_reply', id, title: listTitle }, keywords: [listTitle, ...(id ? [id] : [])], attachments: [] };
  }
  const [first, ...rest] = mediaOf(params, body || undefined);
  if (first) {
    const kind = first.kind;
    return { type: kind, text: body || `[${kind}]`, content: first, keywords: body ? [body] : [], attachments: rest };
  }
  return { type: one(params, 'MessageType') ?? 'text', text: body, content: null, keywords: [body], attachments: [] };
}

function parseInbound(params: TwilioParams, sid: string): InboundEvent {
  const waId = one(params, 'WaId') ?? null;
  // `From` is `whatsapp:+<WaId>`; WaId alone still names the sender.
  const from = one(params, 'From') ?? (waId ? `whatsapp:+${waId.replace(/^\+/, '')}` : undefined);
  if (!from) throw new MalformedWebhookError('From', 'From (or WaId) is required on an incoming message');
  const { type, text, content, keywords, attachments } = readContent(params);
  const referral = referralOf(params);
  return {
    kind: 'message',
    key: sid,
    providerMessageId: sid,
    from,
    waId,
    profileName: one(params, 'ProfileName') ?? null,
    to: one(params, 'To') ?? null,
    phoneNumberId: null,
    // Twilio does not say when the customer wrote: the time we received it is used.
    at: null,
    type,
    text: referral ? `${text}\n📣 Desde anuncio: ${referral.headline ?? referral.source_url ?? referral.source_id ?? ''}`.trim() : text,
    keywordCandidates: keywords,
    content,
    replyTo: one(params, 'OriginalRepliedMessageSid') ?? null,
    referral,
    ...(attachments.length ? { attachments } : {}),
  };
}

/**
 * @param params the posted form, as Twilio signed it
 * @param ourMessageId the `message` query parameter of the callback URL, if any
 */
export function parseTwilioWebhook(params: TwilioParams, ourMessageId: string | null): WebhookEvent[] {
  const sid = one(params, 'MessageSid') ?? one(params, 'SmsMessageSid') ?? one(params, 'SmsSid');
  if (!sid) return [unreadable('MessageSid', 'MessageSid is required', params)];
  try {
    const status = one(params, 'MessageStatus') ?? one(params, 'SmsStatus');
    if (status && !INBOUND_STATUSES.has(status)) return [parseStatus(params, sid, status, ourMessageId)];
    return [parseInbound(params, sid)];
  } catch (error) {
    if (!(error instanceof MalformedWebhookError)) throw error;
    return [unreadable(error.path, error.message, params, sid)];
  }
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
