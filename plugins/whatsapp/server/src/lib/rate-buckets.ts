/**
 * Per-source token buckets for the public routes (middlewares/public-limits.ts): each source may
 * spend `perMinute` requests at once and earns them back evenly over a minute. In memory, per
 * instance: a limit that only exists to keep one caller from drowning the others needs no shared
 * store, and several instances behind a balancer each absorb their share of a flood.
 */

export interface Verdict {
  ok: boolean;
  /** Whole seconds until the next request of this source would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * More sources than this and the longest-idle are forgotten: a flood from rotating addresses must
 * not grow memory without bound. Forgetting a source only gives it a fresh bucket back, and at
 * this many distinct sources a per-source limit is not what protects the app anyway.
 */
const MAX_SOURCES = 50_000;

export class RateBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    readonly perMinute: number,
    private readonly options: { maxSources?: number; now?: () => number } = {}
  ) {
    this.perMs = perMinute / 60_000;
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  private refilled(key: string, now: number): Bucket {
    const bucket = this.buckets.get(key);
    if (!bucket) return { tokens: this.perMinute, at: now };
    return { tokens: Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs), at: now };
  }

  private verdict(bucket: Bucket): Verdict {
    if (bucket.tokens >= 1) return { ok: true, retryAfterSeconds: 0 };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)) };
  }

  /** Whether one more request of this source is allowed now, without counting it. */
  peek(key: string): Verdict {
    if (this.perMinute <= 0) return { ok: true, retryAfterSeconds: 0 };
    return this.verdict(this.refilled(key, this.now()));
  }

  /** Counts one request of this source: allowed while it has a token left. */
  take(key: string): Verdict {
    if (this.perMinute <= 0) return { ok: true, retryAfterSeconds: 0 };
    const bucket = this.refilled(key, this.now());
    const verdict = this.verdict(bucket);
    if (verdict.ok) bucket.tokens -= 1;
    // Re-inserted so the Map's order is least recently seen first: the eviction below drops those.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    const max = this.options.maxSources ?? MAX_SOURCES;
    for (const oldest of this.buckets.keys()) {
      if (this.buckets.size <= max) break;
      this.buckets.delete(oldest);
    }
    return verdict;
  }

  /** Sources tracked now (for tests and the bench). */
  get size() {
    return this.buckets.size;
  }
}

/**
 * The source a request is counted against: its address, and for IPv6 its /64. One IPv6 customer
 * line is handed a whole /64 (2^64 addresses), so counting single IPv6 addresses would let one
 * caller rotate through fresh buckets forever. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is the IPv4.
 */
export function sourceOf(ip: string | undefined): string {
  const address = (ip ?? '').trim().toLowerCase();
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
