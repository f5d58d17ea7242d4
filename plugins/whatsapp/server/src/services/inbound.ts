import { createId } from '@paralleldrive/cuid2';
import type { Core, UID as StrapiUID } from '@strapi/strapi';
import type { CountryCode } from 'libphonenumber-js';
import { LIVE_EVENTS, STATUS, UID } from '../constants';
import { inboundTime } from '../lib/inbound-time';
import { matchKeyword, type KeywordMatch } from '../lib/keywords';
import { normalizePhone, PhoneError } from '../lib/phone';
import { getService, toDate } from '../utils';
import { isUniqueViolation } from '../utils/db-errors';
import { RuleError } from '../utils/errors';
import { serializeMessage } from '../utils/serialize';
import { DELETED_PREVIEW, preview } from '../utils/serialize-inbox';
import { columnOf, fromColumns, isPostgres, tableOf, toColumns } from '../utils/sql';
import type { Contact } from './contacts';
import type { Message } from './messages';
import type { Sender } from './senders';
import type { InboundAction, InboundContent, InboundEvent, PreferenceEvent, WebhookProvider } from '../providers/webhook-events';
import type { EventOutcome } from './webhooks';
import { UnappliableEventError } from './webhooks';
import { readConfig } from '../config';

/** A reply counts as an answer to our last message tied to a record if it comes within 7 days. */
const FOLLOW_UP_LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;
/** Staff are expected to act on a follow-up within a day. */
const FOLLOW_UP_DUE_MS = 24 * 60 * 60 * 1000;
/** Our messages a customer may be answering: the ones that reached (or may have reached) them. */
const ANSWERABLE: string[] = [STATUS.sending, STATUS.sent, STATUS.delivered, STATUS.read, STATUS.unknown];

/** Short confirmations, in Spanish like our customers; sent as free text (they just wrote). */
export const KEYWORD_CONFIRMATIONS: Record<KeywordMatch, string> = {
  'opt-out': 'Listo, ya no te enviaremos promociones por WhatsApp. Si cambias de opinión, responde ALTA.',
  'opt-in': '¡Gracias! Volverás a recibir nuestras promociones por WhatsApp. Para dejar de recibirlas, responde BAJA.',
};

type Conversation = Record<string, any> & { id: number; contactId: number; senderId: number };
/** The connection or a transaction on it. */
type Db = Core.Strapi['db']['connection'];
type Outbound = { id: number; templateId: number | null; relatedType: string | null; relatedId: string | null };

/** A number as the provider delivered it: normalised by our parser, or taken as given and flagged. */
interface ProviderPhone {
  e164: string;
  /** Our parser does not know the number; the provider's word for it is kept (E.164 digits). */
  unverified: boolean;
}

/** What applying an inbound event did: the message it wrote or changed, and the event's outcome. */
export interface Received {
  messageId: number | null;
  created: boolean;
  outcome?: EventOutcome;
}

/** Kinds the `media` column has always carried (the admin shows them from there); the rest are in `content` only. */
const MEDIA_KINDS = new Set(['image', 'document', 'audio', 'video', 'sticker', 'location', 'button', 'interactive', 'reaction', 'other']);
const FILE_KINDS = new Set(['image', 'document', 'audio', 'video', 'sticker']);

/** The `media` column: files and the kinds it carried before `content` existed (an unknown type without its data). */
const mediaColumn = (content: InboundContent | null | undefined): unknown => {
  if (!content || !MEDIA_KINDS.has(content.kind)) return null;
  if (content.kind === 'other') return { kind: 'other', type: content.type };
  return content;
};

/** The `content` column: what the message carries in structured form (not files: those are `media`), with the ad it came from. */
const contentColumn = (content: InboundContent | null | undefined, referral: unknown): Record<string, unknown> | null => {
  const structured = content && !FILE_KINDS.has(content.kind) ? { ...content } : null;
  if (!referral) return structured;
  return { ...(structured ?? { kind: content?.kind ?? 'text' }), referral };
};

/** Number changes WhatsApp reports (`customer_changed_number` before Graph v12). */
const NUMBER_CHANGED = new Set(['user_changed_number', 'customer_changed_number']);

/**
 * A customer's message arriving through a webhook: the contact (a new number becomes a lead,
 * once), the conversation with our number, the message row with the unread count, and what the
 * reply means: an opt-out or opt-in keyword, or a follow-up for staff when it answers a message
 * about a business record.
 *
 * Every step is idempotent, because an event is applied again if the process stops halfway:
 * the message insert and the unread count share one transaction and the rest checks before it
 * writes (consent only when it changes, confirmations under an idempotency key, one open
 * follow-up per conversation, a reply counted on it once).
 */
