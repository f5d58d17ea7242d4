import type { MessageStatus } from '../../../shared/contracts';
import type { Conversation, ConversationFilters, LiveEvent, Message, Pagination } from './types';

/**
 * The inbox screen's data as one pure reducer: the conversation list (in the server's order),
 * the open conversation and its thread. API answers and live events both go through it, so an
 * event that arrives while a request is in flight cannot leave the two out of step.
 */

export interface ThreadState {
  conversationId: number;
  messages: Message[];
  /** The oldest and newest pages loaded (the thread is paginated oldest first). */
  firstPage: number;
  lastPage: number;
  pageCount: number;
  total: number;
}

export interface InboxState {
  conversations: Conversation[];
  pagination: Pagination | null;
  selectedId: number | null;
  selected: Conversation | null;
  thread: ThreadState | null;
}

export const initialInboxState: InboxState = { conversations: [], pagination: null, selectedId: null, selected: null, thread: null };

/** Who is looking and through which filters: decides whether a changed conversation belongs in the list. */
export interface ListContext {
  filters: ConversationFilters;
  me: number | null;
}

export type InboxAction =
  | { type: 'list.loaded'; conversations: Conversation[]; pagination: Pagination; append: boolean }
  | { type: 'conversation.changed'; conversation: Conversation; context: ListContext }
  | { type: 'select'; id: number | null }
  | { type: 'thread.loaded'; conversationId: number; messages: Message[]; firstPage: number; lastPage: number; pagination: Pagination }
  | { type: 'message.upserted'; conversationId: number; message: Message }
  | { type: 'message.status'; id: number; status: MessageStatus };

const time = (iso: string | null | undefined) => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? 0 : t;
};

/** The server's order: unread first, then the most recent message (or creation), then the newest id. */
export const compareConversations = (a: Conversation, b: Conversation) => {
  const unread = Number(b.unreadCount > 0) - Number(a.unreadCount > 0);
  if (unread !== 0) return unread;
  const recent = time(b.lastMessageAt ?? b.createdAt) - time(a.lastMessageAt ?? a.createdAt);
  if (recent !== 0) return recent;
  return b.id - a.id;
};

/** The same test the server's list applies (services/inbox.ts `list`). */
export const matchesFilters = (c: Conversation, { filters, me }: ListContext) => {
  if (filters.view === 'unread' && !(c.unreadCount > 0)) return false;
  if (filters.view === 'mine' && (me === null || c.assigneeId !== me)) return false;
  if (filters.status !== 'all' && c.status !== filters.status) return false;
  const search = filters.search.trim();
  if (search) {
    const needle = search.toLowerCase();
    const digits = search.replace(/\D/g, '');
    const names = [c.contact?.name, c.contact?.profileName].filter((n): n is string => typeof n === 'string');
    const byName = names.some((n) => n.toLowerCase().includes(needle));
    const byPhone = digits.length >= 3 && (c.contact?.phone ?? '').includes(digits);
    if (!byName && !byPhone) return false;
  }
  return true;
};

/**
 * The list after one conversation changed: replaced in place and re-sorted, added when it now
 * matches the filters, removed when it no longer does. The open one is kept only when reading it
 * is what made it stop matching (the Unread view), so it does not vanish from under the cursor;
 * closed (here or in another tab) or assigned away, it leaves the list at once. A new one that
 * sorts after the last loaded row belongs to a page not loaded yet, so it is left to that page.
 */
export const upsertConversation = (
  list: Conversation[],
  pagination: Pagination | null,
  conversation: Conversation,
  context: ListContext,
  keepId: number | null
): { list: Conversation[]; pagination: Pagination | null } => {
  const index = list.findIndex((c) => c.id === conversation.id);
  const readAway = conversation.id === keepId && context.filters.view === 'unread' && matchesFilters(conversation, { ...context, filters: { ...context.filters, view: 'all' } });
  const belongs = matchesFilters(conversation, context) || readAway;
  const adjust = (delta: number) => (pagination ? { ...pagination, total: Math.max(0, pagination.total + delta) } : pagination);
  if (index === -1) {
    if (!belongs) return { list, pagination };
    const morePages = pagination !== null && pagination.page < pagination.pageCount;
    const last = list[list.length - 1];
    if (morePages && last && compareConversations(conversation, last) > 0) return { list, pagination: adjust(1) };
    return { list: [...list, conversation].sort(compareConversations), pagination: adjust(1) };
  }
  if (!belongs) return { list: list.filter((c) => c.id !== conversation.id), pagination: adjust(-1) };
  const next = list.slice();
  next[index] = conversation;
  return { list: next.sort(compareConversations), pagination };
};

