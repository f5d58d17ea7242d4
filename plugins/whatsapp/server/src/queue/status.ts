/**
 * A provider's statuses applied to the message table: a whole run of status webhooks in one
 * statement (`UPDATE … FROM (VALUES …)`), not one statement per status. Under a burst of webhooks
 * the applier shares the event loop with the requests; one round trip per hundred statuses is
 * what lets it keep pace.
 *
 * Statuses only move forward (see lib/status-order.ts): the rank of the row's status is compared
 * with the reported one inside the statement, so a late `sent` after `delivered` only fills
 * `sent_at`, and a repeated status changes nothing. The lease columns belong to the dispatcher
 * and are never written here.
 *
 * A row waiting in the queue (`queued` / `scheduled`: a retry or a fallback planned after a
 * failure, or a send not made yet) is only moved by what proves an earlier attempt arrived:
 * `delivered` / `read` (then the retry or fallback is off), or `sent` and above naming a message
 * whose provider id we never recorded (a timeout, and the provider had it after all). A failure
 * never moves it (the retry is already planned), nor a late `sent` of the attempt that failed.
 *
 * A success that moves a row past a failure (`delivered` after `failed`, a retry or fallback
 * waiting, an in-doubt send) clears the failure fields it supersedes (error code and text,
 * failed_at); the attempt log keeps the history.
 */
import { STATUS_RANK, isFailure } from '../lib/status-order';
import type { ProviderReportedStatus } from '../lib/status-order';
import { M, TABLE, isPostgres, rowsOf, tables } from './columns';
import type { Knex, MovedMessage } from './columns';

export interface StatusUpdate {
  providerMessageId: string;
  /** Our message id, when the provider echoed it (Twilio callback URL, Meta biz_opaque_callback_data). */
  messageId?: number | null;
  status: ProviderReportedStatus;
  at: Date;
  error?: { code: string; text: string | null } | null;
}

export type { MovedMessage } from './columns';

/** `CASE status WHEN 'queued' THEN 1 …`: the row's rank; statuses outside the order rank highest. */
const rankOfRow = () =>
  `CASE ${M.status} ${Object.entries(STATUS_RANK)
    .map(([status, rank]) => `WHEN '${status}' THEN ${rank}`)
    .join(' ')} ELSE 99 END`;

/**
 * Applies statuses about messages we sent through `providerNames`, at most one per message (the
 * caller splits a run into rounds). `match` says how a status finds its message: by the
 * provider's id (the common case), or by our own id (a status that beat the dispatcher's record
 * of the provider's id). Returns the moved rows, keyed by provider id (or by our id); a status
 * whose message was not found, or is cancelled or received, is not in the answer.
 */
export async function applyProviderStatuses(
  db: Knex,
  providerNames: string[],
  provider: string,
  updates: StatusUpdate[],
  match: 'provider-id' | 'our-id' = 'provider-id'
): Promise<Map<string, MovedMessage>> {
  const found = new Map<string, MovedMessage>();
  if (!updates.length) return found;
  const pg = isPostgres();
  const cast = (type: string) => (pg ? `::${type}` : '');
  const row = `(?${cast('integer')}, ?${cast('text')}, ?${cast('text')}, ?${cast('integer')}, ?${cast('timestamptz')}, ?${cast('integer')}, ?${cast('text')}, ?${cast('text')}, ?${cast('integer')})`;
  const bindings: unknown[] = [];
  for (const u of updates) {
    const failure = isFailure(u.status);
    bindings.push(match === 'our-id' ? u.messageId ?? null : null, u.providerMessageId, u.status, STATUS_RANK[u.status] ?? 0, u.at, failure ? 1 : 0, u.error?.code ?? null, u.error?.text ?? null, failure && u.error ? 1 : 0);
  }
  const rank = rankOfRow();
  const pending = `m.${M.status} IN ('queued', 'scheduled')`;
  // A waiting row: a failure never moves it, nor the provider's own "queued" (our `sending`, which
  // would strand it without a lease); with a provider id on it (its attempt failed), only delivered / read.
  const needed = `CASE WHEN m.${M.providerMessageId} IS NULL THEN ${STATUS_RANK.sent} ELSE ${STATUS_RANK.delivered} END`;
  const forward = `((${rank}) < v.rnk AND NOT (${pending} AND (v.failure = 1 OR v.rnk < ${needed})))`;
  // A success past a failure, a waiting retry or fallback, an in-doubt send: its error is history.
  const superseded = `(v.failure = 0 AND ${forward} AND (m.${M.status} IN ('failed', 'undeliverable', 'unknown', 'queued', 'scheduled')
    OR (m.${M.status} = 'sending' AND m.${M.channel} = 'whatsapp') OR m.${M.errorCode} = 'in-doubt'))`;
  const providers = providerNames.map(() => '?').join(', ');
  const sql = `
    WITH v (mid, pmid, reported, rnk, at, failure, err_code, err_text, has_err) AS (VALUES ${updates.map(() => row).join(', ')})
    UPDATE ${tables.message()} AS m SET
      ${M.status} = CASE WHEN ${forward} THEN v.reported ELSE m.${M.status} END,
      ${M.provider} = COALESCE(m.${M.provider}, ?),
      ${M.providerMessageId} = COALESCE(m.${M.providerMessageId}, v.pmid),
      ${M.sentAt} = CASE WHEN v.reported = 'sent' THEN COALESCE(m.${M.sentAt}, v.at) ELSE m.${M.sentAt} END,
      ${M.deliveredAt} = CASE WHEN v.reported = 'delivered' THEN COALESCE(m.${M.deliveredAt}, v.at) ELSE m.${M.deliveredAt} END,
      ${M.readAt} = CASE WHEN v.reported = 'read' THEN COALESCE(m.${M.readAt}, v.at) ELSE m.${M.readAt} END,
      ${M.failedAt} = CASE WHEN v.failure = 1 AND ${forward} THEN COALESCE(m.${M.failedAt}, v.at) WHEN ${superseded} THEN NULL ELSE m.${M.failedAt} END,
      ${M.errorCode} = CASE
        WHEN v.has_err = 1 AND ${forward} THEN v.err_code
        WHEN ${superseded} THEN NULL
        ELSE m.${M.errorCode} END,
      ${M.errorText} = CASE
        WHEN v.has_err = 1 AND ${forward} THEN v.err_text
        WHEN ${superseded} THEN NULL
        ELSE m.${M.errorText} END,
      ${M.channel} = CASE WHEN v.failure = 0 AND ${forward} AND ${pending} THEN 'whatsapp' ELSE m.${M.channel} END,
      ${M.nextAttemptAt} = CASE WHEN ${forward} AND ${pending} THEN NULL ELSE m.${M.nextAttemptAt} END,
      ${M.updatedAt} = ?
    FROM v
    WHERE m.${M.direction} = 'out' AND ${
      match === 'our-id'
        ? // By our id only a message handed to a provider at least once (attempts > 0): a signed
          // status naming a scheduled or queued message that never left cannot move it.
          `m.${M.id} = v.mid AND m.${M.attempts} > 0 AND (m.${M.provider} IS NULL OR m.${M.provider} IN (${providers}))`
        : `m.${M.providerMessageId} = v.pmid AND m.${M.provider} IN (${providers})`
    }
      AND m.${M.status} NOT IN ('cancelled', 'received')
    RETURNING ${M.id} AS id, ${M.status} AS status, ${M.contactId} AS contact_id, ${M.conversationId} AS conversation_id, ${M.providerMessageId} AS pmid`;
  const result = await db.raw(sql, [...bindings, provider, new Date(), ...providerNames]);
  for (const r of rowsOf(result)) {
    found.set(match === 'our-id' ? String(r.id) : String(r.pmid), {
      id: Number(r.id),
      status: String(r.status),
      contactId: r.contact_id == null ? null : Number(r.contact_id),
      conversationId: r.conversation_id == null ? null : Number(r.conversation_id),
    });
  }
  return found;
}

