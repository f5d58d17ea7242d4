import type { Core } from '@strapi/strapi';
import { getService, handle } from '../utils';
import { serializeTemplate } from '../utils/serialize';
import { createTemplateSchema, pagination, paginationMeta, previewSchema, updateTemplateSchema, validateData } from '../validation';
import type { TemplateInput } from '../services/templates';

export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: any) {
    const q = ctx.query ?? {};
    const { page, pageSize } = pagination(q);
    const filters = q.filters ?? q;
    const { results, total } = await getService('templates').list({ page, pageSize, search: filters.search, category: filters.category });
    ctx.body = { data: results.map(serializeTemplate), meta: paginationMeta(page, pageSize, total) };
  },

  async findOne(ctx: any) {
    ctx.body = { data: serializeTemplate(await getService('templates').findOneOrFail(ctx.params.id)) };
  },

  async create(ctx: any) {
    const data = await validateData<TemplateInput>(createTemplateSchema, ctx.request.body);
    const template = await handle(() => getService('templates').create(data));
    ctx.status = 201;
    ctx.body = { data: serializeTemplate(template) };
  },

  async update(ctx: any) {
    const data = await validateData<Partial<TemplateInput>>(updateTemplateSchema, ctx.request.body);
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
