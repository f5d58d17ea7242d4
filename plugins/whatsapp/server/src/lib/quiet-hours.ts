/**
 * Quiet hours: a daily window (e.g. 21:00–08:00) in the contact's time zone during which
 * marketing messages wait. Pure functions, so they are tested without a database.
 */
import { timeZoneOr } from './locale';

export interface QuietHours {
  /** 'HH:MM', local time. */
  start: string;
  /** 'HH:MM', local time; may be earlier than start (the window crosses midnight). */
  end: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const isValidClock = (value: unknown): value is string => typeof value === 'string' && HHMM.test(value);

const minutesOf = (clock: string) => {
  const [, h, m] = HHMM.exec(clock)!;
  return Number(h) * 60 + Number(m);
};

/** Minutes since local midnight of `at` in `timeZone`. */
const localMinutes = (at: Date, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
};

/**
 * When `at` falls inside the quiet window, the moment it ends (to the minute); otherwise null.
 * An empty window (start = end) is never quiet.
 */
export function quietUntil(at: Date, window: QuietHours | null | undefined, timeZone: string): Date | null {
  if (!window || !isValidClock(window.start) || !isValidClock(window.end)) return null;
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return null;
  // A time zone Intl does not know (stored before it was checked) reads as Mexico City: the quiet
  // hours still hold, they do not throw.
  const now = localMinutes(at, timeZoneOr(timeZone));
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return null;
  const minutesLeft = (end - now + 24 * 60) % (24 * 60);
  const startOfMinute = Math.floor(at.getTime() / 60_000) * 60_000;
  return new Date(startOfMinute + minutesLeft * 60_000);
}
