/**
 * Meta WhatsApp Cloud API webhooks → events. One POST can carry many entries, each many changes,
 * each many statuses and messages: all of them become events, in order.
 *
 *   { object: 'whatsapp_business_account', entry: [{ id, changes: [{ field: 'messages', value: {
 *       messaging_product, metadata: { display_phone_number, phone_number_id },
 *       contacts: [{ profile: { name, username }, wa_id, user_id }], messages: [...], statuses: [...],
 *       errors: [...] } }] }] }
 *
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 * (one page per message type: text, media, location, contacts, interactive, button, reaction,
 * order, system, unsupported, edit, revoke, errors) and ".../business-scoped-user-ids"
 * (`user_id` in contacts, `from_user_id` on messages, `recipient_user_id` on statuses; `wa_id`
 * and `from` omitted for a customer who uses a username).
 *
 * Read item by item: a status or message that does not read as documented becomes an
 * UnreadableEvent (stored with its reason and the item as delivered) and the rest of the request
 * is still read, stored and applied. A value holding `errors[]` (Meta's system, app or account
 * errors) becomes one ProviderErrorEvent. The template fields (`message_template_status_update`,
 * `message_template_quality_update`, `template_category_update`) and `user_preferences` become
 * their own events, and so do `phone_number_quality_update` and `account_update` (a number's
 * quality and limit, the account's standing); changes of other fields are not about messages or
 * senders and are skipped.
 */
import type {
  InboundAction,
  InboundContent,
  InboundEvent,
  Json,
  OrderItem,
  ProviderError,
  ReportedStatus,
  SharedContact,
  StatusEvent,
  WebhookEvent,
} from '../webhook-events';
import {
  isRecord,
  locationText,
  MalformedWebhookError,
  optionalArray,
  optionalRecord,
  optionalString,
  ourId,
  providerErrors,
  requireRecord,
  requireString,
  unreadable,
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
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new MalformedWebhookError(path, `${path} must be a number`);
  return n;
};

/** Meta's error objects: code, title, message, error_data.details (each optional but the code). */
const readErrors = (errors: unknown[], path: string): ProviderError[] =>
  errors.map((raw, i) => {
    const error = requireRecord(raw, `${path}[${i}]`);
    const details = optionalRecord(error.error_data, `${path}[${i}].error_data`)?.details;
    return {
      code: requireString(error.code, `${path}[${i}].code`),
      title: optionalString(error.title, `${path}[${i}].title`),
      message: optionalString(error.message, `${path}[${i}].message`),
      details: optionalString(details, `${path}[${i}].error_data.details`),
    };
  });

/** The first of Meta's `errors[]` on a failed status, as one line: each thing said once. */
const statusError = (errors: ProviderError[]): StatusEvent['error'] => {
  const first = errors[0];
  if (!first) return null;
  const parts = [first.title, first.message, first.details];
  const text = parts.filter((part, i): part is string => Boolean(part) && parts.indexOf(part) === i).join(': ');
  return { code: first.code, text };
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
    // Omitted when the message went to the customer's business-scoped user id.
    recipient: optionalString(status.recipient_id, `${path}.recipient_id`) ?? null,
    recipientUserId: optionalString(status.recipient_user_id, `${path}.recipient_user_id`) ?? null,
    error: statusError(readErrors(optionalArray(status.errors, `${path}.errors`), `${path}.errors`)),
  };
}

