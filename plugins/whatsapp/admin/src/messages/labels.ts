import type { MessageStatus } from '../../../shared/contracts';
import type { useT } from '../utils/useT';

type T = ReturnType<typeof useT>;

/** Each status's label, written out so every key is a literal the translations test can see. */
export const statusLabels = (t: T): Record<MessageStatus, string> => ({
  scheduled: t('messages.status.scheduled', 'Scheduled'),
  queued: t('messages.status.queued', 'Queued'),
  sending: t('messages.status.sending', 'Sending'),
  sent: t('messages.status.sent', 'Sent'),
  delivered: t('messages.status.delivered', 'Delivered'),
  read: t('messages.status.read', 'Read'),
  failed: t('messages.status.failed', 'Failed'),
  cancelled: t('messages.status.cancelled', 'Cancelled'),
  undeliverable: t('messages.status.undeliverable', 'Undeliverable'),
  unknown: t('messages.status.unknown', 'Unknown'),
  received: t('messages.status.received', 'Received'),
});
