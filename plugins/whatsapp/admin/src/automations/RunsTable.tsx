import { useCallback, useEffect, useState } from 'react';
import { Badge, Box, Button, Flex, Link, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { NavLink } from 'react-router-dom';
import { useFetchClient, useRBAC } from '@strapi/strapi/admin';

import type { AutomationRun } from '../../../shared/automations';
import type { ListAnswer } from '../../../shared/contracts';
import { PERMISSIONS } from '../constants';
import { PLUGIN_ID } from '../pluginId';
import { When } from '../components/inbox/When';
import { messagesPath } from '../messages/logic';
import { recordPath, runBadgeVariant, runsQuery, RUNS_PAGE_SIZE } from './logic';
import { useAutomationText } from './useAutomationText';

interface Props {
  /** One rule's runs; null: every rule's (then each row names its rule). */
  automationId: number | null;
  /** Rule names by id, for every rule's runs. */
  names?: Map<number, string>;
  /** Asked again when this changes (a rule switched on, a test run). */
  refresh?: number;
}

/** Runs still on their way are asked again this often. */
const POLL_MS = 5_000;
/** The most the runs endpoint answers at once: "Show more" stops there (older runs are in the Content Manager). */
const MAX_SHOWN = 100;

/**
 * The latest automation runs, newest first: when, the record (a link to it in the Content
 * Manager), what set it off, how it ended and why in plain words, and the message it sent (a
 * link to it in the messages log, for whoever may read messages).
 */
export const RunsTable = ({ automationId, names, refresh = 0 }: Props) => {
  const { t, stateLabel, reasonText, changeText, number } = useAutomationText();
  const { get } = useFetchClient();
  // `messages.read` → canRead.
  const { allowedActions } = useRBAC(PERMISSIONS.readMessages);
  const [runs, setRuns] = useState<AutomationRun[] | null>(null);
  const [total, setTotal] = useState(0);
  const [shown, setShown] = useState(RUNS_PAGE_SIZE);
  const [failed, setFailed] = useState(false);
  const [now, setNow] = useState(() => Date.now());

  const load = useCallback(
    () =>
      get<ListAnswer<AutomationRun>>('/whatsapp/automations/runs', { params: runsQuery(automationId, 1, shown) })
        .then(({ data }) => {
          setRuns(data.data);
          setTotal(data.meta.pagination.total);
          setNow(Date.now());
          setFailed(false);
        })
        .catch(() => setFailed(true)),
    [get, automationId, shown]
  );

  useEffect(() => {
    load();
  }, [load, refresh]);

  const moving = Boolean(runs?.some((r) => r.state === 'pending' || r.state === 'processing' || r.state === 'queued'));
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [moving, load]);

  if (failed && !runs) return <Typography textColor="danger600">{t('automations.runs.loadError', 'The runs could not be loaded.')}</Typography>;
  if (!runs) return <Typography textColor="neutral600">{t('automations.runs.loading', 'Loading the runs…')}</Typography>;
  if (runs.length === 0) {
    return (
      <Typography textColor="neutral600">
        {automationId
          ? t('automations.runs.emptyOne', 'This automation has not run yet. It runs when a record meets its trigger; use “Test on a record” to see what it would send.')
          : t('automations.runs.empty', 'No automation has run yet.')}
      </Typography>
    );
  }

  const columns = automationId ? 6 : 7;
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Table colCount={columns} rowCount={runs.length + 1}>
        <Thead>
          <Tr>
            <Th>
              <Typography variant="sigma">{t('automations.runs.when', 'When')}</Typography>
            </Th>
            {automationId ? null : (
              <Th>
                <Typography variant="sigma">{t('automations.runs.automation', 'Automation')}</Typography>
              </Th>
            )}
            <Th>
              <Typography variant="sigma">{t('automations.runs.record', 'Record')}</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">{t('automations.runs.change', 'What set it off')}</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">{t('automations.runs.outcome', 'Outcome')}</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">{t('automations.runs.reason', 'Why')}</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">{t('automations.runs.message', 'Message')}</Typography>
            </Th>
          </Tr>
        </Thead>
        <Tbody>
          {runs.map((run) => {
            const reason = reasonText(run.reason);
            return (
              <Tr key={run.id}>
                <Td>
                  <Typography variant="pi" style={{ whiteSpace: 'nowrap' }}>
                    <When at={run.createdAt} now={now} />
                  </Typography>
                </Td>
                {automationId ? null : (
                  <Td>
                    <Typography variant="pi">{names?.get(run.automationId) ?? `#${run.automationId}`}</Typography>
                  </Td>
                )}
                <Td>
                  <Link tag={NavLink} to={recordPath(run.contentType, run.recordId)}>
                    <Typography variant="pi" title={run.recordId}>
                      {run.recordId.slice(0, 10)}
                      {run.recordId.length > 10 ? '…' : ''}
                    </Typography>
                  </Link>
                </Td>
                <Td>
                  <Typography variant="pi" textColor="neutral600" style={{ wordBreak: 'break-word' }}>
                    {changeText(run.change)}
                  </Typography>
                </Td>
                <Td>
                  <Badge variant={runBadgeVariant(run.state)} size="S">
                    {stateLabel(run.state)}
                  </Badge>
                </Td>
                <Td>
                  <Box maxWidth="28rem">
                    <Typography variant="pi" textColor={run.state === 'failed' ? 'danger600' : 'neutral700'} title={run.reason ?? undefined}>
                      {reason || '—'}
                    </Typography>
                  </Box>
                </Td>
                <Td>
                  {run.messageId && allowedActions.canRead ? (
                    <Link tag={NavLink} to={`/plugins/${PLUGIN_ID}/messages?message=${run.messageId}`}>
                      {t('automations.runs.openMessage', 'Message #{id}', { id: run.messageId })}
                    </Link>
                  ) : (
                    <Typography variant="pi" textColor="neutral500">
                      {run.messageId ? `#${run.messageId}` : '—'}
                    </Typography>
                  )}
                </Td>
              </Tr>
            );
          })}
        </Tbody>
      </Table>
      <Flex gap={4} wrap="wrap" alignItems="center">
        {total > runs.length && shown < MAX_SHOWN ? (
          <Button variant="tertiary" onClick={() => setShown(Math.min(MAX_SHOWN, shown + RUNS_PAGE_SIZE))}>
            {t('automations.runs.more', 'Show more ({left} left)', { left: number(total - runs.length) })}
          </Button>
        ) : null}
        {/* Every message this rule sent, in the log (its own filter), for whoever may read messages. */}
        {automationId && allowedActions.canRead ? (
          <Link tag={NavLink} to={messagesPath({ automation: String(automationId) })}>
            {t('automations.runs.allMessages', 'See all in Messages')}
          </Link>
        ) : null}
      </Flex>
    </Flex>
  );
};
