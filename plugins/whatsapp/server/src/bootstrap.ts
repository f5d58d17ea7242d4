import type { Core } from '@strapi/strapi';
import { actions } from './permissions';
import { getService } from './utils';
import { guardDeletes } from './utils/integrity';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(actions);
  // No contact, sender, template, campaign or conversation is deleted while history points at it.
  guardDeletes();

  await getService('settings').init();
  await getService('senders').syncFromEnv();

  getService('dispatcher').start();
  getService('scheduler').start();
  // Live inbox events shared with the other instances (PostgreSQL LISTEN / NOTIFY).
  await getService('live').start();
  // Webhook events stored but not applied before the last stop (a crash after the answer).
  getService('webhooks').start();
  // Inbound media still to download from before the last stop.
  getService('inboundMedia').start();
};

export default bootstrap;
