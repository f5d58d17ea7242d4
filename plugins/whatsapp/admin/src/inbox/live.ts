import { LIVE_EVENTS } from '../../../shared/live-events';
import type { SseMessage } from './sse';
import type { LiveEvent } from './types';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The shape was checked on the fields this screen relies on; the rest is the server's serializer. */
const trusted = (type: string, data: Record<string, unknown>) => ({ type, data }) as unknown as LiveEvent;

/** A stream frame as an inbox event, or null for frames this screen does not know or cannot read. */
export const toLiveEvent = (frame: SseMessage): LiveEvent | null => {
  let data: unknown;
  try {
    data = JSON.parse(frame.data);
  } catch {
    return null;
  }
  if (!isRecord(data)) return null;
  switch (frame.event) {
    case LIVE_EVENTS.conversationUpdated:
      return typeof data.id === 'number' ? trusted(frame.event, data) : null;
    case LIVE_EVENTS.messageCreated:
    case LIVE_EVENTS.messageMedia:
      return typeof data.conversationId === 'number' && isRecord(data.message) && typeof data.message.id === 'number'
        ? trusted(frame.event, data)
        : null;
    case LIVE_EVENTS.messageStatus:
      return typeof data.id === 'number' && typeof data.status === 'string' ? trusted(frame.event, data) : null;
    default:
      return null;
  }
};

/**
 * How long to wait before reconnecting: the server's `retry` (3 s) doubled per failed attempt,
 * capped at `max`, with up to 20 % jitter so many tabs do not reconnect in step.
 */
export const backoffDelay = (attempt: number, base = 3000, max = 60_000, random: () => number = Math.random) => {
  const exponential = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt, 20)));
  return Math.round(exponential * (1 - 0.2 * random()));
};

/**
 * Coalesces refresh requests: keys asked for within `wait` ms are run together once, and a steady
 * stream of requests still runs at least every `maxWait` ms. A burst of 100 events makes one call.
 */
export const createCoalescer = <K>(run: (keys: Set<K>) => void, wait = 300, maxWait = 2000) => {
  let pending = new Set<K>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let firstAt = 0;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.size === 0) return;
    const keys = pending;
    pending = new Set();
    run(keys);
  };

  return {
    request(...keys: K[]) {
      if (keys.length === 0) return;
      if (pending.size === 0) firstAt = Date.now();
      for (const key of keys) pending.add(key);
      if (timer) clearTimeout(timer);
      const delay = Math.max(0, Math.min(wait, firstAt + maxWait - Date.now()));
      timer = setTimeout(flush, delay);
    },
    flush,
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = new Set();
    },
  };
};
