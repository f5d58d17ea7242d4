import { useEffect, useState } from 'react';
import { Badge, Box, Button, Flex, Link, SingleSelect, SingleSelectOption, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { NavLink } from 'react-router-dom';
import { useFetchClient } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import type { ListAnswer, Message, MessageStatus } from '../../../shared/contracts';
import { failureText, queryOf, statusVariant, EMPTY_FILTERS } from '../messages/logic';
import { statusLabels } from '../messages/labels';
import { useT } from '../utils/useT';
import { PLUGIN_ID } from '../pluginId';

const PAGE_SIZE = 20;
/** The statuses a campaign's message can be in (no `received`: those are the customers' replies). */
const OUTCOMES: MessageStatus[] = ['queued', 'scheduled', 'sending', 'sent', 'delivered', 'read', 'failed', 'cancelled', 'undeliverable', 'unknown'];

/**
 * A campaign's results, one row per recipient: where their message is now, since when, and why it
 * failed in plain words. Read from the message log's own API (GET /whatsapp/messages filtered by
 * campaign), refreshed with the campaign's page; "Open in Messages" shows every detail.
 */
/** `refresh`: a value that changes when the campaign's page reloads its stats (the rows reload too). */
export const CampaignResults = ({ campaignId, refresh }: { campaignId: number; refresh: unknown }) => {
  const t = useT();
  const { locale, formatDate } = useIntl();
  const { get } = useFetchClient();
  const statuses = statusLabels(t);
  const [status, setStatus] = useState<MessageStatus | ''>('');
  const [page, setPage] = useState(1);
  const [answer, setAnswer] = useState<ListAnswer<Message> | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let stale = false;
    const params = queryOf({ ...EMPTY_FILTERS, campaign: String(campaignId), status }, page, PAGE_SIZE);
    get<ListAnswer<Message>>('/whatsapp/messages', { params })
      .then(({ data }) => {
        if (!stale) {
          setAnswer(data);
          setFailed(false);
        }
      })
      .catch(() => !stale && setFailed(true));
    return () => {
      stale = true;
    };
  }, [get, campaignId, status, page, refresh]);

  const pages = answer?.meta.pagination.pageCount ?? 1;
  const lastChange = (message: Message) => message.updatedAt ?? message.createdAt;

  return (
    <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex justifyContent="space-between" alignItems="flex-end" gap={3} wrap="wrap">
          <Typography variant="delta" tag="h2">
            {t('campaigns.results.title', 'Results per recipient')}
          </Typography>
          <Flex gap={3} alignItems="flex-end">
            <Box minWidth="18rem">
              <SingleSelect
                aria-label={t('campaigns.results.status', 'Status')}
                value={status}
                onChange={(value: string | number) => {
                  setStatus(String(value) as MessageStatus | '');
                  setPage(1);
                }}
              >
                <SingleSelectOption value="">{t('campaigns.results.allStatuses', 'Every status')}</SingleSelectOption>
                {OUTCOMES.map((s) => (
                  <SingleSelectOption key={s} value={s}>
                    {statuses[s]}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            </Box>
            <Link tag={NavLink} to={`/plugins/${PLUGIN_ID}/messages?campaign=${campaignId}`}>
              {t('campaigns.results.openLog', 'Open in Messages')}
            </Link>
          </Flex>
        </Flex>
        {failed ? (
          <Typography textColor="danger600">{t('campaigns.results.error', 'The results could not be loaded.')}</Typography>
        ) : !answer ? (
          <Typography textColor="neutral600">{t('campaigns.wizard.loading', 'Loading…')}</Typography>
        ) : answer.data.length === 0 ? (
          <Typography textColor="neutral600">
            {status ? t('campaigns.results.noneWithStatus', 'No recipient’s message is in this status.') : t('campaigns.results.none', 'No messages yet: they appear here as the campaign prepares them.')}
          </Typography>
        ) : (
          <>
            <Table colCount={4} rowCount={answer.data.length + 1}>
              <Thead>
                <Tr>
                  <Th>
                    <Typography variant="sigma">{t('campaigns.results.recipient', 'Recipient')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('campaigns.results.status', 'Status')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('campaigns.results.since', 'Since')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('campaigns.results.problem', 'Problem')}</Typography>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {answer.data.map((message) => {
                  const failure = failureText(message, locale);
                  const at = lastChange(message);
                  return (
                    <Tr key={message.id}>
                      <Td>
                        <Link tag={NavLink} to={`/plugins/${PLUGIN_ID}/messages?message=${message.id}`}>
                          {message.to ?? '—'}
                        </Link>
                      </Td>
                      <Td>
                        <Badge variant={statusVariant(message.status)}>{statuses[message.status]}</Badge>
                      </Td>
                      <Td>
                        <Typography textColor="neutral600">{at ? formatDate(at, { dateStyle: 'medium', timeStyle: 'short' }) : '—'}</Typography>
                      </Td>
                      <Td>
                        <Typography textColor={failure ? 'danger600' : 'neutral600'}>{failure ? failure.reason : ''}</Typography>
                      </Td>
                    </Tr>
                  );
                })}
              </Tbody>
            </Table>
            {pages > 1 ? (
              <Flex justifyContent="flex-end" alignItems="center" gap={2}>
                <Button variant="tertiary" size="S" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                  {t('campaigns.results.previous', 'Previous')}
                </Button>
                <Typography>{t('campaigns.results.page', 'Page {page} of {pages}', { page, pages })}</Typography>
                <Button variant="tertiary" size="S" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                  {t('campaigns.results.next', 'Next')}
                </Button>
              </Flex>
            ) : null}
          </>
        )}
      </Flex>
    </Box>
  );
};
