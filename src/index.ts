import type { Core } from '@strapi/strapi';
import { registerRouteBodyLimits } from './body-limits';
import { answerSlowClients } from './slow-clients';
import { ensureFirstAdmin, seedDemoData } from './bootstrap/demo-data';

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    // `strapi::body` with larger limits on the routes config/middlewares.ts names (provider webhooks).
    registerRouteBodyLimits(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    // Clients cut off at the time limits of config/server.ts: answered, counted, not a stack trace each.
    answerSlowClients(strapi);
    // The administrator first: a demo conversation is assigned to them.
    if (await ensureFirstAdmin(strapi, process.env.ADMIN_EMAIL, process.env.ADMIN_PASSWORD)) {
      strapi.log.info(`[demo] first administrator ${process.env.ADMIN_EMAIL} created`);
    }
    if (process.env.WHATSAPP_DEMO_DATA === 'true') {
      if (await seedDemoData(strapi)) strapi.log.info('[demo] demo data inserted');
    }
  },
};
