import { RateBuckets, sourceOf } from './rate-buckets';

describe('RateBuckets', () => {
  it('allows perMinute at once, then refuses with the seconds until the next token', () => {
    let now = 0;
    const buckets = new RateBuckets(30, { now: () => now });
    for (let i = 0; i < 30; i += 1) expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(buckets.peek('a').ok).toBe(false);
    // Another source is untouched.
    expect(buckets.take('b').ok).toBe(true);
    // 30 a minute: one every 2 s.
    now = 2_000;
    expect(buckets.peek('a').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(false);
  });

  it('peek counts nothing', () => {
    const buckets = new RateBuckets(1, { now: () => 0 });
    for (let i = 0; i < 5; i += 1) expect(buckets.peek('a').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterSeconds: 60 });
  });

  it('0 per minute is no limit', () => {
    const buckets = new RateBuckets(0);
    for (let i = 0; i < 100; i += 1) expect(buckets.take('a').ok).toBe(true);
    expect(buckets.size).toBe(0);
  });

  it('forgets the least recently seen sources beyond maxSources', () => {
    const buckets = new RateBuckets(1, { maxSources: 3, now: () => 0 });
    for (const key of ['a', 'b', 'c']) buckets.take(key);
    buckets.take('a'); // a is now the most recent
    buckets.take('d'); // b goes
    expect(buckets.size).toBe(3);
    expect(buckets.peek('b').ok).toBe(true);
    expect(buckets.peek('a').ok).toBe(false);
  });
});

describe('sourceOf', () => {
  it('keeps IPv4, unmaps IPv4-mapped IPv6, groups IPv6 by /64', () => {
    expect(sourceOf('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(sourceOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceOf('::1')).toBe('0:0:0:0::/64');
    expect(sourceOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(sourceOf(undefined)).toBe('unknown');
  });
});
