import type { LiveEvent } from './live';

/**
 * What an instance shares with the others, sent together once per tick: both live buses
 * (LISTEN / NOTIFY in live-bus.ts, the polled table in live-poll.ts) write through it, so a batch
 * of a hundred statuses costs one statement, not a hundred. `send` gets everything queued since
 * the last tick; a failure is logged, never thrown (the events still reached this instance's own
 * admin pages; the others refetch when their stream reconnects).
 */
export const createOutbox = ({ send, log }: { send: (events: LiveEvent[]) => Promise<void>; log: { warn(message: string): void } }) => {
  const queued: LiveEvent[] = [];
  let flushing: Promise<void> | null = null;
  let closed = false;

  const flush = async () => {
    while (queued.length && !closed) {
      try {
        await send(queued.splice(0));
      } catch (error) {
        log.warn(`[whatsapp] live events not shared with other instances: ${(error as Error).message}`);
      }
    }
  };

  const schedule = () => {
    if (flushing || closed) return;
    flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(flush)
      .finally(() => {
        flushing = null;
        if (queued.length) schedule();
      });
  };

  return {
    /** Queues the event; sent with the rest of this tick's events. */
    push(event: LiveEvent) {
      if (closed) return;
      queued.push(event);
      schedule();
    },
    /** Resolves once queued events have been sent (tests, shutdown). */
    async idle() {
      while (flushing) await flushing;
    },
    /** Sends what is queued, then takes no more. */
    async close() {
      await this.idle();
      closed = true;
    },
  };
};
