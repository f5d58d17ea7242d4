import { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Button, Field, Flex, SingleSelect, SingleSelectOption, Textarea, TextButton, TextInput, Typography } from '@strapi/design-system';
import { PaperPlane } from '@strapi/icons';
import { useIntl } from 'react-intl';

import { keyForContent, missingVariables, previewTemplate, serviceWindow, buildVariables } from '../../inbox/format';
import type { Conversation, InboxReply, TemplateOption } from '../../inbox/types';
import { useT } from '../../utils/useT';

interface Props {
  conversation: Conversation;
  now: number;
  templates: TemplateOption[] | null;
  templatesError: boolean;
  onNeedTemplates: () => void;
  /** Sends; resolves true when the server accepted it. */
  onSend: (payload: InboxReply, idempotencyKey: string) => Promise<boolean>;
}

/**
 * Free text while the customer's 24-hour window is open; otherwise (or by choice) an approved
 * template with one field per variable. Each composed reply keeps one Idempotency-Key. Rendered
 * with the conversation's id as its `key`: a different conversation starts a new reply.
 */
export const ReplyBox = ({ conversation, now, templates, templatesError, onNeedTemplates, onSend }: Props) => {
  const t = useT();
  const { formatTime, formatDate } = useIntlDate();
  const win = serviceWindow(conversation, now);
  const [useTemplate, setUseTemplate] = useState(false);
  const templateMode = useTemplate || !win.open;
  const [text, setText] = useState('');
  const [templateId, setTemplateId] = useState<number | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [sending, setSending] = useState(false);
  const keyRef = useRef<{ key: string; content: string } | null>(null);

  useEffect(() => {
    if (templateMode && templates === null && !templatesError) onNeedTemplates();
  }, [templateMode, templates, templatesError, onNeedTemplates]);

  const active = useMemo(() => (templates ?? []).filter((tpl) => tpl.active), [templates]);
  const template = active.find((tpl) => tpl.id === templateId) ?? null;
  const missing = template ? missingVariables(template, values) : [];

  const send = async () => {
    const payload: InboxReply | null = templateMode
      ? template && missing.length === 0
        ? { template: template.id, variables: buildVariables(Object.fromEntries(template.variables.map((name) => [name, values[name] ?? '']))) }
        : null
      : text.trim()
        ? { body: text }
        : null;
    if (!payload || sending) return;
    keyRef.current = keyForContent(keyRef.current, JSON.stringify(payload));
    setSending(true);
    const ok = await onSend(payload, keyRef.current.key);
    setSending(false);
    if (ok) {
      keyRef.current = null;
      setText('');
      setValues({});
    }
  };

  return (
    <Box padding={4} background="neutral0" borderColor="neutral150" style={{ borderTopWidth: 1, borderTopStyle: 'solid' }}>
      <Flex direction="column" alignItems="stretch" gap={3}>
        {win.open ? (
          <Flex justifyContent="space-between" gap={2}>
            <Typography variant="pi" textColor="neutral600">
              {t('inbox.window.open', 'You can write freely for {hours} h {minutes} min more (until {time}).', {
                hours: win.hours,
                minutes: win.minutes,
                time: win.closesAt ? formatTime(win.closesAt) : '',
              })}
            </Typography>
            <TextButton onClick={() => setUseTemplate(!useTemplate)}>
              {useTemplate ? t('inbox.reply.useText', 'Write a message') : t('inbox.reply.useTemplate', 'Use a template')}
            </TextButton>
          </Flex>
        ) : (
          <Box background="warning100" borderColor="warning200" padding={3} hasRadius>
            <Typography variant="pi" textColor="warning700">
              {win.closesAt
                ? t(
                    'inbox.window.closed',
                    'The 24-hour window closed on {date}: WhatsApp only lets you send an approved template until the customer writes again.',
                    { date: formatDate(win.closesAt) }
                  )
                : t('inbox.window.never', 'The customer has not written yet: WhatsApp only lets you start with an approved template.')}
            </Typography>
          </Box>
        )}

        {templateMode ? (
          <Flex direction="column" alignItems="stretch" gap={3}>
            {templatesError ? (
              <Typography variant="pi" textColor="danger600">
                {t('inbox.templates.error', 'The templates could not be loaded. Ask an administrator for access to WhatsApp templates.')}
              </Typography>
            ) : (
              <Field.Root name="template">
                <Field.Label>{t('inbox.templates.label', 'Template')}</Field.Label>
                <SingleSelect
                  placeholder={templates === null ? t('inbox.loading', 'Loading…') : t('inbox.templates.placeholder', 'Choose a template')}
                  value={templateId ?? undefined}
                  onChange={(value: string | number) => {
                    setTemplateId(Number(value));
                    setValues({});
                  }}
                  disabled={templates === null}
                >
                  {active.map((tpl) => (
                    <SingleSelectOption key={tpl.id} value={tpl.id}>
                      {tpl.category ? `${tpl.name} (${tpl.category})` : tpl.name}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Field.Root>
            )}
            {template ? (
              <>
                {template.variables.length ? (
                  <Flex gap={3} wrap="wrap" alignItems="flex-start">
                    {template.variables.map((name) => (
                      <Box key={name} minWidth="200px" flex="1">
                        <Field.Root name={`variable-${name}`} required>
                          <Field.Label>{name}</Field.Label>
                          <TextInput value={values[name] ?? ''} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [name]: e.target.value })} />
                        </Field.Root>
                      </Box>
                    ))}
                  </Flex>
                ) : null}
                <Box background="neutral100" padding={3} hasRadius>
                  <Typography variant="pi" textColor="neutral500">
                    {t('inbox.templates.preview', 'Preview')}
                  </Typography>
                  <Typography tag="p" style={{ whiteSpace: 'pre-wrap' }}>
                    {previewTemplate(template.body, values)}
                  </Typography>
                </Box>
              </>
            ) : null}
          </Flex>
        ) : (
          <Field.Root name="reply">
            <Field.Label>{t('inbox.reply.label', 'Reply')}</Field.Label>
            <Textarea
              value={text}
              placeholder={t('inbox.reply.placeholder', 'Write a reply… (Ctrl+Enter sends)')}
              onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setText(e.target.value)}
              onKeyDown={(e: React.KeyboardEvent<HTMLTextAreaElement>) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  send();
                }
              }}
            />
          </Field.Root>
        )}

        <Flex justifyContent="flex-end">
          <Button
            startIcon={<PaperPlane />}
            loading={sending}
            disabled={sending || (templateMode ? !template || missing.length > 0 : !text.trim())}
            onClick={send}
          >
            {t('inbox.reply.send', 'Send')}
          </Button>
        </Flex>
      </Flex>
    </Box>
  );
};


const useIntlDate = () => {
  const { formatTime, formatDate } = useIntl();
  return {
    formatTime: (at: number) => formatTime(at, { hour: '2-digit', minute: '2-digit' }),
    formatDate: (at: number) => formatDate(at, { dateStyle: 'medium', timeStyle: 'short' }),
  };
};