/** An outbound row as it stood before a run of failure statuses (see `lockBeforeFailures`). */
export interface RowBeforeFailure {
  id: number;
  status: string;
  channel: string | null;
  attempts: number;
  provider: string | null;
  providerMessageId: string | null;
  templateId: number | null;
  contactId: number | null;
  to: string | null;
  from: string | null;
  body: string | null;
}

/**
 * The outbound rows failure statuses may be about (by the provider's id or our id), as they stand
 * before the statuses apply, locked until the caller's transaction ends (FOR UPDATE on
 * PostgreSQL; SQLite has one writer). The caller compares them with the moved rows: a failure is
 * acted on (retried, fallen back) only by the status that moved the row into it, once.
 */
export async function lockBeforeFailures(db: Knex, providerNames: string[], providerIds: string[], ourIds: number[]): Promise<Map<number, RowBeforeFailure>> {
  const rows = new Map<number, RowBeforeFailure>();
  if (!providerIds.length && !ourIds.length) return rows;
  let query = db(TABLE.message)
    .select([M.id, M.status, M.channel, M.attempts, M.provider, M.providerMessageId, M.templateId, M.contactId, M.to, M.from, M.body])
    .where(M.direction, 'out')
    .where((q) => {
      if (providerIds.length) q.orWhere((p) => p.whereIn(M.providerMessageId, providerIds).whereIn(M.provider, providerNames));
      if (ourIds.length) q.orWhereIn(M.id, ourIds);
    })
    .orderBy(M.id);
  if (isPostgres()) query = query.forUpdate();
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  const id = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  for (const r of (await query) as Record<string, unknown>[]) {
    rows.set(Number(r[M.id]), {
      id: Number(r[M.id]),
      status: String(r[M.status]),
      channel: text(r[M.channel]),
      attempts: Number(r[M.attempts] ?? 0),
      provider: text(r[M.provider]),
      providerMessageId: text(r[M.providerMessageId]),
      templateId: id(r[M.templateId]),
      contactId: id(r[M.contactId]),
      to: text(r[M.to]),
      from: text(r[M.from]),
      body: text(r[M.body]),
    });
  }
  return rows;
}

/** The outbound message a status is about: by the provider's id, else by the id we sent along. */
export async function findOutbound(db: Knex, providerNames: string[], providerMessageId: string, ourMessageId: number | null) {
  const columns = [M.id, M.status, M.contactId, M.conversationId];
  const byProviderId: Record<string, any> | undefined = await db(TABLE.message)
    .select(columns)
    .where({ [M.direction]: 'out', [M.providerMessageId]: providerMessageId })
    .whereIn(M.provider, providerNames)
    .first();
  if (byProviderId || !ourMessageId) return byProviderId;
  const byOurId: Record<string, any> | undefined = await db(TABLE.message)
    .select(columns)
    .where({ [M.id]: ourMessageId, [M.direction]: 'out' })
    .where(M.attempts, '>', 0)
    .where((q) => q.whereNull(M.provider).orWhereIn(M.provider, providerNames))
    .first();
  return byOurId;
}

/**
 * Splits a run of statuses into rounds with at most one status per message each, keeping each
 * message's statuses in arrival order (round 1 holds every message's first status, and so on).
 */
export function roundsOf<T>(items: T[], keyOf: (item: T) => string): T[][] {
  const rounds: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const key = keyOf(item);
    const index = seen.get(key) ?? 0;
    seen.set(key, index + 1);
    (rounds[index] ??= []).push(item);
  }
  return rounds;
}