interface Readable {
  text: string;
  content: InboundContent | null;
  keywords: string[];
  action?: InboundAction;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A shared contact's name and numbers, as one line: `Juan Pérez +52 55 1234 5678`. */
const contactLine = (contact: SharedContact): string => {
  const name = isRecord(contact.name) ? contact.name : {};
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const who = text(name.formatted_name) ?? ([text(name.first_name), text(name.last_name)].filter(Boolean).join(' ') || undefined);
  const phones = Array.isArray(contact.phones) ? contact.phones.map((p) => (isRecord(p) ? text(p.phone) ?? text(p.wa_id) : undefined)).filter(Boolean) : [];
  return [who, ...phones].filter(Boolean).join(' ') || 'sin datos';
};

/** A Flow's answer in a line: its fields (the flow token left out), `nombre: Ana, fecha: lunes`. */
const flowLine = (response: unknown): string => {
  if (!isRecord(response)) return typeof response === 'string' ? response : '';
  return Object.entries(response)
    .filter(([key]) => key !== 'flow_token')
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
};

const cut = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

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
    if (replyType === 'nfm_reply') {
      // A WhatsApp Flow (or address message) answered: `response_json` is the form, as JSON text.
      const reply = requireRecord(interactive.nfm_reply, `${path}.interactive.nfm_reply`);
      const json = requireString(reply.response_json, `${path}.interactive.nfm_reply.response_json`);
      let response: unknown = json;
      try {
        response = JSON.parse(json);
      } catch {
        // Not JSON after all: kept as the text Meta sent.
      }
      const name = optionalString(reply.name, `${path}.interactive.nfm_reply.name`);
      const body = optionalString(reply.body, `${path}.interactive.nfm_reply.body`);
      const label = name === 'address_message' ? '📋 Dirección' : '📋 Formulario';
      const line = flowLine(response);
      return { text: cut(line ? `${label}: ${line}` : `${label} enviado`), content: { kind: 'flow', name, body, response }, keywords: [] };
    }
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
  if (type === 'contacts') {
    const contacts = optionalArray(message.contacts, `${path}.contacts`).map((c, i) => requireRecord(c, `${path}.contacts[${i}]`));
    if (!contacts.length) throw new MalformedWebhookError(`${path}.contacts`, `${path}.contacts must list at least one contact`);
    const text = contacts.length === 1 ? `📇 Contacto: ${contactLine(contacts[0])}` : `📇 ${contacts.length} contactos: ${contacts.map(contactLine).join('; ')}`;
    return { text: cut(text), content: { kind: 'contacts', contacts }, keywords: [] };
  }
  if (type === 'order') {
    const order = part('order');
    const items: OrderItem[] = optionalArray(order.product_items, `${path}.order.product_items`).map((raw, i) => {
      const item = requireRecord(raw, `${path}.order.product_items[${i}]`);
      const at = `${path}.order.product_items[${i}]`;
      return {
        productRetailerId: requireString(item.product_retailer_id, `${at}.product_retailer_id`),
        quantity: number(item.quantity, `${at}.quantity`),
        itemPrice: item.item_price === undefined || item.item_price === null ? undefined : number(item.item_price, `${at}.item_price`),
        currency: optionalString(item.currency, `${at}.currency`),
      };
    });
    const catalogId = optionalString(order.catalog_id, `${path}.order.catalog_id`);
    const note = optionalString(order.text, `${path}.order.text`);
    const quantity = items.reduce((sum, item) => sum + item.quantity, 0);
    const currencies = [...new Set(items.map((item) => item.currency))];
    const priced = items.every((item) => item.itemPrice !== undefined) && currencies.length === 1 && currencies[0];
    const total = priced ? ` (${items.reduce((sum, item) => sum + item.itemPrice! * item.quantity, 0).toFixed(2)} ${currencies[0]})` : '';
    const text = `🛒 Pedido: ${count(quantity, 'artículo', 'artículos')}${total}${note ? ` — ${note}` : ''}`;
    return { text: cut(text), content: { kind: 'order', catalogId, text: note, items }, keywords: [] };
  }
  if (type === 'system') {
    const system = part('system');
    const systemType = optionalString(system.type, `${path}.system.type`) ?? 'system';
    const body = optionalString(system.body, `${path}.system.body`);
    // `new_wa_id` before Graph v12, `wa_id` since.
    const waId = optionalString(system.wa_id, `${path}.system.wa_id`) ?? optionalString(system.new_wa_id, `${path}.system.new_wa_id`);
    const userId = optionalString(system.user_id, `${path}.system.user_id`);
    return { text: `ℹ️ ${body ?? systemType}`, content: { kind: 'system', systemType, body, waId, userId }, keywords: [] };
  }
  if (type === 'unsupported' || type === 'unknown') {
    const errors = readErrors(optionalArray(message.errors, `${path}.errors`), `${path}.errors`);
    const inner = optionalRecord(message.unsupported, `${path}.unsupported`);
    const what = optionalString(inner?.type, `${path}.unsupported.type`) ?? type;
    const reason = errors[0]?.details ?? errors[0]?.title;
    return { text: `⚠️ Mensaje que WhatsApp no puede mostrar (${what})${reason ? `: ${reason}` : ''}`, content: { kind: 'unsupported', type: what, errors }, keywords: [] };
  }
  if (type === 'edit') {
    // The customer edited an earlier message: the new version, applied to that message.
    const edit = part('edit');
    const targetId = requireString(edit.original_message_id, `${path}.edit.original_message_id`);
    const inner = requireRecord(edit.message, `${path}.edit.message`);
    const innerType = requireString(inner.type, `${path}.edit.message.type`);
    const { text, content } = readContent(inner, innerType, `${path}.edit.message`);
    return { text, content, keywords: [], action: { kind: 'edit', targetId, text, content } };
  }
  if (type === 'revoke') {
    const revoke = part('revoke');
    const targetId = requireString(revoke.original_message_id, `${path}.revoke.original_message_id`);
    return { text: '🚫 Mensaje eliminado', content: null, keywords: [], action: { kind: 'revoke', targetId } };
  }
  // request_welcome and whatever Meta adds later: kept, with its part of the payload as delivered.
  const data = Object.prototype.hasOwnProperty.call(message, type) ? message[type] : undefined;
  const body = isRecord(data) ? optionalString(data.body, `${path}.${type}.body`) : undefined;
  return { text: body ?? `[${type}]`, content: { kind: 'other', type, ...(data === undefined ? {} : { data }) }, keywords: [] };
}

