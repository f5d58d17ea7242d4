/**
 * The automation-run table, written with plain SQL where it must be (inside the business save's
 * transaction, with `ON CONFLICT DO NOTHING` on the run key so a duplicate never aborts it).
 */
import crypto from 'crypto';
import type { Knex } from '../queue/columns';
import { documentId } from '../utils/document-id';

export const RUN_TABLE = 'whatsapp_automation_runs';
export const RUN_STATES = ['pending', 'processing', 'queued', 'sent', 'skipped', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface NewRun {
  automationId: number;
  contentType: string;
  recordId: string;
  trigger: string;
  change: string;
  runKey: string;
  dueAt: Date;
}

/** Longest key kept as written; longer ones (long documentIds or values) keep a readable head. */
const MAX_KEY = 240;
const key = (value: string) => (value.length <= MAX_KEY ? value : `${value.slice(0, 180)}#${crypto.createHash('sha256').update(value).digest('hex').slice(0, 40)}`);

/** Writes runs; a run whose key exists is skipped (the unique index decides, concurrently too). */
export async function insertRuns(knex: Knex, runs: NewRun[], now = new Date()): Promise<number> {
  if (!runs.length) return 0;
  const rows = runs.map((run) => ({
    document_id: documentId(),
    automation_id: run.automationId,
    content_type: run.contentType,
    record_id: run.recordId,
    trigger: run.trigger,
    change: run.change.slice(0, 255),
    run_key: key(run.runKey),
    state: 'pending',
    due_at: run.dueAt,
    created_at: now,
    updated_at: now,
  }));
  const inserted = await knex(RUN_TABLE).insert(rows).onConflict('run_key').ignore().returning('id');
  return Array.isArray(inserted) ? inserted.length : 0;
}
