import type { Core } from '@strapi/strapi';
import { compileTemplate, TemplateError } from '../lib/template';
import { getService, handle } from '../utils';
import { RuleError, toHttpError } from '../utils/errors';
import { serializeTemplate } from '../utils/serialize';
import { createTemplateSchema, filtersOf, filterText, pagination, paginationMeta, previewSchema, updateTemplateSchema, validateData } from '../validation';
import type { TemplateInput } from '../services/templates';

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

  /** Live preview: the rendered text, or a 422 naming the missing variable. */
  async preview(ctx: any) {
    const { variables } = await validateData<{ variables: Record<string, unknown> }>(previewSchema, ctx.request.body);
    const templates = getService('templates');
    const template = await templates.findOneOrFail(ctx.params.id);
    const text = await handle(async () => templates.render(template, variables ?? {}));
    const providerTemplate = await handle(async () => templates.providerTemplate(template, variables ?? {}));
    ctx.body = { data: { text, length: text.length, variables: serializeTemplate(template).variables, provider: providerTemplate ?? null } };
  },
});
