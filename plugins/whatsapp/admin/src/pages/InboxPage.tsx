import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Box, Button, EmptyStateLayout, Flex, Link, Typography } from '@strapi/design-system';
import { ArrowLeft, Message as MessageIcon } from '@strapi/icons';
import { Layouts, Page, useAPIErrorHandler, useAuth, useDebounce, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';
import { NavLink, useSearchParams } from 'react-router-dom';

import { ConversationList } from '../components/inbox/ConversationList';
import { SimulateReplyModal } from '../components/inbox/SimulateReplyModal';
import { ThreadPanel } from '../components/inbox/ThreadPanel';
import { PERMISSIONS } from '../constants';
import { useLiveEvents } from '../hooks/useLiveEvents';
import { useNarrow } from '../hooks/useNarrow';
import { conversationsQuery, isServiceWindowError, toTemplate } from '../inbox/format';
import { createCoalescer } from '../inbox/live';
import { inboxReducer, initialInboxState, planLiveEvent, type InboxAction, type ListContext, type Refresh } from '../inbox/state';
import type {
  Assignee,
  Conversation,
  ConversationFilters,
  ConversationsAnswer,
  FollowUp,
  InboxReply,
  InboxReplyAnswer,
  ListAnswer,
  SimulateReply,
  SimulateReplyAnswer,
  TemplateOption,
  ThreadAnswer,
} from '../inbox/types';
import { useT } from '../utils/useT';

const LIST_PAGE_SIZE = 50;
/** The server's maximum (validation/index.ts `pagination`). */
const THREAD_PAGE_SIZE = 100;
/** Without the live stream the screen asks again this often. */
const POLL_MS = 15_000;
const API = '/whatsapp/inbox';

/** A clock for relative times and the 24-hour window, ticking every 30 s. */
const useNow = (every = 30_000) => {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(timer);
  }, [every]);
  return now;
};

/**
 * The shared WhatsApp inbox: conversations on the left, the open one on the right. Kept current by
 * the server-sent events stream; while that is down, it polls every 15 s.
 */
