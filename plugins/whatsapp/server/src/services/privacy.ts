import type { Core } from '@strapi/strapi';
import { STATUS, UID } from '../constants';
import type {
  ContactErasure,
  ContactExport,
  ExportedAutomationRun,
  ExportedMedia,
  ExportedWebhookEvent,
  PrivacyLogEntry,
} from '../../../shared/contracts';
import { readConfig } from '../config';
import { isBusinessScopedUserId } from '../lib/bsuid';
import { blockKeyOf, confirmsContact, isPseudonym, phoneDigitForms, pseudonymOf, replacementsFor, scrubber, scrubJson, type Identity } from '../lib/privacy';
import { M, MOVED_COLUMNS, movedOf, TABLE, type Knex, type MovedMessage } from '../queue/columns';
import { documentId } from '../utils/document-id';
import { getService, toDate } from '../utils';
import { malformed } from '../utils/errors';
import { serializeAttempt, serializeConsent, serializeContact, serializeMessage } from '../utils/serialize';
import { serializeConversation, serializeFollowUp } from '../utils/serialize-inbox';
import { columnOf, fromColumns, tableOf, toColumns } from '../utils/sql';
import type { Contact } from './contacts';

/** Who asks: an administrator (`id`, `email`) or an API caller (`email` holds `token:…` / `user:…`). */
export interface PrivacyActor {
  id?: number | null;
  email?: string | null;
  /** How the consent ledger names the door: `admin` (the admin panel) or `api`. */
  method: 'admin' | 'api';
}

const AUDIT = { export: 'contact.export', erase: 'contact.erase', unblock: 'contact.unblock' } as const;
/** Rows updated per statement where each row needs its own text (error texts, reasons). */
const CHUNK = 500;
const ERASED_EVIDENCE = 'Personal data erased at the person’s request';
const CANCELLED_TEXT = 'Cancelled: the contact’s personal data was erased';

const jsonOf = (value: unknown): unknown => {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};
const iso = (value: unknown) => toDate(value)?.toISOString() ?? null;
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/**
 * What the plugin holds about one person, handed over (export) or taken away (erase), and the
 * block that keeps an erased number from being messaged again.
 *
 * Erasing keeps every row that counts something (messages with their statuses and times,
 * attempts, conversations, follow-ups, the consent ledger), so campaign stats and reports do not
 * move; what identifies the person or says what they wrote is removed: numbers and user ids
 * become a stable keyed pseudonym (lib/privacy.ts), names and e-mails go, message texts,
 * variables, content and files go, webhook payloads that mention them are replaced. The ledger
 * keeps each consent change (when, which purpose, granted or not, by which door) without its
 * evidence text, and two opt-outs are appended.
 *
 * The erased contact row stays as a tombstone carrying two keyed hashes of the number and user
 * id it had (`erasedPhoneKey`, `erasedUserIdKey`): every way a message starts from the business
 * (API, admin, campaigns, automations) is refused for a blocked number, and imports skip it.
 * Only a new consent recorded for the number (the person asking again) lifts the block.
 */
