import { documentId } from '../utils/document-id';
import type { Core } from '@strapi/strapi';
import { LIVE_EVENTS, UID } from '../constants';
import type { MessageStatus } from '../constants';
import type { MovedMessage, StatusUpdate } from '../queue';
import type { ErrorTable } from '../providers/classify';
import { PROVIDERS } from '../providers/registry';
import { coalesce } from '../lib/coalesce';
import { getService, toDate } from '../utils';
import { createJob, workerOwner } from '../workers/runner';
import { columnOf, fromColumns, isPostgres, tableOf, toColumns } from '../utils/sql';
import type { InboundEvent, StatusEvent, WebhookEvent, WebhookProvider } from '../providers/webhook-events';
import { describeErrors, isRecord } from '../providers/webhook-events';
import { newlyFailed, settleReportedFailures, type ReportedFailure } from './reported-failures';
import type { Settings } from './settings';
import { logLine, maskPhone } from '../observability/mask';

/**
 * `unreadable`: a part of a request that did not read as the provider documents (stored with its
 * reason and the item, never applied); `recorded`: errors the provider reported about the
 * account (kept and logged, nothing to apply).
 */
export type EventOutcome = 'applied' | 'unmatched' | 'ignored' | 'failed' | 'unreadable' | 'recorded';

interface StoredEvent {
  id: number;
  provider: WebhookProvider;
  eventKey: string;
  payload: WebhookEvent;
  receivedAt: Date;
  attempts: number;
}

interface StoreRequest {
  provider: WebhookProvider;
  events: WebhookEvent[];
}

interface Applied {
  outcome: EventOutcome;
  messageId?: number | null;
  error?: string;
}

/** The connection or a transaction on it. */
type Knex = Core.Strapi['db']['connection'];

/** What a batch does once its transaction has committed. */
type AfterCommit = (() => unknown)[];

/** An event that can never be applied (a sender number that is not a phone number): not retried. */
export class UnappliableEventError extends Error {}

/** Provider names a status may have been sent under (the SMS fallback goes through Twilio too). */
const PROVIDER_NAMES: Record<WebhookProvider, string[]> = { twilio: ['twilio', 'twilio-sms'], meta: ['meta'] };
const ERROR_TABLES: Record<WebhookProvider, ErrorTable> = { twilio: PROVIDERS.twilio.errors, meta: PROVIDERS.meta.errors };

/** Events claimed per round: a run of statuses in it is a few statements, whatever its length. */
const BATCH = 500;
/** First wait before a failed apply is tried again; doubles each time. */
const RETRY_BASE_MS = 30_000;
/** How often an idle applier looks for events whose retry is due. */
const RETRY_LOOK_MS = 5_000;
const LOCK_MS = 60_000;
const MAX_ATTEMPTS = 5;
const INSERT_CHUNK = 200;

/** Providers repeat a delivery for up to 7 days (Meta); an event's key must outlive that. */
export const MIN_RETENTION_DAYS = 7;
const PRUNE_CHUNK = 5_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * WHATSAPP_WEBHOOK_RETENTION_DAYS (validated at boot as a whole number ≥ 0): how long applied
 * events are kept (0 keeps them forever). Fewer than 7 days would forget keys a provider may
 * still repeat, so such a value is raised to 7.
 */
export const retentionDays = (configured: number): { days: number; warning?: string } => {
  if (configured > 0 && configured < MIN_RETENTION_DAYS) {
    return { days: MIN_RETENTION_DAYS, warning: `WHATSAPP_WEBHOOK_RETENTION_DAYS=${configured} would forget events providers still repeat; using ${MIN_RETENTION_DAYS}` };
  }
  return { days: configured };
};

/** The kinds of event the applier applies (the others are stored settled, see settledOnArrival). */
const APPLIED_KINDS = new Set(['status', 'message', 'template-status', 'template-quality', 'template-category', 'preference', 'number-quality', 'account-update']);

const isWebhookEvent = (value: unknown): value is WebhookEvent =>
  isRecord(value) && typeof value.kind === 'string' && APPLIED_KINDS.has(value.kind) && typeof value.key === 'string';

/**
 * Provider webhooks: stored first, applied after the answer.
 *
 * `store` writes one row per event (a Meta request may carry hundreds) with one INSERT … ON
 * CONFLICT DO NOTHING on (provider, event key), so a delivery the provider repeats is stored,
 * and therefore applied, once. The request is answered as soon as that insert commits.
 *
 * `wake` applies what is stored and not applied, in arrival order, in the background: rows are
 * claimed in batches (a lease, like the dispatcher's, so two instances never apply one event
 * twice), applied, and marked with their outcome. A crash between the answer and the apply loses
 * nothing: the claim lease runs out and the startup sweep (`start`, from bootstrap) or the next
 * webhook applies it. Applying is idempotent step by step for the same reason.
 */
