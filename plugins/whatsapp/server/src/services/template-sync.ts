import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { getService } from '../utils';
import { RuleError } from '../utils/errors';
import { readConfig } from '../config';
import { createJob, type Job } from '../workers/runner';
import { checkAttributes } from '../validation/attributes';
import { providerModule } from '../providers/registry';
import { commonSettings } from '../providers/settings';
import { ProviderError } from '../providers/errors';
import {
  APPROVED,
  STOPPING_STATUSES,
  approvalFrom,
  approvalsOf,
  importBody,
  localCategory,
  sameApproval,
  sameLanguage,
  statusAfterEvent,
} from '../providers/template-approval';
import type { ProviderTemplate } from '../providers/types';
import type { TemplateCategoryEvent, TemplateEvent, TemplateQualityEvent, TemplateStatusEvent } from '../providers/webhook-events';
import type {
  ApprovalProvider,
  TemplateApproval,
  TemplateApprovals,
  TemplateCategory,
  TemplateCategoryAlert,
  TemplateSyncAnswer,
  TemplateSyncResult,
} from '../../../shared/contracts';
import type { Template } from './templates';

/**
 * Template approval sync: what Meta and Twilio say of our templates (status, rejection reason,
 * quality, category) read from their template listings, on demand (POST /templates/sync) and
 * every WHATSAPP_TEMPLATE_SYNC_MINUTES (only outside sandbox mode, only for a configured
 * provider), and applied at once from Meta's template webhooks.
 *
 * - Each provider's listing is read whole before anything is written, then applied in one
 *   transaction: a provider that fails (401, 500, a timeout) changes nothing.
 * - A provider template nobody mapped becomes a local template (active only if approved) so
 *   staff see it; a mapped one gets its approval; one the provider no longer lists is NOT_FOUND.
 * - What staff edit (body, variables, fallback…) is kept. The category is the provider's: it sets
 *   the price and, for marketing, the consent a message needs, so a change is applied, kept on
 *   the template (`categoryAlert`, a badge in the admin until dismissed), audited and logged.
 * - PAUSED or DISABLED pauses the running campaigns that send the template, saying why.
 */

const LABEL: Record<ApprovalProvider, string> = { meta: 'Meta', twilio: 'Twilio' };
const SYNCED_PROVIDERS: ApprovalProvider[] = ['meta', 'twilio'];
/** A Meta template id, a Twilio SID or a name in a log line: never more. */
const cut = (text: string, max = 255) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

interface Row extends Template {
  approvals?: unknown;
  categoryAlert?: unknown;
}

/** What a change of one template asks for once its transaction has committed. */
interface Effects {
  pauses: { names: string[]; reason: string }[];
  warnings: string[];
}

const emptyResult = (provider: ApprovalProvider): TemplateSyncResult => ({
  provider,
  outcome: 'synced',
  detail: null,
  listed: 0,
  created: 0,
  updated: 0,
  missing: 0,
  skipped: [],
  campaignsPaused: 0,
  categoryChanges: 0,
});

