import type { Core } from '@strapi/strapi';
import { STATUS, UID } from '../constants';
import { getService } from '../utils';
import { conflict, notFound, RuleError } from '../utils/errors';
import { whereRef } from '../utils/document-id';
import { createJob } from '../workers/runner';
import { M, TABLE, isPostgres } from '../queue/columns';
import { readConfig } from '../config';
import type { NewMessage } from '../queue';
import { formatOptionsFor } from '../lib/locale';
import { explainError } from '../providers/explain';
import { approvalsOf, notApprovedReason } from '../providers/template-approval';
import { countryOfPhone } from '../pricing/market';
import { campaignCost } from '../pricing/cost';
import { populateFor, resolvePath, valueAt, PathError } from '../automations/paths';
import { isHostType, schemaLookup } from './automations';
import type { Contact } from './contacts';
import type { Sender } from './senders';
import type { CampaignAudience, CampaignState } from '../../../shared/campaigns';

/**
 * Campaigns: one template to many people, each message personalised, sent by the dispatcher like
 * any other (sender rate, campaign pacing, pause and cancel held by the queue's claim).
 *
 * Launching is one conditional update (draft → launching): a second launch finds the campaign
 * launched and is refused. The fan-out runs on the shared runner, in batches: the audience is
 * read page by page, each recipient checked (consent, opt-out, number, duplicate, the template
 * renders with their values) and the messages written in one statement per batch, each keyed
 * `campaign:<id>:<contact>` so a fan-out resumed after a crash writes nothing twice.
 */
// The states and audiences the API speaks of: one definition, shared with the admin.
export type { CampaignState };
export type Audience = CampaignAudience;

export interface Campaign {
  id: number;
  documentId: string;
  name: string;
  state: CampaignState;
  template: string | null;
  senderId: number | null;
  audience: Audience | null;
  variables: Record<string, string | { value: string | number | boolean }> | null;
  scheduledAt: string | null;
  pacingSeconds: number | string | null;
  launchedAt: string | null;
  fannedOutAt: string | null;
  completedAt: string | null;
  total: number | null;
  queuedCount: number | null;
  /** How far the fan-out read: the last contact / record id (biginteger: text on PostgreSQL). */
  audienceCursor?: number | string | null;
  excluded: Record<string, number> | null;
  pausedReason: string | null;
  resumedAt: string | null;
  dailyPlan: DailyPlan | null;
  createdAt?: string;
  updatedAt?: string;
}
export type CampaignInput = Partial<Pick<Campaign, 'name' | 'template' | 'senderId' | 'audience' | 'variables' | 'scheduledAt' | 'pacingSeconds'>>;

/**
 * The sender's daily limit as the fan-out plans it (WhatsApp's messaging tier: unique people a
 * number may start conversations with in a rolling 24 hours): what was left at launch goes now,
 * then `limit` more each following day.
 */
export interface DailyPlan {
  limit: number;
  leftAtLaunch: number;
  from: string;
}
const DAY_MS = 24 * 60 * 60 * 1000;
const CONTACT_TABLE = 'whatsapp_contacts';
/** Which day (0 = now) the n-th message of a campaign goes out on under its plan. */
export const dayOf = (plan: DailyPlan | null, n: number): number =>
  !plan || n < plan.leftAtLaunch ? 0 : 1 + Math.floor((n - plan.leftAtLaunch) / plan.limit);

/** Recipients read and written per fan-out round. */
const BATCH = 2000;
export const EXCLUSION_REASONS = ['no-consent', 'opted-out', 'invalid-phone', 'duplicate', 'template', 'no-phone'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];
const UNSENT = [STATUS.scheduled, STATUS.queued, STATUS.sending];
/**
 * Template statuses from Meta that stop a campaign sending the template. LOCKED is not one: a
 * locked template cannot be edited, and is still sent.
 */
const STOPPING_TEMPLATE_EVENTS = new Set(['PAUSED', 'DISABLED', 'REJECTED', 'PENDING_DELETION', 'DELETED', 'ARCHIVED']);
/** Auto-pause: this many messages waiting on a rate-limit retry; the failure rate once this many have an outcome. */
const RATE_LIMITED_PAUSE = 10;
const MIN_OUTCOMES = 20;

/** A page of a campaign's audience, checked and built, ready to be written. */
interface PreparedPage {
  campaignId: number;
  cursor: number;
  next: number;
  read: number;
  counted: number;
  rows: Array<Omit<NewMessage, 'dueAt'>>;
  resumedCount: number;
  exclusions: Record<string, number>;
  contacts: Set<number>;
  sender: Sender;
}

/** An estimate's way to count a live query's customer who is not a contact yet, without writing one. */
interface Estimating {
  newContact(phone: string): Contact;
}

/** A recipient as the audience gives it: a contact, and the record it came from (live queries). */
interface Recipient {
  contact: Contact | null;
  phone: string | null;
  record?: unknown;
  /** A live-query record whose phone field is empty (rather than a number that does not read). */
  noPhone?: boolean;
}

const createCampaignsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const campaigns = () => strapi.db.query(UID.campaign);
  const knex = () => strapi.db.connection;

  const findOrFail = async (ref: string | number): Promise<Campaign> => {
    const where = whereRef(ref);
    const campaign = where ? await campaigns().findOne({ where }) : null;
    if (!campaign) throw notFound(`Campaign ${ref} not found`);
    return campaign;
  };

  /** A template the provider reported not approved (paused, rejected…) is not launched or resumed: 422 naming it. */
  const assertTemplateApproved = async (campaign: Campaign, provider: string) => {
    if (!campaign.template) return;
    const template = await getService('templates').findOne(campaign.template);
    const reason = template ? notApprovedReason(template.name, approvalsOf(template.approvals), provider) : null;
    if (reason) throw new RuleError('template', 'not-approved', reason);
  };

  /** The value of one mapped variable for one recipient: `contact.…`, `record.…` or `{ value }`. */
  const valueFor = (source: string | { value: unknown }, recipient: Recipient): unknown => {
    if (typeof source !== 'string') return source.value;
    if (source.startsWith('contact.')) return valueAt(recipient.contact, source.slice('contact.'.length));
    if (source.startsWith('record.')) return valueAt(recipient.record, source.slice('record.'.length));
    return valueAt(recipient.contact, source);
  };

  /** Phones given as text → E.164 (null where the number does not read) and the contacts they name, in one query. */
  const contactsForPhones = async (given: unknown[]): Promise<Array<{ phone: string | null; contact: Contact | null }>> => {
    const phones: Array<string | null> = [];
    for (const value of given) {
      if (typeof value !== 'string' || !value.trim()) {
        phones.push(null);
        continue;
      }
      try {
        phones.push(await getService('phone').normalize(value, 'phone'));
      } catch {
        phones.push(null);
      }
    }
    const wanted = [...new Set(phones.filter((phone): phone is string => phone !== null))];
    const found: Contact[] = wanted.length ? await strapi.db.query(UID.contact).findMany({ where: { phone: { $in: wanted } } }) : [];
    const byPhone = new Map(found.map((contact) => [contact.phone, contact]));
    return phones.map((phone) => ({ phone, contact: phone ? (byPhone.get(phone) ?? null) : null }));
  };

  /**
   * One page of the audience after `cursor` (the last id read: contacts and live queries are read
   * in id order, each page an index range rather than an OFFSET that rereads every page before
   * it; an uploaded list by position). `next` is the cursor after this page.
   */
  const audiencePage = async (audience: Audience, cursor: number, estimate?: Estimating): Promise<{ recipients: Recipient[]; next: number; read: number }> => {
    const contacts = strapi.db.query(UID.contact);
    const last = <T extends { id: number }>(rows: T[]) => (rows.length ? Number(rows[rows.length - 1].id) : cursor);
    switch (audience.kind) {
      case 'consent': {
        const rows: Contact[] = await contacts.findMany({ where: { marketingConsent: true, id: { $gt: cursor } }, orderBy: { id: 'asc' }, limit: BATCH });
        return { recipients: rows.map((contact) => ({ contact, phone: contact.phone })), next: last(rows), read: rows.length };
      }
      case 'tags': {
        // Tags are a JSON list on the contact: read in pages and matched here, the same on both databases.
        const rows: Contact[] = await contacts.findMany({ where: { tags: { $notNull: true }, id: { $gt: cursor } }, orderBy: { id: 'asc' }, limit: BATCH });
        const wanted = new Set(audience.tags.map((tag) => tag.toLowerCase()));
        const recipients = rows.map((contact) => ({
          contact: Array.isArray(contact.tags) && contact.tags.some((tag: unknown) => wanted.has(String(tag).toLowerCase())) ? contact : null,
          phone: contact.phone,
        }));
        return { recipients, next: last(rows), read: rows.length };
      }
      case 'phones': {
        const given = audience.phones.slice(cursor, cursor + BATCH);
        return { recipients: await contactsForPhones(given), next: cursor + given.length, read: given.length };
      }
      case 'query': {
        const populate = populateFor(schemaLookup(strapi), audience.contentType, [audience.phonePath]);
        const filters = { $and: [audience.filters ?? {}, { id: { $gt: cursor } }] };
        const records: any[] = await strapi.documents(audience.contentType as any).findMany({ filters: filters as any, populate: populate as any, limit: BATCH, sort: 'id:asc' } as any);
        const found = await contactsForPhones(records.map((record) => valueAt(record, audience.phonePath)));
        // An erased person's number does not become a contact again (preparePage excludes it).
        const blocked = await getService('privacy').blockedAmong(found.map((f) => f.phone));
        const recipients: Recipient[] = [];
        for (const [index, record] of records.entries()) {
          const { phone } = found[index];
          let { contact } = found[index];
          if (!phone) {
            const given = valueAt(record, audience.phonePath);
            recipients.push({ contact: null, phone: null, record, ...(typeof given === 'string' && given.trim() ? {} : { noPhone: true }) });
            continue;
          }
          // A customer of the business who is not a contact yet becomes one (no consent given);
          // an estimate counts them as such without writing them.
          if (!contact && blocked.has(phone)) {
            recipients.push({ contact: null, phone, record });
            continue;
          }
          if (!contact) contact = estimate ? estimate.newContact(phone) : (await getService('contacts').findOrCreate(phone, { source: 'api' })).contact;
          recipients.push({ contact, phone, record });
        }
        return { recipients, next: last(records), read: records.length };
      }
      default:
        return { recipients: [], next: cursor, read: 0 };
    }
  };

  /**
   * The sender's daily limit planned from `from`: what it has left of the last 24 hours (unique
   * people sent a template), then a day's worth each day; null without a limit.
   */
  const dailyPlanFor = async (sender: Sender, from: Date): Promise<DailyPlan | null> => {
    const limit = Number((sender as { dailyLimit?: number | null }).dailyLimit) || 0;
    if (limit <= 0) return null;
    const used = await knex()(TABLE.message)
      .where({ [M.senderId]: sender.id, [M.direction]: 'out' })
      .whereNotNull(M.templateId)
      .whereNotIn(M.status, [STATUS.cancelled])
      .where(M.dueAt, '>', new Date(from.getTime() - DAY_MS))
      .countDistinct({ n: M.contactId })
      .first();
    return { limit, leftAtLaunch: Math.max(0, limit - Number(used?.n ?? 0)), from: from.toISOString() };
  };

  /**
   * One page of a launching campaign's audience, read and checked, its messages built (their due
   * time is given when they are written). `inFlight`: the contacts of the page being written
   * meanwhile, duplicates if they come again.
   */
  const preparePage = async (campaign: Campaign, cursor: number, inFlight: ReadonlySet<number>, estimate?: Estimating): Promise<PreparedPage> => {
    const template = await getService('templates').findOne(String(campaign.template));
    const sender = await getService('senders').resolve(campaign.senderId ?? undefined);
    const audience = campaign.audience as Audience;
    const { recipients: page, next, read } = await audiencePage(audience, cursor, estimate);
    const exclusions: Record<string, number> = {};
    const exclude = (reason: ExclusionReason) => {
      exclusions[reason] = (exclusions[reason] ?? 0) + 1;
    };
    const rows: Array<Omit<NewMessage, 'dueAt'>> = [];
    // Duplicates: a contact already holding a message of this campaign (earlier pages) or twice in this page.
    const seen = new Set<number>();
    const contactIds = page.map((r) => r.contact?.id).filter((id): id is number => typeof id === 'number');
    // A contact of this page may already hold this campaign's message for two reasons: it was in
    // an earlier page too (a duplicate), or this very page was written by a round that stopped
    // before recording itself (a resumed fan-out: its messages are newer than the campaign row's
    // last update, which every finished round makes right after its insert).
    const lastRound = campaign.updatedAt ? new Date(campaign.updatedAt).getTime() : 0;
    const already = new Set<number>(inFlight);
    const resumed = new Set<number>();
    if (contactIds.length) {
      // By idempotency key (`campaign:<id>:<contact>`, unique): index lookups, however many
      // messages the campaign already has.
      const keys = [...new Set(contactIds)].map((contactId) => `campaign:${campaign.id}:${contactId}`);
      const existing: Array<Record<string, unknown>> = await knex()(TABLE.message).whereIn(M.idempotencyKey, keys).select(M.contactId, M.createdAt);
      for (const row of existing) {
        const contactId = Number(row[M.contactId]);
        if (inFlight.has(contactId)) continue;
        const created = row[M.createdAt] instanceof Date ? (row[M.createdAt] as Date).getTime() : Number(row[M.createdAt]) || new Date(String(row[M.createdAt])).getTime();
        (created > lastRound ? resumed : already).add(contactId);
      }
    }
    // Numbers (and user ids) of people whose data was erased: never messaged by a campaign.
    const blocked = await getService('privacy').blockedAmong(page.flatMap((r) => [r.phone, r.contact?.phone, r.contact?.providerUserId]));
    let counted = 0;
    let resumedCount = 0;
    for (const recipient of page) {
      counted += 1;
      if (audience.kind === 'tags' && !recipient.contact) continue; // not in the audience at all
      const contact = recipient.contact;
      if (contact?.erasedAt || [recipient.phone, contact?.phone, contact?.providerUserId].some((v) => typeof v === 'string' && blocked.has(v))) {
        exclude('opted-out');
        continue;
      }
      if (!recipient.phone && !contact) {
        exclude(recipient.noPhone ? 'no-phone' : 'invalid-phone');
        continue;
      }
      if (!contact) {
        exclude('no-consent');
        continue;
      }
      if (resumed.has(contact.id) && !seen.has(contact.id)) {
        seen.add(contact.id);
        resumedCount += 1;
        continue;
      }
      if (seen.has(contact.id) || already.has(contact.id)) {
        exclude('duplicate');
        continue;
      }
      seen.add(contact.id);
      if (contact.optedOutAt && template!.category === 'marketing') {
        exclude('opted-out');
        continue;
      }
      if (!(await getService('consent').allows(contact, template!.category)).ok) {
        exclude('no-consent');
        continue;
      }
      const variables: Record<string, unknown> = {};
      for (const [name, source] of Object.entries(campaign.variables ?? {})) variables[name] = valueFor(source, recipient);
      let body: string;
      try {
        body = getService('templates').render(template!, variables, formatOptionsFor(contact));
        getService('templates').providerTemplate(template!, variables, formatOptionsFor(contact));
      } catch {
        exclude('template');
        continue;
      }
      rows.push({
        direction: 'out',
        contactId: contact.id,
        to: contact.phone ?? String(contact.providerUserId),
        from: sender.number,
        senderId: sender.id,
        templateId: template!.id,
        templateName: template!.name,
        variables,
        body,
        media: null,
        category: template!.category,
        country: countryOfPhone(contact.phone),
        idempotencyKey: `campaign:${campaign.id}:${contact.id}`,
        campaignId: campaign.id,
        automationId: null,
        conversationId: null,
        relatedType: null,
        relatedId: null,
      });
    }
    return { campaignId: campaign.id, cursor, next, read, counted, rows, resumedCount, exclusions, contacts: new Set(rows.map((row) => row.contactId)), sender };
  };

  /**
   * The next page, prepared while the current one is written: reading and building a page is the
   * app's work, writing it the database's, and the two overlap (a 100,000-recipient fan-out in
   * about two thirds of the time). Used only by the round that starts at its cursor.
   */
  let ahead: { campaignId: number; cursor: number; page: Promise<PreparedPage> } | null = null;

  /** One fan-out round of a launching campaign: the next page of its audience written as messages. */
  const fanOutRound = async (campaign: Campaign): Promise<boolean> => {
    const offset = campaign.total ?? 0;
    const audience = campaign.audience as Audience;
    const cursor = audience.kind === 'phones' ? offset : Number(campaign.audienceCursor ?? 0);
    const prepared = ahead?.campaignId === campaign.id && ahead.cursor === cursor ? ahead.page : null;
    ahead = null;
    const page: PreparedPage = (prepared && (await prepared.catch(() => null))) || (await preparePage(campaign, cursor, new Set()));
    const done = page.read < BATCH;
    if (!done) {
      const next = preparePage(campaign, page.next, page.contacts);
      next.catch(() => undefined); // a failed look-ahead is prepared again by its own round
      ahead = { campaignId: campaign.id, cursor: page.next, page: next };
    }
    const { sender } = page;
    const dueAt = campaign.scheduledAt && new Date(campaign.scheduledAt).getTime() > Date.now() ? new Date(campaign.scheduledAt) : new Date();
    // The sender's daily limit, planned once at the first round: what it has left now, then a day's worth each day.
    const plan: DailyPlan | null = campaign.dailyPlan ?? (offset === 0 ? await dailyPlanFor(sender, dueAt) : null);
    const dueFor = (n: number) => (plan ? new Date(new Date(plan.from).getTime() + dayOf(plan, n) * DAY_MS) : dueAt);
    const queuedBefore = campaign.queuedCount ?? 0;
    const rows: NewMessage[] = page.rows.map((row, i) => ({ ...row, dueAt: dueFor(queuedBefore + page.resumedCount + i) }));
    const excluded: Record<string, number> = { ...(campaign.excluded ?? {}) };
    for (const [reason, n] of Object.entries(page.exclusions)) excluded[reason] = (excluded[reason] ?? 0) + n;
    let written: number;
    try {
      written = await getService('queue').createMany(rows);
    } catch (error) {
      ahead = null;
      throw error;
    }
    const now = new Date();
    await campaigns().update({
      where: { id: campaign.id },
      data: {
        total: offset + page.counted,
        audienceCursor: page.next,
        queuedCount: queuedBefore + page.resumedCount + written,
        excluded,
        dailyPlan: plan,
        updatedAt: new Date(),
        ...(done ? { state: dueAt.getTime() > Date.now() ? 'scheduled' : 'running', fannedOutAt: now } : {}),
      },
    });
    if (written) getService('dispatcher').wake();
    return !done;
  };

  /**
   * Auto-pause, with the reason for staff: too many failures (settings `failureRateThreshold`,
   * once 20 messages have an outcome), or the provider limiting the rate again and again (10 of
   * the campaign's messages waiting on a rate-limit retry). Resuming is staff's decision: only
   * what happened since the last resume counts.
   */
  const autoPauseReason = async (campaign: Campaign): Promise<string | null> => {
    const since = campaign.resumedAt ? new Date(campaign.resumedAt) : new Date(0);
    const rows: Array<Record<string, unknown>> = await knex()(TABLE.message)
      .where(M.campaignId, campaign.id)
      .where(M.updatedAt, '>=', since)
      .whereNotNull(M.errorCode)
      .groupBy(M.status, M.provider, M.errorCode)
      .select(M.status, M.provider, M.errorCode)
      .count({ n: '*' });
    const sentCount = Number(
      (await knex()(TABLE.message).where(M.campaignId, campaign.id).where(M.updatedAt, '>=', since).whereIn(M.status, [STATUS.sent, STATUS.delivered, STATUS.read]).count({ n: '*' }).first())?.n ?? 0
    );
    let failed = 0;
    let rateLimited = 0;
    for (const row of rows) {
      const n = Number(row.n);
      const status = String(row[M.status]);
      if (status === STATUS.failed || status === STATUS.undeliverable) failed += n;
      const kind = explainError(String(row[M.provider] ?? '') as Parameters<typeof explainError>[0], String(row[M.errorCode]), 'en')?.kind;
      if (kind === 'rate-limited' && (status === STATUS.queued || status === STATUS.scheduled)) rateLimited += n;
    }
    if (rateLimited >= RATE_LIMITED_PAUSE) return `The provider is limiting the rate: ${rateLimited} messages are waiting on a rate-limit retry`;
    const { failureRateThreshold } = await getService('settings').get();
    const outcomes = failed + sentCount;
    if (outcomes >= MIN_OUTCOMES && failureRateThreshold > 0 && failed / outcomes > failureRateThreshold) {
      return `${Math.round((100 * failed) / outcomes)} % of the messages failed (the limit in settings is ${Math.round(100 * failureRateThreshold)} %)`;
    }
    return null;
  };

  /** Running / scheduled campaigns with nothing left to send are completed; failing ones paused. */
  const completeFinished = async () => {
    const active: Campaign[] = await campaigns().findMany({ where: { state: { $in: ['running', 'scheduled'] } } });
    let done = 0;
    for (const campaign of active) {
      const pause = campaign.state === 'running' ? await autoPauseReason(campaign) : null;
      if (pause) {
        await campaigns().updateMany({ where: { id: campaign.id, state: 'running' }, data: { state: 'paused', pausedReason: pause } });
        strapi.log.warn(`[whatsapp] campaign ${campaign.id} paused: ${pause}`);
        continue;
      }
      const left = await knex()(TABLE.message).where(M.campaignId, campaign.id).whereIn(M.status, UNSENT).first(M.id);
      if (left) {
        if (campaign.state === 'scheduled' && campaign.scheduledAt && new Date(campaign.scheduledAt).getTime() <= Date.now()) {
          await campaigns().update({ where: { id: campaign.id, state: 'scheduled' }, data: { state: 'running' } });
        }
        continue;
      }
      await campaigns().update({ where: { id: campaign.id }, data: { state: 'completed', completedAt: new Date() } });
      done += 1;
    }
    return done;
  };

  const job = createJob({
    name: 'campaigns',
    intervalMs: 1_000,
    log: strapi.log,
    work: async () => {
      const launching: Campaign | null = await campaigns().findOne({ where: { state: 'launching' }, orderBy: { id: 'asc' } });
      if (launching) {
        try {
          await fanOutRound(launching);
          return 1;
        } catch (error) {
          strapi.log.error(`[whatsapp] campaign ${launching.id} fan-out: ${(error as Error).message}`);
          await campaigns().update({ where: { id: launching.id }, data: { state: 'paused', pausedReason: `The launch stopped: ${(error as Error).message}`.slice(0, 255) } });
          return 0;
        }
      }
      return completeFinished().then(() => 0);
    },
  });

  return {
    start: () => job.start(),
    stop: () => job.stop(),
    idle: () => job.idle(),
    findOrFail,

    /** Checks a campaign as it will be stored; RuleError (422 / 400) naming the field. */
    async check(campaign: CampaignInput) {
      if (campaign.template !== undefined && campaign.template !== null) {
        const template = await getService('templates').findOne(String(campaign.template));
        if (!template || template.active === false) throw new RuleError('template', 'unknown', `No active template "${campaign.template}"`);
        const mapping = campaign.variables ?? {};
        const unmapped = (template.variables ?? []).filter((name: string) => !Object.prototype.hasOwnProperty.call(mapping, name));
        if (unmapped.length) throw new RuleError(`variables.${unmapped[0]}`, 'unmapped', `Template "${template.name}" uses ${unmapped.map((n: string) => `{{${n}}}`).join(', ')}: map each to contact.<field>, record.<field> or { "value": … }`);
      }
      if (campaign.senderId !== undefined && campaign.senderId !== null) {
        const sender = await strapi.db.query(UID.sender).findOne({ where: { id: campaign.senderId } });
        if (!sender) throw new RuleError('senderId', 'unknown', `No sender ${campaign.senderId}`);
      }
      if (campaign.scheduledAt) {
        const at = new Date(campaign.scheduledAt);
        if (Number.isNaN(at.getTime())) throw new RuleError('scheduledAt', 'date', 'scheduledAt must be a date (ISO 8601)', 400);
        if (at.getTime() < Date.now() - 5_000) throw new RuleError('scheduledAt', 'future', `scheduledAt ${at.toISOString()} is in the past`);
      }
      const audience = campaign.audience;
      if (audience?.kind === 'query') {
        if (!isHostType(strapi, audience.contentType)) throw new RuleError('audience.contentType', 'unknown', `"${audience.contentType}" is not a content type of this application`);
        try {
          resolvePath(schemaLookup(strapi), audience.contentType, audience.phonePath);
        } catch (error) {
          if (error instanceof PathError) throw new RuleError('audience.phonePath', 'path', error.message);
          throw error;
        }
        try {
          await strapi.documents(audience.contentType as any).count({ filters: (audience.filters ?? {}) as any } as any);
        } catch (error) {
          throw new RuleError('audience.filters', 'invalid', `The filters cannot be read: ${(error as Error).message}`);
        }
      }
    },

    async list({ page, pageSize }: { page: number; pageSize: number }) {
      const [results, total] = await Promise.all([
        campaigns().findMany({ orderBy: { id: 'desc' }, offset: (page - 1) * pageSize, limit: pageSize }),
        campaigns().count(),
      ]);
      return { results: results as Campaign[], total };
    },

    async create(input: CampaignInput): Promise<Campaign> {
      await this.check(input);
      const now = new Date();
      return campaigns().create({ data: { ...input, state: 'draft', total: 0, queuedCount: 0, excluded: {}, createdAt: now, updatedAt: now } });
    },

    async update(ref: string | number, input: CampaignInput): Promise<Campaign> {
      const stored = await findOrFail(ref);
      if (stored.state !== 'draft') throw conflict('state', 'not-draft', `Campaign ${stored.id} is ${stored.state}: only a draft can be edited`);
      await this.check({ ...stored, ...input });
      return campaigns().update({ where: { id: stored.id }, data: { ...input, updatedAt: new Date() } });
    },

    /** Launches a draft once: everything checked up front, then the fan-out runs in the background. */
    /**
     * What launching a draft now would do, without writing anything: the whole audience read and
     * checked as the fan-out will (same exclusions and reasons, duplicates across rounds), the
     * cost by the price table, the time it takes at the sender's rate or the campaign's pacing,
     * the days the sender's daily limit spreads it over, and the first messages as they will read.
     * A live query's customers who are not contacts yet are counted as new contacts without consent.
     */
    async estimate(ref: string | number) {
      const campaign = await findOrFail(ref);
      if (campaign.state !== 'draft') throw conflict('state', 'launched', `Campaign ${campaign.id} was already launched (it is ${campaign.state}): its stats carry the cost and the time left`);
      if (!campaign.template) throw new RuleError('template', 'required', 'A campaign needs a template');
      if (!campaign.audience) throw new RuleError('audience', 'required', 'A campaign needs an audience');
      await this.check(campaign);
      const newContacts = new Map<string, Contact>();
      const estimating: Estimating = {
        newContact: (phone) => {
          let contact = newContacts.get(phone);
          if (!contact) {
            contact = { id: -1 - newContacts.size, phone, marketingConsent: false, transactionalConsent: false, optedOutAt: null, locale: 'es-MX' } as unknown as Contact;
            newContacts.set(phone, contact);
          }
          return contact;
        },
      };
      const excluded: Record<string, number> = {};
      const byCountry = new Map<string | null, number>();
      const seen = new Set<number>();
      const sample: Array<{ to: string; body: string }> = [];
      let sender: Sender | null = null;
      let audience = 0;
      let recipients = 0;
      for (let cursor = 0; ; ) {
        const page = await preparePage(campaign, cursor, seen, estimating);
        sender = page.sender;
        audience += Object.values(page.exclusions).reduce((a, b) => a + b, 0) + page.rows.length;
        for (const [reason, n] of Object.entries(page.exclusions)) excluded[reason] = (excluded[reason] ?? 0) + n;
        for (const row of page.rows) {
          seen.add(row.contactId);
          const country = row.country ?? null;
          byCountry.set(country, (byCountry.get(country) ?? 0) + 1);
          if (sample.length < 3) sample.push({ to: row.to, body: row.body });
        }
        recipients += page.rows.length;
        if (page.read < BATCH) break;
        cursor = page.next;
      }
      const prices = getService('prices');
      const { table, category, assumed } = await prices.pricingOf(campaign);
      const cost = campaignCost([...byCountry].map(([country, n]) => ({ country, status: STATUS.queued, n })), table, { category, assumed }, true);
      const startAt = campaign.scheduledAt && new Date(campaign.scheduledAt).getTime() > Date.now() ? new Date(campaign.scheduledAt) : new Date();
      const plan = sender ? await dailyPlanFor(sender, startAt) : null;
      const perSecond = Math.min(Number(sender?.messagesPerSecond) || 80, Number(campaign.pacingSeconds) > 0 ? 1 / Number(campaign.pacingSeconds) : Infinity);
      const days = recipients ? dayOf(plan, recipients - 1) + 1 : 0;
      const lastDay = recipients ? recipients - (days > 1 && plan ? plan.leftAtLaunch + (days - 2) * plan.limit : 0) : 0;
      return {
        campaign: campaign.id,
        audience,
        recipients,
        excluded,
        newContacts: newContacts.size,
        cost,
        messagesPerSecond: Number(perSecond.toFixed(4)),
        // Sending time on the busiest day; the daily limit spreads the rest over the following days.
        estimatedSeconds: Math.ceil((days > 1 && plan ? Math.max(plan.leftAtLaunch, plan.limit) : recipients) / perSecond),
        dailyLimit: plan?.limit ?? null,
        leftToday: plan?.leftAtLaunch ?? null,
        daysNeeded: days,
        startsAt: startAt.toISOString(),
        lastDueAt: recipients ? new Date(startAt.getTime() + dayOf(plan, recipients - 1) * DAY_MS).toISOString() : null,
        lastDayRecipients: lastDay,
        sample,
      };
    },

    async launch(ref: string | number): Promise<Campaign> {
      const stored = await findOrFail(ref);
      if (stored.state !== 'draft') throw conflict('state', 'launched', `Campaign ${stored.id} was already launched (it is ${stored.state})`);
      if (!stored.template) throw new RuleError('template', 'required', 'A campaign needs a template');
      if (!stored.audience) throw new RuleError('audience', 'required', 'A campaign needs an audience');
      await this.check(stored);
      const sender = await getService('senders').resolve(stored.senderId ?? undefined);
      await assertTemplateApproved(stored, sender.provider);
      const changed = await campaigns().updateMany({ where: { id: stored.id, state: 'draft' }, data: { state: 'launching', launchedAt: new Date() } });
      if (!changed?.count) throw conflict('state', 'launched', `Campaign ${stored.id} was already launched`);
      job.wake();
      return findOrFail(stored.id);
    },

    async pause(ref: string | number, reason: string | null = null): Promise<Campaign> {
      const stored = await findOrFail(ref);
      const changed = await campaigns().updateMany({ where: { id: stored.id, state: { $in: ['running', 'scheduled', 'launching'] } }, data: { state: 'paused', pausedReason: reason } });
      if (!changed?.count) throw conflict('state', 'not-running', `Campaign ${stored.id} is ${stored.state}: only a running or scheduled campaign can be paused`);
      return findOrFail(stored.id);
    },

    async resume(ref: string | number): Promise<Campaign> {
      const stored = await findOrFail(ref);
      // A campaign Meta's pause stopped starts again only once the template may be sent.
      if (stored.state === 'paused') {
        const sender = stored.senderId ? await strapi.db.query(UID.sender).findOne({ where: { id: stored.senderId } }) : await getService('senders').resolve().catch(() => null);
        if (sender) await assertTemplateApproved(stored, sender.provider);
      }
      // A fan-out that was paused part-way resumes it; otherwise the queue takes the messages again.
      const next = stored.fannedOutAt ? 'running' : 'launching';
      const changed = await campaigns().updateMany({ where: { id: stored.id, state: 'paused' }, data: { state: next, pausedReason: null, resumedAt: new Date() } });
      if (!changed?.count) throw conflict('state', 'not-paused', `Campaign ${stored.id} is ${stored.state}: only a paused campaign can be resumed`);
      job.wake();
      getService('dispatcher').wake();
      return findOrFail(stored.id);
    },

    /** Cancels the campaign and every message of it not yet handed to a provider (one statement). */
    async cancel(ref: string | number): Promise<{ campaign: Campaign; cancelled: number }> {
      const stored = await findOrFail(ref);
      const changed = await campaigns().updateMany({ where: { id: stored.id, state: { $notIn: ['completed', 'cancelled'] } }, data: { state: 'cancelled', completedAt: new Date() } });
      if (!changed?.count) throw conflict('state', 'finished', `Campaign ${stored.id} is already ${stored.state}`);
      const cancelled = await getService('queue').cancelCampaign(stored.id);
      return { campaign: await findOrFail(stored.id), cancelled };
    },

    /**
     * Puts back in the queue the campaign's failed messages whose failure may pass with time
     * (transient or rate-limited in the provider's table); the others stay failed.
     */
    async retryFailed(ref: string | number): Promise<{ campaign: Campaign; requeued: number }> {
      const campaign = await findOrFail(ref);
      if (campaign.state === 'cancelled' || campaign.state === 'draft') throw conflict('state', 'not-launched', `Campaign ${campaign.id} is ${campaign.state}`);
      const groups: Array<Record<string, unknown>> = await knex()(TABLE.message)
        .where(M.campaignId, campaign.id)
        .whereIn(M.status, [STATUS.failed, STATUS.undeliverable])
        .groupBy(M.provider, M.errorCode)
        .select(M.provider, M.errorCode);
      let requeued = 0;
      const now = new Date();
      for (const group of groups) {
        const kind = explainError(String(group[M.provider] ?? '') as Parameters<typeof explainError>[0], String(group[M.errorCode] ?? ''), 'en')?.kind;
        if (kind !== 'transient' && kind !== 'rate-limited') continue;
        requeued += Number(
          await knex()(TABLE.message)
            .where({ [M.campaignId]: campaign.id, [M.provider]: group[M.provider], [M.errorCode]: group[M.errorCode] })
            .whereIn(M.status, [STATUS.failed, STATUS.undeliverable])
            .update({ [M.status]: STATUS.queued, [M.dueAt]: now, [M.queuedAt]: now, [M.nextAttemptAt]: null, [M.errorCode]: null, [M.errorText]: null, [M.updatedAt]: now })
        );
      }
      if (requeued) {
        await campaigns().updateMany({ where: { id: campaign.id, state: 'completed' }, data: { state: 'running', completedAt: null } });
        getService('dispatcher').wake();
      }
      return { campaign: await findOrFail(campaign.id), requeued };
    },

    /**
     * Meta paused, disabled or rejected an approved template (`message_template_status_update`):
     * every campaign still sending it pauses, saying why. Returns how many paused. Other events
     * (APPROVED, REINSTATED…) change nothing here: staff resume a campaign themselves.
     */
    async applyTemplateStatus(update: { event: string; name: string; language: string | null; reason: string | null; description: string | null }): Promise<number> {
      if (!STOPPING_TEMPLATE_EVENTS.has(update.event)) return 0;
      const templates: Array<{ name: string; metaLanguage?: string | null }> = await strapi.db.query(UID.template).findMany({ where: { metaName: update.name }, select: ['name', 'metaLanguage'] });
      const language = (update.language ?? '').replace('-', '_').toLowerCase();
      const names = templates.filter((t) => !language || !t.metaLanguage || t.metaLanguage.replace('-', '_').toLowerCase() === language).map((t) => t.name);
      if (!names.length) return 0;
      const why = [update.reason, update.description].filter((part) => part && part !== 'NONE').join(': ');
      const reason = `Meta ${update.event.toLowerCase().replace(/_/g, ' ')} the template ${update.name}${update.language ? ` (${update.language})` : ''}${why ? `: ${why}` : ''}`;
      return this.pauseForTemplates(names, reason);
    },

    /**
     * Pauses every campaign still sending one of these templates (by our template name), with
     * the reason staff read on the campaign. Returns how many paused.
     */
    async pauseForTemplates(names: string[], reason: string): Promise<number> {
      if (!names.length) return 0;
      const pausedReason = reason.slice(0, 255);
      const changed = await campaigns().updateMany({ where: { template: { $in: names }, state: { $in: ['launching', 'scheduled', 'running'] } }, data: { state: 'paused', pausedReason } });
      if (changed?.count) strapi.log.warn(`[whatsapp] ${pausedReason}; ${changed.count} campaign(s) paused`);
      return changed?.count ?? 0;
    },

    /** Counts from grouped queries (never a loop over rows). */
    async stats(ref: string | number, lang: 'en' | 'es' = 'en') {
      const campaign = await findOrFail(ref);
      const byStatus: Array<Record<string, unknown>> = await knex()(TABLE.message).where(M.campaignId, campaign.id).groupBy(M.status).select(M.status).count({ n: '*' });
      const counts: Record<string, number> = {};
      for (const row of byStatus) counts[String(row[M.status])] = Number(row.n);
      const byError: Array<Record<string, unknown>> = await knex()(TABLE.message)
        .where(M.campaignId, campaign.id)
        .whereIn(M.status, [STATUS.failed, STATUS.undeliverable])
        .groupBy(M.provider, M.errorCode)
        .select(M.provider, M.errorCode)
        .count({ n: '*' });
      const sum = (...statuses: string[]) => statuses.reduce((total, status) => total + (counts[status] ?? 0), 0);
      const messages = Object.values(counts).reduce((a, b) => a + b, 0);
      // Replies and opt-outs within the window after each person's campaign message (one grouped query each).
      const windowMs = readConfig().campaignReplyWindowHours * 3600_000;
      const sentRows = knex()(`${TABLE.message} as c`).where('c.' + M.campaignId, campaign.id).whereNotNull('c.' + M.sentAt);
      const replied = await sentRows
        .clone()
        .whereExists(
          knex()(`${TABLE.message} as r`)
            .select(knex().raw('1'))
            .whereRaw(`r.${M.contactId} = c.${M.contactId}`)
            .where('r.' + M.direction, 'in')
            .whereRaw(`r.${M.createdAt} >= c.${M.sentAt}`)
            .whereRaw(`r.${M.createdAt} <= ${isPostgres() ? `c.${M.sentAt} + (?::double precision * interval '1 millisecond')` : `c.${M.sentAt} + ?`}`, [windowMs])
        )
        .countDistinct({ n: 'c.' + M.contactId })
        .first();
      const optedOut = await sentRows
        .clone()
        .join(`${CONTACT_TABLE} as k`, 'k.id', 'c.' + M.contactId)
        .whereRaw(`k.opted_out_at >= c.${M.sentAt}`)
        .whereRaw(`k.opted_out_at <= ${isPostgres() ? `c.${M.sentAt} + (?::double precision * interval '1 millisecond')` : `c.${M.sentAt} + ?`}`, [windowMs])
        .countDistinct({ n: 'c.' + M.contactId })
        .first();
      // Pace: what left in the last minute, and the time the waiting ones need at the campaign's
      // pacing or the sender's rate, whichever is slower (the daily limit is in lastDueAt).
      const lastMinute = Number(
        (await knex()(TABLE.message).where(M.campaignId, campaign.id).where(M.sentAt, '>=', new Date(Date.now() - 60_000)).count({ n: '*' }).first())?.n ?? 0
      );
      const sender = campaign.senderId ? await strapi.db.query(UID.sender).findOne({ where: { id: campaign.senderId } }) : await getService('senders').resolve().catch(() => null);
      const perSecond = Math.min(Number(sender?.messagesPerSecond) || 80, Number(campaign.pacingSeconds) > 0 ? 1 / Number(campaign.pacingSeconds) : Infinity);
      const waitingNow = sum(STATUS.scheduled, STATUS.queued, STATUS.sending);
      return {
        campaign: campaign.id,
        state: campaign.state,
        sentLastMinute: lastMinute,
        estimatedSecondsLeft: ['running', 'launching', 'scheduled'].includes(campaign.state) ? Math.ceil(waitingNow / perSecond) : 0,
        pausedReason: campaign.pausedReason,
        // Everyone the audience named: queued or counted out (`total` is how far the fan-out read,
        // which for tags includes contacts without the tag).
        audience: (campaign.queuedCount ?? 0) + Object.values(campaign.excluded ?? {}).reduce((a, b) => a + Number(b), 0),
        excluded: campaign.excluded ?? {},
        messages,
        waiting: sum(STATUS.scheduled, STATUS.queued, STATUS.sending),
        sent: sum(STATUS.sent, STATUS.delivered, STATUS.read),
        delivered: sum(STATUS.delivered, STATUS.read),
        read: sum(STATUS.read),
        failed: sum(STATUS.failed, STATUS.undeliverable),
        cancelled: sum(STATUS.cancelled),
        replied: Number(replied?.n ?? 0),
        optedOut: Number(optedOut?.n ?? 0),
        replyWindowHours: readConfig().campaignReplyWindowHours,
        // Under the sender's daily limit, the day the last message goes out.
        lastDueAt: campaign.dailyPlan && campaign.queuedCount ? new Date(new Date(campaign.dailyPlan.from).getTime() + dayOf(campaign.dailyPlan, campaign.queuedCount - 1) * DAY_MS).toISOString() : null,
        daysNeeded: campaign.dailyPlan && campaign.queuedCount ? dayOf(campaign.dailyPlan, campaign.queuedCount - 1) + 1 : campaign.queuedCount ? 1 : 0,
        dailyLimit: campaign.dailyPlan?.limit ?? null,
        // What it costs by the price table (settings → prices): the estimate and the spend so far.
        cost: await getService('prices').campaignCost(campaign),
        failures: byError.map((row) => {
          const code = row[M.errorCode] ? String(row[M.errorCode]) : null;
          const explained = code ? explainError(String(row[M.provider] ?? '') as Parameters<typeof explainError>[0], code, lang) : null;
          return { code, count: Number(row.n), reason: explained?.reason ?? null, remedy: explained?.remedy ?? null };
        }),
      };
    },

    /** The rows of the export, a page at a time (recipient, status, times, error and its explanation). */
    async exportPage(campaignId: number, afterId: number, limit = 1000) {
      return knex()(TABLE.message)
        .where(M.campaignId, campaignId)
        .andWhere(M.id, '>', afterId)
        .orderBy(M.id, 'asc')
        .limit(limit)
        .select(M.id, M.to, M.contactId, M.status, M.provider, M.errorCode, M.errorText, M.queuedAt, M.sentAt, M.deliveredAt, M.readAt, M.failedAt, M.country);
    },
  };
};

export type CampaignsService = ReturnType<typeof createCampaignsService>;
export default createCampaignsService;
