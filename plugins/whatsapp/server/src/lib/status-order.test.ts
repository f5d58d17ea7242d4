import { isFailure, STATUS_RANK, STATUS_TIME, statusesBelow } from './status-order';
import { inboundTime, PROVIDER_RETRY_HORIZON_MS } from './inbound-time';

describe('status order', () => {
  it('statuses only move forward: queued < sending < sent < failed < delivered < read', () => {
    expect(statusesBelow('sending')).toEqual(expect.arrayContaining(['scheduled', 'queued', 'unknown']));
    expect(statusesBelow('sending')).not.toContain('sending');
    expect(statusesBelow('sent')).toEqual(expect.arrayContaining(['queued', 'unknown', 'sending']));
    expect(statusesBelow('read')).toEqual(expect.arrayContaining(['sent', 'delivered', 'failed', 'undeliverable']));
  });

  it('failed after sent is kept, failed after delivered or read is not', () => {
    expect(statusesBelow('failed')).toContain('sent');
    expect(statusesBelow('failed')).not.toContain('delivered');
    expect(statusesBelow('failed')).not.toContain('read');
    expect(statusesBelow('undeliverable')).not.toContain('failed');
  });

  it('a late delivered or read still moves a failed message forward (the stronger evidence)', () => {
    expect(statusesBelow('delivered')).toContain('failed');
  });

  it('cancelled and received are outside the order: never moved by a provider', () => {
    for (const status of ['sending', 'sent', 'delivered', 'read', 'failed', 'undeliverable'] as const) {
      expect(statusesBelow(status)).not.toContain('cancelled');
      expect(statusesBelow(status)).not.toContain('received');
    }
    expect(STATUS_RANK.cancelled).toBeUndefined();
  });

  it('each reported status has its time column', () => {
    expect(STATUS_TIME).toEqual({ sending: null, sent: 'sentAt', delivered: 'deliveredAt', read: 'readAt', failed: 'failedAt', undeliverable: 'failedAt' });
    expect(isFailure('undeliverable')).toBe(true);
    expect(isFailure('read')).toBe(false);
  });
});

describe('inboundTime', () => {
  const now = new Date('2026-11-25T12:00:00Z');

  it("is the provider's time when plausible", () => {
    expect(inboundTime('2026-11-25T11:59:00.000Z', now).toISOString()).toBe('2026-11-25T11:59:00.000Z');
    expect(inboundTime('2026-11-24T10:00:00.000Z', now).toISOString()).toBe('2026-11-24T10:00:00.000Z');
  });

  it('never in the future, never older than the retry horizon, our time when the provider says nothing', () => {
    expect(inboundTime('2026-11-25T13:00:00.000Z', now)).toBe(now);
    expect(inboundTime(new Date(now.getTime() - PROVIDER_RETRY_HORIZON_MS - 1000).toISOString(), now)).toBe(now);
    expect(inboundTime('2023-11-14T22:13:20.000Z', now)).toBe(now);
    expect(inboundTime(null, now)).toBe(now);
    expect(inboundTime('not a date', now)).toBe(now);
  });
});