/** The senders named in `contacts[]`: by wa_id and by business-scoped user id. */
interface Sender {
  waId?: string;
  userId?: string;
  name?: string;
  username?: string;
}

interface ValueContext {
  senders: Sender[];
  to: string | null;
  phoneNumberId: string | null;
}

function parseMessage(raw: unknown, path: string, value: ValueContext): InboundEvent {
  const message = requireRecord(raw, path);
  const id = requireString(message.id, `${path}.id`);
  const type = requireString(message.type, `${path}.type`);
  let from = optionalString(message.from, `${path}.from`) ?? null;
  let userId = optionalString(message.from_user_id, `${path}.from_user_id`) ?? null;
  // The sender as `contacts[]` names them; the only one when a message names nobody (Meta's
  // business-scoped user id example sends `contacts: [{ user_id }]` and a message without `from`).
  const sender =
    value.senders.find((s) => (from && s.waId === from) || (userId && s.userId === userId)) ??
    (value.senders.length === 1 && !from && !userId ? value.senders[0] : undefined);
  from ??= sender?.waId ?? null;
  userId ??= sender?.userId ?? null;
  if (!from && !userId) throw new MalformedWebhookError(`${path}.from`, `${path}.from is missing and nothing else names the sender (from_user_id, contacts[].wa_id / user_id)`);
  const { text, content, keywords, action } = readContent(message, type, path);
  const context = optionalRecord(message.context, `${path}.context`);
  const referral = optionalRecord(message.referral, `${path}.referral`);
  const profileName = sender?.name ?? (value.senders.length === 1 ? value.senders[0].name : undefined) ?? null;
  return {
    kind: 'message',
    key: id,
    providerMessageId: id,
    from,
    userId,
    username: sender?.username ?? null,
    profileName,
    to: value.to,
    phoneNumberId: value.phoneNumberId,
    at: timestamp(message.timestamp, `${path}.timestamp`),
    type,
    text: referral ? `${text}\n📣 Desde anuncio: ${String(referral.headline ?? referral.source_url ?? referral.source_id ?? '')}`.trimEnd() : text,
    keywordCandidates: keywords,
    content,
    replyTo: context ? optionalString(context.id, `${path}.context.id`) ?? null : null,
    referral: referral ?? null,
    action: action ?? null,
  };
}