const createWebhooksService = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = workerOwner;
  const knex = () => strapi.db.connection;
  const events = () => tableOf(UID.webhookEvent);
  const rowsOf = (result: unknown): Record<string, unknown>[] =>
    Array.isArray(result) ? result : ((result as { rows?: Record<string, unknown>[] }).rows ?? []);

  let scheduled = false;

  /**
   * An event settled: the metrics' counter and, at debug level, one line with the event, the
   * provider, the outcome, the message it moved, the provider's code and the masked number.
   */
  const observe = (provider: string, payload: WebhookEvent | null, eventId: number, result: Applied) => {
    getService('metrics').webhook(provider, result.outcome);
    if (!(strapi.log.isLevelEnabled?.('debug') ?? false)) return;
    const status = payload?.kind === 'status' ? (payload as StatusEvent) : null;
    const inbound = payload?.kind === 'message' ? (payload as InboundEvent) : null;
    strapi.log.debug(
      logLine('webhook', {
        event: eventId,
        provider,
        kind: payload?.kind ?? null,
        outcome: result.outcome,
        message: result.messageId ?? null,
        status: status?.status ?? null,
        code: status?.error?.code ?? null,
        number: maskPhone(status?.recipient ?? inbound?.from ?? null),
      })
    );
  };

  const readEvent = (row: Record<string, unknown>): StoredEvent | null => {
    const event = fromColumns<Record<string, unknown>>(UID.webhookEvent, row);
    let payload: unknown = event.payload;
    if (typeof payload === 'string') {
      try {
        payload = JSON.parse(payload);
      } catch {
        return null;
      }
    }
    if (!isWebhookEvent(payload)) return null;
    return {
      id: Number(event.id),
      provider: event.provider as WebhookProvider,
      eventKey: String(event.eventKey),
      payload,
      receivedAt: toDate(event.receivedAt) ?? new Date(),
      attempts: Number(event.attempts ?? 0),
    };
  };

  /** Claims a batch of pending events for this process (SKIP LOCKED on PostgreSQL, as the queue does). */
  const claim = async (): Promise<StoredEvent[]> => {
    const now = new Date();
    const t = events();
    const set = 'SET locked_by = ?, locked_until = ?, attempts = attempts + 1, updated_at = ?';
    const setBindings = [owner, new Date(now.getTime() + LOCK_MS), now];
    const pending = 'SELECT id FROM ?? WHERE applied_at IS NULL AND attempts < ? AND (locked_until IS NULL OR locked_until < ?) ORDER BY id LIMIT ?';
    const pendingBindings = [t, MAX_ATTEMPTS, now, BATCH];
    // PostgreSQL: the locked selection is a CTE, evaluated once (as in the queue's claim: inside
    // `WHERE id IN (…)` the planner may re-run it per row and claim far more than the batch).
    const result = isPostgres()
      ? await knex().raw(`WITH pending AS (${pending} FOR UPDATE SKIP LOCKED) UPDATE ?? AS e ${set} FROM pending WHERE e.id = pending.id RETURNING e.*`, [
          ...pendingBindings,
          t,
          ...setBindings,
        ])
      : await knex().raw(`UPDATE ?? ${set} WHERE id IN (${pending}) RETURNING *`, [t, ...setBindings, ...pendingBindings]);
    const rows = rowsOf(result).sort((a, b) => Number(a.id) - Number(b.id));
    const claimed: StoredEvent[] = [];
    for (const row of rows) {
      const event = readEvent(row);
      if (event) claimed.push(event);
      else {
        const result: Applied = { outcome: 'failed', error: 'The stored payload is not a webhook event' };
        await finish(Number(row.id), result);
        observe(String(row.provider), null, Number(row.id), result);
      }
    }
    return claimed;
  };

  const outcomeColumns = (result: Applied, now: Date) =>
    toColumns(UID.webhookEvent, {
      appliedAt: now,
      outcome: result.outcome,
      messageId: result.messageId ?? null,
      error: result.error ?? null,
      lockedBy: null,
      lockedUntil: null,
      updatedAt: now,
    });

  const finish = async (id: number, result: Applied) => {
    await knex()(events()).where({ id }).update(outcomeColumns(result, new Date()));
  };

  /** Marks applied events with their outcomes: one statement per kind of outcome, not per event. */
  const finishMany = async (db: Knex, outcomes: [number, Applied][]) => {
    const now = new Date();
    const messageIdColumn = columnOf(UID.webhookEvent, 'messageId');
    const byOutcome = new Map<EventOutcome, [number, Applied][]>();
    for (const entry of outcomes) byOutcome.set(entry[1].outcome, [...(byOutcome.get(entry[1].outcome) ?? []), entry]);
    for (const [outcome, group] of byOutcome) {
      const set: Record<string, unknown> = outcomeColumns({ outcome }, now);
      const withMessage = group.filter(([, result]) => result.messageId != null);
      if (withMessage.length) {
        set[messageIdColumn] = db.raw(
          `CASE id ${withMessage.map(() => 'WHEN ? THEN CAST(? AS INTEGER)').join(' ')} ELSE NULL END`,
          withMessage.flatMap(([id, result]) => [id, result.messageId])
        );
      }
      await db(events()).whereIn('id', group.map(([id]) => id)).update(set);
    }
  };

  /**
   * A failed apply is tried again later (a few times, further apart: the claim skips the event
   * until its lock runs out, and the applier looks again every few seconds), then left marked failed.
   */
  const postpone = async (event: StoredEvent, error: unknown) => {
    const now = new Date();
    const message = (error as Error)?.message ?? String(error);
    const lastTry = event.attempts >= MAX_ATTEMPTS;
    const delayMs = RETRY_BASE_MS * 2 ** (event.attempts - 1);
    strapi.log.warn(`[whatsapp] ${event.provider} webhook event ${event.id} (${event.eventKey}) not applied${lastTry ? ', giving up' : ''}: ${message}`);
    if (lastTry) observe(event.provider, event.payload, event.id, { outcome: 'failed', error: message });
    await knex()(events())
      .where({ id: event.id })
      .update(
        toColumns(UID.webhookEvent, {
          error: message.slice(0, 2000),
          outcome: lastTry ? 'failed' : null,
          lockedBy: null,
          lockedUntil: new Date(now.getTime() + delayMs),
          updatedAt: now,
        })
      );
  };

  /** The message a status is about (queue/status.ts): by the provider's id first, else by ours. */
  const findOutbound = (db: Knex, provider: WebhookProvider, status: StatusEvent) =>
    getService('queue').findOutbound(db, PROVIDER_NAMES[provider], status.providerMessageId, status.ourMessageId);

  /** What follows a status once its batch has committed: the consent ledger, the live event. */
  const afterStatus = (provider: WebhookProvider, status: StatusEvent, moved: MovedMessage, after: AfterCommit) => {
    if (status.error && ERROR_TABLES[provider][status.error.code]?.kind === 'opted-out') {
      const code = status.error.code;
      after.push(() => revokeOptedOut(Number(moved.contactId), provider, code, moved.id));
    }
    after.push(() =>
      getService('live').publish(LIVE_EVENTS.messageStatus, {
        id: moved.id,
        status: moved.status as MessageStatus,
        reported: status.status!,
        contactId: moved.contactId,
        conversationId: moved.conversationId,
      })
    );
  };

  const toUpdate = (provider: WebhookProvider, event: StoredEvent): StatusUpdate => {
    const status = event.payload as StatusEvent;
    const failure = status.status === 'failed' || status.status === 'undeliverable';
    return {
      providerMessageId: status.providerMessageId,
      messageId: status.ourMessageId,
      status: status.status!,
      at: status.at ? new Date(status.at) : event.receivedAt,
      error: failure && status.error ? { code: status.error.code, text: status.error.text || ERROR_TABLES[provider][status.error.code]?.reason || null } : null,
    };
  };

  const isFailureEvent = (event: StoredEvent) => {
    const { status } = event.payload as StatusEvent;
    return status === 'failed' || status === 'undeliverable';
  };

  /**
   * A run of status events in one transaction. Each round (at most one status per message, in
   * arrival order) is one statement that finds the messages by the provider's id and moves them
   * forward; a status whose message has no provider id yet (it beat the dispatcher's record) is
   * matched by the id we sent along, again one statement; the rest are looked up one by one. A
   * failure that moved a WhatsApp message into `failed` is then retried, fallen back or left
   * failed in the same transaction, as the dispatcher decides (services/reported-failures.ts).
   * The events' outcomes commit with the messages. What must happen after the commit (consent
   * ledger, live events, waking the dispatcher) is collected in `after`.
   */
  const applyStatusRun = async (trx: Knex, run: StoredEvent[], after: AfterCommit, settings: Settings | null): Promise<[number, Applied][]> => {
    const queue = getService('queue');
    const outcomes: [number, Applied][] = [];
    const withStatus = run.filter((e) => (e.payload as StatusEvent).status);
    for (const provider of ['meta', 'twilio'] as WebhookProvider[]) {
      const mine = withStatus.filter((e) => e.provider === provider);
      if (!mine.length) continue;
      const names = PROVIDER_NAMES[provider];
      for (const round of queue.roundsOf(mine, (e) => (e.payload as StatusEvent).providerMessageId)) {
        // The rows failures are about, as they stand before this round (locked): a failure is acted on by the status that made it.
        const failing = settings ? round.filter(isFailureEvent).map((e) => e.payload as StatusEvent) : [];
        const before = failing.length
          ? await queue.lockBeforeFailures(trx, names, failing.map((s) => s.providerMessageId), failing.flatMap((s) => (s.ourMessageId ? [s.ourMessageId] : [])))
          : new Map<number, never>();
        const reported: { failure: ReportedFailure; moved: MovedMessage }[] = [];
        const moved = await queue.applyStatuses(trx, names, provider, round.map((e) => toUpdate(provider, e)));
        const missed = round.filter((e) => !moved.has((e.payload as StatusEvent).providerMessageId));
        const byOurId = missed.length
          ? await queue.applyStatuses(trx, names, provider, missed.filter((e) => (e.payload as StatusEvent).ourMessageId).map((e) => toUpdate(provider, e)), 'our-id')
          : new Map<string, MovedMessage>();
        for (const event of round) {
          const status = event.payload as StatusEvent;
          const hit = moved.get(status.providerMessageId) ?? (status.ourMessageId ? byOurId.get(String(status.ourMessageId)) : undefined);
          if (hit) {
            afterStatus(provider, status, hit, after);
            outcomes.push([event.id, { outcome: 'applied', messageId: hit.id }]);
            const row = before.get(hit.id);
            if (isFailureEvent(event) && newlyFailed(row, hit.status)) {
              const { error } = toUpdate(provider, event);
              reported.push({ failure: { row, provider, code: error?.code ?? null, text: error?.text ?? null }, moved: hit });
            }
            continue;
          }
          // Not moved: unknown to us, or a cancelled / received message, which a status never changes.
          const row = await findOutbound(trx, provider, status);
          if (!row) outcomes.push([event.id, { outcome: 'unmatched' }]);
          else {
            afterStatus(provider, status, { id: Number(row.id), status: String(row.status), contactId: row.contact_id ?? null, conversationId: row.conversation_id ?? null }, after);
            outcomes.push([event.id, { outcome: 'applied', messageId: Number(row.id) }]);
          }
        }
        if (reported.length && settings) {
          const settled = await settleReportedFailures(trx, reported.map((r) => r.failure), settings, after);
          // The live event says where the message is now (queued again), not the failure it passed through.
          for (const { failure, moved: hit } of reported) if (settled.get(failure.row.id) === 'queued') hit.status = 'queued';
        }
      }
    }
    // A status without a status (Twilio's intermediate callbacks): matched, nothing to move.
    for (const event of run.filter((e) => !(e.payload as StatusEvent).status)) {
      const row = await findOutbound(trx, event.provider, event.payload as StatusEvent);
      outcomes.push([event.id, row ? { outcome: 'ignored', messageId: Number(row.id) } : { outcome: 'unmatched' }]);
    }
    return outcomes;
  };

  /** Meta 131050 / Twilio 21610: the person stopped marketing messages; the ledger says so. */
  const revokeOptedOut = async (contactId: number, provider: WebhookProvider, code: string, messageId: number) => {
    if (!contactId) return;
    const contact = await getService('contacts').findOne(contactId);
    if (!contact?.marketingConsent) return;
    await getService('consent').record(contact, {
      purpose: 'marketing',
      granted: false,
      method: 'provider',
      evidence: `${provider} status webhook for message ${messageId}: error ${code}, the recipient opted out`,
    });
  };

  const applyInbound = async (event: StoredEvent & { payload: InboundEvent }): Promise<Applied> => {
    const { messageId, outcome } = await getService('inbound').receive(event.provider, event.payload, event.receivedAt);
    return { outcome: outcome ?? 'applied', messageId };
  };

  const runAfterCommit = async (after: AfterCommit) => {
    for (const effect of after) {
      try {
        await effect();
      } catch (error) {
        strapi.log.warn(`[whatsapp] after applying a webhook status: ${(error as Error).message}`);
      }
    }
  };

  /**
   * Status events in one transaction (see applyStatusRun). If anything in it fails, the run is
   * rolled back and each event is applied on its own, so one bad event holds back no other.
   */
  const applyStatuses = async (run: StoredEvent[]) => {
    const after: AfterCommit = [];
    let outcomes: [number, Applied][] = [];
    try {
      // Read before the transaction: a failure's fallback channel depends on sandbox mode.
      const settings = run.some(isFailureEvent) ? await getService('settings').get() : null;
      await knex().transaction(async (trx) => {
        outcomes = await applyStatusRun(trx, run, after, settings);
        await finishMany(trx, outcomes);
      });
    } catch (error) {
      if (run.length === 1) return postpone(run[0], error);
      for (const event of run) await applyStatuses([event]);
      return;
    }
    const byId = new Map(run.map((event) => [event.id, event]));
    for (const [id, result] of outcomes) {
      const event = byId.get(id);
      if (event) observe(event.provider, event.payload, id, result);
    }
    await runAfterCommit(after);
  };

  const applyOne = async (event: StoredEvent) => {
    const settle = async (result: Applied) => {
      await finish(event.id, result);
      observe(event.provider, event.payload, event.id, result);
    };
    try {
      if (event.payload.kind === 'preference') {
        await settle(await getService('inbound').applyPreference(event.payload));
        return;
      }
      if (event.payload.kind === 'number-quality' || event.payload.kind === 'account-update') {
        // The sender's quality and tier, the account's standing: stored, and alerts raised or cleared.
        await settle(await getService('senderHealth').applyWebhook(event.payload));
        return;
      }
      if (event.payload.kind === 'template-status' || event.payload.kind === 'template-quality' || event.payload.kind === 'template-category') {
        // Stored on the template (status, quality, category alert); a pause also pauses its campaigns.
        await settle(await getService('templateSync').applyWebhook(event.payload));
        return;
      }
      await settle(await applyInbound(event as StoredEvent & { payload: InboundEvent }));
    } catch (error) {
      if (error instanceof UnappliableEventError) await settle({ outcome: 'failed', error: error.message });
      else await postpone(event, error);
    }
  };

  /** Gives claimed events back untouched (Strapi is stopping), so the next start applies them at once. */
  const release = async (ids: number[]) => {
    if (!ids.length) return;
    await knex()(events())
      .whereIn('id', ids)
      .where({ locked_by: owner })
      .update({ locked_by: null, locked_until: null, attempts: knex().raw('attempts - 1'), updated_at: new Date() });
  };

  /** A claimed batch in arrival order: runs of statuses together, inbound messages one by one. */
  const applyBatch = async (): Promise<number> => {
    const batch = await claim();
    let i = 0;
    while (i < batch.length) {
      if (applier.stopped()) {
        await release(batch.slice(i).map((e) => e.id));
        break;
      }
      if (batch[i].payload.kind === 'status') {
        let end = i;
        while (end < batch.length && batch[end].payload.kind === 'status') end += 1;
        await applyStatuses(batch.slice(i, end));
        i = end;
      } else {
        await applyOne(batch[i]);
        i += 1;
      }
    }
    return batch.length;
  };

  const applier = createJob({ name: 'webhook applier', work: applyBatch, intervalMs: RETRY_LOOK_MS, log: strapi.log });

  /**
   * What is only kept, never applied, is stored finished: an unreadable item (outcome
   * `unreadable`, its reason as the error) and the provider's own errors (outcome `recorded`).
   * The applier never claims them; retention keeps them as long as any applied event.
   */
  const settledOnArrival = (event: WebhookEvent, now: Date): Record<string, unknown> => {
    if (event.kind === 'unreadable') return { appliedAt: now, outcome: 'unreadable', error: `${event.path}: ${event.reason}`.slice(0, 2000) };
    if (event.kind === 'error') return { appliedAt: now, outcome: 'recorded', error: describeErrors(event.errors).slice(0, 2000) };
    return {};
  };

  /**
   * One INSERT … ON CONFLICT DO NOTHING for the events of every request that arrived while the
   * previous insert was committing (see lib/coalesce): the commit is what a webhook waits for,
   * and under load thirty requests share one. Each request learns how many of its own were new.
   */
  const storeRows = coalesce<StoreRequest, number>(
    async (requests) => {
      const now = new Date();
      const owners = new Map<string, number>();
      const rows: Record<string, unknown>[] = [];
      requests.forEach(({ provider, events: list }, index) => {
        for (const event of list) {
          const id = `${provider}\u0000${event.key}`;
          // The same event in two concurrent requests: the first one owns it.
          if (owners.has(id)) continue;
          owners.set(id, index);
          rows.push(
            toColumns(UID.webhookEvent, {
              documentId: documentId(),
              provider,
              eventKey: event.key,
              kind: event.kind,
              payload: JSON.stringify(event),
              receivedAt: now,
              attempts: 0,
              createdAt: now,
              updatedAt: now,
              ...settledOnArrival(event, now),
            })
          );
        }
      });
      const stored = requests.map(() => 0);
      const providerColumn = columnOf(UID.webhookEvent, 'provider');
      const keyColumn = columnOf(UID.webhookEvent, 'eventKey');
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const inserted: Record<string, unknown>[] = await knex()(events())
          .insert(rows.slice(i, i + INSERT_CHUNK))
          .onConflict([providerColumn, keyColumn])
          .ignore()
          .returning([providerColumn, keyColumn]);
        for (const row of inserted) {
          const owner = owners.get(`${row[providerColumn]}\u0000${row[keyColumn]}`);
          if (owner !== undefined) stored[owner] += 1;
        }
      }
      return stored;
    },
    { maxWeight: INSERT_CHUNK, weight: (request) => request.events.length }
  );

  const service = {
    /** Stores the events of one request; returns how many were new (the rest were repeats). */
    async store(provider: WebhookProvider, list: WebhookEvent[]): Promise<number> {
      const unique = [...new Map(list.map((event) => [event.key, event])).values()];
      if (!unique.length) return 0;
      for (const event of unique) {
        if (event.kind === 'error') strapi.log.warn(`[whatsapp] ${provider} reported errors${event.phoneNumberId ? ` for phone number ${event.phoneNumberId}` : ''}: ${describeErrors(event.errors)}`);
      }
      const stored = await storeRows({ provider, events: unique });
      // Settled on arrival (never applied): counted now. A repeat of one is counted again; rare.
      for (const event of unique) {
        if (event.kind === 'unreadable' || event.kind === 'error') getService('metrics').webhook(provider, event.kind === 'error' ? 'recorded' : 'unreadable');
      }
      return stored;
    },

    /** Applies pending events once the current request has been answered. */
    applyLater() {
      if (applier.stopped()) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        applier.wake();
      });
    },

    wake() {
      applier.wake();
    },

    /** Resolves once nothing is being applied (tests, shutdown). */
    async idle() {
      for (;;) {
        if (scheduled) await new Promise((resolve) => setImmediate(resolve));
        else return applier.idle();
      }
    },

    /**
     * Deletes applied events older than the retention period, a chunk at a time so no statement
     * holds the table for long. Events not applied yet are never deleted. The period is the
     * `retention.webhookEventDays` setting (WHATSAPP_WEBHOOK_RETENTION_DAYS until an administrator
     * sets it). Daily, from the retention job (services/retention.ts).
     */
    async prune(now = new Date(), configured?: number): Promise<{ deleted: number; days: number }> {
      const { days, warning } = retentionDays(configured ?? (await getService('settings').get()).retention.webhookEventDays);
      if (warning) strapi.log.warn(`[whatsapp] ${warning}`);
      if (days === 0) return { deleted: 0, days };
      const cutoff = new Date(now.getTime() - days * DAY_MS);
      const appliedAt = columnOf(UID.webhookEvent, 'appliedAt');
      let deleted = 0;
      for (;;) {
        const ids = knex()(events()).select('id').whereNotNull(appliedAt).where(appliedAt, '<', cutoff).orderBy('id').limit(PRUNE_CHUNK);
        const n = Number(await knex()(events()).whereIn('id', ids).del());
        deleted += n;
        if (n < PRUNE_CHUNK) break;
      }
      if (deleted) strapi.log.info(`[whatsapp] deleted ${deleted} webhook events applied before ${cutoff.toISOString()} (kept ${days} days)`);
      return { deleted, days };
    },

    /** At startup: apply whatever was stored and not applied before the last stop. */
    start() {
      applier.start();
    },

    async stop() {
      await applier.stop();
      await this.idle();
    },

    stats() {
      return [applier.stats()];
    },
  };
  return service;
};

export type WebhooksService = ReturnType<typeof createWebhooksService>;
export default createWebhooksService;
