/**
 * The message row's life outside the dispatcher: created (queued or scheduled), cancelled,
 * queued again, marketing cancelled on an opt-out, an inbound message recorded, an inbound
 * file's outcome settled. Each is one statement (or one transaction) on the message table; the
 * conditional ones (`WHERE status IN …`) cannot race with the dispatcher's claim: whichever
 * commits first wins.
 */
import { documentId } from '../utils/document-id';
import { CANCELLABLE, RETRYABLE, STATUS } from '../constants';
import { M, TABLE, messageColumns, rowsOf } from './columns';
import type { Knex } from './columns';

/** An outbound message as the messages service hands it over, every check passed. */
export interface NewMessage {
  direction: 'out';
  contactId: number;
  to: string;
  from: string | null;
  senderId: number | null;
  templateId: number | null;
  templateName: string | null;
  variables: Record<string, unknown>;
  body: string;
  media: unknown;
  category: string;
  dueAt: Date;
  idempotencyKey: string | null;
  campaignId: number | null;
  automationId: number | null;
  conversationId: number | null;
  relatedType: string | null;
  relatedId: string | null;
}

export const MEDIA_STATUS = { pending: 'pending', stored: 'stored', failed: 'failed', tooLarge: 'too-large' } as const;
export type MediaStatus = (typeof MEDIA_STATUS)[keyof typeof MEDIA_STATUS];

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
const firstId = (rows: unknown[]): number | null => {
  if (!rows.length) return null;
  const first = rows[0];
  return Number(typeof first === 'object' && first !== null ? Reflect.get(first, 'id') : first);
};

export function createLifecycle(knex: () => Knex) {
  const t = TABLE.message;

  return {
    /**
     * Writes a new outbound message, `queued` when due now, else `scheduled`. Returns its id, or
     * null when a message with the same idempotency key exists (the unique index keeps one).
     */
    async create(message: NewMessage, now = new Date()): Promise<{ id: number | null; status: string }> {
      const status = message.dueAt.getTime() > now.getTime() ? STATUS.scheduled : STATUS.queued;
      const row = messageColumns({
        ...message,
        documentId: documentId(),
        variables: json(message.variables),
        media: json(message.media),
        status,
        attempts: 0,
        channel: 'whatsapp',
        queuedAt: status === STATUS.queued ? now : null,
        createdAt: now,
        updatedAt: now,
      });
      let query = knex()(t).insert(row);
      if (message.idempotencyKey) query = query.onConflict(M.idempotencyKey).ignore();
      const inserted: unknown[] = await query.returning(M.id);
      return { id: firstId(inserted), status };
    },

    /** Cancels a message not yet handed to a provider; false when it had gone further. */
    async cancel(id: number): Promise<boolean> {
      const now = new Date();
      const changed = await knex()(t)
        .where({ [M.id]: id })
        .whereIn(M.status, CANCELLABLE)
        .update(messageColumns({ status: STATUS.cancelled, cancelledAt: now, updatedAt: now }));
      return Number(changed) > 0;
    },

    /** Puts a failed, undeliverable, unknown or cancelled outbound message back in the queue, due now. */
    async requeue(id: number): Promise<boolean> {
      const now = new Date();
      const changed = await knex()(t)
        .where({ [M.id]: id, [M.direction]: 'out' })
        .whereIn(M.status, RETRYABLE)
        .update(messageColumns({ status: STATUS.queued, dueAt: now, queuedAt: now, nextAttemptAt: null, errorCode: null, errorText: null, updatedAt: now }));
      return Number(changed) > 0;
    },

    /** The contact said stop: their marketing not yet handed to a provider is cancelled. */
    async cancelMarketing(contactId: number, errorCode: string, errorText: string): Promise<number> {
      const now = new Date();
      return Number(
        await knex()(t)
          .where({ [M.contactId]: contactId, [M.direction]: 'out', [M.category]: 'marketing' })
          .whereIn(M.status, [STATUS.scheduled, STATUS.queued])
          .update(messageColumns({ status: STATUS.cancelled, cancelledAt: now, errorCode, errorText, updatedAt: now }))
      );
    },

    /**
     * Records an inbound message inside the caller's transaction; null when the provider
     * delivered it before (unique on provider + provider message id).
     */
    async recordInbound(trx: Knex, data: Record<string, unknown>): Promise<number | null> {
      const now = new Date();
      const row = messageColumns({
        documentId: documentId(),
        direction: 'in',
        status: STATUS.received,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
        ...data,
        variables: data.variables === undefined ? undefined : json(data.variables),
        media: data.media === undefined ? undefined : json(data.media),
      });
      for (const key of Object.keys(row)) if (row[key] === undefined) delete row[key];
      const inserted: unknown[] = await trx(t).insert(row).onConflict([M.provider, M.providerMessageId]).ignore().returning(M.id);
      return firstId(inserted);
    },

    /** An inbound file's outcome, only while the row is still pending (another instance may have won). */
    async settleMedia(id: number, data: { mediaStatus: MediaStatus; mediaFileId?: number | null; mediaError?: string | null }): Promise<boolean> {
      const changed = await knex()(t)
        .where({ [M.id]: id, [M.mediaStatus]: MEDIA_STATUS.pending })
        .update(messageColumns({ mediaError: null, ...data, updatedAt: new Date() }));
      return Number(changed) > 0;
    },

    /** Inbound messages whose file still waits for download, oldest first. */
    async pendingMedia(limit: number): Promise<number[]> {
      const rows: Record<string, unknown>[] = await knex()(t)
        .select(M.id)
        .where({ [M.mediaStatus]: MEDIA_STATUS.pending, [M.direction]: 'in' })
        .orderBy(M.id, 'asc')
        .limit(limit);
      return rows.map((r) => Number(r.id));
    },

    /** Raw rows by id (the hot paths' own reads). */
    async rows(ids: number[]): Promise<Record<string, unknown>[]> {
      if (!ids.length) return [];
      return rowsOf(await knex()(t).whereIn(M.id, ids));
    },
  };
}

