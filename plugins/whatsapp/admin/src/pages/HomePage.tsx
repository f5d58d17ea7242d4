import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Box, Button, EmptyStateLayout, Field, Flex, Grid, LinkButton, Loader, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { ArrowClockwise, Clock, Cog, Lightning, Message, PaperPlane, Pencil, Plus, Rocket, Upload, User } from '@strapi/icons';
import { NavLink } from 'react-router-dom';
import { Layouts, Page, useFetchClient, useRBAC } from '@strapi/strapi/admin';

import type { Dashboard, Settings } from '../../../shared/contracts';
import { PERMISSIONS } from '../constants';
import { AlertsBanner } from '../alerts/AlertsBanner';
import { DashboardChart } from '../dashboard/DashboardChart';
import { FailuresTable, GroupTable, Panel } from '../dashboard/DashboardTables';
import { PRESETS, dayOf, isEmptyPeriod, isPeriod, periodOf, queryOf, queueNeedsAttention, viewerTimeZone } from '../dashboard/logic';
import type { CustomDays, PeriodPreset, PeriodProblem } from '../dashboard/logic';
import { useDashboardFormat } from '../dashboard/useDashboardFormat';
import { useT } from '../utils/useT';
import { Stat } from '../components/Stat';

/**
 * useRBAC names each answer after the last segment of the action: `settings.sandbox` → canSandbox,
 * `inbox.read` → canRead (so no two actions here may end the same).
 */
const HOME_PERMISSIONS = [...PERMISSIONS.toggleSandbox, ...PERMISSIONS.manageSettings, ...PERMISSIONS.readInbox];

/** What any administrator may see (GET /whatsapp/health); the settings need a settings permission. */
type Home = { sandbox: boolean; defaultCountry?: string };

/**
 * The plugin's home: the links each role may follow, whether sandbox mode is on (switched in
 * Settings, with a confirmation), and for whoever may read the messages the dashboard of a
 * period: totals and rates, spend, a chart over time, failures explained with what to do (and a
 * red banner past the failure threshold of the settings), the queue now, and the busiest
 * campaigns, templates and automations.
 */
