import type { Core } from '@strapi/strapi';
import { getService } from '../utils';

export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async show(ctx: any) {
    ctx.body = { data: await getService('health').status() };
  },
});
