import os from 'os';
import crypto from 'crypto';
import { createId } from '@paralleldrive/cuid2';
import type { Core } from '@strapi/strapi';
import { LIVE_EVENTS, UID } from '../constants';
import type { MessageStatus } from '../constants';
import { META_ERRORS, TWILIO_ERRORS } from '../providers/classify';
import { isFailure, STATUS_TIME, statusesBelow } from '../lib/status-order';
import { getService, toDate } from '../utils';
import { columnOf, fromColumns, isPostgres, tableOf, toColumns } from '../utils/sql';
import type { InboundEvent, StatusEvent, WebhookEvent, WebhookProvider } from './webhook-parsers/types';
import { isRecord } from './webhook-parsers/types';

export type EventOutcome = 'applied' | 'unmatched' | 'ignored' | 'failed';

interface StoredEvent {
  id: number;
  provider: WebhookProvider;
  eventKey: string;
  payload: WebhookEvent;
  receivedAt: Date;
  attempts: number;
}

interface Applied {
  outcome: EventOutcome;
  messageId?: number | null;
  error?: string;
}

/** An event that can never be applied (a sender number that is not a phone number): not retried. */
export class UnappliableEventError extends Error {}

/** Provider names a status may have been sent under (the SMS fallback goes through Twilio too). */
const PROVIDER_NAMES: Record<WebhookProvider, string[]> = { twilio: ['twilio', 'twilio-sms'], meta: ['meta'] };
const ERROR_TABLES: Record<WebhookProvider, typeof META_ERRORS> = { twilio: TWILIO_ERRORS, meta: META_ERRORS };

const BATCH = 100;
const LOCK_MS = 60_000;
const MAX_ATTEMPTS = 5;
const INSERT_CHUNK = 200;

