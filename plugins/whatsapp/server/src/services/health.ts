import type { Core } from '@strapi/strapi';
import { PLUGIN_ID, UID } from '../constants';
import { getService, toDate } from '../utils';
import { columnOf, tableOf } from '../utils/sql';
import type { Health } from '../../../shared/contracts';

/**
 * GET /api/whatsapp/health (public) and GET /whatsapp/health (administrators, with the active
 * alerts): whether the plugin runs, and the few numbers that say whether it keeps up — the queue
 * (the dashboard's own computation), the sends in doubt, the latest webhook. A few indexed
 * queries, whatever the size of the tables: fit for a load balancer's probe.
 */
const createHealthService = ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * When the latest webhook event was stored. Ids grow with arrival, so the newest row is found
   * by the primary key, not by reading every row's time.
   */
  async lastWebhookAt(): Promise<Date | null> {
    const received = columnOf(UID.webhookEvent, 'receivedAt');
    const row = await strapi.db.connection(tableOf(UID.webhookEvent)).select({ at: received }).orderBy('id', 'desc').first();
    return toDate(row?.at);
  },

  async status(now = new Date()): Promise<Health> {
    const client = strapi.db.dialect.client as string;
    const [sandbox, queue, lastWebhookAt] = await Promise.all([getService('settings').isSandbox(), getService('dashboard').queue(now), this.lastWebhookAt()]);
    return {
      plugin: PLUGIN_ID,
      sandbox,
      database: client === 'sqlite' || client === 'better-sqlite3' ? 'sqlite' : client,
      queue,
      lastWebhookAt: lastWebhookAt?.toISOString() ?? null,
      live: { mode: getService('live').mode(), connected: getService('live').connected() },
    };
  },
});

export type HealthService = ReturnType<typeof createHealthService>;
export default createHealthService;
