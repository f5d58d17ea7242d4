import crypto from 'crypto';
import { Client, type ClientConfig } from 'pg';
import type { Core } from '@strapi/strapi';
import type { LiveEvent } from './live';
import { createOutbox } from './live-outbox';

/** The PostgreSQL channel every instance listens on. */
export const LIVE_CHANNEL = 'whatsapp_live';
/** NOTIFY payloads must stay under 8,000 bytes; events are packed into frames below that. */
const MAX_PAYLOAD = 7_000;
const RECONNECT_MS = [500, 1_000, 2_000, 5_000];

interface Frame {
  origin: string;
  events: LiveEvent[];
  /** Set on the start-up check's own notification (see `probe`). */
  probe?: string;
}
/** How long the start-up check waits for its own notification to come back. */
const PROBE_MS = 3_000;

/** Packs events into as few NOTIFY payloads as fit; an event too big on its own is left out. */
export const packFrames = (origin: string, events: LiveEvent[], max = MAX_PAYLOAD): { payloads: string[]; tooBig: LiveEvent[] } => {
  const payloads: string[] = [];
  const tooBig: LiveEvent[] = [];
  let current: LiveEvent[] = [];
  const encode = (list: LiveEvent[]) => JSON.stringify({ origin, events: list } satisfies Frame);
  for (const event of events) {
    if (Buffer.byteLength(encode([event])) > max) {
      tooBig.push(event);
      continue;
    }
    if (current.length && Buffer.byteLength(encode([...current, event])) > max) {
      payloads.push(encode(current));
      current = [];
    }
    current.push(event);
  }
  if (current.length) payloads.push(encode(current));
  return { payloads, tooBig };
};

/**
 * Live events shared by every instance of the app on one PostgreSQL database, with LISTEN /
 * NOTIFY: an admin connected to instance B sees the webhook instance A applied. Each instance
 * delivers its own events at once (no round trip) and skips them when they come back.
 *
 * Events published in one tick go out together in one statement, so a batch of a hundred
 * statuses costs one NOTIFY, not a hundred. The listening connection is a client of its own (a
 * pooled connection cannot hold LISTEN) and reconnects with backoff when it drops; while it is
 * down, remote events are missed, and the admin page refetches when its stream reconnects.
 *
 * `directUrl` (DATABASE_DIRECT_URL): the listening connection goes there instead of to the
 * database connection, which may be a transaction pooler where LISTEN cannot work. NOTIFY itself
 * (pg_notify in autocommit) works through any pooler, so it keeps using Strapi's pool.
 */
export const createPgBus = ({ strapi, deliver, directUrl = null }: { strapi: Core.Strapi; deliver: (events: LiveEvent[]) => void; directUrl?: string | null }) => {
  const origin = crypto.randomBytes(8).toString('hex');
  const database = strapi.config.get('database.connection.connection') as ClientConfig;
  // The direct URL wins over the database's connection string and separate fields (pg parses
  // the connection string last); TLS settings stay the database's.
  const config: ClientConfig = directUrl ? { ...database, connectionString: directUrl } : database;
  const probes = new Map<string, () => void>();
  let listener: Client | null = null;
  let closed = false;
  let failures = 0;
  let reconnectTimer: NodeJS.Timeout | null = null;

  const onNotification = (message: { channel: string; payload?: string }) => {
    if (message.channel !== LIVE_CHANNEL || !message.payload) return;
    try {
      const frame = JSON.parse(message.payload) as Frame;
      if (frame.probe) {
        if (frame.origin === origin) probes.get(frame.probe)?.();
        return;
      }
      if (frame.origin !== origin && Array.isArray(frame.events)) deliver(frame.events);
    } catch {
      strapi.log.warn('[whatsapp] live bus: a notification that is not ours was ignored');
    }
  };

  const reconnectLater = () => {
    if (closed || reconnectTimer) return;
    const delay = RECONNECT_MS[Math.min(failures, RECONNECT_MS.length - 1)];
    failures += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void listen();
    }, delay);
    reconnectTimer.unref();
  };

  const listen = async () => {
    if (closed) return;
    const client = new Client({ ...config, application_name: 'whatsapp-live' } as ClientConfig);
    client.on('notification', onNotification);
    client.on('error', (error) => {
      strapi.log.warn(`[whatsapp] live bus connection lost: ${error.message}`);
      if (listener === client) listener = null;
      void client.end().catch(() => undefined);
      reconnectLater();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
      if (closed) {
        await client.end();
        return;
      }
      listener = client;
      failures = 0;
    } catch (error) {
      strapi.log.warn(`[whatsapp] live bus cannot listen: ${(error as Error).message}`);
      void client.end().catch(() => undefined);
      reconnectLater();
    }
  };

  // One statement for the whole tick's events.
  const outbox = createOutbox({
    log: strapi.log,
    send: async (events) => {
      const { payloads, tooBig } = packFrames(origin, events);
      for (const event of tooBig) strapi.log.warn(`[whatsapp] live event ${event.type} too big for other instances; delivered here only`);
      if (payloads.length) await strapi.db.connection.raw(`SELECT ${payloads.map(() => 'pg_notify(?, ?)').join(', ')}`, payloads.flatMap((p) => [LIVE_CHANNEL, p]));
    },
  });

  return {
    mode: 'listen' as const,

    start: listen,

    /**
     * Whether a NOTIFY sent through Strapi's pool comes back on the listening connection. It does
     * not when that connection goes through a transaction pooler (the LISTEN was made on a server
     * connection the pooler has since lent to someone else): the caller then polls instead of
     * losing every event silently. Null when the listening connection could not be opened at all
     * (it keeps retrying).
     */
    async probe(timeoutMs = PROBE_MS): Promise<boolean | null> {
      if (!listener) return null;
      const token = crypto.randomBytes(8).toString('hex');
      const back = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        probes.set(token, () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      try {
        await strapi.db.connection.raw('SELECT pg_notify(?, ?)', [LIVE_CHANNEL, JSON.stringify({ origin, events: [], probe: token } satisfies Frame)]);
        return await back;
      } catch (error) {
        strapi.log.warn(`[whatsapp] live bus check failed: ${(error as Error).message}`);
        return false;
      } finally {
        probes.delete(token);
      }
    },

    /** Queues the event for the other instances; sent with the rest of this tick's events. */
    share(event: LiveEvent) {
      if (closed) return;
      outbox.push(event);
    },

    /** Resolves once queued events have been handed to PostgreSQL (tests, shutdown). */
    idle: () => outbox.idle(),

    listening: () => listener !== null,

    async close() {
      await outbox.close();
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const client = listener;
      listener = null;
      if (client) await client.end().catch(() => undefined);
    },
  };
};

export type PgBus = ReturnType<typeof createPgBus>;
