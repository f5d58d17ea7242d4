import { PassThrough } from 'stream';
import type { Core } from '@strapi/strapi';
import { yup } from '@strapi/utils';
import { getService, handle } from '../utils';
import { explainError } from '../providers/explain';
import { M } from '../queue/columns';
import { isCharged } from '../pricing/cost';
import { rateUnits, UNITS } from '../pricing/table';
import { anyObject, pagination, paginationMeta, text, validateData } from '../validation';
import type { CampaignInput } from '../services/campaigns';
import { csvLine } from '../../../shared/csv';
import type { CampaignSendersMeta } from '../../../shared/contracts';
import { serializeCampaignSender } from '../utils/serialize';

/** The shape of a campaign (422s that need the database come from the service's check). */
const audience = yup
  .object({
    kind: yup.string().oneOf(['consent', 'tags', 'phones', 'query'], 'audience.kind must be one of ${values}').required(),
    tags: yup.array(text().required()).optional(),
    phones: yup.array(text().required()).max(100_000).optional(),
    contentType: text().optional(),
    filters: anyObject('audience.filters').optional(),
    phonePath: text().optional(),
  })
  .noUnknown(true, 'unknown field: ${unknown}')
  .test('audience', 'audience: tags needs `tags`, phones needs `phones`, query needs `contentType` and `phonePath`', (a) =>
    !a || (a.kind === 'tags' ? Boolean(a.tags?.length) : a.kind === 'phones' ? Boolean(a.phones?.length) : a.kind === 'query' ? Boolean(a.contentType && a.phonePath) : true)
  );
const fields = {
  name: text().max(200),
  template: text().max(200).nullable(),
  senderId: yup.number().typeError('${path} must be a sender id').integer().positive().nullable(),
  audience: audience.nullable().default(undefined),
  variables: anyObject('variables').nullable(),
  scheduledAt: text().nullable(),
  pacingSeconds: yup.number().typeError('${path} must be a number of seconds').min(0).max(86_400).nullable(),
};
const createSchema = yup.object({ ...fields, name: fields.name.required() }).noUnknown(true, 'unknown field: ${unknown}');
const updateSchema = yup.object(fields).noUnknown(true, 'unknown field: ${unknown}');

const time = (value: unknown) => (value === null || value === undefined || value === '' ? '' : new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string)).toISOString());

