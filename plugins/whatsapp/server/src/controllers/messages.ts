import type { Core } from '@strapi/strapi';
import { getService, handle } from '../utils';
import { malformed } from '../utils/errors';
import { idempotencyKeyOf } from '../utils/idempotency';
import { serializeAttempt, serializeMessage } from '../utils/serialize';
import { pagination, paginationMeta, sendMessageSchema, validateData } from '../validation';
import type { CreateMessageInput } from '../services/messages';

const parseDate = (value: unknown, field: string) => {
  if (value === undefined || value === '') return undefined;
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) throw malformed(field, 'date', `${field} must be an ISO 8601 date`);
  return date;
};
const parseId = (value: unknown, field: string) => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw malformed(field, 'integer', `${field} must be a positive integer id`);
  return n;
};

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
    const q = ctx.query ?? {};
    const { page, pageSize } = pagination(q);
    const filters = q.filters ?? q;
    const status = filters.status ? String(filters.status).split(',') : undefined;
    const { results, total } = await getService('messages').list({
      page,
      pageSize,
      status,
      contact: parseId(filters.contact, 'contact'),
      template: parseId(filters.template, 'template'),
      campaign: parseId(filters.campaign, 'campaign'),
      relatedType: filters.relatedType ?? filters.related?.type,
      relatedId: filters.relatedId ?? filters.related?.id,
      direction: filters.direction,
      from: parseDate(filters.from, 'from'),
      until: parseDate(filters.until ?? filters.to, 'until'),
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
