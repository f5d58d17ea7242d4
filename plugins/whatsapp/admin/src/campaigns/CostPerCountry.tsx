import { Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';

import type { CampaignCost } from '../../../shared/contracts';
import { useCampaignText } from './useCampaignText';

/**
 * A campaign's cost by country: messages, rate and the estimate; with `spent`, what was charged
 * so far beside it (a running campaign's page) rather than the estimate alone (before launch).
 */
export const CostPerCountry = ({ cost, spent = false }: { cost: CampaignCost; spent?: boolean }) => {
  const { t, money, number } = useCampaignText();
  return (
    <Table colCount={4} rowCount={cost.perCountry.length + 1}>
      <Thead>
        <Tr>
          <Th>
            <Typography variant="sigma">{t('campaigns.cost.country', 'Country')}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{t('campaigns.cost.recipients', 'Messages')}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{t('campaigns.cost.rate', 'Rate')}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{spent ? t('campaigns.cost.spentEstimated', 'Spent / estimated') : t('campaigns.cost.estimated', 'Estimated')}</Typography>
          </Th>
        </Tr>
      </Thead>
      <Tbody>
        {cost.perCountry.map((row) => (
          <Tr key={row.country ?? 'none'}>
            <Td>
              <Typography>{row.country ?? t('campaigns.cost.unknownCountry', 'Unknown')}</Typography>
            </Td>
            <Td>
              <Typography>{number(row.recipients)}</Typography>
            </Td>
            <Td>
              <Typography>{row.rate === null ? t('campaigns.cost.noRate', 'No rate') : money(row.rate, cost.currency)}</Typography>
            </Td>
            <Td>
              <Typography>{spent ? `${money(row.spent, cost.currency)} / ${money(row.estimated, cost.currency)}` : money(row.estimated, cost.currency)}</Typography>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};
