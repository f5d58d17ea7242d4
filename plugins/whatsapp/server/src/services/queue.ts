import { createId } from '@paralleldrive/cuid2';
import type { Core } from '@strapi/strapi';
import { STATUS, UID } from '../constants';
import { fromColumns, isPostgres, tableOf, toColumns } from '../utils/sql';
import type { Message } from './messages';

/**
 * The message table is the queue. Each statement here is one small SQL statement with bound
 * parameters, in the manner of graphile-worker.
 *
 * Claim: one UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING *, committed before any provider
 * is called. On PostgreSQL the inner SELECT takes `FOR UPDATE SKIP LOCKED`, so several app
 * instances on one database each claim different rows and nothing is sent twice. On SQLite a
 * single statement is atomic and the database has one writer, so the same UPDATE is enough.
 */
const createQueueService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const table = () => tableOf(UID.message);
  const rowsOf = (result: unknown): Record<string, unknown>[] =>
    Array.isArray(result) ? result : ((result as { rows?: Record<string, unknown>[] }).rows ?? []);

  return {
    async claim(owner: string, limit: number, leaseMs: number): Promise<Message[]> {
      const now = new Date();
      const t = table();
      const lock = isPostgres() ? 'FOR UPDATE SKIP LOCKED' : '';
      const result = await knex().raw(
        `UPDATE ?? SET status = ?, lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
         WHERE id IN (
           SELECT id FROM ?? WHERE status IN (?, ?) AND due_at <= ? ORDER BY due_at, id LIMIT ? ${lock}
         )
         RETURNING *`,
        [t, STATUS.sending, owner, new Date(now.getTime() + leaseMs), now, t, STATUS.queued, STATUS.scheduled, now, limit]
      );
      return rowsOf(result).map((row) => fromColumns<Message>(UID.message, row));
    },

    /** Writes a claimed message's outcome, only while this worker still holds its lease. */
    async complete(id: number, owner: string, data: Record<string, unknown>) {
      return knex()(table())
        .where({ id, lease_owner: owner, status: STATUS.sending })
        .update(toColumns(UID.message, { ...data, leaseOwner: null, leaseUntil: null, updatedAt: new Date() }));
    },

    /** Gives claimed rows back untouched (shutdown before they were sent). */
    async release(ids: number[], owner: string) {
      if (!ids.length) return 0;
      return knex()(table())
        .whereIn('id', ids)
        .where({ lease_owner: owner, status: STATUS.sending })
        .update({
          status: STATUS.queued,
          lease_owner: null,
          lease_until: null,
          attempts: knex().raw('attempts - 1'),
          updated_at: new Date(),
        });
    },

    async logAttempts(rows: Record<string, unknown>[]) {
      if (!rows.length) return;
      const now = new Date();
      await knex()
        .batchInsert(
          tableOf(UID.attempt),
          rows.map((row) => toColumns(UID.attempt, { ...row, documentId: createId(), createdAt: now, updatedAt: now })),
          200
        );
    },

    /** When the earliest waiting message is due (for the scheduler's next wake-up). */
    async nextDueAt(): Promise<Date | null> {
      const row = await knex()(table()).whereIn('status', [STATUS.queued, STATUS.scheduled]).min({ due: 'due_at' }).first();
      const value = row?.due;
      return value === null || value === undefined ? null : new Date(value instanceof Date ? value : Number(value));
    },
  };
};

export type QueueService = ReturnType<typeof createQueueService>;
export default createQueueService;
