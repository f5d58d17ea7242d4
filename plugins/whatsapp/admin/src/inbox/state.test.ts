import { compareConversations, inboxReducer, initialInboxState, matchesFilters, mergeMessages, planLiveEvent, upsertConversation, type InboxState, type ListContext } from './state';
import type { MessageStatus } from '../../../shared/contracts';
import type { Conversation, Message, Pagination } from './types';

const conversation = (id: number, over: Partial<Conversation> = {}): Conversation => ({
  id,
  documentId: `doc${id}`,
  status: 'open',
  unreadCount: 0,
  assigneeId: null,
  contactId: id,
  senderId: 1,
  contact: { id, documentId: null, phone: `52155500000${id}`, name: `Name ${id}`, profileName: null, isLead: false },
  lastInboundAt: null,
  lastMessageAt: `2025-01-01T00:0${id}:00.000Z`,
  lastMessagePreview: null,
  windowOpen: false,
  windowClosesAt: null,
  related: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: null,
  ...over,
});

const message = (id: number, over: Partial<Message> = {}): Message => ({
  id,
  documentId: `msg${id}`,
  direction: 'out',
  status: 'sent',
  to: '+521555000001',
  from: null,
  contactId: 1,
  senderId: 1,
  template: null,
  templateId: null,
  variables: null,
  body: `m${id}`,
  media: null,
  category: 'service',
  channel: 'whatsapp',
  dueAt: null,
  attempts: 1,
  nextAttemptAt: null,
  provider: 'sandbox',
  providerMessageId: null,
  errorCode: null,
  errorText: null,
  idempotencyKey: null,
  campaignId: null,
  automationId: null,
  conversationId: 1,
  related: null,
  statusTimes: { queued: null, sent: null, delivered: null, read: null, failed: null, cancelled: null, received: null },
  createdAt: null,
  updatedAt: null,
  ...over,
});

const all: ListContext = { filters: { view: 'all', status: 'all', search: '' }, me: 3 };
const page = (over: Partial<Pagination> = {}): Pagination => ({ page: 1, pageSize: 50, pageCount: 1, total: 3, ...over });
const ids = (list: Conversation[]) => list.map((c) => c.id);

describe('compareConversations', () => {
  it('puts unread first, then the most recent message, then the newest id', () => {
    const list = [
      conversation(1, { lastMessageAt: '2025-01-03T00:00:00Z' }),
      conversation(2, { unreadCount: 1, lastMessageAt: '2025-01-01T00:00:00Z' }),
      conversation(3, { lastMessageAt: null, createdAt: '2025-01-04T00:00:00Z' }),
      conversation(4, { lastMessageAt: '2025-01-03T00:00:00Z' }),
    ];
    expect(ids(list.sort(compareConversations))).toEqual([2, 3, 4, 1]);
  });
});

describe('matchesFilters', () => {
  it('applies unread, mine, status and search like the server', () => {
    const c = conversation(5, { unreadCount: 0, assigneeId: 3, status: 'closed', contact: { id: 5, documentId: null, phone: '5215512345678', name: null, profileName: 'Ana López', isLead: true } });
    expect(matchesFilters(c, all)).toBe(true);
    expect(matchesFilters(c, { ...all, filters: { ...all.filters, view: 'unread' } })).toBe(false);
    expect(matchesFilters(c, { ...all, filters: { ...all.filters, view: 'mine' } })).toBe(true);
    expect(matchesFilters(c, { me: 4, filters: { ...all.filters, view: 'mine' } })).toBe(false);
    expect(matchesFilters(c, { me: null, filters: { ...all.filters, view: 'mine' } })).toBe(false);
    expect(matchesFilters(c, { ...all, filters: { ...all.filters, status: 'open' } })).toBe(false);
    expect(matchesFilters(c, { ...all, filters: { ...all.filters, search: 'ana ló' } })).toBe(true);
    expect(matchesFilters(c, { ...all, filters: { ...all.filters, search: '+52 (166) 1234' } })).toBe(false);
    expect(matchesFilters(c, { ...all, filters: { ...all.filters, search: '55 1234' } })).toBe(true);
    // Fewer than three digits never matches the phone.
    expect(matchesFilters(c, { ...all, filters: { ...all.filters, search: '55' } })).toBe(false);
  });
});

