import type { Core } from '@strapi/strapi';
import { getService } from '../utils';
import { dashboardPeriod } from '../validation/dashboard';

/**
 * GET /whatsapp/dashboard?from=&to=&bucket=day|hour&tz=: the period's numbers (see
 * services/dashboard.ts). The days are cut in `tz`, else the settings' default time zone.
 */
export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async show(ctx: { query?: Record<string, unknown>; body?: unknown }) {
    const now = new Date();
    const { defaultTimeZone } = await getService('settings').get();
    const period = dashboardPeriod(ctx.query ?? {}, { now, timeZone: defaultTimeZone });
    ctx.body = { data: await getService('dashboard').summary(period, now) };
  },
});
