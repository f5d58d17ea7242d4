import { useEffect, useRef } from 'react';
import { Badge, Box, Button, Flex, Link, Loader, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { ArrowClockwise, ArrowLeft, Cross, User } from '@strapi/icons';
import { NavLink } from 'react-router-dom';

import { assigneeName, contactLabel, recordLink } from '../../inbox/format';
import type { ThreadState } from '../../inbox/state';
import type { Assignee, Conversation, FollowUp, InboxReply, TemplateOption } from '../../inbox/types';
import { useT } from '../../utils/useT';
import { FollowUps } from './FollowUps';
import { MessageBubble } from './MessageBubble';
import { ReplyBox } from './ReplyBox';

interface Props {
  conversation: Conversation;
  thread: ThreadState | null;
  me: number | null;
  now: number;
  canReply: boolean;
  busy: boolean;
  followUps: FollowUp[];
  templates: TemplateOption[] | null;
  templatesError: boolean;
  onNeedTemplates: () => void;
  onLoadEarlier: () => void;
  onAssign: (assignee: 'me' | number | null) => void;
  /** Administrators by name (GET /inbox/assignees). */
  assignees: Assignee[];
  /** Phone width: the list is hidden while a conversation is open; this goes back to it. */
  onBack?: () => void;
  onStatus: (status: 'close' | 'reopen') => void;
  onFollowUpDone: (id: number) => void;
  onSend: (payload: InboxReply, idempotencyKey: string) => Promise<boolean>;
}

/** The right column: who it is, what to do with the conversation, the thread and the reply box. */
export const ThreadPanel = (props: Props) => {
  const { conversation, thread, me, now, canReply, busy, followUps } = props;
  const t = useT();
  const scroller = useRef<HTMLDivElement | null>(null);
  const lastId = thread?.messages[thread.messages.length - 1]?.id;

  // Follow the newest message, as chat apps do (loading earlier pages keeps the last id, so no jump).
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lastId, conversation.id]);

  const name = contactLabel(conversation.contact, conversation.contactId);
  const assignedToMe = conversation.assigneeId !== null && conversation.assigneeId === me;
  const assignee = assigneeName(props.assignees, conversation.assigneeId);
  const record = recordLink(conversation.related);

  return (
    <Flex direction="column" alignItems="stretch" height="100%">
      <Box padding={4} borderColor="neutral150" style={{ borderBottomWidth: 1, borderBottomStyle: 'solid' }}>
        {props.onBack ? (
          <Box paddingBottom={2}>
            <Button variant="tertiary" size="S" startIcon={<ArrowLeft />} onClick={props.onBack}>
              {t('inbox.thread.back', 'Conversations')}
            </Button>
          </Box>
        ) : null}
        <Flex justifyContent="space-between" alignItems="flex-start" gap={3} wrap="wrap">
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Flex gap={2} wrap="wrap">
              <Typography variant="delta" tag="h2">
                {name}
              </Typography>
              {conversation.contact?.phoneUnverified ? (
                <Badge size="S" variant="warning" title={t('inbox.unverified.hint', 'WhatsApp delivered this number, but it is not in the numbering plan our phone check knows')}>
                  {t('inbox.unverified', 'Unverified number')}
                </Badge>
              ) : null}
              {conversation.contact?.isLead ? (
                <Badge size="S" variant="secondary">
                  {t('inbox.lead', 'Lead')}
                </Badge>
              ) : null}
              <Badge size="S" variant={conversation.status === 'open' ? 'success' : 'neutral'}>
                {conversation.status === 'open' ? t('inbox.open', 'Open') : t('inbox.closed', 'Closed')}
              </Badge>
            </Flex>
            <Typography variant="pi" textColor="neutral600">
              {[conversation.contact?.phone, conversation.contact?.username ? `@${conversation.contact.username}` : null, conversation.contact?.name && conversation.contact.profileName ? `~${conversation.contact.profileName}` : null]
                .filter(Boolean)
                .join(' · ')}
              {' · '}
              {conversation.assigneeId === null
                ? t('inbox.assignee.none', 'Not assigned')
                : assignedToMe
                  ? t('inbox.assignee.me', 'Assigned to you')
                  : assignee
                    ? t('inbox.assignee.named', 'Assigned to {name}', { name: assignee })
                    : t('inbox.assignee.other', 'Assigned to a teammate')}
            </Typography>
            {record ? (
              <Typography variant="pi">
                {t('inbox.record', 'About')}{' '}
                <Link tag={NavLink} to={record.to}>
                  {t('inbox.record.open', 'the {type} record', { type: record.label })}
                </Link>
              </Typography>
            ) : null}
          </Flex>
          {canReply ? (
            <Flex gap={2} wrap="wrap">
              {props.assignees.length > 1 ? (
                <Box minWidth="180px">
                  <SingleSelect
                    size="S"
                    aria-label={t('inbox.assign.to', 'Assign to')}
                    placeholder={t('inbox.assign.to', 'Assign to')}
                    disabled={busy}
                    value={conversation.assigneeId === null ? '' : String(conversation.assigneeId)}
                    onChange={(value: string | number) => props.onAssign(value === '' ? null : Number(value))}
                  >
                    <SingleSelectOption value="">{t('inbox.assignee.none', 'Not assigned')}</SingleSelectOption>
                    {props.assignees.map((a) => (
                      <SingleSelectOption key={a.id} value={String(a.id)}>
                        {a.id === me ? t('inbox.assign.meNamed', '{name} (you)', { name: a.name }) : a.name}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Box>
              ) : null}
              {assignedToMe ? (
                <Button variant="tertiary" size="S" disabled={busy} onClick={() => props.onAssign(null)}>
                  {t('inbox.assign.remove', 'Unassign')}
                </Button>
              ) : (
                <Button variant="secondary" size="S" startIcon={<User />} disabled={busy} onClick={() => props.onAssign('me')}>
                  {t('inbox.assign.me', 'Assign to me')}
                </Button>
              )}
              {conversation.status === 'open' ? (
                <Button variant="tertiary" size="S" startIcon={<Cross />} disabled={busy} onClick={() => props.onStatus('close')}>
                  {t('inbox.close', 'Close')}
                </Button>
              ) : (
                <Button variant="tertiary" size="S" startIcon={<ArrowClockwise />} disabled={busy} onClick={() => props.onStatus('reopen')}>
                  {t('inbox.reopen', 'Reopen')}
                </Button>
              )}
            </Flex>
          ) : null}
        </Flex>
      </Box>

      <Box ref={scroller} flex="1" overflow="auto" padding={4} background="neutral100">
        {thread === null ? (
          <Flex justifyContent="center" padding={6}>
            <Loader small>{t('inbox.loading', 'Loading…')}</Loader>
          </Flex>
        ) : (
          <>
            {thread.firstPage > 1 ? (
              <Flex justifyContent="center" paddingBottom={3}>
                <Button variant="tertiary" size="S" onClick={props.onLoadEarlier}>
                  {t('inbox.thread.earlier', 'Show earlier messages')}
                </Button>
              </Flex>
            ) : null}
            {thread.messages.length === 0 ? (
              <Typography textColor="neutral600">{t('inbox.thread.empty', 'No messages in this conversation yet.')}</Typography>
            ) : null}
            {thread.messages.map((message) => (
              <MessageBubble key={message.id} message={message} now={now} />
            ))}
          </>
        )}
      </Box>

      <FollowUps followUps={followUps} canReply={canReply} onDone={props.onFollowUpDone} now={now} />

      {canReply ? (
        <ReplyBox
          key={conversation.id}
          conversation={conversation}
          now={now}
          templates={props.templates}
          templatesError={props.templatesError}
          onNeedTemplates={props.onNeedTemplates}
          onSend={props.onSend}
        />
      ) : (
        <Box padding={3} background="neutral0">
          <Typography variant="pi" textColor="neutral600">
            {t('inbox.reply.forbidden', 'You can read this conversation but not reply: ask an administrator for the “Reply from the inbox” permission.')}
          </Typography>
        </Box>
      )}
    </Flex>
  );
};