const InboxPage = () => {
  const t = useT();
  const { get, post, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  // useRBAC names the answer after the action's last segment: `inbox.reply` → canReply.
  const { allowedActions } = useRBAC(PERMISSIONS.replyInbox);
  const canReply = allowedActions.canReply === true;
  const me = useAuth('WhatsAppInbox', (auth) => (typeof auth.user?.id === 'number' ? auth.user.id : null));
  const now = useNow();

  const [params, setParams] = useSearchParams();
  const selectedId = Number(params.get('conversation')) || null;
  const [listFilters, setListFilters] = useState<Omit<ConversationFilters, 'search'>>({ view: 'all', status: 'open' });
  const [searchInput, setSearchInput] = useState('');
  const search = useDebounce(searchInput, 300);
  const filters = useMemo<ConversationFilters>(() => ({ ...listFilters, search }), [listFilters, search]);

  const [state, dispatch] = useReducer(inboxReducer, initialInboxState);
  // The reducer's state as of the last action, also between renders (live events come in bursts):
  // every action goes through `apply`, so this is never behind `state`.
  const stateRef = useRef(initialInboxState);
  const apply = useCallback((action: InboxAction) => {
    stateRef.current = inboxReducer(stateRef.current, action);
    dispatch(action);
  }, []);
  const contextRef = useRef<ListContext>({ filters, me });
  useLayoutEffect(() => {
    contextRef.current = { filters, me };
  }, [filters, me]);

  const [listLoading, setListLoading] = useState(true);
  const [listError, setListError] = useState(false);
  const [followUps, setFollowUps] = useState<FollowUp[]>([]);
  const [templates, setTemplates] = useState<TemplateOption[] | null>(null);
  const [templatesError, setTemplatesError] = useState(false);
  const [busy, setBusy] = useState(false);
  // From the list's answer: "simulate a customer reply" is offered only in sandbox mode.
  const [sandbox, setSandbox] = useState(false);
  const [simulating, setSimulating] = useState(false);
  const [assignees, setAssignees] = useState<Assignee[]>([]);
  const narrow = useNarrow();

  const notifyError = useCallback(
    (error: unknown) => toggleNotification({ type: 'danger', message: formatAPIError(error as Parameters<typeof formatAPIError>[0]) }),
    [toggleNotification, formatAPIError]
  );

  // ---- loading -------------------------------------------------------------------------------

  const listRequest = useRef(0);
  const loadList = useCallback(
    async (page = 1) => {
      const request = (listRequest.current += 1);
      setListLoading(true);
      try {
        const { data } = await get<ConversationsAnswer>(`${API}/conversations?${conversationsQuery(filters, page, LIST_PAGE_SIZE)}`);
        // An answer for filters changed since is dropped.
        if (request !== listRequest.current) return;
        setSandbox(data.meta.sandbox === true);
        apply({ type: 'list.loaded', conversations: data.data, pagination: data.meta.pagination, append: page > 1 });
        setListError(false);
      } catch (error) {
        if (request !== listRequest.current) return;
        if (stateRef.current.pagination === null) setListError(true);
        else if (page > 1) notifyError(error);
      } finally {
        if (request === listRequest.current) setListLoading(false);
      }
    },
    [get, filters, apply, notifyError]
  );

  const fetchThreadPage = useCallback(
    (id: number, page: number) =>
      get<ThreadAnswer>(`${API}/conversations/${id}/messages?pagination[page]=${page}&pagination[pageSize]=${THREAD_PAGE_SIZE}`).then(({ data }) => data),
    [get]
  );

  /** The newest page of the thread (and the one before when it is short). Reading marks it read. */
  const loadThread = useCallback(
    async (id: number) => {
      try {
        const known = stateRef.current.thread?.conversationId === id ? stateRef.current.thread : null;
        let page = known?.lastPage ?? 1;
        let answer = await fetchThreadPage(id, page);
        if (answer.meta.pagination.pageCount > page) {
          page = answer.meta.pagination.pageCount;
          answer = await fetchThreadPage(id, page);
        }
        let messages = answer.data;
        let firstPage = page;
        if (page > 1 && messages.length < 20 && !(known && known.firstPage < page)) {
          const earlier = await fetchThreadPage(id, page - 1);
          messages = [...earlier.data, ...messages];
          firstPage = page - 1;
        }
        apply({ type: 'thread.loaded', conversationId: id, messages, firstPage, lastPage: page, pagination: answer.meta.pagination });
        apply({ type: 'conversation.changed', conversation: answer.meta.conversation, context: contextRef.current });
      } catch (error) {
        notifyError(error);
      }
    },
    [fetchThreadPage, apply, notifyError]
  );

  const loadEarlier = useCallback(async () => {
    const thread = stateRef.current.thread;
    if (!thread || thread.firstPage <= 1) return;
    try {
      const page = thread.firstPage - 1;
      const answer = await fetchThreadPage(thread.conversationId, page);
      apply({ type: 'thread.loaded', conversationId: thread.conversationId, messages: answer.data, firstPage: page, lastPage: page, pagination: answer.meta.pagination });
    } catch (error) {
      notifyError(error);
    }
  }, [fetchThreadPage, apply, notifyError]);

  const loadFollowUps = useCallback(
    async (id: number) => {
      try {
        const { data } = await get<ListAnswer<FollowUp>>(`${API}/follow-ups?filters[conversation]=${id}&filters[status]=open&pagination[pageSize]=20`);
        if (stateRef.current.selectedId === id) setFollowUps(data.data);
      } catch {
        // Follow-ups are a side panel: the thread still works without them.
      }
    },
    [get]
  );

  /** The reply box's template picker: the plugin's admin list, else the Content Manager's. */
  const loadTemplates = useCallback(async () => {
    const read = (rows: unknown[]) => rows.map((row) => toTemplate(row as Record<string, unknown>)).filter((tpl): tpl is TemplateOption => tpl !== null);
    try {
      const { data } = await get<ListAnswer<unknown>>('/whatsapp/templates?pagination[pageSize]=100');
      setTemplates(read(data.data));
    } catch {
      try {
        const { data } = await get<{ results: unknown[] }>('/content-manager/collection-types/plugin::whatsapp.template?page=1&pageSize=100&sort=name:ASC');
        setTemplates(read(data.results));
      } catch {
        setTemplatesError(true);
      }
    }
  }, [get]);

  useEffect(() => {
    loadList(1);
  }, [loadList]);

  // Names for assignee ids, and the "Assign to" choices.
  useEffect(() => {
    get<{ data: Assignee[] }>(`${API}/assignees`)
      .then(({ data }) => setAssignees(data.data))
      .catch(() => setAssignees([]));
  }, [get]);

  useEffect(() => {
    apply({ type: 'select', id: selectedId });
    setFollowUps([]);
    if (selectedId !== null) {
      loadThread(selectedId);
      loadFollowUps(selectedId);
    }
  }, [selectedId, apply, loadThread, loadFollowUps]);

  // ---- live updates --------------------------------------------------------------------------

  const refreshers = useRef<(keys: Set<Refresh>) => void>(() => undefined);
  useLayoutEffect(() => {
    refreshers.current = (keys) => {
      const id = stateRef.current.selectedId;
      if (keys.has('list')) loadList(1);
      if (id !== null && keys.has('thread')) loadThread(id);
      if (id !== null && keys.has('followUps')) loadFollowUps(id);
    };
  }, [loadList, loadThread, loadFollowUps]);
  // Refreshes asked for by live events and polling, run together (a burst of events makes one request).
  const coalescer = useRef<ReturnType<typeof createCoalescer<Refresh>> | null>(null);
  useEffect(() => {
    const created = createCoalescer<Refresh>((keys) => refreshers.current(keys));
    coalescer.current = created;
    return () => {
      created.cancel();
      coalescer.current = null;
    };
  }, []);

  const connectedBefore = useRef(false);
  const connected = useLiveEvents(`${API}/events`, {
    onEvent: (event) => {
      const plan = planLiveEvent(event, stateRef.current, contextRef.current);
      plan.actions.forEach(apply);
      coalescer.current?.request(...plan.refresh);
    },
    onConnect: () => {
      // After a drop, catch up on what was missed; the first connection follows the first load.
      if (connectedBefore.current) coalescer.current?.request('list', 'thread', 'followUps');
      connectedBefore.current = true;
    },
  });

  useEffect(() => {
    if (connected) return undefined;
    const timer = setInterval(() => coalescer.current?.request('list', 'thread', 'followUps'), POLL_MS);
    return () => clearInterval(timer);
  }, [connected]);

  // ---- actions -------------------------------------------------------------------------------

  const select = (id: number) => setParams({ conversation: String(id) });

  const act = async (run: () => Promise<Conversation>) => {
    setBusy(true);
    try {
      apply({ type: 'conversation.changed', conversation: await run(), context: contextRef.current });
    } catch (error) {
      notifyError(error);
    } finally {
      setBusy(false);
    }
  };

  const assign = (assignee: 'me' | number | null) =>
    act(async () => (await put<{ data: Conversation }>(`${API}/conversations/${selectedId}/assignee`, { data: { assignee } })).data.data);

  const setStatus = (action: 'close' | 'reopen') => act(async () => (await post<{ data: Conversation }>(`${API}/conversations/${selectedId}/${action}`)).data.data);

  const completeFollowUp = async (id: number) => {
    try {
      await post(`${API}/follow-ups/${id}/done`);
      setFollowUps((current) => current.filter((f) => f.id !== id));
    } catch (error) {
      notifyError(error);
    }
  };

  const send = async (payload: InboxReply, idempotencyKey: string) => {
    const id = selectedId;
    if (id === null) return false;
    try {
      const { data } = await post<InboxReplyAnswer>(`${API}/conversations/${id}/messages`, { data: payload }, { headers: { 'Idempotency-Key': idempotencyKey } });
      apply({ type: 'message.upserted', conversationId: id, message: data.data });
      apply({ type: 'conversation.changed', conversation: data.meta.conversation, context: contextRef.current });
      return true;
    } catch (error) {
      if (isServiceWindowError(error)) {
        toggleNotification({
          type: 'warning',
          message: t('inbox.window.expired', 'The 24-hour window has just closed: choose an approved template to reply.'),
        });
        // The conversation's window changed: fetch it so the reply box offers templates.
        loadThread(id);
      } else {
        notifyError(error);
      }
      return false;
    }
  };

  /** Sandbox mode: the customer's message goes through the webhook's path; live events bring it in. */
  const simulate = async (reply: SimulateReply) => {
    try {
      const { data } = await post<SimulateReplyAnswer>(`${API}/simulate`, { data: reply });
      const conversation = data.meta.conversation;
      if (conversation) {
        apply({ type: 'conversation.changed', conversation, context: contextRef.current });
        select(conversation.id);
      }
      return true;
    } catch (error) {
      notifyError(error);
      return false;
    }
  };

  // ---- render --------------------------------------------------------------------------------

  const title = t('inbox.title', 'Inbox');
  if (listError) return <Page.Error />;

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        title={title}
        subtitle={
          connected
            ? t('inbox.subtitle.live', 'Customer conversations on WhatsApp. Updates arrive live.')
            : t('inbox.subtitle.polling', 'Customer conversations on WhatsApp. Reconnecting… (checking every 15 seconds meanwhile)')
        }
        navigationAction={
          <Link tag={NavLink} to=".." relative="path" startIcon={<ArrowLeft />}>
            {t('inbox.back', 'WhatsApp')}
          </Link>
        }
        primaryAction={
          sandbox && canReply ? (
            <Button variant="secondary" startIcon={<MessageIcon />} onClick={() => setSimulating(true)}>
              {t('inbox.simulate.open', 'Simulate a customer reply')}
            </Button>
          ) : undefined
        }
      />
      {simulating ? <SimulateReplyModal conversation={state.selected} onClose={() => setSimulating(false)} onSimulate={simulate} /> : null}
      <Layouts.Content>
        <Flex
          alignItems="stretch"
          background="neutral0"
          shadow="filterShadow"
          hasRadius
          overflow="hidden"
          style={{ height: narrow ? 'calc(100vh - 160px)' : 'calc(100vh - 220px)', minHeight: narrow ? 360 : 480 }}
        >
          {/* Phone width: the list or the open conversation, with a way back; side by side above it. */}
          <Box
            width={narrow ? '100%' : '360px'}
            borderColor="neutral150"
            style={{ flexShrink: 0, borderRightWidth: narrow ? 0 : 1, borderRightStyle: 'solid', display: narrow && selectedId !== null ? 'none' : undefined }}
          >
            <ConversationList
              conversations={state.conversations}
              loading={listLoading}
              hasMore={state.pagination !== null && state.pagination.page < state.pagination.pageCount}
              onLoadMore={() => state.pagination && loadList(state.pagination.page + 1)}
              selectedId={selectedId}
              onSelect={select}
              filters={listFilters}
              onFiltersChange={setListFilters}
              search={searchInput}
              onSearchChange={setSearchInput}
              now={now}
            />
          </Box>
          <Box flex="1" minWidth={0} style={{ display: narrow && selectedId === null ? 'none' : undefined }}>
            {state.selected ? (
              <ThreadPanel
                conversation={state.selected}
                thread={state.thread}
                me={me}
                now={now}
                canReply={canReply}
                busy={busy}
                followUps={followUps}
                templates={templates}
                templatesError={templatesError}
                onNeedTemplates={loadTemplates}
                onLoadEarlier={loadEarlier}
                onAssign={assign}
                assignees={assignees}
                onBack={narrow ? () => setParams({}) : undefined}
                onStatus={setStatus}
                onFollowUpDone={completeFollowUp}
                onSend={send}
              />
            ) : (
              <Flex height="100%" justifyContent="center" alignItems="center" padding={6}>
                {selectedId !== null ? (
                  <Typography textColor="neutral600">{t('inbox.loading', 'Loading…')}</Typography>
                ) : (
                  <EmptyStateLayout content={t('inbox.pick', 'Choose a conversation on the left to read it and reply.')} />
                )}
              </Flex>
            )}
          </Box>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

/** The inbox needs the read permission; replying is checked inside. */
const ProtectedInboxPage = () => (
  <Page.Protect permissions={PERMISSIONS.readInbox}>
    <InboxPage />
  </Page.Protect>
);

export { ProtectedInboxPage as InboxPage };
