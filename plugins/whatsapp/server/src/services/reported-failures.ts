/**
 * A WhatsApp failure the provider reports later, by status webhook (Meta `failed` with
 * `errors[]`, Twilio `failed` / `undelivered` with `ErrorCode`): decided exactly as the
 * dispatcher decides a failure the send answered (providers/failure.ts): retried with the same
 * backoff and limits, sent by the template's SMS / email fallback, or left failed.
 *
 * Called by the webhook applier inside the transaction that applied the status, for each message
 * that status moved into `failed` / `undeliverable` (not one already failed, delivered or read,
 * nor one whose retry or fallback is already waiting: queue/status.ts never moves those), so a
 * failure is acted on once however often the provider repeats it. The rows move through queue/
 * (retryReported, fallBackReported, logAttempts); the dispatcher sends what was queued, the
 * fallback through the same code as a fallback after the send's own answer.
 *
 * Only WhatsApp sends: a failure of an SMS that was itself the fallback stays a failure.
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { readConfig } from '../config';
import { ProviderError } from '../providers/errors';
import { fallbackRoute, type FallbackChannelName } from '../providers/channels/route';
import { planFailure, type Verdict } from '../providers/failure';
import { PROVIDERS } from '../providers/registry';
import type { WebhookProvider } from '../providers/webhook-events';
import type { RowBeforeFailure } from '../queue';
import { getService } from '../utils';
import { columnOf, tableOf } from '../utils/sql';
import { workerOwner } from '../workers/runner';
import type { Settings } from './settings';

type Knex = Core.Strapi['db']['connection'];

export interface ReportedFailure {
  /** The message as it stood before the status applied. */
  row: RowBeforeFailure;
  provider: WebhookProvider;
  /** The provider's error code (Meta `errors[0].code`, Twilio `ErrorCode`); null when it gave none. */
  code: string | null;
  text: string | null;
}

/** What became of each message: `queued` (a retry or a fallback waits), else it stays failed. */
export type Settled = Map<number, 'queued' | 'failed'>;

const FAILURES = new Set(['failed', 'undeliverable']);

/** True when a status moved this row into a failure now, on WhatsApp (the failure to act on). */
export const newlyFailed = (before: RowBeforeFailure | undefined, statusAfter: string): before is RowBeforeFailure =>
  Boolean(before && !FAILURES.has(before.status) && FAILURES.has(statusAfter) && (before.channel ?? 'whatsapp') === 'whatsapp');

const classify = (provider: WebhookProvider, error: ProviderError): Verdict => {
  try {
    return PROVIDERS[provider].classify(error) as Verdict;
  } catch {
    return { kind: 'permanent' };
  }
};

/** The template's fallback channel when it is configured and reaches the person, read in the applier's transaction. */
const fallbackChannel = async (db: Knex, row: RowBeforeFailure, settings: Settings): Promise<FallbackChannelName | null> => {
  if (!row.templateId) return null;
  const channelColumn = columnOf(UID.template, 'fallbackChannel');
  const template: Record<string, unknown> | undefined = await db(tableOf(UID.template)).select(channelColumn).where({ id: row.templateId }).first();
  const wanted = template?.[channelColumn] as string | null | undefined;
  if (wanted !== 'sms' && wanted !== 'email') return null;
  let email: string | null = null;
  if (wanted === 'email' && row.contactId) {
    const emailColumn = columnOf(UID.contact, 'email');
    const contact: Record<string, unknown> | undefined = await db(tableOf(UID.contact)).select(emailColumn).where({ id: row.contactId }).first();
    email = (contact?.[emailColumn] as string | null | undefined) ?? null;
  }
  const letter = { id: row.id, to: String(row.to ?? ''), from: String(row.from ?? ''), email, text: String(row.body ?? '') };
  return fallbackRoute((name) => getService('providers').channel(name, settings), wanted, letter)?.name ?? null;
};

/**
 * Retries, falls back or leaves failed each message a status webhook just failed, inside `db`
 * (the applier's transaction), and logs the attempt's outcome. `after` gets the dispatcher's
 * wake-up when something was queued. Returns what became of each message.
 */
export async function settleReportedFailures(db: Knex, failures: ReportedFailure[], settings: Settings, after: (() => unknown)[]): Promise<Settled> {
  const settled: Settled = new Map();
  if (!failures.length) return settled;
  const queue = getService('queue');
  const { maxAttempts, retryDelays } = readConfig().dispatcher;
  const now = new Date();
  const attempts: Record<string, unknown>[] = [];
  for (const { row, provider, code, text } of failures) {
    const error = new ProviderError(text || `${provider} reported that the message failed`, { provider, code: code ?? undefined });
    const plan = planFailure({
      verdict: classify(provider, error),
      attempts: row.attempts,
      maxAttempts,
      retryDelays,
      canFallBack: PROVIDERS[provider].canFallBack(code ?? undefined),
    });
    let queued = false;
    if (plan.action === 'retry') {
      queued = await queue.retryReported(db, row.id, new Date(now.getTime() + plan.delaySeconds * 1000));
      // The row was not the failure this status wrote (another instance acted first): nothing to log.
      if (!queued) continue;
    } else if (plan.action === 'fallback') {
      const channel = await fallbackChannel(db, row, settings);
      queued = channel !== null && (await queue.fallBackReported(db, row.id, channel));
    }
    settled.set(row.id, queued ? 'queued' : 'failed');
    attempts.push({
      messageId: row.id,
      number: row.attempts,
      at: now,
      provider: row.provider ?? provider,
      channel: 'whatsapp',
      worker: workerOwner,
      httpStatus: null,
      providerCode: code,
      outcome: plan.outcome,
      errorText: text ? text.slice(0, 1000) : null,
      durationMs: null,
    });
  }
  await queue.logAttempts(attempts, db);
  if ([...settled.values()].includes('queued')) after.push(() => getService('dispatcher').wake());
  return settled;
}
