import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import { getService } from '../utils';

const createHealthService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async status() {
    const client = strapi.db.dialect.client as string;
    return {
      plugin: PLUGIN_ID,
      sandbox: await getService('settings').isSandbox(),
      database: client === 'sqlite' || client === 'better-sqlite3' ? 'sqlite' : client,
    };
  },
});

export type HealthService = ReturnType<typeof createHealthService>;
export default createHealthService;
