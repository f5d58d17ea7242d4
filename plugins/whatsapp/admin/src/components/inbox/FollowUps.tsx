import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { useIntl } from 'react-intl';

import type { FollowUp } from '../../inbox/types';
import { useT } from '../../utils/useT';

/** The open follow-up tasks of the conversation (created by replies to templates that ask for one). */
export const FollowUps = ({ followUps, canReply, onDone, now }: { followUps: FollowUp[]; canReply: boolean; onDone: (id: number) => void; now: number }) => {
  const t = useT();
  const { formatDate } = useIntl();
  if (followUps.length === 0) return null;
  // Written from the kind in the reader's language; the stored English title only for follow-ups from before kinds.
  const followUpTitle = (followUp: FollowUp) =>
    followUp.kind === 'reply' && followUp.excerpt !== null
      ? followUp.replyCount > 1
        ? t('inbox.followUps.kind.replies', '{count} replies to answer, the latest: “{excerpt}”', { count: followUp.replyCount, excerpt: followUp.excerpt })
        : t('inbox.followUps.kind.reply', 'Reply to answer: “{excerpt}”', { excerpt: followUp.excerpt })
      : followUp.title;
  return (
    <Box padding={3} background="secondary100" borderColor="secondary200" style={{ borderTopWidth: 1, borderTopStyle: 'solid' }}>
      <Typography variant="sigma" textColor="secondary700">
        {t('inbox.followUps.title', 'Follow-ups')}
      </Typography>
      <Flex direction="column" alignItems="stretch" gap={2} paddingTop={2}>
        {followUps.map((followUp) => {
          const overdue = followUp.due !== null && Date.parse(followUp.due) < now;
          return (
            <Flex key={followUp.id} justifyContent="space-between" gap={2}>
              <Flex direction="column" alignItems="flex-start">
                <Typography>{followUpTitle(followUp)}</Typography>
                {followUp.due ? (
                  <Typography variant="pi" textColor={overdue ? 'danger600' : 'neutral600'}>
                    {t(overdue ? 'inbox.followUps.overdue' : 'inbox.followUps.due', overdue ? 'Overdue since {date}' : 'Due {date}', {
                      date: formatDate(followUp.due, { dateStyle: 'medium', timeStyle: 'short' }),
                    })}
                  </Typography>
                ) : null}
              </Flex>
              {canReply ? (
                <Button size="S" variant="secondary" startIcon={<Check />} onClick={() => onDone(followUp.id)}>
                  {t('inbox.followUps.done', 'Done')}
                </Button>
              ) : null}
            </Flex>
          );
        })}
      </Flex>
    </Box>
  );
};
