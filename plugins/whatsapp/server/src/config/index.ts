/**
 * The plugin's one typed configuration. Every setting is read here, once, from the environment
 * with Strapi's `env` helpers (see `.env.example`); an application may override any of it in
 * `config/plugins.ts` under `whatsapp.config`. Validated at boot: a bad value stops the start
 * with an error naming the variable and the rule. Nothing else in the plugin reads process.env;
 * code reads `readConfig()`.
 */
import type { Core } from '@strapi/strapi';
import { env as strapiEnv } from '@strapi/utils';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { PLUGIN_ID } from '../constants';

type Env = Core.Config.Shared.ConfigParams['env'];

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** Default https://api.twilio.com; tests point it at a local fake. */
  apiBaseUrl: string;
  /** The Content API (templates and their WhatsApp approvals), default https://content.twilio.com. */
  contentBaseUrl: string;
  /** The Senders API (a WhatsApp sender's status, quality rating and messaging limit), default https://messaging.twilio.com. */
  messagingBaseUrl: string;
  /** Our WhatsApp number (`whatsapp:+52…` or `+52…`). */
  whatsappFrom: string | null;
  /** The SMS fallback's `From`; without it there is no SMS fallback. */
  smsFrom: string | null;
}

export interface MetaConfig {
  accessToken: string;
  phoneNumberId: string;
  /** Default https://graph.facebook.com; tests point it at a local fake. */
  graphBaseUrl: string;
  graphVersion: string;
  /** The WhatsApp Business Account whose message templates are synchronised (`/{WABA_ID}/message_templates`). */
  wabaId: string | null;
  /** Signs webhooks (X-Hub-Signature-256). */
  appSecret: string | null;
  /** Echoed in the webhook subscription handshake. */
  verifyToken: string | null;
  /** Our number, shown on the sender (else `meta:<phone number id>`). */
  whatsappNumber: string | null;
}

export interface PluginConfig {
  /** Starting value of the sandbox toggle; on unless NODE_ENV=production. */
  sandbox: boolean;
  /** false: an API-only instance (never sends). */
  worker: boolean;
  /** Where providers reach this app (webhooks, media links); empty: http://localhost:$PORT. */
  publicUrl: string | null;
  defaultCountry: string;
  defaultTimeZone: string;
  /** A host content type in which every new number that writes in also gets a record. */
  leadContentType: string | null;
  /** Signs the expiring media links handed to providers. */
  mediaSecret: string;
  /**
   * Keys the pseudonyms and the blocked-number keys of erased contacts (services/privacy.ts).
   * Must never change once a contact was erased: it is what recognises an erased number again.
   */
  pseudonymSecret: string;
  /** Bearer token of GET /api/whatsapp/metrics; null: the endpoint does not exist (404). */
  metricsToken: string | null;
  /** The SMTP password of Strapi's email provider (config/plugins.ts): a secret to keep out of texts we show (observability/redact.ts). */
  smtpPassword: string | null;
  dispatcher: {
    batchSize: number;
    concurrency: number;
    parallelBatches: number;
    leaseSeconds: number;
    maxAttempts: number;
    /** Seconds before the 1st, 2nd, 3rd… retry of a transient failure. */
    retryDelays: number[];
    providerTimeoutMs: number;
    inDoubt: 'hold' | 'resend';
    inDoubtGraceSeconds: number;
  };
  media: { download: boolean; maxBytes: number };
  /** Applied webhook events older than this many days are deleted; 0 keeps them. */
  webhookRetentionDays: number;
  /** Hours after a campaign message in which a reply or an opt-out counts for the campaign. */
  campaignReplyWindowHours: number;
  /** Minutes between two template syncs with the providers (0: only on demand). */
  templateSyncMinutes: number;
  /**
   * Contacts import (CSV/XLSX): the largest file, in megabytes; files larger than
   * `backgroundMegabytes` are imported in the background (202); rows written per batch.
   */
  contactImport: { maxMegabytes: number; backgroundMegabytes: number; batchSize: number };
  /**
   * How live events reach the other instances on PostgreSQL (services/live-bus.ts). LISTEN needs
   * a session of its own, which a transaction pooler (PgBouncer, Supabase's port 6543) cannot
   * give: `directUrl` is a connection that bypasses the pooler, used for LISTEN only; without
   * one, `pooler: 'transaction'` switches to polling a small table every `pollMs`.
   */
  live: { directUrl: string | null; pooler: 'none' | 'transaction'; pollMs: number };
  /**
   * Per-source limits of the public routes (middlewares/public-limits.ts), requests per minute;
   * 0 turns one off. `badPerMinute`: refused credentials (a webhook signature, a media link's
   * token, the metrics token); a request with valid ones is never limited. `healthPerMinute`:
   * GET /health and /metrics. `mediaPerMinute`: every media link download.
   */
  publicLimits: { badPerMinute: number; healthPerMinute: number; mediaPerMinute: number };
  twilio: TwilioConfig;
  meta: MetaConfig;
  /**
   * Test-only: the sandbox answers every send with this provider error, so the retry, fallback
   * and opt-out paths can be tried without a provider. Not an environment variable and not in the
   * settings API; set in code (`strapi.config.set('plugin::whatsapp.sandboxFailure', …)`).
   */
  sandboxFailure: { code: string; kind: 'transient' | 'rate-limited' | 'permanent' | 'opted-out' | 'outside-window'; message?: string; retryAfterSeconds?: number } | null;
}

