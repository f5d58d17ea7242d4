/**
 * Statuses only move forward. A provider's statuses can arrive late, twice or out of order
 * (delivered before sent); a message ends at the highest status reported, in this order:
 *
 *   scheduled < queued = unknown < sending < sent < failed = undeliverable < delivered < read
 *
 * `failed` above `sent` and below `delivered` says both rules at once: failed after sent is kept
 * (the message becomes failed), failed after delivered or read is ignored. `unknown` (in doubt)
 * is as low as `queued`: any word from the provider settles it. Cancelled and received messages
 * are outside this order: a provider status never changes them.
 */
import type { MessageStatus } from '../constants';

export type ProviderReportedStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'undeliverable';

export const STATUS_RANK: Readonly<Partial<Record<MessageStatus, number>>> = Object.freeze({
  scheduled: 0,
  queued: 1,
  unknown: 1,
  sending: 2,
  sent: 3,
  failed: 4,
  undeliverable: 4,
  delivered: 5,
  read: 6,
});

/** The statuses a message may be in for `status` to move it forward. */
export function statusesBelow(status: ProviderReportedStatus): MessageStatus[] {
  const rank = STATUS_RANK[status] ?? 0;
  return (Object.entries(STATUS_RANK) as Array<[MessageStatus, number]>).filter(([, r]) => r < rank).map(([name]) => name);
}

/** The message attribute that records when a reported status happened. */
export const STATUS_TIME: Readonly<Record<ProviderReportedStatus, 'sentAt' | 'deliveredAt' | 'readAt' | 'failedAt' | null>> = Object.freeze({
  sending: null,
  sent: 'sentAt',
  delivered: 'deliveredAt',
  read: 'readAt',
  failed: 'failedAt',
  undeliverable: 'failedAt',
});

export const isFailure = (status: ProviderReportedStatus) => status === 'failed' || status === 'undeliverable';

