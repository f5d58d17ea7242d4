import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';

const createHealthService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async status() {
    const client = strapi.db.dialect.client as string;
    return {
      plugin: PLUGIN_ID,
      sandbox: Boolean(strapi.config.get(`plugin::${PLUGIN_ID}.sandbox`)),
      database: client === 'sqlite' || client === 'better-sqlite3' ? 'sqlite' : client,
    };
  },
});

export type HealthService = ReturnType<typeof createHealthService>;
export default createHealthService;
