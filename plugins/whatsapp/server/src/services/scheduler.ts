import cron from 'node-cron';
import type { Core } from '@strapi/strapi';
import { getService } from '../utils';
import { readConfig } from '../config';

/**
 * Starts and stops this instance's background work (each job runs on workers/runner.ts):
 * the dispatcher and its in-doubt sweep, the template sync with the providers (every
 * WHATSAPP_TEMPLATE_SYNC_MINUTES, outside sandbox mode), and once an hour (node-cron) retention
 * of webhook events and a sweep of inbound files still waiting for download. `WHATSAPP_WORKER=false`
 * keeps an instance API-only: it never sends. Started in bootstrap, stopped in destroy.
 */
const createSchedulerService = ({ strapi }: { strapi: Core.Strapi }) => {
  let hourly: cron.ScheduledTask | null = null;

  const hourlyWork = () => {
    getService('webhooks').pruneSoon();
    // Inbound files whose download was given back by a stop or missed by a crashed instance.
    getService('inboundMedia').sweep();
  };

  return {
    enabled() {
      return readConfig().worker;
    },

    start() {
      if (hourly || !this.enabled()) return;
      getService('dispatcher').start();
      getService('templateSync').start();
      // At a minute past the hour, off the round minute other jobs like.
      hourly = cron.schedule('7 * * * *', hourlyWork, { scheduled: true });
      strapi.log.debug('[whatsapp] scheduler started');
    },

    async stop() {
      hourly?.stop();
      hourly = null;
      await getService('templateSync').stop();
      await getService('dispatcher').stop();
    },

    running() {
      return hourly !== null;
    },
  };
};

export type SchedulerService = ReturnType<typeof createSchedulerService>;
export default createSchedulerService;