const createInboundService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;

  /**
   * A number the provider gives (Meta's wa_id, Twilio's From / WaId). Normalised like every
   * number when our parser knows it; otherwise the provider is authoritative: the digits are
   * kept as E.164 (`+` and 7 to 15 digits, what WhatsApp itself accepts) and the contact is
   * flagged `phoneUnverified`, so the message still reaches the inbox. Only what has no shape
   * of a number at all cannot be applied.
   */
  const providerPhone = async (provider: WebhookProvider, ...given: Array<string | null | undefined>): Promise<ProviderPhone | null> => {
    const inputs = given.filter((value): value is string => typeof value === 'string' && value.trim() !== '');
    if (!inputs.length) return null;
    const { defaultCountry } = await getService('settings').get();
    let refusal: PhoneError | null = null;
    for (const from of inputs) {
      // Meta's wa_id is international digits without the plus (`5215512345678`).
      const input = provider === 'meta' && /^\d+$/.test(from) ? `+${from}` : from;
      try {
        return { e164: normalizePhone(input, defaultCountry as CountryCode).e164, unverified: false };
      } catch (error) {
        if (!(error instanceof PhoneError)) throw error;
        refusal ??= error;
      }
    }
    for (const from of inputs) {
      const digits = from.replace(/^(?:whatsapp|tel):/i, '').trim().replace(/^\+/, '');
      if (/^[1-9]\d{6,14}$/.test(digits)) return { e164: `+${digits}`, unverified: true };
    }
    throw new UnappliableEventError(`The sender is not a phone number: ${refusal?.message ?? inputs[0]}`);
  };

  const contactTable = () => tableOf(UID.contact);
  const byUserId = async (userId: string): Promise<Contact | null> => strapi.db.query(UID.contact).findOne({ where: { providerUserId: userId } });
  const byPhone = (phone: string) => getService('contacts').findByPhone(phone);

  /** A contact known only by their business-scoped user id (no number): found, or created once. */
  const findOrCreateByUserId = async (userId: string, profile: Record<string, unknown>): Promise<Contact> => {
    const existing = await byUserId(userId);
    if (existing) return existing;
    const now = new Date();
    try {
      return await strapi.db.query(UID.contact).create({ data: { locale: 'es-MX', ...profile, phone: null, providerUserId: userId, createdAt: now, updatedAt: now } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const raced = await byUserId(userId);
      if (!raced) throw error;
      return raced;
    }
  };

  /** Writes what a contact lacks (a number, a user id, the username, the flag); a value another contact holds stays theirs. */
  const fillContact = async (contact: Contact, changes: Record<string, unknown>): Promise<Contact> => {
    const entries = Object.entries(changes).filter(([key, value]) => value !== undefined && contact[key] !== value);
    if (!entries.length) return contact;
    let updated = contact;
    for (const [key, value] of entries) {
      try {
        await knex()(contactTable())
          .where({ id: contact.id })
          .update(toColumns(UID.contact, { [key]: value, updatedAt: new Date() }));
        updated = { ...updated, [key]: value };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    return updated;
  };

  /**
   * The customer: by their business-scoped user id first (it names one person for our business),
   * else by their number (a new number becomes a lead, once), else a contact known only by the
   * user id. What the contact lacks is filled in from the event.
   */
  const resolveContact = async (event: InboundEvent, phone: ProviderPhone | null): Promise<Contact> => {
    const userId = event.userId?.trim() || null;
    if (!phone && !userId) throw new UnappliableEventError('The message names no sender: no phone number and no business-scoped user id');
    const profile = { source: 'inbound' as const, isLead: true, name: event.profileName ?? event.username ?? null, profileName: event.profileName };
    let contact = userId ? await byUserId(userId) : null;
    if (!contact && phone) ({ contact } = await getService('contacts').findOrCreate(phone.e164, profile));
    contact ??= await findOrCreateByUserId(userId!, { ...profile, username: event.username ?? null });
    const changes: Record<string, unknown> = {};
    if (userId && !contact.providerUserId) changes.providerUserId = userId;
    if (event.username && event.username !== contact.username) changes.username = event.username;
    if (phone && !contact.phone && !(await byPhone(phone.e164))) changes.phone = phone.e164;
    // The flag follows our parser's current opinion of the number the contact has.
    if (phone && (changes.phone ?? contact.phone) === phone.e164 && Boolean(contact.phoneUnverified) !== phone.unverified) changes.phoneUnverified = phone.unverified;
    return fillContact(contact, changes);
  };

  /** Who the customer is in a message row's `from`: their number, else their user id. */
  const senderOf = (contact: Contact, phone: ProviderPhone | null, event: InboundEvent) => phone?.e164 ?? contact.phone ?? event.userId ?? contact.providerUserId ?? null;

  /** Our number the customer wrote to; any sender of that provider when the number is not ours (yet). */
  const senderFor = async (provider: WebhookProvider, event: InboundEvent): Promise<Sender> => {
    const senders = await getService('senders').list();
    const digits = (value: string | null | undefined) => (value ?? '').replace(/\D/g, '');
    const to = digits(event.to);
    const own = senders.filter((s) => s.provider === provider);
    return (
      (to ? own.find((s) => digits(s.number) === to) : undefined) ??
      (event.phoneNumberId ? own.find((s) => s.number === `meta:${event.phoneNumberId}`) : undefined) ??
      (to ? senders.find((s) => digits(s.number) === to) : undefined) ??
      own.find((s) => s.active) ??
      own[0] ??
      (await getService('senders').resolve())
    );
  };

  /** The customer wrote: the 24-hour window opens (never moves back), the profile name follows WhatsApp. */
  const touchContact = async (contact: Contact, wroteAt: Date, profileName: string | null) => {
    const k = knex();
    const lastInbound = columnOf(UID.contact, 'lastInboundAt');
    await k(tableOf(UID.contact))
      .where({ id: contact.id })
      .update({
        [lastInbound]: k.raw('CASE WHEN ?? IS NULL OR ?? < ? THEN ? ELSE ?? END', [lastInbound, lastInbound, wroteAt, wroteAt, lastInbound]),
        ...(profileName && profileName !== contact.profileName ? { [columnOf(UID.contact, 'profileName')]: profileName } : {}),
        [columnOf(UID.contact, 'updatedAt')]: new Date(),
      });
  };

  /** One conversation per contact and sender, safe when two messages race to open it. */
  const conversationFor = async (contactId: number, senderId: number): Promise<Conversation> => {
    const t = tableOf(UID.conversation);
    const key = toColumns(UID.conversation, { contactId, senderId });
    const find = async () => {
      const row = await knex()(t).where(key).first();
      return row ? fromColumns<Conversation>(UID.conversation, row) : null;
    };
    const existing = await find();
    if (existing) return existing;
    const now = new Date();
    await knex()(t)
      .insert(toColumns(UID.conversation, { documentId: createId(), contactId, senderId, state: 'open', unreadCount: 0, createdAt: now, updatedAt: now }))
      .onConflict(Object.keys(key))
      .ignore();
    const created = await find();
    if (!created) throw new Error(`Conversation of contact ${contactId} with sender ${senderId} could not be created`);
    return created;
  };

  /**
   * The message of ours this one answers: the one quoted (Meta context.id, Twilio
   * OriginalRepliedMessageSid), else the contact's latest recent message about a business record
   * or from a template that asks for follow-ups.
   */
  const answered = async (provider: WebhookProvider, event: InboundEvent, contactId: number): Promise<Outbound | null> => {
    const t = tableOf(UID.message);
    const names = provider === 'twilio' ? ['twilio', 'twilio-sms'] : ['meta'];
    const columns = ['id', 'template_id', 'related_type', 'related_id'];
    const read = (row: Record<string, unknown> | undefined): Outbound | null =>
      row
        ? { id: Number(row.id), templateId: row.template_id ? Number(row.template_id) : null, relatedType: (row.related_type as string) ?? null, relatedId: (row.related_id as string) ?? null }
        : null;
    if (event.replyTo) {
      const quoted = await knex()(t).select(columns).where({ direction: 'out', provider_message_id: event.replyTo }).whereIn('provider', names).first();
      if (quoted) return read(quoted);
    }
    const followUpTemplates = knex()(tableOf(UID.template)).select('id').where(columnOf(UID.template, 'createsFollowUp'), true);
    const recent = await knex()(t)
      .select(columns)
      .where({ contact_id: contactId, direction: 'out' })
      .whereIn('status', ANSWERABLE)
      .where('created_at', '>=', new Date(Date.now() - FOLLOW_UP_LOOKBACK_MS))
      .where((q) => q.whereNotNull('related_type').orWhereIn('template_id', followUpTemplates))
      .orderBy('id', 'desc')
      .first();
    return read(recent);
  };

  /**
   * Inserts the message and counts it unread in one transaction; null when it was already there.
   * A notice (`unread: false`: WhatsApp telling us the customer changed number) is written to
   * the thread without counting, reopening or moving the conversation.
   */
  const insertMessage = async (data: Record<string, unknown>, conversation: Conversation, wroteAt: Date, related: Outbound | null, { unread = true } = {}): Promise<number | null> =>
    knex().transaction(async (trx) => {
      const id = await getService('queue').recordInbound(trx, data);
      if (id === null || !unread) return id;
      const col = (attribute: string) => columnOf(UID.conversation, attribute);
      const [lastInbound, lastAt] = [col('lastInboundAt'), col('lastMessageAt')];
      await trx(tableOf(UID.conversation))
        .where({ id: conversation.id })
        .update({
          [col('unreadCount')]: trx.raw('COALESCE(??, 0) + 1', [col('unreadCount')]),
          // The customer writing reopens a closed conversation.
          [col('state')]: 'open',
          [lastInbound]: trx.raw('CASE WHEN ?? IS NULL OR ?? < ? THEN ? ELSE ?? END', [lastInbound, lastInbound, wroteAt, wroteAt, lastInbound]),
          [col('lastMessagePreview')]: trx.raw('CASE WHEN ?? IS NULL OR ?? <= ? THEN ? ELSE ?? END', [lastAt, lastAt, wroteAt, preview(String(data.body ?? '')), col('lastMessagePreview')]),
          [lastAt]: trx.raw('CASE WHEN ?? IS NULL OR ?? < ? THEN ? ELSE ?? END', [lastAt, lastAt, wroteAt, wroteAt, lastAt]),
          ...(related?.relatedType ? { [col('relatedType')]: related.relatedType, [col('relatedId')]: related.relatedId } : {}),
          [col('updatedAt')]: new Date(),
        });
      return id;
    });

  const confirm = async (match: KeywordMatch, contact: Contact, conversation: Conversation, inboundId: number) => {
    const input = {
      // A contact known only by their business-scoped user id is answered through it.
      to: contact.phone ?? contact.providerUserId,
      body: KEYWORD_CONFIRMATIONS[match],
      category: 'service' as const,
      idempotencyKey: `keyword-confirmation:${inboundId}`,
    };
    const options = { source: 'inbox' as const, conversationId: conversation.id };
    try {
      await getService('messages').create({ ...input, sender: conversation.senderId }, options);
    } catch (error) {
      // Our number may have been switched off since: the default sender confirms instead.
      if (!(error instanceof RuleError && error.path === 'sender')) throw error;
      await getService('messages').create(input, options);
    }
  };

  /** STOP / BAJA / "no más" revoke marketing consent at once; START / ALTA grant it. Both confirmed. */
  const applyKeyword = async (match: KeywordMatch, contactId: number, conversation: Conversation, inbound: { id: number; text: string }, provider: WebhookProvider) => {
    const contact = await getService('contacts').findOneOrFail(contactId);
    const evidence = `Replied "${inbound.text.slice(0, 200)}" on WhatsApp (message ${inbound.id}, via ${provider})`;
    if (match === 'opt-out') {
      if (contact.marketingConsent || !contact.optedOutAt) {
        await getService('consent').record(contact, { purpose: 'marketing', granted: false, method: 'keyword', evidence, actor: 'contact' });
      }
      // Marketing not yet handed to a provider is cancelled; one conditional UPDATE, so it cannot
      // race with the dispatcher's claim.
      const cancelled = await getService('queue').cancelMarketing(contactId, 'opted-out', 'Cancelled: the contact replied with an opt-out keyword');
      getService('live').publishStatuses(cancelled);
    } else if (!contact.marketingConsent) {
      await getService('consent').record(contact, { purpose: 'marketing', granted: true, method: 'keyword', evidence, actor: 'contact' });
    }
    await confirm(match, contact, conversation, inbound.id);
  };

  /** The stored title, in English for API clients; the admin writes its own from `kind` and `excerpt`. */
  const followUpTitle = (contact: Contact, excerpt: string) =>
    `Reply from ${contact.name || contact.profileName || contact.phone || contact.username || contact.providerUserId}: ${excerpt}`.slice(0, 255);

  /**
   * One open "reply needed" task per conversation: a customer reply while one is open updates it
   * (the latest words, one more reply, when) instead of opening another, so five messages in a
   * row are one thing to do, not five. Created only for a reply to a message about a business
   * record or a template that asks for follow-ups. The conversation row is locked while this
   * runs (PostgreSQL; SQLite writes one at a time), so two replies arriving together cannot both
   * find nothing open and both create one. Applying the same message again changes nothing: it
   * is counted only if newer than the last one counted.
   */
  const followUpFor = async (contact: Contact, conversation: Conversation, inbound: { id: number; text: string }, at: Date, target: Outbound | null) =>
    knex().transaction(async (trx) => {
      const t = tableOf(UID.followUp);
      const col = (attribute: string) => columnOf(UID.followUp, attribute);
      const assigneeColumn = columnOf(UID.conversation, 'assigneeId');
      let lock = trx(tableOf(UID.conversation)).select('id', assigneeColumn).where({ id: conversation.id });
      if (isPostgres()) lock = lock.forUpdate();
      // The assignee as it is now (it may have changed since this event was received).
      const locked: Record<string, unknown> | undefined = await lock.first();
      const assigneeId = locked?.[assigneeColumn] == null ? null : Number(locked[assigneeColumn]);
      const openReplies = () =>
        trx(t)
          .where(col('conversationId'), conversation.id)
          .where(col('state'), 'open')
          // Follow-ups written before `kind` existed were all reply tasks.
          .where((q) => q.where(col('kind'), 'reply').orWhereNull(col('kind')));
      const excerpt = preview(inbound.text, 120);
      const now = new Date();
      const bumped = await openReplies()
        .whereRaw('COALESCE(??, ??) < ?', [col('lastMessageId'), col('messageId'), inbound.id])
        .update({
          ...toColumns(UID.followUp, { lastMessageId: inbound.id, lastReplyAt: at, excerpt, title: followUpTitle(contact, excerpt), updatedAt: now }),
          [col('replyCount')]: trx.raw('COALESCE(??, 1) + 1', [col('replyCount')]),
        });
      if (Number(bumped) > 0 || !target) return;
      if (await openReplies().first()) return;
      await trx(t)
        .insert(
          toColumns(UID.followUp, {
            documentId: createId(),
            contactId: contact.id,
            conversationId: conversation.id,
            messageId: inbound.id,
            lastMessageId: inbound.id,
            replyToMessageId: target.id,
            kind: 'reply',
            excerpt,
            replyCount: 1,
            lastReplyAt: at,
            title: followUpTitle(contact, excerpt),
            due: new Date(now.getTime() + FOLLOW_UP_DUE_MS),
            assigneeId,
            state: 'open',
            relatedType: target.relatedType,
            relatedId: target.relatedId,
            createdAt: now,
            updatedAt: now,
          })
        )
        .onConflict([col('messageId')])
        .ignore();
    });

  const isContentType = (uid: string): uid is StrapiUID.ContentType => Object.prototype.hasOwnProperty.call(strapi.contentTypes, uid);
  let warnedLeadType = false;

  /**
   * WHATSAPP_LEAD_CONTENT_TYPE (e.g. `api::customer.customer`): a new number also becomes a record
   * of the host application (name + phone), linked from the contact. The link is claimed with a
   * conditional update, so two instances never leave two records linked to one lead.
   */
  const linkLead = async (contactId: number) => {
    const uid = readConfig().leadContentType;
    if (!uid) return;
    if (!isContentType(uid)) {
      if (!warnedLeadType) strapi.log.warn(`[whatsapp] WHATSAPP_LEAD_CONTENT_TYPE "${uid}" is not a content type: leads stay WhatsApp contacts only`);
      warnedLeadType = true;
      return;
    }
    const contact = await getService('contacts').findOne(contactId);
    if (!contact || contact.relatedType || !contact.isLead || contact.source !== 'inbound') return;
    const attributes = strapi.contentTypes[uid].attributes;
    const data: Record<string, unknown> = {};
    if ('name' in attributes) data.name = contact.profileName || contact.name || contact.phone || contact.username || contact.providerUserId;
    if ('phone' in attributes && contact.phone) data.phone = contact.phone;
    try {
      const documents = strapi.documents(uid);
      const record = await documents.create({ data } as Parameters<typeof documents.create>[0]);
      const linked = await knex()(tableOf(UID.contact))
        .where({ id: contactId })
        .whereNull(columnOf(UID.contact, 'relatedType'))
        .update(toColumns(UID.contact, { relatedType: uid, relatedId: record.documentId, updatedAt: new Date() }));
      if (!linked) await documents.delete({ documentId: record.documentId });
    } catch (error) {
      // Optional and the host's rules may refuse it: the lead stays a contact, tried again next message.
      strapi.log.warn(`[whatsapp] could not create the ${uid} record for lead ${contact.phone ?? contact.providerUserId}: ${(error as Error).message}`);
    }
  };

  const providerNames = (provider: WebhookProvider) => (provider === 'twilio' ? ['twilio', 'twilio-sms'] : ['meta']);

  /** After an edit, a deletion or a reaction: the changed message and its conversation, live. */
  const publishChanged = async (messageId: number) => {
    const message: Message | null = await strapi.db.query(UID.message).findOne({ where: { id: messageId } });
    if (!message) return;
    const [withFile] = await getService('inboundMedia').withFiles([message]);
    // The admin replaces a message in place on this event (as when its file is stored).
    getService('live').publish(LIVE_EVENTS.messageMedia, { conversationId: message.conversationId ?? null, message: serializeMessage(withFile) });
    if (message.conversationId) await getService('inbox').publishConversation(message.conversationId);
  };

  /** The conversation's preview follows its last message when that message changed. */
  const refreshPreview = async (trx: Db, target: Record<string, unknown>, text: string) => {
    const conversationId = Number(target.conversationId);
    if (!conversationId) return;
    const m = (attribute: string) => columnOf(UID.message, attribute);
    const latest = await trx(tableOf(UID.message)).where(m('conversationId'), conversationId).max({ id: 'id' }).first();
    if (Number(latest?.id) !== Number(target.id)) return;
    await trx(tableOf(UID.conversation))
      .where({ id: conversationId })
      .update(toColumns(UID.conversation, { lastMessagePreview: preview(text), updatedAt: new Date() }));
  };

  /**
   * An edit or a deletion (Meta `edit`, `revoke`): applied to the customer's earlier message, no
   * new message and nothing unread. An edit of a message we never received is kept as a message
   * of its own (its text would be lost otherwise); a deletion of one is `unmatched`.
   */
  const applyAction = async (provider: WebhookProvider, event: InboundEvent, action: InboundAction, receivedAt: Date): Promise<Received | null> => {
    const at = toDate(event.at) ?? receivedAt;
    const changed = await knex().transaction(async (trx) => {
      const target = await getService('queue').findByProviderId(trx, providerNames(provider), action.targetId);
      if (!target || target.direction !== 'in') return null;
      if (action.kind === 'revoke') {
        await getService('queue').markDeleted(trx, Number(target.id), at);
        await refreshPreview(trx, target, DELETED_PREVIEW);
      } else {
        const content = contentColumn(action.content, null);
        await getService('queue').applyEdit(trx, target, { editId: event.providerMessageId, at, body: action.text, content });
        if (!target.deletedAt) await refreshPreview(trx, target, action.text);
      }
      return Number(target.id);
    });
    if (changed === null) {
      if (action.kind === 'revoke') return { messageId: null, created: false, outcome: 'unmatched' };
      return null;
    }
    await publishChanged(changed);
    return { messageId: changed, created: false, outcome: 'applied' };
  };

  /**
   * A reaction to a message we know (ours or theirs): kept on that message (`reaction`, the
   * latest wins, an empty emoji takes it back), not a message of its own. Null when the message
   * is unknown: the reaction is then kept as a short message, as before.
   */
  const attachReaction = async (provider: WebhookProvider, event: InboundEvent, content: Extract<InboundContent, { kind: 'reaction' }>, receivedAt: Date): Promise<Received | null> => {
    if (!content.messageId) return null;
    const at = toDate(event.at) ?? receivedAt;
    const targetId = await knex().transaction(async (trx) => {
      const target = await getService('queue').findByProviderId(trx, providerNames(provider), content.messageId!);
      if (!target) return null;
      await getService('queue').setReaction(trx, target, { emoji: content.emoji, at, providerMessageId: event.providerMessageId });
      return Number(target.id);
    });
    if (targetId === null) return null;
    const phone = await providerPhone(provider, event.from, event.waId ? `+${event.waId}` : null);
    const contact = await resolveContact(event, phone);
    // Reacting is the customer writing to us, as it was when reactions were messages of their own.
    await touchContact(contact, inboundTime(event.at, receivedAt), event.profileName);
    await publishChanged(targetId);
    return { messageId: targetId, created: false, outcome: 'applied' };
  };

  /** Readable line for a number change: `🔄 Cambió su número de WhatsApp de +1… a +1…`. */
  const numberChangeLine = (from: string | null, to: string | null) => `🔄 Cambió su número de WhatsApp${from ? ` de ${from}` : ''}${to ? ` a ${to}` : ''}`;

  /**
   * A notice from WhatsApp (Meta `system`). `user_changed_number`: the contact keeps its thread
   * and takes the new number (the old one joins `phoneHistory`; a new business-scoped user id
   * replaces the old too), unless another contact already has that number (then both stay as
   * they are and the notice says so). Every notice is a line in the thread, not counted unread.
   */
  const applySystem = async (provider: WebhookProvider, event: InboundEvent, content: Extract<InboundContent, { kind: 'system' }>, receivedAt: Date): Promise<Received> => {
    const at = toDate(event.at) ?? receivedAt;
    const oldPhone = await providerPhone(provider, event.from, event.waId ? `+${event.waId}` : null);
    const newPhone = NUMBER_CHANGED.has(content.systemType) ? await providerPhone(provider, content.waId) : null;
    const newUserId = content.userId?.trim() || null;
    const userId = event.userId?.trim() || null;
    let contact = (userId ? await byUserId(userId) : null) ?? (oldPhone ? await byPhone(oldPhone.e164) : null);
    let text = event.text;
    if (NUMBER_CHANGED.has(content.systemType) || content.systemType === 'user_changed_user_id') {
      let takenBy: Contact | null = null;
      if (!contact) {
        // Never heard of the old number: the customer is who they are now.
        contact = await resolveContact({ ...event, from: newPhone?.e164 ?? null, userId: newUserId ?? userId }, newPhone);
      } else {
        const stored: unknown = typeof contact.phoneHistory === 'string' ? JSON.parse(contact.phoneHistory) : contact.phoneHistory;
        const history = Array.isArray(stored) ? stored : [];
        const changes: Record<string, unknown> = {};
        takenBy = newPhone && newPhone.e164 !== contact.phone ? await byPhone(newPhone.e164) : null;
        if (newPhone && newPhone.e164 !== contact.phone && !takenBy) {
          changes.phone = newPhone.e164;
          changes.phoneUnverified = newPhone.unverified;
        }
        if (newUserId && newUserId !== contact.providerUserId && !(await byUserId(newUserId))) changes.providerUserId = newUserId;
        if (Object.keys(changes).length) {
          // The number (and user id) it had until now, kept on the contact.
          const entry = { phone: contact.phone ?? null, providerUserId: contact.providerUserId ?? null, until: at.toISOString(), reason: content.systemType };
          contact = await fillContact(contact, { ...changes, phoneHistory: JSON.stringify([...history, entry]) });
        }
      }
      if (NUMBER_CHANGED.has(content.systemType)) {
        text = numberChangeLine(oldPhone?.e164 ?? null, newPhone?.e164 ?? null);
        if (takenBy) text += ` (ese número ya es otro contacto, #${takenBy.id}: no se unieron)`;
      }
    } else {
      contact ??= await resolveContact(event, oldPhone);
    }
    const sender = await senderFor(provider, event);
    const conversation = await conversationFor(contact.id, sender.id);
    const now = new Date();
    const insertedId = await insertMessage(
      {
        contactId: contact.id,
        to: sender.number,
        from: oldPhone?.e164 ?? userId ?? contact.phone ?? contact.providerUserId,
        senderId: sender.id,
        body: text,
        media: null,
        content: contentColumn(content, event.referral),
        category: 'service',
        provider,
        providerMessageId: event.providerMessageId,
        channel: 'whatsapp',
        conversationId: conversation.id,
        receivedAt: at,
        createdAt: now,
        updatedAt: now,
      },
      conversation,
      inboundTime(event.at, receivedAt),
      null,
      { unread: false }
    );
    const message: Message | null = await strapi.db.query(UID.message).findOne({ where: insertedId ? { id: insertedId } : { provider, providerMessageId: event.providerMessageId } });
    if (insertedId && message) {
      getService('live').publish(LIVE_EVENTS.messageCreated, { conversationId: conversation.id, message: serializeMessage(message) });
      await getService('inbox').publishConversation(conversation.id);
    }
    return { messageId: message?.id ?? null, created: insertedId !== null, outcome: 'applied' };
  };

  return {
    /**
     * Meta's `user_preferences`: the customer stopped or resumed marketing messages in WhatsApp's
     * own settings. A stop revokes marketing consent and cancels marketing not yet handed to a
     * provider, as the STOP keyword does; a resume grants it back, as START does (the ledger says
     * it came from Meta). A number we do not hold, or another category, is kept and ignored.
     */
    async applyPreference(event: PreferenceEvent): Promise<{ outcome: 'applied' | 'ignored'; error?: string }> {
      if (event.category !== 'marketing_messages' || !['stop', 'resume'].includes(event.value)) {
        return { outcome: 'ignored', error: `preference ${event.category}=${event.value} is not one this product applies` };
      }
      const phone = await providerPhone('meta', event.waId).catch(() => null);
      const contact = (phone ? await byPhone(phone.e164) : null) ?? (await byUserId(event.waId));
      if (!contact) return { outcome: 'ignored', error: `no contact for WhatsApp user ${event.waId}` };
      const evidence = `WhatsApp settings: ${event.detail ?? (event.value === 'stop' ? 'User requested to stop marketing messages' : 'User requested to resume marketing messages')} (Meta user_preferences${event.at ? `, ${event.at}` : ''})`;
      const at = event.at ? new Date(event.at) : undefined;
      if (event.value === 'stop') {
        if (contact.marketingConsent || !contact.optedOutAt) {
          await getService('consent').record(contact, { purpose: 'marketing', granted: false, method: 'provider', evidence, actor: 'contact', at });
        }
        const cancelled = await getService('queue').cancelMarketing(contact.id, 'opted-out', 'Cancelled: the contact stopped marketing messages in WhatsApp');
        getService('live').publishStatuses(cancelled);
        return { outcome: 'applied' };
      }
      if (!contact.marketingConsent) {
        await getService('consent').record(contact, { purpose: 'marketing', granted: true, method: 'provider', evidence, actor: 'contact', at });
      }
      return { outcome: 'applied' };
    },

    async receive(provider: WebhookProvider, event: InboundEvent, receivedAt: Date): Promise<Received> {
      if (event.action) {
        const done = await applyAction(provider, event, event.action, receivedAt);
        if (done) return done;
      }
      if (event.content?.kind === 'reaction') {
        const done = await attachReaction(provider, event, event.content, receivedAt);
        if (done) return done;
      }
      if (event.content?.kind === 'system') return applySystem(provider, event, event.content, receivedAt);

      const phone = await providerPhone(provider, event.from, event.waId ? `+${event.waId}` : null);
      const sender = await senderFor(provider, event);
      const contact = await resolveContact(event, phone);
      const wroteAt = inboundTime(event.at, receivedAt);
      await touchContact(contact, wroteAt, event.profileName);
      const conversation = await conversationFor(contact.id, sender.id);
      const target = await answered(provider, event, contact.id);
      const now = new Date();
      // An edit of a message we never received: its text, marked edited.
      const orphanEdit = event.action?.kind === 'edit' ? event.action : null;
      const content = orphanEdit ? orphanEdit.content : event.content;
      const row = (providerMessageId: string, body: string, item: InboundContent | null, referral: unknown) => ({
        contactId: contact.id,
        to: sender.number,
        from: senderOf(contact, phone, event),
        senderId: sender.id,
        body,
        media: mediaColumn(item),
        content: contentColumn(item, referral),
        mediaStatus: getService('inboundMedia').initialStatus(item),
        category: 'service',
        provider,
        providerMessageId,
        channel: 'whatsapp',
        conversationId: conversation.id,
        relatedType: target?.relatedType ?? null,
        relatedId: target?.relatedId ?? null,
        receivedAt: toDate(event.at) ?? receivedAt,
        ...(orphanEdit ? { editedAt: toDate(event.at) ?? receivedAt } : {}),
        createdAt: now,
        updatedAt: now,
      });

      const insertedId = await insertMessage(row(event.providerMessageId, event.text, content, event.referral), conversation, wroteAt, target);
      const message: Message | null = await strapi.db
        .query(UID.message)
        .findOne({ where: insertedId ? { id: insertedId } : { provider, providerMessageId: event.providerMessageId } });
      if (!message) throw new Error(`Inbound message ${event.providerMessageId} was neither inserted nor found`);

      // Further files of the same message (Twilio MediaUrl1…9): a row each, downloaded like the first.
      const extra: Message[] = [];
      for (const [i, attachment] of (event.attachments ?? []).entries()) {
        const id = await insertMessage(row(`${event.providerMessageId}#${i + 1}`, `[${attachment.kind}]`, attachment, null), conversation, wroteAt, target);
        const stored: Message | null = await strapi.db.query(UID.message).findOne({ where: id ? { id } : { provider, providerMessageId: `${event.providerMessageId}#${i + 1}` } });
        if (stored) extra.push(stored);
        if (id && stored) getService('live').publish(LIVE_EVENTS.messageCreated, { conversationId: conversation.id, message: serializeMessage(stored) });
      }

      if (insertedId) {
        getService('live').publish(LIVE_EVENTS.messageCreated, { conversationId: conversation.id, message: serializeMessage(message) });
        await getService('inbox').publishConversation(conversation.id);
      }
      // The file is downloaded off this path (services/inbound-media.ts): queued, not awaited.
      for (const stored of [message, ...extra]) if (stored.mediaStatus === 'pending') getService('inboundMedia').enqueue(stored.id);

      const { optOutKeywords, optInKeywords } = await getService('settings').get();
      const keyword = orphanEdit ? null : matchKeyword(event.keywordCandidates, optOutKeywords, optInKeywords);
      const inbound = { id: message.id, text: event.text };
      if (keyword) {
        await applyKeyword(keyword, contact.id, conversation, inbound, provider);
      } else if (event.type !== 'reaction' && !orphanEdit) {
        const template = target?.templateId ? await getService('templates').findOne(target.templateId) : null;
        const asksForFollowUp = target && (target.relatedType || template?.createsFollowUp) ? target : null;
        // The contact as it is now: the name may have changed since this event was received.
        const fresh = await getService('contacts').findOneOrFail(contact.id);
        await followUpFor(fresh, conversation, inbound, wroteAt, asksForFollowUp);
      }
      await linkLead(contact.id);
      return { messageId: message.id, created: insertedId !== null };
    },
  };
};

export type InboundService = ReturnType<typeof createInboundService>;
export default createInboundService;
