import { useEffect, useState } from 'react';
import { Badge, Box, Button, EmptyStateLayout, Flex, Link, LinkButton, Searchbar, Table, Tbody, Td, TextButton, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowClockwise, ArrowLeft, Plus } from '@strapi/icons';
import { NavLink, useNavigate } from 'react-router-dom';
import { useIntl } from 'react-intl';
import { Layouts, Page, useAPIErrorHandler, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';

import type { ApprovalProvider, ListAnswer, Template, TemplateCategoryAlert, TemplateSyncAnswer } from '../../../shared/contracts';
import { PERMISSIONS } from '../constants';
import { approvalRows, lastSyncedAt, mappingOf, qualityVariant, statusVariant, syncSummary } from '../templates/logic';
import { useT } from '../utils/useT';

/** The search waits for the typing to pause this long before asking the server. */
const SEARCH_DEBOUNCE_MS = 300;

const PROVIDER_LABEL: Record<ApprovalProvider, string> = { meta: 'Meta', twilio: 'Twilio' };

/**
 * The templates: name, category, language, how each is mapped to the provider's approved
 * template (Meta name, Twilio Content SID), what the provider says of it (status with its
 * rejection or pause reason, Meta's quality score), a warning when the provider changed its
 * category, and whether it is active. "Sync with provider" reads the providers' templates now.
 */
const TemplatesPage = () => {
  const t = useT();
  const { formatDate } = useIntl();
  const { get, post, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const navigate = useNavigate();
  const { allowedActions } = useRBAC(PERMISSIONS.manageTemplates);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState(false);
  const [syncing, setSyncing] = useState(false);
  /** Bumped after a sync: the list is asked for again. */
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search]);

  useEffect(() => {
    let stale = false;
    get<ListAnswer<Template>>('/whatsapp/templates', { params: { pageSize: 100, ...(query ? { filters: { search: query } } : {}) } })
      .then(({ data }) => {
        if (stale) return;
        setTemplates(data.data);
        setTotal(data.meta.pagination.total);
      })
      .catch(() => setError(true));
    return () => {
      stale = true;
    };
  }, [get, query, reload]);

  const syncNow = async () => {
    setSyncing(true);
    try {
      const { data } = await post<{ data: TemplateSyncAnswer }>('/whatsapp/templates/sync', {});
      const summary = syncSummary(data.data);
      toggleNotification({
        type: summary.skipped.length ? 'warning' : 'success',
        message: [
          t('templates.sync.done', 'Read from {providers}: {created, plural, one {# new template} other {# new templates}}, {updated, plural, one {# template changed} other {# templates changed}}.', {
            providers: summary.providers.map((p) => PROVIDER_LABEL[p]).join(', '),
            created: summary.created,
            updated: summary.updated,
          }),
          summary.campaignsPaused ? t('templates.sync.paused', '{count, plural, one {# campaign was paused} other {# campaigns were paused}}: its template cannot be sent now.', { count: summary.campaignsPaused }) : '',
          summary.skipped.length ? t('templates.sync.skipped', 'Not imported: {names}.', { names: summary.skipped.map((s) => `${s.name} (${s.reason})`).join('; ') }) : '',
        ]
          .filter(Boolean)
          .join(' '),
      });
    } catch (e) {
      toggleNotification({ type: 'danger', message: formatAPIError(e as Parameters<typeof formatAPIError>[0]) });
    } finally {
      setSyncing(false);
      // Also after a failure: another provider may have been read.
      setReload((n) => n + 1);
    }
  };

  const dismissAlert = async (template: Template) => {
    try {
      const { data } = await del<{ data: Template }>(`/whatsapp/templates/${template.id}/category-alert`);
      setTemplates((list) => list?.map((item) => (item.id === template.id ? data.data : item)) ?? list);
    } catch (e) {
      toggleNotification({ type: 'danger', message: formatAPIError(e as Parameters<typeof formatAPIError>[0]) });
    }
  };

  if (error) return <Page.Error />;
  if (!templates) return <Page.Loading />;

  const category = (c: Template['category']) =>
    ({
      marketing: t('templates.category.marketing', 'Marketing'),
      utility: t('templates.category.utility', 'Utility'),
      authentication: t('templates.category.authentication', 'Authentication'),
    })[c];
  const categoryOrNull = (c: TemplateCategoryAlert['from']) => (c ? category(c) : '—');
  const statusLabel = (status: string | null) => {
    const labels: Record<string, string> = {
      APPROVED: t('templates.approval.APPROVED', 'Approved'),
      PENDING: t('templates.approval.PENDING', 'In review'),
      RECEIVED: t('templates.approval.RECEIVED', 'Submitted'),
      IN_APPEAL: t('templates.approval.IN_APPEAL', 'In appeal'),
      REJECTED: t('templates.approval.REJECTED', 'Rejected'),
      PAUSED: t('templates.approval.PAUSED', 'Paused'),
      DISABLED: t('templates.approval.DISABLED', 'Disabled'),
      LIMIT_EXCEEDED: t('templates.approval.LIMIT_EXCEEDED', 'Template limit reached'),
      PENDING_DELETION: t('templates.approval.PENDING_DELETION', 'Being deleted'),
      DELETED: t('templates.approval.DELETED', 'Deleted'),
      ARCHIVED: t('templates.approval.ARCHIVED', 'Archived'),
      NOT_FOUND: t('templates.approval.NOT_FOUND', 'Not found at the provider'),
    };
    if (!status) return t('templates.approval.unknown', 'Status not known');
    return labels[status] ?? status.toLowerCase().replace(/_/g, ' ');
  };
  const qualityLabel = (quality: string) =>
    ({
      GREEN: t('templates.quality.GREEN', 'High quality'),
      YELLOW: t('templates.quality.YELLOW', 'Medium quality'),
      RED: t('templates.quality.RED', 'Low quality'),
      UNKNOWN: t('templates.quality.UNKNOWN', 'Quality not rated yet'),
    })[quality] ?? quality;
  const alertText = (alert: TemplateCategoryAlert) =>
    alert.pending
      ? t('templates.categoryAlert.pendingText', '{provider} will change it from {from} to {to}{when, select, none {} other { on {when}}}: the price changes, and marketing only goes to contacts who accepted marketing.', {
          provider: PROVIDER_LABEL[alert.provider],
          from: categoryOrNull(alert.from),
          to: category(alert.to),
          when: alert.effectiveAt ? formatDate(alert.effectiveAt, { dateStyle: 'medium', timeStyle: 'short' }) : 'none',
        })
      : t('templates.categoryAlert.changedText', '{provider} changed it from {from} to {to} on {when}: the price changes, and marketing only goes to contacts who accepted marketing.', {
          provider: PROVIDER_LABEL[alert.provider],
          from: categoryOrNull(alert.from),
          to: category(alert.to),
          when: formatDate(alert.at, { dateStyle: 'medium', timeStyle: 'short' }),
        });
  const synced = lastSyncedAt(templates);
  const syncButton = allowedActions.canManage ? (
    <Button variant="secondary" startIcon={<ArrowClockwise />} loading={syncing} onClick={syncNow}>
      {t('templates.sync.button', 'Sync with provider')}
    </Button>
  ) : undefined;
  const newButton = allowedActions.canManage ? (
    <LinkButton tag={NavLink} to="new" startIcon={<Plus />}>
      {t('templates.new', 'New template')}
    </LinkButton>
  ) : undefined;

  return (
    <Page.Main>
      <Page.Title>{t('templates.title', 'Templates')}</Page.Title>
      <Layouts.Header
        title={t('templates.title', 'Templates')}
        subtitle={t('templates.subtitle', '{total, plural, one {# template} other {# templates}}: the texts your messages are written from.', { total })}
        navigationAction={
          <Link tag={NavLink} to=".." relative="path" startIcon={<ArrowLeft />}>
            {t('templates.back', 'WhatsApp')}
          </Link>
        }
        primaryAction={newButton}
        secondaryAction={syncButton}
      />
      <Layouts.Action
        startActions={
          <Box width="32rem">
            <Searchbar
              name="search"
              value={search}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSearch(e.target.value)}
              onClear={() => setSearch('')}
              clearLabel={t('templates.search.clear', 'Clear the search')}
              placeholder={t('templates.search.placeholder', 'Search by name')}
            >
              {t('templates.search.label', 'Search templates')}
            </Searchbar>
          </Box>
        }
      />
      <Layouts.Content>
        {templates.length === 0 ? (
          <EmptyStateLayout
            content={
              query
                ? t('templates.empty.search', 'No template is named like “{query}”. Try another name, or create it.', { query })
                : t('templates.empty', 'No templates yet. Create one: write its text with variables like {example}, and map it to your approved Meta or Twilio template.', { example: '{{nombre}}' })
            }
            action={newButton}
          />
        ) : (
          <Table colCount={9} rowCount={templates.length + 1}>
            <Thead>
              <Tr>
                <Th>
                  <Typography variant="sigma">{t('templates.column.name', 'Name')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.category', 'Category')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.language', 'Language')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.meta', 'Meta template')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.twilio', 'Twilio content')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.approval', 'Approval')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.quality', 'Quality')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.active', 'In use')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.updated', 'Last changed')}</Typography>
                </Th>
              </Tr>
            </Thead>
            <Tbody>
              {templates.map((template) => {
                const mapping = mappingOf(template);
                const approvals = approvalRows(template);
                const alert = template.categoryAlert;
                return (
                  <Tr key={template.id} onClick={() => navigate(String(template.id))} style={{ cursor: 'pointer' }}>
                    <Td>
                      <Typography fontWeight="bold">{template.name}</Typography>
                    </Td>
                    <Td>
                      <Flex direction="column" alignItems="flex-start" gap={1}>
                        <Typography>{category(template.category)}</Typography>
                        {alert ? (
                          <>
                            <Badge variant="warning">
                              {alert.pending
                                ? t('templates.categoryAlert.pending', 'Category changing')
                                : t('templates.categoryAlert.changed', 'Category changed by {provider}', { provider: PROVIDER_LABEL[alert.provider] })}
                            </Badge>
                            <Box maxWidth="24rem">
                              <Typography variant="pi" textColor="neutral600">
                                {alertText(alert)}
                              </Typography>
                            </Box>
                            {allowedActions.canManage ? (
                              <TextButton
                                onClick={(e: React.MouseEvent) => {
                                  e.stopPropagation();
                                  void dismissAlert(template);
                                }}
                              >
                                {t('templates.categoryAlert.dismiss', 'Got it')}
                              </TextButton>
                            ) : null}
                          </>
                        ) : null}
                      </Flex>
                    </Td>
                    <Td>
                      <Typography>{template.language}</Typography>
                    </Td>
                    <Td>
                      <Typography textColor={mapping.meta ? 'neutral800' : 'neutral500'}>{mapping.meta ?? t('templates.unmapped', 'Not mapped')}</Typography>
                    </Td>
                    <Td>
                      <Typography textColor={mapping.twilio ? 'neutral800' : 'neutral500'}>{mapping.twilio ?? t('templates.unmapped', 'Not mapped')}</Typography>
                    </Td>
                    <Td>
                      {approvals.length ? (
                        <Flex direction="column" alignItems="flex-start" gap={1}>
                          {approvals.map(({ provider, approval }) => (
                            <Flex key={provider} direction="column" alignItems="flex-start" gap={1}>
                              <Badge variant={statusVariant(approval.status)}>{`${PROVIDER_LABEL[provider]}: ${statusLabel(approval.status)}`}</Badge>
                              {approval.reason && approval.status !== 'APPROVED' ? (
                                <Box maxWidth="24rem">
                                  <Typography variant="pi" textColor="neutral600">
                                    {approval.reason}
                                  </Typography>
                                </Box>
                              ) : null}
                            </Flex>
                          ))}
                        </Flex>
                      ) : (
                        <Typography textColor="neutral500">{t('templates.approval.none', 'Not synced')}</Typography>
                      )}
                    </Td>
                    <Td>
                      {template.approvals.meta?.quality ? (
                        <Badge variant={qualityVariant(template.approvals.meta.quality)}>{qualityLabel(template.approvals.meta.quality)}</Badge>
                      ) : (
                        <Typography textColor="neutral500">—</Typography>
                      )}
                    </Td>
                    <Td>
                      <Badge variant={template.active ? 'success' : 'neutral'}>
                        {template.active ? t('templates.active', 'Active') : t('templates.inactive', 'Inactive')}
                      </Badge>
                    </Td>
                    <Td>
                      <Typography>{template.updatedAt ? formatDate(template.updatedAt, { dateStyle: 'medium', timeStyle: 'short' }) : ''}</Typography>
                    </Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}
        <Flex paddingTop={4}>
          <Typography variant="pi" textColor="neutral600">
            {synced
              ? t('templates.sync.last', 'Approvals last read from the providers on {when}. They are read again on a schedule outside sandbox mode, and Meta’s template webhooks update them at once.', {
                  when: formatDate(synced, { dateStyle: 'medium', timeStyle: 'short' }),
                })
              : t('templates.sync.never', 'The providers’ approvals have not been read yet: use “Sync with provider”.')}
          </Typography>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export { TemplatesPage };
