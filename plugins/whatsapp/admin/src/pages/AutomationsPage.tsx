import { useCallback, useEffect, useMemo, useState } from 'react';
import { Badge, Box, EmptyStateLayout, Flex, Link, LinkButton, Switch, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowLeft, Plus } from '@strapi/icons';
import { NavLink, useNavigate } from 'react-router-dom';
import { Layouts, Page, useAPIErrorHandler, useFetchClient, useNotification } from '@strapi/strapi/admin';

import type { Automation, AutomationContentType } from '../../../shared/automations';
import type { ListAnswer } from '../../../shared/contracts';
import { displayNameOf, PAGE_SIZE, runBadgeVariant, triggerSummary } from '../automations/logic';
import { RunsTable } from '../automations/RunsTable';
import { useAutomationText } from '../automations/useAutomationText';
import { When } from '../components/inbox/When';

const API = '/whatsapp/automations';

/**
 * The automations: each rule with its content type, trigger and template, a switch to turn it on
 * or off, and how often it ran; below, every rule's latest runs with their reasons.
 */
const AutomationsPage = () => {
  const { t, triggerText, stateLabel, number } = useAutomationText();
  const { get, put } = useFetchClient();
  const navigate = useNavigate();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const [automations, setAutomations] = useState<Automation[] | null>(null);
  const [total, setTotal] = useState(0);
  const [types, setTypes] = useState<AutomationContentType[]>([]);
  const [loadError, setLoadError] = useState(false);
  const [busy, setBusy] = useState<number | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [now, setNow] = useState(() => Date.now());

  const load = useCallback(
    () =>
      get<ListAnswer<Automation>>(API, { params: { pagination: { page: 1, pageSize: PAGE_SIZE } } })
        .then(({ data }) => {
          setAutomations(data.data);
          setTotal(data.meta.pagination.total);
          setNow(Date.now());
        })
        .catch(() => setLoadError(true)),
    [get]
  );

  useEffect(() => {
    load();
    get<{ data: AutomationContentType[] }>(`${API}/content-types`)
      .then(({ data }) => setTypes(data.data))
      .catch(() => setTypes([]));
  }, [get, load]);

  const names = useMemo(() => new Map((automations ?? []).map((a) => [a.id, a.name])), [automations]);

  const setEnabled = async (automation: Automation, enabled: boolean) => {
    setBusy(automation.id);
    try {
      const { data } = await put<{ data: Automation }>(`${API}/${automation.id}`, { data: { enabled } });
      setAutomations((current) => (current ?? []).map((a) => (a.id === automation.id ? { ...a, ...data.data, runs: a.runs } : a)));
      toggleNotification({
        type: 'success',
        message: enabled ? t('automations.list.enabledDone', '“{name}” is on.', { name: automation.name }) : t('automations.list.disabledDone', '“{name}” is off.', { name: automation.name }),
      });
      setRefresh((n) => n + 1);
    } catch (error) {
      toggleNotification({ type: 'danger', message: formatAPIError(error as Parameters<typeof formatAPIError>[0]) });
    } finally {
      setBusy(null);
    }
  };

  if (loadError) return <Page.Error />;
  if (!automations) return <Page.Loading />;

  const newButton = (
    <LinkButton tag={NavLink} to="new" startIcon={<Plus />}>
      {t('automations.list.new', 'New automation')}
    </LinkButton>
  );

  return (
    <Page.Main>
      <Page.Title>{t('automations.list.title', 'Automations')}</Page.Title>
      <Layouts.Header
        title={t('automations.list.title', 'Automations')}
        subtitle={t('automations.list.subtitle', 'Send a WhatsApp template by itself when one of your records changes or a date comes.')}
        navigationAction={
          <Link tag={NavLink} to=".." relative="path" startIcon={<ArrowLeft />}>
            {t('automations.back', 'WhatsApp')}
          </Link>
        }
        primaryAction={newButton}
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {automations.length === 0 ? (
            <EmptyStateLayout
              content={t(
                'automations.list.empty',
                'No automations yet. An automation sends a template to the person on a record when something happens, e.g. “when a work order is marked COMPLETED, tell the customer the car is ready”. You need the template first (Templates); then create the automation, test it on a real record and turn it on.'
              )}
              action={newButton}
            />
          ) : (
            <Table colCount={6} rowCount={automations.length + 1}>
              <Thead>
                <Tr>
                  <Th>
                    <Typography variant="sigma">{t('automations.list.name', 'Name')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('automations.list.contentType', 'Content type')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('automations.list.trigger', 'When')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('automations.list.template', 'Template')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('automations.list.enabled', 'On')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('automations.list.runs', 'Runs')}</Typography>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {automations.map((automation) => (
                  <Tr key={automation.id} onClick={() => navigate(String(automation.id))} style={{ cursor: 'pointer' }}>
                    <Td>
                      <Typography fontWeight="semiBold">{automation.name}</Typography>
                    </Td>
                    <Td>
                      <Typography>{displayNameOf(types, automation.contentType)}</Typography>
                    </Td>
                    <Td>
                      <Typography>{triggerText(triggerSummary(automation))}</Typography>
                    </Td>
                    <Td>
                      <Typography>{automation.template}</Typography>
                    </Td>
                    <Td onClick={(e: React.MouseEvent) => e.stopPropagation()}>
                      <Switch
                        checked={automation.enabled}
                        disabled={busy === automation.id}
                        aria-label={t('automations.list.toggle', 'Turn “{name}” on or off', { name: automation.name })}
                        onCheckedChange={(checked: boolean) => setEnabled(automation, checked)}
                      />
                    </Td>
                    <Td>
                      {automation.runs && automation.runs.total > 0 ? (
                        <Flex direction="column" alignItems="flex-start" gap={1}>
                          <Typography variant="pi">{t('automations.list.runCount', '{count, plural, one {# run} other {# runs}}', { count: automation.runs.total })}</Typography>
                          <Flex gap={2}>
                            {automation.runs.lastState ? (
                              <Badge variant={runBadgeVariant(automation.runs.lastState)} size="S">
                                {stateLabel(automation.runs.lastState)}
                              </Badge>
                            ) : null}
                            <Typography variant="pi" textColor="neutral600">
                              <When at={automation.runs.lastAt} now={now} />
                            </Typography>
                          </Flex>
                        </Flex>
                      ) : (
                        <Typography variant="pi" textColor="neutral500">
                          {t('automations.list.never', 'Never ran')}
                        </Typography>
                      )}
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
          {total > automations.length ? (
            <Typography variant="pi" textColor="neutral600">
              {t('automations.list.more', 'Showing {shown} of {total}; the others are in the Content Manager (WhatsApp automation).', { shown: number(automations.length), total: number(total) })}
            </Typography>
          ) : null}
          {automations.length > 0 ? (
            <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Typography variant="delta" tag="h2">
                  {t('automations.runs.title', 'Recent runs')}
                </Typography>
                <RunsTable automationId={null} names={names} refresh={refresh} />
              </Flex>
            </Box>
          ) : null}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export { AutomationsPage };
