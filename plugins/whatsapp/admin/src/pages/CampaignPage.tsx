import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Box, Button, Dialog, Flex, Grid, Link, LinkButton, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowClockwise, ArrowLeft, Cross, Download, Pencil, Play } from '@strapi/icons';
import { NavLink, useParams } from 'react-router-dom';
import { ConfirmDialog, Layouts, Page, useAPIErrorHandler, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';

import type { Campaign, CampaignStats } from '../../../shared/campaigns';
import { PERMISSIONS } from '../constants';
import { allowedActions, isLive, progressPercent, stateBadgeVariant } from '../campaigns/logic';
import { useCampaignText } from '../campaigns/useCampaignText';
import { CostPerCountry } from '../campaigns/CostPerCountry';
import { POLL_MS } from './CampaignsPage';
import { download } from '../utils/download';
import { Progress } from '../components/Progress';
import { CampaignResults } from '../campaigns/CampaignResults';
import { Stat } from '../components/Stat';

const API = '/whatsapp/campaigns';

type Action = 'pause' | 'resume' | 'cancel' | 'retry-failed';


/**
 * One campaign as it runs: its progress and numbers (asked again every 2 s while it sends),
 * failures explained, cost, time left, why it paused; pause, resume, cancel and retry the
 * failures for whom may launch campaigns; the results as a CSV.
 */
const CampaignPage = () => {
  const { id } = useParams<{ id: string }>();
  const { t, stateLabel, reasonLabel, money, number, duration, date, lang } = useCampaignText();
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const { allowedActions: manage } = useRBAC(PERMISSIONS.manageCampaigns);
  const { allowedActions: launch } = useRBAC(PERMISSIONS.launchCampaigns);
  // The results table reads the message log: only for roles that may read it.
  const { allowedActions: messagesLog } = useRBAC(PERMISSIONS.readMessages);
  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [stats, setStats] = useState<CampaignStats | null>(null);
  const [loadError, setLoadError] = useState(false);
  const [busy, setBusy] = useState<Action | 'export' | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);

  const notifyError = useCallback(
    (error: unknown) => toggleNotification({ type: 'danger', message: formatAPIError(error as Parameters<typeof formatAPIError>[0]) }),
    [toggleNotification, formatAPIError]
  );

  const load = useCallback(async () => {
    try {
      const { data } = await get<{ data: Campaign }>(`${API}/${id}`);
      setCampaign(data.data);
      if (data.data.state !== 'draft') {
        const answer = await get<{ data: CampaignStats }>(`${API}/${id}/stats`, { params: { lang } });
        setStats(answer.data.data);
      }
    } catch {
      setLoadError(true);
    }
  }, [get, id, lang]);

  useEffect(() => {
    load();
  }, [load]);

  const live = campaign ? isLive(campaign.state) : false;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [live, load]);

  const run = async (action: Action) => {
    setBusy(action);
    try {
      const { data } = await post<{ data: Campaign; meta?: { messagesCancelled?: number; messagesRequeued?: number } }>(`${API}/${id}/${action}`);
      setCampaign(data.data);
      if (action === 'cancel') toggleNotification({ type: 'success', message: t('campaigns.detail.cancelled', '{n} messages not yet sent were cancelled.', { n: number(data.meta?.messagesCancelled ?? 0) }) });
      if (action === 'retry-failed') toggleNotification({ type: 'success', message: t('campaigns.detail.requeued', '{n} failed messages are queued again; failures that time cannot fix stay failed.', { n: number(data.meta?.messagesRequeued ?? 0) }) });
      await load();
    } catch (error) {
      notifyError(error);
    } finally {
      setBusy(null);
    }
  };

  const exportCsv = async () => {
    setBusy('export');
    try {
      const { data } = await get(`${API}/${id}/export`, { params: { lang }, responseType: 'blob' });
      download(data, `campana-${id}.csv`);
    } catch (error) {
      notifyError(error);
    } finally {
      setBusy(null);
    }
  };

  if (loadError) return <Page.Error />;
  if (!campaign) return <Page.Loading />;

  const actions = allowedActions(campaign.state, { manage: Boolean(manage.canManage), launch: Boolean(launch.canLaunch) }, stats?.failed ?? 0);
  const percent = progressPercent(campaign.state, stats, campaign);
  const excluded = Object.entries(stats?.excluded ?? campaign.excluded ?? {}).filter(([, n]) => Number(n) > 0);

  return (
    <Page.Main>
      <Page.Title>{campaign.name}</Page.Title>
      <Layouts.Header
        title={campaign.name}
        subtitle={
          <Flex gap={2}>
            <Badge variant={stateBadgeVariant(campaign.state)}>{stateLabel(campaign.state)}</Badge>
            <Typography textColor="neutral600">{t('campaigns.detail.template', 'Template: {name}', { name: campaign.template ?? '—' })}</Typography>
          </Flex>
        }
        navigationAction={
          <Link tag={NavLink} to=".." relative="path" startIcon={<ArrowLeft />}>
            {t('campaigns.detail.back', 'Campaigns')}
          </Link>
        }
        primaryAction={
          <Flex gap={2}>
            {actions.edit ? (
              <LinkButton tag={NavLink} to="edit" variant="secondary" startIcon={<Pencil />}>
                {t('campaigns.detail.edit', 'Edit the draft')}
              </LinkButton>
            ) : null}
            {actions.pause ? (
              <Button variant="secondary" loading={busy === 'pause'} disabled={busy !== null} onClick={() => run('pause')}>
                {t('campaigns.detail.pause', 'Pause')}
              </Button>
            ) : null}
            {actions.resume ? (
              <Button startIcon={<Play />} loading={busy === 'resume'} disabled={busy !== null} onClick={() => run('resume')}>
                {t('campaigns.detail.resume', 'Resume')}
              </Button>
            ) : null}
            {actions.retryFailed ? (
              <Button variant="secondary" startIcon={<ArrowClockwise />} loading={busy === 'retry-failed'} disabled={busy !== null} onClick={() => run('retry-failed')}>
                {t('campaigns.detail.retry', 'Retry failed')}
              </Button>
            ) : null}
            {actions.cancel ? (
              <Dialog.Root open={confirmCancel} onOpenChange={setConfirmCancel}>
                <Dialog.Trigger>
                  <Button variant="danger-light" startIcon={<Cross />} loading={busy === 'cancel'} disabled={busy !== null}>
                    {t('campaigns.detail.cancel', 'Cancel campaign')}
                  </Button>
                </Dialog.Trigger>
                <ConfirmDialog
                  title={t('campaigns.detail.cancel', 'Cancel campaign')}
                  onConfirm={() => {
                    setConfirmCancel(false);
                    return run('cancel');
                  }}
                >
                  {t('campaigns.detail.cancelConfirm', 'Every message not yet sent will be cancelled. This cannot be undone.')}
                </ConfirmDialog>
              </Dialog.Root>
            ) : null}
          </Flex>
        }
        secondaryAction={
          campaign.state !== 'draft' ? (
            <Button variant="tertiary" startIcon={<Download />} loading={busy === 'export'} onClick={exportCsv}>
              {t('campaigns.detail.export', 'Download the results (CSV)')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {campaign.state === 'paused' ? (
            <Alert variant="warning" closeLabel={t('campaigns.close', 'Close')} title={t('campaigns.detail.paused', 'Paused')}>
              {campaign.pausedReason ?? stats?.pausedReason ?? t('campaigns.detail.pausedNoReason', 'Nothing is sent until it is resumed.')}
            </Alert>
          ) : null}

          {campaign.state === 'draft' ? (
            <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
              <Typography>
                {manage.canManage
                  ? t('campaigns.detail.draft', 'This campaign is a draft: edit it to choose its audience, see the estimate and launch it.')
                  : t('campaigns.detail.draftReadOnly', 'This campaign is a draft: someone with the “Manage campaigns” permission has to finish it.')}
              </Typography>
            </Box>
          ) : null}

          {stats ? (
            <>
              <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
                <Flex direction="column" alignItems="stretch" gap={3}>
                  <Flex justifyContent="space-between" wrap="wrap" gap={2}>
                    <Typography variant="delta" tag="h2">
                      {campaign.state === 'launching'
                        ? t('campaigns.detail.preparing', 'Preparing the messages: {queued} queued so far', { queued: number(campaign.queued) })
                        : t('campaigns.detail.progress', '{percent}% done: {done} of {messages} messages', {
                            percent,
                            done: number(stats.sent + stats.failed + stats.cancelled),
                            messages: number(stats.messages),
                          })}
                    </Typography>
                    {live && stats.estimatedSecondsLeft > 0 ? (
                      <Typography textColor="neutral600">{t('campaigns.detail.timeLeft', 'About {time} left', { time: duration(stats.estimatedSecondsLeft) })}</Typography>
                    ) : null}
                  </Flex>
                  <Progress value={percent} aria-label={t('campaigns.list.progress', 'Progress')} />
                  <Typography variant="pi" textColor="neutral600">
                    {t('campaigns.detail.pace', '{n} sent in the last minute', { n: number(stats.sentLastMinute) })}
                    {stats.daysNeeded > 1 && stats.lastDueAt
                      ? ` · ${t('campaigns.detail.days', 'The daily limit ({limit} a day) spreads it over {days} days, until {last}', {
                          limit: number(stats.dailyLimit ?? 0),
                          days: number(stats.daysNeeded),
                          last: date(stats.lastDueAt),
                        })}`
                      : ''}
                  </Typography>
                </Flex>
              </Box>

              <Grid.Root gap={4}>
                {[
                  [t('campaigns.stats.audience', 'Audience'), number(stats.audience)],
                  [t('campaigns.stats.waiting', 'Waiting'), number(stats.waiting)],
                  [t('campaigns.stats.sent', 'Sent'), number(stats.sent)],
                  [t('campaigns.stats.delivered', 'Delivered'), number(stats.delivered)],
                  [t('campaigns.stats.read', 'Read'), number(stats.read)],
                  [t('campaigns.stats.failed', 'Failed'), number(stats.failed)],
                  [t('campaigns.stats.cancelled', 'Cancelled'), number(stats.cancelled)],
                  [t('campaigns.stats.replied', 'Replied'), number(stats.replied), t('campaigns.stats.window', 'within {hours} h', { hours: stats.replyWindowHours })],
                  [t('campaigns.stats.optedOut', 'Opted out'), number(stats.optedOut), t('campaigns.stats.window', 'within {hours} h', { hours: stats.replyWindowHours })],
                ].map(([label, value, hint]) => (
                  <Grid.Item key={label} col={3} s={6} xs={12}>
                    <Stat label={label as string} value={value as string} hint={hint} />
                  </Grid.Item>
                ))}
                <Grid.Item col={3} s={6} xs={12}>
                  <Stat
                    label={t('campaigns.stats.cost', 'Cost (spent / estimated)')}
                    value={`${money(stats.cost.spent, stats.cost.currency)} / ${money(stats.cost.estimated, stats.cost.currency)}`}
                    hint={t('campaigns.stats.costHint', 'Rates of {date}, {category}', { date: stats.cost.ratesDate, category: stats.cost.category })}
                  />
                </Grid.Item>
              </Grid.Root>

              {stats.failures.length ? (
                <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
                  <Flex direction="column" alignItems="stretch" gap={3}>
                    <Typography variant="delta" tag="h2">
                      {t('campaigns.detail.failures', 'Why messages failed')}
                    </Typography>
                    <Table colCount={3} rowCount={stats.failures.length + 1}>
                      <Thead>
                        <Tr>
                          <Th>
                            <Typography variant="sigma">{t('campaigns.detail.failures.count', 'Messages')}</Typography>
                          </Th>
                          <Th>
                            <Typography variant="sigma">{t('campaigns.detail.failures.reason', 'What happened')}</Typography>
                          </Th>
                          <Th>
                            <Typography variant="sigma">{t('campaigns.detail.failures.remedy', 'What to do')}</Typography>
                          </Th>
                        </Tr>
                      </Thead>
                      <Tbody>
                        {stats.failures.map((f) => (
                          <Tr key={f.code ?? 'none'}>
                            <Td>
                              <Typography>{number(f.count)}</Typography>
                            </Td>
                            <Td>
                              <Typography>{f.reason ?? t('campaigns.detail.failures.unknown', 'Unknown error {code}', { code: f.code ?? '' })}</Typography>
                            </Td>
                            <Td>
                              <Typography>{f.remedy ?? '—'}</Typography>
                            </Td>
                          </Tr>
                        ))}
                      </Tbody>
                    </Table>
                  </Flex>
                </Box>
              ) : null}

              {excluded.length ? (
                <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
                  <Flex direction="column" alignItems="stretch" gap={2}>
                    <Typography variant="delta" tag="h2">
                      {t('campaigns.detail.excluded', 'Not sent to')}
                    </Typography>
                    {excluded.map(([reason, n]) => (
                      <Typography key={reason}>
                        {reasonLabel(reason)}: {number(Number(n))}
                      </Typography>
                    ))}
                  </Flex>
                </Box>
              ) : null}

              {messagesLog.canRead ? <CampaignResults campaignId={campaign.id} refresh={stats} /> : null}

              {stats.cost.perCountry.length ? (
                <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
                  <Flex direction="column" alignItems="stretch" gap={3}>
                    <Typography variant="delta" tag="h2">
                      {t('campaigns.cost.perCountry', 'Cost per country')}
                    </Typography>
                    <CostPerCountry cost={stats.cost} spent />
                  </Flex>
                </Box>
              ) : null}
            </>
          ) : null}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export { CampaignPage };
