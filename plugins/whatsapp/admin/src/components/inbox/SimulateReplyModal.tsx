import { useState } from 'react';
import { Button, Field, Flex, Modal, TextInput, Textarea, Typography } from '@strapi/design-system';

import type { Conversation, SimulateReply } from '../../inbox/types';
import { useT } from '../../utils/useT';

interface Props {
  /** The open conversation: its customer writes by default. */
  conversation: Conversation | null;
  onClose: () => void;
  onSimulate: (reply: SimulateReply) => Promise<boolean>;
}

/**
 * Sandbox mode only: write as a customer would. The server takes it through the same path as a
 * WhatsApp webhook, so the conversation, the lead, the follow-up and the live update are real.
 */
export const SimulateReplyModal = ({ conversation, onClose, onSimulate }: Props) => {
  const t = useT();
  const contact = conversation?.contact ?? null;
  const [phone, setPhone] = useState(contact?.phone ?? '');
  const [name, setName] = useState('');
  const [body, setBody] = useState('');
  const [sending, setSending] = useState(false);
  const sameCustomer = contact?.phone !== null && contact?.phone !== undefined && phone === contact.phone;

  const submit = async () => {
    setSending(true);
    const reply: SimulateReply = sameCustomer && contact ? { contactId: contact.id, body } : { phone, body, ...(name.trim() ? { name: name.trim() } : {}) };
    const done = await onSimulate(reply);
    setSending(false);
    if (done) onClose();
  };

  return (
    <Modal.Root open onOpenChange={(open: boolean) => (open ? undefined : onClose())}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('inbox.simulate.title', 'Simulate a customer reply')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Typography variant="omega" textColor="neutral600">
              {t('inbox.simulate.hint', 'Sandbox mode: nothing comes from WhatsApp, so write here as the customer. The message arrives exactly as a real one would.')}
            </Typography>
            <Field.Root name="phone" required>
              <Field.Label>{t('inbox.simulate.phone', 'Customer phone number')}</Field.Label>
              <TextInput value={phone} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setPhone(e.target.value)} placeholder="+52 55 1234 5678" />
            </Field.Root>
            {sameCustomer ? null : (
              <Field.Root name="name" hint={t('inbox.simulate.name.hint', 'Their WhatsApp profile name, for a new number')}>
                <Field.Label>{t('inbox.simulate.name', 'Name')}</Field.Label>
                <TextInput value={name} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setName(e.target.value)} />
                <Field.Hint />
              </Field.Root>
            )}
            <Field.Root name="body" required>
              <Field.Label>{t('inbox.simulate.body', 'Message')}</Field.Label>
              <Textarea value={body} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setBody(e.target.value)} />
            </Field.Root>
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('inbox.simulate.cancel', 'Cancel')}</Button>
          </Modal.Close>
          <Button onClick={submit} loading={sending} disabled={!phone.trim() || !body.trim()}>
            {t('inbox.simulate.send', 'Receive the message')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