/** A string field that may be missing or of the wrong type (metadata, names): undefined then. */
const loose = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined);

/** Each item read on its own: what does not read becomes an UnreadableEvent, the rest carry on. */
function each(list: unknown, path: string, holder: unknown, events: WebhookEvent[], read: (item: unknown, itemPath: string) => WebhookEvent | null) {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    events.push(unreadable(path, `${path} must be an array`, holder));
    return;
  }
  list.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    try {
      const event = read(item, itemPath);
      if (event) events.push(event);
    } catch (error) {
      if (!(error instanceof MalformedWebhookError)) throw error;
      events.push(unreadable(error.path, error.message, item, isRecord(item) ? loose(item.id) : null));
    }
  });
}

function readValue(value: Json, path: string, events: WebhookEvent[]) {
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const senders: Sender[] = [];
  each(value.contacts, `${path}.contacts`, value, events, (raw, at) => {
    const contact = requireRecord(raw, at);
    const profile = optionalRecord(contact.profile, `${at}.profile`);
    senders.push({
      waId: optionalString(contact.wa_id, `${at}.wa_id`),
      userId: optionalString(contact.user_id, `${at}.user_id`),
      name: optionalString(profile?.name, `${at}.profile.name`),
      username: optionalString(profile?.username, `${at}.profile.username`),
    });
    return null;
  });
  const context: ValueContext = { senders, to: loose(metadata.display_phone_number) ?? null, phoneNumberId: loose(metadata.phone_number_id) ?? null };
  each(value.statuses, `${path}.statuses`, value, events, (raw, at) => parseStatus(raw, at));
  each(value.messages, `${path}.messages`, value, events, (raw, at) => parseMessage(raw, at, context));
  if (value.errors !== undefined && value.errors !== null) {
    try {
      const errors = readErrors(optionalArray(value.errors, `${path}.errors`), `${path}.errors`);
      if (errors.length) events.push(providerErrors(errors, context.phoneNumberId, value.errors));
    } catch (error) {
      if (!(error instanceof MalformedWebhookError)) throw error;
      events.push(unreadable(error.path, error.message, value.errors));
    }
  }
}

/**
 * `{ event, message_template_id, message_template_name, message_template_language, reason,
 * message_template_category, other_info: { title, description }, rejection_info: { reason,
 * recommendation } }` (WhatsApp Business Account webhooks,
 * `message_template_status_update`). Keyed by the template, the event and the entry's time, so a
 * repeated delivery is stored once and a later pause of the same template is a new event.
 */
function readTemplateStatus(value: Record<string, unknown>, path: string, time: unknown): WebhookEvent {
  const name = typeof value.message_template_name === 'string' ? value.message_template_name.trim() : '';
  const event = typeof value.event === 'string' ? value.event.trim().toUpperCase() : '';
  if (!name || !event) return unreadable(path, 'a template status update needs event and message_template_name', value);
  const other = isRecord(value.other_info) ? value.other_info : {};
  const templateId = text(value.message_template_id);
  return {
    kind: 'template-status',
    key: `template:${templateId ?? name}:${text(value.message_template_language) ?? ''}:${event}:${text(time) ?? ''}`,
    event,
    templateId,
    name,
    language: text(value.message_template_language),
    reason: text(value.reason),
    // A pause or lock says why in other_info; a rejection for INVALID_FORMAT in rejection_info.
    description: text(other.description) ?? (isRecord(value.rejection_info) ? text(value.rejection_info.reason) : null),
    category: text(value.message_template_category)?.toUpperCase() ?? null,
  };
}

/** A template field's text: trimmed, numbers as text (Meta sends template ids as numbers), else null. */
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);
const upperText = (v: unknown) => text(v)?.toUpperCase() ?? null;

/**
 * `{ previous_quality_score, new_quality_score, message_template_id, message_template_name,
 * message_template_language }` (`message_template_quality_update`). Keyed by the template, the
 * new score and the entry's time.
 */
