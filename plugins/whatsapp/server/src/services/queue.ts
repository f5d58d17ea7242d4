import { documentId } from '../utils/document-id';
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
      const set = 'SET status = ?, lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?';
      const setBindings = [STATUS.sending, owner, new Date(now.getTime() + leaseMs), now];
      const dueBindings = [STATUS.queued, STATUS.scheduled, now, limit];
      // PostgreSQL: the locked selection is a CTE, evaluated exactly once. Written as
      // `WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` the planner may re-run the
      // subquery per row and claim far more than n (measured: 1,399 rows for n = 200, in 1 s).
      const result = isPostgres()
        ? await knex().raw(
            `WITH due AS (
               SELECT id FROM ?? WHERE status IN (?, ?) AND due_at <= ? ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED
             )
             UPDATE ?? AS m ${set} FROM due WHERE m.id = due.id RETURNING m.*`,
            [t, ...dueBindings, t, ...setBindings]
          )
        : await knex().raw(
            `UPDATE ?? ${set}
             WHERE id IN (SELECT id FROM ?? WHERE status IN (?, ?) AND due_at <= ? ORDER BY due_at, id LIMIT ?)
             RETURNING *`,
            [t, ...setBindings, t, ...dueBindings]
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
      // The common case, plain WhatsApp sends, is one statement on PostgreSQL (measured: the
      // per-row loop held the dispatcher near 800 msg/s on 2 cores; see bench/).
      const plain = isPostgres() ? outcomes.filter((o) => o.data.status === STATUS.sent && o.data.channel === 'whatsapp') : [];
      if (plain.length) await this.completeSent(owner, plain, now);
      const rest = plain.length ? outcomes.filter((o) => !plain.includes(o)) : outcomes;
      if (!rest.length) return;
      await knex().transaction(async (trx) => {
        for (const { id, data } of rest) {
          const { status, sentAt, errorCode, errorText, ...rest } = data;
          const columns: Record<string, unknown> = toColumns(UID.message, { ...rest, leaseOwner: null, leaseUntil: null, updatedAt: now });
          // Status and error belong together: a webhook that already moved the row on keeps both.
          const ifStillSending = (column: string, value: unknown) =>
            trx.raw(`CASE WHEN status = ? THEN ? ELSE ${column} END`, [STATUS.sending, value ?? null]);
          columns.status = ifStillSending('status', status);
          if (errorCode !== undefined) columns.error_code = ifStillSending('error_code', errorCode);
          if (errorText !== undefined) columns.error_text = ifStillSending('error_text', errorText);
          if (sentAt) columns.sent_at = trx.raw('COALESCE(sent_at, ?)', [sentAt]);
          await trx(table()).where({ id, lease_owner: owner }).update(columns);
        }
      });
    },

    /** Records many successful WhatsApp sends in one UPDATE … FROM (VALUES …) (PostgreSQL). */
    async completeSent(owner: string, outcomes: { id: number; data: Record<string, unknown> }[], now: Date) {
      const values = outcomes.map(() => '(?::integer, ?::text, ?::text, ?::timestamptz)').join(', ');
      const bindings = outcomes.flatMap(({ id, data }) => [id, data.provider, data.providerMessageId, data.sentAt]);
      await knex().raw(
        `UPDATE ?? AS t SET
           status = CASE WHEN t.status = ? THEN ? ELSE t.status END,
           provider = v.provider, provider_message_id = v.pmid, sent_at = COALESCE(t.sent_at, v.sent_at),
           channel = 'whatsapp', next_attempt_at = NULL,
           error_code = CASE WHEN t.status = ? THEN NULL ELSE t.error_code END,
           error_text = CASE WHEN t.status = ? THEN NULL ELSE t.error_text END,
           lease_owner = NULL, lease_until = NULL, updated_at = ?
         FROM (VALUES ${values}) AS v(id, provider, pmid, sent_at)
         WHERE t.id = v.id AND t.lease_owner = ?`,
        [table(), STATUS.sending, STATUS.sent, STATUS.sending, STATUS.sending, now, ...bindings, owner]
      );
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
        rows.map((row) => toColumns(UID.attempt, { ...row, documentId: documentId(), createdAt: now, updatedAt: now })),
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

    /**
     * Campaign pacing (one message every N seconds), the same mechanism on the campaign row,
     * with a horizon: slots are only handed out up to `horizonUs` ahead, so a paced campaign
     * never holds leases for minutes. When the campaign is busy beyond the horizon, says until when.
     */
    async reserveCampaignSlots(campaignId: number, n: number, intervalUs: number, horizonUs: number): Promise<{ startUs?: number; busyUntilUs?: number }> {
      const nowUs = Date.now() * 1000;
      const greatest = isPostgres() ? 'GREATEST' : 'MAX';
      const t = tableOf(UID.campaign);
      const result = await knex().raw(
        `UPDATE ?? SET next_free_at = ${greatest}(COALESCE(next_free_at, 0), ?) + ? WHERE id = ? AND COALESCE(next_free_at, 0) <= ? RETURNING next_free_at`,
        [t, nowUs, n * intervalUs, campaignId, nowUs + horizonUs]
      );
      const row = rowsOf(result)[0];
      if (row) return { startUs: Number(row.next_free_at) - n * intervalUs };
      const current = await knex()(t).where({ id: campaignId }).first('next_free_at');
      return { busyUntilUs: Number(current?.next_free_at ?? nowUs) };
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
