/**
 * The message table as a queue: the one owner of every write to the message and attempt tables.
 * Services decide (validation, consent, providers); these functions move rows, each a named
 * transition with its SQL. Column names are declared once, in columns.ts.
 *
 *   create ─▶ queued / scheduled ─claim─▶ sending ─▶ sent ─status─▶ delivered ─▶ read
 *                │        ▲                  │  └──▶ queued (retry later) / failed
 *             cancel   requeue            release / postpone / in-doubt sweep
 *   status `failed` (webhook) ─▶ failed ─▶ queued: retryReported (later) / fallBackReported (SMS, email)
 *   recordInbound ─▶ received (settleMedia: pending ─▶ stored / too-large / failed)
 */
import type { Core } from '@strapi/strapi';
import { createDispatchQueue } from './dispatch';
import { createLifecycle } from './lifecycle';
import { applyProviderStatuses, findOutbound, lockBeforeFailures, roundsOf } from './status';

export { outcome } from './dispatch';
export type { Claimed, QueuedMessage } from './dispatch';
export { MEDIA_STATUS } from './lifecycle';
export type { MediaStatus, NewMessage } from './lifecycle';
export type { MovedMessage, RowBeforeFailure, StatusUpdate } from './status';
export { serviceWindow, SERVICE_WINDOW_MS } from './window';
export { checkColumns } from './columns';

const createQueueService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  return {
    ...createDispatchQueue(knex),
    ...createLifecycle(knex),
    /** Provider statuses (one per message) in one statement; see status.ts. */
    applyStatuses: applyProviderStatuses,
    findOutbound,
    lockBeforeFailures,
    roundsOf,
  };
};

export type QueueService = ReturnType<typeof createQueueService>;
export default createQueueService;
