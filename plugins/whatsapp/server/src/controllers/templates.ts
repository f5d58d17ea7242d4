import type { Core } from '@strapi/strapi';
import { compileTemplate, TemplateError } from '../lib/template';
import { getService, handle } from '../utils';
import { RuleError, toHttpError } from '../utils/errors';
import { serializeTemplate } from '../utils/serialize';
import { createTemplateSchema, draftPreviewSchema, filtersOf, filterText, pagination, paginationMeta, previewSchema, updateTemplateSchema, validateData } from '../validation';
import type { Template, TemplateInput } from '../services/templates';
import type { TemplatePreview } from '../../../shared/contracts';

/**
 * A body reading a name every JavaScript object has (`{{constructor}}`, `{{cliente.toString}}`)
 * could never be sent: refused at save, 422 on `body` with the rule `reserved-variable`. Every
 * other problem of the body is the templates service's to report.
 */
const assertNoReservedVariable = (body: unknown) => {
  if (typeof body !== 'string') return;
  try {
    compileTemplate(body);
  } catch (error) {
    if (error instanceof TemplateError && error.rule === 'reserved-variable') {
      throw toHttpError(new RuleError('body', 'reserved-variable', error.message));
    }
  }
};

/**
 * Renders a template for the editor. The body's variables are read first (a body that does not
 * read is a 422 on `body`); a render that fails (a missing or unusable variable) is a 422 naming
 * it, whose `details.variables` still lists the body's variables so the editor can ask for them.
 */
const previewOf = async (template: Template, variables: Record<string, unknown>): Promise<TemplatePreview> => {
  const templates = getService('templates');
  const detected = await handle(async () => templates.check({ body: template.body }));
  try {
    const text = templates.render(template, variables);
    const provider = templates.providerTemplate(template, variables);
    return { text, length: text.length, variables: detected, provider: (provider as Record<string, unknown> | undefined) ?? null };
  } catch (error) {
    const http = toHttpError(error);
    if (http !== error && typeof http === 'object' && http !== null && 'details' in http) Object.assign((http as { details: object }).details, { variables: detected });
    throw http;
  }
};

export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: any) {
    const { page, pageSize } = pagination(ctx.query);
    const filters = filtersOf(ctx.query);
    const { results, total } = await getService('templates').list({
      page,
      pageSize,
      search: filterText(filters.search, 'search'),
      category: filterText(filters.category, 'category'),
    });
    ctx.body = { data: results.map(serializeTemplate), meta: paginationMeta(page, pageSize, total) };
  },

  async findOne(ctx: any) {
    ctx.body = { data: serializeTemplate(await getService('templates').findOneOrFail(ctx.params.id)) };
  },

  async create(ctx: any) {
    const data = await validateData<TemplateInput>(createTemplateSchema, ctx.request.body);
    assertNoReservedVariable(data.body);
    const template = await handle(() => getService('templates').create(data));
    ctx.status = 201;
    ctx.body = { data: serializeTemplate(template) };
  },

  async update(ctx: any) {
    const data = await validateData<Partial<TemplateInput>>(updateTemplateSchema, ctx.request.body);
    assertNoReservedVariable(data.body);
    const template = await handle(() => getService('templates').update(ctx.params.id, data));
    ctx.body = { data: serializeTemplate(template) };
  },

  async delete(ctx: any) {
    const template = await handle(() => getService('templates').delete(ctx.params.id));
    ctx.body = { data: serializeTemplate(template) };
  },

  /**
   * Live preview: the rendered text, or a 422 naming the missing variable. `body` (optional)
   * renders a draft in place of the stored body, with the stored provider mapping.
   */
  async preview(ctx: any) {
    const { variables, body } = await validateData<{ variables?: Record<string, unknown>; body?: string }>(previewSchema, ctx.request.body);
    const template = await getService('templates').findOneOrFail(ctx.params.id);
    ctx.body = { data: await previewOf(body === undefined ? template : { ...template, body }, variables ?? {}) };
  },

  /**
   * POST /templates/sync: reads every configured provider's templates now (status, rejection
   * reason, quality, category) and stores them. 200 with what each provider's sync did; 422
   * naming `provider` when none can be read; 502 when a provider refused or could not be reached
   * (that provider changed nothing; `details.results` says what the others did).
   */
  async sync(ctx: any) {
    try {
      ctx.body = { data: await getService('templateSync').syncNow() };
    } catch (error) {
      const http = toHttpError(error);
      const answer = (error as { answer?: unknown })?.answer;
      if (answer && http !== error && typeof http === 'object' && http !== null && 'details' in http) {
        Object.assign((http as { details: object }).details, { results: (answer as { results: unknown }).results });
      }
      throw http;
    }
  },

  /** DELETE /templates/:id/category-alert: staff read the category change; the badge goes (the audit entry stays). */
  async dismissCategoryAlert(ctx: any) {
    const template = await handle(() => getService('templateSync').dismissCategoryAlert(ctx.params.id));
    ctx.body = { data: serializeTemplate(template) };
  },

  /** The editor's preview of a template not saved yet: `{ body, variables }`, answered like `preview`. */
  async previewDraft(ctx: any) {
    const { variables, body } = await validateData<{ variables?: Record<string, unknown>; body: string }>(draftPreviewSchema, ctx.request.body);
    ctx.body = { data: await previewOf({ body } as Template, variables ?? {}) };
  },
});
