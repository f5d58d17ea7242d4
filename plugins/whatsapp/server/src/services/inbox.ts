import type { Core } from '@strapi/strapi';
import { whereRef } from '../utils/document-id';
import { LIVE_EVENTS, UID } from '../constants';
import { serviceWindow } from '../queue/window';
import { getService, toDate } from '../utils';
import { notFound, RuleError } from '../utils/errors';
import { serializeMessage } from '../utils/serialize';
import { preview, serializeConversation, type ConversationContact } from '../utils/serialize-inbox';
import { columnOf, fromColumns, tableOf, toColumns } from '../utils/sql';
import type { CreateMessageInput, Message } from './messages';
import type { Assignee } from '../../../shared/contracts';

export type Conversation = Record<string, any> & { id: number; documentId: string; contactId: number; senderId: number };
export type FollowUp = Record<string, any> & { id: number; state: 'open' | 'done' };
export type ConversationStatus = 'open' | 'closed';
export type { Assignee } from '../../../shared/contracts';

export interface ConversationListParams {
  page: number;
  pageSize: number;
  unread?: boolean;
  assigneeId?: number;
  status?: ConversationStatus;
  search?: string;
}

export type InboxReply = Pick<CreateMessageInput, 'body' | 'template' | 'variables' | 'media' | 'idempotencyKey'>;

/** By id or documentId; an id no row can have (over 2³¹−1) matches nothing (never asked of the database). */
const byRef = (ref: string | number) => whereRef(ref) ?? { id: -1 };
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The shared inbox: conversations (unread first, then the most recent), their threads, replies
 * through messages.create (free text only inside the 24-hour window), assignment, closing, and
 * the follow-up tasks replies create. Every change is pushed to connected admins (services/live).
 */
