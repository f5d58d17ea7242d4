import type { Core } from '@strapi/strapi';
import { getService, handle } from '../utils';
import { serializeConsent, serializeContact } from '../utils/serialize';
import { consentSchema, createContactSchema, filterBool, filtersOf, filterText, pagination, paginationMeta, updateContactSchema, validateData } from '../validation';
import type { ContactInput } from '../services/contacts';
import type { ConsentChange } from '../services/consent';

const actorOf = (ctx: any) =>
  ctx.state?.user?.email ? `user:${ctx.state.user.email}` : ctx.state?.auth?.credentials?.name ? `token:${ctx.state.auth.credentials.name}` : 'api';

export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: any) {
    const { page, pageSize } = pagination(ctx.query);
    const filters = filtersOf(ctx.query);
    const { results, total } = await getService('contacts').list({
      page,
      pageSize,
      search: filterText(filters.search, 'search'),
      tag: filterText(filters.tag, 'tag'),
      lead: filterBool(filters.lead, 'lead'),
      consent: filterBool(filters.consent, 'consent'),
    });
    ctx.body = { data: results.map(serializeContact), meta: paginationMeta(page, pageSize, total) };
  },

  async findOne(ctx: any) {
    const contact = await getService('contacts').findOneOrFail(ctx.params.id);
    const consent = await getService('consent').history(contact.id);
    ctx.body = { data: { ...serializeContact(contact), consentHistory: consent.map(serializeConsent) } };
  },

  async create(ctx: any) {
    const data = await validateData<ContactInput>(createContactSchema, ctx.request.body);
    const contact = await handle(() => getService('contacts').create({ ...data, source: 'api' }));
    ctx.status = 201;
    ctx.body = { data: serializeContact(contact) };
  },

  async update(ctx: any) {
    const data = await validateData<Partial<ContactInput>>(updateContactSchema, ctx.request.body);
    const contact = await handle(() => getService('contacts').update(ctx.params.id, data));
    ctx.body = { data: serializeContact(contact) };
  },

  async delete(ctx: any) {
    const contact = await handle(() => getService('contacts').delete(ctx.params.id));
    ctx.body = { data: serializeContact(contact) };
  },

  /** Grants or revokes consent: appended to the ledger, current state on the contact. */
  async consent(ctx: any) {
    const data = await validateData<ConsentChange>(consentSchema, ctx.request.body);
    const contact = await getService('contacts').findOneOrFail(ctx.params.id);
    const { entry, contact: updated } = await getService('consent').record(contact, { ...data, actor: actorOf(ctx) });
    ctx.status = 201;
    ctx.body = { data: { consent: serializeConsent(entry), contact: serializeContact(updated) } };
  },
});
