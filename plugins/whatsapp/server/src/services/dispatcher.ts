import type { Core } from '@strapi/strapi';
import { STATUS, UID } from '../constants';
import { formatOptionsFor, timeZoneOr } from '../lib/locale';
import { quietUntil } from '../lib/quiet-hours';
import { ProviderError } from '../providers/errors';
import { redactSecrets } from '../observability/redact';
import type { ErrorClass, OutboundMessage, WhatsAppProvider } from '../providers/types';
import { getService } from '../utils';
import { isDatabaseUnavailable } from '../utils/db-errors';
import { readConfig } from '../config';
import { fallbackRoute } from '../providers/channels/route';
import { planFailure } from '../providers/failure';
import { createJob, workerOwner } from '../workers/runner';
import pLimit from 'p-limit';
import { logLine, maskPhone } from '../observability/mask';
import type { Contact } from './contacts';
import type { Claimed, QueuedMessage as Message } from '../queue';
import type { Sender } from './senders';
import type { Settings } from './settings';
import type { Template } from './templates';

/** Backoff after the 1st, 2nd, 3rd transient failure (seconds): about 1 min, 5 min, 30 min. */
const retryDelays = () => readConfig().dispatcher.retryDelays;

interface Batch {
  senders: Map<number, Sender | null>;
  templates: Map<number, Template | null>;
  contacts: Map<number, Contact>;
  settings: Settings;
}

interface Outcome {
  message: Message;
  /** The attempt log's rows; `kind` (the failure's class, for the metrics) is not stored. */
  attempts: Record<string, unknown>[];
  update: Record<string, unknown>;
  revokeConsent?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const parseJson = <T>(value: unknown): T | null => (typeof value === 'string' ? (JSON.parse(value) as T) : ((value as T) ?? null));

/**
 * Claims due messages in batches, spaces them within each sender's rate, sends them through the
 * sender's provider with bounded concurrency, logs every attempt and decides: sent, retry
 * later, fall back to SMS / email, or failed.
 */
const createDispatcherService = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = workerOwner;
  // Read when the service is first used: the plugin's configuration is loaded by then.
  const config = () => readConfig().dispatcher;
  const SWEEP_EVERY_MS = 5000;
  /** How long the outcomes of a batch wait for an unavailable database before giving up. */
  const RECORD_PATIENCE_MS = 5 * 60_000;

  const classify = (provider: WhatsAppProvider, error: unknown): ErrorClass => {
    try {
      return provider.classify(error);
    } catch {
      return { kind: 'transient' };
    }
  };

  const build = (message: Message, batch: Batch): OutboundMessage => {
    const outbound: OutboundMessage = { id: message.id, to: message.to, from: message.from, body: message.body ?? undefined };
    const template = message.templateId ? batch.templates.get(message.templateId) : null;
    if (template) {
      const contact = batch.contacts.get(message.contactId);
      // A locale or time zone stored before it was checked is ignored, never a failed send.
      outbound.template = getService('templates').providerTemplate(template, parseJson<Record<string, unknown>>(message.variables) ?? {}, formatOptionsFor(contact));
    }
    const media = parseJson<{ fileId: number; mime: string; name: string; kind: 'image' | 'document' }>(message.media);
    if (media?.fileId) {
      const files = getService('media');
      const { fileId } = media;
      outbound.media = {
        url: files.publicUrl(fileId),
        mime: media.mime,
        filename: media.name,
        kind: media.kind,
        // Lazy: only a provider that uploads the file (Meta) reads it; Twilio fetches `url`.
        load: () => files.bytes(fileId),
      };
    }
    return outbound;
  };

  const attemptRow = (message: Message, provider: string, channel: string, started: number, extra: Record<string, unknown>) => ({
    messageId: message.id,
    number: Number(message.attempts),
    at: new Date(),
    provider,
    channel,
    worker: owner,
    durationMs: Date.now() - started,
    ...extra,
  });

