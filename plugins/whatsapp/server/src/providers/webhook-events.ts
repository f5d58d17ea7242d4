/**
 * What a provider webhook means once read: a status of one of our messages, a message from a
 * customer, an error the provider reports about the account, or an item that could not be read.
 * Each provider's parser (meta/webhook.ts, twilio/webhook.ts) turns a request into a list of
 * these, item by item: one unreadable item never costs the others. Each is stored as one
 * webhook-event row (keyed by `key`); statuses and messages are applied afterwards by the
 * webhooks service, unreadable items and provider errors are kept for staff to read.
 * Plain JSON on purpose: the event is stored as it is and read back later.
 */
import { createHash } from 'node:crypto';
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
  /** Meta `recipient_user_id`: the customer's business-scoped user id, when the message went to it. */
  recipientUserId?: string | null;
  error: { code: string; text: string } | null;
}

/** One person of a shared-contacts message, as Meta describes them (fields the sender shared). */
export type SharedContact = Record<string, unknown>;

export interface OrderItem {
  productRetailerId: string;
  quantity: number;
  itemPrice?: number;
  currency?: string;
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
  /** Contacts the customer shared (Meta `contacts`). */
  | { kind: 'contacts'; contacts: SharedContact[] }
  /** A cart sent from the catalog (Meta `order`). */
  | { kind: 'order'; catalogId?: string; text?: string; items: OrderItem[] }
  /** A WhatsApp Flow's answer (Meta `interactive.nfm_reply`): `response` is its parsed `response_json`. */
  | { kind: 'flow'; name?: string; body?: string; response: unknown }
  /** A notice from WhatsApp about the customer (Meta `system`: `user_changed_number`, …). */
  | { kind: 'system'; systemType: string; body?: string; waId?: string; userId?: string }
  /** A message the provider could not show us (Meta `unsupported` / `unknown`, with its errors). */
  | { kind: 'unsupported'; type: string; errors: ProviderError[] }
  /** A type we do not know yet: its part of the payload is kept as delivered. */
  | { kind: 'other'; type: string; data?: unknown };

/** Meta's error object (`errors[]` on statuses, messages and change values). */
export interface ProviderError {
  code: string;
  title?: string;
  message?: string;
  details?: string;
}

/** A click-to-WhatsApp ad the customer came from (Meta `referral`; Twilio `Referral*`, same names). */
export type Referral = Record<string, unknown>;

/** What an inbound message does to an earlier one instead of adding a message of its own. */
export type InboundAction =
  /** The customer edited a message (Meta `edit`): its new text and content. */
  | { kind: 'edit'; targetId: string; text: string; content: InboundContent | null }
  /** The customer deleted a message for everyone (Meta `revoke`). */
  | { kind: 'revoke'; targetId: string };

export interface InboundEvent {
  kind: 'message';
  /** The provider's message id (Meta wamid, Twilio MessageSid). */
  key: string;
  providerMessageId: string;
  /**
   * The customer's number as the provider names it: Meta wa_id digits (`5215512345678`), Twilio
   * `whatsapp:+52…`. Null when Meta sends only the business-scoped user id (a username user).
   */
  from: string | null;
  /** Meta's business-scoped user id of the customer (`user_id` / `from_user_id`), when sent. */
  userId?: string | null;
  /** The WhatsApp username, when the customer has one. */
  username?: string | null;
  /** Twilio `WaId`: the customer's WhatsApp id (digits), when sent. */
  waId?: string | null;
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
  /** The ad the customer came from. */
  referral?: Referral | null;
  /** Further files of the same message (Twilio `MediaUrl1`…`MediaUrl9`): one message row each. */
  attachments?: InboundContent[];
  /** An edit or a deletion of an earlier message. */
  action?: InboundAction | null;
}

/**
 * A part of a signed request that does not read as the provider documents it. Stored as it came
 * (outcome `unreadable`, with the reason) for staff to see; never applied. Its key is a hash of
 * the item, so the provider repeating the request stores it once.
 */
export interface UnreadableEvent {
  kind: 'unreadable';
  key: string;
  /** Where in the request (`entry[0].changes[0].value.messages[1]`, `MessageSid`). */
  path: string;
  reason: string;
  /** The item as delivered (cut when very large: `truncated`). */
  raw: unknown;
  truncated?: boolean;
  /** The item's own id, when it has a readable one (a wamid, a MessageSid). */
  providerId?: string | null;
}

/**
 * Errors the provider reports about our account or a request rather than a message (Meta: a
 * change `value` holding `errors[]`). Stored (outcome `recorded`) and logged; nothing to apply.
 */
export interface ProviderErrorEvent {
  kind: 'error';
  key: string;
  phoneNumberId: string | null;
  errors: ProviderError[];
}

/**
 * Meta's `message_template_status_update`: an approved template's status changed (PAUSED for low
 * quality, DISABLED, REJECTED, REINSTATED…). Applied to campaigns: one sending a template Meta
 * paused or disabled pauses itself, saying why.
 */
export interface TemplateStatusEvent {
  kind: 'template-status';
  key: string;
  event: string;
  templateId: string | null;
  name: string;
  language: string | null;
  reason: string | null;
  /** `other_info.description` (why it was paused or unpaused), when Meta says. */
  description: string | null;
  /** `message_template_category` (MARKETING, UTILITY…), when Meta sends it. */
  category?: string | null;
}

/**
 * Meta's `message_template_quality_update`: a template's quality score changed (GREEN, YELLOW,
 * RED, UNKNOWN). Stored on the template; a falling score is the warning before a pause.
 */
export interface TemplateQualityEvent {
  kind: 'template-quality';
  key: string;
  templateId: string | null;
  name: string;
  language: string | null;
  previous: string | null;
  quality: string;
}

/**
 * Meta's `template_category_update`: Meta changed a template's category (`previous_category` →
 * `new_category`), or announces it will (`correct_category`, taking effect at
 * `category_update_timestamp`; `new_category` is then the current one). Either alerts staff: the
 * category sets the price and, for marketing, the consent a message needs.
 */
export interface TemplateCategoryEvent {
  kind: 'template-category';
  key: string;
  templateId: string | null;
  name: string;
  language: string | null;
  previous: string | null;
  /** `new_category`: the category now. */
  category: string | null;
  /** `correct_category`: the category Meta will set at `effectiveAt` (an announcement). */
  correct: string | null;
  effectiveAt: string | null;
}

/**
 * Meta's `user_preferences`: a WhatsApp user stopped (`stop`) or resumed (`resume`) marketing
 * messages from the business in WhatsApp's own settings. Applied to the consent ledger like the
 * STOP / START keywords.
 */
export interface PreferenceEvent {
  kind: 'preference';
  key: string;
  /** The user's WhatsApp id (international digits without the plus). */
  waId: string;
  /** `marketing_messages` today; another category is kept and not applied. */
  category: string;
  value: string;
  detail: string | null;
  /** When Meta sent it (its `timestamp`), ISO; null when absent. */
  at: string | null;
}

/**
 * Meta's `phone_number_quality_update`: a business number's quality or messaging limit changed.
 * `event` is Meta's word (FLAGGED, UNFLAGGED, DOWNGRADE, UPGRADE, ONBOARDING, THROUGHPUT_UPGRADE…,
 * kept as-is); the limits are kept as Meta words them (TIER_1K…). Applied to the sender whose
 * number it names; a flag or a downgrade alerts staff.
 */
export interface NumberQualityEvent {
  kind: 'number-quality';
  key: string;
  /** `display_phone_number`: the business number, digits as Meta sends them. */
  number: string;
  event: string;
  /** `current_limit` (the number's limit; Meta is retiring it), else null. */
  currentLimit: string | null;
  oldLimit: string | null;
  /** `max_daily_conversations_per_business`: the business portfolio's limit, when sent. */
  businessLimit: string | null;
  /** `max_daily_conversation_per_phone`, when sent. */
  phoneLimit: string | null;
  /** A quality rating, when the value carries one (GREEN, YELLOW, RED…). */
  qualityRating: string | null;
  /** When Meta sent it (the entry's `time`), ISO; null when absent. */
  at: string | null;
}

/**
 * Meta's `account_update`: something happened to the WhatsApp Business Account (a policy
 * violation, a restriction, a ban or its lifting, a partner added, the business's country…).
 * Kept whole; the restricting and banning ones alert staff.
 */
export interface AccountUpdateEvent {
  kind: 'account-update';
  key: string;
  /** The WhatsApp Business Account id (the entry's `id`). */
  accountId: string | null;
  event: string;
  /** `ban_info.waba_ban_state` (DISABLE, SCHEDULE_FOR_DISABLE, REINSTATE…), when sent. */
  banState: string | null;
  banDate: string | null;
  /** `violation_info.violation_type`, when sent. */
  violationType: string | null;
  /** `restriction_info[]` (or a single object), each `{ restriction_type, expiration }`. */
  restrictions: Array<{ type: string; expiration: string | null }>;
  /** The value as Meta sent it (other fields of newer or rarer events). */
  value: Record<string, unknown>;
  at: string | null;
}

export type TemplateEvent = TemplateStatusEvent | TemplateQualityEvent | TemplateCategoryEvent;

export type WebhookEvent = StatusEvent | InboundEvent | UnreadableEvent | ProviderErrorEvent | TemplateEvent | PreferenceEvent | NumberQualityEvent | AccountUpdateEvent;

/** Largest part of an unreadable item kept on its row (characters of JSON). */
export const UNREADABLE_RAW_LIMIT = 64 * 1024;

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 40);

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return String(value);
  }
};

