/**
 * Meta WhatsApp Cloud API webhooks → events. One POST can carry many entries, each many changes,
 * each many statuses and messages: all of them become events, in order.
 *
 *   { object: 'whatsapp_business_account', entry: [{ id, changes: [{ field: 'messages', value: {
 *       messaging_product, metadata: { display_phone_number, phone_number_id },
 *       contacts: [{ profile: { name }, wa_id }], messages: [...], statuses: [...] } }] }] }
 *
 * https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components
 *
 * Changes of other fields (template status, account updates…) are not about messages and are
 * skipped. Anything malformed in a `messages` change throws MalformedWebhookError: the whole
 * request is refused (400) and nothing of it is stored, so a half-understood payload is never
 * half-applied.
 */
import type { InboundContent, InboundEvent, Json, ReportedStatus, StatusEvent, WebhookEvent } from '../webhook-events';
import {
  isRecord,
  locationText,
  MalformedWebhookError,
  optionalArray,
  optionalRecord,
  optionalString,
  ourId,
  requireRecord,
  requireString,
} from '../webhook-events';

const STATUSES: Record<string, ReportedStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
};

const MEDIA_TYPES = ['image', 'document', 'audio', 'video', 'sticker'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];
const isMediaType = (type: string): type is MediaType => (MEDIA_TYPES as readonly string[]).includes(type);

/** Meta's `timestamp`: seconds since the epoch, as a string. */
const timestamp = (value: unknown, path: string): string | null => {
  if (value === undefined || value === null || value === '') return null;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,12}$/.test(text)) throw new MalformedWebhookError(path, `${path} must be a Unix timestamp in seconds`);
  return new Date(Number(text) * 1000).toISOString();
};

const number = (value: unknown, path: string): number => {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new MalformedWebhookError(path, `${path} must be a number`);
  return n;
};

/** Meta's `errors[]` on a failed status: code, title, message, error_data.details. */
const statusError = (errors: unknown[], path: string): StatusEvent['error'] => {
  const first = errors[0];
  if (first === undefined) return null;
  const error = requireRecord(first, `${path}[0]`);
  const code = requireString(error.code, `${path}[0].code`);
  const details = optionalRecord(error.error_data, `${path}[0].error_data`)?.details;
  const parts = [optionalString(error.title, `${path}[0].title`), optionalString(error.message, `${path}[0].message`), optionalString(details, `${path}[0].error_data.details`)];
  // Meta often repeats the title as the message: say each thing once.
  const text = parts.filter((part, i): part is string => Boolean(part) && parts.indexOf(part) === i).join(': ');
  return { code, text };
};

function parseStatus(raw: unknown, path: string): StatusEvent {
  const status = requireRecord(raw, path);
  const id = requireString(status.id, `${path}.id`);
  const providerStatus = requireString(status.status, `${path}.status`);
  return {
    kind: 'status',
    key: `${id}:${providerStatus}`,
    providerMessageId: id,
    providerStatus,
    // `deleted`, `warning` and whatever Meta adds later: stored, but nothing to apply.
    status: STATUSES[providerStatus] ?? null,
    at: timestamp(status.timestamp, `${path}.timestamp`),
    ourMessageId: ourId(status.biz_opaque_callback_data),
    recipient: optionalString(status.recipient_id, `${path}.recipient_id`) ?? null,
    error: statusError(optionalArray(status.errors, `${path}.errors`), `${path}.errors`),
  };
}

interface Readable {
  text: string;
  content: InboundContent | null;
  keywords: string[];
}

