import type { Core } from '@strapi/strapi';
import { STATUS, UID } from '../constants';
import { serviceWindow } from '../queue';
import type { ServiceWindow } from '../queue/window';
import { M, TABLE } from '../queue/columns';
import { formatOptionsFor } from '../lib/locale';
import type { MessageCategory, MessageStatus } from '../constants';
import { MAX_TEXT_LENGTH } from '../lib/template';
import { countCharacters } from '../lib/text-length';
import { getService, toDate } from '../utils';
import { businessScopedUserId } from '../lib/bsuid';
import { notFound, RuleError } from '../utils/errors';
import type { MediaRef } from './media';
import type { Contact } from './contacts';
import type { Sender } from './senders';
import { countryOfPhone } from '../pricing/market';
import { approvalsOf, notApprovedReason } from '../providers/template-approval';

/** The longest Body Twilio's Messages API accepts. */
const TWILIO_MAX_BODY = 1600;

export interface CreateMessageInput {
  to: string;
  template?: string | number;
  variables?: Record<string, unknown>;
  body?: string;
  sendAt?: string | Date;
  sender?: string | number;
  category?: MessageCategory;
  /** A media-library file id; `null` says the file is made when the message is sent (an automation's PDF). */
  media?: number | null;
  related?: { type: string; id: string | number };
  idempotencyKey?: string;
}

export interface CreateOptions {
  source?: 'api' | 'admin' | 'campaign' | 'automation' | 'inbox';
  campaignId?: number;
  automationId?: number;
  conversationId?: number;
}

export type Message = Record<string, any> & { id: number; deliveryStatus: MessageStatus };

/** A message as `prepare` works it out: checked, rendered, not written. */
export interface PreparedMessage {
  to: string;
  contact: Contact | null;
  sender: Sender;
  body: string;
  category: MessageCategory;
  templateId: number | null;
  templateName: string | null;
  media: MediaRef | null;
  variables: Record<string, unknown>;
  dueAt: Date;
}

/**
 * JavaScript's Date rolls an impossible day over (`2031-02-30` becomes March 2): a date written
 * as YYYY-MM-DD must name a day that exists.
 */
const calendarDateExists = (value: string | Date): boolean => {
  if (value instanceof Date) return true;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value).trim());
  if (!match) return true;
  const [year, month, day] = match.slice(1).map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
};

/** Clock skew tolerated for a `sendAt` meant as "now". */
const PAST_TOLERANCE_MS = 5_000;
/** The latest `sendAt` both databases store: the last moment of the year 9999. */
const LATEST_SEND_AT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** The longest idempotency key (body field or `Idempotency-Key` header). */
const MAX_IDEMPOTENCY_KEY = 200;

/**
 * The one way a message is made (now, scheduled, from a campaign or an automation): validates,
 * normalises the phone, renders, checks consent and the 24-hour window, then writes one row.
 * Nothing is written when any check fails.
 */
