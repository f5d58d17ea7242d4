import { createPollCursor } from './live-poll';

describe('createPollCursor', () => {
  it('returns each id once and moves past ids read in order', () => {
    const cursor = createPollCursor(10);
    expect(cursor.take([11, 12, 13], 0)).toEqual([11, 12, 13]);
    expect(cursor.floor()).toBe(13);
    expect(cursor.take([14], 0)).toEqual([14]);
    expect(cursor.floor()).toBe(14);
  });

  it('waits at a hole for a row that commits late, and returns it when it shows up', () => {
    const cursor = createPollCursor(0);
    // Row 2 is still being inserted when 1 and 3 are read.
    expect(cursor.take([1, 3], 1_000)).toEqual([1, 3]);
    expect(cursor.floor()).toBe(1);
    // The next poll reads above the floor: 3 again (not returned twice) and 2 at last.
    expect(cursor.take([2, 3], 1_500)).toEqual([2]);
    expect(cursor.floor()).toBe(3);
  });

  it('gives up a hole after gapMs (a rolled-back insert never shows up)', () => {
    const cursor = createPollCursor(0, 5_000);
    expect(cursor.take([1, 3], 1_000)).toEqual([1, 3]);
    expect(cursor.take([3], 4_000)).toEqual([]);
    expect(cursor.floor()).toBe(1);
    expect(cursor.take([3], 6_000)).toEqual([]);
    expect(cursor.floor()).toBe(3);
  });

  it('skips over a hole too wide to be slow inserts', () => {
    const cursor = createPollCursor(0);
    expect(cursor.take([50_000], 0)).toEqual([50_000]);
    expect(cursor.floor()).toBeGreaterThanOrEqual(40_000);
  });
});
