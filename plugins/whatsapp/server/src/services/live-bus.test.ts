import { packFrames } from './live-bus';
import type { LiveEvent } from './live';

const event = (n: number, size = 10): LiveEvent => ({ type: 'message.status', data: { id: n, pad: 'x'.repeat(size) } });

describe('packFrames', () => {
  it('packs a tick of small events into one payload, in order, with the origin', () => {
    const events = [event(1), event(2), event(3)];
    const { payloads, tooBig } = packFrames('abc', events);
    expect(tooBig).toEqual([]);
    expect(payloads).toHaveLength(1);
    expect(JSON.parse(payloads[0])).toEqual({ origin: 'abc', events });
  });

  it('splits into payloads that each stay under the limit, losing none', () => {
    const events = Array.from({ length: 50 }, (_, i) => event(i, 100));
    const { payloads } = packFrames('abc', events, 1_000);
    expect(payloads.length).toBeGreaterThan(5);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(1_000);
    expect(payloads.flatMap((p) => JSON.parse(p).events)).toEqual(events);
  });

  it('leaves out an event too big for NOTIFY on its own (it is still delivered locally)', () => {
    const big = event(2, 5_000);
    const { payloads, tooBig } = packFrames('abc', [event(1), big, event(3)], 1_000);
    expect(tooBig).toEqual([big]);
    expect(payloads.flatMap((p) => JSON.parse(p).events.map((e: LiveEvent) => (e.data as { id: number }).id))).toEqual([1, 3]);
  });

  it('counts bytes, not characters (accents take two)', () => {
    const accented: LiveEvent = { type: 'message.created', data: { body: 'á'.repeat(400) } };
    const { payloads, tooBig } = packFrames('abc', [accented, accented], 1_000);
    expect(tooBig).toEqual([]);
    expect(payloads).toHaveLength(2);
  });
});
