import { Badge, Box, Field, Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';

import type { CampaignSender, CampaignSendersMeta } from '../../../shared/contracts';
import { qualityVariant } from '../senders/quality';
import { senderWarnings, tierLimit } from './logic';
import { useCampaignText } from './useCampaignText';

/** A number as the picker and the review name it: "Meta WhatsApp (+15550001111)"; the sandbox's has no number to show. */
export const useSenderLabel = () => {
  const { t } = useCampaignText();
  return (sender: CampaignSender) => (sender.provider === 'sandbox' ? t('campaigns.sender.sandboxName', 'Sandbox (simulated)') : `${sender.name} (${sender.number})`);
};

/**
 * The warnings for the chosen number, in plain words: a low quality rating (people block or report
 * it), a low messaging tier, or, with the estimate's recipients, an audience above the tier.
 */
export const SenderWarnings = ({ sender, recipients }: { sender: CampaignSender | null; recipients?: number }) => {
  const { t, number } = useCampaignText();
  const warnings = senderWarnings(sender, recipients);
  if (!sender || !warnings.length) return null;
  const limit = tierLimit(sender.messagingTier);
  const values = { rating: sender.qualityRating ?? '', tier: sender.messagingTier ?? '', limit: number(limit ?? 0), recipients: number(recipients ?? 0) };
  const words = {
    'quality-red': t(
      'campaigns.sender.warning.qualityRed',
      'The quality rating of this number is {rating}: many people block or report its messages. A campaign from it can get its limit lowered or the number stopped; choose another number or wait until the rating improves.',
      values
    ),
    'quality-yellow': t('campaigns.sender.warning.qualityYellow', 'The quality rating of this number is {rating}: some people block or report its messages. Send only to people who expect them.', values),
    'tier-low': t('campaigns.sender.warning.tierLow', 'This number may start conversations with only {limit} people a day (messaging limit {tier}): a large campaign from it takes several days.', values),
    'tier-audience': t(
      'campaigns.sender.warning.tierAudience',
      '{recipients} people is more than this number may reach in 24 hours ({limit}, messaging limit {tier}): set the number’s daily limit so the campaign is spread over several days, or choose another number.',
      values
    ),
  };
  return (
    <Flex direction="column" alignItems="stretch" gap={1} role="alert">
      {warnings.map((w) => (
        <Typography key={w} textColor={w === 'quality-red' ? 'danger600' : 'warning600'}>
          {words[w]}
        </Typography>
      ))}
    </Flex>
  );
};

/**
 * The number a campaign goes from (GET /whatsapp/campaigns/senders): a select when there is a
 * choice, the number in words when there is one, nothing when none could be read (the server
 * then sends from its default). In sandbox mode it says nothing reaches WhatsApp.
 */
export const SenderPicker = ({
  senders,
  meta,
  chosen,
  onChange,
  error,
}: {
  senders: CampaignSender[];
  meta: CampaignSendersMeta;
  chosen: CampaignSender | null;
  onChange: (id: number) => void;
  error?: string;
}) => {
  const { t } = useCampaignText();
  const label = useSenderLabel();
  if (!senders.length) {
    return <Typography textColor="danger600">{t('campaigns.sender.none', 'No number can send a campaign: connect Twilio or Meta (Settings → WhatsApp) first.')}</Typography>;
  }
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Field.Root name="senderId" error={error} hint={meta.sandbox ? t('campaigns.sender.sandbox', 'Sandbox mode is on: the messages are simulated and reach nobody, whichever number is chosen.') : undefined}>
        <Field.Label>{t('campaigns.sender.label', 'Sent from')}</Field.Label>
        {senders.length > 1 ? (
          <SingleSelect value={chosen ? String(chosen.id) : undefined} onChange={(value: string | number) => onChange(Number(value))}>
            {senders.map((s) => (
              <SingleSelectOption key={s.id} value={String(s.id)}>
                {s.id === meta.defaultId ? t('campaigns.sender.defaultOption', '{sender} — default', { sender: label(s) }) : label(s)}
              </SingleSelectOption>
            ))}
          </SingleSelect>
        ) : (
          <Box paddingTop={1}>
            <Typography>{chosen ? label(chosen) : ''}</Typography>
          </Box>
        )}
        <Field.Hint />
        <Field.Error />
      </Field.Root>
      {chosen && (chosen.qualityRating || chosen.messagingTier) ? (
        <Flex gap={2} wrap="wrap">
          {chosen.qualityRating ? <Badge variant={qualityVariant(chosen.qualityRating)}>{t('campaigns.sender.quality', 'Quality {rating}', { rating: chosen.qualityRating })}</Badge> : null}
          {chosen.messagingTier ? <Badge>{t('campaigns.sender.tier', 'Messaging limit {tier}', { tier: chosen.messagingTier })}</Badge> : null}
        </Flex>
      ) : null}
      <SenderWarnings sender={chosen} />
    </Flex>
  );
};
