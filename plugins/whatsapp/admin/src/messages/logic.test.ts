import { EMPTY_FILTERS, canCancel, canRetry, dayBound, excerpt, failureText, filtersFromUrl, hasFilters, messageIdFromUrl, messagesPath, queryOf, statusVariant, timelineOf } from './logic';

describe('messages query', () => {
  it('sends only pagination without filters', () => {
    expect(queryOf(EMPTY_FILTERS, 1)).toEqual({ pagination: { page: 1, pageSize: 25 } });
  });

  it('sends the filters the API accepts and drops malformed ones', () => {
    const q = queryOf({ ...EMPTY_FILTERS, status: 'failed', template: '3', campaign: 'abc', contact: ' 7 ', from: '2026-11-01', until: 'nope' }, 2, 50);
    expect(q.pagination).toEqual({ page: 2, pageSize: 50 });
    expect(q.filters).toEqual({ status: 'failed', template: '3', contact: '7', from: dayBound('2026-11-01') });
    expect(queryOf(EMPTY_FILTERS, 0).pagination.page).toBe(1);
  });

  it('sends the automation as an id and the record as its type and id', () => {
    const q = queryOf({ ...EMPTY_FILTERS, automation: ' 4 ', relatedType: ' api::work-order.work-order ', relatedId: 'abc123' }, 1);
    expect(q.filters).toEqual({ automation: '4', relatedType: 'api::work-order.work-order', relatedId: 'abc123' });
    // An automation the API would refuse (not a positive id) is left out; blank record fields too.
    expect(queryOf({ ...EMPTY_FILTERS, automation: 'abc', relatedType: '  ', relatedId: '' }, 1).filters).toBeUndefined();
    expect(queryOf({ ...EMPTY_FILTERS, automation: '0' }, 1).filters).toBeUndefined();
  });

  it('turns days into the start and end instants of the local day', () => {
    const start = new Date(dayBound('2026-11-01') as string);
    const end = new Date(dayBound('2026-11-01', true) as string);
    expect([start.getHours(), start.getMinutes()]).toEqual([0, 0]);
    expect([end.getHours(), end.getMinutes(), end.getDate()]).toEqual([23, 59, 1]);
    expect(dayBound('01/11/2026')).toBeUndefined();
  });

  it('knows when filters are set', () => {
    expect(hasFilters(EMPTY_FILTERS)).toBe(false);
    expect(hasFilters({ ...EMPTY_FILTERS, contact: '1' })).toBe(true);
    expect(hasFilters({ ...EMPTY_FILTERS, automation: '2' })).toBe(true);
    expect(hasFilters({ ...EMPTY_FILTERS, relatedId: 'abc' })).toBe(true);
  });

  it('reads the filters a link carries', () => {
    expect(filtersFromUrl(new URLSearchParams('automation=2'))).toEqual({ ...EMPTY_FILTERS, automation: '2' });
    expect(filtersFromUrl(new URLSearchParams('relatedType=api::work-order.work-order&relatedId=abc123'))).toEqual({
      ...EMPTY_FILTERS,
      relatedType: 'api::work-order.work-order',
      relatedId: 'abc123',
    });
    expect(filtersFromUrl(new URLSearchParams('status=failed&campaign=3&message=9'))).toEqual({ ...EMPTY_FILTERS, status: 'failed', campaign: '3' });
    expect(filtersFromUrl(new URLSearchParams('status=bogus')).status).toBe('');
  });

  it('builds links to the log that open filtered, and read back the same', () => {
    expect(messagesPath({})).toBe('/plugins/whatsapp/messages');
    expect(messagesPath({ automation: '2' })).toBe('/plugins/whatsapp/messages?automation=2');
    const path = messagesPath({ relatedType: 'api::work-order.work-order', relatedId: 'abc 1&x' });
    expect(filtersFromUrl(new URLSearchParams(path.split('?')[1]))).toEqual({ ...EMPTY_FILTERS, relatedType: 'api::work-order.work-order', relatedId: 'abc 1&x' });
  });
});

describe('messages actions and display', () => {
  it('allows cancel while waiting and retry after failing', () => {
    expect(['scheduled', 'queued', 'sending', 'sent'].map((s) => canCancel(s as never))).toEqual([true, true, false, false]);
    expect(['failed', 'cancelled', 'unknown', 'sent', 'queued'].map((s) => canRetry(s as never))).toEqual([true, true, true, false, false]);
    // A message whose text was removed (retention, erasure) is never sent again.
    expect(canRetry('failed', '2026-05-04T03:17:00.000Z')).toBe(false);
  });

  it('colours statuses', () => {
    expect(statusVariant('read')).toBe('success');
    expect(statusVariant('failed')).toBe('danger');
    expect(statusVariant('queued')).toBe('warning');
    expect(statusVariant('cancelled')).toBe('neutral');
  });

  it('cuts long texts', () => {
    expect(excerpt('hola\n  mundo')).toBe('hola mundo');
    expect(excerpt('a'.repeat(100), 10)).toBe(`${'a'.repeat(9)}…`);
    expect(excerpt(null)).toBe('');
  });

  it('explains failures in the admin language', () => {
    const failure = { code: '131026', class: 'permanent' as const, fallback: true, waitSeconds: null, reason: 'Not on WhatsApp', remedy: 'Use SMS', es: { reason: 'No usa WhatsApp', remedy: 'Use SMS' } };
    expect(failureText({ failure, errorCode: '131026', errorText: 'x' }, 'es-MX')).toEqual({ reason: 'No usa WhatsApp', remedy: 'Use SMS' });
    expect(failureText({ failure, errorCode: '131026', errorText: 'x' }, 'en')).toEqual({ reason: 'Not on WhatsApp', remedy: 'Use SMS' });
    expect(failureText({ failure: null, errorCode: '500', errorText: 'Boom' }, 'en')).toEqual({ reason: '500: Boom', remedy: null });
    expect(failureText({ failure: null, errorCode: null, errorText: null }, 'en')).toBeNull();
  });

  it('lists the status times that happened in order', () => {
    expect(timelineOf({ queued: 'a', sent: 'b', delivered: null, read: null, failed: 'c', cancelled: null, received: null })).toEqual([
      { status: 'queued', at: 'a' },
      { status: 'sent', at: 'b' },
      { status: 'failed', at: 'c' },
    ]);
    expect(timelineOf(null)).toEqual([]);
  });
});

describe('links to one message', () => {
  it('open the message a link names, and nothing for anything else', () => {
    expect(messageIdFromUrl(new URLSearchParams('message=12'))).toBe(12);
    expect(messageIdFromUrl(new URLSearchParams('campaign=3&message=7'))).toBe(7);
    for (const query of ['', 'message=', 'message=0', 'message=-1', 'message=1.5', 'message=abc', 'message=99999999999999999999']) {
      expect(messageIdFromUrl(new URLSearchParams(query))).toBeNull();
    }
  });
});
