import type { ReactNode } from 'react';
import { Box, Flex, Link, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { NavLink } from 'react-router-dom';

import type { DashboardFailure, DashboardGroup } from '../../../shared/contracts';
import { useT } from '../utils/useT';
import { failureWords } from './logic';
import { useDashboardFormat } from './useDashboardFormat';

/** A white panel with a heading, as the other pages draw their sections. */
export const Panel = ({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) => (
  <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius height="100%">
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Flex justifyContent="space-between" gap={2} wrap="wrap">
        <Typography variant="delta" tag="h2">
          {title}
        </Typography>
        {action}
      </Flex>
      {children}
    </Flex>
  </Box>
);

const Head = ({ children }: { children: ReactNode }) => (
  <Th>
    <Typography variant="sigma">{children}</Typography>
  </Th>
);

/** A count and its rate: "12 · 85.7%". */
const CountRate = ({ count, rate }: { count: number; rate: number | null }) => {
  const format = useDashboardFormat();
  return (
    <Typography>
      {format.number(count)}
      <Typography textColor="neutral600"> · {format.rate(rate)}</Typography>
    </Typography>
  );
};

/**
 * The per-campaign, per-template or per-automation lines: messages, then delivered, read and
 * failed with their rates. `linkOf` makes a name a link (to the campaign, or its messages).
 */
export const GroupTable = ({ title, rows, empty, nameOf, linkOf }: { title: string; rows: DashboardGroup[]; empty: string; nameOf: (row: DashboardGroup) => string; linkOf?: (row: DashboardGroup) => string | null }) => {
  const t = useT();
  const format = useDashboardFormat();
  return (
    <Panel title={title}>
      {rows.length === 0 ? (
        <Typography textColor="neutral600">{empty}</Typography>
      ) : (
        <Table colCount={5} rowCount={rows.length + 1}>
          <Thead>
            <Tr>
              <Head>{t('dashboard.table.name', 'Name')}</Head>
              <Head>{t('dashboard.table.messages', 'Messages')}</Head>
              <Head>{t('dashboard.table.delivered', 'Delivered')}</Head>
              <Head>{t('dashboard.table.read', 'Read')}</Head>
              <Head>{t('dashboard.table.failed', 'Failed')}</Head>
            </Tr>
          </Thead>
          <Tbody>
            {rows.map((row) => {
              const link = linkOf?.(row) ?? null;
              return (
                <Tr key={`${row.id ?? ''}:${row.name ?? ''}`}>
                  <Td>
                    {link ? (
                      <Link tag={NavLink} to={link}>
                        {nameOf(row)}
                      </Link>
                    ) : (
                      <Typography>{nameOf(row)}</Typography>
                    )}
                  </Td>
                  <Td>
                    <Typography>{format.number(row.messages)}</Typography>
                  </Td>
                  <Td>
                    <CountRate count={row.delivered} rate={row.deliveryRate} />
                  </Td>
                  <Td>
                    <CountRate count={row.read} rate={row.readRate} />
                  </Td>
                  <Td>
                    <CountRate count={row.failed} rate={row.failureRate} />
                  </Td>
                </Tr>
              );
            })}
          </Tbody>
        </Table>
      )}
    </Panel>
  );
};

/** Providers as staff know them. */
const PROVIDER_NAMES: Record<string, string> = { meta: 'Meta', twilio: 'Twilio', 'twilio-sms': 'Twilio SMS', sandbox: 'Sandbox' };

/**
 * The period's most frequent failures, one block each: how many and the code, what happened and
 * what to do, in plain words (long sentences wrap; a table would push "what to do" off screen).
 */
export const FailuresTable = ({ failures }: { failures: DashboardFailure[] }) => {
  const t = useT();
  const format = useDashboardFormat();
  return (
    <Panel
      title={t('dashboard.failures.title', 'Why messages failed')}
      action={
        <Link tag={NavLink} to="messages?status=failed">
          {t('dashboard.failures.see', 'See the failed messages')}
        </Link>
      }
    >
      {failures.length === 0 ? (
        <Typography textColor="neutral600">{t('dashboard.failures.none', 'No message failed in this period.')}</Typography>
      ) : (
        <Flex direction="column" alignItems="stretch" gap={0} tag="ul">
          {failures.map((failure, index) => {
            const words = failureWords(failure, format.locale);
            const provider = failure.provider ? (PROVIDER_NAMES[failure.provider] ?? failure.provider) : null;
            return (
              <Box key={`${failure.provider ?? ''}:${failure.code ?? ''}`} tag="li" paddingTop={3} paddingBottom={3} borderColor="neutral150" borderStyle="solid" borderWidth={index ? '1px 0 0 0' : '0'}>
                <Flex direction="column" alignItems="flex-start" gap={1}>
                  <Typography fontWeight="bold">
                    {t('dashboard.failures.heading', '{n, plural, one {# message} other {# messages}} · code {code}', { n: failure.count, code: failure.code ?? '—' })}
                    {provider ? <Typography textColor="neutral600"> · {provider}</Typography> : null}
                  </Typography>
                  <Typography>{words.reason ?? t('dashboard.failures.noCode', 'The message failed without an error code')}</Typography>
                  {words.remedy ? (
                    <Typography textColor="neutral700">
                      <Typography fontWeight="semiBold">{t('dashboard.failures.remedy', 'What to do')}: </Typography>
                      {words.remedy}
                    </Typography>
                  ) : null}
                </Flex>
              </Box>
            );
          })}
        </Flex>
      )}
    </Panel>
  );
};
