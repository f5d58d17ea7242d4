/**
 * The save hook: a Document Service middleware, so the Content Manager, REST, GraphQL and code
 * calling `strapi.documents()` all trigger automations alike.
 *
 * - A save of a type without rules, or an action that writes nothing, passes straight through
 *   (a lookup in memory, no query).
 * - Otherwise the record's state before the action is read, the action runs, and the state after
 *   is compared with each rule, all in ONE transaction: a rule that fires is written as a
 *   pending automation run in the same commit as the business save (a transactional outbox). A
 *   crash right after the save cannot lose it: the run is there, and the automations job sends it
 *   at the next start.
 * - Nothing here can fail or slow the business save beyond that one insert: the insert is in a
 *   savepoint, and an error is logged, never thrown. Building the message (recipient, template,
 *   PDF, provider) happens later, in the job.
 * - Each run has a key derived from the rule, the record and the change (the state it moved from,
 *   identified by the record's previous `updatedAt`); the key is unique, so the same state saved
 *   again, two identical saves at once, or the several events of one publish store one run. A
 *   genuine second transition (COMPLETED → IN_PROGRESS → COMPLETED) has a new previous state,
 *   hence a new key, and sends again.
 */
import type { Core } from '@strapi/strapi';
import { getService } from '../utils';
import type { Automation } from '../services/automations';
import { insertRuns, type NewRun } from './runs';

const ACTIONS = new Set(['create', 'update', 'publish']);
const SAVE_TRIGGERS = new Set(['field-change', 'created']);

type Row = Record<string, unknown> & { id: number; documentId: string; updatedAt?: unknown };

const asText = (value: unknown) => (value === null || value === undefined ? null : value instanceof Date ? value.toISOString() : String(value));
const stamp = (value: unknown) => {
  if (value === null || value === undefined) return 'new';
  const time = value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
  return Number.isFinite(time) ? String(time) : String(value);
};

/** What a rule makes of one save: a run to write, or nothing. */
export function runFor(rule: Automation, uid: string, before: Row | null, after: Row, now: Date): NewRun | null {
  const documentId = after.documentId;
  const dueAt = new Date(now.getTime() + Math.max(0, rule.delayMinutes ?? 0) * 60_000);
  const base = { automationId: rule.id, contentType: uid, recordId: documentId, trigger: rule.trigger, dueAt };
  if (rule.trigger === 'created') {
    if (before) return null;
    return { ...base, runKey: `${rule.id}:created:${documentId}`, change: 'created' };
  }
  if (rule.trigger !== 'field-change' || !rule.field) return null;
  const was = asText(before?.[rule.field]);
  const is = asText(after[rule.field]);
  if (is !== rule.toValue || was === is) return null;
  if (rule.fromValue && was !== rule.fromValue) return null;
  return {
    ...base,
    runKey: `${rule.id}:${documentId}:${rule.field}:${stamp(before?.updatedAt)}>${rule.toValue}`,
    change: `${rule.field}: ${was ?? '—'} → ${is}`,
  };
}

/**
 * Whether a rule can fire on this action at all, from the action and its data alone: an update
 * that does not write the watched field cannot change it (most saves of a work order touch its
 * notes, not its state), so it costs no read. A publish, or an update without data, may.
 */
export function mayFire(rule: Automation, action: string, data: Record<string, unknown> | undefined): boolean {
  // A `created` rule may fire on an update that publishes a draft-and-publish record.
  if (action !== 'update' || rule.trigger === 'created') return true;
  return !data || typeof data !== 'object' || !rule.field || Object.prototype.hasOwnProperty.call(data, rule.field);
}

export const registerAutomationHook = (strapi: Core.Strapi) => {
  strapi.documents.use(async (context, next) => {
    if (!ACTIONS.has(context.action)) return next();
    const params = context.params as { documentId?: string; data?: Record<string, unknown> };
    const rules = (await getService('automations').rulesFor(context.uid)).filter((rule) => SAVE_TRIGGERS.has(rule.trigger) && mayFire(rule, context.action, params?.data));
    if (!rules.length) return next();

    const uid = context.uid;
    const draftAndPublish = Boolean((context.contentType as { options?: { draftAndPublish?: boolean } })?.options?.draftAndPublish);
    // The business state: the published version of a draft-and-publish type, else the one row;
    // only the columns the rules compare.
    const select = ['id', 'documentId', 'updatedAt', ...new Set(rules.map((rule) => rule.field).filter((field): field is string => Boolean(field)))];
    const current = (documentId: string): Promise<Row | null> =>
      strapi.db.query(uid).findOne({ select, where: draftAndPublish ? { documentId, publishedAt: { $notNull: true } } : { documentId } });

    return strapi.db.transaction(async ({ trx, onCommit }) => {
      const before = params?.documentId ? await current(params.documentId) : null;
      const result = await next();
      try {
        const documentId = params?.documentId ?? (result as { documentId?: string } | null)?.documentId;
        // Without draft and publish, the action answers the row as written: no second read.
        const written = result as Row | null;
        const answered = !draftAndPublish && written?.documentId === documentId && select.every((field) => field in written);
        const after = answered ? written : documentId ? await current(documentId) : null;
        if (after) {
          const now = new Date();
          const runs = rules.map((rule) => runFor(rule, uid, before, after, now)).filter((run): run is NewRun => run !== null);
          // On PostgreSQL a failed statement would abort the business save's transaction: the
          // insert goes in a savepoint, rolled back alone. SQLite only fails the statement.
          if (runs.length) await (strapi.db.dialect.client === 'postgres' ? trx.transaction((savepoint) => insertRuns(savepoint, runs)) : insertRuns(trx, runs));
          if (runs.length) onCommit(() => getService('automationRuns').wake());
        }
      } catch (error) {
        strapi.log.error(`[whatsapp] automations for ${uid} not recorded: ${(error as Error).message}`);
      }
      return result;
    });
  });
};
