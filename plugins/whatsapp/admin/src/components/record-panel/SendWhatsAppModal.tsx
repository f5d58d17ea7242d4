import { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Button, Field, Flex, Modal, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';

import { newIdempotencyKey, toTemplate } from '../../inbox/format';
import type { ListAnswer, Message, TemplateOption } from '../../inbox/types';
import { emptyVariables, failedRunReason, initialValues, overridesFor, previewMessage, type PanelRule, type PanelRun } from '../../record-panel/panel-logic';
import { useT } from '../../utils/useT';

interface Props {
  /** The rules that may be sent by hand (panel-logic `sendableRules`), at least one. */
  rules: PanelRule[];
  documentId: string;
  onClose: () => void;
  /** The message was queued: close and refresh. */
  onSent: () => void;
  /** The server answered (even a failed run): refresh the panel. */
  onAnswered: () => void;
}

type SendAnswer = { data: { run: PanelRun; message: Message | null } };

/**
 * "Send WhatsApp" from a record: pick a rule, check the number and the values the record gives its
 * template (editable: edits go as overrides), see a preview and send. Mounted while open: one
 * Idempotency-Key per opening, so a double click or a retry after a timeout sends once.
 */
export const SendWhatsAppModal = ({ rules, documentId, onClose, onSent, onAnswered }: Props) => {
  const t = useT();
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [ruleId, setRuleId] = useState<number>(rules[0].id);
  const rule = rules.find((r) => r.id === ruleId) ?? rules[0];
  const initial = useMemo(() => initialValues(rule), [rule]);
  const [edited, setEdited] = useState<Record<string, string>>(initial);
  const [templates, setTemplates] = useState<TemplateOption[] | null>(null);
  const [sending, setSending] = useState(false);
  const keyRef = useRef<string>(newIdempotencyKey());

  // The template bodies, for the preview: the plugin's list, else the Content Manager's.
  useEffect(() => {
    let active = true;
    const read = (rows: unknown[]) => rows.map((row) => toTemplate(row as Record<string, unknown>)).filter((tpl): tpl is TemplateOption => tpl !== null);
    (async () => {
      try {
        const { data } = await get<ListAnswer<unknown>>('/whatsapp/templates?pagination[pageSize]=100');
        if (active) setTemplates(read(data.data));
      } catch {
        try {
          const { data } = await get<{ results: unknown[] }>('/content-manager/collection-types/plugin::whatsapp.template?page=1&pageSize=100&sort=name:ASC');
          if (active) setTemplates(read(data.results));
        } catch {
          if (active) setTemplates([]);
        }
      }
    })();
    return () => {
      active = false;
    };
  }, [get]);

  const template = templates?.find((tpl) => tpl.name === rule.template) ?? null;
  // The rule's variables, then any the template has that the rule does not fill.
  const values = useMemo(() => {
    const out: Record<string, string> = { ...edited };
    for (const name of template?.variables ?? []) if (!(name in out)) out[name] = '';
    return out;
  }, [edited, template]);
  const empty = emptyVariables(values);
  const canSubmit = !sending && Boolean(rule.to) && empty.length === 0;

  const chooseRule = (value: string | number) => {
    const next = rules.find((r) => r.id === Number(value));
    if (!next) return;
    setRuleId(next.id);
    setEdited(initialValues(next));
  };

  const send = async () => {
    if (!canSubmit) return;
    setSending(true);
    try {
      const { data } = await post<SendAnswer>(
        `/whatsapp/automations/${rule.id}/send`,
        { data: { documentId, variables: overridesFor(initial, values), idempotencyKey: keyRef.current } },
        // 422 answers the failed run (its reason) without Strapi's error shape: read it as an answer.
        { validateStatus: (status) => status === 422 }
      );
      const run = data?.data?.run;
      if (run && run.state !== 'failed') {
        toggleNotification({ type: 'success', message: t('panel.send.success', 'The WhatsApp message is on its way.') });
        onSent();
      } else {
        // A definitive failure: a new key, so trying again (after fixing the record) is a new run.
        keyRef.current = newIdempotencyKey();
        toggleNotification({
          type: 'danger',
          message: t('panel.send.failed', 'The message was not sent: {reason}', { reason: run?.reason ?? t('panel.send.unknown', 'unknown error') }),
        });
        onAnswered();
      }
    } catch (error) {
      // No answer or an error answer (403, 404…): the same key is kept, a retry cannot send twice.
      toggleNotification({
        type: 'danger',
        message: t('panel.send.failed', 'The message was not sent: {reason}', { reason: failedRunReason(error) ?? t('panel.send.unknown', 'unknown error') }),
      });
    } finally {
      setSending(false);
    }
  };

  return (
    <Modal.Root open onOpenChange={(open: boolean) => (open ? undefined : onClose())}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('panel.send.title', 'Send WhatsApp')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Field.Root
              name="whatsapp-rule"
              hint={`${t('panel.send.template', 'Template: {name}', { name: rule.template })}${rule.attachment === 'pdf' ? ` · ${t('panel.send.pdf', 'with the record’s PDF attached')}` : ''}`}
            >
              <Field.Label>{t('panel.send.rule', 'Message to send')}</Field.Label>
              <SingleSelect value={rule.id} onChange={chooseRule}>
                {rules.map((r) => (
                  <SingleSelectOption key={r.id} value={r.id}>
                    {r.name}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
              <Field.Hint />
            </Field.Root>

            {rule.to ? (
              <Typography>
                <Typography fontWeight="semiBold">{t('panel.send.to', 'To')}:</Typography> {rule.to}
              </Typography>
            ) : (
              <Box background="warning100" borderColor="warning200" padding={3} hasRadius>
                <Typography variant="pi" textColor="warning700">
                  {t('panel.send.noPhone', 'The record has no phone number: add it and save the record to send.')}
                </Typography>
              </Box>
            )}

            {Object.keys(values).length ? (
              <Flex direction="column" alignItems="stretch" gap={2}>
                {Object.keys(values).map((name) => (
                  <Field.Root key={name} name={`variable-${name}`} required error={values[name].trim() ? undefined : t('panel.send.empty', 'Write a value')}>
                    <Field.Label>{name}</Field.Label>
                    <TextInput value={values[name]} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setEdited({ ...values, [name]: e.target.value })} />
                    <Field.Error />
                  </Field.Root>
                ))}
              </Flex>
            ) : null}

            <Box background="neutral100" padding={3} hasRadius>
              <Typography variant="pi" textColor="neutral500">
                {t('panel.send.preview', 'Preview')}
              </Typography>
              <Typography tag="p" style={{ whiteSpace: 'pre-wrap' }}>
                {templates === null
                  ? t('panel.send.loading', 'Loading…')
                  : template
                    ? previewMessage(template.body, values)
                    : t('panel.send.noPreview', 'The preview is not available; the message uses the template {name}.', { name: rule.template })}
              </Typography>
              <Typography variant="pi" textColor="neutral500">
                {t('panel.send.previewNote', 'Amounts and dates are formatted when the message is sent.')}
              </Typography>
            </Box>
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('panel.send.cancel', 'Cancel')}</Button>
          </Modal.Close>
          <Button onClick={send} loading={sending} disabled={!canSubmit}>
            {t('panel.send.submit', 'Send')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
