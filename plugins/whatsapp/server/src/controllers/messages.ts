import type { Core } from '@strapi/strapi';
import { getService, handle } from '../utils';
import { idempotencyKeyOf } from '../utils/idempotency';
import { serializeAttempt, serializeMessage } from '../utils/serialize';
import { filterDate, filterId, filterList, filterOneOf, filtersOf, filterText, pagination, paginationMeta, sendMessageSchema, validateData } from '../validation';
import { malformed } from '../utils/errors';
import type { CreateMessageInput } from '../services/messages';
import type { RecipientCheck } from '../../../shared/contracts';

/** The longest `to` worth reading: a formatted number, or a business-scoped user id. */
const MAX_TO_LENGTH = 255;

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
      automation: filterId(filters.automation, 'automation'),
      relatedType: filterText(filters.relatedType, 'relatedType') ?? filterText(related.type, 'related.type'),
      relatedId: filterText(filters.relatedId, 'relatedId') ?? filterText(related.id, 'related.id'),
      direction: filterOneOf(filters.direction, 'direction', ['out', 'in'] as const),
      from: filterDate(filters.from, 'from'),
      until: filterDate(filters.until, 'until') ?? filterDate(filters.to, 'to'),
    });
    const withFiles = await getService('inboundMedia').withFiles(results);
    ctx.body = { data: withFiles.map((m) => serializeMessage(m)), meta: paginationMeta(page, pageSize, total) };
  },

  /**
   * `?to=…`: the recipient a message would reach (the New message form checks the number and the
   * 24-hour window as it is typed). No `to`: 400; a number that does not read: 422 on `to`.
   */
  async recipient(ctx: any) {
    const to = ctx.query?.to;
    if (to === undefined || to === '') throw malformed('to', 'required', 'to is required (the recipient phone number)');
    if (typeof to !== 'string') throw malformed('to', 'type', 'to must be one phone number');
    if (to.length > MAX_TO_LENGTH) throw malformed('to', 'max-length', `to must be at most ${MAX_TO_LENGTH} characters`);
    const { to: normalized, contact, window, lastInboundAt } = await handle(() => getService('messages').recipient(to));
    const { defaultCountry } = await getService('settings').get();
    const data: RecipientCheck = {
      to: normalized,
      defaultCountry,
      contact: contact ? { id: contact.id, name: contact.name ?? contact.profileName ?? null } : null,
      marketingConsent: Boolean(contact?.marketingConsent),
      window: { open: window.open, closesAt: window.closesAt?.toISOString() ?? null, lastInboundAt: lastInboundAt?.toISOString() ?? null },
    };
    ctx.body = { data };
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
