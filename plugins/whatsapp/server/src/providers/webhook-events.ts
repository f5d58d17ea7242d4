/**
 * What a provider webhook means once read: a status of one of our messages, or a message from a
 * customer. Each provider's parser (meta/webhook.ts, twilio/webhook.ts) turn a request into a list of these; each is stored
 * as one webhook-event row (keyed by `key`) and applied afterwards by the webhooks service.
 * Plain JSON on purpose: the event is stored as it is and read back later.
 */
import type { ProviderReportedStatus } from '../lib/status-order';

export const WEBHOOK_PROVIDERS = ['twilio', 'meta'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/**
 * A provider status in our life cycle. `sending` stands for the provider's own "queued" /
 * "accepted" / "sending": the provider has it. Never our `queued`, which would make the
 * dispatcher send the message again.
 */
export type ReportedStatus = ProviderReportedStatus;

export interface StatusEvent {
  kind: 'status';
  /** The provider's event key: `wamid:status` (Meta), `MessageSid:MessageStatus` (Twilio). */
  key: string;
  providerMessageId: string;
  /** The provider's own word (`delivered`, `undelivered`, `deleted` …), kept for the record. */
  providerStatus: string;
  /** Ours; null when the provider's status means nothing for a message (Meta `deleted`, `warning`). */
  status: ReportedStatus | null;
  /** When it happened according to the provider (ISO 8601); null when it does not say (Twilio). */
  at: string | null;
  /** Our message id, echoed back (Twilio `?message=` on the callback URL, Meta `biz_opaque_callback_data`). */
  ourMessageId: number | null;
  /** The customer's number as the provider wrote it. */
  recipient: string | null;
  error: { code: string; text: string } | null;
}

/** What a non-text inbound message carries. Stored in the message's `media` JSON. */
export type InboundContent =
  | {
      kind: 'image' | 'document' | 'audio' | 'video' | 'sticker';
      mime?: string;
      /** Meta's media id (download it with the Graph API). */
      mediaId?: string;
      /** Twilio's media URL (fetched with the account credentials). */
      url?: string;
      filename?: string;
      caption?: string;
    }
  | { kind: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { kind: 'button'; text: string; payload?: string }
  | { kind: 'interactive'; replyType: string; id?: string; title: string; description?: string }
  | { kind: 'reaction'; emoji: string; messageId?: string }
  | { kind: 'other'; type: string };

export interface InboundEvent {
  kind: 'message';
  /** The provider's message id (Meta wamid, Twilio MessageSid). */
  key: string;
  providerMessageId: string;
  /** The customer as the provider names them: Meta wa_id digits (`5215512345678`), Twilio `whatsapp:+52…`. */
  from: string;
  /** The WhatsApp profile name, when the provider sends it. */
  profileName: string | null;
  /** Our number the customer wrote to (digits or E.164), when the provider says. */
  to: string | null;
  /** Meta's phone number id of our number. */
  phoneNumberId: string | null;
  /** When the customer wrote, according to the provider (ISO 8601); null when it does not say. */
  at: string | null;
  /** The provider's message type (`text`, `image`, `location`, `button` …). */
  type: string;
  /** What staff read in the inbox: the text, a caption, a button's title, a location summary. */
  text: string;
  /** Texts an opt-out / opt-in keyword is looked for in: what was typed, or a button's payload. */
  keywordCandidates: string[];
  content: InboundContent | null;
  /** Provider id of the message this one answers (Meta `context.id`, Twilio `OriginalRepliedMessageSid`). */
  replyTo: string | null;
}

export type WebhookEvent = StatusEvent | InboundEvent;

/** A signed request whose body is not what the provider documents: answered 400, nothing stored. */
export class MalformedWebhookError extends Error {
  constructor(
    readonly path: string,
    message: string
  ) {
    super(message);
    this.name = 'MalformedWebhookError';
  }
}

// Small readers shared by both parsers: they name the offending path in the error.

export type Json = Record<string, unknown>;

export const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export const requireRecord = (value: unknown, path: string): Json => {
  if (!isRecord(value)) throw new MalformedWebhookError(path, `${path} must be an object`);
  return value;
};

export const optionalRecord = (value: unknown, path: string): Json | null => (value === undefined || value === null ? null : requireRecord(value, path));

export const optionalArray = (value: unknown, path: string): unknown[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedWebhookError(path, `${path} must be an array`);
  return value;
};

export const requireString = (value: unknown, path: string): string => {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value.trim() === '') throw new MalformedWebhookError(path, `${path} must be a non-empty string`);
  return value;
};

export const optionalString = (value: unknown, path: string): string | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw new MalformedWebhookError(path, `${path} must be a string`);
  return value;
};

/** Our message id as echoed by a provider: a positive integer, else null (another app's data). */
export const ourId = (value: unknown): number | null => {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : null;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return n > 0 ? n : null;
};

/** A one-line preview of a location for the inbox. */
export const locationText = (latitude: number, longitude: number, name?: string, address?: string) =>
  [`📍 ${latitude}, ${longitude}`, name, address].filter(Boolean).join(' — ');
