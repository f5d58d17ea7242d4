import type { Core } from '@strapi/strapi';
import { actions } from './permissions';
import { getService } from './utils';
import { checkColumns } from './queue';
import { guardDeletes } from './utils/integrity';
import { revokeDefaultRoleAccess } from './gate/content-manager';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(actions);
  // No contact, sender, template, campaign or conversation is deleted while history points at it.
  guardDeletes();
  // Strapi's default Editor and Author roles get nothing of ours until an administrator grants it.
  await revokeDefaultRoleAccess(strapi);

  await getService('settings').init();
  await getService('senders').syncFromEnv();

  // The queue's column names against the schemas: a drift fails the start, not a send.
  checkColumns(strapi);
  // The dispatcher and the hourly work (WHATSAPP_WORKER=false: none of it).
  getService('scheduler').start();
  // Live inbox events shared with the other instances (PostgreSQL LISTEN / NOTIFY).
  await getService('live').start();
  // Webhook events stored but not applied before the last stop (a crash after the answer).
  getService('webhooks').start();
  // Inbound media still to download from before the last stop.
  getService('inboundMedia').start();
  // Automation rules in memory for the save hook, and the job that sends their runs (also the
  // runs a crash left pending) and fires date rules.
  await getService('automations').refresh();
  if (getService('scheduler').enabled()) getService('automationRuns').start();
  // Background contact imports, also one a stop interrupted. On every instance, API-only ones
  // included: the file waits on the disk of the instance that took the upload.
  getService('contactImports').start();
  // Campaign fan-outs (also one a stop interrupted) and completion.
  if (getService('scheduler').enabled()) getService('campaigns').start();
};

export default bootstrap;