const createInboxService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const conversations = () => tableOf(UID.conversation);

  const contactOf = async (contactId: number): Promise<ConversationContact | null> =>
    strapi.db.query(UID.contact).findOne({
      where: { id: contactId },
      select: ['id', 'documentId', 'phone', 'name', 'profileName', 'isLead', 'phoneUnverified', 'providerUserId', 'username'],
    });

  return {
    async findConversation(ref: string | number): Promise<Conversation | null> {
      return strapi.db.query(UID.conversation).findOne({ where: byRef(ref) });
    },

    async findConversationOrFail(ref: string | number): Promise<Conversation> {
      const conversation = await this.findConversation(ref);
      if (!conversation) throw notFound(`Conversation ${ref} not found`);
      return conversation;
    },

    /** The conversation as admins see it, with its contact. */
    async view(conversation: Conversation) {
      return serializeConversation(conversation, await contactOf(conversation.contactId));
    },

    async publishConversation(id: number) {
      const conversation = await this.findConversation(id);
      if (conversation) getService('live').publish(LIVE_EVENTS.conversationUpdated, await this.view(conversation));
    },

    async list(params: ConversationListParams) {
      const c = (attribute: string) => `c.${columnOf(UID.conversation, attribute)}`;
      const p = (attribute: string) => `p.${columnOf(UID.contact, attribute)}`;
      const filtered = () => {
        const query = knex()(`${conversations()} as c`).join(`${tableOf(UID.contact)} as p`, 'p.id', c('contactId'));
        if (params.unread) query.where(c('unreadCount'), '>', 0);
        if (params.assigneeId) query.where(c('assigneeId'), params.assigneeId);
        if (params.status) query.where(c('state'), params.status);
        const search = params.search?.trim();
        if (search) {
          const like = `%${escapeLike(search.toLowerCase())}%`;
          // Digits are read as (part of) a phone number only when the search looks like one
          // ("55 1234", "+52 (55) 12-34"): "núñez k3x512" is a name, and must not match every
          // number containing 512.
          const digits = /^[\d\s+().-]+$/.test(search) ? search.replace(/\D/g, '') : '';
          query.where((q) => {
            q.whereRaw("LOWER(??) LIKE ? ESCAPE '\\'", [p('name'), like])
              .orWhereRaw("LOWER(??) LIKE ? ESCAPE '\\'", [p('profileName'), like])
              .orWhereRaw("LOWER(??) LIKE ? ESCAPE '\\'", [p('username'), like]);
            if (digits.length >= 3) q.orWhere(p('phone'), 'like', `%${digits}%`);
          });
        }
        return query;
      };
      const counted = await filtered().count({ n: '*' }).first();
      const rows: Record<string, unknown>[] = await filtered()
        .select(
          'c.*',
          `${p('phone')} as contact_phone`,
          `${p('name')} as contact_name`,
          `${p('profileName')} as contact_profile_name`,
          `${p('isLead')} as contact_is_lead`,
          `${p('documentId')} as contact_document_id`,
          `${p('phoneUnverified')} as contact_phone_unverified`,
          `${p('providerUserId')} as contact_provider_user_id`,
          `${p('username')} as contact_username`
        )
        .orderByRaw('CASE WHEN ?? > 0 THEN 0 ELSE 1 END', [c('unreadCount')])
        .orderByRaw('COALESCE(??, ??) DESC', [c('lastMessageAt'), c('createdAt')])
        .orderBy('c.id', 'desc')
        .offset((params.page - 1) * params.pageSize)
        .limit(params.pageSize);
      const results = rows.map((row) => {
        const { contact_phone, contact_name, contact_profile_name, contact_is_lead, contact_document_id, contact_phone_unverified, contact_provider_user_id, contact_username, ...rest } = row;
        const conversation = fromColumns<Conversation>(UID.conversation, rest);
        const contact: ConversationContact = {
          id: conversation.contactId,
          documentId: contact_document_id as string,
          phone: contact_phone as string | null,
          name: contact_name as string | null,
          profileName: contact_profile_name as string | null,
          isLead: contact_is_lead as boolean | number | null,
          phoneUnverified: contact_phone_unverified as boolean | number | null,
          providerUserId: contact_provider_user_id as string | null,
          username: contact_username as string | null,
        };
        return serializeConversation(conversation, contact);
      });
      return { results, total: Number(counted?.n ?? 0) };
    },

    /**
     * The thread, oldest first: the conversation's messages, plus messages to the same contact
     * from the same number sent outside the inbox (automations, campaigns). Reading it marks the
     * conversation read.
     */
    async thread(ref: string | number, params: { page: number; pageSize: number }) {
      const conversation = await this.findConversationOrFail(ref);
      const m = (attribute: string) => columnOf(UID.message, attribute);
      const inThread = () =>
        knex()(tableOf(UID.message)).where((q) =>
          q
            .where(m('conversationId'), conversation.id)
            .orWhere((q2) => q2.whereNull(m('conversationId')).where({ [m('contactId')]: conversation.contactId, [m('senderId')]: conversation.senderId }))
        );
      const counted = await inThread().count({ n: '*' }).first();
      const rows: Record<string, unknown>[] = await inThread()
        .orderBy('id', 'asc')
        .offset((params.page - 1) * params.pageSize)
        .limit(params.pageSize);
      const wasUnread = await knex()(conversations())
        .where({ id: conversation.id })
        .where(columnOf(UID.conversation, 'unreadCount'), '>', 0)
        .update(toColumns(UID.conversation, { unreadCount: 0, updatedAt: new Date() }));
      if (wasUnread) await this.publishConversation(conversation.id);
      return {
        conversation: await this.findConversationOrFail(conversation.id),
        messages: rows.map((row) => fromColumns<Message>(UID.message, row)),
        total: Number(counted?.n ?? 0),
      };
    },

    /** A staff reply: free text only while the customer's 24-hour window is open, else a template. */
    async reply(ref: string | number, input: InboxReply): Promise<{ message: Message; created: boolean; conversation: Conversation }> {
      const conversation = await this.findConversationOrFail(ref);
      if (input.body !== undefined) {
        // The window is per business number: what counts is when they last wrote to this one.
        const last = toDate(conversation.lastInboundAt);
        if (!serviceWindow(last).open) {
          throw new RuleError(
            'body',
            'service-window',
            last
              ? `The customer last wrote at ${last.toISOString()}, more than 24 hours ago: free text is not allowed, reply with an approved template`
              : 'The customer has not written in this conversation: free text is not allowed, reply with an approved template'
          );
        }
      }
      const contact = await getService('contacts').findOneOrFail(conversation.contactId);
      if (contact.erasedAt) throw new RuleError('to', 'erased', `Contact ${contact.id}'s personal data was erased: this conversation cannot be answered`, 409);
      const { message, created } = await getService('messages').create(
        {
          ...input,
          // Without a number, the reply goes to the customer's business-scoped user id (Meta `recipient`).
          to: contact.phone ?? contact.providerUserId,
          sender: conversation.senderId,
          related: conversation.relatedType ? { type: conversation.relatedType, id: conversation.relatedId } : undefined,
        },
        { source: 'inbox', conversationId: conversation.id }
      );
      if (created) {
        const now = new Date();
        // Answering is reading: the conversation is no longer unread.
        await knex()(conversations())
          .where({ id: conversation.id })
          .update(toColumns(UID.conversation, { lastMessageAt: now, lastMessagePreview: preview(String(message.body ?? '')), unreadCount: 0, updatedAt: now }));
        getService('live').publish(LIVE_EVENTS.messageCreated, { conversationId: conversation.id, message: serializeMessage(message) });
        await this.publishConversation(conversation.id);
      }
      return { message, created, conversation: await this.findConversationOrFail(conversation.id) };
    },

    /**
     * Active administrators by name (no e-mail, no roles): whom a conversation can be assigned
     * to, and whose name the screen shows for an assignee id. Reading the inbox is enough.
     */
    async assignees(): Promise<Assignee[]> {
      const users: Array<{ id: number; firstname: string | null; lastname: string | null; username: string | null }> = await strapi.db
        .query('admin::user')
        .findMany({ where: { isActive: true }, select: ['id', 'firstname', 'lastname', 'username'], orderBy: [{ firstname: 'asc' }, { id: 'asc' }] });
      return users.map((u) => ({ id: u.id, name: [u.firstname, u.lastname].filter(Boolean).join(' ') || u.username || `#${u.id}` }));
    },

    /** Assigns the conversation (and its open, unassigned follow-ups) to an administrator, or to nobody. */
    async assign(ref: string | number, assigneeId: number | null): Promise<Conversation> {
      const conversation = await this.findConversationOrFail(ref);
      if (assigneeId !== null) {
        const admin = await strapi.db.query('admin::user').findOne({ where: { id: assigneeId }, select: ['id'] });
        if (!admin) throw new RuleError('assignee', 'unknown', `No administrator with id ${assigneeId}`);
      }
      const now = new Date();
      await knex()(conversations()).where({ id: conversation.id }).update(toColumns(UID.conversation, { assigneeId, updatedAt: now }));
      if (assigneeId !== null) {
        await knex()(tableOf(UID.followUp))
          .where(toColumns(UID.followUp, { conversationId: conversation.id, state: 'open' }))
          .whereNull(columnOf(UID.followUp, 'assigneeId'))
          .update(toColumns(UID.followUp, { assigneeId, updatedAt: now }));
      }
      await this.publishConversation(conversation.id);
      return this.findConversationOrFail(conversation.id);
    },

    async setStatus(ref: string | number, status: ConversationStatus): Promise<Conversation> {
      const conversation = await this.findConversationOrFail(ref);
      await knex()(conversations()).where({ id: conversation.id }).update(toColumns(UID.conversation, { state: status, updatedAt: new Date() }));
      await this.publishConversation(conversation.id);
      return this.findConversationOrFail(conversation.id);
    },

    async followUps(params: { page: number; pageSize: number; status?: 'open' | 'done'; assigneeId?: number; conversationId?: number }) {
      const where: Record<string, unknown> = {};
      if (params.status) where.state = params.status;
      if (params.assigneeId) where.assigneeId = params.assigneeId;
      if (params.conversationId) where.conversationId = params.conversationId;
      const [results, total] = await Promise.all([
        strapi.db.query(UID.followUp).findMany({
          where,
          // Open first ('open' > 'done'), soonest due first, then the newest.
          orderBy: [{ state: 'desc' }, { due: 'asc' }, { id: 'desc' }],
          offset: (params.page - 1) * params.pageSize,
          limit: params.pageSize,
        }),
        strapi.db.query(UID.followUp).count({ where }),
      ]);
      return { results: results as FollowUp[], total };
    },

    /** Marks a follow-up done (again is fine: the first completion is kept). */
    async completeFollowUp(ref: string | number, actorId: number | null): Promise<FollowUp> {
      const followUp: FollowUp | null = await strapi.db.query(UID.followUp).findOne({ where: byRef(ref) });
      if (!followUp) throw notFound(`Follow-up ${ref} not found`);
      if (followUp.state === 'done') return followUp;
      const now = new Date();
      return strapi.db.query(UID.followUp).update({ where: { id: followUp.id }, data: { state: 'done', doneAt: now, doneById: actorId, updatedAt: now } });
    },
  };
};

export type InboxService = ReturnType<typeof createInboxService>;
export default createInboxService;
