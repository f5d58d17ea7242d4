/**
 * The dashboard's period cut into the chart's points: local days (or hours) in the viewer's time
 * zone, so a message sent at 23:30 in Mexico City counts on that day, not the next one in UTC,
 * and a day of a daylight-saving change is that day (23 or 25 hours), not a 24-hour slice that
 * drifts an hour.
 *
 * The database groups the messages by whole hours counted from the start of the local hour that
 * holds `from` (the same SQL on SQLite and PostgreSQL, which share no time-zone functions); every
 * local day or hour starts on one of those hours (time zones move by whole hours), so each hour's
 * counts belong to exactly one point. Pure: tested without a database.
 */
export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type Bucket = 'day' | 'hour';

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterOf = (timeZone: string) => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** Local wall-clock time minus UTC at instant `t` (ms), e.g. −6 h in Mexico City. */
export const offsetAt = (t: number, timeZone: string): number => {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(new Date(t))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - Math.floor(t / 1000) * 1000;
};

const mod = (a: number, b: number) => ((a % b) + b) % b;

/** The start of the local hour that holds `t`. */
export const localHourStart = (t: number, timeZone: string): number => {
  const offset = offsetAt(t, timeZone);
  return t - mod(t + offset, HOUR_MS);
};

/** The first local midnight after `t` (the instant a new local day starts). */
export const nextLocalMidnight = (t: number, timeZone: string): number => {
  const offset = offsetAt(t, timeZone);
  const wall = t + offset - mod(t + offset, DAY_MS) + DAY_MS;
  // The offset at midnight may differ from the one at `t` (a daylight-saving change in between).
  let at = wall - offset;
  at = wall - offsetAt(at, timeZone);
  // Where midnight does not exist (the clocks jump from 23:59 to 01:00) the day starts at the jump.
  return at > t ? at : t + DAY_MS;
};

/** The instants each point of [from, to) starts at: `from`, then each local midnight (or hour) before `to`. */
export const bucketStarts = (from: number, to: number, bucket: Bucket, timeZone: string): number[] => {
  const starts = [from];
  if (bucket === 'hour') {
    for (let t = localHourStart(from, timeZone) + HOUR_MS; t < to; t += HOUR_MS) starts.push(t);
  } else {
    for (let t = nextLocalMidnight(from, timeZone); t < to; t = nextLocalMidnight(t, timeZone)) starts.push(t);
  }
  return starts;
};

/** Which point (index into `starts`) the hour `hour` (counted from `anchor`) belongs to. */
export const bucketOfHour = (starts: readonly number[], anchor: number, hour: number): number => {
  const t = anchor + hour * HOUR_MS;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (starts[middle] <= t) low = middle;
    else high = middle - 1;
  }
  return low;
};
