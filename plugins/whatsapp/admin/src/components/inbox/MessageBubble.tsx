import { Box, Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { Clock } from '@strapi/icons';

import { describeMedia, failureText, fileUrl, locationUrl, mediaNotice, statusTick, type Tick } from '../../inbox/format';
import type { Message } from '../../inbox/types';
import { useT } from '../../utils/useT';
import { When } from './When';

const TICK_COLOR: Record<Tick['tone'], string> = {
  pending: 'neutral500',
  sent: 'neutral600',
  read: 'primary600',
  failed: 'danger600',
  cancelled: 'neutral500',
};

/** One message: inbound on the left, outbound on the right with its delivery mark. */
export const MessageBubble = ({ message, now }: { message: Message; now: number }) => {
  const t = useT();
  const outbound = message.direction === 'out';
  const media = describeMedia(message.media);
  const mapUrl = locationUrl(message.media);
  const file = message.media?.file ?? null;
  const notice = mediaNotice(message.media);
  const href = file ? fileUrl(file.url, window.strapi?.backendURL) : null;
  const tick = statusTick(message.status);
  const statusLabel = t(`inbox.status.${tick.label}`, tick.label);
  const { locale } = useIntl();
  const failure = tick.tone === 'failed' ? failureText(message, locale) : '';
  const deleted = Boolean(message.deletedAt);
  const history = editHistoryText(message);
  // Inbound media keep their caption or file name as the body: do not print it twice.
  const repeated = (text: string) => media !== null && (media.kind === 'location' || /^\[[\w ]+\]$/.test(text) || Boolean(media.detail?.includes(text)));
  const body = message.body && !repeated(message.body) ? message.body : null;

  return (
    <Flex justifyContent={outbound ? 'flex-end' : 'flex-start'} paddingBottom={2}>
      <Box
        maxWidth="75%"
        padding={3}
        hasRadius
        background={tick.tone === 'failed' ? 'danger100' : outbound ? 'success100' : 'neutral0'}
        borderColor={tick.tone === 'failed' ? 'danger200' : outbound ? 'success200' : 'neutral200'}
        shadow="tableShadow"
      >
        <Flex direction="column" alignItems="stretch" gap={1}>
          {message.template ? (
            <Typography variant="pi" textColor="neutral500">
              {t('inbox.message.template', 'Template: {name}', { name: message.template })}
            </Typography>
          ) : null}
          {media ? (
            <Typography variant="pi" fontWeight="semiBold" textColor="neutral700">
              {t(`inbox.media.${media.kind}`, media.kind)}
              {media.detail ? `: ${media.detail}` : ''}
              {mapUrl ? (
                <>
                  {' '}
                  <a href={mapUrl} target="_blank" rel="noreferrer noopener">
                    {t('inbox.media.map', 'open map')}
                  </a>
                </>
              ) : null}
            </Typography>
          ) : null}
          {file && href ? (
            file.mime.startsWith('image/') ? (
              <a href={href} target="_blank" rel="noreferrer noopener" title={file.name}>
                <img src={href} alt={file.name} style={{ maxWidth: 240, maxHeight: 240, borderRadius: 4, display: 'block' }} />
              </a>
            ) : (
              <Typography variant="pi">
                <a href={href} target="_blank" rel="noreferrer noopener" download={file.name}>
                  {t('inbox.media.open', 'Open {name} ({size} KB)', { name: file.name, size: Math.round(file.sizeKb) })}
                </a>
              </Typography>
            )
          ) : null}
          {notice ? (
            <Typography variant="pi" textColor={notice === 'pending' ? 'neutral500' : 'danger600'} title={message.media?.error ?? undefined}>
              {t(`inbox.media.notice.${notice}`, notice)}
            </Typography>
          ) : null}
          {body ? (
            <Typography
              textColor={deleted ? 'neutral500' : 'neutral800'}
              style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontStyle: deleted ? 'italic' : undefined }}
            >
              {body}
            </Typography>
          ) : message.redactedAt && !deleted ? (
            <Typography textColor="neutral500" style={{ fontStyle: 'italic' }}>
              {t('inbox.message.redacted', 'Text removed (data retention or the contact’s erasure)')}
            </Typography>
          ) : null}
          <Flex justifyContent="flex-end" gap={2}>
            {message.reaction?.emoji ? (
              <Typography variant="pi" title={t('inbox.message.reaction', 'Reaction')} aria-label={t('inbox.message.reaction', 'Reaction')}>
                {message.reaction.emoji}
              </Typography>
            ) : null}
            {deleted ? (
              <Typography variant="pi" textColor="neutral500" fontWeight="semiBold">
                {t('inbox.message.deleted', 'deleted by the customer')}
              </Typography>
            ) : null}
            {message.editedAt && !deleted ? (
              <Typography variant="pi" textColor="neutral500" title={history}>
                {t('inbox.message.edited', 'edited')}
              </Typography>
            ) : null}
            <Typography variant="pi" textColor="neutral500">
              <When at={message.createdAt} now={now} />
            </Typography>
            {outbound ? (
              <Typography variant="pi" fontWeight="bold" textColor={TICK_COLOR[tick.tone]} title={failure ? `${statusLabel}: ${failure}` : statusLabel} aria-label={statusLabel}>
                {tick.tone === 'pending' ? <Clock width="1.2rem" height="1.2rem" aria-hidden /> : tick.symbol}
              </Typography>
            ) : null}
          </Flex>
          {failure ? (
            <Typography variant="pi" textColor="danger600">
              {failure}
            </Typography>
          ) : null}
        </Flex>
      </Box>
    </Flex>
  );
};

/** Every earlier version of an edited message, one per line, for the "edited" mark's tooltip. */
const editHistoryText = (message: Message) =>
  (message.editHistory ?? [])
    .map((version) => version.body)
    .filter(Boolean)
    .join('\n');
