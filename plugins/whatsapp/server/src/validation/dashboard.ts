import { isValidTimeZone } from '../lib/locale';
import type { Bucket } from '../lib/period-buckets';
import { malformed } from '../utils/errors';

/**
 * GET /whatsapp/dashboard's query: `from` and `to` (ISO 8601; the period is [from, to)), `bucket`
 * (day | hour) and `tz` (the IANA zone the days are cut in). Anything wrong is a 400 naming the
 * field and the rule.
 */
export const DEFAULT_PERIOD_DAYS = 7;
export const MAX_PERIOD_DAYS = 366;
/** An hourly chart longer than a month would be thousands of points nobody can read. */
export const MAX_HOURLY_DAYS = 31;
export const BUCKETS: readonly Bucket[] = ['day', 'hour'];
const DAY_MS = 24 * 3_600_000;

export interface DashboardPeriod {
  from: Date;
  to: Date;
  bucket: Bucket;
  timeZone: string;
}

/** One value of the query string: a repeated parameter (`from=a&from=b`) is refused, not guessed at. */
const single = (value: unknown, field: string): string | undefined => {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw malformed(field, 'single', `${field} must be given once, as text`);
  return value.trim();
};

const dateOf = (value: unknown, field: string): Date | undefined => {
  const given = single(value, field);
  if (given === undefined) return undefined;
  const time = new Date(given).getTime();
  // Years 1970–9999: what both databases store and compare.
  if (Number.isNaN(time) || time < 0 || time > Date.UTC(9999, 11, 31, 23, 59, 59, 999)) {
    throw malformed(field, 'date', `${field} must be an ISO 8601 date, e.g. 2026-03-01T06:00:00.000Z`);
  }
  return new Date(time);
};

/**
 * The period asked for: `to` is now unless given, `from` 7 days before `to` unless given. The
 * time zone defaults to the settings' `defaultTimeZone`.
 */
export function dashboardPeriod(query: Record<string, unknown>, defaults: { now: Date; timeZone: string }): DashboardPeriod {
  const givenFrom = dateOf(query.from, 'from');
  const givenTo = dateOf(query.to, 'to');
  const to = givenTo ?? defaults.now;
  const from = givenFrom ?? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) throw malformed('from', 'before-to', 'from must be earlier than to');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw malformed('to', 'max-period', `The period may be at most ${MAX_PERIOD_DAYS} days long (from ${from.toISOString()} to ${to.toISOString()} is longer)`);
  }

  const bucketText = single(query.bucket, 'bucket') ?? 'day';
  const bucket = BUCKETS.find((b) => b === bucketText);
  if (!bucket) throw malformed('bucket', 'one-of', `bucket must be one of ${BUCKETS.join(', ')}`);
  if (bucket === 'hour' && to.getTime() - from.getTime() > MAX_HOURLY_DAYS * DAY_MS) {
    throw malformed('bucket', 'hour-max-period', `bucket=hour needs a period of at most ${MAX_HOURLY_DAYS} days; use bucket=day`);
  }

  const timeZone = single(query.tz, 'tz') ?? defaults.timeZone;
  if (!isValidTimeZone(timeZone)) throw malformed('tz', 'time-zone', 'tz must be an IANA time zone such as America/Mexico_City');
  return { from, to, bucket, timeZone };
}
