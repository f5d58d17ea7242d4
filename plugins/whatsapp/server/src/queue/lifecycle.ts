/**
 * The message row's life outside the dispatcher: created (queued or scheduled), cancelled,
 * queued again (by staff; after a failure a status webhook reported: retryReported,
 * fallBackReported), marketing cancelled on an opt-out, an inbound message recorded, an inbound
 * file's outcome settled. Each is one statement (or one transaction) on the message table; the
 * conditional ones (`WHERE status IN …`) cannot race with the dispatcher's claim: whichever
 * commits first wins.
 */
import { documentId } from '../utils/document-id';
import { CANCELLABLE, RETRYABLE, STATUS } from '../constants';
import { M, MOVED_COLUMNS, TABLE, isPostgres, messageColumns, messageFromRow, movedOf, rowsOf } from './columns';
import type { Knex, MovedMessage } from './columns';

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
  /** The recipient's market (ISO 3166 alpha-2), for the campaign price table; null when unknown. */
  country?: string | null;
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
/** A JSON column as read back: parsed text (SQLite, raw rows) or the value (PostgreSQL jsonb). */
function parsed<T = unknown>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return null;
  }
}
const toTime = (value: unknown): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value);
  const time = (value instanceof Date ? value : new Date(typeof value === 'number' || /^\d+$/.test(text) ? Number(text) : text)).getTime();
  return Number.isNaN(time) ? null : time;
};
const firstId = (rows: unknown[]): number | null => {
  if (!rows.length) return null;
  const first = rows[0];
  return Number(typeof first === 'object' && first !== null ? Reflect.get(first, 'id') : first);
};

/**
 * Rows per multi-row INSERT: 500 rows of some twenty columns stay well inside both databases'
 * bound-parameter limits (PostgreSQL 65,535; SQLite 32,766).
 */
const INSERT_CHUNK = 500;

/**
 * The message table's column types on PostgreSQL (`int4`, `varchar`, `jsonb`, …), read once per
 * connection pool: the bulk insert casts each column's array to them.
 */
const messageTypes = new WeakMap<object, Promise<Map<string, string>>>();
function columnTypes(db: Knex): Promise<Map<string, string>> {
  const known = messageTypes.get(db);
  if (known) return known;
  const reading = db
    .raw(`SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = ? ORDER BY (table_schema = current_schema()) DESC`, [TABLE.message])
    .then((result: unknown) => {
      const types = new Map<string, string>();
      for (const row of rowsOf(result)) if (!types.has(String(row.column_name))) types.set(String(row.column_name), String(row.udt_name));
      return types;
    });
  messageTypes.set(db, reading);
  reading.catch(() => messageTypes.delete(db));
  return reading;
}

