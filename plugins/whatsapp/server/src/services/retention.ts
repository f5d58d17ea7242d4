import type { Core } from '@strapi/strapi';
import { STATUS, UID } from '../constants';
import { M, TABLE } from '../queue/columns';
import { getService } from '../utils';
import { columnOf, tableOf, toColumns } from '../utils/sql';
import { createJob } from '../workers/runner';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Messages blanked per statement: no statement holds the table for long. */
const CHUNK = 2_000;
/** Messages still to be sent keep their text, however old (a message scheduled far ahead). */
const UNSENT = [STATUS.scheduled, STATUS.queued, STATUS.sending];

/**
 * Retention of personal data, daily on the shared runner (workers/runner.ts), woken by the
 * scheduler once a day and at start (so an instance that was down at the hour catches up):
 *
 * - `retention.messageBodyDays`: the text, template variables, structured content (a location,
 *   shared contacts, an order…) and edit history of messages older than that are blanked, and
 *   the inbox previews and follow-up excerpts of that age with them. The rows, their statuses,
 *   times, costs and files stay, so counts and campaign stats do not move. `redactedAt` marks a
 *   blanked message; it is never sent again (a retry is refused).
 * - `retention.webhookEventDays`: applied webhook events older than that are deleted
 *   (webhooks.prune, the one place that deletes them).
 *
 * Idempotent: a second run the same day finds nothing to do. Two instances running it at once
 * write the same values.
 */
const createRetentionService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;

  const job = createJob({
    name: 'retention',
    work: async () => {
      await service.run();
      return 0;
    },
    log: strapi.log,
  });

  const service = {
    /** Blanks what old messages said; returns how many were blanked and the period applied (0: kept). */
    async purgeMessageBodies(now = new Date(), configured?: number): Promise<{ redacted: number; days: number }> {
      const days = configured ?? (await getService('settings').get()).retention.messageBodyDays;
      if (!days || days <= 0) return { redacted: 0, days: 0 };
      const cutoff = new Date(now.getTime() - days * DAY_MS);
      let redacted = 0;
      for (;;) {
        const ids = knex()(TABLE.message).select(M.id).whereNull(M.redactedAt).where(M.createdAt, '<', cutoff).whereNotIn(M.status, UNSENT).orderBy(M.id).limit(CHUNK);
        const n = Number(
          await knex()(TABLE.message)
            .whereIn(M.id, ids)
            .update({
              [M.body]: null,
              [M.variables]: null,
              [M.content]: null,
              [M.editHistory]: null,
              // A customer's location, button or reaction lives in `media` when no file was stored for it.
              [M.media]: knex().raw(`CASE WHEN ?? = 'in' AND ?? IS NULL THEN NULL ELSE ?? END`, [M.direction, M.mediaFileId, M.media]),
              [M.redactedAt]: now,
              [M.updatedAt]: now,
            })
        );
        redacted += n;
        if (n < CHUNK) break;
      }

      const conversation = (attribute: string) => columnOf(UID.conversation, attribute);
      await knex()(tableOf(UID.conversation))
        .whereNotNull(conversation('lastMessagePreview'))
        .where(conversation('lastMessageAt'), '<', cutoff)
        .update(toColumns(UID.conversation, { lastMessagePreview: null }));

      // A follow-up's title repeats its excerpt after the name ("Reply from Ana: …"): both go.
      const followUp = (attribute: string) => columnOf(UID.followUp, attribute);
      const stale: Array<Record<string, unknown>> = await knex()(tableOf(UID.followUp))
        .select('id', followUp('title'))
        .whereNotNull(followUp('excerpt'))
        .where((q) => q.where(followUp('lastReplyAt'), '<', cutoff).orWhere((o) => o.whereNull(followUp('lastReplyAt')).where(followUp('createdAt'), '<', cutoff)));
      for (const row of stale) {
        const title = String(row[followUp('title')] ?? '');
        const cut = title.indexOf(': ');
        await knex()(tableOf(UID.followUp))
          .where({ id: row.id })
          .update(toColumns(UID.followUp, { excerpt: null, title: cut > 0 ? title.slice(0, cut) : title }));
      }
      if (redacted) strapi.log.info(`[whatsapp] retention: blanked the text of ${redacted} messages older than ${days} days`);
      return { redacted, days };
    },

    /** One round: message texts, then webhook events. */
    async run(now = new Date()) {
      const messages = await this.purgeMessageBodies(now);
      const webhookEvents = await getService('webhooks').prune(now);
      return { messages, webhookEvents };
    },

    /** A round in the background, now (the scheduler's daily tick). */
    runSoon() {
      job.wake();
    },

    /** Starts the job; its first round runs at once. */
    start() {
      job.start();
    },

    async stop() {
      await job.stop();
    },

    stats() {
      return job.stats();
    },
  };
  return service;
};

export type RetentionService = ReturnType<typeof createRetentionService>;
export default createRetentionService;
