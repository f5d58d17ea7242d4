import os from 'os';
import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import { STATUS, UID } from '../constants';
import { ProviderError } from '../providers/errors';
import type { ErrorClass, OutboundMessage, WhatsAppProvider } from '../providers/types';
import { getService } from '../utils';
import type { Message } from './messages';
import type { Sender } from './senders';
import type { Settings } from './settings';
import type { Template } from './templates';

const numberFromEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/** Backoff after the 1st, 2nd, 3rd transient failure (seconds): about 1 min, 5 min, 30 min. */
export const retryDelays = () =>
  (process.env.WHATSAPP_RETRY_DELAYS || '60,300,1800')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isFinite(n) && n >= 0);

interface Outcome {
  message: Message;
  attempt: Record<string, unknown>;
  update: Record<string, unknown>;
  revokeConsent?: boolean;
}

/**
 * Claims due messages in batches, sends them through their sender's provider with bounded
 * concurrency, logs every attempt and decides: sent, retry later, or failed.
 */
const createDispatcherService = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const batchSize = numberFromEnv('WHATSAPP_BATCH_SIZE', 200);
  const concurrency = numberFromEnv('WHATSAPP_CONCURRENCY', 64);
  const leaseMs = numberFromEnv('WHATSAPP_LEASE_SECONDS', 60) * 1000;
  const maxAttempts = numberFromEnv('WHATSAPP_MAX_ATTEMPTS', 4);

  let draining: Promise<void> | null = null;
  let wakeAgain = false;
  let stopped = false;

  const classify = (provider: WhatsAppProvider, error: unknown): ErrorClass => {
    try {
      return provider.classify(error);
    } catch {
      return { kind: 'transient' };
    }
  };

  const build = async (message: Message, templates: Map<number, Template | null>): Promise<OutboundMessage> => {
    const outbound: OutboundMessage = { id: message.id, to: message.to, from: message.from, body: message.body ?? undefined };
    if (message.templateId) {
      if (!templates.has(message.templateId)) {
        templates.set(message.templateId, await getService('templates').findOne(message.templateId));
      }
      const template = templates.get(message.templateId);
      if (template) {
        const variables = (typeof message.variables === 'string' ? JSON.parse(message.variables) : message.variables) ?? {};
        outbound.template = getService('templates').providerTemplate(template, variables);
      }
    }
    const media = typeof message.media === 'string' ? JSON.parse(message.media) : message.media;
    if (media?.fileId) {
      outbound.media = { url: getService('media').publicUrl(media.fileId), mime: media.mime, filename: media.name, kind: media.kind };
    }
    return outbound;
  };

  const decide = (message: Message, provider: WhatsAppProvider, error: unknown, durationMs: number): Outcome => {
    const verdict = classify(provider, error);
    const providerError = error instanceof ProviderError ? error : null;
    const code = providerError?.code ?? (providerError?.timeout ? 'timeout' : undefined) ?? 'error';
    const text = (error as Error)?.message ?? String(error);
    const attempts = Number(message.attempts);
    const now = new Date();
    const attempt = {
      messageId: message.id,
      number: attempts,
      at: now,
      provider: provider.name,
      channel: 'whatsapp',
      httpStatus: providerError?.status ?? null,
      providerCode: code,
      errorText: text.slice(0, 1000),
      durationMs,
    };
    if ((verdict.kind === 'transient' || verdict.kind === 'rate-limited') && attempts < maxAttempts) {
      const delays = retryDelays();
      const hinted = verdict.kind === 'rate-limited' ? verdict.retryAfterSeconds : undefined;
      const delaySeconds = hinted ?? delays[Math.min(attempts - 1, delays.length - 1)] ?? 60;
      const next = new Date(now.getTime() + delaySeconds * 1000);
      return {
        message,
        attempt: { ...attempt, outcome: 'retry' },
        update: { status: STATUS.queued, dueAt: next, nextAttemptAt: next, errorCode: code, errorText: text, provider: provider.name },
      };
    }
    const outcome = verdict.kind === 'opted-out' ? 'opted-out' : verdict.kind === 'outside-window' ? 'outside-window' : 'failed';
    return {
      message,
      attempt: { ...attempt, outcome },
      update: { status: STATUS.failed, failedAt: now, errorCode: code, errorText: text, provider: provider.name, nextAttemptAt: null },
      revokeConsent: verdict.kind === 'opted-out',
    };
  };

  const sendOne = async (
    message: Message,
    senders: Map<number, Sender | null>,
    templates: Map<number, Template | null>,
    settings: Settings
  ): Promise<Outcome> => {
    const sender = senders.get(message.senderId) ?? null;
    const provider = getService('providers').forSender(sender ?? { provider: 'sandbox' }, settings);
    const started = Date.now();
    try {
      const outbound = await build(message, templates);
      const result = await provider.send(outbound);
      const now = new Date();
      return {
        message,
        attempt: {
          messageId: message.id,
          number: Number(message.attempts),
          at: now,
          provider: provider.name,
          channel: 'whatsapp',
          httpStatus: result.httpStatus ?? null,
          outcome: 'sent',
          durationMs: now.getTime() - started,
        },
        update: {
          status: STATUS.sent,
          sentAt: now,
          provider: provider.name,
          providerMessageId: result.providerMessageId,
          channel: 'whatsapp',
          errorCode: null,
          errorText: null,
          nextAttemptAt: null,
        },
      };
    } catch (error) {
      return decide(message, provider, error, Date.now() - started);
    }
  };

  /** Runs `fn` over items with at most `limit` in flight. */
  const pool = async <T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
    const results: R[] = new Array(items.length);
    let next = 0;
    const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    });
    await Promise.all(workers);
    return results;
  };

  const record = async (outcomes: Outcome[]) => {
    const queue = getService('queue');
    await queue.logAttempts(outcomes.map((o) => o.attempt));
    for (const outcome of outcomes) {
      await queue.complete(outcome.message.id, owner, outcome.update);
    }
    for (const outcome of outcomes.filter((o) => o.revokeConsent)) {
      const contact = outcome.message.contactId ? await getService('contacts').findOne(outcome.message.contactId) : null;
      if (contact?.marketingConsent) {
        await getService('consent').record(contact, {
          purpose: 'marketing',
          granted: false,
          method: 'provider',
          evidence: `Provider refused message ${outcome.message.id} (${outcome.attempt.providerCode}): the recipient opted out`,
        });
      }
    }
  };

  const runOnce = async (): Promise<number> => {
    const claimed = await getService('queue').claim(owner, batchSize, leaseMs);
    if (!claimed.length) return 0;
    const settings = await getService('settings').get();
    const senderIds = [...new Set(claimed.map((m) => m.senderId).filter(Boolean))];
    const senderRows: Sender[] = senderIds.length ? await strapi.db.query(UID.sender).findMany({ where: { id: { $in: senderIds } } }) : [];
    const senders = new Map<number, Sender | null>(senderRows.map((s) => [s.id, s]));
    const templates = new Map<number, Template | null>();
    const outcomes = await pool(claimed, concurrency, (message) => sendOne(message, senders, templates, settings));
    await record(outcomes);
    return claimed.length;
  };

  const drain = async () => {
    do {
      wakeAgain = false;
      try {
        while (!stopped && (await runOnce()) > 0) {
          /* keep going while there is work */
        }
      } catch (error) {
        if (!stopped) strapi.log.error(`[whatsapp] dispatcher: ${(error as Error).message}`);
      }
    } while (wakeAgain && !stopped);
  };

  return {
    owner,

    /** Runs the dispatcher now (or once more after the current run). Never throws. */
    wake() {
      if (stopped || process.env.WHATSAPP_WORKER === 'false') return;
      if (draining) {
        wakeAgain = true;
        return;
      }
      draining = drain().finally(() => {
        draining = null;
      });
    },

    /** Resolves when the dispatcher is idle (tests, shutdown). */
    async idle() {
      while (draining) await draining;
    },

    async stop() {
      stopped = true;
      await this.idle();
    },

    start() {
      stopped = false;
    },
  };
};

export type DispatcherService = ReturnType<typeof createDispatcherService>;
export default createDispatcherService;
