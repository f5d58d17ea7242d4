import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { getService, handle } from '../utils';
import { notFound, RuleError } from '../utils/errors';
import { serializeMessage } from '../utils/serialize';
import { filtersOf, filterId, filterOneOf, filterText, pagination, paginationMeta, validateData } from '../validation';
import { createAutomationSchema, draftPreviewSchema, manualSendSchema, previewSchema, updateAutomationSchema } from '../validation/automations';
import { RUN_STATES } from '../automations/runs';
import { isHostType } from '../services/automations';
import type { Automation, AutomationInput } from '../services/automations';

/** Only the rule's own fields; Strapi's bookkeeping (publishedAt, locale…) stays inside. */
const serializeAutomation = (a: Record<string, any>) => ({
  id: a.id,
  documentId: a.documentId,
  name: a.name,
  enabled: a.enabled,
  contentType: a.contentType,
  trigger: a.trigger,
  field: a.field ?? null,
  fromValue: a.fromValue ?? null,
  toValue: a.toValue ?? null,
  offsetDays: a.offsetDays ?? 0,
  atTime: a.atTime ?? null,
  conditions: a.conditions ?? [],
  recipient: a.recipient,
  template: a.template,
  variables: a.variables ?? {},
  attachment: a.attachment ?? 'none',
  delayMinutes: a.delayMinutes ?? 0,
  category: a.category,
  writeBack: a.writeBack ?? null,
  createdAt: a.createdAt ?? null,
  updatedAt: a.updatedAt ?? null,
});

const serializeRun = (r: Record<string, any>) => ({
  id: r.id,
  automationId: r.automationId,
  contentType: r.contentType,
  recordId: r.recordId,
  trigger: r.trigger,
  change: r.change ?? null,
  state: r.state,
  reason: r.reason ?? null,
  messageId: r.messageId ?? null,
  dueAt: r.dueAt ?? null,
  writtenBackAt: r.writtenBackAt ?? null,
  createdAt: r.createdAt ?? null,
  updatedAt: r.updatedAt ?? null,
});

/**
 * A rule is checked as a save would check it before it is previewed (a path that is not a field
 * cannot be read); its errors name the field under `automation.`, as the request sent it.
 */