function readTemplateQuality(value: Record<string, unknown>, path: string, time: unknown): WebhookEvent {
  const name = text(value.message_template_name);
  const quality = upperText(value.new_quality_score);
  if (!name || !quality) return unreadable(path, 'a template quality update needs message_template_name and new_quality_score', value);
  const templateId = text(value.message_template_id);
  const language = text(value.message_template_language);
  return {
    kind: 'template-quality',
    key: `template-quality:${templateId ?? name}:${language ?? ''}:${quality}:${text(time) ?? ''}`,
    templateId,
    name,
    language,
    previous: upperText(value.previous_quality_score),
    quality,
  };
}

/**
 * `template_category_update`: `{ message_template_id, message_template_name,
 * message_template_language, previous_category, new_category }` once Meta changed the category,
 * or `{ …, correct_category, new_category (the current one), category_update_timestamp }` when it
 * announces the change 24 hours ahead. Keyed by the template, what it says and the entry's time.
 */
function readTemplateCategory(value: Record<string, unknown>, path: string, time: unknown): WebhookEvent {
  const name = text(value.message_template_name);
  const category = upperText(value.new_category);
  const correct = upperText(value.correct_category);
  if (!name || (!category && !correct)) return unreadable(path, 'a template category update needs message_template_name and new_category or correct_category', value);
  const templateId = text(value.message_template_id);
  const language = text(value.message_template_language);
  const seconds = Number(value.category_update_timestamp);
  return {
    kind: 'template-category',
    key: `template-category:${templateId ?? name}:${language ?? ''}:${upperText(value.previous_category) ?? ''}:${category ?? ''}:${correct ?? ''}:${text(time) ?? ''}`,
    templateId,
    name,
    language,
    previous: upperText(value.previous_category),
    category,
    correct,
    effectiveAt: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : null,
  };
}

/**
 * `user_preferences` (WhatsApp Business Account webhooks): `value.user_preferences[]`, each
 * `{ wa_id, detail, category: "marketing_messages", value: "stop" | "resume", timestamp }`. Keyed
 * by user, value and time: a repeated delivery is stored once, a later change is a new event.
 */
function readPreferences(value: Record<string, unknown>, path: string, events: WebhookEvent[]) {
  each(value.user_preferences, `${path}.user_preferences`, value, events, (raw, at) => {
    const item = requireRecord(raw, at);
    const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);
    const waId = text(item.wa_id);
    const choice = text(item.value)?.toLowerCase() ?? null;
    if (!waId || !choice) throw new MalformedWebhookError(at, 'a user preference needs wa_id and value');
    const seconds = Number(item.timestamp);
    const when = Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null;
    return {
      kind: 'preference',
      key: `preference:${waId}:${text(item.category) ?? ''}:${choice}:${text(item.timestamp) ?? ''}`,
      waId,
      category: text(item.category) ?? '',
      value: choice,
      detail: text(item.detail),
      at: when && !Number.isNaN(when.getTime()) ? when.toISOString() : null,
    };
  });
}

/** The entry's `time` (seconds), ISO; null when absent or not a time. */
const entryTime = (time: unknown): string | null => {
  const seconds = Number(time);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : null;
};

/**
 * `phone_number_quality_update`: `{ display_phone_number, event, current_limit, old_limit,
 * max_daily_conversations_per_business }` (and `max_daily_conversation_per_phone` where sent).
 * Keyed by number, event, limits and the entry's time: a repeat is stored once.
 */
function readNumberQuality(value: Record<string, unknown>, path: string, time: unknown): WebhookEvent {
  const number = text(value.display_phone_number);
  const event = upperText(value.event);
  if (!number || !event) return unreadable(path, 'a phone number quality update needs display_phone_number and event', value);
  const currentLimit = upperText(value.current_limit);
  const businessLimit = upperText(value.max_daily_conversations_per_business);
  const phoneLimit = upperText(value.max_daily_conversation_per_phone);
  return {
    kind: 'number-quality',
    key: `number-quality:${number}:${event}:${currentLimit ?? ''}:${businessLimit ?? ''}:${phoneLimit ?? ''}:${text(time) ?? ''}`,
    number,
    event,
    currentLimit,
    oldLimit: upperText(value.old_limit),
    businessLimit,
    phoneLimit,
    qualityRating: upperText(value.quality_rating) ?? upperText(value.current_quality_rating),
    at: entryTime(time),
  };
}

