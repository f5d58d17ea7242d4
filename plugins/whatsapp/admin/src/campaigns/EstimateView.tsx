import { Box, Flex, Typography } from '@strapi/design-system';

import type { CampaignEstimate } from '../../../shared/campaigns';
import type { CampaignSender } from '../../../shared/contracts';
import { useCampaignText } from './useCampaignText';
import { CostPerCountry } from './CostPerCountry';
import { SenderWarnings, useSenderLabel } from './SenderPicker';

/** What launching the draft now would do (GET …/estimate): recipients, exclusions, cost, time, days, the first messages. */
export const EstimateView = ({ estimate, sender = null, sandbox = false }: { estimate: CampaignEstimate; sender?: CampaignSender | null; sandbox?: boolean }) => {
  const { t, reasonLabel, money, number, duration, date } = useCampaignText();
  const senderLabel = useSenderLabel();
  const excluded = Object.entries(estimate.excluded).filter(([, n]) => Number(n) > 0);
  const { cost } = estimate;

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Flex direction="column" alignItems="stretch" gap={1}>
        <Typography variant="delta" tag="h3">
          {t('campaigns.estimate.recipients', '{recipients} of {audience} people will receive it', { recipients: number(estimate.recipients), audience: number(estimate.audience) })}
        </Typography>
        {estimate.newContacts > 0 ? (
          <Typography textColor="neutral600">
            {t('campaigns.estimate.newContacts', '{n} of your records are not contacts yet: they will be added at launch, without consent.', { n: number(estimate.newContacts) })}
          </Typography>
        ) : null}
        {estimate.recipients === 0 ? (
          <Typography textColor="danger600">
            {t('campaigns.estimate.nobody', 'Nobody would receive this campaign. Check the audience (and the consent of your contacts) before launching.')}
          </Typography>
        ) : null}
      </Flex>

      {sender ? (
        <Box>
          <Typography variant="sigma" textColor="neutral600">
            {t('campaigns.estimate.sender', 'Sent from')}
          </Typography>
          <Flex direction="column" alignItems="stretch" gap={1} paddingTop={2}>
            <Typography>{senderLabel(sender)}</Typography>
            {sandbox ? <Typography textColor="neutral600">{t('campaigns.sender.sandbox', 'Sandbox mode is on: the messages are simulated and reach nobody, whichever number is chosen.')}</Typography> : null}
            <SenderWarnings sender={sender} recipients={estimate.recipients} />
          </Flex>
        </Box>
      ) : null}

      {excluded.length ? (
        <Box>
          <Typography variant="sigma" textColor="neutral600">
            {t('campaigns.estimate.excluded', 'Left out, and why')}
          </Typography>
          <Flex direction="column" alignItems="stretch" gap={1} paddingTop={2}>
            {excluded.map(([reason, n]) => (
              <Typography key={reason}>
                {reasonLabel(reason)}: {number(Number(n))}
              </Typography>
            ))}
          </Flex>
        </Box>
      ) : null}

      <Box>
        <Typography variant="sigma" textColor="neutral600">
          {t('campaigns.estimate.time', 'Time')}
        </Typography>
        <Flex direction="column" alignItems="stretch" gap={1} paddingTop={2}>
          <Typography>
            {t('campaigns.estimate.duration', 'About {time} of sending, {rate} messages a second, from {start}', {
              time: duration(estimate.estimatedSeconds),
              rate: number(estimate.messagesPerSecond),
              start: date(estimate.startsAt),
            })}
          </Typography>
          {estimate.dailyLimit !== null ? (
            <Typography>
              {t('campaigns.estimate.daily', 'Daily limit of the number: {limit} people a day; {left} left today.', {
                limit: number(estimate.dailyLimit),
                left: number(estimate.leftToday ?? 0),
              })}
            </Typography>
          ) : null}
          {estimate.daysNeeded > 1 ? (
            <Typography textColor="warning600">
              {t('campaigns.estimate.days', 'It will take {days} days: the last {n} messages go out on {last}.', {
                days: number(estimate.daysNeeded),
                n: number(estimate.lastDayRecipients),
                last: date(estimate.lastDueAt),
              })}
            </Typography>
          ) : null}
        </Flex>
      </Box>

      <Box>
        <Typography variant="sigma" textColor="neutral600">
          {t('campaigns.estimate.cost', 'Estimated cost: {total}', { total: money(cost.estimated, cost.currency) })}
        </Typography>
        <Typography variant="pi" tag="p" textColor="neutral600">
          {cost.categoryAssumed
            ? t('campaigns.estimate.categoryAssumed', 'Priced as marketing (the template’s category is unknown), with the rates of {date}.', { date: cost.ratesDate })
            : t('campaigns.estimate.category', 'Priced as {category}, with the rates of {date}. An estimate, never an invoice.', { category: cost.category, date: cost.ratesDate })}
          {cost.unpricedRecipients > 0 ? ` ${t('campaigns.estimate.unpriced', '{n} messages have no rate and are not counted.', { n: number(cost.unpricedRecipients) })}` : ''}
        </Typography>
        {cost.perCountry.length ? (
          <Box paddingTop={2}>
            <CostPerCountry cost={cost} />
          </Box>
        ) : null}
      </Box>

      {estimate.sample.length ? (
        <Box>
          <Typography variant="sigma" textColor="neutral600">
            {t('campaigns.estimate.sample', 'How the first messages will read')}
          </Typography>
          <Flex direction="column" alignItems="stretch" gap={2} paddingTop={2}>
            {estimate.sample.map((m) => (
              <Box key={m.to} background="success100" padding={3} hasRadius>
                <Typography variant="pi" textColor="neutral600" tag="p">
                  {t('campaigns.estimate.to', 'To {phone}', { phone: m.to })}
                </Typography>
                <Typography style={{ whiteSpace: 'pre-wrap' }}>{m.body}</Typography>
              </Box>
            ))}
          </Flex>
        </Box>
      ) : null}
    </Flex>
  );
};
