import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { getService } from '../utils';
import { readConfig } from '../config';

/**
 * Prometheus metrics (GET /api/whatsapp/metrics). The counters live in this process and move as
 * sends complete and webhook events settle (an increment in memory: no query, nothing on the
 * dispatcher's path that costs); the gauges are read from the database when Prometheus scrapes,
 * so every instance of a cluster reports the same queue. A registry of the plugin's own, not
 * prom-client's global one: two Strapi instances in one process (the tests) never clash.
 *
 * Labels are bounded: provider (sandbox, meta, twilio, twilio-sms, email), channel, the
 * failure's kind and the webhook outcome. Never a contact, a number or a message id.
 */
const createMetricsService = ({ strapi: _strapi }: { strapi: Core.Strapi }) => {
  const registry = new Registry();
  const sent = new Counter({
    name: 'whatsapp_messages_sent_total',
    help: 'Messages a provider accepted, by provider and channel (whatsapp, sms, email).',
    labelNames: ['provider', 'channel'] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'whatsapp_send_failures_total',
    help: "Send attempts that failed, by provider and the failure's kind (transient, rate-limited, permanent, opted-out, outside-window).",
    labelNames: ['provider', 'kind'] as const,
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'whatsapp_webhooks_received_total',
    help: 'Webhook events received, by provider and how they were settled (applied, unmatched, ignored, failed, unreadable, recorded).',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'whatsapp_provider_request_duration_seconds',
    help: 'How long a send request to the provider took, by provider.',
    labelNames: ['provider'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const due = new Gauge({ name: 'whatsapp_queue_due_messages', help: 'Messages whose send time has come and that have not left yet.', registers: [registry] });
  const oldestDue = new Gauge({ name: 'whatsapp_queue_oldest_due_age_seconds', help: 'How long the oldest due message has waited (0 when none waits).', registers: [registry] });
  const inDoubt = new Gauge({ name: 'whatsapp_messages_in_doubt', help: 'Sends a stopped worker left in doubt (sending past their lease, or held as unknown).', registers: [registry] });
  const lastWebhook = new Gauge({
    name: 'whatsapp_last_webhook_timestamp_seconds',
    help: 'Unix time of the latest webhook event stored (0 when none ever came).',
    registers: [registry],
  });

  return {
    /** A send attempt finished: sent, or failed with this kind (providers' classify()). */
    attempt(provider: string, channel: string, kind: string | null, durationMs: number | null) {
      if (kind) failures.inc({ provider, kind });
      else sent.inc({ provider, channel });
      if (durationMs !== null && Number.isFinite(durationMs)) duration.observe({ provider }, durationMs / 1000);
    },

    webhook(provider: string, outcome: string, count = 1) {
      webhooks.inc({ provider, outcome }, count);
    },

    /** The token the endpoint asks for, or null: then the endpoint does not exist (404). */
    token(): string | null {
      return readConfig().metricsToken;
    },

    /** Whether an Authorization header carries the token (compared in constant time). */
    authorized(header: unknown): boolean {
      const token = this.token();
      const match = /^Bearer\s+(.+)$/i.exec(typeof header === 'string' ? header.trim() : '');
      if (!token || !match) return false;
      // Hashed first: timingSafeEqual needs equal lengths, and the hashes do not tell the token's.
      const digest = (text: string) => crypto.createHash('sha256').update(text).digest();
      return crypto.timingSafeEqual(digest(match[1]), digest(token));
    },

    contentType: registry.contentType,

    /** The exposition text: the gauges read now, then everything. */
    async render(now = new Date()): Promise<string> {
      const health = await getService('health').status(now);
      due.set(health.queue.due);
      oldestDue.set(health.queue.oldestDueAgeSeconds ?? 0);
      inDoubt.set(health.queue.inDoubt);
      lastWebhook.set(health.lastWebhookAt ? Math.floor(new Date(health.lastWebhookAt).getTime() / 1000) : 0);
      return registry.metrics();
    },
  };
};

export type MetricsService = ReturnType<typeof createMetricsService>;
export default createMetricsService;
