import type { Core } from '@strapi/strapi';
import { getService } from '../utils';

export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  /** Public: the plugin, the queue, the latest webhook. */
  async show(ctx: any) {
    ctx.body = { data: await getService('health').status() };
  },

  /** Administrators: the same, and the alerts that stand now (the banner on the home page). */
  async admin(ctx: any) {
    const [health, alerts] = await Promise.all([getService('health').status(), getService('alerts').active()]);
    ctx.body = { data: { ...health, alerts } };
  },
});