/**
 * `account_update`: `{ event, ban_info: { waba_ban_state, waba_ban_date }, violation_info:
 * { violation_type }, restriction_info: [{ restriction_type, expiration }], … }`. Any event is
 * kept, the ones we do not know included. Keyed by account, event, what it says and the time.
 */
function readAccountUpdate(value: Record<string, unknown>, path: string, entryId: unknown, time: unknown): WebhookEvent {
  const event = upperText(value.event);
  if (!event) return unreadable(path, 'an account update needs event', value);
  const ban = isRecord(value.ban_info) ? value.ban_info : {};
  const violation = isRecord(value.violation_info) ? value.violation_info : {};
  const rawRestrictions = Array.isArray(value.restriction_info) ? value.restriction_info : isRecord(value.restriction_info) ? [value.restriction_info] : [];
  const restrictions = rawRestrictions
    .filter(isRecord)
    .map((r) => ({ type: upperText(r.restriction_type) ?? 'UNKNOWN', expiration: text(r.expiration) }));
  const banState = upperText(ban.waba_ban_state);
  const violationType = upperText(violation.violation_type);
  return {
    kind: 'account-update',
    key: `account-update:${text(entryId) ?? ''}:${event}:${banState ?? ''}:${violationType ?? ''}:${restrictions.map((r) => r.type).join(',')}:${text(time) ?? ''}`,
    accountId: text(entryId),
    event,
    banState,
    banDate: text(ban.waba_ban_date),
    violationType,
    restrictions,
    value,
    at: entryTime(time),
  };
}

export function parseMetaWebhook(body: unknown): WebhookEvent[] {
  if (!isRecord(body)) return [unreadable('body', 'body must be an object', body)];
  if (typeof body.object !== 'string' || body.object.trim() === '') return [unreadable('object', 'object must be a non-empty string', body)];
  // Another product's webhook (a Page, Instagram) on the same app: nothing of ours in it.
  if (body.object !== 'whatsapp_business_account') return [];
  if (!Array.isArray(body.entry)) return [unreadable('entry', 'entry must be an array', body)];

  const events: WebhookEvent[] = [];
  body.entry.forEach((rawEntry: unknown, i: number) => {
    if (!isRecord(rawEntry)) {
      events.push(unreadable(`entry[${i}]`, `entry[${i}] must be an object`, rawEntry));
      return;
    }
    each(rawEntry.changes, `entry[${i}].changes`, rawEntry, events, (rawChange, path) => {
      const change = requireRecord(rawChange, path);
      if (change.field === 'message_template_status_update') {
        events.push(readTemplateStatus(requireRecord(change.value, `${path}.value`), `${path}.value`, rawEntry.time));
        return null;
      }
      if (change.field === 'message_template_quality_update') {
        events.push(readTemplateQuality(requireRecord(change.value, `${path}.value`), `${path}.value`, rawEntry.time));
        return null;
      }
      if (change.field === 'template_category_update') {
        events.push(readTemplateCategory(requireRecord(change.value, `${path}.value`), `${path}.value`, rawEntry.time));
        return null;
      }
      if (change.field === 'phone_number_quality_update') {
        events.push(readNumberQuality(requireRecord(change.value, `${path}.value`), `${path}.value`, rawEntry.time));
        return null;
      }
      if (change.field === 'account_update') {
        events.push(readAccountUpdate(requireRecord(change.value, `${path}.value`), `${path}.value`, rawEntry.id, rawEntry.time));
        return null;
      }
      if (change.field === 'user_preferences') {
        readPreferences(requireRecord(change.value, `${path}.value`), `${path}.value`, events);
        return null;
      }
      if (change.field !== 'messages') return null;
      readValue(requireRecord(change.value, `${path}.value`), `${path}.value`, events);
      return null;
    });
  });
  return events;
}
