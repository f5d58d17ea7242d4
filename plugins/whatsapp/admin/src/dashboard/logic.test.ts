import type { Dashboard, DashboardFailure } from '../../../shared/contracts';
import { dayOf, failureWords, formatRate, isEmptyPeriod, isPeriod, periodOf, pointLabel, queryOf, queueNeedsAttention, startOfDay } from './logic';

const NOW = new Date(2026, 2, 10, 15, 30); // 10 March 2026, 15:30 local
const NO_DAYS = { from: '', to: '' };
const local = (iso: string) => new Date(iso);

describe('dashboard period', () => {
  it('reads typed days and refuses days that do not exist', () => {
    expect(dayOf(startOfDay('2026-03-01')!)).toBe('2026-03-01');
    expect(startOfDay('2026-02-30')).toBeNull();
    expect(startOfDay('01/03/2026')).toBeNull();
    expect(startOfDay(' 2026-03-01 ')?.getHours()).toBe(0);
  });

  it('the last 7, 30 or 90 days: today included, from local midnight to the end of today', () => {
    const week = periodOf('7', NOW, NO_DAYS);
    expect(week).toEqual({ from: new Date(2026, 2, 4).toISOString(), to: new Date(2026, 2, 11).toISOString(), bucket: 'day', days: 7 });
    const month = periodOf('30', NOW, NO_DAYS);
    expect(isPeriod(month) && [dayOf(local(month.from)), dayOf(local(month.to)), month.days]).toEqual(['2026-02-09', '2026-03-11', 30]);
    const quarter = periodOf('90', NOW, NO_DAYS);
    expect(isPeriod(quarter) && [dayOf(local(quarter.from)), quarter.days, quarter.bucket]).toEqual(['2025-12-11', 90, 'day']);
  });

  it('custom days: both included; one or two days are drawn hour by hour', () => {
    expect(periodOf('custom', NOW, { from: '2026-03-01', to: '2026-03-05' })).toEqual({
      from: new Date(2026, 2, 1).toISOString(),
      to: new Date(2026, 2, 6).toISOString(),
      bucket: 'day',
      days: 5,
    });
    expect(periodOf('custom', NOW, { from: '2026-03-01', to: '2026-03-01' })).toMatchObject({ bucket: 'hour', days: 1 });
    expect(periodOf('custom', NOW, { from: '2026-03-01', to: '2026-03-02' })).toMatchObject({ bucket: 'hour', days: 2 });
    expect(periodOf('custom', NOW, { from: '2026-03-01', to: '2026-03-03' })).toMatchObject({ bucket: 'day', days: 3 });
  });

  it('custom days that cannot be asked for say why', () => {
    expect(periodOf('custom', NOW, { from: '', to: '2026-03-01' })).toEqual({ problem: 'from-required' });
    expect(periodOf('custom', NOW, { from: '2026-03-01', to: 'mañana' })).toEqual({ problem: 'to-required' });
    expect(periodOf('custom', NOW, { from: '2026-03-05', to: '2026-03-01' })).toEqual({ problem: 'to-before-from' });
    expect(periodOf('custom', NOW, { from: '2025-01-01', to: '2026-03-01' })).toEqual({ problem: 'too-long' });
    expect(isPeriod(periodOf('custom', NOW, { from: '2025-03-02', to: '2026-03-01' }))).toBe(true); // 365 days
  });

  it('asks the API in the viewer’s time zone', () => {
    const period = periodOf('7', NOW, NO_DAYS);
    if (!isPeriod(period)) throw new Error('a preset is always a period');
    expect(queryOf(period, 'America/Mexico_City')).toEqual({ from: period.from, to: period.to, bucket: 'day', tz: 'America/Mexico_City' });
    expect(queryOf(period, undefined)).not.toHaveProperty('tz');
  });
});

describe('dashboard display', () => {
  it('writes rates as percentages of the viewer’s locale, a dash for none', () => {
    expect(formatRate(0.875, 'en')).toBe('87.5%');
    expect(formatRate(0.875, 'es-MX')).toBe('87.5%');
    expect(formatRate(0.875, 'es-ES')).toMatch(/^87,5\s%$/u); // a no-break space before %
    expect(formatRate(1 / 3, 'en')).toBe('33.3%');
    expect(formatRate(null, 'en')).toBe('—');
  });

  it('labels the chart’s points by day or by hour', () => {
    expect(pointLabel({ start: '2026-02-03T06:00:00.000Z' }, 'day', 'es-MX', 'America/Mexico_City')).toMatch(/^3 feb/);
    expect(pointLabel({ start: '2026-02-03T06:00:00.000Z' }, 'day', 'en-US', 'America/Mexico_City')).toBe('Feb 3');
    expect(pointLabel({ start: '2026-02-03T20:00:00.000Z' }, 'hour', 'es-ES', 'America/Mexico_City')).toBe('14:00');
    expect(pointLabel({ start: '2026-02-03T20:00:00.000Z' }, 'hour', 'en-US', 'America/Mexico_City')).toMatch(/^2:00\sPM$/u);
  });

  it('an empty period is one where nothing was sent, failed, received or opted out', () => {
    const totals = { sent: 0, failed: 0, replies: 0, optOuts: 0 } as Dashboard['totals'];
    expect(isEmptyPeriod({ totals })).toBe(true);
    expect(isEmptyPeriod({ totals: { ...totals, replies: 1 } })).toBe(false);
  });

  it('explains a failure in Spanish or English; a code no table knows has no words', () => {
    const known: DashboardFailure = {
      code: '131026',
      provider: 'meta',
      count: 2,
      failure: { code: '131026', class: 'permanent', fallback: true, waitSeconds: null, reason: 'Undeliverable', remedy: 'Use SMS', es: { reason: 'No se pudo entregar', remedy: 'Usa SMS' } },
    };
    expect(failureWords(known, 'es-MX')).toEqual({ reason: 'No se pudo entregar', remedy: 'Usa SMS' });
    expect(failureWords(known, 'en')).toEqual({ reason: 'Undeliverable', remedy: 'Use SMS' });
    expect(failureWords({ code: null, provider: null, count: 1, failure: null }, 'es')).toEqual({ reason: null, remedy: null });
  });

  it('the queue needs a look when a send is in doubt or something waits over 15 minutes', () => {
    expect(queueNeedsAttention({ due: 3, oldestDueAgeSeconds: 30, inDoubt: 0 })).toBe(false);
    expect(queueNeedsAttention({ due: 3, oldestDueAgeSeconds: 3600, inDoubt: 0 })).toBe(true);
    expect(queueNeedsAttention({ due: 0, oldestDueAgeSeconds: null, inDoubt: 1 })).toBe(true);
  });
});