  /** SMS or email when WhatsApp failed for good and the template allows it. */
  const fallback = async (message: Message, batch: Batch, failed: Outcome): Promise<Outcome | null> => {
    const template = message.templateId ? batch.templates.get(message.templateId) : null;
    const started = Date.now();
    const contact = batch.contacts.get(message.contactId);
    // The channel (providers/channels/) knows how: Twilio SMS, the email plugin, or the sandbox.
    const letter = { id: message.id, to: message.to, from: message.from, email: contact?.email, text: String(message.body ?? '') };
    const via = fallbackRoute((name) => getService('providers').channel(name, batch.settings), template?.fallbackChannel, letter);
    if (!via) return null;
    const channel = via.name;
    try {
      const { provider, providerMessageId } = await via.send(letter);
      const now = new Date();
      return {
        message,
        attempts: [...failed.attempts, attemptRow(message, provider, channel, started, { outcome: 'sent' })],
        update: {
          ...failed.update,
          status: STATUS.sent,
          sentAt: now,
          failedAt: null,
          channel,
          provider,
          providerMessageId,
        },
      };
    } catch (error) {
      const text = redactSecrets((error as Error)?.message ?? String(error));
      return {
        ...failed,
        attempts: [
          ...failed.attempts,
          attemptRow(message, channel === 'sms' ? 'twilio-sms' : 'email', channel, started, {
            outcome: 'failed',
            errorText: text.slice(0, 1000),
            providerCode: (error as ProviderError)?.code ?? null,
            kind: 'permanent',
          }),
        ],
      };
    }
  };

  /**
   * Retry, fall back or fail: providers/failure.ts decides, the same way as for a failure a
   * status webhook reports later (services/reported-failures.ts). The classification's wait
   * (Retry-After, or a code's minimum wait such as a day for Meta 131048) holds for any kind.
   */
  const decide = async (message: Message, batch: Batch, provider: WhatsAppProvider, error: unknown, started: number): Promise<Outcome> => {
    const verdict = classify(provider, error);
    const providerError = error instanceof ProviderError ? error : null;
    const code = providerError?.code ?? (providerError?.timeout ? 'timeout' : undefined) ?? 'error';
    const text = redactSecrets((error as Error)?.message ?? String(error));
    const now = new Date();
    const base = { httpStatus: providerError?.status ?? null, providerCode: code, errorText: text.slice(0, 1000) };
    const plan = planFailure({
      verdict,
      attempts: Number(message.attempts),
      maxAttempts: config().maxAttempts,
      retryDelays: retryDelays(),
      canFallBack: provider.canFallBack(String(code)),
      retryAfterSeconds: providerError?.retryAfterSeconds,
    });

    if (plan.action === 'retry') {
      const next = new Date(now.getTime() + plan.delaySeconds * 1000);
      return {
        message,
        attempts: [attemptRow(message, provider.name, 'whatsapp', started, { ...base, outcome: 'retry', kind: verdict.kind })],
        update: { status: STATUS.queued, dueAt: next, nextAttemptAt: next, errorCode: code, errorText: text, provider: provider.name },
      };
    }
    const failed: Outcome = {
      message,
      attempts: [attemptRow(message, provider.name, 'whatsapp', started, { ...base, outcome: plan.outcome, kind: verdict.kind })],
      update: { status: STATUS.failed, failedAt: now, errorCode: code, errorText: text, provider: provider.name, nextAttemptAt: null },
      revokeConsent: plan.revokeConsent,
    };
    return (plan.action === 'fallback' && (await fallback(message, batch, failed))) || failed;
  };

  /**
   * A fallback queued after a failure a status webhook reported (the row's channel is `sms` or
   * `email`, its error the WhatsApp one): sent as above; when it cannot go, the message fails
   * with that WhatsApp error, back on its WhatsApp channel.
   */
  const sendQueuedFallback = async (message: Message, batch: Batch): Promise<Outcome> => {
    const failed: Outcome = { message, attempts: [], update: { status: STATUS.failed, failedAt: new Date(), nextAttemptAt: null, channel: 'whatsapp' } };
    return (await fallback(message, batch, failed)) ?? failed;
  };