/** The part of a message staff read, and what a keyword may be in, per Meta message type. */
function readContent(message: Json, type: string, path: string): Readable {
  const part = (name: string) => requireRecord(message[name], `${path}.${name}`);
  if (type === 'text') {
    const body = requireString(part('text').body, `${path}.text.body`);
    return { text: body, content: null, keywords: [body] };
  }
  if (isMediaType(type)) {
    const media = part(type);
    const caption = optionalString(media.caption, `${path}.${type}.caption`);
    const filename = optionalString(media.filename, `${path}.${type}.filename`);
    const content: InboundContent = {
      kind: type,
      mime: optionalString(media.mime_type, `${path}.${type}.mime_type`),
      mediaId: optionalString(media.id, `${path}.${type}.id`),
      filename,
      caption,
    };
    return { text: caption ?? filename ?? `[${type}]`, content, keywords: caption ? [caption] : [] };
  }
  if (type === 'location') {
    const location = part('location');
    const latitude = number(location.latitude, `${path}.location.latitude`);
    const longitude = number(location.longitude, `${path}.location.longitude`);
    const name = optionalString(location.name, `${path}.location.name`);
    const address = optionalString(location.address, `${path}.location.address`);
    return { text: locationText(latitude, longitude, name, address), content: { kind: 'location', latitude, longitude, name, address }, keywords: [] };
  }
  if (type === 'button') {
    // A quick-reply button of a template: its text, and the payload we gave it.
    const button = part('button');
    const text = requireString(button.text, `${path}.button.text`);
    const payload = optionalString(button.payload, `${path}.button.payload`);
    return { text, content: { kind: 'button', text, payload }, keywords: [text, ...(payload ? [payload] : [])] };
  }
  if (type === 'interactive') {
    const interactive = part('interactive');
    const replyType = requireString(interactive.type, `${path}.interactive.type`);
    const reply = optionalRecord(interactive[replyType], `${path}.interactive.${replyType}`) ?? {};
    const title = optionalString(reply.title, `${path}.interactive.${replyType}.title`) ?? `[${replyType}]`;
    const id = optionalString(reply.id, `${path}.interactive.${replyType}.id`);
    const description = optionalString(reply.description, `${path}.interactive.${replyType}.description`);
    return { text: title, content: { kind: 'interactive', replyType, id, title, description }, keywords: [title, ...(id ? [id] : [])] };
  }
  if (type === 'reaction') {
    const reaction = part('reaction');
    // An empty emoji means the customer removed their reaction.
    const emoji = optionalString(reaction.emoji, `${path}.reaction.emoji`) ?? '';
    const messageId = optionalString(reaction.message_id, `${path}.reaction.message_id`);
    return { text: emoji || '[reaction removed]', content: { kind: 'reaction', emoji, messageId }, keywords: [] };
  }
  // contacts, order, system, unsupported…: kept as a message staff can see, without content.
  const body = isRecord(message[type]) ? optionalString((message[type] as Json).body, `${path}.${type}.body`) : undefined;
  return { text: body ?? `[${type}]`, content: { kind: 'other', type }, keywords: [] };
}

function parseMessage(raw: unknown, path: string, value: { profiles: Map<string, string>; to: string | null; phoneNumberId: string | null }): InboundEvent {
  const message = requireRecord(raw, path);
  const id = requireString(message.id, `${path}.id`);
  const from = requireString(message.from, `${path}.from`);
  const type = requireString(message.type, `${path}.type`);
  const { text, content, keywords } = readContent(message, type, path);
  const context = optionalRecord(message.context, `${path}.context`);
  return {
    kind: 'message',
    key: id,
    providerMessageId: id,
    from,
    profileName: value.profiles.get(from) ?? (value.profiles.size === 1 ? [...value.profiles.values()][0] : null),
    to: value.to,
    phoneNumberId: value.phoneNumberId,
    at: timestamp(message.timestamp, `${path}.timestamp`),
    type,
    text,
    keywordCandidates: keywords,
    content,
    replyTo: context ? optionalString(context.id, `${path}.context.id`) ?? null : null,
  };
}

export function parseMetaWebhook(body: unknown): WebhookEvent[] {
  const root = requireRecord(body, 'body');
  const object = requireString(root.object, 'object');
  // Another product's webhook (a Page, Instagram) on the same app: nothing of ours in it.
  if (object !== 'whatsapp_business_account') return [];
  if (!Array.isArray(root.entry)) throw new MalformedWebhookError('entry', 'entry must be an array');
  const entries: unknown[] = root.entry;

  const events: WebhookEvent[] = [];
  entries.forEach((rawEntry, i) => {
    const entry = requireRecord(rawEntry, `entry[${i}]`);
    optionalArray(entry.changes, `entry[${i}].changes`).forEach((rawChange, j) => {
      const path = `entry[${i}].changes[${j}]`;
      const change = requireRecord(rawChange, path);
      if (change.field !== 'messages') return;
      const value = requireRecord(change.value, `${path}.value`);
      const metadata = optionalRecord(value.metadata, `${path}.value.metadata`);
      const profiles = new Map<string, string>();
      optionalArray(value.contacts, `${path}.value.contacts`).forEach((rawContact, k) => {
        const contact = requireRecord(rawContact, `${path}.value.contacts[${k}]`);
        const waId = optionalString(contact.wa_id, `${path}.value.contacts[${k}].wa_id`);
        const name = optionalString(optionalRecord(contact.profile, `${path}.value.contacts[${k}].profile`)?.name, `${path}.value.contacts[${k}].profile.name`);
        if (waId && name) profiles.set(waId, name);
      });
      const context = {
        profiles,
        to: optionalString(metadata?.display_phone_number, `${path}.value.metadata.display_phone_number`) ?? null,
        phoneNumberId: optionalString(metadata?.phone_number_id, `${path}.value.metadata.phone_number_id`) ?? null,
      };
      optionalArray(value.statuses, `${path}.value.statuses`).forEach((status, k) => events.push(parseStatus(status, `${path}.value.statuses[${k}]`)));
      optionalArray(value.messages, `${path}.value.messages`).forEach((message, k) =>
        events.push(parseMessage(message, `${path}.value.messages[${k}]`, context))
      );
    });
  });
  return events;
}