/** Messages by id (the server's thread order), the incoming copy winning. */
export const mergeMessages = (existing: Message[], incoming: Message[]) => {
  const byId = new Map<number, Message>();
  for (const m of existing) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.id - b.id);
};

export const inboxReducer = (state: InboxState, action: InboxAction): InboxState => {
  switch (action.type) {
    case 'list.loaded': {
      const conversations = action.append ? mergeConversations(state.conversations, action.conversations) : action.conversations;
      return { ...state, conversations, pagination: action.pagination };
    }
    case 'conversation.changed': {
      const { list, pagination } = upsertConversation(state.conversations, state.pagination, action.conversation, action.context, state.selectedId);
      const selected = state.selectedId === action.conversation.id ? action.conversation : state.selected;
      return { ...state, conversations: list, pagination, selected };
    }
    case 'select': {
      if (action.id === state.selectedId) return state;
      const selected = state.conversations.find((c) => c.id === action.id) ?? null;
      return { ...state, selectedId: action.id, selected, thread: null };
    }
    case 'thread.loaded': {
      if (action.conversationId !== state.selectedId) return state;
      const current = state.thread?.conversationId === action.conversationId ? state.thread : null;
      return {
        ...state,
        thread: {
          conversationId: action.conversationId,
          messages: mergeMessages(current?.messages ?? [], action.messages),
          firstPage: Math.min(current?.firstPage ?? action.firstPage, action.firstPage),
          lastPage: Math.max(current?.lastPage ?? action.lastPage, action.lastPage),
          pageCount: action.pagination.pageCount,
          total: action.pagination.total,
        },
      };
    }
    case 'message.upserted': {
      const thread = state.thread;
      if (!thread || thread.conversationId !== action.conversationId) return state;
      const isNew = !thread.messages.some((m) => m.id === action.message.id);
      return {
        ...state,
        thread: { ...thread, messages: mergeMessages(thread.messages, [action.message]), total: thread.total + (isNew ? 1 : 0) },
      };
    }
    case 'message.status': {
      const thread = state.thread;
      if (!thread) return state;
      const index = thread.messages.findIndex((m) => m.id === action.id);
      if (index === -1 || thread.messages[index].status === action.status) return state;
      const messages = thread.messages.slice();
      messages[index] = { ...messages[index], status: action.status };
      return { ...state, thread: { ...thread, messages } };
    }
    default:
      return state;
  }
};

/** A further page appended to the list: rows already shown (moved by live updates) are not repeated. */
const mergeConversations = (existing: Conversation[], incoming: Conversation[]) => {
  const seen = new Set(existing.map((c) => c.id));
  return [...existing, ...incoming.filter((c) => !seen.has(c.id))];
};

/** What to fetch again after a live event, beyond what the event itself carries. */
export type Refresh = 'list' | 'thread' | 'followUps';

const FAILED = new Set<MessageStatus>(['failed', 'undeliverable']);

/**
 * Turns a live event into reducer actions plus the requests still needed: an inbound message in
 * the open conversation refetches the thread (reading it marks it read) and its follow-ups; a
 * failure refetches the thread for the error text the status event does not carry.
 */
export const planLiveEvent = (event: LiveEvent, state: InboxState, context: ListContext): { actions: InboxAction[]; refresh: Refresh[] } => {
  switch (event.type) {
    case 'conversation.updated':
      return { actions: [{ type: 'conversation.changed', conversation: event.data, context }], refresh: [] };
    case 'message.created': {
      const { conversationId, message } = event.data;
      if (conversationId !== state.selectedId) return { actions: [], refresh: [] };
      return {
        actions: [{ type: 'message.upserted', conversationId, message }],
        refresh: message.direction === 'in' ? ['thread', 'followUps'] : [],
      };
    }
    case 'message.media': {
      const { conversationId, message } = event.data;
      if (conversationId === null || conversationId !== state.selectedId) return { actions: [], refresh: [] };
      return { actions: [{ type: 'message.upserted', conversationId, message }], refresh: [] };
    }
    case 'message.status': {
      const { id, status } = event.data;
      const shown = state.thread?.messages.some((m) => m.id === id) ?? false;
      if (!shown) return { actions: [], refresh: [] };
      return { actions: [{ type: 'message.status', id, status }], refresh: FAILED.has(status) ? ['thread'] : [] };
    }
    default:
      return { actions: [], refresh: ['list'] };
  }
};