const createPrivacyService = ({ strapi }: { strapi: Core.Strapi }) => {
  const secret = () => readConfig().pseudonymSecret;
  const knex = () => strapi.db.connection;

  const keyOf = (identifier: string): { column: 'erasedPhoneKey' | 'erasedUserIdKey'; key: string } =>
    isBusinessScopedUserId(identifier)
      ? { column: 'erasedUserIdKey', key: blockKeyOf(secret(), 'user-id', identifier) }
      : { column: 'erasedPhoneKey', key: blockKeyOf(secret(), 'phone', identifier) };

  /** The person's identifiers and words, from the contact row (a pseudonym is not one). */
  const identityOf = (contact: Contact): Identity => {
    const stored = jsonOf(contact.phoneHistory);
    const history = Array.isArray(stored) ? (stored as Array<Record<string, unknown>>) : [];
    const real = (value: unknown) => {
      const t = text(value);
      return t && !isPseudonym(t) ? t : null;
    };
    const unique = (values: unknown[]) => [...new Set(values.map(real).filter((v): v is string => v !== null))];
    const words = unique([contact.name, contact.profileName, contact.username, contact.email]);
    return {
      phones: unique([contact.phone, ...history.map((h) => h.phone)]),
      userIds: unique([contact.providerUserId, ...history.map((h) => h.providerUserId)]),
      // "Ana Núñez" also as "Ana" and "Núñez": a text may name them by one of them.
      words: unique([...words, ...words.flatMap((w) => w.split(/\s+/))]),
    };
  };

  /** The contact's messages, and messages without a contact sent to or by its numbers. */
  const personMessages = (db: Knex, contactId: number, identifiers: string[]) =>
    db(TABLE.message)
      .select(M.id)
      .where((q) => {
        q.where(M.contactId, contactId);
        if (identifiers.length) q.orWhere((o) => o.whereNull(M.contactId).where((w) => w.whereIn(M.to, identifiers).orWhereIn(M.from, identifiers)));
      });

  /**
   * Webhook events about the person: those applied to their messages, and any whose stored
   * payload names their current number (every form WhatsApp writes it in) or user id. Old
   * numbers of the history are left out: another person may have that number now.
   */
  const personEvents = (db: Knex, contactId: number, contact: Contact, identity: Identity) => {
    const patterns = [
      ...(contact.phone && !isPseudonym(contact.phone) ? phoneDigitForms(contact.phone) : []),
      ...(contact.providerUserId && !isPseudonym(contact.providerUserId) ? [contact.providerUserId] : []),
    ].map((p) => `%${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const payload = columnOf(UID.webhookEvent, 'payload');
    const messageId = columnOf(UID.webhookEvent, 'messageId');
    return db(tableOf(UID.webhookEvent)).where((q) => {
      q.whereIn(messageId, personMessages(db, contactId, [...identity.phones, ...identity.userIds]));
      for (const pattern of patterns) q.orWhereRaw(`CAST(?? AS TEXT) LIKE ? ESCAPE '\\'`, [payload, pattern]);
    });
  };

  const audit = (action: string, actor: PrivacyActor, contact: Contact, after: Record<string, unknown> | null) =>
    strapi.db.query(UID.auditEntry).create({
      data: {
        actorId: actor.method === 'admin' ? (actor.id ?? null) : null,
        actorEmail: actor.email ?? null,
        action,
        // Whom, by ids only: the audit never holds the person's number or name.
        before: { contactId: contact.id, documentId: contact.documentId },
        after,
        at: new Date(),
      },
    });

  /** The files the person sent that the media library holds (downloaded inbound media). */
  const storedFiles = async (contactId: number, identifiers: string[]): Promise<number[]> => {
    const rows: Array<Record<string, unknown>> = await knex()(TABLE.message)
      .select(M.mediaFileId)
      .whereIn(M.id, personMessages(knex(), contactId, identifiers))
      .where(M.direction, 'in')
      .whereNotNull(M.mediaFileId);
    return [...new Set(rows.map((r) => Number(r[M.mediaFileId])).filter((n) => Number.isInteger(n) && n > 0))];
  };

  /**
   * Deletes files from the media library (its provider's storage too). Not transactional: done
   * before the database changes, and a file that cannot be deleted now stays linked to its
   * message, so erasing again retries it.
   */
  const removeFiles = async (fileIds: number[]) => {
    const upload = strapi.plugin('upload').service('upload') as unknown as { remove(file: unknown): Promise<unknown> };
    const removed: number[] = [];
    const failed: number[] = [];
    for (const id of fileIds) {
      const file = await strapi.db.query('plugin::upload.file').findOne({ where: { id } });
      if (!file) {
        removed.push(id);
        continue;
      }
      try {
        await upload.remove(file);
        removed.push(id);
      } catch (error) {
        failed.push(id);
        strapi.log.warn(`[whatsapp] erasure: media library file ${id} could not be deleted (${(error as Error)?.message ?? error}); erase the contact again to retry`);
      }
    }
    return { removed, failed };
  };

  /** Rewrites one text column row by row (each row's own text), in chunks. */
  const scrubColumn = async (db: Knex, table: string, column: string, rows: Array<Record<string, unknown>>, scrub: (t: string) => string) => {
    let changed = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      for (const row of rows.slice(i, i + CHUNK)) {
        const before = row[column];
        if (typeof before !== 'string') continue;
        const after = scrub(before);
        if (after === before) continue;
        await db(table).where({ id: row.id }).update({ [column]: after });
        changed += 1;
      }
    }
    return changed;
  };

  const service = {
    /** The stable pseudonym of a number or user id (what an erased contact's number becomes). */
    pseudonym(identifier: string) {
      return pseudonymOf(secret(), identifier);
    },

    /**
     * Which of these numbers (E.164) and user ids belong to erased people and are still blocked:
     * one query, whatever their number.
     */
    async blockedAmong(identifiers: Array<string | null | undefined>): Promise<Set<string>> {
      const given = [...new Set(identifiers.filter((v): v is string => typeof v === 'string' && v.trim() !== '' && !isPseudonym(v)))];
      if (!given.length) return new Set();
      const keyed = given.map((identifier) => ({ identifier, ...keyOf(identifier) }));
      const phoneKeys = keyed.filter((k) => k.column === 'erasedPhoneKey').map((k) => k.key);
      const userKeys = keyed.filter((k) => k.column === 'erasedUserIdKey').map((k) => k.key);
      const [phoneColumn, userColumn] = [columnOf(UID.contact, 'erasedPhoneKey'), columnOf(UID.contact, 'erasedUserIdKey')];
      const rows: Array<Record<string, unknown>> = await knex()(tableOf(UID.contact))
        .select(phoneColumn, userColumn)
        .where((q) => {
          if (phoneKeys.length) q.whereIn(phoneColumn, phoneKeys);
          if (userKeys.length) q.orWhereIn(userColumn, userKeys);
        });
      const found = new Set(rows.flatMap((r) => [r[phoneColumn], r[userColumn]]).filter((v): v is string => typeof v === 'string'));
      return new Set(keyed.filter((k) => found.has(k.key)).map((k) => k.identifier));
    },

    async isBlocked(identifier: string | null | undefined): Promise<boolean> {
      return identifier ? (await this.blockedAmong([identifier])).size > 0 : false;
    },

    /**
     * A consent was granted to this (live) contact: the person asked to hear from the business
     * again, so the block their number carried since an erasure is lifted, and audited. Joins the
     * caller's transaction (consent.record).
     */
    async unblock(contact: Contact, actor: string | null) {
      if (contact.erasedAt) return 0;
      let lifted = 0;
      for (const identifier of [contact.phone, contact.providerUserId]) {
        if (typeof identifier !== 'string' || !identifier || isPseudonym(identifier)) continue;
        const { column, key } = keyOf(identifier);
        const result = await strapi.db.query(UID.contact).updateMany({ where: { [column]: key }, data: { [column]: null } });
        lifted += Number(result?.count ?? 0);
      }
      if (lifted) {
        await audit(AUDIT.unblock, { method: 'api', email: actor }, contact, { reason: 'consent granted after an erasure' });
        strapi.log.info(`[whatsapp] contact ${contact.id}: consent granted, the block left by an earlier erasure of its number is lifted`);
      }
      return lifted;
    },

    /** Everything held about the contact, as one JSON document; the export is audited. */
    async exportContact(ref: string | number, actor: PrivacyActor): Promise<ContactExport> {
      const contact = await getService('contacts').findOneOrFail(ref);
      const identity = identityOf(contact);
      const identifiers = [...identity.phones, ...identity.userIds];
      const mine = () => personMessages(knex(), contact.id, identifiers);
      const messageRows = (await knex()(TABLE.message).select('*').whereIn(M.id, mine()).orderBy(M.id)).map((row: Record<string, unknown>) =>
        fromColumns<Record<string, unknown>>(UID.message, row)
      );
      const withFiles = await getService('inboundMedia').withFiles(messageRows);
      const attemptRows: Array<Record<string, unknown>> = await knex()(tableOf(UID.attempt))
        .select('*')
        .whereIn(columnOf(UID.attempt, 'messageId'), mine())
        .orderBy([{ column: columnOf(UID.attempt, 'messageId') }, { column: columnOf(UID.attempt, 'number') }]);
      const attempts: ContactExport['attempts'] = attemptRows.map((row) => {
        const a = fromColumns<Record<string, unknown>>(UID.attempt, row);
        return { messageId: Number(a.messageId), ...serializeAttempt(a) };
      });
      const runRows: Array<Record<string, unknown>> = await knex()(tableOf(UID.automationRun)).select('*').whereIn(columnOf(UID.automationRun, 'messageId'), mine()).orderBy('id');
      const runs: ExportedAutomationRun[] = runRows.map((row) => {
        const r = fromColumns<Record<string, unknown>>(UID.automationRun, row);
        return {
          id: Number(r.id),
          automationId: Number(r.automationId),
          contentType: String(r.contentType),
          recordId: String(r.recordId),
          trigger: text(r.trigger),
          state: String(r.state),
          reason: text(r.reason),
          messageId: r.messageId === null || r.messageId === undefined ? null : Number(r.messageId),
          dueAt: iso(r.dueAt),
          createdAt: iso(r.createdAt),
        };
      });

      const conversations = await strapi.db.query(UID.conversation).findMany({ where: { contactId: contact.id }, orderBy: { id: 'asc' } });
      const followUps = await strapi.db.query(UID.followUp).findMany({ where: { contactId: contact.id }, orderBy: { id: 'asc' } });
      const consent = await getService('consent').history(contact.id);
      const eventRows: Array<Record<string, unknown>> = await personEvents(knex(), contact.id, contact, identity).select('*').orderBy('id');
      const webhookEvents: ExportedWebhookEvent[] = eventRows.map((row) => {
        const e = fromColumns<Record<string, unknown>>(UID.webhookEvent, row);
        return {
          id: Number(e.id),
          provider: String(e.provider),
          kind: String(e.kind),
          eventKey: String(e.eventKey),
          receivedAt: iso(e.receivedAt),
          appliedAt: iso(e.appliedAt),
          outcome: (e.outcome as string) ?? null,
          messageId: e.messageId === null || e.messageId === undefined ? null : Number(e.messageId),
          payload: jsonOf(e.payload),
        };
      });

      const media: ExportedMedia[] = [];
      for (const m of withFiles) {
        const ref = jsonOf(m.media) as Record<string, unknown> | null;
        if (!ref && !m.mediaFileId) continue;
        const file = (m as { mediaFile?: { id: number; name: string; mime: string; size: number; url: string } | null }).mediaFile ?? null;
        const outboundFile = m.direction === 'out' && ref?.fileId ? await getService('media').file(Number(ref.fileId)) : null;
        const stored = file ?? outboundFile;
        if (!stored && !ref?.kind) continue;
        media.push({
          messageId: Number(m.id),
          direction: m.direction === 'in' ? 'in' : 'out',
          kind: (ref?.kind as string) ?? null,
          fileId: stored ? Number(stored.id) : ref?.fileId ? Number(ref.fileId) : null,
          name: stored?.name ?? (ref?.filename as string) ?? (ref?.name as string) ?? null,
          mime: stored?.mime ?? (ref?.mime as string) ?? null,
          sizeKb: stored?.size === undefined || stored?.size === null ? null : Number(stored.size),
          url: stored?.url ?? null,
          status: text(m.mediaStatus),
        });
      }

      const logRows: Array<{ action: string; at: unknown; actorEmail: string | null; before: unknown }> = await strapi.db.query(UID.auditEntry).findMany({ where: { action: { $startsWith: 'contact.' } }, orderBy: { id: 'asc' } });
      const privacyLog: PrivacyLogEntry[] = logRows
        .filter((e) => Number((jsonOf(e.before) as Record<string, unknown> | null)?.contactId) === contact.id)
        .map((e) => ({ action: e.action, at: iso(e.at), actorEmail: e.actorEmail ?? null }));

      const document: ContactExport = {
        format: 'whatsapp-contact-export',
        version: 1,
        exportedAt: new Date().toISOString(),
        contact: serializeContact(contact),
        consent: consent.map(serializeConsent),
        conversations: conversations.map((c: Record<string, unknown>) => serializeConversation(c, contact)),
        messages: withFiles.map((m) => serializeMessage(m)),
        attempts,
        followUps: followUps.map(serializeFollowUp),
        webhookEvents,
        media,
        automationRuns: runs,
        privacyLog,
      };
      await audit(AUDIT.export, actor, contact, { messages: messageRows.length, webhookEvents: webhookEvents.length });
      return document;
    },

    /**
     * Removes or anonymises the person everywhere (see the service's comment), in one
     * transaction after the files are deleted; idempotent: erasing an erased contact finishes
     * what is left (a file that could not be deleted, a row written since) and changes nothing
     * else. `confirm` must name the contact (its number, user id, id or documentId): 400 naming
     * `confirm` otherwise, with nothing changed. Audited.
     */
    async erase(ref: string | number, confirm: unknown, actor: PrivacyActor): Promise<ContactErasure> {
      const contact = await getService('contacts').findOneOrFail(ref);
      if (confirm === undefined || confirm === null || (typeof confirm !== 'string' && typeof confirm !== 'number') || String(confirm).trim() === '') {
        throw malformed('confirm', 'required', 'confirm is required: the contact’s phone number (or its id), to show the erasure is meant');
      }
      const given = String(confirm);
      let normalized: string | null = null;
      if (contact.phone && !isPseudonym(contact.phone)) normalized = await getService('phone').normalize(given, 'confirm').catch(() => null);
      if (!confirmsContact(given, contact, normalized)) {
        throw malformed('confirm', 'match', `confirm does not match contact ${contact.id}: give its phone number (or its id). Nothing was erased`);
      }

      const alreadyErased = Boolean(contact.erasedAt);
      const identity = identityOf(contact);
      const identifiers = [...identity.phones, ...identity.userIds];
      const s = secret();
      const replacements = replacementsFor(s, identity);
      // Their own rows lose their numbers and names; rows shared with others (an import's report,
      // a campaign's list) only their numbers: a name is not theirs alone.
      const scrub = scrubber(replacements, identity.words);
      const scrubNumbers = scrubber(replacements);
      const label = isPseudonym(contact.phone) ? contact.phone : pseudonymOf(s, contact.phone ?? contact.providerUserId ?? `contact:${contact.id}`);

      const files = await removeFiles(await storedFiles(contact.id, identifiers));
      const now = new Date();
      const cancelled: MovedMessage[] = [];
      const conversationIds: number[] = [];

      const counts = await strapi.db.transaction(async ({ trx }) => {
        const db = trx as unknown as Knex;
        const mine = () => personMessages(db, contact.id, identifiers);

        // Nothing queued for them leaves any more.
        const stopped: Array<Record<string, unknown>> = await db(TABLE.message)
          .whereIn(M.id, mine())
          .where(M.direction, 'out')
          .whereIn(M.status, [STATUS.scheduled, STATUS.queued])
          .update({ [M.status]: STATUS.cancelled, [M.cancelledAt]: now, [M.errorCode]: 'erased', [M.errorText]: CANCELLED_TEXT, [M.updatedAt]: now })
          .returning(MOVED_COLUMNS);
        cancelled.push(...stopped.map(movedOf));

        // Messages: the rows, statuses and times stay; what they said goes.
        const messages = Number(
          await db(TABLE.message)
            .whereIn(M.id, mine())
            .update({
              [M.body]: null,
              [M.variables]: null,
              [M.media]: null,
              [M.content]: null,
              [M.editHistory]: null,
              [M.reaction]: null,
              // The first removal's time stays (retention or an earlier erasure).
              [M.redactedAt]: db.raw('COALESCE(??, ?)', [M.redactedAt, now]),
              [M.updatedAt]: now,
            })
        );
        if (files.removed.length) {
          await db(TABLE.message).whereIn(M.id, mine()).whereIn(M.mediaFileId, files.removed).update({ [M.mediaFileId]: null });
        }
        const texts: Array<Record<string, unknown>> = await db(TABLE.message)
          .select(M.id, M.errorText, M.mediaError, M.idempotencyKey)
          .whereIn(M.id, mine())
          .where((q) => q.whereNotNull(M.errorText).orWhereNotNull(M.mediaError).orWhereNotNull(M.idempotencyKey));
        for (const column of [M.errorText, M.mediaError, M.idempotencyKey]) await scrubColumn(db, TABLE.message, column, texts, scrub);

        // Attempts: what the provider answered may quote the number.
        const attemptTable = tableOf(UID.attempt);
        const attemptError = columnOf(UID.attempt, 'errorText');
        const attemptMessage = columnOf(UID.attempt, 'messageId');
        const attemptRows: Array<Record<string, unknown>> = await db(attemptTable).select('id', attemptError).whereIn(attemptMessage, mine());
        await scrubColumn(db, attemptTable, attemptError, attemptRows, scrub);

        // Conversations and follow-ups: the last words shown in the inbox, the tasks' excerpts.
        const conversationRows: Array<Record<string, unknown>> = await db(tableOf(UID.conversation)).select('id').where(columnOf(UID.conversation, 'contactId'), contact.id);
        conversationIds.push(...conversationRows.map((r) => Number(r.id)));
        await db(tableOf(UID.conversation))
          .where(columnOf(UID.conversation, 'contactId'), contact.id)
          .update(toColumns(UID.conversation, { lastMessagePreview: null, updatedAt: now }));
        const followUps = Number(
          await db(tableOf(UID.followUp))
            .where(columnOf(UID.followUp, 'contactId'), contact.id)
            .update(toColumns(UID.followUp, { excerpt: null, title: `Reply from ${label}`, updatedAt: now }))
        );

        // The consent ledger: every change stays (when, purpose, granted, by which door), without
        // the person's number or the words that were evidence; the erasure closes it with two opt-outs.
        const consentTable = tableOf(UID.consent);
        const consentContact = columnOf(UID.consent, 'contactId');
        const consentPhone = columnOf(UID.consent, 'phone');
        for (const identifier of identifiers) {
          await db(consentTable).where(consentContact, contact.id).where(consentPhone, identifier).update({ [consentPhone]: pseudonymOf(s, identifier) });
        }
        await db(consentTable).where(consentContact, contact.id).whereNotNull(columnOf(UID.consent, 'evidence')).update(toColumns(UID.consent, { evidence: null }));
        if (!alreadyErased) {
          for (const purpose of ['marketing', 'transactional'] as const) {
            await db(consentTable).insert(
              toColumns(UID.consent, {
                documentId: documentId(),
                contactId: contact.id,
                phone: label,
                purpose,
                granted: false,
                method: actor.method,
                evidence: ERASED_EVIDENCE,
                actor: actor.email ?? null,
                at: now,
                createdAt: now,
                updatedAt: now,
              })
            );
          }
        }
        const consents = Number((await db(consentTable).where(consentContact, contact.id).count({ n: '*' }).first())?.n ?? 0);

        // Webhook events: the provider's payload replaced by a marker; one not applied yet never will be.
        const eventTable = tableOf(UID.webhookEvent);
        const ev = (attribute: string) => columnOf(UID.webhookEvent, attribute);
        const eventRows: Array<Record<string, unknown>> = await personEvents(db, contact.id, contact, identity).select('id', ev('error'));
        await scrubColumn(db, eventTable, ev('error'), eventRows, scrub);
        for (let i = 0; i < eventRows.length; i += CHUNK) {
          const ids = eventRows.slice(i, i + CHUNK).map((r) => Number(r.id));
          await db(eventTable).whereIn('id', ids).update({ [ev('payload')]: JSON.stringify({ erased: true }), [ev('updatedAt')]: now });
          await db(eventTable)
            .whereIn('id', ids)
            .whereNull(ev('appliedAt'))
            .update({ [ev('appliedAt')]: now, [ev('outcome')]: 'ignored', [ev('error')]: 'Not applied: the contact’s personal data was erased', [ev('lockedBy')]: null, [ev('lockedUntil')]: null });
        }

        // Automation runs that sent to them: the reason may quote the number or the name.
        const runTable = tableOf(UID.automationRun);
        const runRows: Array<Record<string, unknown>> = await db(runTable).select('id', columnOf(UID.automationRun, 'reason')).whereIn(columnOf(UID.automationRun, 'messageId'), mine());
        await scrubColumn(db, runTable, columnOf(UID.automationRun, 'reason'), runRows, scrub);

        // Imports' row reports and campaigns' pasted number lists that name them.
        const importTable = tableOf(UID.contactImport);
        const rowErrors = columnOf(UID.contactImport, 'rowErrors');
        const imports: Array<Record<string, unknown>> = await db(importTable).select('id', rowErrors).where(columnOf(UID.contactImport, 'errorCount'), '>', 0);
        for (const row of imports) {
          const before = jsonOf(row[rowErrors]);
          const after = scrubJson(before, scrubNumbers);
          if (JSON.stringify(after) !== JSON.stringify(before)) await db(importTable).where({ id: row.id }).update({ [rowErrors]: JSON.stringify(after) });
        }
        const campaignTable = tableOf(UID.campaign);
        const audienceColumn = columnOf(UID.campaign, 'audience');
        const campaigns: Array<Record<string, unknown>> = await db(campaignTable).select('id', audienceColumn).whereNotNull(audienceColumn);
        const tails = identity.phones.map((p) => p.replace(/\D/g, '').slice(-8));
        for (const row of campaigns) {
          const audience = jsonOf(row[audienceColumn]) as { kind?: string; phones?: unknown[] } | null;
          if (!audience || typeof audience !== 'object') continue;
          let after = scrubJson(audience, scrubNumbers);
          if (after.kind === 'phones' && Array.isArray(after.phones) && tails.length) {
            const phones = [...after.phones];
            for (const [i, value] of phones.entries()) {
              if (typeof value !== 'string' || !tails.some((tail) => value.replace(/\D/g, '').endsWith(tail))) continue;
              const e164 = await getService('phone').normalize(value, 'phone').catch(() => null);
              if (e164 && identity.phones.includes(e164)) phones[i] = pseudonymOf(s, e164);
            }
            after = { ...after, phones };
          }
          if (JSON.stringify(after) !== JSON.stringify(audience)) await db(campaignTable).where({ id: row.id }).update({ [audienceColumn]: JSON.stringify(after) });
        }

        // Last, since it changes which rows without a contact `mine()` finds: the numbers they were sent to or from.
        const theirs = (q: ReturnType<Knex>) => q.where((w) => w.where(M.contactId, contact.id).orWhereNull(M.contactId));
        for (const identifier of identifiers) {
          const pseudonym = pseudonymOf(s, identifier);
          await theirs(db(TABLE.message).where(M.to, identifier)).update({ [M.to]: pseudonym });
          await theirs(db(TABLE.message).where(M.from, identifier)).update({ [M.from]: pseudonym });
        }

        // The contact row: a tombstone with the pseudonym and the keys that keep the number blocked.
        const taken = isPseudonym(contact.phone)
          ? null
          : await db(tableOf(UID.contact)).where(columnOf(UID.contact, 'phone'), label).whereNot('id', contact.id).first();
        const keys: Record<string, string> = {};
        if (contact.phone && !isPseudonym(contact.phone)) keys.erasedPhoneKey = keyOf(contact.phone).key;
        if (contact.providerUserId && !isPseudonym(contact.providerUserId)) keys.erasedUserIdKey = keyOf(contact.providerUserId).key;
        await db(tableOf(UID.contact))
          .where({ id: contact.id })
          .update(
            toColumns(UID.contact, {
              // Another tombstone of the same number already shows this pseudonym (the person came
              // back and was erased again): the number column is unique, this one shows none.
              phone: isPseudonym(contact.phone) ? contact.phone : taken ? null : label,
              providerUserId: null,
              phoneHistory: null,
              phoneUnverified: false,
              username: null,
              name: null,
              email: null,
              profileName: null,
              fields: null,
              tags: null,
              timeZone: null,
              relatedType: null,
              relatedId: null,
              marketingConsent: false,
              transactionalConsent: false,
              consentUpdatedAt: alreadyErased ? toDate(contact.consentUpdatedAt) : now,
              optedOutAt: toDate(contact.optedOutAt) ?? now,
              erasedAt: toDate(contact.erasedAt) ?? now,
              ...keys,
              updatedAt: now,
            })
          );

        const attempts = attemptRows.length;
        const result = {
          messages,
          cancelled: stopped.length,
          attempts,
          conversations: conversationRows.length,
          followUps,
          consents,
          webhookEvents: eventRows.length,
          automationRuns: runRows.length,
          files: files.removed.length,
        };
        await audit(AUDIT.erase, actor, contact, { pseudonym: label, alreadyErased, ...result, filesLeft: files.failed.length });
        return result;
      });

      // After the commit: the inbox and message lists see the change live.
      if (cancelled.length) getService('live').publishStatuses(cancelled);
      for (const id of conversationIds) await getService('inbox').publishConversation(id).catch(() => undefined);
      const erased = await getService('contacts').findOneOrFail(contact.id);
      strapi.log.info(`[whatsapp] contact ${contact.id} erased (${counts.messages} messages anonymised, ${counts.files} files deleted)`);
      return { contact: serializeContact(erased), alreadyErased, counts, filesLeft: files.failed.length };
    },
  };
  return service;
};

export type PrivacyService = ReturnType<typeof createPrivacyService>;
export default createPrivacyService;