/** An item that could not be read, keyed by what it holds. */
export function unreadable(path: string, reason: string, raw: unknown, providerId?: string | null): UnreadableEvent {
  const json = safeJson(raw);
  const truncated = json.length > UNREADABLE_RAW_LIMIT;
  return {
    kind: 'unreadable',
    key: `unreadable:${digest(`${reason}\u0000${json}`)}`,
    path,
    reason,
    raw: truncated ? json.slice(0, UNREADABLE_RAW_LIMIT) : raw === undefined ? null : raw,
    ...(truncated ? { truncated: true } : {}),
    providerId: providerId ?? null,
  };
}

/** Provider errors, keyed by what they say (a repeated delivery is stored once). */
export function providerErrors(errors: ProviderError[], phoneNumberId: string | null, raw: unknown): ProviderErrorEvent {
  return { kind: 'error', key: `errors:${digest(`${phoneNumberId ?? ''}\u0000${safeJson(raw)}`)}`, phoneNumberId, errors };
}

/** One line for logs and the event row: `131051 Message type unknown: details`. */
export const describeErrors = (errors: ProviderError[]) =>
  errors.map((e) => [e.code, [e.title, e.message, e.details].filter((part, i, all) => part && all.indexOf(part) === i).join(': ')].filter(Boolean).join(' ')).join('; ');

/** A request or an item that does not read as the provider documents: becomes an UnreadableEvent. */
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
