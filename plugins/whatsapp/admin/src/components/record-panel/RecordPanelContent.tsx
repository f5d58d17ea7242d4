import { useEffect, useMemo, useState } from 'react';
import { Badge, Box, Button, Flex, Link, Typography } from '@strapi/design-system';
import { PaperPlane } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { NavLink } from 'react-router-dom';

import { failureText, statusTick, type Tick } from '../../inbox/format';
import { messagesPath } from '../../messages/logic';
import type { Message } from '../../inbox/types';
import { ruleName, runBadgeVariant, sendableRules, showRunReason, type PanelRun, type RecordView, type RunState } from '../../record-panel/panel-logic';
import { useT } from '../../utils/useT';
import { When } from '../inbox/When';
import { SendWhatsAppModal } from './SendWhatsAppModal';

const TICK_COLOR: Record<Tick['tone'], string> = {
  pending: 'neutral500',
  sent: 'neutral600',
  read: 'primary600',
  failed: 'danger600',
  cancelled: 'neutral500',
};

/** How many messages and runs the panel lists (the newest first; the server sends up to 50). */
const SHOWN = 10;

interface Props {
  view: RecordView;
  /** The record's content type uid (`api::work-order.work-order`). */
  model: string;
  documentId: string;
  canSend: boolean;
  /** Something was sent: fetch the view again now. */
  onChanged: () => void;
}

/** The panel's body: the send button, the record's messages and its automation runs. */
export const RecordPanelContent = ({ view, model, documentId, canSend, onChanged }: Props) => {
  const t = useT();
  const [now, setNow] = useState(() => Date.now());
  const [open, setOpen] = useState(false);
  const rules = useMemo(() => sendableRules(view.rules), [view.rules]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);

  return (
    <Flex direction="column" alignItems="stretch" gap={4} width="100%">
      {canSend && rules.length > 0 ? (
        <>
          <Button fullWidth variant="secondary" startIcon={<PaperPlane />} onClick={() => setOpen(true)}>
            {t('panel.send.button', 'Send WhatsApp')}
          </Button>
          {open ? (
            <SendWhatsAppModal
              rules={rules}
              documentId={documentId}
              onClose={() => setOpen(false)}
              onSent={() => {
                setOpen(false);
                onChanged();
              }}
              onAnswered={onChanged}
            />
          ) : null}
        </>
      ) : null}

      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="sigma" textColor="neutral600" tag="h3">
          {t('panel.messages.title', 'WhatsApp messages')}
        </Typography>
        {view.messages.length === 0 ? (
          <Typography variant="pi" textColor="neutral500">
            {t('panel.messages.empty', 'No messages sent for this record yet.')}
          </Typography>
        ) : (
          view.messages.slice(0, SHOWN).map((message) => <MessageRow key={message.id} message={message} now={now} />)
        )}
        {/* The panel lists the latest few; the log has them all (the panel is shown only to who may read messages). */}
        {view.messages.length > 0 ? (
          <Link tag={NavLink} to={messagesPath({ relatedType: model, relatedId: documentId })}>
            {t('panel.messages.all', 'See all in Messages')}
          </Link>
        ) : null}
      </Flex>

      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="sigma" textColor="neutral600" tag="h3">
          {t('panel.runs.title', 'Automations')}
        </Typography>
        {view.runs.length === 0 ? (
          <Typography variant="pi" textColor="neutral500">
            {t('panel.runs.empty', 'No automation has run for this record yet.')}
          </Typography>
        ) : (
          view.runs.slice(0, SHOWN).map((run) => <RunRow key={run.id} run={run} name={ruleName(view.rules, run.automationId)} now={now} />)
        )}
      </Flex>
    </Flex>
  );
};

const MessageRow = ({ message, now }: { message: Message; now: number }) => {
  const t = useT();
  const { locale } = useIntl();
  const tick = statusTick(message.status);
  const statusLabel = t(`inbox.status.${tick.label}`, tick.label);
  const failure = tick.tone === 'failed' ? failureText(message, locale) : '';
  const inbound = message.direction === 'in';

  return (
    <Box padding={2} hasRadius background={tick.tone === 'failed' ? 'danger100' : 'neutral100'}>
      <Flex direction="column" alignItems="stretch" gap={1}>
        <Flex justifyContent="space-between" alignItems="flex-start" gap={2}>
          <Typography variant="omega" fontWeight="semiBold" ellipsis title={message.body ?? undefined}>
            {message.template ?? (inbound ? t('panel.messages.inbound', 'Reply from the customer') : t('panel.messages.text', 'Text message'))}
          </Typography>
          {inbound ? null : (
            <Typography variant="pi" fontWeight="bold" textColor={TICK_COLOR[tick.tone]} title={statusLabel} aria-label={statusLabel} style={{ whiteSpace: 'nowrap' }}>
              {tick.symbol} {statusLabel}
            </Typography>
          )}
        </Flex>
        <Flex justifyContent="space-between" gap={2}>
          <Typography variant="pi" textColor="neutral600">
            {inbound ? t('panel.messages.from', 'From {phone}', { phone: message.from ?? '—' }) : t('panel.messages.to', 'To {phone}', { phone: message.to ?? '—' })}
          </Typography>
          <Typography variant="pi" textColor="neutral500">
            <When at={message.createdAt} now={now} />
          </Typography>
        </Flex>
        {failure ? (
          <Typography variant="pi" textColor="danger600">
            {failure}
          </Typography>
        ) : null}
      </Flex>
    </Box>
  );
};

const RunRow = ({ run, name, now }: { run: PanelRun; name: string; now: number }) => {
  const t = useT();
  const states: Record<RunState, string> = {
    pending: t('panel.run.pending', 'Pending'),
    processing: t('panel.run.processing', 'Processing'),
    queued: t('panel.run.queued', 'Queued'),
    sent: t('panel.run.sent', 'Sent'),
    skipped: t('panel.run.skipped', 'Skipped'),
    failed: t('panel.run.failed', 'Failed'),
  };
  // The server writes what happened in English; the two fixed phrases are translated.
  const change =
    run.change === 'sent by hand' ? t('panel.run.manual', 'sent by hand') : run.change === 'created' ? t('panel.run.created', 'record created') : run.change;

  return (
    <Box padding={2} hasRadius background="neutral100">
      <Flex direction="column" alignItems="stretch" gap={1}>
        <Flex justifyContent="space-between" alignItems="flex-start" gap={2}>
          <Typography variant="omega" fontWeight="semiBold">
            {name}
          </Typography>
          <Badge variant={runBadgeVariant(run.state)} size="S">
            {states[run.state] ?? run.state}
          </Badge>
        </Flex>
        <Flex justifyContent="space-between" gap={2}>
          <Typography variant="pi" textColor="neutral600" style={{ wordBreak: 'break-word' }}>
            {change ?? ''}
          </Typography>
          <Typography variant="pi" textColor="neutral500" style={{ whiteSpace: 'nowrap' }}>
            <When at={run.createdAt} now={now} />
          </Typography>
        </Flex>
        {showRunReason(run) ? (
          <Typography variant="pi" textColor={run.state === 'failed' ? 'danger600' : 'neutral600'}>
            {run.reason}
          </Typography>
        ) : null}
      </Flex>
    </Box>
  );
};