const createMessagesService = ({ strapi }: { strapi: Core.Strapi }) => {
  /** A change made here (cancelled, queued again by staff) reaches the inbox thread live, as the dispatcher's do. */
  const publishStatus = (message: Message) =>
    getService('live').publishStatuses([{ id: message.id, status: message.deliveryStatus, contactId: message.contactId ?? null, conversationId: message.conversationId ?? null }]);

  const byIdempotencyKey = (key: string) => strapi.db.query(UID.message).findOne({ where: { idempotencyKey: key } });

  /**
   * Takes back a contact this request created when its message could not be stored after all: a
   * refused send leaves the contacts as they were. One statement, and only while nothing else
   * points at the contact (a message of a concurrent request, an inbound message).
   */
  const forgetNewContact = async (contactId: number) => {
    try {
      const knex = strapi.db.connection;
      const meta = strapi.db.metadata.get(UID.contact);
      const lastInbound = (meta.attributes.lastInboundAt as { columnName?: string } | undefined)?.columnName ?? 'last_inbound_at';
      await knex(meta.tableName)
        .where({ id: contactId })
        .whereNull(lastInbound)
        .whereNotExists(knex(TABLE.message).select(knex.raw('1')).where(M.contactId, contactId))
        .delete();
    } catch (error) {
      strapi.log.warn(`[whatsapp] contact ${contactId} of a refused send could not be removed: ${(error as Error)?.message ?? error}`);
    }
  };

  return {
    async create(input: CreateMessageInput, options: CreateOptions = {}): Promise<{ message: Message; created: boolean }> {
      if (input.idempotencyKey !== undefined && input.idempotencyKey !== null) {
        if (typeof input.idempotencyKey !== 'string' || input.idempotencyKey.length > MAX_IDEMPOTENCY_KEY) {
          throw new RuleError('idempotencyKey', 'max-length', `The idempotency key must be text of at most ${MAX_IDEMPOTENCY_KEY} characters`, 400);
        }
      }
      if (input.idempotencyKey) {
        const existing = await byIdempotencyKey(input.idempotencyKey);
        if (existing) return { message: existing, created: false };
      }

      const { to, contact, sender, body, category, templateId, templateName, media, variables, dueAt } = await this.prepare(input);

      // Every check has passed: only now is anything written. The contact first (safe under
      // concurrency, see contacts.findOrCreate), then the message row. No transaction around
      // both: on PostgreSQL a failed insert aborts the transaction, and the idempotency replay
      // below needs to read after it. A message row that cannot be stored takes back the
      // contact this request created: a refused send leaves the contacts as they were.
      const { contact: recipient, created: contactCreated } = contact
        ? { contact, created: false }
        : await getService('contacts').findOrCreate(to, { source: options.source === 'automation' ? 'automation' : 'api' });
      const row = {
        direction: 'out' as const,
        contactId: recipient.id,
        to,
        from: sender.number,
        senderId: sender.id,
        templateId,
        templateName,
        variables,
        body,
        media,
        category,
        // The market Meta prices it by, stored once so the dashboard's spend is a grouped query.
        country: countryOfPhone(to),
        dueAt,
        idempotencyKey: input.idempotencyKey ?? null,
        campaignId: options.campaignId ?? null,
        automationId: options.automationId ?? null,
        conversationId: options.conversationId ?? null,
        relatedType: input.related?.type ?? null,
        relatedId: input.related?.id !== undefined ? String(input.related.id) : null,
      };
      let id: number | null;
      let status: string;
      try {
        ({ id, status } = await getService('queue').create(row));
      } catch (error) {
        if (contactCreated) await forgetNewContact(recipient.id);
        throw error;
      }
      if (id === null) {
        // Two requests with the same idempotency key at once: the unique index kept the other.
        const existing = await byIdempotencyKey(input.idempotencyKey!);
        if (existing) return { message: existing, created: false };
        if (contactCreated) await forgetNewContact(recipient.id);
        throw new Error('The message could not be stored');
      }
      const message: Message = await this.findOneOrFail(id);

      if (status === STATUS.queued) getService('dispatcher').wake();
      return { message, created: true };
    },

    /**
     * Everything `create` checks and works out before it writes: the number, the sender, the
     * rendered body, the category, consent, the media. Reads only, so the automations' preview
     * asks it what a rule would send, and is refused for the same reasons a send would be.
     */
    async prepare(input: CreateMessageInput): Promise<PreparedMessage> {
      // A customer known only by their business-scoped user id (no number) is written to through it.
      const bsuid = businessScopedUserId(input.to);
      const to = bsuid ?? (await this.recipientNumber(input.to));
      const now = Date.now();
      let dueAt = new Date(now);
      if (input.sendAt !== undefined && input.sendAt !== null) {
        const when = input.sendAt instanceof Date ? input.sendAt : new Date(input.sendAt);
        if (Number.isNaN(when.getTime()) || !calendarDateExists(input.sendAt)) {
          throw new RuleError('sendAt', 'date', `sendAt "${input.sendAt}" is not a date (use ISO 8601)`, 400);
        }
        if (when.getTime() < now - PAST_TOLERANCE_MS) throw new RuleError('sendAt', 'future', `sendAt ${when.toISOString()} is in the past`);
        if (when.getTime() > LATEST_SEND_AT) throw new RuleError('sendAt', 'date-range', `sendAt ${when.toISOString()} is after the year 9999`, 400);
        dueAt = when.getTime() > now ? when : dueAt;
      }

      const contact = bsuid ? await strapi.db.query(UID.contact).findOne({ where: { providerUserId: bsuid } }) : await getService('contacts').findByPhone(to);
      const templates = getService('templates');
      const sender = await getService('senders').resolve(input.sender);
      if (bsuid && !contact) throw new RuleError('to', 'unknown-user', `No contact has the WhatsApp user id ${bsuid}: it only names a customer who wrote to us`);
      if (bsuid && sender.provider !== 'meta' && sender.provider !== 'sandbox') {
        throw new RuleError('to', 'user-id-provider', `${sender.provider} cannot send to a WhatsApp user id (${bsuid}); only Meta's Cloud API can`);
      }

      let body: string;
      let category: MessageCategory;
      let templateId: number | null = null;
      let templateName: string | null = null;
      let media: MediaRef | null = null;
      const variables = input.variables ?? {};
      const renderOptions = formatOptionsFor(contact);

      if (input.template !== undefined && input.template !== null) {
        const template = await templates.findOne(input.template);
        // The provider said it is not approved (rejected, paused, disabled, pending…): it would refuse it.
        const notApproved = template ? notApprovedReason(template.name, approvalsOf(template.approvals), sender.provider) : null;
        if (!template || template.active === false) {
          // A template the sync found not approved is inactive too: the provider's reason says more.
          if (notApproved) throw new RuleError('template', 'not-approved', notApproved);
          throw new RuleError('template', 'unknown', `No active template "${input.template}"`);
        }
        body = templates.render(template, variables, renderOptions);
        // Provider mapping values are rendered at send time; render them now too so a missing
        // variable fails here, not later in the dispatcher.
        templates.providerTemplate(template, variables, renderOptions);
        // Outside the sandbox a template needs the provider's approved counterpart.
        if (!(await getService('settings').isSandbox())) {
          const missing =
            sender.provider === 'twilio' && !template.twilioContentSid
              ? 'Twilio Content SID'
              : sender.provider === 'meta' && !template.metaName
                ? 'Meta template name'
                : null;
          if (missing) {
            throw new RuleError('template', 'provider-mapping', `Template "${template.name}" has no ${missing} (${sender.provider} sends only templates it approved); set it on the template`);
          }
        }
        if (notApproved) throw new RuleError('template', 'not-approved', notApproved);
        category = template.category;
        templateId = template.id;
        templateName = template.name;
        if (template.mediaHeader && template.mediaHeader !== 'none' && input.media === undefined) {
          throw new RuleError('media', 'required', `Template "${template.name}" has a ${template.mediaHeader} header: give media (a media-library file id)`);
        }
      } else {
        body = String(input.body ?? '');
        if (!body.trim()) throw new RuleError('body', 'required', 'Give a template or a body', 400);
        // Characters as WhatsApp counts them (an emoji is one), not JavaScript's UTF-16 units.
        const characters = countCharacters(body);
        if (characters > MAX_TEXT_LENGTH) {
          throw new RuleError('body', 'max-length', `The text is ${characters} characters; WhatsApp allows ${MAX_TEXT_LENGTH}`);
        }
        // Twilio takes at most 1,600 characters in a Body (error 21617), WhatsApp or not.
        if (sender.provider === 'twilio' && characters > TWILIO_MAX_BODY) {
          throw new RuleError('body', 'max-length', `The text is ${characters} characters; Twilio sends at most 1,600 in one message`);
        }
        category = input.category ?? 'service';
        // Free text only inside the customer-service window opened by the contact's last message.
        const lastInbound = toDate(contact?.lastInboundAt);
        if (!serviceWindow(lastInbound, dueAt).open) {
          throw new RuleError(
            'body',
            'service-window',
            lastInbound
              ? `Free text can only be sent within 24 hours of the contact's last message (${lastInbound.toISOString()}); use an approved template`
              : 'This contact has not written to us in the last 24 hours: free text is not allowed, use an approved template'
          );
        }
      }
      if (input.category && input.template !== undefined && input.category !== category) {
        // A template's category is what the provider approved; do not let a caller relabel it.
        throw new RuleError('category', 'template-category', `Template "${templateName}" is ${category}, not ${input.category}`);
      }

      const consent = await getService('consent').allows(contact, category);
      if (!consent.ok) throw new RuleError('to', 'consent', consent.reason!);
      // A person whose data was erased is not messaged again by the business (templates,
      // campaigns, automations): only an answer to them inside the window they opened by writing.
      if (category !== 'service' && (await getService('privacy').isBlocked(to))) {
        // The number is not repeated: this reason is kept (an automation run's), and must not bring it back.
        throw new RuleError('to', 'erased', "This recipient's personal data was erased at their request: nothing is sent to them until they give consent again");
      }

      if (input.media !== undefined && input.media !== null) media = await getService('media').resolve(input.media, 'media');
      return { to, contact, sender, body, category, templateId, templateName, media, variables, dueAt };
    },

    /**
     * The number a message goes to, normalised; a number WhatsApp gave us that our parser does
     * not know is accepted as stored on its contact (`phoneUnverified`, kept as delivered).
     */
    async recipientNumber(input: unknown): Promise<string> {
      try {
        return await getService('phone').normalize(input, 'to');
      } catch (error) {
        const given = typeof input === 'string' ? input.replace(/^whatsapp:/i, '').trim() : '';
        if (!(error instanceof RuleError) || !/^\+[1-9]\d{6,14}$/.test(given)) throw error;
        const known = await strapi.db.query(UID.contact).findOne({ where: { phone: given, phoneUnverified: true }, select: ['id'] });
        if (!known) throw error;
        return given;
      }
    },

    /**
     * Who a message to `input` would reach, read exactly as `create` reads it: the number (or
     * business-scoped user id), its contact if there is one, and the contact's 24-hour window now.
     * Writes nothing; an unreadable number is the same 422 on `to` that sending would get.
     */
    async recipient(input: string): Promise<{ to: string; contact: Contact | null; window: ServiceWindow; lastInboundAt: Date | null }> {
      const bsuid = businessScopedUserId(input);
      const to = bsuid ?? (await this.recipientNumber(input));
      const contact = bsuid ? await strapi.db.query(UID.contact).findOne({ where: { providerUserId: bsuid } }) : await getService('contacts').findByPhone(to);
      if (bsuid && !contact) throw new RuleError('to', 'unknown-user', `No contact has the WhatsApp user id ${bsuid}: it only names a customer who wrote to us`);
      const lastInboundAt = toDate(contact?.lastInboundAt);
      return { to, contact: contact ?? null, window: serviceWindow(lastInboundAt), lastInboundAt };
    },

    async findOne(ref: string | number): Promise<Message | null> {
      const key = String(ref);
      const where = /^\d+$/.test(key) ? { id: Number(key) } : { documentId: key };
      return strapi.db.query(UID.message).findOne({ where });
    },

    async findOneOrFail(ref: string | number): Promise<Message> {
      const message = await this.findOne(ref);
      if (!message) throw notFound(`Message ${ref} not found`);
      return message;
    },

    async attempts(messageId: number) {
      return strapi.db.query(UID.attempt).findMany({ where: { messageId }, orderBy: { number: 'asc' } });
    },

    async list(params: {
      page: number;
      pageSize: number;
      status?: string[];
      contact?: number;
      template?: number;
      campaign?: number;
      automation?: number;
      relatedType?: string;
      relatedId?: string;
      direction?: string;
      from?: Date;
      until?: Date;
    }) {
      const where: Record<string, unknown> = {};
      if (params.status?.length) where.deliveryStatus = { $in: params.status };
      if (params.contact) where.contactId = params.contact;
      if (params.template) where.templateId = params.template;
      if (params.campaign) where.campaignId = params.campaign;
      if (params.automation) where.automationId = params.automation;
      if (params.relatedType) where.relatedType = params.relatedType;
      if (params.relatedId) where.relatedId = params.relatedId;
      if (params.direction) where.direction = params.direction;
      if (params.from || params.until) {
        where.createdAt = { ...(params.from ? { $gte: params.from } : {}), ...(params.until ? { $lte: params.until } : {}) };
      }
      const [results, total] = await Promise.all([
        strapi.db.query(UID.message).findMany({ where, orderBy: { id: 'desc' }, offset: (params.page - 1) * params.pageSize, limit: params.pageSize }),
        strapi.db.query(UID.message).count({ where }),
      ]);
      return { results, total };
    },

    /**
     * Cancels a message not yet handed to a provider. One conditional UPDATE, so it cannot
     * race with the dispatcher's claim: whichever commits first wins, and a cancelled message
     * is never sent.
     */
    async cancel(ref: string | number): Promise<Message> {
      const message = await this.findOneOrFail(ref);
      if (!(await getService('queue').cancel(message.id))) {
        const current = await this.findOneOrFail(message.id);
        throw new RuleError('status', 'not-cancellable', `Message ${message.id} is ${current.deliveryStatus}; only scheduled or queued messages can be cancelled`, 409);
      }
      const cancelled = await this.findOneOrFail(message.id);
      publishStatus(cancelled);
      return cancelled;
    },

    /** Puts a failed, cancelled or unknown message back in the queue, due now. */
    async retry(ref: string | number): Promise<Message> {
      const message = await this.findOneOrFail(ref);
      if (message.redactedAt) {
        throw new RuleError('status', 'redacted', `Message ${message.id}'s text was removed (data retention or an erasure): it cannot be sent again`, 409);
      }
      if (!(await getService('queue').requeue(message.id))) {
        throw new RuleError('status', 'not-retryable', `Message ${message.id} is ${message.deliveryStatus}; only failed, undeliverable, unknown or cancelled messages can be retried`, 409);
      }
      const queued = await this.findOneOrFail(message.id);
      publishStatus(queued);
      getService('dispatcher').wake();
      return queued;
    },
  };
};

export type MessagesService = ReturnType<typeof createMessagesService>;
export default createMessagesService;
