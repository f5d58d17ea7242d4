import { createId } from '@paralleldrive/cuid2';
import type { Core } from '@strapi/strapi';
import { STATUS, UID } from '../constants';
import { fromColumns, isPostgres, tableOf, toColumns } from '../utils/sql';
import type { Message } from './messages';

/**
 * The message table is the queue. Each statement here is one small SQL statement with bound
 * parameters, in the manner of graphile-worker: claim, complete, release, sweep, reserve.
 *
 * Claim: one UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING *, committed before any provider
 * is called. On PostgreSQL the inner SELECT takes `FOR UPDATE SKIP LOCKED`, so several app
 * instances on one database each claim different rows and nothing is sent twice (tested with
 * two instances in tests/dispatcher-instances.test.ts). On SQLite a single statement is atomic
 * and the database has one writer, so the same UPDATE is enough.
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

    /**
     * Writes the outcomes of a batch in one transaction (one commit, not one per message), each
     * only while this worker still holds the lease. A status webhook may have moved a row past
     * `sending` already (delivered before we recorded "sent"): then the status is kept and only
     * the provider's id and the send time are filled in.
     */
    async completeMany(owner: string, outcomes: { id: number; data: Record<string, unknown> }[]) {
      if (!outcomes.length) return;
      const now = new Date();
      await knex().transaction(async (trx) => {
        for (const { id, data } of outcomes) {
          const { status, sentAt, ...rest } = data;
          const columns: Record<string, unknown> = toColumns(UID.message, { ...rest, leaseOwner: null, leaseUntil: null, updatedAt: now });
          columns.status = trx.raw('CASE WHEN status = ? THEN ? ELSE status END', [STATUS.sending, status]);
          if (sentAt) columns.sent_at = trx.raw('COALESCE(sent_at, ?)', [sentAt]);
          await trx(table()).where({ id, lease_owner: owner }).update(columns);
        }
      });
    },

    /** Gives claimed rows back untouched (shutdown, or more than the sender may send now). */
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

    /** Moves a claimed row's due time (quiet hours): not an attempt, so the count is given back. */
    async postpone(id: number, owner: string, dueAt: Date) {
      return knex()(table())
        .where({ id, lease_owner: owner, status: STATUS.sending })
        .update({
          status: STATUS.scheduled,
          due_at: dueAt,
          lease_owner: null,
          lease_until: null,
          attempts: knex().raw('attempts - 1'),
          updated_at: new Date(),
        });
    },

    /**
     * In-doubt sends: rows still `sending` whose lease expired more than `graceMs` ago (the
     * worker died mid-request). The provider's status webhook settles most of them first, by
     * our id; what is left is either queued again (`resend`) or marked `unknown` (`hold`).
     */
    async sweepInDoubt(mode: 'resend' | 'hold', graceMs: number): Promise<number> {
      const cutoff = new Date(Date.now() - graceMs);
      const now = new Date();
      const base = knex()(table()).where({ status: STATUS.sending }).where('lease_until', '<', cutoff);
      if (mode === 'resend') {
        return base.update({ status: STATUS.queued, due_at: now, lease_owner: null, lease_until: null, updated_at: now });
      }
      return base.update({
        status: STATUS.unknown,
        error_code: 'in-doubt',
        error_text: 'The worker stopped while sending; the provider never confirmed. Check the phone, then retry if needed.',
        lease_owner: null,
        lease_until: null,
        updated_at: now,
      });
    },

    async logAttempts(rows: Record<string, unknown>[]) {
      if (!rows.length) return;
      const now = new Date();
      await knex().batchInsert(
        tableOf(UID.attempt),
        rows.map((row) => toColumns(UID.attempt, { ...row, documentId: createId(), createdAt: now, updatedAt: now })),
        200
      );
    },

    /**
     * Rate limit per sender that holds across instances (GCRA): the sender row keeps the next
     * free send time (µs since epoch); reserving n slots is one atomic UPDATE … RETURNING. The
     * caller spaces its sends over [start, start + n·interval).
     */
    async reserveSlots(senderId: number, n: number, intervalUs: number): Promise<number> {
      const nowUs = Date.now() * 1000;
      const greatest = isPostgres() ? 'GREATEST' : 'MAX';
      const result = await knex().raw(
        `UPDATE ?? SET next_free_at = ${greatest}(COALESCE(next_free_at, 0), ?) + ? WHERE id = ? RETURNING next_free_at`,
        [tableOf(UID.sender), nowUs, n * intervalUs, senderId]
      );
      const end = Number(rowsOf(result)[0]?.next_free_at ?? nowUs + n * intervalUs);
      return end - n * intervalUs;
    },

    /** When the earliest waiting message is due (so the scheduler can wake exactly then). */
    async nextDueAt(): Promise<Date | null> {
      const row = await knex()(table()).whereIn('status', [STATUS.queued, STATUS.scheduled]).min({ due: 'due_at' }).first();
      const value = row?.due;
      return value === null || value === undefined ? null : new Date(value instanceof Date ? value : Number(value));
    },
  };
};

export type QueueService = ReturnType<typeof createQueueService>;
export default createQueueService;
