import type { Core } from '@strapi/strapi';
import { actions } from './permissions';
import { getService } from './utils';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(actions);

  await getService('settings').init();
  await getService('senders').syncFromEnv();

  getService('dispatcher').start();
  getService('scheduler').start();
};

export default bootstrap;
