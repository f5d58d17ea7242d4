/**
 * Date triggers: "N days before / after `dueDate`, at 09:00 in the contact's time zone". Pure
 * functions (tested without a database); the automations job asks them which records are due.
 */
import { timeZoneOr } from '../lib/locale';

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The calendar day a stored date or datetime falls on in `timeZone` ('YYYY-MM-DD'), or null. */
export function localDay(value: unknown, timeZone: string): string | null {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value; // a `date` attribute
  const at = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!at || Number.isNaN(at.getTime())) return null;
  return new Intl.DateTimeFormat('en-CA', { timeZone: timeZoneOr(timeZone), year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The UTC offset of `timeZone` at `at`, in ms (Mexico City: −6 h). */
function offsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The moment a date rule fires for a record: the record's day in the contact's zone, moved by
 * `offsetDays`, at `atTime` local time. Null when the record has no date.
 */
export function fireAt(value: unknown, offsetDays: number, atTime: string, timeZone: string): Date | null {
  const zone = timeZoneOr(timeZone);
  const day = localDay(value, zone);
  const clock = HHMM.exec(atTime ?? '') ?? HHMM.exec('09:00')!;
  if (!day) return null;
  const [year, month, date] = day.split('-').map(Number);
  const wall = Date.UTC(year, month - 1, date + (offsetDays || 0), Number(clock[1]), Number(clock[2]));
  // The wall-clock time read as UTC, corrected by the zone's offset at that moment (twice, so a
  // daylight-saving change between the two readings lands on the right side).
  const first = wall - offsetMs(new Date(wall), zone);
  return new Date(wall - offsetMs(new Date(first), zone));
}

/**
 * The window of stored dates worth reading for rules firing around `now`: a record's date is at
 * most a day and a half away (time zones, the clock) from `now - offsetDays`, and reminders are
 * caught up for `lookbackMs` after a stop.
 */
export function dateWindow(now: Date, offsetDays: number, lookbackMs: number): { from: Date; to: Date } {
  const centre = now.getTime() - (offsetDays || 0) * DAY_MS;
  return { from: new Date(centre - lookbackMs - 2 * DAY_MS), to: new Date(centre + 2 * DAY_MS) };
}