const createTemplateSyncService = ({ strapi }: { strapi: Core.Strapi }) => {
  const templates = () => strapi.db.query(UID.template);
  let job: Job | null = null;
  /** One sync at a time in this process: an on-demand sync during a scheduled one shares its answer. */
  let inFlight: Promise<TemplateSyncAnswer> | null = null;

  /**
   * Local templates mapped to this provider template. Meta: by name and language (Meta's key: a
   * template is never renamed), or by the template id a sync or webhook stored. Twilio: by SID.
   */
  const matches = (rows: Row[], provider: ApprovalProvider, template: { id: string | null; name: string; language: string | null }) =>
    rows.filter((row) => {
      if (provider === 'twilio') return row.twilioContentSid === template.id;
      if (!row.metaName) return false;
      if (template.id && approvalsOf(row.approvals).meta?.id === template.id) return true;
      return row.metaName === template.name && (!template.language || sameLanguage(row.metaLanguage || row.language, template.language));
    });

  /** Rows mapped to a provider at all (the ones a sync may find missing). */
  const mapped = (row: Row, provider: ApprovalProvider) => (provider === 'meta' ? Boolean(row.metaName) : Boolean(row.twilioContentSid));

  /**
   * The provider's category applied to a row: ours changes (price, consent), staff are alerted
   * (the row's `categoryAlert`, an audit entry, a warning in the log). Returns the fields to write.
   */
  const categoryChange = async (
    row: Row,
    provider: ApprovalProvider,
    change: { to: TemplateCategory; pending: boolean; effectiveAt: string | null },
    effects: Effects,
    now: Date
  ): Promise<Record<string, unknown>> => {
    const alert: TemplateCategoryAlert = { provider, from: row.category ?? null, to: change.to, pending: change.pending, effectiveAt: change.effectiveAt, at: now.toISOString() };
    await strapi.db.query(UID.auditEntry).create({
      data: {
        actorId: null,
        actorEmail: provider,
        action: change.pending ? 'template.category-announced' : 'template.category-changed',
        before: { template: row.name, category: row.category ?? null },
        after: { template: row.name, category: change.to, pending: change.pending, effectiveAt: change.effectiveAt },
        at: now,
      },
    });
    const marketing = change.to === 'marketing' ? ': it is priced as marketing and only goes to contacts with marketing consent' : '';
    effects.warnings.push(
      change.pending
        ? `${LABEL[provider]} will change the category of template ${row.name} from ${row.category} to ${change.to}${change.effectiveAt ? ` on ${change.effectiveAt}` : ''}${marketing}`
        : `${LABEL[provider]} changed the category of template ${row.name} from ${row.category} to ${change.to}${marketing}`
    );
    return change.pending ? { categoryAlert: alert } : { category: change.to, categoryAlert: alert };
  };

  /** The reason a campaign shows when the provider paused or disabled its template. */
  const pauseReason = (provider: ApprovalProvider, approval: TemplateApproval, row: Row) =>
    `${LABEL[provider]} ${String(approval.status).toLowerCase()} the template ${row.name}${approval.reason ? `: ${approval.reason}` : ''}`;

  const runEffects = async (effects: Effects): Promise<number> => {
    for (const warning of effects.warnings) strapi.log.warn(`[whatsapp] ${warning}`);
    let paused = 0;
    for (const pause of effects.pauses) paused += await getService('campaigns').pauseForTemplates(pause.names, pause.reason);
    return paused;
  };

  /** A name of ours for a provider template: its own, else with its language, else numbered. */
  const freeName = (taken: Set<string>, template: ProviderTemplate) => {
    const base = cut(template.name, 200);
    const candidates = [base, `${base}_${template.language.toLowerCase() || 'x'}`];
    for (let i = 2; candidates.length < 50; i += 1) candidates.push(`${base}_${template.language.toLowerCase() || 'x'}_${i}`);
    return candidates.find((name) => !taken.has(name)) ?? `${base}_${Date.now()}`;
  };

  /** A provider template nobody mapped, as a local template (active only when approved). */
  const createFrom = async (provider: ApprovalProvider, template: ProviderTemplate, approval: TemplateApproval, taken: Set<string>, now: Date, result: TemplateSyncResult) => {
    // Not a WhatsApp template (a Twilio content never submitted) or on its way out: nothing for staff to send.
    if (!template.status || template.status === 'DELETED' || template.status === 'PENDING_DELETION') return;
    const skip = (reason: string) => result.skipped.push({ name: template.name, language: template.language, reason });
    if (!template.body) return skip('the provider template has no body text');
    const imported = importBody(template.body, template.parameterFormat);
    const name = freeName(taken, template);
    const data: Record<string, unknown> = {
      name,
      category: localCategory(template.category) ?? 'utility',
      language: template.language || 'es_MX',
      body: imported.body,
      mediaHeader: template.header,
      active: template.status === APPROVED,
      ...(provider === 'meta'
        ? {
            metaName: template.name,
            metaLanguage: template.language || null,
            metaParameters: imported.parameters.length ? imported.parameters : null,
            metaParameterFormat: template.parameterFormat,
          }
        : { twilioContentSid: template.id, twilioVariables: Object.keys(imported.twilioVariables).length ? imported.twilioVariables : null }),
    };
    let variables: string[];
    try {
      checkAttributes(UID.template, data);
      variables = getService('templates').check(data);
    } catch (error) {
      return skip((error as Error).message);
    }
    await templates().create({ data: { ...data, variables, approvals: { [provider]: approval }, createdAt: now, updatedAt: now } });
    taken.add(name);
    result.created += 1;
  };

  /** One provider's listing applied, in one transaction; campaigns paused and warnings logged after it. */
  const apply = async (provider: ApprovalProvider, listed: ProviderTemplate[], now: Date): Promise<TemplateSyncResult> => {
    const result = { ...emptyResult(provider), listed: listed.length };
    const effects: Effects = { pauses: [], warnings: [] };
    await strapi.db.transaction(async () => {
      const rows: Row[] = await templates().findMany({});
      const taken = new Set(rows.map((row) => row.name));
      const seen = new Set<number>();
      for (const template of listed) {
        const found = matches(rows, provider, template);
        if (!found.length) {
          await createFrom(provider, template, approvalFrom(template, now), taken, now, result);
          continue;
        }
        for (const row of found) {
          seen.add(row.id);
          const approvals = approvalsOf(row.approvals);
          const previous = approvals[provider];
          const approval = approvalFrom(template, now, previous);
          let data: Record<string, unknown> = { approvals: { ...approvals, [provider]: approval } };
          const category = localCategory(template.category);
          if (category && category !== row.category) {
            data = { ...data, ...(await categoryChange(row, provider, { to: category, pending: false, effectiveAt: null }, effects, now)) };
            result.categoryChanges += 1;
          }
          if (approval.status && STOPPING_STATUSES.has(approval.status) && previous?.status !== approval.status) {
            effects.pauses.push({ names: [row.name], reason: pauseReason(provider, approval, row) });
          }
          if (!sameApproval(previous, approval) || data.category) result.updated += 1;
          await templates().update({ where: { id: row.id }, data });
        }
      }
      // Mapped here, not listed there: the provider would refuse it (Meta 132001), so it is not sent.
      for (const row of rows) {
        if (seen.has(row.id) || !mapped(row, provider)) continue;
        const approvals = approvalsOf(row.approvals);
        if (approvals[provider]?.status === 'NOT_FOUND') continue;
        const what = provider === 'meta' ? `${row.metaName} (${row.metaLanguage || row.language})` : String(row.twilioContentSid);
        const approval: TemplateApproval = {
          id: approvals[provider]?.id ?? null,
          status: 'NOT_FOUND',
          reason: `${LABEL[provider]} lists no template ${what}`,
          quality: null,
          category: approvals[provider]?.category ?? null,
          event: null,
          syncedAt: now.toISOString(),
          updatedAt: now.toISOString(),
        };
        await templates().update({ where: { id: row.id }, data: { approvals: { ...approvals, [provider]: approval } } });
        result.missing += 1;
      }
    });
    result.campaignsPaused = await runEffects(effects);
    return result;
  };

  /** Whether this provider's templates can be read here: null when they can, else why not. */
  const problemOf = (provider: ApprovalProvider): string | null => {
    const module = providerModule(provider);
    if (!module?.listTemplates) return `${LABEL[provider]} has no template listing`;
    const settings = module.settings();
    if (!module.configured(settings)) return `${LABEL[provider]} is not configured on this server`;
    return module.templateListingProblem?.(settings) ?? null;
  };

  /** One provider: read (all pages) then apply; a provider that fails is reported, nothing written. */
  const syncProvider = async (provider: ApprovalProvider, now: Date): Promise<TemplateSyncResult> => {
    const problem = problemOf(provider);
    if (problem) return { ...emptyResult(provider), outcome: 'skipped', detail: problem };
    const module = providerModule(provider)!;
    let listed: ProviderTemplate[];
    try {
      listed = await module.listTemplates!(module.settings(), commonSettings());
    } catch (error) {
      const reached = error instanceof ProviderError && error.status !== undefined;
      const detail = reached ? (error as Error).message : `${LABEL[provider]} could not be reached: ${(error as Error)?.message ?? error}`;
      strapi.log.warn(`[whatsapp] template sync with ${LABEL[provider]} failed: ${detail}`);
      return { ...emptyResult(provider), outcome: 'failed', detail };
    }
    return apply(provider, listed, now);
  };

  const run = async (): Promise<TemplateSyncAnswer> => {
    const now = new Date();
    const results: TemplateSyncResult[] = [];
    for (const provider of SYNCED_PROVIDERS) results.push(await syncProvider(provider, now));
    const synced = results.filter((r) => r.outcome === 'synced');
    if (synced.length) {
      const line = synced.map((r) => `${LABEL[r.provider]} ${r.listed} listed, ${r.created} created, ${r.updated} updated, ${r.missing} missing`).join('; ');
      strapi.log.info(`[whatsapp] templates synced: ${line}`);
    }
    return { at: now.toISOString(), results };
  };

  /** Runs a sync, or joins the one already running. */
  const syncOnce = () => {
    inFlight ??= run().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  // --- Meta's template webhooks, applied as they arrive ----------------------------------------

  /** The rows a Meta template webhook is about. */
  const metaRows = async (event: { templateId: string | null; name: string; language: string | null }): Promise<Row[]> =>
    matches(await templates().findMany({ where: { metaName: { $notNull: true } } }), 'meta', { id: event.templateId, name: event.name, language: event.language });

  const approvalAfter = (previous: TemplateApproval | undefined, now: Date, change: Partial<TemplateApproval>): TemplateApproval => ({
    id: previous?.id ?? null,
    status: previous?.status ?? null,
    reason: previous?.reason ?? null,
    quality: previous?.quality ?? null,
    category: previous?.category ?? null,
    event: previous?.event ?? null,
    syncedAt: previous?.syncedAt ?? null,
    ...change,
    updatedAt: now.toISOString(),
  });

  type Outcome = { outcome: 'applied' | 'unmatched' | 'ignored'; error?: string };

  /** Each matched row updated in one transaction; campaigns and warnings after it. */
  const applyToRows = async (
    event: TemplateEvent,
    update: (row: Row, approvals: TemplateApprovals, effects: Effects, now: Date) => Promise<Record<string, unknown> | null>
  ): Promise<{ rows: number; paused: number }> => {
    const now = new Date();
    const effects: Effects = { pauses: [], warnings: [] };
    let count = 0;
    await strapi.db.transaction(async () => {
      for (const row of await metaRows(event)) {
        const data = await update(row, approvalsOf(row.approvals), effects, now);
        if (!data) continue;
        await templates().update({ where: { id: row.id }, data });
        count += 1;
      }
    });
    return { rows: count, paused: await runEffects(effects) };
  };

  /** `message_template_status_update`: the status (and reason) stored; campaigns paused as before. */
  const applyStatus = async (event: TemplateStatusEvent): Promise<Outcome> => {
    const why = [event.reason && event.reason !== 'NONE' ? event.reason : null, event.description].filter(Boolean).join(': ') || null;
    const { rows } = await applyToRows(event, async (row, approvals, effects, now) => {
      const previous = approvals.meta;
      const status = statusAfterEvent(event.event, previous?.status ?? null);
      const approval = approvalAfter(previous, now, {
        id: event.templateId ?? previous?.id ?? null,
        status,
        // Approved again: no reason left. Otherwise Meta's latest words (a second pause says more), else what we had.
        reason: status === APPROVED ? null : (why ?? previous?.reason ?? null),
        event: event.event,
        category: event.category ?? previous?.category ?? null,
      });
      let data: Record<string, unknown> = { approvals: { ...approvals, meta: approval } };
      const category = localCategory(event.category);
      if (category && category !== row.category) data = { ...data, ...(await categoryChange(row, 'meta', { to: category, pending: false, effectiveAt: null }, effects, now)) };
      return data;
    });
    // Campaigns: the statuses that stop sending (paused, disabled, rejected, deleted…), matched by Meta name and language.
    const paused = await getService('campaigns').applyTemplateStatus(event);
    if (!rows && !paused) return { outcome: 'unmatched' };
    return { outcome: 'applied', ...(paused ? { error: `paused ${paused} campaign(s)` } : {}) };
  };

  /** `message_template_quality_update`: the new score stored; a template turning RED is logged. */
  const applyQuality = async (event: TemplateQualityEvent): Promise<Outcome> => {
    const { rows } = await applyToRows(event, async (row, approvals, effects, now) => {
      if (event.quality === 'RED' && approvals.meta?.quality !== 'RED') {
        effects.warnings.push(`Meta rates template ${row.name} RED (low quality): it may be paused soon`);
      }
      return { approvals: { ...approvals, meta: approvalAfter(approvals.meta, now, { id: event.templateId ?? approvals.meta?.id ?? null, quality: event.quality }) } };
    });
    return { outcome: rows ? 'applied' : 'unmatched' };
  };

  /** `template_category_update`: a change applied and alerted; an announced one alerted (ours changes when it happens). */
  const applyCategory = async (event: TemplateCategoryEvent): Promise<Outcome> => {
    let alerts = 0;
    const { rows } = await applyToRows(event, async (row, approvals, effects, now) => {
      const meta = approvalAfter(approvals.meta, now, { id: event.templateId ?? approvals.meta?.id ?? null, category: event.category ?? approvals.meta?.category ?? null });
      let data: Record<string, unknown> = { approvals: { ...approvals, meta } };
      const announced = localCategory(event.correct);
      const current = localCategory(event.category);
      if (announced && announced !== row.category) {
        data = { ...data, ...(await categoryChange(row, 'meta', { to: announced, pending: true, effectiveAt: event.effectiveAt }, effects, now)) };
        alerts += 1;
      } else if (!event.correct && current && current !== row.category) {
        data = { ...data, ...(await categoryChange(row, 'meta', { to: current, pending: false, effectiveAt: null }, effects, now)) };
        alerts += 1;
      }
      return data;
    });
    if (!rows) return { outcome: 'unmatched' };
    return { outcome: 'applied', ...(alerts ? { error: `category alert on ${alerts} template(s)` } : {}) };
  };

  const service = {
    /**
     * On demand (POST /templates/sync): every configured provider, whether sandbox mode is on or
     * not (reading templates sends nothing). 422 when no provider can be read; 502 when one
     * failed (the others' changes are kept; the failed one changed nothing).
     */
    async syncNow(): Promise<TemplateSyncAnswer> {
      const answer = await syncOnce();
      const failed = answer.results.filter((r) => r.outcome === 'failed');
      if (failed.length) {
        throw Object.assign(new RuleError('provider', 'provider-error', failed.map((r) => r.detail).join('; '), 502), { answer });
      }
      if (!answer.results.some((r) => r.outcome === 'synced')) {
        throw new RuleError(
          'provider',
          'not-configured',
          `No provider's templates can be read here: ${answer.results.map((r) => r.detail).join('; ')}. Set META_ACCESS_TOKEN, META_PHONE_NUMBER_ID and META_WABA_ID (Meta), or TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM (Twilio)`
        );
      }
      return answer;
    },

    /** The scheduled sync: only outside sandbox mode and when a provider can be read. Never throws. */
    async syncScheduled(): Promise<TemplateSyncAnswer | null> {
      if (await getService('settings').isSandbox()) return null;
      if (SYNCED_PROVIDERS.every((provider) => problemOf(provider))) return null;
      return syncOnce();
    },

    /** Meta's template webhooks (services/webhooks.ts): the outcome stored on the event. */
    async applyWebhook(event: TemplateEvent): Promise<Outcome> {
      if (event.kind === 'template-status') return applyStatus(event);
      if (event.kind === 'template-quality') return applyQuality(event);
      return applyCategory(event);
    },

    /** Staff read the category alert: the badge goes (the audit entry stays). */
    async dismissCategoryAlert(ref: string | number): Promise<Template> {
      const template = await getService('templates').findOneOrFail(ref);
      return templates().update({ where: { id: template.id }, data: { categoryAlert: null } });
    },

    /**
     * Every WHATSAPP_TEMPLATE_SYNC_MINUTES, from the scheduler (0: only on demand). The first one
     * an interval after the start, not at boot: a restart never waits on the providers, and several
     * instances started together do not all ask at once.
     */
    start() {
      const intervalMs = readConfig().templateSyncMinutes * 60_000;
      if (job || intervalMs <= 0) return;
      let dueAt = Date.now() + intervalMs;
      job = createJob({
        name: 'template sync',
        work: async () => {
          if (Date.now() < dueAt) return 0;
          dueAt = Date.now() + intervalMs;
          try {
            await service.syncScheduled();
          } catch (error) {
            // A provider's failure is already a result; this is the database or a bug: logged, tried next time.
            strapi.log.error(`[whatsapp] scheduled template sync: ${(error as Error)?.stack ?? error}`);
          }
          return 0;
        },
        intervalMs,
        nextDueAt: async () => new Date(dueAt),
        log: strapi.log,
      });
      job.start();
    },

    async stop() {
      await job?.stop();
      job = null;
      await inFlight?.catch(() => undefined);
    },

    /** Resolves once no sync is running (tests). */
    async idle() {
      await job?.idle();
      await inFlight?.catch(() => undefined);
    },
  };
  return service;
};

export type TemplateSyncService = ReturnType<typeof createTemplateSyncService>;
export default createTemplateSyncService;
