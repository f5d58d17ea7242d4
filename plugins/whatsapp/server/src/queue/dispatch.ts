/**
 * The dispatcher's transitions of a message row: claim, mark sent / failed / retry later,
 * release, postpone, the in-doubt sweep; the attempt log; the GCRA slot reservations (sender
 * rate, campaign pacing).
 *
 * Claim: one UPDATE … RETURNING over a selection of due rows, committed before any provider is
 * called. On PostgreSQL the selection takes `FOR UPDATE SKIP LOCKED`, so several instances on one
 * database claim different rows and nothing is sent twice. On SQLite one statement is atomic and
 * the database has one writer, so the same UPDATE is enough.
 *
 * Campaigns: the claim never takes a message of a paused or cancelled campaign, and takes a paced
 * campaign's messages only as many as its next slot allows. A paced backlog of thousands is not
 * read or rewritten each tick (two statements per tick for a campaign whose slot is free, none
 * for one that is waiting), and urgent messages never queue behind it.
 */
import { documentId } from '../utils/document-id';
import { STATUS } from '../constants';
import type { MessageStatus } from '../constants';
import { A, C, M, MOVED_COLUMNS, S, TABLE, attemptColumns, isPostgres, messageColumns, messageFromRow, movedOf, rowsOf } from './columns';
import type { Knex, MovedMessage } from './columns';

export type QueuedMessage = Record<string, any> & { id: number; status: MessageStatus };
/** A claimed message and, for a paced campaign's, the earliest time (ms) it may be sent. */
export interface Claimed {
  message: QueuedMessage;
  notBefore: number;
}

/** Paced slots are handed out at most this far ahead, so a lease is never held for long. */
const PACING_HORIZON_US = 2_000_000;
const WAITING = [STATUS.queued, STATUS.scheduled];

const greatest = () => (isPostgres() ? 'GREATEST' : 'MAX');

/** The row updates of the dispatcher's outcomes, named. */
export const outcome = {
  sent: (data: { provider: string; providerMessageId: string; channel?: string; at?: Date }) => ({
    status: STATUS.sent,
    sentAt: data.at ?? new Date(),
    provider: data.provider,
    providerMessageId: data.providerMessageId,
    channel: data.channel ?? 'whatsapp',
    errorCode: null,
    errorText: null,
    nextAttemptAt: null,
  }),
  retry: (data: { provider: string; at: Date; errorCode: string; errorText: string }) => ({
    status: STATUS.queued,
    dueAt: data.at,
    nextAttemptAt: data.at,
    errorCode: data.errorCode,
    errorText: data.errorText,
    provider: data.provider,
  }),
  failed: (data: { provider: string; errorCode: string; errorText: string; at?: Date }) => ({
    status: STATUS.failed,
    failedAt: data.at ?? new Date(),
    errorCode: data.errorCode,
    errorText: data.errorText,
    provider: data.provider,
    nextAttemptAt: null,
  }),
};