describe('upsertConversation', () => {
  const list = [conversation(3), conversation(2), conversation(1)];

  it('replaces a row in place and re-sorts it (a new unread message moves it to the top)', () => {
    const { list: next, pagination } = upsertConversation(list, page(), conversation(1, { unreadCount: 2 }), all, null);
    expect(ids(next)).toEqual([1, 3, 2]);
    expect(next[0].unreadCount).toBe(2);
    expect(pagination?.total).toBe(3);
  });

  it('adds a new matching conversation and counts it', () => {
    const { list: next, pagination } = upsertConversation(list, page(), conversation(9, { lastMessageAt: '2025-02-01T00:00:00Z' }), all, null);
    expect(ids(next)).toEqual([9, 3, 2, 1]);
    expect(pagination?.total).toBe(4);
  });

  it('leaves a new conversation that sorts after the last loaded row to a later page', () => {
    const { list: next, pagination } = upsertConversation(list, page({ pageCount: 2, total: 60 }), conversation(0, { lastMessageAt: '2024-01-01T00:00:00Z' }), all, null);
    expect(ids(next)).toEqual([3, 2, 1]);
    expect(pagination?.total).toBe(61);
  });

  it('removes a row that no longer matches, unless it is the open conversation', () => {
    const unread: ListContext = { ...all, filters: { ...all.filters, view: 'unread' } };
    const read = conversation(2, { unreadCount: 0 });
    expect(ids(upsertConversation(list, page(), read, unread, null).list)).toEqual([3, 1]);
    expect(upsertConversation(list, page(), read, unread, null).pagination?.total).toBe(2);
    expect(ids(upsertConversation(list, page(), read, unread, 2).list)).toEqual([3, 2, 1]);
  });

  it('ignores a new conversation that does not match', () => {
    const closedOnly: ListContext = { ...all, filters: { ...all.filters, status: 'closed' } };
    const result = upsertConversation(list, page(), conversation(9), closedOnly, null);
    expect(result.list).toBe(list);
    expect(result.pagination?.total).toBe(3);
  });
});

describe('mergeMessages', () => {
  it('unions by id in id order, the incoming copy winning', () => {
    const merged = mergeMessages([message(1), message(3, { status: 'sent' })], [message(2), message(3, { status: 'read' })]);
    expect(merged.map((m) => [m.id, m.status])).toEqual([
      [1, 'sent'],
      [2, 'sent'],
      [3, 'read'],
    ]);
  });
});

describe('inboxReducer', () => {
  const loaded = (): InboxState => {
    let state = inboxReducer(initialInboxState, { type: 'list.loaded', conversations: [conversation(2), conversation(1)], pagination: page({ total: 2 }) , append: false });
    state = inboxReducer(state, { type: 'select', id: 1 });
    return inboxReducer(state, { type: 'thread.loaded', conversationId: 1, messages: [message(10), message(11)], firstPage: 2, lastPage: 2, pagination: page({ pageCount: 2, total: 102 }) });
  };

  it('selects a conversation and loads its thread', () => {
    const state = loaded();
    expect(state.selected?.id).toBe(1);
    expect(state.thread).toEqual({ conversationId: 1, messages: [message(10), message(11)], firstPage: 2, lastPage: 2, pageCount: 2, total: 102 });
  });

  it('prepends an earlier page without losing the loaded one', () => {
    const state = inboxReducer(loaded(), { type: 'thread.loaded', conversationId: 1, messages: [message(1)], firstPage: 1, lastPage: 1, pagination: page({ pageCount: 2, total: 102 }) });
    expect(state.thread?.messages.map((m) => m.id)).toEqual([1, 10, 11]);
    expect([state.thread?.firstPage, state.thread?.lastPage]).toEqual([1, 2]);
  });

  it('drops a thread answer for a conversation that is no longer open', () => {
    const state = inboxReducer(loaded(), { type: 'select', id: 2 });
    expect(state.thread).toBeNull();
    expect(inboxReducer(state, { type: 'thread.loaded', conversationId: 1, messages: [message(1)], firstPage: 1, lastPage: 1, pagination: page() })).toBe(state);
  });

  it('adds a message once however often it is announced', () => {
    let state = inboxReducer(loaded(), { type: 'message.upserted', conversationId: 1, message: message(12) });
    state = inboxReducer(state, { type: 'message.upserted', conversationId: 1, message: message(12, { status: 'delivered' }) });
    expect(state.thread?.messages.map((m) => [m.id, m.status])).toEqual([
      [10, 'sent'],
      [11, 'sent'],
      [12, 'delivered'],
    ]);
    expect(state.thread?.total).toBe(103);
    expect(inboxReducer(state, { type: 'message.upserted', conversationId: 2, message: message(99) })).toBe(state);
  });

  it('patches a status in place and ignores unknown ids', () => {
    const state = inboxReducer(loaded(), { type: 'message.status', id: 11, status: 'read' });
    expect(state.thread?.messages[1].status).toBe('read');
    expect(inboxReducer(state, { type: 'message.status', id: 77, status: 'read' })).toBe(state);
  });

  it('keeps the open conversation in step with its changes', () => {
    const state = inboxReducer(loaded(), { type: 'conversation.changed', conversation: conversation(1, { status: 'closed' }), context: all });
    expect(state.selected?.status).toBe('closed');
    expect(state.conversations.find((c) => c.id === 1)?.status).toBe('closed');
  });

  it('closing the open conversation takes it out of the Open list at once (also from a live event)', () => {
    const open: ListContext = { filters: { view: 'all', status: 'open', search: '' }, me: 3 };
    const state = inboxReducer(loaded(), { type: 'conversation.changed', conversation: conversation(1, { status: 'closed' }), context: open });
    expect(ids(state.conversations)).not.toContain(1);
    // Still shown on the right, closed, until another is chosen.
    expect(state.selected?.status).toBe('closed');
  });

  it('reading the open conversation in the Unread view keeps it in the list', () => {
    const unread: ListContext = { filters: { view: 'unread', status: 'open', search: '' }, me: 3 };
    const state = inboxReducer(loaded(), { type: 'conversation.changed', conversation: conversation(1, { unreadCount: 0 }), context: unread });
    expect(ids(state.conversations)).toContain(1);
  });

  it('does not repeat rows when a further page overlaps rows moved by live updates', () => {
    const state = inboxReducer(loaded(), { type: 'list.loaded', conversations: [conversation(1), conversation(0)], pagination: page({ page: 2 }), append: true });
    expect(ids(state.conversations)).toEqual([2, 1, 0]);
  });
});

