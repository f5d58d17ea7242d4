import { HOUR_MS, bucketOfHour, bucketStarts, localHourStart, nextLocalMidnight, offsetAt } from './period-buckets';

const iso = (t: number) => new Date(t).toISOString();
const at = (text: string) => new Date(text).getTime();

describe('period buckets', () => {
  it('knows the offset of a zone at an instant, daylight saving included', () => {
    expect(offsetAt(at('2026-03-01T12:00:00Z'), 'America/Mexico_City')).toBe(-6 * HOUR_MS);
    expect(offsetAt(at('2026-01-15T12:00:00Z'), 'Europe/Madrid')).toBe(1 * HOUR_MS);
    expect(offsetAt(at('2026-07-15T12:00:00Z'), 'Europe/Madrid')).toBe(2 * HOUR_MS);
    expect(offsetAt(at('2026-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * HOUR_MS);
    expect(offsetAt(at('2026-07-15T12:00:00Z'), 'UTC')).toBe(0);
  });

  it('finds the local hour and the next local midnight', () => {
    expect(iso(localHourStart(at('2026-07-15T12:47:10Z'), 'Asia/Kolkata'))).toBe('2026-07-15T12:30:00.000Z');
    expect(iso(localHourStart(at('2026-07-15T12:47:10Z'), 'America/Mexico_City'))).toBe('2026-07-15T12:00:00.000Z');
    // 20:00 in Mexico City on 1 March: its next midnight is 06:00 UTC on 2 March.
    expect(iso(nextLocalMidnight(at('2026-03-02T02:00:00Z'), 'America/Mexico_City'))).toBe('2026-03-02T06:00:00.000Z');
    expect(iso(nextLocalMidnight(at('2026-03-01T06:00:00Z'), 'America/Mexico_City'))).toBe('2026-03-02T06:00:00.000Z');
  });

  it('cuts a week into local days: the first starts at `from`, the others at midnight', () => {
    const starts = bucketStarts(at('2026-03-01T06:00:00Z'), at('2026-03-08T06:00:00Z'), 'day', 'America/Mexico_City');
    expect(starts.map(iso)).toEqual([1, 2, 3, 4, 5, 6, 7].map((d) => `2026-03-0${d}T06:00:00.000Z`));
    const ragged = bucketStarts(at('2026-03-01T15:00:00Z'), at('2026-03-03T10:00:00Z'), 'day', 'America/Mexico_City');
    expect(ragged.map(iso)).toEqual(['2026-03-01T15:00:00.000Z', '2026-03-02T06:00:00.000Z', '2026-03-03T06:00:00.000Z']);
  });

  it('a daylight-saving day is 23 hours long, and the days after it start at local midnight again', () => {
    // Spain moves to summer time on 29 March 2026 (02:00 → 03:00).
    const starts = bucketStarts(at('2026-03-27T23:00:00Z'), at('2026-03-31T22:00:00Z'), 'day', 'Europe/Madrid');
    expect(starts.map(iso)).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z']);
    expect(starts[2] - starts[1]).toBe(23 * HOUR_MS);
  });

  it('cuts a period into local hours', () => {
    const starts = bucketStarts(at('2026-07-15T12:10:00Z'), at('2026-07-15T15:00:00Z'), 'hour', 'Asia/Kolkata');
    expect(starts.map(iso)).toEqual(['2026-07-15T12:10:00.000Z', '2026-07-15T12:30:00.000Z', '2026-07-15T13:30:00.000Z', '2026-07-15T14:30:00.000Z']);
  });

  it('puts each hour counted from the anchor in its point', () => {
    const from = at('2026-03-01T15:00:00Z');
    const starts = bucketStarts(from, at('2026-03-03T10:00:00Z'), 'day', 'America/Mexico_City');
    const anchor = localHourStart(from, 'America/Mexico_City');
    expect(bucketOfHour(starts, anchor, 0)).toBe(0);
    expect(bucketOfHour(starts, anchor, 14)).toBe(0); // 05:00 UTC on 2 March: 23:00 on 1 March in Mexico City
    expect(bucketOfHour(starts, anchor, 15)).toBe(1);
    expect(bucketOfHour(starts, anchor, 39)).toBe(2);
  });
});