const HomePage = () => {
  const t = useT();
  const format = useDashboardFormat();
  const { get } = useFetchClient();
  const { allowedActions, isLoading } = useRBAC(HOME_PERMISSIONS);
  // Asked apart: `contacts.manage` would be named canManage, like `settings.manage`.
  const { allowedActions: contacts } = useRBAC(PERMISSIONS.manageContacts);
  const { allowedActions: campaignsManage } = useRBAC(PERMISSIONS.manageCampaigns);
  const { allowedActions: campaignsLaunch } = useRBAC(PERMISSIONS.launchCampaigns);
  const readsCampaigns = Boolean(campaignsManage.canManage || campaignsLaunch.canLaunch);
  // Asked apart too: `templates.manage` would also be named canManage.
  const { allowedActions: templates } = useRBAC(PERMISSIONS.manageTemplates);
  // Asked apart too: `messages.read` would be named canRead, like `inbox.read`.
  const { allowedActions: messagesLog, isLoading: loadingMessagesPermission } = useRBAC(PERMISSIONS.readMessages);
  // Asked apart too: `automations.manage` would also be named canManage.
  const { allowedActions: automations } = useRBAC(PERMISSIONS.manageAutomations);
  const { allowedActions: sending } = useRBAC(PERMISSIONS.sendMessages);
  const [settings, setSettings] = useState<Home | null>(null);
  const [error, setError] = useState(false);
  const readsSettings = allowedActions.canSandbox || allowedActions.canManage;

  const [preset, setPreset] = useState<PeriodPreset>('7');
  const [custom, setCustom] = useState<CustomDays>(() => ({ from: dayOf(new Date(Date.now() - 6 * 86_400_000)), to: dayOf(new Date()) }));
  // The moment "the last N days" end at: set again by "Refresh" (a preset ends today).
  const [now, setNow] = useState(() => new Date());
  const [dashboard, setDashboard] = useState<Dashboard | null>(null);
  const [dashboardError, setDashboardError] = useState(false);
  const timeZone = useMemo(() => viewerTimeZone(), []);
  const period = useMemo(() => periodOf(preset, now, custom), [preset, now, custom]);

  useEffect(() => {
    if (isLoading) return;
    const load = readsSettings
      ? get<{ data: Settings }>('/whatsapp/settings').then(({ data }) => data.data)
      : get<{ data: { sandbox: boolean } }>('/whatsapp/health').then(({ data }) => ({ sandbox: data.data.sandbox }));
    load.then(setSettings).catch(() => setError(true));
  }, [get, isLoading, readsSettings]);

  const loadDashboard = useCallback(async () => {
    if (!isPeriod(period)) return;
    setDashboardError(false);
    try {
      const { data } = await get<{ data: Dashboard }>('/whatsapp/dashboard', { params: queryOf(period, timeZone) });
      setDashboard(data.data);
    } catch {
      setDashboardError(true);
    }
  }, [get, period, timeZone]);

  useEffect(() => {
    if (messagesLog.canRead) loadDashboard();
  }, [messagesLog.canRead, loadDashboard]);

  const problemText = (problem: PeriodProblem) =>
    ({
      'from-required': t('dashboard.period.fromRequired', 'Choose the first day.'),
      'to-required': t('dashboard.period.toRequired', 'Choose the last day.'),
      'to-before-from': t('dashboard.period.toBeforeFrom', 'The last day must be on or after the first day.'),
      'too-long': t('dashboard.period.tooLong', 'Choose at most 365 days.'),
    })[problem];
  const presetLabel = (p: PeriodPreset) =>
    ({
      '7': t('dashboard.period.7', 'Last 7 days'),
      '30': t('dashboard.period.30', 'Last 30 days'),
      '90': t('dashboard.period.90', 'Last 90 days'),
      custom: t('dashboard.period.custom', 'Custom dates'),
    })[p];

  if (error) return <Page.Error />;
  if (!settings || loadingMessagesPermission) return <Page.Loading />;

  const sandboxBadge = settings.sandbox ? (
    <Badge variant="warning" size="M">
      {t('dashboard.sandbox.badge', 'Sandbox')}
    </Badge>
  ) : (
    <Badge variant="success" size="M">
      {t('dashboard.live.badge', 'Live')}
    </Badge>
  );

  return (
    <Page.Main>
      <Layouts.Header
        title={t('home.title', 'WhatsApp')}
        subtitle={
          <Flex gap={2} wrap="wrap">
            {sandboxBadge}
            <Typography textColor="neutral600">{t('home.subtitle', 'Send, schedule and receive WhatsApp messages from Strapi.')}</Typography>
          </Flex>
        }
        primaryAction={
          allowedActions.canRead ? (
            <LinkButton tag={NavLink} to="inbox" startIcon={<Message />}>
              {t('home.inbox', 'Open the inbox')}
            </LinkButton>
          ) : undefined
        }
        secondaryAction={
          contacts.canManage ? (
            <LinkButton tag={NavLink} to="contacts-import" variant="secondary" startIcon={<Upload />}>
              {t('home.importContacts', 'Import contacts')}
            </LinkButton>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          <AlertsBanner />
          {contacts.canManage || templates.canManage || automations.canManage || readsSettings || messagesLog.canRead || readsCampaigns || sending.canSend ? (
            <Flex gap={2} wrap="wrap">
              {sending.canSend ? (
                <LinkButton tag={NavLink} to="messages/new" variant="tertiary" startIcon={<Pencil />}>
                  {t('messages.new', 'New message')}
                </LinkButton>
              ) : null}
              {messagesLog.canRead ? (
                <LinkButton tag={NavLink} to="messages" variant="tertiary" startIcon={<Clock />}>
                  {t('messages.home.link', 'Messages')}
                </LinkButton>
              ) : null}
              {contacts.canManage ? (
                <LinkButton tag={NavLink} to="contacts" variant="tertiary" startIcon={<User />}>
                  {t('contacts.home.link', 'Contacts')}
                </LinkButton>
              ) : null}
              {templates.canManage ? (
                <LinkButton tag={NavLink} to="templates" variant="tertiary" startIcon={<PaperPlane />}>
                  {t('templates.title', 'Templates')}
                </LinkButton>
              ) : null}
              {readsCampaigns ? (
                <LinkButton tag={NavLink} to="campaigns" variant="tertiary" startIcon={<Rocket />}>
                  {t('campaigns.home.link', 'Campaigns')}
                </LinkButton>
              ) : null}
              {automations.canManage ? (
                <LinkButton tag={NavLink} to="automations" variant="tertiary" startIcon={<Lightning />}>
                  {t('automations.home.link', 'Automations')}
                </LinkButton>
              ) : null}
              {readsSettings ? (
                <LinkButton tag={NavLink} to="settings" variant="tertiary" startIcon={<Cog />}>
                  {t('settings.title', 'WhatsApp settings')}
                </LinkButton>
              ) : null}
            </Flex>
          ) : null}

          <Box background={settings.sandbox ? 'warning100' : 'neutral0'} borderColor={settings.sandbox ? 'warning200' : undefined} padding={4} shadow="filterShadow" hasRadius>
            <Flex gap={3} wrap="wrap" justifyContent="space-between">
              <Flex gap={2} wrap="wrap">
                {sandboxBadge}
                <Typography>
                  {settings.sandbox
                    ? t('dashboard.sandbox.on', 'Sandbox mode is on: nothing leaves this machine and no customer receives anything.')
                    : t('dashboard.sandbox.off', 'Live mode: messages go to the provider and reach customers.')}
                </Typography>
                {settings.defaultCountry ? (
                  <Typography variant="pi" textColor="neutral600">
                    {t('home.country', 'Default country')}: {settings.defaultCountry}
                  </Typography>
                ) : null}
              </Flex>
              {allowedActions.canSandbox ? (
                <LinkButton tag={NavLink} to="settings" variant="tertiary" size="S">
                  {t('dashboard.sandbox.change', 'Change it in the settings')}
                </LinkButton>
              ) : null}
            </Flex>
          </Box>

          {messagesLog.canRead ? (
            <>
              <Flex gap={2} wrap="wrap" alignItems="flex-end">
                <Box minWidth="15rem">
                  <Field.Root name="period">
                    <Field.Label>{t('dashboard.period.label', 'Period')}</Field.Label>
                    <SingleSelect value={preset} onChange={(value: string | number) => setPreset(String(value) as PeriodPreset)}>
                      {PRESETS.map((p) => (
                        <SingleSelectOption key={p} value={p}>
                          {presetLabel(p)}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                  </Field.Root>
                </Box>
                {preset === 'custom' ? (
                  <>
                    <Box width="11rem">
                      <Field.Root name="from">
                        <Field.Label>{t('dashboard.period.from', 'First day')}</Field.Label>
                        <TextInput type="date" value={custom.from} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setCustom((c) => ({ ...c, from: e.target.value }))} />
                      </Field.Root>
                    </Box>
                    <Box width="11rem">
                      <Field.Root name="to">
                        <Field.Label>{t('dashboard.period.to', 'Last day')}</Field.Label>
                        <TextInput type="date" value={custom.to} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setCustom((c) => ({ ...c, to: e.target.value }))} />
                      </Field.Root>
                    </Box>
                  </>
                ) : null}
                <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={() => setNow(new Date())}>
                  {t('dashboard.refresh', 'Refresh')}
                </Button>
                {dashboard ? (
                  <Typography variant="pi" textColor="neutral600">
                    {t('dashboard.updated', 'Updated at {time}', { time: format.time(dashboard.generatedAt) })}
                  </Typography>
                ) : null}
              </Flex>
              {!isPeriod(period) ? <Typography textColor="danger600">{problemText(period.problem)}</Typography> : null}

              {dashboardError ? (
                <Alert variant="danger" closeLabel={t('dashboard.close', 'Close')} title={t('dashboard.error.title', 'The numbers could not be loaded')}>
                  {t('dashboard.error.body', 'Try again with “Refresh”; if it keeps failing, check that Strapi is running.')}
                </Alert>
              ) : null}

              {dashboard ? <DashboardBody dashboard={dashboard} readsCampaigns={readsCampaigns} canImport={Boolean(contacts.canManage)} canTemplates={Boolean(templates.canManage)} canCampaigns={Boolean(campaignsManage.canManage)} canInbox={Boolean(allowedActions.canRead)} /> : dashboardError ? null : (
                <Flex justifyContent="center" padding={6}>
                  <Loader>{t('dashboard.loading', 'Loading the numbers…')}</Loader>
                </Flex>
              )}
            </>
          ) : (
            <EmptyStateLayout content={t('dashboard.noPermission', 'Your role may not see the message numbers. Ask an administrator for the “Read messages and their history” permission.')} />
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

/** The dashboard of the period loaded: alert, numbers, chart, queue, failures and the three tables. */
const DashboardBody = ({
  dashboard,
  readsCampaigns,
  canImport,
  canTemplates,
  canCampaigns,
  canInbox,
}: {
  dashboard: Dashboard;
  readsCampaigns: boolean;
  canImport: boolean;
  canTemplates: boolean;
  canCampaigns: boolean;
  canInbox: boolean;
}) => {
  const t = useT();
  const format = useDashboardFormat();
  const { totals, queue } = dashboard;
  const queueLate = queueNeedsAttention(queue);
  // Closed by staff: back with the next answer (another period, or "Refresh").
  const [alertClosed, setAlertClosed] = useState(false);
  useEffect(() => setAlertClosed(false), [dashboard]);

  return (
    <Flex direction="column" alignItems="stretch" gap={6}>
      {dashboard.failureAlert && !alertClosed ? (
        <Alert variant="danger" closeLabel={t('dashboard.close', 'Close')} onClose={() => setAlertClosed(true)} title={t('dashboard.alert.title', 'Too many messages are failing')}>
          {t('dashboard.alert.body', '{rate} of the messages of this period failed; the limit in the settings is {threshold}. The reasons and what to do are below.', {
            rate: format.rate(totals.failureRate),
            threshold: format.rate(dashboard.failureThreshold),
          })}
        </Alert>
      ) : null}

      <Grid.Root gap={4}>
        {[
          { label: t('dashboard.stat.sent', 'Sent'), value: format.number(totals.sent) },
          { label: t('dashboard.stat.delivered', 'Delivered'), value: format.number(totals.delivered), hint: t('dashboard.stat.deliveryRate', '{rate} of those sent', { rate: format.rate(totals.deliveryRate) }) },
          { label: t('dashboard.stat.read', 'Read'), value: format.number(totals.read), hint: t('dashboard.stat.readRate', '{rate} of those delivered', { rate: format.rate(totals.readRate) }) },
          {
            label: t('dashboard.stat.failed', 'Failed'),
            value: format.number(totals.failed),
            hint: t('dashboard.stat.failureRate', '{rate} of the outcomes', { rate: format.rate(totals.failureRate) }),
            tone: dashboard.failureAlert ? ('danger' as const) : undefined,
          },
          { label: t('dashboard.stat.replies', 'Replies'), value: format.number(totals.replies), hint: t('dashboard.stat.repliesHint', 'Messages customers wrote') },
          { label: t('dashboard.stat.optOuts', 'Opt-outs'), value: format.number(totals.optOuts), hint: t('dashboard.stat.optOutsHint', 'People who stopped marketing messages') },
          {
            label: t('dashboard.stat.spend', 'Spend'),
            value: format.money(totals.spend.amount, totals.spend.currency),
            hint: totals.spend.unpricedMessages
              ? t('dashboard.stat.spendUnpriced', 'Rates of {date}; {n} messages without a rate are not counted', { date: totals.spend.ratesDate, n: format.number(totals.spend.unpricedMessages) })
              : t('dashboard.stat.spendHint', 'Delivered template messages, rates of {date}', { date: totals.spend.ratesDate }),
          },
        ].map((stat) => (
          <Grid.Item key={stat.label} col={3} s={6} xs={12}>
            <Stat label={stat.label} value={stat.value} hint={stat.hint} tone={stat.tone} />
          </Grid.Item>
        ))}
        <Grid.Item col={3} s={6} xs={12}>
          <Stat
            label={t('dashboard.queue.title', 'Queue now')}
            value={t('dashboard.queue.due', '{n} due', { n: format.number(queue.due) })}
            tone={queueLate ? 'danger' : undefined}
            hint={[
              queue.oldestDueAgeSeconds !== null ? t('dashboard.queue.oldest', 'the oldest has waited {time}', { time: format.duration(queue.oldestDueAgeSeconds) }) : t('dashboard.queue.nothingWaits', 'nothing is waiting'),
              t('dashboard.queue.inDoubt', '{n} in doubt', { n: format.number(queue.inDoubt) }),
            ].join(' · ')}
          />
        </Grid.Item>
      </Grid.Root>

      {queue.inDoubt > 0 ? (
        <Alert variant="warning" closeLabel={t('dashboard.close', 'Close')} title={t('dashboard.queue.inDoubtTitle', 'Sends in doubt')}>
          {t('dashboard.queue.inDoubtBody', 'A worker stopped while sending {n} messages and the provider never confirmed them. Check with the customers whether they arrived, then retry from Messages if needed.', { n: format.number(queue.inDoubt) })}
        </Alert>
      ) : null}

      {isEmptyPeriod(dashboard) ? (
        <EmptyStateLayout
          content={t('dashboard.empty.body', 'Nothing was sent or received in this period. Import your contacts, write a template and send your first message (from a record, the inbox, a campaign or the API); the numbers appear here.')}
          action={
            <Flex gap={2} wrap="wrap" justifyContent="center">
              {canImport ? (
                <LinkButton tag={NavLink} to="contacts-import" variant="secondary" startIcon={<Upload />}>
                  {t('home.importContacts', 'Import contacts')}
                </LinkButton>
              ) : null}
              {canTemplates ? (
                <LinkButton tag={NavLink} to="templates/new" variant="secondary" startIcon={<Plus />}>
                  {t('dashboard.empty.template', 'Write a template')}
                </LinkButton>
              ) : null}
              {canCampaigns ? (
                <LinkButton tag={NavLink} to="campaigns/new" variant="secondary" startIcon={<Rocket />}>
                  {t('dashboard.empty.campaign', 'Prepare a campaign')}
                </LinkButton>
              ) : null}
              {canInbox ? (
                <LinkButton tag={NavLink} to="inbox" variant="secondary" startIcon={<Message />}>
                  {t('home.inbox', 'Open the inbox')}
                </LinkButton>
              ) : null}
            </Flex>
          }
        />
      ) : (
        <>
          <Panel title={t('dashboard.chart.title', 'Over time')}>
            <DashboardChart series={dashboard.series} bucket={dashboard.period.bucket} timeZone={dashboard.period.timeZone} />
          </Panel>

          <FailuresTable failures={dashboard.topFailures} />

          <GroupTable
            title={t('dashboard.byCampaign.title', 'By campaign')}
            rows={dashboard.byCampaign}
            empty={t('dashboard.byCampaign.empty', 'No campaign sent in this period.')}
            nameOf={(row) => row.name ?? t('dashboard.deleted', 'Deleted (#{id})', { id: row.id ?? '' })}
            linkOf={(row) => (readsCampaigns && row.name !== null ? `campaigns/${row.id}` : `messages?campaign=${row.id}`)}
          />
          <GroupTable
            title={t('dashboard.byTemplate.title', 'By template')}
            rows={dashboard.byTemplate}
            empty={t('dashboard.byTemplate.empty', 'No template was sent in this period.')}
            nameOf={(row) => row.name ?? ''}
          />
          <GroupTable
            title={t('dashboard.byAutomation.title', 'By automation')}
            rows={dashboard.byAutomation}
            empty={t('dashboard.byAutomation.empty', 'No automation sent in this period.')}
            nameOf={(row) => row.name ?? t('dashboard.deleted', 'Deleted (#{id})', { id: row.id ?? '' })}
          />
        </>
      )}
    </Flex>
  );
};

export { HomePage };
