import cron from 'node-cron';
import type { Core } from '@strapi/strapi';
import { getService } from '../utils';

/**
 * Wakes the dispatcher every second (node-cron), so a scheduled message leaves within a second
 * of its time. Messages created for "now" wake the dispatcher directly. Once an hour it deletes
 * webhook events past their retention and retries inbound files still waiting for download. Started in bootstrap, stopped in destroy;
 * `WHATSAPP_WORKER=false` keeps an instance API-only.
 */
const createSchedulerService = ({ strapi }: { strapi: Core.Strapi }) => {
  let task: cron.ScheduledTask | null = null;
  let hourly: cron.ScheduledTask | null = null;

  const hourlyWork = () => {
    getService('webhooks')
      .prune()
      .catch((error: Error) => strapi.log.warn(`[whatsapp] pruning webhook events failed: ${error.message}`));
    // Inbound files whose download was given back by a stop or missed by a crashed instance.
    getService('inboundMedia').sweep();
  };

  return {
    enabled() {
      return process.env.WHATSAPP_WORKER !== 'false';
    },

    start() {
      if (task || !this.enabled()) return;
      task = cron.schedule('* * * * * *', () => getService('dispatcher').wake(), { scheduled: true });
      // At a minute past the hour, off the round minute other jobs like.
      hourly = cron.schedule('7 * * * *', hourlyWork, { scheduled: true });
      strapi.log.debug('[whatsapp] scheduler started');
    },

    async stop() {
      for (const t of [task, hourly]) t?.stop();
      task = null;
      hourly = null;
      await getService('dispatcher').stop();
    },

    running() {
      return task !== null;
    },
  };
};

export type SchedulerService = ReturnType<typeof createSchedulerService>;
export default createSchedulerService;
