import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import type { LiveEvent } from './live';
import { createOutbox } from './live-outbox';

/**
 * Live events between instances without LISTEN: behind a transaction pooler (PgBouncer, Supabase's
 * port 6543) a LISTEN lands on whichever server connection the pooler lends for that one
 * statement, and the notifications are lost. When no direct connection is configured, each
 * instance instead inserts its events in this table (one row per tick) and reads the rows the
 * others wrote every `pollMs`. Plain statements in autocommit: they work through any pooler.
 * Rows are deleted after a minute; an instance that was away longer refetches (the admin page
 * does when its stream reconnects).
 */
export const LIVE_TABLE = 'whatsapp_live_events';
/** Rows older than this are deleted (by any instance, every PRUNE_EVERY_MS). */
const KEEP_SECONDS = 60;
const PRUNE_EVERY_MS = 30_000;
/** How long a missing id may still turn up (an insert that committed after a later one). */
export const GAP_MS = 5_000;
/** Rows read per poll at most; the rest come with the next poll, which follows at once. */
const PAGE = 500;

/**
 * Which rows are new. Ids come from a sequence, but a row can commit after a row with a higher
 * id: a plain "id > last seen" would skip it. So the cursor only moves past an id once it was
 * read, or once it has been missing for `gapMs` (a rolled-back insert leaves a hole for good).
 */
export const createPollCursor = (start: number, gapMs = GAP_MS) => {
  let floor = start;
  const ahead = new Set<number>();
  const missingSince = new Map<number, number>();
  return {
    /** Every id up to here was read or given up: the next poll reads above it. */
    floor: () => floor,
    /** The ids among those read that were not read before; moves the cursor. */
    take(ids: number[], now = Date.now()): number[] {
      const fresh = ids.filter((id) => id > floor && !ahead.has(id));
      for (const id of fresh) {
        ahead.add(id);
        missingSince.delete(id);
      }
      const top = Math.max(floor, ...ahead);
      // A hole far too wide to be a few slow inserts (a sequence reset): skip over it.
      if (top - floor > 10_000) {
        for (const id of ahead) if (id <= top - 10_000) ahead.delete(id);
        for (const id of missingSince.keys()) if (id <= top - 10_000) missingSince.delete(id);
        floor = top - 10_000;
      }
      for (let id = floor + 1; id < top; id += 1) if (!ahead.has(id) && !missingSince.has(id)) missingSince.set(id, now);
      for (;;) {
        const next = floor + 1;
        if (ahead.delete(next)) floor = next;
        else if ((missingSince.get(next) ?? Infinity) <= now - gapMs) {
          missingSince.delete(next);
          floor = next;
        } else break;
      }
      return fresh;
    },
  };
};

export const createPollBus = ({ strapi, deliver, pollMs }: { strapi: Core.Strapi; deliver: (events: LiveEvent[]) => void; pollMs: number }) => {
  const origin = crypto.randomBytes(8).toString('hex');
  const knex = strapi.db.connection;
  let polling: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let healthy = false;
  let lastPrune = 0;
  let cursor = createPollCursor(0);

  /** The table, created by the first instance to start (several may race: one wins). */
  const ensureTable = async () => {
    try {
      await knex.raw(
        `CREATE TABLE IF NOT EXISTS ${LIVE_TABLE} (id bigserial PRIMARY KEY, origin varchar(32) NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`
      );
    } catch (error) {
      // Two instances creating it at once: the loser's IF NOT EXISTS still collides on the type.
      if (!['23505', '42P07'].includes((error as { code?: string }).code ?? '')) throw error;
    }
  };

  const poll = async () => {
    try {
      const { rows } = await knex.raw(`SELECT id, origin, payload FROM ${LIVE_TABLE} WHERE id > ? ORDER BY id LIMIT ${PAGE}`, [cursor.floor()]);
      const byId = new Map<number, { origin: string; payload: string }>(rows.map((r: { id: string; origin: string; payload: string }) => [Number(r.id), r]));
      for (const id of cursor.take([...byId.keys()])) {
        const row = byId.get(id)!;
        if (row.origin === origin) continue;
        try {
          deliver(JSON.parse(row.payload) as LiveEvent[]);
        } catch {
          strapi.log.warn(`[whatsapp] live poll: row ${id} of ${LIVE_TABLE} is not ours; ignored`);
        }
      }
      if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = Date.now();
        await knex.raw(`DELETE FROM ${LIVE_TABLE} WHERE created_at < now() - interval '${KEEP_SECONDS} seconds'`);
      }
      healthy = true;
      return rows.length === PAGE;
    } catch (error) {
      if (healthy) strapi.log.warn(`[whatsapp] live poll failed: ${(error as Error).message}`);
      healthy = false;
      return false;
    }
  };

  /** The next poll after `delay`; at once when the last one read a full page. */
  const loop = (delay = pollMs) => {
    if (closed) return;
    timer = setTimeout(() => {
      timer = null;
      polling = poll().then((more) => {
        polling = null;
        loop(more ? 0 : pollMs);
      });
    }, delay);
    timer.unref();
  };

  // One row for the whole tick's events.
  const outbox = createOutbox({
    log: strapi.log,
    send: async (events) => {
      await knex.raw(`INSERT INTO ${LIVE_TABLE} (origin, payload) VALUES (?, ?)`, [origin, JSON.stringify(events)]);
    },
  });

  return {
    mode: 'poll' as const,

    async start() {
      await ensureTable();
      const { rows } = await knex.raw(`SELECT coalesce(max(id), 0) AS top FROM ${LIVE_TABLE}`);
      cursor = createPollCursor(Number(rows[0].top));
      healthy = true;
      loop();
    },

    /** Queues the event for the other instances; written with the rest of this tick's events. */
    share(event: LiveEvent) {
      if (closed) return;
      outbox.push(event);
    },

    idle: () => outbox.idle(),

    /** Whether the last poll worked. */
    listening: () => healthy && !closed,

    async close() {
      await outbox.close();
      closed = true;
      if (timer) clearTimeout(timer);
      await polling;
    },
  };
};