  const sendOne = async (message: Message, batch: Batch): Promise<Outcome> => {
    if (message.channel === 'sms' || message.channel === 'email') return sendQueuedFallback(message, batch);
    const sender = batch.senders.get(message.senderId) ?? null;
    const provider = getService('providers').forSender(sender ?? { provider: 'sandbox' }, batch.settings);
    const started = Date.now();
    try {
      const result = await provider.send(build(message, batch));
      return {
        message,
        attempts: [attemptRow(message, provider.name, 'whatsapp', started, { httpStatus: result.httpStatus ?? null, outcome: 'sent' })],
        update: {
          status: STATUS.sent,
          sentAt: new Date(),
          provider: provider.name,
          providerMessageId: result.providerMessageId,
          channel: 'whatsapp',
          errorCode: null,
          errorText: null,
          nextAttemptAt: null,
        },
      };
    } catch (error) {
      return decide(message, batch, provider, error, started);
    }
  };

  /**
   * The metrics (counters in memory) and, at debug level, one line per attempt: the message, the
   * provider, the outcome and code, the masked number; never the text or the whole number.
   */
  const observe = (outcomes: Outcome[]) => {
    const metrics = getService('metrics');
    const debug = strapi.log.isLevelEnabled?.('debug') ?? false;
    for (const { message, attempts } of outcomes) {
      for (const attempt of attempts) {
        const provider = String(attempt.provider);
        metrics.attempt(provider, String(attempt.channel), attempt.outcome === 'sent' ? null : String(attempt.kind ?? 'permanent'), Number(attempt.durationMs));
        if (debug) {
          strapi.log.debug(
            logLine('send', {
              message: message.id,
              attempt: Number(attempt.number),
              provider,
              channel: String(attempt.channel),
              outcome: String(attempt.outcome),
              kind: (attempt.kind as string | undefined) ?? null,
              code: (attempt.providerCode as string | undefined) ?? null,
              http: (attempt.httpStatus as number | undefined) ?? null,
              ms: Number(attempt.durationMs),
              to: maskPhone(message.to),
            })
          );
        }
      }
    }
  };

