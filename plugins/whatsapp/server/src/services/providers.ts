import type { Core } from '@strapi/strapi';
import { createRegistry } from '../providers/registry';

/**
 * The provider registry as a Strapi service, so `getService('providers')` works everywhere:
 * `forSender`, `channel('sms' | 'email')`, `module(name)`, `close()`. See providers/registry.ts.
 */
const createProvidersService = ({ strapi }: { strapi: Core.Strapi }) => createRegistry({ strapi });

export type ProvidersService = ReturnType<typeof createProvidersService>;
export default createProvidersService;
