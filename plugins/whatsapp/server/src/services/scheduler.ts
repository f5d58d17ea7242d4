import cron from 'node-cron';
import type { Core } from '@strapi/strapi';
import { getService } from '../utils';
import { readConfig } from '../config';

/**
 * Starts and stops this instance's background work (each job runs on workers/runner.ts):
 * the dispatcher and its in-doubt sweep; the template sync with the providers (every
 * WHATSAPP_TEMPLATE_SYNC_MINUTES, outside sandbox mode); the alert channel's check (every few
 * minutes, services/alerts.ts); once an hour (node-cron) a sweep of inbound files still waiting
 * for download; once a day, and at start, retention (services/retention.ts: old message texts
 * blanked, old webhook events deleted). `WHATSAPP_WORKER=false` keeps an instance API-only: it
 * never sends, and leaves retention to the workers. Started in bootstrap, stopped in destroy.
 */
const createSchedulerService = ({ strapi }: { strapi: Core.Strapi }) => {
  let hourly: cron.ScheduledTask | null = null;
  let daily: cron.ScheduledTask | null = null;

  const hourlyWork = () => {
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
      getService('alerts').start();
      // At a minute past the hour, off the round minute other jobs like.
      hourly = cron.schedule('7 * * * *', hourlyWork, { scheduled: true });
      // Retention runs now (an instance that was down at the hour catches up), then at 03:17 each
      // night, when little else runs.
      getService('retention').start();
      daily = cron.schedule('17 3 * * *', () => getService('retention').runSoon(), { scheduled: true });
      strapi.log.debug('[whatsapp] scheduler started');
    },

    async stop() {
      hourly?.stop();
      daily?.stop();
      hourly = null;
      await getService('templateSync').stop();
      daily = null;
      await getService('retention').stop();
      await getService('alerts').stop();
      await getService('dispatcher').stop();
    },

    running() {
      return hourly !== null;
    },
  };
};

export type SchedulerService = ReturnType<typeof createSchedulerService>;
export default createSchedulerService;
