import type { Core } from '@strapi/strapi';

/**
 * The largest upload, per file and per request: 16 MB by default, the most Twilio sends in a
 * WhatsApp message (Meta takes 5 MB images, 100 MB documents); a larger file could not go out
 * through every provider anyway. UPLOAD_MAX_FILE_SIZE_MB changes it (config/plugins.ts reads the
 * same variable for the media library's own check).
 */
export const uploadLimitBytes = (env: Core.Config.Shared.ConfigParams['env']) => Math.max(1, env.int('UPLOAD_MAX_FILE_SIZE_MB', 16)) * 1024 * 1024;

/** Largest JSON body (koa-body's default): a message, a template, a webhook are far smaller. */
const JSON_LIMIT = '1mb';

/**
 * Largest body of a provider webhook (/api/whatsapp/webhooks/…), and only there: Meta batches
 * statuses and messages of many numbers into one POST and documents webhook payloads of up to
 * 3 MB (WhatsApp Cloud API, "Webhooks": "Webhooks payloads can be up to 3MB"); a Twilio form
 * (a WhatsApp text of up to 4,096 characters, percent-encoded, ten media URLs, the referral
 * fields) is tens of KB, close to koa-body's 56 KB form default. 5 MB leaves room over Meta's
 * figure and still bounds what a signed request may make us read. Applied per route by
 * src/body-limits.ts (Strapi has one body parser for every route).
 */
const WEBHOOK_BODY_LIMIT = '5mb';

/**
 * The contacts import (/api/whatsapp/contacts/import, /whatsapp/contacts/import) reads files up to
 * WHATSAPP_IMPORT_MAX_MB (default 20; the plugin checks the exact limit and answers 413 naming
 * `file`); its parser stops reading a little above it.
 */
const importLimitBytes = (env: Core.Config.Shared.ConfigParams['env']) => (Math.max(1, env.int('WHATSAPP_IMPORT_MAX_MB', 20)) + 1) * 1024 * 1024;

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Middlewares => [
  // Strapi's request log, with the secrets that travel in URLs masked (src/middlewares/request-log.ts).
  'global::request-log',
  'strapi::errors',
  'global::db-errors',
  // Per-source limits of the plugin's public routes (webhooks, media links, health, metrics):
  // before the body parser, so a refused request is answered without reading its body.
  'plugin::whatsapp.public-limits',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  // What the body parser refuses (a file over the limit, a broken multipart body) answered 413 / 400
  // naming the field and the rule, never a 500 (src/middlewares/body-errors.ts).
  { name: 'global::body-errors', config: { maxFileSize: uploadLimitBytes(env), jsonLimit: JSON_LIMIT } },
  {
    name: 'strapi::body',
    config: {
      // The raw body is kept so webhook signatures (Meta's X-Hub-Signature-256) are checked over
      // the exact bytes the provider sent.
      includeUnparsed: true,
      jsonLimit: JSON_LIMIT,
      // formidable counts every file of a request against maxFileSize; it stops reading there.
      formidable: { maxFileSize: uploadLimitBytes(env) },
      // Provider webhooks only: a larger limit for their JSON and forms (src/body-limits.ts).
      // The contacts import: its own upload limit (WHATSAPP_IMPORT_MAX_MB).
      routes: [
        { prefix: '/api/whatsapp/webhooks/', jsonLimit: WEBHOOK_BODY_LIMIT, formLimit: WEBHOOK_BODY_LIMIT, textLimit: WEBHOOK_BODY_LIMIT },
        { prefix: '/api/whatsapp/contacts/import', maxFileSize: importLimitBytes(env), fileField: 'file' },
        { prefix: '/whatsapp/contacts/import', maxFileSize: importLimitBytes(env), fileField: 'file' },
      ],
    },
  },
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];

export default config;
