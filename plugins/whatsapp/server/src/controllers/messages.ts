import type { Core } from '@strapi/strapi';
import { getService, handle } from '../utils';
import { idempotencyKeyOf } from '../utils/idempotency';
import { serializeAttempt, serializeMessage } from '../utils/serialize';
import { filterDate, filterId, filterList, filterOneOf, filtersOf, filterText, pagination, paginationMeta, sendMessageSchema, validateData } from '../validation';
import type { CreateMessageInput } from '../services/messages';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async create(ctx: any) {
    const data = await validateData<CreateMessageInput>(sendMessageSchema, ctx.request.body);
    const idempotencyKey = idempotencyKeyOf(ctx, data);
    const { message, created } = await handle(() => getService('messages').create({ ...data, idempotencyKey }, { source: 'api' }));
    const sandbox = await getService('settings').isSandbox();
    ctx.status = created ? 201 : 200;
    ctx.body = { data: serializeMessage(message), meta: { sandbox, idempotentReplay: !created } };
  },

  async find(ctx: any) {
    const { page, pageSize } = pagination(ctx.query);
    const filters = filtersOf(ctx.query);
    // `filters[related][type]` / `[id]`, or `filters[relatedType]` / `[relatedId]`.
    const related = isRecord(filters.related) ? filters.related : {};
    const { results, total } = await getService('messages').list({
      page,
      pageSize,
      status: filterList(filters.status, 'status'),
      contact: filterId(filters.contact, 'contact'),
      template: filterId(filters.template, 'template'),
      campaign: filterId(filters.campaign, 'campaign'),
      relatedType: filterText(filters.relatedType, 'relatedType') ?? filterText(related.type, 'related.type'),
      relatedId: filterText(filters.relatedId, 'relatedId') ?? filterText(related.id, 'related.id'),
      direction: filterOneOf(filters.direction, 'direction', ['out', 'in'] as const),
      from: filterDate(filters.from, 'from'),
      until: filterDate(filters.until, 'until') ?? filterDate(filters.to, 'to'),
    });
    const withFiles = await getService('inboundMedia').withFiles(results);
    ctx.body = { data: withFiles.map((m) => serializeMessage(m)), meta: paginationMeta(page, pageSize, total) };
  },

  async findOne(ctx: any) {
    const message = await getService('messages').findOneOrFail(ctx.params.id);
    const attempts = await getService('messages').attempts(message.id);
    const [withFile] = await getService('inboundMedia').withFiles([message]);
    ctx.body = { data: serializeMessage(withFile, { attemptLog: attempts.map(serializeAttempt) }) };
  },

  async cancel(ctx: any) {
    const message = await handle(() => getService('messages').cancel(ctx.params.id));
    ctx.body = { data: serializeMessage(message) };
  },

  async retry(ctx: any) {
    const message = await handle(() => getService('messages').retry(ctx.params.id));
    ctx.body = { data: serializeMessage(message) };
  },
});
