import { backoffDelay, createCoalescer, toLiveEvent } from './live';

describe('toLiveEvent', () => {
  it('reads the inbox events', () => {
    expect(toLiveEvent({ event: 'message.media', data: '{"conversationId":7,"message":{"id":3,"media":{"status":"stored"}}}', id: '4' })).toEqual({
      type: 'message.media',
      data: { conversationId: 7, message: { id: 3, media: { status: 'stored' } } },
    });
    expect(toLiveEvent({ event: 'conversation.updated', data: '{"id":7,"unreadCount":1}', id: '1' })).toEqual({ type: 'conversation.updated', data: { id: 7, unreadCount: 1 } });
    expect(toLiveEvent({ event: 'message.created', data: '{"conversationId":7,"message":{"id":3}}', id: '2' })).toEqual({
      type: 'message.created',
      data: { conversationId: 7, message: { id: 3 } },
    });
    expect(toLiveEvent({ event: 'message.status', data: '{"id":3,"status":"read","conversationId":null}', id: '3' })).toEqual({
      type: 'message.status',
      data: { id: 3, status: 'read', conversationId: null },
    });
  });

  it('returns null for unknown events, bad JSON and wrong shapes', () => {
    expect(toLiveEvent({ event: 'message', data: '{"id":1}', id: '' })).toBeNull();
    expect(toLiveEvent({ event: 'conversation.updated', data: '{"id":', id: '' })).toBeNull();
    expect(toLiveEvent({ event: 'conversation.updated', data: '[1]', id: '' })).toBeNull();
    expect(toLiveEvent({ event: 'conversation.updated', data: '{"id":"7"}', id: '' })).toBeNull();
    expect(toLiveEvent({ event: 'message.created', data: '{"conversationId":7}', id: '' })).toBeNull();
    expect(toLiveEvent({ event: 'message.status', data: '{"id":3}', id: '' })).toBeNull();
  });
});

describe('backoffDelay', () => {
  it('doubles from the base, caps at the maximum, and jitters down by at most 20 %', () => {
    const none = () => 0;
    expect([0, 1, 2, 3, 4, 5, 30].map((attempt) => backoffDelay(attempt, 3000, 60_000, none))).toEqual([3000, 6000, 12000, 24000, 48000, 60000, 60000]);
    expect(backoffDelay(1, 3000, 60_000, () => 1)).toBe(4800);
    expect(backoffDelay(-1, 3000, 60_000, none)).toBe(3000);
  });
});

describe('createCoalescer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('runs a burst of requests once, with every key asked for', () => {
    const runs: string[][] = [];
    const c = createCoalescer<string>((keys) => runs.push([...keys].sort()), 300, 2000);
    for (let i = 0; i < 100; i += 1) c.request(i % 2 ? 'thread' : 'list');
    c.request('followUps');
    expect(runs).toEqual([]);
    jest.advanceTimersByTime(299);
    expect(runs).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(runs).toEqual([['followUps', 'list', 'thread']]);
  });

  it('still runs every maxWait under a steady stream', () => {
    let runs = 0;
    const c = createCoalescer<string>(() => (runs += 1), 300, 1000);
    for (let t = 0; t < 3000; t += 100) {
      c.request('thread');
      jest.advanceTimersByTime(100);
    }
    jest.advanceTimersByTime(300);
    expect(runs).toBe(3);
  });

  it('cancel drops what is pending; flush runs it now', () => {
    const runs: string[][] = [];
    const c = createCoalescer<string>((keys) => runs.push([...keys]));
    c.request('list');
    c.cancel();
    jest.advanceTimersByTime(5000);
    expect(runs).toEqual([]);
    c.request('thread');
    c.flush();
    expect(runs).toEqual([['thread']]);
    c.request();
    jest.advanceTimersByTime(5000);
    expect(runs).toEqual([['thread']]);
  });
});
