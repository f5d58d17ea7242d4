import { createId } from '@paralleldrive/cuid2';
import type { Core, UID as StrapiUID } from '@strapi/strapi';
import type { CountryCode } from 'libphonenumber-js';
import { LIVE_EVENTS, STATUS, UID } from '../constants';
import { inboundTime } from '../lib/inbound-time';
import { matchKeyword, type KeywordMatch } from '../lib/keywords';
import { normalizePhone, PhoneError } from '../lib/phone';
import { getService, toDate } from '../utils';
import { RuleError } from '../utils/errors';
import { serializeMessage } from '../utils/serialize';
import { preview } from '../utils/serialize-inbox';
import { columnOf, fromColumns, tableOf, toColumns } from '../utils/sql';
import type { Contact } from './contacts';
import type { Message } from './messages';
import type { Sender } from './senders';
import type { InboundEvent, WebhookProvider } from '../providers/webhook-events';
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
type Outbound = { id: number; templateId: number | null; relatedType: string | null; relatedId: string | null };

/**
 * A customer's message arriving through a webhook: the contact (a new number becomes a lead,
 * once), the conversation with our number, the message row with the unread count, and what the
 * reply means: an opt-out or opt-in keyword, or a follow-up for staff when it answers a message
 * about a business record.
 *
 * Every step is idempotent, because an event is applied again if the process stops halfway:
 * the message insert and the unread count share one transaction and the rest checks before it
 * writes (consent only when it changes, confirmations under an idempotency key, one follow-up
 * per inbound message).
 */
const createInboundService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;

  const contactPhone = async (provider: WebhookProvider, from: string) => {
    const { defaultCountry } = await getService('settings').get();
    // Meta's wa_id is international digits without the plus (`5215512345678`).
    const input = provider === 'meta' && /^\d+$/.test(from) ? `+${from}` : from;
    try {
      return normalizePhone(input, defaultCountry as CountryCode).e164;
    } catch (error) {
      if (error instanceof PhoneError) throw new UnappliableEventError(`The sender is not a phone number: ${error.message}`);
      throw error;
    }
  };

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

  /** Inserts the message and counts it unread in one transaction; null when it was already there. */
  const insertMessage = async (data: Record<string, unknown>, conversation: Conversation, wroteAt: Date, related: Outbound | null): Promise<number | null> =>
    knex().transaction(async (trx) => {
      const id = await getService('queue').recordInbound(trx, data);
      if (id === null) return null;
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
      to: contact.phone,
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
      await getService('queue').cancelMarketing(contactId, 'opted-out', 'Cancelled: the contact replied with an opt-out keyword');
    } else if (!contact.marketingConsent) {
      await getService('consent').record(contact, { purpose: 'marketing', granted: true, method: 'keyword', evidence, actor: 'contact' });
    }
    await confirm(match, contact, conversation, inbound.id);
  };

  const createFollowUp = async (contact: Contact, conversation: Conversation, inbound: { id: number; text: string }, target: Outbound) => {
    const t = tableOf(UID.followUp);
    // One open task per message answered: three replies in a row are one thing to do.
    const open = await knex()(t)
      .where(toColumns(UID.followUp, { replyToMessageId: target.id, state: 'open' }))
      .first();
    if (open) return;
    const now = new Date();
    const who = contact.name || contact.profileName || contact.phone;
    await knex()(t)
      .insert(
        toColumns(UID.followUp, {
          documentId: createId(),
          contactId: contact.id,
          conversationId: conversation.id,
          messageId: inbound.id,
          replyToMessageId: target.id,
          title: `Reply from ${who}: ${preview(inbound.text, 120)}`.slice(0, 255),
          due: new Date(now.getTime() + FOLLOW_UP_DUE_MS),
          assigneeId: conversation.assigneeId ?? null,
          state: 'open',
          relatedType: target.relatedType,
          relatedId: target.relatedId,
          createdAt: now,
          updatedAt: now,
        })
      )
      .onConflict([columnOf(UID.followUp, 'messageId')])
      .ignore();
  };

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
    if ('name' in attributes) data.name = contact.profileName || contact.name || contact.phone;
    if ('phone' in attributes) data.phone = contact.phone;
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
      strapi.log.warn(`[whatsapp] could not create the ${uid} record for lead ${contact.phone}: ${(error as Error).message}`);
    }
  };

  return {
    async receive(provider: WebhookProvider, event: InboundEvent, receivedAt: Date): Promise<{ messageId: number; created: boolean }> {
      const phone = await contactPhone(provider, event.from);
      const sender = await senderFor(provider, event);
      const { contact } = await getService('contacts').findOrCreate(phone, {
        source: 'inbound',
        isLead: true,
        name: event.profileName,
        profileName: event.profileName,
      });
      const wroteAt = inboundTime(event.at, receivedAt);
      await touchContact(contact, wroteAt, event.profileName);
      const conversation = await conversationFor(contact.id, sender.id);
      const target = await answered(provider, event, contact.id);
      const now = new Date();

      const insertedId = await insertMessage(
        {
          contactId: contact.id,
          to: sender.number,
          from: phone,
          senderId: sender.id,
          body: event.text,
          media: event.content ?? null,
          mediaStatus: getService('inboundMedia').initialStatus(event.content),
          category: 'service',
          provider,
          providerMessageId: event.providerMessageId,
          channel: 'whatsapp',
          conversationId: conversation.id,
          relatedType: target?.relatedType ?? null,
          relatedId: target?.relatedId ?? null,
          receivedAt: toDate(event.at) ?? receivedAt,
          createdAt: now,
          updatedAt: now,
        },
        conversation,
        wroteAt,
        target
      );
      const message: Message | null = await strapi.db
        .query(UID.message)
        .findOne({ where: insertedId ? { id: insertedId } : { provider, providerMessageId: event.providerMessageId } });
      if (!message) throw new Error(`Inbound message ${event.providerMessageId} was neither inserted nor found`);

      if (insertedId) {
        getService('live').publish(LIVE_EVENTS.messageCreated, { conversationId: conversation.id, message: serializeMessage(message) });
        await getService('inbox').publishConversation(conversation.id);
      }
      // The file is downloaded off this path (services/inbound-media.ts): queued, not awaited.
      if (message.mediaStatus === 'pending') getService('inboundMedia').enqueue(message.id);

      const { optOutKeywords, optInKeywords } = await getService('settings').get();
      const keyword = matchKeyword(event.keywordCandidates, optOutKeywords, optInKeywords);
      const inbound = { id: message.id, text: event.text };
      if (keyword) {
        await applyKeyword(keyword, contact.id, conversation, inbound, provider);
      } else if (target && event.type !== 'reaction') {
        const template = target.templateId ? await getService('templates').findOne(target.templateId) : null;
        if (target.relatedType || template?.createsFollowUp) {
          // Fresh rows: the name and the assignee may have changed since this event was received.
          const fresh = await getService('contacts').findOneOrFail(contact.id);
          const current = (await getService('inbox').findConversation(conversation.id)) ?? conversation;
          await createFollowUp(fresh, current, inbound, target);
        }
      }
      await linkLead(contact.id);
      return { messageId: message.id, created: insertedId !== null };
    },
  };
};

export type InboundService = ReturnType<typeof createInboundService>;
export default createInboundService;
