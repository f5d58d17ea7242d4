import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getService } from '../utils';

export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  /**
   * Prometheus scrape. Closed by default: without WHATSAPP_METRICS_TOKEN the route does not exist
   * (404); with it, `Authorization: Bearer <token>` or 401.
   */
  async show(ctx: any) {
    const metrics = getService('metrics');
    if (!metrics.token()) throw new errors.NotFoundError('Not Found');
    if (!metrics.authorized(ctx.request.header.authorization)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="whatsapp-metrics"');
      throw new errors.UnauthorizedError('A valid bearer token (WHATSAPP_METRICS_TOKEN) is required');
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.contentType;
    ctx.body = await metrics.render();
  },
});
