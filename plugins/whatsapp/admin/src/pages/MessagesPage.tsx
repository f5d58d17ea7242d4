import { useCallback, useEffect, useState } from 'react';
import {
  Badge,
  Box,
  Button,
  EmptyStateLayout,
  Field,
  Flex,
  Link,
  LinkButton,
  Modal,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowLeft, Plus } from '@strapi/icons';
import { NavLink, useSearchParams } from 'react-router-dom';
import { useIntl } from 'react-intl';
import { Layouts, Page, useAPIErrorHandler, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';

import type { ListAnswer, Message, MessageAttempt, MessageStatus, StatusTimes, Template } from '../../../shared/contracts';
import type { Automation, AutomationContentType } from '../../../shared/automations';
import { PERMISSIONS } from '../constants';
import {
  EMPTY_FILTERS,
  STATUSES,
  canCancel,
  canRetry,
  excerpt,
  failureText,
  filtersFromUrl,
  hasFilters,
  messageIdFromUrl,
  queryOf,
  statusVariant,
  timelineOf,
} from '../messages/logic';
import type { MessageFilters } from '../messages/logic';
import { useT } from '../utils/useT';
import { statusLabels } from '../messages/labels';

type T = ReturnType<typeof useT>;

const timeLabels = (t: T): Record<keyof StatusTimes, string> => ({
  queued: t('messages.time.queued', 'Queued'),
  sent: t('messages.time.sent', 'Sent'),
  delivered: t('messages.time.delivered', 'Delivered'),
  read: t('messages.time.read', 'Read'),
  failed: t('messages.time.failed', 'Failed'),
  cancelled: t('messages.time.cancelled', 'Cancelled'),
  received: t('messages.time.received', 'Received'),
});

const outcomeLabels = (t: T): Record<MessageAttempt['outcome'], string> => ({
  sent: t('messages.outcome.sent', 'handed to the provider'),
  retry: t('messages.outcome.retry', 'failed, will try again'),
  failed: t('messages.outcome.failed', 'failed'),
  'opted-out': t('messages.outcome.optedOut', 'the contact opted out'),
  'outside-window': t('messages.outcome.outsideWindow', 'outside the 24-hour window'),
});

/**
 * The automations the filter offers; one a link names that is not among them (deleted, or past
 * the first hundred) is offered by its number, so the select still shows what filters the log.
 */
const automationOptions = (automations: Pick<Automation, 'id' | 'name'>[], selected: string): { id: number; name: string | null }[] =>
  selected && /^\d+$/.test(selected) && !automations.some((a) => String(a.id) === selected) ? [...automations, { id: Number(selected), name: null }] : automations;

/** The business types the filter offers, plus one a link names that is not among them (shown by its uid). */
const typeOptions = (types: Pick<AutomationContentType, 'uid' | 'displayName'>[], selected: string) =>
  selected && !types.some((type) => type.uid === selected) ? [...types, { uid: selected, displayName: selected }] : types;

/**
 * The message log (GET /whatsapp/messages): every message sent, scheduled or received, filtered
 * by what the API accepts, a page at a time. A row opens the message's status times and attempts;
 * staff who may send can cancel a waiting message or retry a failed one.
 */
const MessagesPage = () => {
  const t = useT();
  const { formatDate, locale } = useIntl();
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  // useRBAC names the answer after the action's last segment: `messages.send` → canSend.
  const { allowedActions } = useRBAC(PERMISSIONS.sendMessages);
  // `automations.manage` → canManage: only then are the automations and the business types readable.
  const { allowedActions: automationRights } = useRBAC(PERMISSIONS.manageAutomations);
  const canListAutomations = Boolean(automationRights.canManage);
  const [searchParams] = useSearchParams();
  const [filters, setFilters] = useState<MessageFilters>(() => filtersFromUrl(searchParams));
  const [page, setPage] = useState(1);
  const [messages, setMessages] = useState<Message[] | null>(null);
  const [pageCount, setPageCount] = useState(1);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState(false);
  const [templates, setTemplates] = useState<Template[]>([]);
  const [automations, setAutomations] = useState<Pick<Automation, 'id' | 'name'>[]>([]);
  const [contentTypes, setContentTypes] = useState<Pick<AutomationContentType, 'uid' | 'displayName'>[]>([]);
  // `messages?message=12` (a link from an automation run, or New message after sending) opens that message.
  const [openId, setOpenId] = useState<number | null>(() => messageIdFromUrl(searchParams));
  const [detail, setDetail] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);

  const statuses = statusLabels(t);
  const times = timeLabels(t);
  const outcomes = outcomeLabels(t);
  const when = (iso: string | null | undefined) => (iso ? formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' }) : '');

  useEffect(() => {
    // Only for the template filter's names: without the templates permission it stays a plain list.
    get<ListAnswer<Template>>('/whatsapp/templates', { params: { pageSize: 100 } })
      .then(({ data }) => setTemplates(data.data))
      .catch(() => setTemplates([]));
  }, [get]);

  useEffect(() => {
    // The automation and record-type filters are selects for whoever may read the rules; plain fields for the rest.
    if (!canListAutomations) return;
    get<ListAnswer<Automation>>('/whatsapp/automations', { params: { pagination: { page: 1, pageSize: 100 } } })
      .then(({ data }) => setAutomations(data.data))
      .catch(() => setAutomations([]));
    get<{ data: AutomationContentType[] }>('/whatsapp/automations/content-types')
      .then(({ data }) => setContentTypes(data.data))
      .catch(() => setContentTypes([]));
  }, [get, canListAutomations]);

  useEffect(() => {
    let stale = false;
    get<ListAnswer<Message>>('/whatsapp/messages', { params: queryOf(filters, page) })
      .then(({ data }) => {
        if (stale) return;
        setMessages(data.data);
        setPageCount(Math.max(1, data.meta.pagination.pageCount));
        setTotal(data.meta.pagination.total);
      })
      .catch(() => {
        if (!stale) setError(true);
      });
    return () => {
      stale = true;
    };
  }, [get, filters, page, reload]);

  useEffect(() => {
    if (openId === null) return;
    let stale = false;
    setDetail(null);
    get<{ data: Message }>(`/whatsapp/messages/${openId}`)
      .then(({ data }) => {
        if (!stale) setDetail(data.data);
      })
      .catch((e) => {
        if (stale) return;
        toggleNotification({ type: 'danger', message: formatAPIError(e as Parameters<typeof formatAPIError>[0]) });
        setOpenId(null);
      });
    return () => {
      stale = true;
    };
  }, [get, openId, toggleNotification, formatAPIError]);

  const setFilter = useCallback(<K extends keyof MessageFilters>(key: K, value: MessageFilters[K]) => {
    setFilters((current) => ({ ...current, [key]: value }));
    setPage(1);
  }, []);

  const act = async (message: Message, action: 'cancel' | 'retry') => {
    setBusy(true);
    try {
      const { data } = await post<{ data: Message }>(`/whatsapp/messages/${message.id}/${action}`, {});
      setDetail((current) => (current ? { ...current, ...data.data, attemptLog: current.attemptLog } : data.data));
      toggleNotification({
        type: 'success',
        message: action === 'cancel' ? t('messages.cancel.done', 'The message was cancelled.') : t('messages.retry.done', 'The message was queued again.'),
      });
      setReload((n) => n + 1);
    } catch (e) {
      toggleNotification({ type: 'danger', message: formatAPIError(e as Parameters<typeof formatAPIError>[0]) });
    } finally {
      setBusy(false);
    }
  };

  if (error) return <Page.Error />;
  if (!messages) return <Page.Loading />;

  const filtered = hasFilters(filters);
  const detailFailure = detail ? failureText(detail, locale) : null;

  return (
    <Page.Main>
      <Page.Title>{t('messages.title', 'Messages')}</Page.Title>
      <Layouts.Header
        title={t('messages.title', 'Messages')}
        subtitle={t('messages.subtitle', '{total, plural, one {# message} other {# messages}}: what was sent, scheduled and received, and how each one went.', { total })}
        navigationAction={
          <Link tag={NavLink} to=".." relative="path" startIcon={<ArrowLeft />}>
            {t('messages.back', 'WhatsApp')}
          </Link>
        }
        primaryAction={
          allowedActions.canSend ? (
            <LinkButton tag={NavLink} to="new" startIcon={<Plus />}>
              {t('messages.new', 'New message')}
            </LinkButton>
          ) : undefined
        }
      />
      <Layouts.Action
        startActions={
          // The row wraps: with every filter shown it is wider than a laptop screen.
          <Flex gap={2} wrap="wrap" alignItems="flex-end" width="100%">
            <Box width="16rem" maxWidth="100%">
              <Field.Root name="status">
                <Field.Label>{t('messages.filter.status', 'Status')}</Field.Label>
                <SingleSelect
                  value={filters.status}
                  placeholder={t('messages.filter.any', 'Any')}
                  onClear={() => setFilter('status', '')}
                  onChange={(value: string | number) => setFilter('status', String(value) as MessageStatus)}
                >
                  {STATUSES.map((status) => (
                    <SingleSelectOption key={status} value={status}>
                      {statuses[status]}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Field.Root>
            </Box>
            {templates.length ? (
              <Box width="16rem">
                <Field.Root name="template">
                  <Field.Label>{t('messages.filter.template', 'Template')}</Field.Label>
                  <SingleSelect
                    value={filters.template}
                    placeholder={t('messages.filter.any', 'Any')}
                    onClear={() => setFilter('template', '')}
                    onChange={(value: string | number) => setFilter('template', String(value))}
                  >
                    {templates.map((template) => (
                      <SingleSelectOption key={template.id} value={String(template.id)}>
                        {template.name}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
              </Box>
            ) : null}
            <Box width="10rem">
              <Field.Root name="campaign" hint={t('messages.filter.idHint', 'Its number (id)')}>
                <Field.Label>{t('messages.filter.campaign', 'Campaign')}</Field.Label>
                <TextInput inputMode="numeric" value={filters.campaign} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setFilter('campaign', e.target.value)} />
                <Field.Hint />
              </Field.Root>
            </Box>
            {automations.length ? (
              <Box width="16rem" maxWidth="100%">
                <Field.Root name="automation">
                  <Field.Label>{t('messages.filter.automation', 'Automation')}</Field.Label>
                  <SingleSelect
                    value={filters.automation}
                    placeholder={t('messages.filter.any', 'Any')}
                    onClear={() => setFilter('automation', '')}
                    onChange={(value: string | number) => setFilter('automation', String(value))}
                  >
                    {automationOptions(automations, filters.automation).map((automation) => (
                      <SingleSelectOption key={automation.id} value={String(automation.id)}>
                        {automation.name ?? t('messages.automation', 'Automation #{id}', { id: automation.id })}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
              </Box>
            ) : (
              <Box width="10rem">
                <Field.Root name="automation" hint={t('messages.filter.idHint', 'Its number (id)')}>
                  <Field.Label>{t('messages.filter.automation', 'Automation')}</Field.Label>
                  <TextInput inputMode="numeric" value={filters.automation} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setFilter('automation', e.target.value)} />
                  <Field.Hint />
                </Field.Root>
              </Box>
            )}
            <Box width="16rem" maxWidth="100%">
              {contentTypes.length ? (
                <Field.Root name="relatedType">
                  <Field.Label>{t('messages.filter.recordType', 'Record type')}</Field.Label>
                  <SingleSelect
                    value={filters.relatedType}
                    placeholder={t('messages.filter.any', 'Any')}
                    onClear={() => setFilter('relatedType', '')}
                    onChange={(value: string | number) => setFilter('relatedType', String(value))}
                  >
                    {typeOptions(contentTypes, filters.relatedType).map((type) => (
                      <SingleSelectOption key={type.uid} value={type.uid}>
                        {type.displayName}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
              ) : (
                <Field.Root name="relatedType" hint={t('messages.filter.recordTypeHint', 'Its uid, e.g. api::work-order.work-order')}>
                  <Field.Label>{t('messages.filter.recordType', 'Record type')}</Field.Label>
                  <TextInput value={filters.relatedType} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setFilter('relatedType', e.target.value)} />
                  <Field.Hint />
                </Field.Root>
              )}
            </Box>
            <Box width="12rem" maxWidth="100%">
              <Field.Root name="relatedId" hint={t('messages.filter.recordHint', 'Its documentId')}>
                <Field.Label>{t('messages.filter.record', 'Record')}</Field.Label>
                <TextInput value={filters.relatedId} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setFilter('relatedId', e.target.value)} />
                <Field.Hint />
              </Field.Root>
            </Box>
            <Box width="10rem">
              <Field.Root name="contact" hint={t('messages.filter.idHint', 'Its number (id)')}>
                <Field.Label>{t('messages.filter.contact', 'Contact')}</Field.Label>
                <TextInput inputMode="numeric" value={filters.contact} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setFilter('contact', e.target.value)} />
                <Field.Hint />
              </Field.Root>
            </Box>
            <Box width="11rem">
              <Field.Root name="from">
                <Field.Label>{t('messages.filter.from', 'From')}</Field.Label>
                <TextInput type="date" value={filters.from} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setFilter('from', e.target.value)} />
              </Field.Root>
            </Box>
            <Box width="11rem">
              <Field.Root name="until">
                <Field.Label>{t('messages.filter.until', 'Until')}</Field.Label>
                <TextInput type="date" value={filters.until} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setFilter('until', e.target.value)} />
              </Field.Root>
            </Box>
            {filtered ? (
              <Button
                variant="tertiary"
                onClick={() => {
                  setFilters(EMPTY_FILTERS);
                  setPage(1);
                }}
              >
                {t('messages.filter.clear', 'Clear filters')}
              </Button>
            ) : null}
          </Flex>
        }
      />
      <Layouts.Content>
        {messages.length === 0 ? (
          <EmptyStateLayout
            content={
              filtered
                ? t('messages.empty.filtered', 'No message matches these filters. Widen the dates or clear the filters.')
                : t('messages.empty', 'No messages yet. Send one from a record, the inbox or a campaign, or through the API (POST /api/whatsapp/messages); it will be listed here with its status.')
            }
          />
        ) : (
          <>
            <Table colCount={7} rowCount={messages.length + 1}>
              <Thead>
                <Tr>
                  <Th>
                    <Typography variant="sigma">{t('messages.column.date', 'Date')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('messages.column.to', 'To / from')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('messages.column.content', 'Template or text')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('messages.column.status', 'Status')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('messages.column.channel', 'Channel')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('messages.column.origin', 'Campaign / automation')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('messages.column.error', 'Problem')}</Typography>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {messages.map((message) => {
                  const failure = failureText(message, locale);
                  return (
                    <Tr key={message.id} onClick={() => setOpenId(message.id)} style={{ cursor: 'pointer' }}>
                      <Td>
                        <Typography>{when(message.dueAt && message.status === 'scheduled' ? message.dueAt : message.createdAt)}</Typography>
                      </Td>
                      <Td>
                        <Typography fontWeight="bold">{(message.direction === 'in' ? message.from : message.to) ?? ''}</Typography>
                      </Td>
                      <Td>
                        {message.template ? (
                          <Typography>{t('messages.template', 'Template: {name}', { name: message.template })}</Typography>
                        ) : (
                          <Typography textColor="neutral700">{excerpt(message.body)}</Typography>
                        )}
                      </Td>
                      <Td>
                        <Badge variant={statusVariant(message.status)}>{statuses[message.status]}</Badge>
                      </Td>
                      <Td>
                        <Typography>{message.channel ?? ''}</Typography>
                      </Td>
                      <Td>
                        <Typography textColor="neutral600">
                          {message.campaignId
                            ? t('messages.campaign', 'Campaign #{id}', { id: message.campaignId })
                            : message.automationId
                              ? t('messages.automation', 'Automation #{id}', { id: message.automationId })
                              : ''}
                        </Typography>
                      </Td>
                      <Td>
                        <Typography textColor="danger600">{failure ? excerpt(failure.reason, 80) : ''}</Typography>
                      </Td>
                    </Tr>
                  );
                })}
              </Tbody>
            </Table>
            <Flex paddingTop={4} gap={2} justifyContent="flex-end" alignItems="center">
              <Button variant="tertiary" disabled={page <= 1} onClick={() => setPage((p) => Math.max(1, p - 1))}>
                {t('messages.page.previous', 'Previous')}
              </Button>
              <Typography textColor="neutral600">{t('messages.page.of', 'Page {page} of {pageCount}', { page, pageCount })}</Typography>
              <Button variant="tertiary" disabled={page >= pageCount} onClick={() => setPage((p) => Math.min(pageCount, p + 1))}>
                {t('messages.page.next', 'Next')}
              </Button>
            </Flex>
          </>
        )}
      </Layouts.Content>
      {openId !== null ? (
        <Modal.Root open onOpenChange={(open: boolean) => (open ? undefined : setOpenId(null))}>
          <Modal.Content>
            <Modal.Header>
              <Modal.Title>{t('messages.detail.title', 'Message #{id}', { id: openId })}</Modal.Title>
            </Modal.Header>
            <Modal.Body>
              {!detail ? (
                <Typography textColor="neutral600">{t('messages.detail.loading', 'Loading…')}</Typography>
              ) : (
                <Flex direction="column" alignItems="stretch" gap={4}>
                  <Flex gap={2} wrap="wrap">
                    <Badge variant={statusVariant(detail.status)}>{statuses[detail.status]}</Badge>
                    <Typography>{(detail.direction === 'in' ? detail.from : detail.to) ?? ''}</Typography>
                    {detail.channel ? <Typography textColor="neutral600">{detail.channel}</Typography> : null}
                    {detail.provider ? <Typography textColor="neutral600">{detail.provider}</Typography> : null}
                  </Flex>
                  {detail.template ? <Typography>{t('messages.template', 'Template: {name}', { name: detail.template })}</Typography> : null}
                  {detail.body ? (
                    <Box background="neutral100" padding={3} hasRadius>
                      <Typography style={{ whiteSpace: 'pre-wrap' }}>{detail.body}</Typography>
                    </Box>
                  ) : detail.redactedAt ? (
                    <Typography textColor="neutral600" style={{ fontStyle: 'italic' }}>
                      {t('messages.detail.redacted', 'Text removed on {date} (data retention or the contact’s erasure).', { date: when(detail.redactedAt) })}
                    </Typography>
                  ) : null}
                  {detail.status === 'scheduled' && detail.dueAt ? (
                    <Typography>{t('messages.detail.due', 'Due {date}', { date: when(detail.dueAt) })}</Typography>
                  ) : null}
                  {detail.nextAttemptAt ? <Typography>{t('messages.detail.next', 'Next try {date}', { date: when(detail.nextAttemptAt) })}</Typography> : null}
                  {detailFailure ? (
                    <Box background="danger100" padding={3} hasRadius>
                      <Flex direction="column" alignItems="stretch" gap={1}>
                        <Typography fontWeight="bold" textColor="danger700">
                          {detailFailure.reason}
                        </Typography>
                        {detailFailure.remedy ? <Typography textColor="danger700">{detailFailure.remedy}</Typography> : null}
                      </Flex>
                    </Box>
                  ) : null}
                  <Box>
                    <Typography variant="sigma">{t('messages.detail.timeline', 'Status times')}</Typography>
                    {timelineOf(detail.statusTimes).length === 0 ? (
                      <Typography tag="p" textColor="neutral600">
                        {t('messages.detail.noTimes', 'Nothing has happened to it yet.')}
                      </Typography>
                    ) : (
                      <Flex direction="column" alignItems="stretch" gap={1} paddingTop={2}>
                        {timelineOf(detail.statusTimes).map(({ status, at }) => (
                          <Flex key={status} justifyContent="space-between">
                            <Typography>{times[status]}</Typography>
                            <Typography textColor="neutral600">{when(at)}</Typography>
                          </Flex>
                        ))}
                      </Flex>
                    )}
                  </Box>
                  {detail.attemptLog ? (
                    <Box>
                      <Typography variant="sigma">{t('messages.detail.attempts', 'Attempts')}</Typography>
                      {detail.attemptLog.length === 0 ? (
                        <Typography tag="p" textColor="neutral600">
                          {t('messages.detail.noAttempts', 'It has not been handed to a provider yet.')}
                        </Typography>
                      ) : (
                        <Flex direction="column" alignItems="stretch" gap={2} paddingTop={2}>
                          {detail.attemptLog.map((attempt) => (
                            <Box key={attempt.number} background="neutral100" padding={2} hasRadius>
                              <Typography>
                                {t('messages.attempt', 'Try {number}: {outcome}', { number: attempt.number, outcome: outcomes[attempt.outcome] ?? attempt.outcome })}
                                {attempt.at ? ` · ${when(attempt.at)}` : ''}
                                {attempt.provider ? ` · ${attempt.provider}` : ''}
                                {attempt.httpStatus ? ` · HTTP ${attempt.httpStatus}` : ''}
                                {attempt.providerCode ? ` · ${attempt.providerCode}` : ''}
                                {attempt.durationMs !== null ? ` · ${attempt.durationMs} ms` : ''}
                              </Typography>
                              {attempt.errorText ? (
                                <Typography tag="p" variant="pi" textColor="neutral600">
                                  {attempt.errorText}
                                </Typography>
                              ) : null}
                            </Box>
                          ))}
                        </Flex>
                      )}
                    </Box>
                  ) : null}
                </Flex>
              )}
            </Modal.Body>
            <Modal.Footer>
              <Modal.Close>
                <Button variant="tertiary">{t('messages.detail.close', 'Close')}</Button>
              </Modal.Close>
              {detail && allowedActions.canSend ? (
                <Flex gap={2}>
                  {canCancel(detail.status) ? (
                    <Button variant="danger-light" loading={busy} onClick={() => act(detail, 'cancel')}>
                      {t('messages.cancel', 'Cancel sending')}
                    </Button>
                  ) : null}
                  {canRetry(detail.status, detail.redactedAt) ? (
                    <Button loading={busy} onClick={() => act(detail, 'retry')}>
                      {t('messages.retry', 'Retry')}
                    </Button>
                  ) : null}
                </Flex>
              ) : null}
            </Modal.Footer>
          </Modal.Content>
        </Modal.Root>
      ) : null}
    </Page.Main>
  );
};

export { MessagesPage };