const isWebhookEvent = (value: unknown): value is WebhookEvent =>
  isRecord(value) && (value.kind === 'status' || value.kind === 'message') && typeof value.key === 'string';

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
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const knex = () => strapi.db.connection;
  const events = () => tableOf(UID.webhookEvent);
  const messages = () => tableOf(UID.message);
  const rowsOf = (result: unknown): Record<string, unknown>[] =>
    Array.isArray(result) ? result : ((result as { rows?: Record<string, unknown>[] }).rows ?? []);

  let draining: Promise<void> | null = null;
  let wakeAgain = false;
  let scheduled = false;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | null = null;
  /** Set below: lets the retry timer wake the applier. */
  let wakeUp: () => void = () => undefined;

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
    const lock = isPostgres() ? 'FOR UPDATE SKIP LOCKED' : '';
    const result = await knex().raw(
      `UPDATE ?? SET locked_by = ?, locked_until = ?, attempts = attempts + 1, updated_at = ?
       WHERE id IN (
         SELECT id FROM ?? WHERE applied_at IS NULL AND attempts < ? AND (locked_until IS NULL OR locked_until < ?)
         ORDER BY id LIMIT ? ${lock}
       )
       RETURNING *`,
      [t, owner, new Date(now.getTime() + LOCK_MS), now, t, MAX_ATTEMPTS, now, BATCH]
    );
    const rows = rowsOf(result).sort((a, b) => Number(a.id) - Number(b.id));
    const claimed: StoredEvent[] = [];
    for (const row of rows) {
      const event = readEvent(row);
      if (event) claimed.push(event);
      else await finish(Number(row.id), { outcome: 'failed', error: 'The stored payload is not a webhook event' });
    }
    return claimed;
  };

  const finish = async (id: number, result: Applied) => {
    const now = new Date();
    await knex()(events())
      .where({ id })
      .update(
        toColumns(UID.webhookEvent, {
          appliedAt: now,
          outcome: result.outcome,
          messageId: result.messageId ?? null,
          error: result.error ?? null,
          lockedBy: null,
          lockedUntil: null,
          updatedAt: now,
        })
      );
  };

  /** A failed apply is tried again later (a few times, further apart), then left marked failed. */
  const postpone = async (event: StoredEvent, error: unknown) => {
    const now = new Date();
    const message = (error as Error)?.message ?? String(error);
    const lastTry = event.attempts >= MAX_ATTEMPTS;
    const delayMs = 30_000 * 2 ** (event.attempts - 1);
    // Nothing else may wake the applier soon (no more webhooks): come back when the delay is over.
    if (!lastTry && !retryTimer) {
      retryTimer = setTimeout(() => {
        retryTimer = null;
        wakeUp();
      }, delayMs + 100);
      retryTimer.unref();
    }
    strapi.log.warn(`[whatsapp] ${event.provider} webhook event ${event.id} (${event.eventKey}) not applied${lastTry ? ', giving up' : ''}: ${message}`);
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

  /** The message a status is about: by the provider's id first, else by the id we sent along. */
  const findOutbound = async (provider: WebhookProvider, status: StatusEvent) => {
    const names = PROVIDER_NAMES[provider];
    const columns = ['id', 'status', 'contact_id', 'conversation_id'];
    const byProviderId = await knex()(messages())
      .select(columns)
      .where({ direction: 'out', provider_message_id: status.providerMessageId })
      .whereIn('provider', names)
      .first();
    if (byProviderId || !status.ourMessageId) return byProviderId;
    return knex()(messages())
      .select(columns)
      .where({ id: status.ourMessageId, direction: 'out' })
      .where((q) => q.whereNull('provider').orWhereIn('provider', names))
      .first();
  };

  /**
   * One statement moves the message forward, or leaves it: every CASE reads the row as it was,
   * so a late `sent` after `delivered` only fills `sentAt`, and a repeated status changes nothing.
   * The lease columns belong to the dispatcher and are never written here; the dispatcher's
   * completion keeps a status a webhook already moved past `sending`.
   */
  const applyStatus = async (provider: WebhookProvider, status: StatusEvent, receivedAt: Date): Promise<Applied> => {
    const row = await findOutbound(provider, status);
    if (!row) return { outcome: 'unmatched' };
    const messageId = Number(row.id);
    if (!status.status) return { outcome: 'ignored', messageId };

    const reported = status.status;
    const at = status.at ? new Date(status.at) : receivedAt;
    const below = statusesBelow(reported);
    const k = knex();
    const marks = below.map(() => '?').join(', ');
    const whenForward = (then: unknown, otherwise: string) => k.raw(`CASE WHEN status IN (${marks}) THEN ? ELSE ${otherwise} END`, [...below, then]);

    const set: Record<string, unknown> = {
      status: whenForward(reported, 'status'),
      provider: k.raw('COALESCE(provider, ?)', [provider]),
      provider_message_id: k.raw('COALESCE(provider_message_id, ?)', [status.providerMessageId]),
      updated_at: new Date(),
    };
    const timeAttribute = STATUS_TIME[reported];
    if (timeAttribute) {
      const column = columnOf(UID.message, timeAttribute);
      // Each status time is written once; a failure time only when the failure is kept.
      set[column] = isFailure(reported)
        ? k.raw(`CASE WHEN status IN (${marks}) THEN COALESCE(??, ?) ELSE ?? END`, [...below, column, at, column])
        : k.raw('COALESCE(??, ?)', [column, at]);
    }
    if (isFailure(reported) && status.error) {
      set.error_code = whenForward(status.error.code, 'error_code');
      set.error_text = whenForward(status.error.text || ERROR_TABLES[provider][status.error.code]?.reason || null, 'error_text');
    } else if (!isFailure(reported)) {
      // The provider has it after all: a message held as "in doubt" is no longer.
      set.error_code = k.raw(`CASE WHEN status IN (${marks}) AND error_code = ? THEN NULL ELSE error_code END`, [...below, 'in-doubt']);
      set.error_text = k.raw(`CASE WHEN status IN (${marks}) AND error_code = ? THEN NULL ELSE error_text END`, [...below, 'in-doubt']);
    }
    await k(messages()).where({ id: messageId }).whereNotIn('status', ['cancelled', 'received']).update(set);

    if (status.error && ERROR_TABLES[provider][status.error.code]?.kind === 'opted-out') {
      await revokeOptedOut(Number(row.contact_id), provider, status.error.code, messageId);
    }
    const updated = await k(messages()).select('status', 'contact_id', 'conversation_id').where({ id: messageId }).first();
    getService('live').publish(LIVE_EVENTS.messageStatus, {
      id: messageId,
      status: updated?.status as MessageStatus,
      reported,
      contactId: updated?.contact_id ?? null,
      conversationId: updated?.conversation_id ?? null,
    });
    return { outcome: 'applied', messageId };
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

  const apply = async (event: StoredEvent): Promise<Applied> => {
    if (event.payload.kind === 'status') return applyStatus(event.provider, event.payload, event.receivedAt);
    const inbound: InboundEvent = event.payload;
    const { messageId } = await getService('inbound').receive(event.provider, inbound, event.receivedAt);
    return { outcome: 'applied', messageId };
  };

  /** Gives claimed events back untouched (Strapi is stopping), so the next start applies them at once. */
  const release = async (ids: number[]) => {
    if (!ids.length) return;
    await knex()(events())
      .whereIn('id', ids)
      .where({ locked_by: owner })
      .update({ locked_by: null, locked_until: null, attempts: knex().raw('attempts - 1'), updated_at: new Date() });
  };

  const applyBatch = async (): Promise<number> => {
    const batch = await claim();
    for (const [i, event] of batch.entries()) {
      if (stopped) {
        await release(batch.slice(i).map((e) => e.id));
        break;
      }
      try {
        await finish(event.id, await apply(event));
      } catch (error) {
        if (error instanceof UnappliableEventError) await finish(event.id, { outcome: 'failed', error: error.message });
        else await postpone(event, error);
      }
    }
    return batch.length;
  };

  const drain = async () => {
    do {
      wakeAgain = false;
      while (!stopped && (await applyBatch()) > 0);
    } while (wakeAgain && !stopped);
  };

  const service = {
    /** Stores the events of one request; returns how many were new (the rest were repeats). */
    async store(provider: WebhookProvider, list: WebhookEvent[]): Promise<number> {
      const now = new Date();
      const unique = [...new Map(list.map((event) => [event.key, event])).values()];
      const rows = unique.map((event) =>
        toColumns(UID.webhookEvent, {
          documentId: createId(),
          provider,
          eventKey: event.key,
          kind: event.kind,
          payload: JSON.stringify(event),
          receivedAt: now,
          attempts: 0,
          createdAt: now,
          updatedAt: now,
        })
      );
      let stored = 0;
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const inserted = await knex()(events())
          .insert(rows.slice(i, i + INSERT_CHUNK))
          .onConflict([columnOf(UID.webhookEvent, 'provider'), columnOf(UID.webhookEvent, 'eventKey')])
          .ignore()
          .returning('id');
        stored += inserted.length;
      }
      return stored;
    },

    /** Applies pending events once the current request has been answered. */
    applyLater() {
      if (stopped) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        this.wake();
      });
    },

    wake() {
      if (stopped) return;
      if (draining) {
        wakeAgain = true;
        return;
      }
      draining = drain()
        .catch((error) => {
          strapi.log.error(`[whatsapp] applying webhook events failed: ${(error as Error).message}`);
        })
        .finally(() => {
          draining = null;
        });
    },

    /** Resolves once nothing is being applied (tests, shutdown). */
    async idle() {
      for (;;) {
        if (scheduled) await new Promise((resolve) => setImmediate(resolve));
        else if (draining) await draining;
        else return;
      }
    },

    /** At startup: apply whatever was stored and not applied before the last stop. */
    start() {
      stopped = false;
      this.wake();
    },

    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      await this.idle();
    },
  };
  wakeUp = () => service.wake();
  return service;
};

export type WebhooksService = ReturnType<typeof createWebhooksService>;
export default createWebhooksService;
