import type { Core } from '@strapi/strapi';
import { getService, handle } from '../utils';
import { validateData } from '../validation';
import { pricesSchema, toPriceTable } from '../validation/prices';

/**
 * The campaign price table (`/whatsapp/settings/prices`, `/api/whatsapp/settings/prices`): read
 * it, replace it whole (a 400 naming the field and the rule, nothing written, when any rate is
 * wrong), or go back to Meta's published rates. Each change is audited like any setting.
 */
export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async show(ctx: any) {
    ctx.body = { data: await getService('prices').table() };
  },

  async update(ctx: any) {
    const data = await validateData<{ currency: string; effectiveFrom?: string; source?: string | null; rates: unknown }>(pricesSchema, ctx.request.body);
    const table = toPriceTable(data);
    const user = ctx.state.user;
    ctx.body = { data: await handle(() => getService('prices').replace(table, { id: user?.id, email: user?.email })) };
  },

  async reset(ctx: any) {
    const user = ctx.state.user;
    ctx.body = { data: await handle(() => getService('prices').reset({ id: user?.id, email: user?.email })) };
  },
});
