import { useCallback, useEffect, useRef, useState } from 'react';
import { Badge, Box, EmptyStateLayout, Flex, Link, LinkButton, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowLeft, Plus } from '@strapi/icons';
import { NavLink, useNavigate } from 'react-router-dom';
import { Layouts, Page, useFetchClient, useRBAC } from '@strapi/strapi/admin';

import type { Campaign, CampaignStats } from '../../../shared/campaigns';
import type { ListAnswer } from '../../../shared/contracts';
import { PERMISSIONS } from '../constants';
import { isLive, progressPercent, stateBadgeVariant } from '../campaigns/logic';
import { useCampaignText } from '../campaigns/useCampaignText';
import { Progress } from '../components/Progress';

const API = '/whatsapp/campaigns';
/** Live campaigns' numbers are asked again this often (the stats are a few grouped queries). */
export const POLL_MS = 2_000;
const PAGE_SIZE = 25;

/**
 * The campaigns: each with its state, how far it is, what happened to its messages and what it
 * costs. The numbers of the campaigns still sending are asked again every 2 s; the list itself
 * (states) at the same time, so a campaign that finishes or pauses shows it.
 */
const CampaignsPage = () => {
  const { t, stateLabel, money, number, date, lang } = useCampaignText();
  const { get } = useFetchClient();
  const navigate = useNavigate();
  const { allowedActions: manage } = useRBAC(PERMISSIONS.manageCampaigns);
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null);
  const [stats, setStats] = useState<Record<number, CampaignStats>>({});
  const [loadError, setLoadError] = useState(false);
  const asked = useRef(new Set<number>());

  const loadStats = useCallback(
    (ids: number[]) =>
      Promise.all(
        ids.map((id) =>
          get<{ data: CampaignStats }>(`${API}/${id}/stats`, { params: { lang } })
            .then(({ data }) => setStats((prev) => ({ ...prev, [id]: data.data })))
            .catch(() => undefined)
        )
      ),
    [get, lang]
  );

  const load = useCallback(
    () =>
      get<ListAnswer<Campaign>>(API, { params: { page: 1, pageSize: PAGE_SIZE } })
        .then(({ data }) => {
          setCampaigns(data.data);
          // Finished and draft campaigns are asked once; live ones on every round.
          const ids = data.data.filter((c) => c.state !== 'draft' && (isLive(c.state) || !asked.current.has(c.id))).map((c) => c.id);
          ids.forEach((id) => asked.current.add(id));
          return loadStats(ids);
        })
        .catch(() => setLoadError(true)),
    [get, loadStats]
  );

  useEffect(() => {
    load();
  }, [load]);

  const anyLive = Boolean(campaigns?.some((c) => isLive(c.state)));
  useEffect(() => {
    if (!anyLive) return;
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [anyLive, load]);

  if (loadError) return <Page.Error />;
  if (!campaigns) return <Page.Loading />;

  const newButton = manage.canManage ? (
    <LinkButton tag={NavLink} to="new" startIcon={<Plus />}>
      {t('campaigns.list.new', 'New campaign')}
    </LinkButton>
  ) : undefined;

  return (
    <Page.Main>
      <Page.Title>{t('campaigns.list.title', 'Campaigns')}</Page.Title>
      <Layouts.Header
        title={t('campaigns.list.title', 'Campaigns')}
        subtitle={t('campaigns.list.subtitle', 'One template to many people, each message with their own data, at the pace you choose.')}
        navigationAction={
          <Link tag={NavLink} to=".." relative="path" startIcon={<ArrowLeft />}>
            {t('campaigns.back', 'WhatsApp')}
          </Link>
        }
        primaryAction={newButton}
      />
      <Layouts.Content>
        {campaigns.length === 0 ? (
          <EmptyStateLayout
            content={
              manage.canManage
                ? t(
                    'campaigns.list.empty',
                    'No campaigns yet. A campaign sends one approved template to a list of contacts (everyone with marketing consent, a tag, a list of numbers or your own records). Import your contacts first, then create a campaign.'
                  )
                : t('campaigns.list.emptyReadOnly', 'No campaigns yet. Someone with the “Manage campaigns” permission can create one.')
            }
            action={newButton}
          />
        ) : (
          <Table colCount={7} rowCount={campaigns.length + 1}>
            <Thead>
              <Tr>
                <Th>
                  <Typography variant="sigma">{t('campaigns.list.name', 'Name')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('campaigns.list.state', 'State')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('campaigns.list.progress', 'Progress')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('campaigns.list.counts', 'Sent / delivered / read / failed')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('campaigns.list.cost', 'Cost spent / estimated')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('campaigns.list.template', 'Template')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('campaigns.list.created', 'Created')}</Typography>
                </Th>
              </Tr>
            </Thead>
            <Tbody>
              {campaigns.map((campaign) => {
                const s = stats[campaign.id] ?? null;
                const percent = progressPercent(campaign.state, s, campaign);
                return (
                  <Tr key={campaign.id} onClick={() => navigate(campaign.state === 'draft' && manage.canManage ? `${campaign.id}/edit` : String(campaign.id))} style={{ cursor: 'pointer' }}>
                    <Td>
                      <Typography fontWeight="semiBold">{campaign.name}</Typography>
                    </Td>
                    <Td>
                      <Badge variant={stateBadgeVariant(campaign.state)}>{stateLabel(campaign.state)}</Badge>
                    </Td>
                    <Td>
                      {campaign.state === 'draft' ? (
                        <Typography textColor="neutral500">{t('campaigns.list.notLaunched', 'Not launched')}</Typography>
                      ) : (
                        <Flex direction="column" alignItems="stretch" gap={1} minWidth="120px">
                          <Progress value={percent} size="S" aria-label={t('campaigns.list.progress', 'Progress')} />
                          <Typography variant="pi" textColor="neutral600">
                            {campaign.state === 'launching'
                              ? t('campaigns.list.queuing', '{queued} queued', { queued: number(campaign.queued) })
                              : `${percent}%`}
                          </Typography>
                        </Flex>
                      )}
                    </Td>
                    <Td>
                      <Typography>{s ? `${number(s.sent)} / ${number(s.delivered)} / ${number(s.read)} / ${number(s.failed)}` : '—'}</Typography>
                    </Td>
                    <Td>
                      <Typography>{s ? `${money(s.cost.spent, s.cost.currency)} / ${money(s.cost.estimated, s.cost.currency)}` : '—'}</Typography>
                    </Td>
                    <Td>
                      <Typography>{campaign.template ?? '—'}</Typography>
                    </Td>
                    <Td>
                      <Typography>{date(campaign.createdAt)}</Typography>
                    </Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}
        {campaigns.length > 0 ? (
          <Box paddingTop={4}>
            <Typography variant="pi" textColor="neutral600">
              {t('campaigns.list.costNote', 'Costs are estimates from the price table (Settings), never an invoice.')}
            </Typography>
          </Box>
        ) : null}
      </Layouts.Content>
    </Page.Main>
  );
};

export { CampaignsPage };
