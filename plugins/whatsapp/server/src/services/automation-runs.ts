import type { Core } from '@strapi/strapi';
import { STATUS, UID } from '../constants';
import { getService } from '../utils';
import { notFound, RuleError } from '../utils/errors';
import { createJob } from '../workers/runner';
import { failingCondition, holds } from '../automations/conditions';
import { dateWindow, fireAt, localDay } from '../automations/date-trigger';
import { populateFor, valueAt } from '../automations/paths';
import { insertRuns, RUN_TABLE, type NewRun } from '../automations/runs';
import { schemaLookup, type Automation } from './automations';
import type { AutomationPreview, AutomationRunState, AutomationRunsSummary } from '../../../shared/automations';

/**
 * The automations job (workers/runner.ts): turns pending runs into messages, writes the send
 * back on the record, and fires date rules. Runs are written by the save hook (in the business
 * save's transaction), by the date scan and by "Send WhatsApp"; this is the only place that
 * builds their messages, through the one message-creation path (services/messages) with the
 * run's key as idempotency key, so a run processed twice (a crash mid-way) sends once.
 *
 * A problem is never thrown at the business: a missing phone, an unknown template, a path that
 * no longer exists or a provider refusing ends the run as `failed` with the reason, for staff.
 */
type Run = {
  id: number;
  automationId: number;
  contentType: string;
  recordId: string;
  trigger: string;
  change: string | null;
  runKey: string;
  state: string;
  reason: string | null;
  messageId: number | null;
  dueAt: string | Date | null;
};

/** A run being built for longer than this was left by a stopped instance: taken again. */
const LEASE_MS = 60_000;
/** Rounds take this many runs at most. */
const BATCH = 20;
/** Date rules are looked at this often, and fire up to this late after a stop. */
const DATE_SCAN_MS = 30_000;
const DATE_LOOKBACK_MS = 24 * 60 * 60 * 1000;
/** Runs created ahead of their time by the date scan (so they leave on the minute). */
const DATE_AHEAD_MS = 2 * 60_000;
/** How often queued runs are matched with their messages (write-back, `sent`). */
const SETTLE_MS = 500;
const SENT = new Set<string>([STATUS.sent, STATUS.delivered, STATUS.read]);
const GAVE_UP = new Set<string>([STATUS.failed, STATUS.cancelled, STATUS.undeliverable]);

/** What of a rule the job and the preview read (a draft being edited has no id yet). */
type RuleShape = Pick<Automation, 'enabled' | 'trigger' | 'conditions' | 'recipient' | 'template' | 'variables' | 'attachment'>;

/** The run's words when a rule is off: the job skips it unless sent by hand. */
const DISABLED = 'The automation is disabled';
/** The run's words when the record has no number. */
const noNumber = (rule: RuleShape) => `${rule.recipient} is empty: there is no number to send to`;
const isBlank = (value: unknown) => value === null || value === undefined || String(value).trim() === '';

const reasonOf = (error: unknown) => (error instanceof RuleError ? `${error.path}: ${error.message}` : ((error as Error)?.message ?? String(error))).slice(0, 2000);

const createAutomationRunsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const runs = () => strapi.db.query(UID.automationRun);
  const knex = () => strapi.db.connection;
  let lastDateScan = 0;
  let lastSettle = 0;

  const isDraftAndPublish = (uid: string) => Boolean((strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as { options?: { draftAndPublish?: boolean } })?.options?.draftAndPublish);

  /** The record as the rule reads it: every path it names populated. */
  const loadRecord = async (rule: RuleShape, uid: string, documentId: string) => {
    const paths = [rule.recipient, ...Object.values(rule.variables ?? {}).filter((v): v is string => typeof v === 'string'), ...(rule.conditions ?? []).map((c) => c.field)];
    const populate = populateFor(schemaLookup(strapi), uid, paths);
    return strapi.documents(uid as any).findOne({ documentId, populate: populate as any, ...(isDraftAndPublish(uid) ? { status: 'published' } : {}) } as any);
  };

  const variablesFor = (rule: RuleShape, record: unknown, overrides?: Record<string, unknown> | null) => {
    const values: Record<string, unknown> = {};
    for (const [name, source] of Object.entries(rule.variables ?? {})) {
      values[name] = typeof source === 'string' ? valueAt(record, source) : source.value;
    }
    return { ...values, ...(overrides ?? {}) };
  };

  /**
   * What a rule makes of a loaded record, before any message: skipped on a condition (a rule sent
   * by hand checks none), failed without a number, else the number to send to. The job and the
   * preview both ask it, so the preview says what the run would.
   */
  const plan = (rule: RuleShape, trigger: string, record: unknown): { state: 'skipped' | 'failed'; reason: string } | { to: string } => {
    const unmet = trigger === 'manual' ? null : failingCondition(rule.conditions, record);
    if (unmet) return { state: 'skipped', reason: unmet };
    const to = valueAt(record, rule.recipient);
    if (isBlank(to)) return { state: 'failed', reason: noNumber(rule) };
    return { to: String(to) };
  };

  const finish = (id: number, data: Partial<Run> & { state: string }) => runs().update({ where: { id }, data: { ...data, leaseUntil: null } });

  /** Builds and queues the message of one claimed run. */
  const build = async (run: Run, overrides?: Record<string, unknown> | null) => {
    const rule: Automation | null = await strapi.db.query(UID.automation).findOne({ where: { id: run.automationId } });
    if (!rule) return finish(run.id, { state: 'skipped', reason: 'The automation was deleted' });
    if (!rule.enabled && run.trigger !== 'manual') return finish(run.id, { state: 'skipped', reason: DISABLED });
    try {
      const record = await loadRecord(rule, run.contentType, run.recordId);
      if (!record) return finish(run.id, { state: 'skipped', reason: `The ${run.contentType} record ${run.recordId} no longer exists` });
      const planned = plan(rule, run.trigger, record);
      if ('state' in planned) return finish(run.id, planned);
      let media: number | undefined;
      if (rule.attachment === 'pdf') media = (await getService('recordPdf').generate(run.contentType, run.recordId)).fileId;
      const { message } = await getService('messages').create(
        {
          to: planned.to,
          template: rule.template,
          variables: variablesFor(rule, record, overrides),
          media,
          related: { type: run.contentType, id: run.recordId },
          idempotencyKey: `automation:${run.runKey}`.slice(0, 200),
        },
        { source: 'automation', automationId: rule.id }
      );
      return finish(run.id, { state: 'queued', reason: null, messageId: message.id });
    } catch (error) {
      return finish(run.id, { state: 'failed', reason: reasonOf(error) });
    }
  };

  /** Takes one pending run if no other worker took it first (one conditional update). */
  const claim = async (id: number) => {
    const taken = await knex()(RUN_TABLE)
      .where({ id, state: 'pending' })
      .update({ state: 'processing', lease_until: new Date(Date.now() + LEASE_MS), updated_at: new Date() });
    return taken === 1;
  };

  /** Runs whose builder stopped half-way go back to pending (their message key makes it safe). */
  const reclaim = () => knex()(RUN_TABLE).where({ state: 'processing' }).where('lease_until', '<', new Date()).update({ state: 'pending', lease_until: null });

  const processDue = async () => {
    const due: Run[] = await runs().findMany({ where: { state: 'pending', dueAt: { $lte: new Date() } }, orderBy: { id: 'asc' }, limit: BATCH });
    let done = 0;
    for (const run of due) {
      if (!(await claim(run.id))) continue;
      await build(run);
      done += 1;
    }
    return done;
  };

  /** Queued runs whose message was sent (write-back, then `sent`) or given up (`failed`). */
  const settle = async () => {
    const queued: Run[] = await runs().findMany({ where: { state: 'queued' }, orderBy: { id: 'asc' }, limit: 200 });
    if (!queued.length) return 0;
    const ids = queued.map((r) => r.messageId).filter((id): id is number => typeof id === 'number');
    const messages = await strapi.db.query(UID.message).findMany({ where: { id: { $in: ids } }, select: ['id', 'deliveryStatus', 'sentAt', 'errorCode', 'errorText'] });
    const byId = new Map(messages.map((m: any) => [m.id, m]));
    let done = 0;
    for (const run of queued) {
      const message: any = byId.get(run.messageId as number);
      if (!message) continue;
      if (SENT.has(message.deliveryStatus)) {
        const rule: Automation | null = await strapi.db.query(UID.automation).findOne({ where: { id: run.automationId } });
        let writtenBackAt: Date | null = null;
        if (rule?.writeBack) {
          try {
            const at = message.sentAt ? new Date(message.sentAt) : new Date();
            // Straight to the rows (draft and published alike): a write-back must neither publish
            // a draft's pending edits nor pass through the save hook as a business change.
            await strapi.db.query(run.contentType as any).updateMany({ where: { documentId: run.recordId }, data: { [rule.writeBack]: at } });
            writtenBackAt = at;
          } catch (error) {
            await finish(run.id, { state: 'sent', reason: `sent; ${rule.writeBack} not written back: ${reasonOf(error)}` });
            done += 1;
            continue;
          }
        }
        await runs().update({ where: { id: run.id }, data: { state: 'sent', writtenBackAt } });
        done += 1;
      } else if (GAVE_UP.has(message.deliveryStatus)) {
        await finish(run.id, { state: 'failed', reason: `The message ${message.deliveryStatus}: ${[message.errorCode, message.errorText].filter(Boolean).join(' ') || 'no reason given'}` });
        done += 1;
      }
    }
    return done;
  };

  /** Date rules: a run for each record whose moment (its date ± days, at the hour, in the contact's zone) has come. */
  const scanDates = async (now = new Date()) => {
    const rules: Automation[] = await strapi.db.query(UID.automation).findMany({ where: { enabled: true, trigger: 'date' } });
    const defaultZone = (await getService('settings').get()).defaultTimeZone;
    let created = 0;
    for (const rule of rules) {
      try {
        if (!rule.field) continue;
        const window = dateWindow(now, rule.offsetDays ?? 0, DATE_LOOKBACK_MS);
        const populate = populateFor(schemaLookup(strapi), rule.contentType, [rule.recipient]);
        const records: any[] = await strapi.documents(rule.contentType as any).findMany({
          filters: { [rule.field]: { $gte: window.from.toISOString(), $lte: window.to.toISOString() } },
          populate: populate as any,
          limit: 1000,
          ...(isDraftAndPublish(rule.contentType) ? { status: 'published' } : {}),
        } as any);
        const phones = records.map((r) => valueAt(r, rule.recipient)).filter((p): p is string => typeof p === 'string' && p.trim() !== '');
        const zones = new Map<string, string>();
        for (const phone of phones) {
          const contact = await getService('contacts').findByPhone(phone).catch(() => null);
          if (contact?.timeZone) zones.set(phone, contact.timeZone);
        }
        const fresh: NewRun[] = [];
        for (const record of records) {
          const phone = valueAt(record, rule.recipient);
          const zone = (typeof phone === 'string' && zones.get(phone)) || defaultZone;
          const at = fireAt(record[rule.field], rule.offsetDays ?? 0, rule.atTime ?? '09:00', zone);
          if (!at || at.getTime() > now.getTime() + DATE_AHEAD_MS || at.getTime() < now.getTime() - DATE_LOOKBACK_MS) continue;
          const day = localDay(record[rule.field], zone);
          fresh.push({
            automationId: rule.id,
            contentType: rule.contentType,
            recordId: record.documentId,
            trigger: 'date',
            change: `${rule.field} ${day}: ${rule.offsetDays ?? 0} day(s), ${rule.atTime ?? '09:00'} ${zone}`,
            runKey: `${rule.id}:date:${record.documentId}:${day}`,
            dueAt: at,
          });
        }
        created += await insertRuns(knex(), fresh);
      } catch (error) {
        strapi.log.error(`[whatsapp] date automation ${rule.id} (${rule.name}): ${reasonOf(error)}`);
      }
    }
    return created;
  };

  const job = createJob({
    name: 'automations',
    intervalMs: 1_000,
    log: strapi.log,
    work: async () => {
      let done = 0;
      if (Date.now() - lastDateScan >= DATE_SCAN_MS) {
        lastDateScan = Date.now();
        await reclaim();
        done += await scanDates();
      }
      done += await processDue();
      // Sent messages are looked at twice a second, not on every round: while runs keep coming,
      // re-reading the queued ones each time would cost more than building the messages.
      if (Date.now() - lastSettle >= SETTLE_MS) {
        lastSettle = Date.now();
        done += await settle();
      }
      return done;
    },
  });

  return {
    start() {
      lastDateScan = 0;
      job.start();
    },
    stop: () => job.stop(),
    wake: () => job.wake(),
    idle: () => job.idle(),
    /** One date scan now (tests, and after an administrator changes a date rule). */
    scanDates,

    /** "Send WhatsApp" from a record: a manual run of a rule, built at once. */
    async sendManual(rule: Automation, documentId: string, options: { variables?: Record<string, unknown> | null; idempotencyKey?: string | null } = {}) {
      const record = await strapi.documents(rule.contentType as any).findOne({ documentId, ...(isDraftAndPublish(rule.contentType) ? { status: 'published' } : {}) } as any);
      if (!record) throw notFound(`No ${rule.contentType} record ${documentId}`);
      const runKey = `${rule.id}:manual:${documentId}:${options.idempotencyKey ?? `${Date.now()}-${Math.random().toString(36).slice(2, 10)}`}`;
      await insertRuns(knex(), [{ automationId: rule.id, contentType: rule.contentType, recordId: documentId, trigger: 'manual', change: 'sent by hand', runKey, dueAt: new Date() }]);
      const run: Run = await runs().findOne({ where: { runKey } });
      if (run.state === 'pending' && (await claim(run.id))) await build(run, options.variables);
      return runs().findOne({ where: { id: run.id } });
    },

    /**
     * What a rule would do for one record, now, without doing it: the job's own steps (the record
     * as the rule reads it, its conditions, its number, its variables) and the message-creation
     * checks (phone, template, rendering, consent), with nothing written and nothing sent. The
     * PDF of a rule that attaches one is made only when it is really sent.
     */
    async preview(rule: RuleShape & { contentType: string }, documentId: string): Promise<AutomationPreview> {
      const uid = rule.contentType;
      const record = await loadRecord(rule, uid, documentId);
      if (!record) {
        throw notFound(`No ${uid} record ${documentId}${isDraftAndPublish(uid) ? ' (a rule reads the published version: publish it first)' : ''}`);
      }
      const conditionsApply = rule.trigger !== 'manual';
      const variables = variablesFor(rule, record);
      const raw = valueAt(record, rule.recipient);
      const planned = plan(rule, rule.trigger, record);
      let problem: AutomationPreview['problem'] = null;
      let text: string | null = null;
      let to: string | null = null;
      let category: string | null = null;

      // The message is worked out even for a record a condition skips: what it would be, and
      // what would stop it, once the condition holds.
      if (!isBlank(raw)) {
        try {
          const prepared = await getService('messages').prepare({ to: String(raw), template: rule.template, variables, media: rule.attachment === 'pdf' ? null : undefined });
          ({ to, body: text, category } = prepared);
        } catch (error) {
          if (!(error instanceof RuleError)) throw error;
          problem = { path: error.path, rule: error.rule, message: error.message };
        }
      } else {
        problem = { path: 'recipient', rule: 'empty', message: noNumber(rule) };
      }
      // Without a message (no number, a refused send), the text is still shown when the template
      // renders: the same renderer, with the default formats instead of the contact's.
      if (text === null) {
        const template = await getService('templates').findOne(rule.template);
        if (template) {
          try {
            text = getService('templates').render(template, variables);
            category ??= template.category;
          } catch (error) {
            if (!(error instanceof RuleError)) throw error;
            problem ??= { path: error.path, rule: error.rule, message: error.message };
          }
        }
      }

      const disabled = !rule.enabled && rule.trigger !== 'manual';
      const outcome: AutomationPreview['outcome'] = disabled || ('state' in planned && planned.state === 'skipped') ? 'skipped' : problem ? 'failed' : 'send';
      const reason = disabled ? DISABLED : 'state' in planned ? planned.reason : problem ? reasonOf(new RuleError(problem.path, problem.rule, problem.message)) : null;
      return {
        documentId,
        outcome,
        reason,
        conditionsApply,
        conditions: (rule.conditions ?? []).map((condition) => ({ ...condition, holds: holds(condition, record), actual: valueAt(record, condition.field) ?? null })),
        recipient: { path: rule.recipient, value: raw === null || raw === undefined ? null : String(raw), to },
        variables,
        text,
        template: rule.template,
        category,
        attachment: rule.attachment ?? 'none',
        problem,
      };
    },

    /** For the list of rules: each one's number of runs and its last run (one grouped query). */
    async summaries(automationIds: number[]): Promise<Map<number, AutomationRunsSummary>> {
      const out = new Map<number, AutomationRunsSummary>();
      if (!automationIds.length) return out;
      const grouped: Array<{ automation_id: number | string; total: number | string; last: number | string }> = await knex()(RUN_TABLE)
        .select('automation_id')
        .count({ total: '*' })
        .max({ last: 'id' })
        .whereIn('automation_id', automationIds)
        .groupBy('automation_id');
      const lastIds = grouped.map((g) => Number(g.last));
      const last: Run[] = lastIds.length ? await runs().findMany({ where: { id: { $in: lastIds } } }) : [];
      const byId = new Map(last.map((r) => [r.id, r]));
      for (const g of grouped) {
        const run = byId.get(Number(g.last)) as (Run & { createdAt?: string | Date }) | undefined;
        out.set(Number(g.automation_id), {
          total: Number(g.total),
          lastAt: run?.createdAt ? new Date(run.createdAt).toISOString() : null,
          lastState: (run?.state as AutomationRunState | undefined) ?? null,
        });
      }
      return out;
    },

    /** What the record's side panel shows: its rules (with their variables filled), messages and runs. */
    async forRecord(uid: string, documentId: string) {
      const rules: Automation[] = await strapi.db.query(UID.automation).findMany({ where: { contentType: uid }, orderBy: { id: 'asc' } });
      const [messages, history] = await Promise.all([
        strapi.db.query(UID.message).findMany({ where: { relatedType: uid, relatedId: documentId }, orderBy: { id: 'desc' }, limit: 50 }),
        runs().findMany({ where: { contentType: uid, recordId: documentId }, orderBy: { id: 'desc' }, limit: 50 }),
      ]);
      const prepared = [];
      for (const rule of rules) {
        let record: unknown = null;
        try {
          record = await loadRecord(rule, uid, documentId);
        } catch {
          record = null;
        }
        const to = valueAt(record, rule.recipient);
        prepared.push({ rule, to: typeof to === 'string' ? to : null, variables: variablesFor(rule, record) });
      }
      return { rules: prepared, messages, runs: history };
    },
  };
};

export type AutomationRunsService = ReturnType<typeof createAutomationRunsService>;
export default createAutomationRunsService;
