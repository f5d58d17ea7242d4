import type { Dashboard, DashboardBucket, DashboardFailure, DashboardPoint } from '../../../shared/contracts';

/**
 * The dashboard's pure parts: the period picked (7, 30 or 90 days up to today, or two days typed
 * in), the query GET /whatsapp/dashboard takes, and how rates, waits and points read.
 */
export type PeriodPreset = '7' | '30' | '90' | 'custom';
export const PRESETS: PeriodPreset[] = ['7', '30', '90', 'custom'];

/**
 * The longest period offered: the API answers up to 366 days of 24 hours, and a year of local
 * days across a daylight-saving change may be an hour longer than that.
 */
export const MAX_DAYS = 365;
/** A period of this many days or fewer is drawn hour by hour. */
export const HOURLY_UP_TO_DAYS = 2;

/** `YYYY-MM-DD` days as typed in date inputs (the viewer's local days). */
export interface CustomDays {
  from: string;
  to: string;
}

export type PeriodProblem = 'from-required' | 'to-required' | 'to-before-from' | 'too-long';

export interface Period {
  from: string;
  to: string;
  bucket: DashboardBucket;
  days: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight starting `day` (`YYYY-MM-DD`), or null when it is not a real day. */
export const startOfDay = (day: string): Date | null => {
  const match = DAY.exec(day.trim());
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return date.getFullYear() === Number(match[1]) && date.getMonth() === Number(match[2]) - 1 && date.getDate() === Number(match[3]) ? date : null;
};

/** The local day of `date` as `YYYY-MM-DD`. */
export const dayOf = (date: Date): string =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/** `date` moved by whole local days (a daylight-saving day stays one day). */
const addDays = (date: Date, days: number) => new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);

/** Whole local days between two local midnights (23- and 25-hour days count as one). */
const daysBetween = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 86_400_000);

/**
 * The period of a preset: the last N days, today included, from local midnight to the end of
 * today. Custom: from the start of the first day to the end of the last (both included). A
 * period of two days or less is drawn hour by hour.
 */
export const periodOf = (preset: PeriodPreset, now: Date, custom: CustomDays): Period | { problem: PeriodProblem } => {
  const today = startOfDay(dayOf(now))!;
  let from: Date;
  let to: Date;
  if (preset === 'custom') {
    const start = startOfDay(custom.from);
    const end = startOfDay(custom.to);
    if (!start) return { problem: 'from-required' };
    if (!end) return { problem: 'to-required' };
    if (end < start) return { problem: 'to-before-from' };
    from = start;
    to = addDays(end, 1);
  } else {
    to = addDays(today, 1);
    from = addDays(today, 1 - Number(preset));
  }
  const days = daysBetween(from, to);
  if (days > MAX_DAYS) return { problem: 'too-long' };
  return { from: from.toISOString(), to: to.toISOString(), bucket: days <= HOURLY_UP_TO_DAYS ? 'hour' : 'day', days };
};

export const isPeriod = (value: Period | { problem: PeriodProblem }): value is Period => !('problem' in value);

/** The viewer's time zone, which the server cuts the days in. */
export const viewerTimeZone = (): string | undefined => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
};

/** GET /whatsapp/dashboard's query for a period. */
export const queryOf = (period: Period, timeZone: string | undefined) => ({
  from: period.from,
  to: period.to,
  bucket: period.bucket,
  ...(timeZone ? { tz: timeZone } : {}),
});

/** A rate (0.875) as the viewer's locale writes a percentage ("87.5 %", "87,5 %"); a dash when there is none. */
export const formatRate = (rate: number | null | undefined, locale: string): string =>
  rate === null || rate === undefined || !Number.isFinite(rate) ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate);

/** The label of a point on the chart's axis: the day ("3 feb") or the hour ("14:00", "2:00 PM"). */
export const pointLabel = (point: Pick<DashboardPoint, 'start'>, bucket: DashboardBucket, locale: string, timeZone?: string): string =>
  new Intl.DateTimeFormat(locale, bucket === 'hour' ? { hour: 'numeric', minute: '2-digit', timeZone } : { day: 'numeric', month: 'short', timeZone }).format(new Date(point.start));

/** Whether anything happened in the period (else the page says what to do first). */
export const isEmptyPeriod = (dashboard: Pick<Dashboard, 'totals'>): boolean => {
  const { sent, failed, replies, optOuts } = dashboard.totals;
  return sent + failed + replies + optOuts === 0;
};

/** A failure in the viewer's language (Spanish for `es*`); the code alone when no table knows it. */
export const failureWords = (failure: DashboardFailure, locale: string): { reason: string | null; remedy: string | null } => {
  if (!failure.failure) return { reason: null, remedy: null };
  const words = locale.toLowerCase().startsWith('es') ? failure.failure.es : failure.failure;
  return { reason: words.reason, remedy: words.remedy };
};

/** The queue needs a look: something waits more than `lateSeconds`, or a send is in doubt. */
export const queueNeedsAttention = (queue: Dashboard['queue'], lateSeconds = 15 * 60): boolean =>
  queue.inDoubt > 0 || (queue.oldestDueAgeSeconds ?? 0) > lateSeconds;