const previewOf = async (rule: AutomationInput, documentId: string) => {
  try {
    await getService('automations').check(rule);
  } catch (error) {
    if (error instanceof RuleError) throw new RuleError(`automation.${error.path}`, error.rule, error.message, error.status);
    throw error;
  }
  return getService('automationRuns').preview(rule as Automation, documentId);
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: any) {
    const { page, pageSize } = pagination(ctx.query);
    const filters = filtersOf(ctx.query);
    const { results, total } = await getService('automations').list({ page, pageSize, contentType: filterText(filters.contentType, 'contentType') });
    // Each rule's runs (how many, the last one's time and state) for the admin's list.
    const runs = await getService('automationRuns').summaries(results.map((r) => r.id));
    ctx.body = {
      data: results.map((r) => ({ ...serializeAutomation(r), runs: runs.get(r.id) ?? { total: 0, lastAt: null, lastState: null } })),
      meta: paginationMeta(page, pageSize, total),
    };
  },

  async findOne(ctx: any) {
    ctx.body = { data: serializeAutomation(await handle(() => getService('automations').findOneOrFail(ctx.params.id))) };
  },

  async create(ctx: any) {
    const data = await validateData<AutomationInput>(createAutomationSchema, ctx.request.body);
    const rule = await handle(() => getService('automations').create(data));
    ctx.status = 201;
    ctx.body = { data: serializeAutomation(rule) };
  },

  async update(ctx: any) {
    const data = await validateData<AutomationInput>(updateAutomationSchema, ctx.request.body);
    ctx.body = { data: serializeAutomation(await handle(() => getService('automations').update(ctx.params.id, data))) };
  },

  async delete(ctx: any) {
    ctx.body = { data: serializeAutomation(await handle(() => getService('automations').delete(ctx.params.id))) };
  },

  /** `POST /automations/:id/send { data: { documentId, variables?, idempotencyKey? } }`: "Send WhatsApp" from a record. */
  async send(ctx: any) {
    const data = await validateData<{ documentId: string; variables?: Record<string, unknown> | null; idempotencyKey?: string | null }>(manualSendSchema, ctx.request.body);
    const run = await handle(async () => {
      const rule = await getService('automations').findOneOrFail(ctx.params.id);
      return getService('automationRuns').sendManual(rule, data.documentId, data);
    });
    const message = run.messageId ? await strapi.db.query(UID.message).findOne({ where: { id: run.messageId } }) : null;
    ctx.status = run.state === 'failed' ? 422 : 201;
    ctx.body = { data: { run: serializeRun(run), message: message ? serializeMessage(message) : null } };
  },

  /** `GET /automations/content-types`: the types a rule may watch, with their fields (the editor's pickers). */
  async contentTypes(ctx: any) {
    ctx.body = { data: await getService('automations').contentTypes() };
  },

  /**
   * `POST /automations/:id/preview { data: { documentId, automation? } }`: what the rule (with the
   * editor's unsaved changes over it) would send for the record, written nowhere, sent to no one.
   */
  async preview(ctx: any) {
    const data = await validateData<{ documentId: string; automation?: AutomationInput }>(previewSchema, ctx.request.body);
    ctx.body = {
      data: await handle(async () => {
        const stored = await getService('automations').findOneOrFail(ctx.params.id);
        return previewOf({ ...stored, ...(data.automation ?? {}) }, data.documentId);
      }),
    };
  },

  /** `POST /automations/preview { data: { documentId, automation } }`: the same for a rule not saved yet. */
  async previewDraft(ctx: any) {
    const data = await validateData<{ documentId: string; automation: AutomationInput }>(draftPreviewSchema, ctx.request.body);
    const draft = { enabled: true, trigger: 'field-change', attachment: 'none', category: 'utility', ...data.automation } as AutomationInput;
    ctx.body = { data: await handle(() => previewOf(draft, data.documentId)) };
  },

  /** `GET /automations/runs?filters[automation]=&filters[state]=&filters[contentType]=&filters[recordId]=` */
  async runs(ctx: any) {
    const { page, pageSize } = pagination(ctx.query);
    const filters = filtersOf(ctx.query);
    const where: Record<string, unknown> = {};
    const automationId = filterId(filters.automation, 'automation');
    const state = filterOneOf(filters.state, 'state', RUN_STATES);
    const contentType = filterText(filters.contentType, 'contentType');
    const recordId = filterText(filters.recordId, 'recordId');
    if (automationId) where.automationId = automationId;
    if (state) where.state = state;
    if (contentType) where.contentType = contentType;
    if (recordId) where.recordId = recordId;
    const [results, total] = await Promise.all([
      strapi.db.query(UID.automationRun).findMany({ where, orderBy: { id: 'desc' }, offset: (page - 1) * pageSize, limit: pageSize }),
      strapi.db.query(UID.automationRun).count({ where }),
    ]);
    ctx.body = { data: results.map(serializeRun), meta: paginationMeta(page, pageSize, total) };
  },

  /** `GET /automations/record/:uid/:documentId`: the record side panel (rules with values, messages, runs). */
  async record(ctx: any) {
    const { uid, documentId } = ctx.params;
    if (!isHostType(strapi, uid)) throw notFound(`No content type ${uid}`);
    const view = await getService('automationRuns').forRecord(uid, documentId);
    ctx.body = {
      data: {
        rules: view.rules.map(({ rule, to, variables }) => ({ ...serializeAutomation(rule), to, values: variables })),
        messages: view.messages.map((m: Record<string, any>) => serializeMessage(m)),
        runs: view.runs.map(serializeRun),
      },
    };
  },
});
