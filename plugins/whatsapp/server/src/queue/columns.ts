/**
 * The message and attempt tables' names and columns, declared once. Every raw statement in
 * queue/ writes these names; `checkColumns` (at bootstrap) compares them with Strapi's metadata
 * for the content types, so a renamed attribute fails the start, not a send.
 *
 * Plain names, for knex's builder and for raw SQL alike; `to` and `from` are SQL keywords and are
 * only used through the builder (which quotes them).
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';

export type Knex = Core.Strapi['db']['connection'];

export const TABLE = {
  message: 'whatsapp_messages',
  attempt: 'whatsapp_attempts',
  campaign: 'whatsapp_campaigns',
  sender: 'whatsapp_senders',
} as const;
export const tables = { message: () => TABLE.message, attempt: () => TABLE.attempt };

/** The campaign columns the claim reads (pacing, pause) and the paced slot it reserves. */
export const C = { id: 'id', status: 'status', pacingSeconds: 'pacing_seconds', nextFreeAt: 'next_free_at' } as const;
/** The sender's next free send time (GCRA, µs since epoch). */
export const S = { id: 'id', nextFreeAt: 'next_free_at' } as const;

/** Message attribute → column. */
export const M = {
  id: 'id',
  documentId: 'document_id',
  direction: 'direction',
  contactId: 'contact_id',
  to: 'to',
  from: 'from',
  senderId: 'sender_id',
  templateId: 'template_id',
  templateName: 'template_name',
  variables: 'variables',
  body: 'body',
  media: 'media',
  category: 'category',
  /** The recipient's market (ISO 3166 alpha-2), set by a campaign's fan-out for its cost. */
  country: 'country',
  status: 'status',
  dueAt: 'due_at',
  attempts: 'attempts',
  nextAttemptAt: 'next_attempt_at',
  leaseUntil: 'lease_until',
  leaseOwner: 'lease_owner',
  provider: 'provider',
  providerMessageId: 'provider_message_id',
  errorCode: 'error_code',
  errorText: 'error_text',
  channel: 'channel',
  idempotencyKey: 'idempotency_key',
  campaignId: 'campaign_id',
  automationId: 'automation_id',
  conversationId: 'conversation_id',
  relatedType: 'related_type',
  relatedId: 'related_id',
  queuedAt: 'queued_at',
  sentAt: 'sent_at',
  deliveredAt: 'delivered_at',
  readAt: 'read_at',
  failedAt: 'failed_at',
  cancelledAt: 'cancelled_at',
  receivedAt: 'received_at',
  mediaStatus: 'media_status',
  mediaFileId: 'media_file_id',
  mediaError: 'media_error',
  content: 'content',
  editedAt: 'edited_at',
  editHistory: 'edit_history',
  deletedAt: 'deleted_at',
  reaction: 'reaction',
  /** When the text, variables and content were removed (retention, or the contact erased). */
  redactedAt: 'redacted_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const;
export type MessageField = keyof typeof M;

/** Attempt attribute → column. */
export const A = {
  id: 'id',
  documentId: 'document_id',
  messageId: 'message_id',
  number: 'number',
  at: 'at',
  provider: 'provider',
  channel: 'channel',
  httpStatus: 'http_status',
  providerCode: 'provider_code',
  outcome: 'outcome',
  errorText: 'error_text',
  durationMs: 'duration_ms',
  worker: 'worker',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const;

const BY_COLUMN = new Map<string, string>(Object.entries(M).map(([field, column]) => [column, field]));

/** `{ dueAt: x }` → `{ due_at: x }` for one table; an unknown field is a programming error. */
const columnsOf = (table: string, names: Record<string, string>) => (data: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    const column = names[field];
    if (!column) throw new Error(`${table} has no column for "${field}"`);
    out[column] = value;
  }
  return out;
};

export const messageColumns = columnsOf(TABLE.message, M);
export const attemptColumns = columnsOf(TABLE.attempt, A);

/** A raw message row back to field names (`due_at` → `dueAt`). */
export function messageFromRow<T = Record<string, unknown>>(row: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(row).map(([column, value]) => [BY_COLUMN.get(column) ?? column, value])) as T;
}

/** An outbound row after a status change: what the live event about it carries (services/live.ts). */
export interface MovedMessage {
  id: number;
  status: string;
  contactId: number | null;
  conversationId: number | null;
}

/** The columns a status-changing statement returns (RETURNING), so no read follows it. */
export const MOVED_COLUMNS = [M.id, M.status, M.contactId, M.conversationId];
const idOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
export const movedOf = (row: Record<string, unknown>): MovedMessage => ({
  id: Number(row[M.id]),
  status: String(row[M.status]),
  contactId: idOrNull(row[M.contactId]),
  conversationId: idOrNull(row[M.conversationId]),
});

export const rowsOf = (result: unknown): Record<string, unknown>[] =>
  Array.isArray(result) ? result : ((result as { rows?: Record<string, unknown>[] }).rows ?? []);

export const isPostgres = () => strapi.db.dialect.client === 'postgres';

/** Fails loudly at boot when the schemas and the names declared here drift apart. */
export function checkColumns(strapi: Core.Strapi) {
  const check = (uid: string, table: string, columns: Record<string, string>) => {
    const meta = strapi.db.metadata.get(uid as Parameters<typeof strapi.db.metadata.get>[0]);
    if (meta.tableName !== table) throw new Error(`[whatsapp] ${uid} is stored in ${meta.tableName}, the queue expects ${table}`);
    const known = new Set(Object.values(meta.attributes as Record<string, { columnName?: string }>).map((a) => a.columnName));
    for (const column of Object.values(columns)) {
      if (!known.has(column)) throw new Error(`[whatsapp] ${table} has no column ${column}, which the queue writes`);
    }
  };
  check(UID.message, TABLE.message, M);
  check(UID.attempt, TABLE.attempt, A);
  check(UID.campaign, TABLE.campaign, C);
  check(UID.sender, TABLE.sender, S);
}