  /**
   * Runs `fn` again while the database is away (a restart, a failover, a pooler dropping the
   * connection), for up to RECORD_PATIENCE_MS. What the provider already took must be written
   * down: left `sending`, it would be swept as in doubt and, with `resend`, sent a second time.
   * A statement the database refuses is not retried.
   */
  const whileDatabaseAway = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await fn();
      } catch (error) {
        if (!isDatabaseUnavailable(error) || Date.now() - started > RECORD_PATIENCE_MS) throw error;
        if (attempt === 0) strapi.log.warn(`[whatsapp] database unavailable while recording ${what}; waiting for it (${(error as Error).message})`);
        await sleep(Math.min(5000, 250 * 2 ** attempt));
      }
    }
  };

  const record = async (outcomes: Outcome[]) => {
    if (!outcomes.length) return;
    const queue = getService('queue');
    // Two steps retried separately, so a retry never logs an attempt twice.
    await whileDatabaseAway('the attempt log', () => queue.logAttempts(outcomes.flatMap((o) => o.attempts.map(({ kind: _kind, ...row }) => row))));
    // The rows as the statement left them (a webhook may have moved one on first): after the commit, live to the inbox.
    const moved = await whileDatabaseAway('the outcomes', () => queue.complete(owner, outcomes.map((o) => ({ id: o.message.id, data: o.update }))));
    observe(outcomes);
    getService('live').publishStatuses(moved);
    for (const outcome of outcomes.filter((o) => o.revokeConsent)) {
      const contact = outcome.message.contactId ? await getService('contacts').findOne(outcome.message.contactId) : null;
      if (contact?.marketingConsent) {
        await getService('consent').record(contact, {
          purpose: 'marketing',
          granted: false,
          method: 'provider',
          evidence: `Provider refused message ${outcome.message.id} (${outcome.update.errorCode}): the recipient opted out`,
        });
      }
    }
  };

  const loadBatch = async (claimed: Message[]): Promise<Batch> => {
    const ids = (key: keyof Message) => [...new Set(claimed.map((m) => m[key]).filter(Boolean))] as number[];
    const [settings, senderRows, templateRows, contactRows] = await Promise.all([
      getService('settings').get(),
      ids('senderId').length ? strapi.db.query(UID.sender).findMany({ where: { id: { $in: ids('senderId') } } }) : [],
      ids('templateId').length ? strapi.db.query(UID.template).findMany({ where: { id: { $in: ids('templateId') } } }) : [],
      ids('contactId').length ? strapi.db.query(UID.contact).findMany({ where: { id: { $in: ids('contactId') } } }) : [],
    ]);
    return {
      settings,
      senders: new Map((senderRows as Sender[]).map((s) => [s.id, s])),
      templates: new Map((templateRows as Template[]).map((t) => [t.id, t])),
      contacts: new Map((contactRows as Contact[]).map((c) => [c.id, c])),
    };
  };

  /** Quiet hours move a message's due time to the end of the quiet period; they never drop it. */
  const quietHoursEnd = (message: Message, batch: Batch): Date | null => {
    const { settings } = batch;
    if (message.category !== 'marketing' && !settings.quietHoursTransactional) return null;
    const sender = batch.senders.get(message.senderId);
    const window =
      sender?.quietHoursStart && sender?.quietHoursEnd
        ? { start: sender.quietHoursStart, end: sender.quietHoursEnd }
        : settings.quietHoursStart && settings.quietHoursEnd
          ? { start: settings.quietHoursStart, end: settings.quietHoursEnd }
          : null;
    if (!window) return null;
    // The contact's time zone, else the configured one, else Mexico City: a value stored before
    // it was checked is skipped, so quiet hours still hold.
    const timeZone = timeZoneOr(batch.contacts.get(message.contactId)?.timeZone, settings.defaultTimeZone);
    try {
      return quietUntil(new Date(), window, timeZone);
    } catch {
      return null;
    }
  };

  /**
   * Gives each message a send time within its sender's rate. At most two seconds of a sender's
   * capacity is reserved per batch; the rest goes straight back to the queue for the next one.
   */
  const schedule = async (messages: Message[], batch: Batch, notBefore: Map<number, number>) => {
    const queue = getService('queue');
    const bySender = new Map<number, Message[]>();
    for (const m of messages) {
      const group = bySender.get(m.senderId);
      if (group) group.push(m);
      else bySender.set(m.senderId, [m]);
    }
    const planned: { message: Message; at: number }[] = [];
    const released: number[] = [];
    for (const [senderId, group] of bySender) {
      const sender = batch.senders.get(senderId);
      const perSecond = Math.max(1, Number(sender?.messagesPerSecond) || 80);
      const keep = group.slice(0, Math.max(1, Math.floor(perSecond * 2)));
      released.push(...group.slice(keep.length).map((m) => m.id));
      if (!sender) {
        keep.forEach((message) => planned.push({ message, at: Math.max(Date.now(), notBefore.get(message.id) ?? 0) }));
        continue;
      }
      const intervalUs = Math.round(1_000_000 / perSecond);
      const startUs = await queue.reserveSlots(sender.id, keep.length, intervalUs);
      keep.forEach((message, i) =>
        planned.push({ message, at: Math.max(Math.floor((startUs + i * intervalUs) / 1000), notBefore.get(message.id) ?? 0) })
      );
    }
    await queue.release(released, owner);
    return planned.sort((a, b) => a.at - b.at);
  };

  const runOnce = async (): Promise<number> => {
    const queue = getService('queue');
    const claimed = await queue.claim(owner, config().batchSize, config().leaseSeconds * 1000);
    if (!claimed.length) return 0;
    const messages = claimed.map((c) => c.message);
    // The lease is renewed while the batch is in our hands: a provider slower than the lease
    // (or a database restart while recording) must not make the rows look abandoned.
    const leaseMs = config().leaseSeconds * 1000;
    const heartbeat = setInterval(() => {
      void queue.extendLease(messages.map((m) => m.id), owner, leaseMs).catch(() => undefined);
    }, Math.max(250, Math.floor(leaseMs / 3)));
    heartbeat.unref?.();
    try {
      return await sendBatch(claimed);
    } finally {
      clearInterval(heartbeat);
    }
  };

  const sendBatch = async (claimed: Claimed[]): Promise<number> => {
    const queue = getService('queue');
    const messages = claimed.map((c) => c.message);
    const notBefore = new Map(claimed.map((c) => [c.message.id, c.notBefore]));
    const batch = await loadBatch(messages);

    // Quiet hours move a message to the end of its quiet period (one statement per end time).
    const due: Message[] = [];
    const quiet = new Map<number, number[]>();
    for (const message of messages) {
      const until = quietHoursEnd(message, batch);
      if (until) quiet.set(until.getTime(), [...(quiet.get(until.getTime()) ?? []), message.id]);
      else due.push(message);
    }
    for (const [until, ids] of quiet) await queue.postpone(ids, owner, new Date(until));

    const planned = await schedule(due, batch, notBefore);
    const outcomes: Outcome[] = [];
    const unsent: number[] = [];
    // At most `concurrency` sends of this batch in flight, each at its planned time.
    const limit = pLimit(config().concurrency);
    await Promise.all(
      planned.map(({ message, at }) =>
        limit(async () => {
          const wait = at - Date.now();
          if (wait > 0) await sleep(wait);
          // Shutting down: what has not gone out yet goes back to the queue, untouched.
          if (job.stopped()) {
            unsent.push(message.id);
            return;
          }
          outcomes.push(await sendOne(message, batch));
        })
      )
    );
    await record(outcomes);
    await whileDatabaseAway('the unsent rows', () => queue.release(unsent, owner));
    return claimed.length;
  };

  const job = createJob({
    name: 'dispatcher',
    work: runOnce,
    // Two batches in flight: one is being sent while the other is claimed or recorded.
    loops: readConfig().dispatcher.parallelBatches,
    // The scheduler ticks every second; an idle dispatcher also wakes exactly when the next
    // scheduled message is due, if that is sooner.
    intervalMs: 1000,
    nextDueAt: () => getService('queue').nextDueAt(),
    log: strapi.log,
  });

  /** In-doubt sends (a worker stopped mid-request), every few seconds. */
  const sweeper = createJob({
    name: 'in-doubt sweep',
    intervalMs: SWEEP_EVERY_MS,
    work: async () => {
      const { inDoubt: inDoubtMode, inDoubtGraceSeconds } = config();
      const moved = await getService('queue').sweepInDoubt(inDoubtMode, inDoubtGraceSeconds * 1000);
      getService('live').publishStatuses(moved);
      const swept = moved.length;
      if (swept) strapi.log.warn(`[whatsapp] ${swept} in-doubt message(s) ${inDoubtMode === 'resend' ? 'queued again' : 'marked unknown'}`);
      // Swept rows are due now: send them.
      if (swept && inDoubtMode === 'resend') job.wake();
      return 0;
    },
    log: strapi.log,
  });

  return {
    owner,

    /** Runs the dispatcher now (or once more after the current run). Never throws. */
    wake() {
      job.wake();
    },

    /** Resolves when the dispatcher is idle (tests, shutdown). */
    async idle() {
      await job.idle();
    },

    /** Stops claiming; sends in flight finish, claimed-but-unsent rows go back to the queue. */
    async stop() {
      await Promise.all([job.stop(), sweeper.stop()]);
    },

    start() {
      if (!readConfig().worker) return;
      job.start();
      sweeper.start();
    },

    stats() {
      return [job.stats(), sweeper.stats()];
    },
  };
};

export type DispatcherService = ReturnType<typeof createDispatcherService>;
export default createDispatcherService;
