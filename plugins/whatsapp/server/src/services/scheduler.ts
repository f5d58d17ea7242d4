import cron from 'node-cron';
import type { Core } from '@strapi/strapi';
import { getService } from '../utils';

/**
 * Wakes the dispatcher every second (node-cron), so a scheduled message leaves within a second
 * of its time. Messages created for "now" wake the dispatcher directly. Started in bootstrap,
 * stopped in destroy; `WHATSAPP_WORKER=false` keeps an instance API-only.
 */
const createSchedulerService = ({ strapi }: { strapi: Core.Strapi }) => {
  let task: cron.ScheduledTask | null = null;

  return {
    enabled() {
      return process.env.WHATSAPP_WORKER !== 'false';
    },

    start() {
      if (task || !this.enabled()) return;
      task = cron.schedule('* * * * * *', () => getService('dispatcher').wake(), { scheduled: true });
      strapi.log.debug('[whatsapp] scheduler started');
    },

    async stop() {
      if (task) {
        task.stop();
        task = null;
      }
      await getService('dispatcher').stop();
    },

    running() {
      return task !== null;
    },
  };
};

export type SchedulerService = ReturnType<typeof createSchedulerService>;
export default createSchedulerService;
