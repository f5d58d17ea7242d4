import type { Core } from '@strapi/strapi';

const config: Core.Config.Middlewares = [
  // Strapi's request log, with the secrets that travel in URLs masked (src/middlewares/request-log.ts).
  'global::request-log',
  'strapi::errors',
  'global::db-errors',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  {
    name: 'strapi::body',
    // The raw body is kept so webhook signatures (Meta's X-Hub-Signature-256) are checked over
    // the exact bytes the provider sent.
    config: { includeUnparsed: true },
  },
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];

export default config;
