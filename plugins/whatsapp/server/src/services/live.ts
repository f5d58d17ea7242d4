import { PassThrough } from 'stream';
import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import { LIVE_EVENTS, type LiveEventType } from '../constants';
import type { MessageStatusEvent } from '../../../shared/live-events';
import type { MovedMessage } from '../queue';
import { isPostgres } from '../utils/sql';
import { readConfig } from '../config';
import { createPgBus, type PgBus } from './live-bus';
import { createPollBus } from './live-poll';

type Bus = PgBus | ReturnType<typeof createPollBus>;

export interface LiveEvent {
  type: LiveEventType;
  data: unknown;
}

/** A comment line every 15 s keeps proxies from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;
/** How long a browser waits before reconnecting after the stream drops. */
const RETRY_MS = 3_000;

interface Client {
  stream: PassThrough;
  heartbeat: NodeJS.Timeout;
}

/**
 * Live updates for the admin inbox: an event bus and its server-sent events endpoint. Webhooks
 * and inbox actions publish; each connected admin gets every event pushed at once, so the inbox
 * never polls. On PostgreSQL the events also go to every other instance of the app through
 * LISTEN / NOTIFY (live-bus.ts), so it does not matter which instance applied a webhook and which
 * one an admin is connected to. SQLite runs as one instance: its events stay in the process.
 *
 * Which way events travel between instances (chosen once, at start; every instance of one
 * deployment must be configured alike):
 * - DATABASE_DIRECT_URL set: LISTEN on that direct connection, NOTIFY through the pool.
 * - else DATABASE_POOLER=transaction: poll a small table (live-poll.ts), every WHATSAPP_LIVE_POLL_MS.
 * - else LISTEN / NOTIFY on the database connection, checked at start by a NOTIFY that must come
 *   back: when it does not (an undeclared transaction pooler), polling, with a warning.
 */
const createLiveService = ({ strapi }: { strapi: Core.Strapi }) => {
  const clients = new Set<Client>();
  const listeners = new Set<(event: LiveEvent) => void>();
  let sequence = 0;
  let bus: Bus | null = null;

  const drop = (client: Client) => {
    if (!clients.delete(client)) return;
    clearInterval(client.heartbeat);
    client.stream.end();
  };

  /** Pushes events to this instance's streams and in-process subscribers. */
  const deliver = (events: LiveEvent[]) => {
    for (const event of events) {
      sequence += 1;
      const frame = `id: ${sequence}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
      for (const client of clients) client.stream.write(frame);
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          strapi.log.warn(`[whatsapp] live listener failed: ${(error as Error).message}`);
        }
      }
    }
  };

  return {
    /**
     * Statuses of outbound messages as the statements that moved them returned them (RETURNING):
     * the thread's ticks follow every change (the dispatcher's sent, failed or retry, a cancel, a
     * retry by staff) without one more read per message. Called after the change has committed.
     */
    publishStatuses(moved: MovedMessage[]) {
      for (const row of moved) {
        this.publish(LIVE_EVENTS.messageStatus, {
          id: row.id,
          status: row.status as MessageStatusEvent['status'],
          contactId: row.contactId,
          conversationId: row.conversationId,
        } satisfies MessageStatusEvent);
      }
    },

    publish(type: LiveEventType, data: unknown) {
      const event: LiveEvent = { type, data };
      deliver([event]);
      bus?.share(event);
    },

    /** At bootstrap: on PostgreSQL, join the other instances' events. */
    async start() {
      if (!isPostgres() || bus) return;
      const { directUrl, pooler, pollMs } = readConfig().live;
      const poll = async () => {
        const polling = createPollBus({ strapi, deliver, pollMs });
        await polling.start();
        return polling;
      };
      if (!directUrl && pooler === 'transaction') {
        bus = await poll();
        return;
      }
      const listening = createPgBus({ strapi, deliver, directUrl });
      await listening.start();
      if ((await listening.probe()) === false) {
        strapi.log.warn(
          `[whatsapp] live events: a NOTIFY did not come back on the ${directUrl ? 'DATABASE_DIRECT_URL' : 'database'} connection (a transaction pooler such as PgBouncer?); polling every ${pollMs} ms instead. Set DATABASE_DIRECT_URL to a direct connection, or DATABASE_POOLER=transaction to poll without this check.`
        );
        await listening.close();
        bus = await poll();
        return;
      }
      bus = listening;
    },

    /** How events reach this instance from the others: 'listen', 'poll', or 'local' (SQLite). */
    mode(): 'listen' | 'poll' | 'local' {
      return bus?.mode ?? 'local';
    },

    /** Resolves once this instance's events have been handed to the other instances (tests). */
    async shared() {
      await bus?.idle();
    },

    /** Whether events from other instances arrive (always true on SQLite: there are none). */
    connected() {
      return bus ? bus.listening() : true;
    },

    /** In-process subscribers (GraphQL subscriptions, tests); returns the unsubscribe function. */
    subscribe(listener: (event: LiveEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Turns the request into an event stream that stays open until the admin or Strapi leaves. */
    stream(ctx: Context) {
      // No idle timeout on this socket, and no Nagle delay on small frames.
      ctx.req.socket.setTimeout(0);
      ctx.req.socket.setNoDelay(true);
      ctx.req.socket.setKeepAlive(true);
      ctx.set('Cache-Control', 'no-cache, no-transform');
      ctx.set('Connection', 'keep-alive');
      // nginx buffers responses by default, which would hold the events back.
      ctx.set('X-Accel-Buffering', 'no');
      ctx.type = 'text/event-stream; charset=utf-8';
      ctx.status = 200;

      const stream = new PassThrough();
      const client: Client = {
        stream,
        heartbeat: setInterval(() => stream.write(`: heartbeat ${new Date().toISOString()}\n\n`), HEARTBEAT_MS),
      };
      client.heartbeat.unref();
      clients.add(client);
      stream.write(`retry: ${RETRY_MS}\n: connected\n\n`);
      ctx.req.on('close', () => drop(client));
      stream.on('close', () => drop(client));
      ctx.body = stream;
    },

    connections() {
      return clients.size;
    },

    /** Strapi is stopping: end every stream so no connection or timer is left behind. */
    async close() {
      for (const client of [...clients]) drop(client);
      listeners.clear();
      const closing = bus;
      bus = null;
      await closing?.close();
    },
  };
};

export type LiveService = ReturnType<typeof createLiveService>;
export default createLiveService;
