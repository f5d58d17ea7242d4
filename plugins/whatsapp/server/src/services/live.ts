import { PassThrough } from 'stream';
import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import type { LiveEventType } from '../constants';

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
 * Live updates for the admin inbox: an in-process event bus and its server-sent events endpoint.
 * Webhooks and inbox actions publish; each connected admin gets every event pushed at once, so
 * the inbox never polls. One process only: with several instances, an admin sees the events of
 * the instance it is connected to (a shared bus would be PostgreSQL LISTEN/NOTIFY).
 */
const createLiveService = ({ strapi }: { strapi: Core.Strapi }) => {
  const clients = new Set<Client>();
  const listeners = new Set<(event: LiveEvent) => void>();
  let sequence = 0;

  const drop = (client: Client) => {
    if (!clients.delete(client)) return;
    clearInterval(client.heartbeat);
    client.stream.end();
  };

  return {
    publish(type: LiveEventType, data: unknown) {
      const event: LiveEvent = { type, data };
      sequence += 1;
      const frame = `id: ${sequence}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
      for (const client of clients) client.stream.write(frame);
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          strapi.log.warn(`[whatsapp] live listener failed: ${(error as Error).message}`);
        }
      }
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
    close() {
      for (const client of [...clients]) drop(client);
      listeners.clear();
    },
  };
};

export type LiveService = ReturnType<typeof createLiveService>;
export default createLiveService;