describe('planLiveEvent', () => {
  const state = inboxReducer(
    inboxReducer(inboxReducer(initialInboxState, { type: 'list.loaded', conversations: [conversation(1)], pagination: page(), append: false }), { type: 'select', id: 1 }),
    { type: 'thread.loaded', conversationId: 1, messages: [message(10)], firstPage: 1, lastPage: 1, pagination: page() }
  );

  it('merges conversation changes without a request', () => {
    expect(planLiveEvent({ type: 'conversation.updated', data: conversation(4) }, state, all)).toEqual({
      actions: [{ type: 'conversation.changed', conversation: conversation(4), context: all }],
      refresh: [],
    });
  });

  it('appends a message to the open thread; an inbound one also refetches the thread (marks it read) and follow-ups', () => {
    expect(planLiveEvent({ type: 'message.created', data: { conversationId: 1, message: message(11, { direction: 'in' }) } }, state, all)).toEqual({
      actions: [{ type: 'message.upserted', conversationId: 1, message: message(11, { direction: 'in' }) }],
      refresh: ['thread', 'followUps'],
    });
    expect(planLiveEvent({ type: 'message.created', data: { conversationId: 1, message: message(12) } }, state, all).refresh).toEqual([]);
    expect(planLiveEvent({ type: 'message.created', data: { conversationId: 2, message: message(13) } }, state, all)).toEqual({ actions: [], refresh: [] });
  });

  it('replaces a message in place when its file has been stored (message.media), without a request', () => {
    const stored = message(10, { direction: 'in', media: { kind: 'image', status: 'stored', file: { id: 3, name: 'foto.jpg', mime: 'image/jpeg', sizeKb: 12.5, url: '/uploads/foto.jpg' } } });
    const plan = planLiveEvent({ type: 'message.media', data: { conversationId: 1, message: stored } }, state, all);
    expect(plan).toEqual({ actions: [{ type: 'message.upserted', conversationId: 1, message: stored }], refresh: [] });
    const next = inboxReducer(state, plan.actions[0]);
    expect(next.thread?.messages).toEqual([stored]);
    expect(next.thread?.total).toBe(state.thread?.total);
    expect(planLiveEvent({ type: 'message.media', data: { conversationId: 2, message: stored } }, state, all)).toEqual({ actions: [], refresh: [] });
  });

  it('patches statuses of shown messages and refetches the thread for a failure (its error text)', () => {
    const status = (id: number, value: MessageStatus) => ({ type: 'message.status' as const, data: { id, status: value, contactId: 1, conversationId: 1 } });
    expect(planLiveEvent(status(10, 'read'), state, all)).toEqual({ actions: [{ type: 'message.status', id: 10, status: 'read' }], refresh: [] });
    expect(planLiveEvent(status(10, 'failed'), state, all).refresh).toEqual(['thread']);
    expect(planLiveEvent(status(55, 'failed'), state, all)).toEqual({ actions: [], refresh: [] });
  });
});
