import type { Core } from '@strapi/strapi';
import { getService } from './utils';

/** Stops the scheduler and lets the dispatcher finish what it holds: no timers left behind. */
const destroy = async ({ strapi: _strapi }: { strapi: Core.Strapi }) => {
  await getService('live').close();
  await getService('webhooks').stop();
  await getService('inboundMedia').stop();
  await getService('automationRuns').stop();
  await getService('campaigns').stop();
  await getService('contactImports').stop();
  await getService('scheduler').stop();
  getService('providers').close();
};

export default destroy;