export function createDispatchQueue(knex: () => Knex) {
  const t = TABLE.message;

  /**
   * Claims up to `limit` due rows matching `filter` (SQL on the message table, aliased `m`).
   *
   * The earliest due rows are read per waiting status, each an ordered range of the index on
   * (status, due_at, id) that stops after `limit` rows, and the two merged. Written as one
   * `status IN (queued, scheduled)` the database reads and sorts every waiting row instead: at
   * 60,000 queued that was 30 ms a claim, against 2 ms.
   */
  const claimWhere = async (owner: string, limit: number, leaseMs: number, filter: string, filterBindings: unknown[]): Promise<QueuedMessage[]> => {
    if (limit <= 0) return [];
    const now = new Date();
    const set = `SET ${M.status} = ?, ${M.leaseOwner} = ?, ${M.leaseUntil} = ?, ${M.attempts} = ${M.attempts} + 1, ${M.updatedAt} = ?`;
    const setBindings = [STATUS.sending, owner, new Date(now.getTime() + leaseMs), now];
    const earliest = (lock: string) =>
      `SELECT m.${M.id}, m.${M.dueAt} FROM ${t} m WHERE m.${M.status} = ? AND m.${M.dueAt} <= ? AND ${filter} ORDER BY m.${M.dueAt}, m.${M.id} LIMIT ?${lock}`;
    const perStatus = WAITING.flatMap((status) => [status, now, ...filterBindings, limit]);
    // PostgreSQL: each locked selection is a CTE, evaluated exactly once (written as
    // `WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` the planner may re-run the subquery
    // per row and claim far more than n: measured 1,399 rows for n = 200). The rows locked but
    // not among the first `limit` are unlocked when the statement ends. The update finds its rows
    // by `id = ANY(ARRAY(…))`, always the primary key: joined to the CTE instead, a table filled
    // faster than autovacuum analyses it was estimated at one row and scanned whole for each
    // claimed row (measured 500 ms a claim at 30,000 queued).
    const result = isPostgres()
      ? await knex().raw(
          `WITH queued AS (${earliest(' FOR UPDATE OF m SKIP LOCKED')}), scheduled AS (${earliest(' FOR UPDATE OF m SKIP LOCKED')})
           UPDATE ${t} AS q ${set}
           WHERE q.${M.id} = ANY(ARRAY(SELECT w.${M.id} FROM (SELECT * FROM queued UNION ALL SELECT * FROM scheduled) w ORDER BY w.${M.dueAt}, w.${M.id} LIMIT ?))
           RETURNING q.*`,
          [...perStatus, ...setBindings, limit]
        )
      : await knex().raw(
          `UPDATE ${t} ${set} WHERE ${M.id} IN (SELECT w.${M.id} FROM (SELECT * FROM (${earliest('')}) UNION ALL SELECT * FROM (${earliest('')})) w ORDER BY w.${M.dueAt}, w.${M.id} LIMIT ?) RETURNING *`,
          [...setBindings, ...perStatus, limit]
        );
    return rowsOf(result).map((row) => messageFromRow<QueuedMessage>(row));
  };

  /** Messages outside campaigns, or of campaigns that are neither paced nor stopped. */
  const UNPACED = `(m.${M.campaignId} IS NULL OR m.${M.campaignId} NOT IN (
      SELECT c.${C.id} FROM ${TABLE.campaign} c WHERE c.${C.status} IN ('paused', 'cancelled') OR COALESCE(c.${C.pacingSeconds}, 0) > 0))`;

  const queue = {
    /**
     * Claims due messages: first everything not held back by a campaign's pacing, then, for each
     * paced campaign whose next slot is near, as many of its messages as the slot allows.
     */
    async claim(owner: string, limit: number, leaseMs: number): Promise<Claimed[]> {
      const claimed: Claimed[] = (await claimWhere(owner, limit, leaseMs, UNPACED, [])).map((message) => ({ message, notBefore: 0 }));
      const room = limit - claimed.length;
      if (room <= 0) return claimed;
      const nowUs = Date.now() * 1000;
      const ready: Record<string, unknown>[] = await knex()
        .raw(
          `SELECT c.${C.id} AS id, c.${C.pacingSeconds} AS pacing FROM ${TABLE.campaign} c
           WHERE COALESCE(c.${C.pacingSeconds}, 0) > 0 AND c.${C.status} NOT IN ('paused', 'cancelled') AND COALESCE(c.${C.nextFreeAt}, 0) <= ?
             AND EXISTS (SELECT 1 FROM ${t} m WHERE m.${M.campaignId} = c.${C.id} AND m.${M.status} IN (?, ?) AND m.${M.dueAt} <= ?)`,
          [nowUs + PACING_HORIZON_US, ...WAITING, new Date()]
        )
        .then(rowsOf);
      let left = room;
      for (const campaign of ready) {
        if (left <= 0) break;
        const intervalUs = Math.round(Number(campaign.pacing) * 1_000_000);
        const take = Math.min(left, Math.max(1, Math.floor(PACING_HORIZON_US / intervalUs)));
        const rows = await claimWhere(owner, take, leaseMs, `m.${M.campaignId} = ?`, [campaign.id]);
        if (!rows.length) continue;
        const startUs = await queue.reserveCampaignSlots(Number(campaign.id), rows.length, intervalUs, PACING_HORIZON_US);
        if (startUs === null) {
          // Another instance took the slot between our read and our claim: give the rows back.
          await queue.release(rows.map((r) => r.id), owner);
          continue;
        }
        rows.forEach((message, i) => claimed.push({ message, notBefore: Math.floor((startUs + i * intervalUs) / 1000) }));
        left -= rows.length;
      }
      return claimed;
    },

    /**
     * Writes the outcomes of a batch, each only while this worker still holds the lease. A status
     * webhook may have moved a row past `sending` already (delivered before we recorded "sent"):
     * then its status and error are kept and only the provider's id and the send time filled in.
     */
    async complete(owner: string, outcomes: { id: number; data: Record<string, unknown> }[]): Promise<MovedMessage[]> {
      if (!outcomes.length) return [];
      const now = new Date();
      const moved: MovedMessage[] = [];
      // The common case, plain WhatsApp sends, is one statement on PostgreSQL.
      const plain = isPostgres() ? outcomes.filter((o) => o.data.status === STATUS.sent && o.data.channel === 'whatsapp') : [];
      if (plain.length) moved.push(...(await completeSent(owner, plain, now)));
      const rest = plain.length ? outcomes.filter((o) => !plain.includes(o)) : outcomes;
      if (!rest.length) return moved;
      await knex().transaction(async (trx) => {
        for (const { id, data } of rest) {
          const { status, sentAt, errorCode, errorText, ...others } = data;
          const columns = messageColumns({ ...others, leaseOwner: null, leaseUntil: null, updatedAt: now });
          // Status and error belong together: a webhook that already moved the row on keeps both.
          const ifStillSending = (column: string, value: unknown) => trx.raw(`CASE WHEN ${M.status} = ? THEN ? ELSE ${column} END`, [STATUS.sending, value ?? null]);
          columns[M.status] = ifStillSending(M.status, status);
          if (errorCode !== undefined) columns[M.errorCode] = ifStillSending(M.errorCode, errorCode);
          if (errorText !== undefined) columns[M.errorText] = ifStillSending(M.errorText, errorText);
          if (sentAt) columns[M.sentAt] = trx.raw(`COALESCE(${M.sentAt}, ?)`, [sentAt]);
          const rows: Record<string, unknown>[] = await trx(t).where({ [M.id]: id, [M.leaseOwner]: owner }).update(columns).returning(MOVED_COLUMNS);
          moved.push(...rows.map(movedOf));
        }
      });
      return moved;
    },

    /**
     * Pushes the lease of rows this worker still holds `leaseMs` into the future: a batch whose
     * provider answers slower than the lease is not taken for an abandoned one (and sent again by
     * the in-doubt sweep) while its requests are still in flight.
     */
    async extendLease(ids: number[], owner: string, leaseMs: number) {
      if (!ids.length) return 0;
      return knex()(t)
        .whereIn(M.id, ids)
        .where({ [M.leaseOwner]: owner, [M.status]: STATUS.sending })
        .update(messageColumns({ leaseUntil: new Date(Date.now() + leaseMs) }));
    },

    /** Gives claimed rows back untouched (shutdown, or more than the sender may send now). */
    async release(ids: number[], owner: string) {
      if (!ids.length) return 0;
      return knex()(t)
        .whereIn(M.id, ids)
        .where({ [M.leaseOwner]: owner, [M.status]: STATUS.sending })
        .update(messageColumns({ status: STATUS.queued, leaseOwner: null, leaseUntil: null, attempts: knex().raw(`${M.attempts} - 1`), updatedAt: new Date() }));
    },

    /** Moves claimed rows' due time (quiet hours): not an attempt, so the count is given back. */
    async postpone(ids: number[], owner: string, dueAt: Date) {
      if (!ids.length) return 0;
      return knex()(t)
        .whereIn(M.id, ids)
        .where({ [M.leaseOwner]: owner, [M.status]: STATUS.sending })
        .update(messageColumns({ status: STATUS.scheduled, dueAt, leaseOwner: null, leaseUntil: null, attempts: knex().raw(`${M.attempts} - 1`), updatedAt: new Date() }));
    },

    /**
     * In-doubt sends: rows still `sending` whose lease expired more than `graceMs` ago (the
     * worker died mid-request). The provider's status webhook settles most of them first, by
     * our id; what is left is either queued again (`resend`) or marked `unknown` (`hold`).
     * Returns the rows moved (for the live event).
     */
    async sweepInDoubt(mode: 'resend' | 'hold', graceMs: number): Promise<MovedMessage[]> {
      const now = new Date();
      const base = knex()(t).where({ [M.status]: STATUS.sending }).where(M.leaseUntil, '<', new Date(now.getTime() - graceMs));
      if (mode === 'resend') {
        const rows: Record<string, unknown>[] = await base.update(messageColumns({ status: STATUS.queued, dueAt: now, leaseOwner: null, leaseUntil: null, updatedAt: now })).returning(MOVED_COLUMNS);
        return rows.map(movedOf);
      }
      const rows: Record<string, unknown>[] = await base.update(
        messageColumns({
          status: STATUS.unknown,
          errorCode: 'in-doubt',
          errorText: 'The worker stopped while sending; the provider never confirmed. Check the phone, then retry if needed.',
          leaseOwner: null,
          leaseUntil: null,
          updatedAt: now,
        })
      ).returning(MOVED_COLUMNS);
      return rows.map(movedOf);
    },

    /** Appends to the attempt log (`db`: a caller's transaction, e.g. the webhook applier's). */
    async logAttempts(rows: Record<string, unknown>[], db: Knex = knex()) {
      if (!rows.length) return;
      const now = new Date();
      // Plain multi-row INSERTs: knex's batchInsert wraps them in a transaction of its own, two
      // more round trips per batch for nothing (each insert is atomic on its own).
      const columns = rows.map((row) => attemptColumns({ ...row, documentId: documentId(), createdAt: now, updatedAt: now }));
      for (let i = 0; i < columns.length; i += 500) await db(TABLE.attempt).insert(columns.slice(i, i + 500));
    },

    /** A message's attempts, oldest first. */
    async attemptsOf(messageId: number) {
      const rows: Record<string, unknown>[] = await knex()(TABLE.attempt).where({ [A.messageId]: messageId }).orderBy(A.number, 'asc').orderBy(A.id, 'asc');
      const byColumn = new Map<string, string>(Object.entries(A).map(([field, column]) => [column, field]));
      return rows.map((row) => Object.fromEntries(Object.entries(row).map(([c, v]) => [byColumn.get(c) ?? c, v])));
    },

    /**
     * Rate limit per sender that holds across instances (GCRA): the sender row keeps the next
     * free send time (µs since epoch); reserving n slots is one atomic UPDATE … RETURNING. The
     * caller spaces its sends over [start, start + n·interval).
     */
    async reserveSlots(senderId: number, n: number, intervalUs: number): Promise<number> {
      const nowUs = Date.now() * 1000;
      const result = await knex().raw(
        `UPDATE ${TABLE.sender} SET ${S.nextFreeAt} = ${greatest()}(COALESCE(${S.nextFreeAt}, 0), ?) + ? WHERE ${S.id} = ? RETURNING ${S.nextFreeAt} AS next`,
        [nowUs, n * intervalUs, senderId]
      );
      const end = Number(rowsOf(result)[0]?.next ?? nowUs + n * intervalUs);
      return end - n * intervalUs;
    },

    /**
     * Campaign pacing (one message every N seconds), the same mechanism on the campaign row, only
     * while the campaign's next slot is within the horizon. Returns the first slot (µs), or null
     * when another instance took it first.
     */
    async reserveCampaignSlots(campaignId: number, n: number, intervalUs: number, horizonUs: number): Promise<number | null> {
      const nowUs = Date.now() * 1000;
      const result = await knex().raw(
        `UPDATE ${TABLE.campaign} SET ${C.nextFreeAt} = ${greatest()}(COALESCE(${C.nextFreeAt}, 0), ?) + ? WHERE ${C.id} = ? AND COALESCE(${C.nextFreeAt}, 0) <= ? RETURNING ${C.nextFreeAt} AS next`,
        [nowUs, n * intervalUs, campaignId, nowUs + horizonUs]
      );
      const row = rowsOf(result)[0];
      return row ? Number(row.next) - n * intervalUs : null;
    },

    /**
     * When the next scheduled message falls due (so an idle dispatcher wakes exactly then). Rows
     * already due but not claimed are held back (a paced or paused campaign): not a reason to wake.
     */
    async nextDueAt(): Promise<Date | null> {
      const row = await knex()(t).whereIn(M.status, WAITING).where(M.dueAt, '>', new Date()).min({ due: M.dueAt }).first();
      const value = row?.due;
      return value === null || value === undefined ? null : new Date(value instanceof Date ? value : Number(value));
    },
  };

  /** Records many successful WhatsApp sends in one UPDATE … FROM (VALUES …) (PostgreSQL). */
  const completeSent = async (owner: string, outcomes: { id: number; data: Record<string, unknown> }[], now: Date): Promise<MovedMessage[]> => {
    const values = outcomes.map(() => '(?::integer, ?::text, ?::text, ?::timestamptz)').join(', ');
    const bindings = outcomes.flatMap(({ id, data }) => [id, data.provider, data.providerMessageId, data.sentAt]);
    const result = await knex().raw(
      `UPDATE ${t} AS q SET
         ${M.status} = CASE WHEN q.${M.status} = ? THEN ? ELSE q.${M.status} END,
         ${M.provider} = v.provider, ${M.providerMessageId} = v.pmid, ${M.sentAt} = COALESCE(q.${M.sentAt}, v.sent_at),
         ${M.channel} = 'whatsapp', ${M.nextAttemptAt} = NULL,
         ${M.errorCode} = CASE WHEN q.${M.status} = ? THEN NULL ELSE q.${M.errorCode} END,
         ${M.errorText} = CASE WHEN q.${M.status} = ? THEN NULL ELSE q.${M.errorText} END,
         ${M.leaseOwner} = NULL, ${M.leaseUntil} = NULL, ${M.updatedAt} = ?
       FROM (VALUES ${values}) AS v(id, provider, pmid, sent_at)
       WHERE q.${M.id} = v.id AND q.${M.leaseOwner} = ?
       RETURNING q.${M.id}, q.${M.status}, q.${M.contactId}, q.${M.conversationId}`,
      [STATUS.sending, STATUS.sent, STATUS.sending, STATUS.sending, now, ...bindings, owner]
    );
    return rowsOf(result).map(movedOf);
  };

  return queue;
}