const text = (env: Env, name: string) => {
  const value = env(name, '');
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
};

/**
 * A whole number from the environment, strictly: Strapi's `env.int` reads "2.5" as 2 and "10s"
 * as 10; here they stay what they are and the validator names them.
 */
const whole = (env: Env, name: string, fallback: number) => {
  const raw = text(env, name);
  return raw === null ? fallback : Number(raw);
};

/** Reads every setting from the environment. Exported for the validator's tests. */
export const fromEnv = (env: Env): PluginConfig => ({
  sandbox: env.bool('WHATSAPP_SANDBOX', env('NODE_ENV', 'development') !== 'production'),
  worker: env.bool('WHATSAPP_WORKER', true),
  publicUrl: text(env, 'PUBLIC_URL'),
  defaultCountry: (text(env, 'WHATSAPP_DEFAULT_COUNTRY') ?? 'MX').toUpperCase(),
  defaultTimeZone: text(env, 'WHATSAPP_DEFAULT_TIME_ZONE') ?? 'America/Mexico_City',
  leadContentType: text(env, 'WHATSAPP_LEAD_CONTENT_TYPE'),
  mediaSecret: text(env, 'WHATSAPP_MEDIA_SECRET') ?? text(env, 'APP_KEYS') ?? 'whatsapp-media',
  // Installs from before it existed keep working: the media secret keys the pseudonyms then.
  pseudonymSecret: text(env, 'WHATSAPP_PSEUDONYM_SECRET') ?? text(env, 'WHATSAPP_MEDIA_SECRET') ?? text(env, 'APP_KEYS') ?? 'whatsapp-media',
  metricsToken: text(env, 'WHATSAPP_METRICS_TOKEN'),
  smtpPassword: text(env, 'SMTP_PASSWORD'),
  dispatcher: {
    batchSize: whole(env, 'WHATSAPP_BATCH_SIZE', 200),
    concurrency: whole(env, 'WHATSAPP_CONCURRENCY', 64),
    parallelBatches: whole(env, 'WHATSAPP_PARALLEL_BATCHES', 2),
    leaseSeconds: whole(env, 'WHATSAPP_LEASE_SECONDS', 60),
    maxAttempts: whole(env, 'WHATSAPP_MAX_ATTEMPTS', 4),
    retryDelays: (text(env, 'WHATSAPP_RETRY_DELAYS') ?? '60,300,1800').split(',').map((s) => Number(s.trim())),
    providerTimeoutMs: whole(env, 'WHATSAPP_PROVIDER_TIMEOUT_MS', 15_000),
    inDoubt: (text(env, 'WHATSAPP_IN_DOUBT') ?? 'hold') as 'hold' | 'resend',
    inDoubtGraceSeconds: whole(env, 'WHATSAPP_IN_DOUBT_GRACE_SECONDS', 120),
  },
  media: {
    download: env.bool('WHATSAPP_MEDIA_DOWNLOAD', true),
    maxBytes: whole(env, 'WHATSAPP_MEDIA_MAX_BYTES', 25 * 1024 * 1024),
  },
  webhookRetentionDays: whole(env, 'WHATSAPP_WEBHOOK_RETENTION_DAYS', 30),
  campaignReplyWindowHours: whole(env, 'WHATSAPP_CAMPAIGN_REPLY_WINDOW_HOURS', 72),
  templateSyncMinutes: whole(env, 'WHATSAPP_TEMPLATE_SYNC_MINUTES', 30),
  contactImport: {
    maxMegabytes: whole(env, 'WHATSAPP_IMPORT_MAX_MB', 20),
    backgroundMegabytes: whole(env, 'WHATSAPP_IMPORT_BACKGROUND_MB', 2),
    batchSize: whole(env, 'WHATSAPP_IMPORT_BATCH_SIZE', 500),
  },
  live: {
    directUrl: text(env, 'DATABASE_DIRECT_URL'),
    pooler: (text(env, 'DATABASE_POOLER') ?? 'none').toLowerCase() as 'none' | 'transaction',
    pollMs: whole(env, 'WHATSAPP_LIVE_POLL_MS', 500),
  },
  publicLimits: {
    badPerMinute: whole(env, 'WHATSAPP_LIMIT_BAD_PER_MINUTE', 30),
    healthPerMinute: whole(env, 'WHATSAPP_LIMIT_HEALTH_PER_MINUTE', 120),
    mediaPerMinute: whole(env, 'WHATSAPP_LIMIT_MEDIA_PER_MINUTE', 3000),
  },
  twilio: {
    accountSid: text(env, 'TWILIO_ACCOUNT_SID') ?? '',
    authToken: text(env, 'TWILIO_AUTH_TOKEN') ?? '',
    apiBaseUrl: text(env, 'TWILIO_API_BASE_URL') ?? 'https://api.twilio.com',
    contentBaseUrl: text(env, 'TWILIO_CONTENT_BASE_URL') ?? 'https://content.twilio.com',
    messagingBaseUrl: text(env, 'TWILIO_MESSAGING_BASE_URL') ?? 'https://messaging.twilio.com',
    whatsappFrom: text(env, 'TWILIO_WHATSAPP_FROM'),
    smsFrom: text(env, 'TWILIO_SMS_FROM'),
  },
  meta: {
    accessToken: text(env, 'META_ACCESS_TOKEN') ?? '',
    phoneNumberId: text(env, 'META_PHONE_NUMBER_ID') ?? '',
    graphBaseUrl: text(env, 'META_GRAPH_BASE_URL') ?? 'https://graph.facebook.com',
    graphVersion: text(env, 'META_GRAPH_VERSION') ?? 'v21.0',
    wabaId: text(env, 'META_WABA_ID'),
    appSecret: text(env, 'META_APP_SECRET'),
    verifyToken: text(env, 'META_VERIFY_TOKEN'),
    whatsappNumber: text(env, 'META_WHATSAPP_NUMBER'),
  },
  sandboxFailure: null,
});