/** A new outbound message's row: `queued` when due now, else `scheduled`. */
function newRow(message: NewMessage, now: Date): Record<string, unknown> {
  const status = message.dueAt.getTime() > now.getTime() ? STATUS.scheduled : STATUS.queued;
  return messageColumns({
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
}

export function createLifecycle(knex: () => Knex) {
  const t = TABLE.message;

  return {
    /**
     * Writes a new outbound message, `queued` when due now, else `scheduled`. Returns its id, or
     * null when a message with the same idempotency key exists (the unique index keeps one).
     */
    async create(message: NewMessage, now = new Date()): Promise<{ id: number | null; status: string }> {
      const row = newRow(message, now);
      let query = knex()(t).insert(row);
      if (message.idempotencyKey) query = query.onConflict(M.idempotencyKey).ignore();
      const inserted: unknown[] = await query.returning(M.id);
      return { id: firstId(inserted), status: String(row[M.status]) };
    },

    /**
     * Writes many new outbound messages (a campaign's fan-out batch) and returns how many were
     * written; a row whose idempotency key exists is skipped, so a batch written twice (a launch
     * resumed after a crash) adds nothing.
     *
     * PostgreSQL: one statement, a column per bound array (`INSERT … SELECT * FROM unnest(…)`):
     * some twenty bindings instead of twenty per row, which the client would otherwise number,
     * serialise and send one by one (measured 150 ms for 2,000 rows as a multi-row VALUES).
     * SQLite: multi-row VALUES, INSERT_CHUNK rows a statement.
     */
    async createMany(messages: NewMessage[], now = new Date()): Promise<number> {
      if (!messages.length) return 0;
      const rows = messages.map((message) => newRow(message, now));
      if (isPostgres()) {
        const types = await columnTypes(knex());
        const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
        const unknown = columns.find((column) => !types.has(column));
        if (unknown) throw new Error(`${t}.${unknown}: no such column`);
        const names = columns.map((column) => `"${column}"`).join(', ');
        const arrays = columns.map((column) => `?::${types.get(column)}[]`).join(', ');
        const result = await knex().raw(
          `INSERT INTO ${t} (${names}) SELECT * FROM unnest(${arrays}) ON CONFLICT (${M.idempotencyKey}) DO NOTHING RETURNING ${M.id}`,
          columns.map((column) => rows.map((row) => row[column] ?? null))
        );
        return rowsOf(result).length;
      }
      let written = 0;
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const inserted: unknown[] = await knex()(t).insert(rows.slice(i, i + INSERT_CHUNK)).onConflict(M.idempotencyKey).ignore().returning(M.id);
        written += inserted.length;
      }
      return written;
    },

    /** Cancels every message of a campaign not yet handed to a provider, in one statement. */
    async cancelCampaign(campaignId: number): Promise<number> {
      const now = new Date();
      const changed = await knex()(t)
        .where({ [M.campaignId]: campaignId })
        .whereIn(M.status, CANCELLABLE)
        .update(messageColumns({ status: STATUS.cancelled, cancelledAt: now, updatedAt: now }));
      return Number(changed);
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

    /**
     * Puts a failed, undeliverable, unknown or cancelled outbound message back in the queue, due
     * now, on WhatsApp again (a fallback that was waiting when it was cancelled starts over).
     */
    async requeue(id: number): Promise<boolean> {
      const now = new Date();
      const changed = await knex()(t)
        .where({ [M.id]: id, [M.direction]: 'out' })
        .whereIn(M.status, RETRYABLE)
        .whereNull(M.redactedAt)
        .update(messageColumns({ status: STATUS.queued, dueAt: now, queuedAt: now, nextAttemptAt: null, errorCode: null, errorText: null, channel: 'whatsapp', updatedAt: now }));
      return Number(changed) > 0;
    },

    /**
     * A failure the provider reported later (a status webhook), worth another try: the row goes
     * back to the queue for `dueAt`, keeping the error (as a retry after the send's own answer
     * does). Inside the caller's transaction, and only while the row is still the failure that
     * webhook wrote on WhatsApp; the dispatcher's lease on it (a failure that beat the record of
     * the send) is dropped, so that send's record changes nothing.
     */
    async retryReported(db: Knex, id: number, dueAt: Date): Promise<boolean> {
      const now = new Date();
      const changed = await db(t)
        .where({ [M.id]: id, [M.direction]: 'out', [M.channel]: 'whatsapp' })
        .whereIn(M.status, [STATUS.failed, STATUS.undeliverable])
        // A message whose text was removed (retention, erasure) is never sent again.
        .whereNull(M.redactedAt)
        .update(messageColumns({ status: STATUS.queued, dueAt, nextAttemptAt: dueAt, failedAt: null, leaseOwner: null, leaseUntil: null, updatedAt: now }));
      return Number(changed) > 0;
    },

    /**
     * A failure the provider reported later that SMS / email may carry: the row goes back to the
     * queue, due now, on `channel`; the dispatcher sends it there as it does a fallback after the
     * send's own answer. Same conditions as retryReported.
     */
    async fallBackReported(db: Knex, id: number, channel: 'sms' | 'email'): Promise<boolean> {
      const now = new Date();
      const changed = await db(t)
        .where({ [M.id]: id, [M.direction]: 'out', [M.channel]: 'whatsapp' })
        .whereIn(M.status, [STATUS.failed, STATUS.undeliverable])
        .whereNull(M.redactedAt)
        .update(messageColumns({ status: STATUS.queued, channel, dueAt: now, nextAttemptAt: null, failedAt: null, leaseOwner: null, leaseUntil: null, updatedAt: now }));
      return Number(changed) > 0;
    },

    /** The contact said stop: their marketing not yet handed to a provider is cancelled (the rows, for the live event). */
    async cancelMarketing(contactId: number, errorCode: string, errorText: string): Promise<MovedMessage[]> {
      const now = new Date();
      const rows: Record<string, unknown>[] = await knex()(t)
        .where({ [M.contactId]: contactId, [M.direction]: 'out', [M.category]: 'marketing' })
        .whereIn(M.status, [STATUS.scheduled, STATUS.queued])
        .update(messageColumns({ status: STATUS.cancelled, cancelledAt: now, errorCode, errorText, updatedAt: now }))
        .returning(MOVED_COLUMNS);
      return rows.map(movedOf);
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
        content: data.content === undefined ? undefined : json(data.content),
      });
      for (const key of Object.keys(row)) if (row[key] === undefined) delete row[key];
      const inserted: unknown[] = await trx(t).insert(row).onConflict([M.provider, M.providerMessageId]).ignore().returning(M.id);
      return firstId(inserted);
    },

    /**
     * The message a customer's edit, deletion or reaction points at, by the provider's id (ours
     * or theirs: a reaction may be to a message we sent). Locked until the caller's transaction
     * ends on PostgreSQL (SQLite runs one write at a time).
     */
    async findByProviderId(db: Knex, providerNames: string[], providerMessageId: string): Promise<Record<string, unknown> | null> {
      let query = db(t).where({ [M.providerMessageId]: providerMessageId }).whereIn(M.provider, providerNames).first();
      if (isPostgres()) query = query.forUpdate();
      const row: Record<string, unknown> | undefined = await query;
      return row ? messageFromRow(row) : null;
    },

    /**
     * The customer edited an inbound message. `editHistory` holds every version, oldest first
     * (`{ body, content, at, editId }`, the original with `editId: null`); the row shows the
     * latest by the provider's time (body, content, `editedAt`), so edits arriving out of order
     * end in the right place. An edit already in the history changes nothing (applied twice).
     */
    async applyEdit(db: Knex, message: Record<string, unknown>, edit: { editId: string; at: Date; body: string; content: unknown }): Promise<boolean> {
      const history = parsed<Array<Record<string, unknown>>>(message.editHistory) ?? [];
      if (history.some((entry) => entry.editId === edit.editId)) return false;
      const versions = history.length
        ? [...history]
        : [{ body: message.body ?? null, content: parsed(message.content), at: new Date(toTime(message.receivedAt) ?? toTime(message.createdAt) ?? 0).toISOString(), editId: null }];
      versions.push({ body: edit.body, content: edit.content ?? null, at: edit.at.toISOString(), editId: edit.editId });
      versions.sort((a, b) => String(a.at).localeCompare(String(b.at)));
      const latest = versions[versions.length - 1];
      const changes: Record<string, unknown> = { editHistory: json(versions), updatedAt: new Date() };
      if (latest.editId) {
        changes.body = latest.body;
        changes.editedAt = new Date(String(latest.at));
        if (latest.content !== null && latest.content !== undefined) changes.content = json(latest.content);
      }
      await db(t).where({ [M.id]: message.id }).update(messageColumns(changes));
      return true;
    },

    /** The customer deleted a message for everyone: marked (the first time counts), its content kept. */
    async markDeleted(db: Knex, id: number, at: Date): Promise<boolean> {
      const changed = await db(t)
        .where({ [M.id]: id })
        .whereNull(M.deletedAt)
        .update(messageColumns({ deletedAt: at, updatedAt: new Date() }));
      return Number(changed) > 0;
    },

    /**
     * The customer's reaction on a message (WhatsApp keeps one per person; an empty emoji takes
     * it back). The latest by the provider's time wins, whatever order the webhooks came in.
     */
    async setReaction(db: Knex, message: Record<string, unknown>, reaction: { emoji: string; at: Date; providerMessageId: string }): Promise<boolean> {
      const current = parsed<{ at?: string; providerMessageId?: string }>(message.reaction);
      if (current?.providerMessageId === reaction.providerMessageId) return false;
      if (current?.at && new Date(current.at).getTime() > reaction.at.getTime()) return false;
      const value = { emoji: reaction.emoji, at: reaction.at.toISOString(), providerMessageId: reaction.providerMessageId };
      await db(t)
        .where({ [M.id]: message.id })
        .update(messageColumns({ reaction: json(value), updatedAt: new Date() }));
      return true;
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