const serialize = (c: Record<string, any>) => ({
  id: c.id,
  documentId: c.documentId,
  name: c.name,
  state: c.state,
  template: c.template ?? null,
  senderId: c.senderId ?? null,
  audience: c.audience ?? null,
  variables: c.variables ?? {},
  scheduledAt: c.scheduledAt ?? null,
  pacingSeconds: c.pacingSeconds === null || c.pacingSeconds === undefined ? null : Number(c.pacingSeconds),
  launchedAt: c.launchedAt ?? null,
  completedAt: c.completedAt ?? null,
  audienceRead: c.total ?? 0,
  queued: c.queuedCount ?? 0,
  excluded: c.excluded ?? {},
  pausedReason: c.pausedReason ?? null,
  createdAt: c.createdAt ?? null,
  updatedAt: c.updatedAt ?? null,
});

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: any) {
    const { page, pageSize } = pagination(ctx.query);
    const { results, total } = await getService('campaigns').list({ page, pageSize });
    ctx.body = { data: results.map(serialize), meta: paginationMeta(page, pageSize, total) };
  },
  /**
   * `GET /campaigns/senders`: the numbers the wizard may offer, readable with a campaigns
   * permission (the settings' sender list needs a settings one). Public fields only.
   */
  async senders(ctx: any) {
    const { senders, sandbox, defaultId } = await getService('senders').forCampaigns();
    ctx.body = { data: senders.map(serializeCampaignSender), meta: { sandbox, defaultId } satisfies CampaignSendersMeta };
  },
  async findOne(ctx: any) {
    ctx.body = { data: serialize(await handle(() => getService('campaigns').findOrFail(ctx.params.id))) };
  },
  async create(ctx: any) {
    const data = await validateData<CampaignInput>(createSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = { data: serialize(await handle(() => getService('campaigns').create(data))) };
  },
  async update(ctx: any) {
    const data = await validateData<CampaignInput>(updateSchema, ctx.request.body);
    ctx.body = { data: serialize(await handle(() => getService('campaigns').update(ctx.params.id, data))) };
  },
  async launch(ctx: any) {
    ctx.status = 202;
    ctx.body = { data: serialize(await handle(() => getService('campaigns').launch(ctx.params.id))) };
  },
  async pause(ctx: any) {
    ctx.body = { data: serialize(await handle(() => getService('campaigns').pause(ctx.params.id, 'Paused by staff'))) };
  },
  async resume(ctx: any) {
    ctx.body = { data: serialize(await handle(() => getService('campaigns').resume(ctx.params.id))) };
  },
  async cancel(ctx: any) {
    const { campaign, cancelled } = await handle(() => getService('campaigns').cancel(ctx.params.id));
    ctx.body = { data: serialize(campaign), meta: { messagesCancelled: cancelled } };
  },
  async retryFailed(ctx: any) {
    const { campaign, requeued } = await handle(() => getService('campaigns').retryFailed(ctx.params.id));
    ctx.body = { data: serialize(campaign), meta: { messagesRequeued: requeued } };
  },
  /** `GET /campaigns/:id/estimate`: what launching the draft now would queue, exclude, cost and take; writes nothing. */
  async estimate(ctx: any) {
    ctx.body = { data: await handle(() => getService('campaigns').estimate(ctx.params.id)) };
  },

  async stats(ctx: any) {
    const lang = String(ctx.query?.lang ?? '').startsWith('es') ? 'es' : 'en';
    ctx.body = { data: await handle(() => getService('campaigns').stats(ctx.params.id, lang)) };
  },

  /** `GET /campaigns/:id/export`: one CSV row per message, streamed a thousand rows at a time. */
  async export(ctx: any) {
    const campaign = await handle(() => getService('campaigns').findOrFail(ctx.params.id));
    const lang = String(ctx.query?.lang ?? 'es').startsWith('en') ? 'en' : 'es';
    const stream = new PassThrough();
    ctx.set('Content-Type', 'text/csv; charset=utf-8');
    ctx.set('Content-Disposition', `attachment; filename="campana-${campaign.id}.csv"`);
    ctx.body = stream;
    const header = ['phone', 'name', 'status', 'queued_at', 'sent_at', 'delivered_at', 'read_at', 'failed_at', 'error_code', 'error', 'explanation', 'cost'];
    // `cost`: the price of a message Meta charged (delivered or read) by the price table, in its currency; empty otherwise.
    const { table, category } = await getService('prices').pricingOf(campaign);
    const costOf = (row: Record<string, unknown>) => {
      const units = isCharged(row[M.status]) ? rateUnits(table, row[M.country] as string | null, category) : null;
      return units === null ? '' : (units / UNITS).toFixed(4);
    };
    // A BOM so Excel reads the accents as UTF-8.
    stream.write(`\ufeff${header.join(',')}\r\n`);
    (async () => {
      let after = 0;
      for (;;) {
        const rows = await getService('campaigns').exportPage(campaign.id, after);
        if (!rows.length) break;
        const contactIds = [...new Set(rows.map((r: any) => r[M.contactId]).filter(Boolean))];
        const contacts = await strapi.db.query('plugin::whatsapp.contact').findMany({ where: { id: { $in: contactIds } }, select: ['id', 'name', 'profileName'] });
        const names = new Map(contacts.map((c: any) => [c.id, c.name ?? c.profileName ?? '']));
        for (const row of rows as any[]) {
          const explained = row[M.errorCode] ? explainError(row[M.provider], row[M.errorCode], lang) : undefined;
          const cells = [row[M.to], names.get(row[M.contactId]) ?? '', row[M.status], time(row[M.queuedAt]), time(row[M.sentAt]), time(row[M.deliveredAt]), time(row[M.readAt]), time(row[M.failedAt]), row[M.errorCode], row[M.errorText], explained?.reason ?? '', costOf(row)];
          if (!stream.write(csvLine(cells))) await new Promise((resolve) => stream.once('drain', resolve));
        }
        after = Number(rows[rows.length - 1][M.id]);
      }
      stream.end();
    })().catch((error) => {
      strapi.log.error(`[whatsapp] export of campaign ${campaign.id}: ${(error as Error).message}`);
      stream.destroy(error as Error);
    });
  },
});