const wholeAtLeast = (min: number) => (v: unknown) => Number.isInteger(v) && (v as number) >= min;
const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/[^\s/]+/.test(v);

/** Each checked setting: where it lives, the variable that sets it, the rule. */
const RULES: Array<{ path: string; variable: string; rule: string; ok: (value: unknown) => boolean }> = [
  { path: 'sandbox', variable: 'WHATSAPP_SANDBOX', rule: 'true or false', ok: (v) => typeof v === 'boolean' },
  { path: 'worker', variable: 'WHATSAPP_WORKER', rule: 'true or false', ok: (v) => typeof v === 'boolean' },
  { path: 'publicUrl', variable: 'PUBLIC_URL', rule: 'an http(s) URL', ok: (v) => v === null || isUrl(v) },
  { path: 'defaultCountry', variable: 'WHATSAPP_DEFAULT_COUNTRY', rule: 'a two-letter ISO country code libphonenumber knows (MX, CO, AR…)', ok: (v) => typeof v === 'string' && /^[A-Z]{2}$/.test(v) && isSupportedCountry(v) },
  {
    path: 'defaultTimeZone',
    variable: 'WHATSAPP_DEFAULT_TIME_ZONE',
    rule: 'an IANA time zone such as America/Mexico_City',
    ok: (v) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: String(v) });
        return true;
      } catch {
        return false;
      }
    },
  },
  { path: 'leadContentType', variable: 'WHATSAPP_LEAD_CONTENT_TYPE', rule: 'a content-type uid such as api::customer.customer', ok: (v) => v === null || /^[a-z]+::[\w-]+\.[\w-]+$/.test(String(v)) },
  { path: 'dispatcher.batchSize', variable: 'WHATSAPP_BATCH_SIZE', rule: 'a whole number from 1 to 5000', ok: (v) => wholeAtLeast(1)(v) && (v as number) <= 5000 },
  { path: 'dispatcher.concurrency', variable: 'WHATSAPP_CONCURRENCY', rule: 'a whole number ≥ 1', ok: wholeAtLeast(1) },
  { path: 'dispatcher.parallelBatches', variable: 'WHATSAPP_PARALLEL_BATCHES', rule: 'a whole number from 1 to 16', ok: (v) => wholeAtLeast(1)(v) && (v as number) <= 16 },
  { path: 'dispatcher.leaseSeconds', variable: 'WHATSAPP_LEASE_SECONDS', rule: 'a whole number of seconds ≥ 1', ok: wholeAtLeast(1) },
  { path: 'dispatcher.maxAttempts', variable: 'WHATSAPP_MAX_ATTEMPTS', rule: 'a whole number ≥ 1', ok: wholeAtLeast(1) },
  {
    path: 'dispatcher.retryDelays',
    variable: 'WHATSAPP_RETRY_DELAYS',
    rule: 'comma-separated whole seconds ≥ 0, such as 60,300,1800',
    ok: (v) => Array.isArray(v) && v.length > 0 && v.every(wholeAtLeast(0)),
  },
  { path: 'dispatcher.providerTimeoutMs', variable: 'WHATSAPP_PROVIDER_TIMEOUT_MS', rule: 'a whole number of milliseconds ≥ 100', ok: wholeAtLeast(100) },
  { path: 'dispatcher.inDoubt', variable: 'WHATSAPP_IN_DOUBT', rule: '"hold" or "resend"', ok: (v) => v === 'hold' || v === 'resend' },
  { path: 'dispatcher.inDoubtGraceSeconds', variable: 'WHATSAPP_IN_DOUBT_GRACE_SECONDS', rule: 'a whole number of seconds ≥ 0', ok: wholeAtLeast(0) },
  { path: 'pseudonymSecret', variable: 'WHATSAPP_PSEUDONYM_SECRET', rule: 'a secret of at least 8 characters', ok: (v) => typeof v === 'string' && v.length >= 8 },
  { path: 'media.download', variable: 'WHATSAPP_MEDIA_DOWNLOAD', rule: 'true or false', ok: (v) => typeof v === 'boolean' },
  { path: 'media.maxBytes', variable: 'WHATSAPP_MEDIA_MAX_BYTES', rule: 'a whole number of bytes ≥ 1024', ok: wholeAtLeast(1024) },
  { path: 'webhookRetentionDays', variable: 'WHATSAPP_WEBHOOK_RETENTION_DAYS', rule: 'a whole number of days ≥ 0 (0 keeps events forever)', ok: wholeAtLeast(0) },
  { path: 'campaignReplyWindowHours', variable: 'WHATSAPP_CAMPAIGN_REPLY_WINDOW_HOURS', rule: 'a whole number of hours ≥ 1', ok: wholeAtLeast(1) },
  { path: 'templateSyncMinutes', variable: 'WHATSAPP_TEMPLATE_SYNC_MINUTES', rule: 'a whole number of minutes from 0 to 10080 (0: only on demand)', ok: (v) => wholeAtLeast(0)(v) && (v as number) <= 10_080 },
  { path: 'contactImport.maxMegabytes', variable: 'WHATSAPP_IMPORT_MAX_MB', rule: 'a whole number of megabytes from 1 to 500', ok: (v) => wholeAtLeast(1)(v) && (v as number) <= 500 },
  { path: 'contactImport.backgroundMegabytes', variable: 'WHATSAPP_IMPORT_BACKGROUND_MB', rule: 'a whole number of megabytes from 1 to 500', ok: (v) => wholeAtLeast(1)(v) && (v as number) <= 500 },
  // SQLite takes at most 32,766 bound values per statement: a batch's insert is 11 per row.
  { path: 'contactImport.batchSize', variable: 'WHATSAPP_IMPORT_BATCH_SIZE', rule: 'a whole number from 1 to 2000', ok: (v) => wholeAtLeast(1)(v) && (v as number) <= 2000 },
  { path: 'live.directUrl', variable: 'DATABASE_DIRECT_URL', rule: 'a postgres:// or postgresql:// URL', ok: (v) => v === null || /^postgres(ql)?:\/\/\S+$/.test(String(v)) },
  { path: 'live.pooler', variable: 'DATABASE_POOLER', rule: '"none" or "transaction"', ok: (v) => v === 'none' || v === 'transaction' },
  { path: 'live.pollMs', variable: 'WHATSAPP_LIVE_POLL_MS', rule: 'a whole number of milliseconds from 50 to 60000', ok: (v) => wholeAtLeast(50)(v) && (v as number) <= 60_000 },
  { path: 'publicLimits.badPerMinute', variable: 'WHATSAPP_LIMIT_BAD_PER_MINUTE', rule: 'a whole number of requests per minute ≥ 0 (0: no limit)', ok: wholeAtLeast(0) },
  { path: 'publicLimits.healthPerMinute', variable: 'WHATSAPP_LIMIT_HEALTH_PER_MINUTE', rule: 'a whole number of requests per minute ≥ 0 (0: no limit)', ok: wholeAtLeast(0) },
  { path: 'publicLimits.mediaPerMinute', variable: 'WHATSAPP_LIMIT_MEDIA_PER_MINUTE', rule: 'a whole number of requests per minute ≥ 0 (0: no limit)', ok: wholeAtLeast(0) },
  { path: 'twilio.apiBaseUrl', variable: 'TWILIO_API_BASE_URL', rule: 'an http(s) URL', ok: isUrl },
  { path: 'twilio.contentBaseUrl', variable: 'TWILIO_CONTENT_BASE_URL', rule: 'an http(s) URL', ok: isUrl },
  { path: 'twilio.messagingBaseUrl', variable: 'TWILIO_MESSAGING_BASE_URL', rule: 'an http(s) URL', ok: isUrl },
  { path: 'meta.wabaId', variable: 'META_WABA_ID', rule: 'the numeric id of a WhatsApp Business Account', ok: (v) => v === null || /^\d{1,30}$/.test(String(v)) },
  { path: 'meta.graphBaseUrl', variable: 'META_GRAPH_BASE_URL', rule: 'an http(s) URL', ok: isUrl },
  { path: 'meta.graphVersion', variable: 'META_GRAPH_VERSION', rule: 'a Graph API version such as v21.0', ok: (v) => typeof v === 'string' && /^v\d+\.\d+$/.test(v) },
];

const at = (config: unknown, path: string) => path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config);

/** A value as the error shows it (a number that did not parse shows as such, not as null). */
const shown = (value: unknown) => JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? 'not a number' : v));

/** Every broken setting, one line each, naming the variable and the rule. */
export function configProblems(config: PluginConfig): string[] {
  return RULES.filter(({ path, ok }) => !ok(at(config, path))).map(
    ({ path, variable, rule }) => `${variable} must be ${rule} (got ${shown(at(config, path))}; whatsapp.${path} in config/plugins.ts)`
  );
}

/**
 * The configuration in effect (after config/plugins.ts and validation). Outside a running Strapi
 * (a unit test of a provider folder) it is what the environment says.
 */
export const readConfig = (): PluginConfig =>
  typeof strapi === 'undefined' ? fromEnv(strapiEnv) : (strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig);

export default {
  default: ({ env }: { env: Env }) => fromEnv(env),
  validator(config: PluginConfig) {
    const problems = configProblems(config);
    if (problems.length) throw new Error(`Invalid WhatsApp plugin configuration:\n  - ${problems.join('\n  - ')}`);
  },
};
