import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { metaProvider } from '../providers/meta';
import { metaTextWebhook } from '../providers/sandbox/customer-reply';
import { getService } from '../utils';
import { RuleError } from '../utils/errors';
import type { Message } from './messages';
import type { Sender } from './senders';
import type { SimulateReply } from '../../../shared/contracts';

export type SimulateInput = SimulateReply & {
  /** When the customer wrote (demo data dates its conversations in the past); now by default. */
  at?: Date;
};

/**
 * Sandbox mode's "simulate a customer reply": with no real number, the inbox would stay empty, so
 * a person trying the product writes as the customer. The message takes the path a signed Meta
 * webhook takes after its signature check (Meta's parser, the stored webhook event, the applier,
 * services/inbound.ts): contact, lead, conversation, unread count, follow-up and live events are
 * what a real reply makes. Refused outside sandbox mode, where only WhatsApp speaks for customers.
 */
const createSimulatorService = ({ strapi }: { strapi: Core.Strapi }) => {
  /** Who writes: a known contact (their number) or a number, as the admin typed it. */
  const customer = async (input: SimulateInput): Promise<{ phone: string; name: string | null; contactId: number | null }> => {
    if (input.contactId !== undefined) {
      const contact = await getService('contacts').findOne(input.contactId);
      if (!contact) throw new RuleError('contactId', 'unknown', `No contact with id ${input.contactId}`);
      if (!contact.phone) throw new RuleError('contactId', 'no-phone', `Contact ${input.contactId} has no phone number to write from`);
      return { phone: contact.phone, name: input.name ?? contact.profileName ?? contact.name ?? null, contactId: contact.id };
    }
    if (!input.phone) throw new RuleError('phone', 'required', 'Give the phone number the customer writes from, or a contactId');
    const phone = await getService('phone').normalize(input.phone, 'phone');
    const known = await getService('contacts').findByPhone(phone);
    return { phone, name: input.name ?? known?.profileName ?? known?.name ?? null, contactId: known?.id ?? null };
  };

  /** Our number they write to: the one their latest conversation is with, else the default sender. */
  const senderFor = async (contactId: number | null): Promise<Sender> => {
    if (contactId !== null) {
      const [latest] = await strapi.db.query(UID.conversation).findMany({ where: { contactId }, orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }], limit: 1 });
      const sender = latest ? await getService('senders').findById(latest.senderId) : null;
      if (sender) return sender;
    }
    return getService('senders').resolve();
  };

  return {
    async simulate(input: SimulateInput): Promise<{ message: Message | null; applied: boolean }> {
      if (!(await getService('settings').isSandbox())) {
        throw new RuleError('sandbox', 'sandbox-only', 'Simulating a customer reply is only possible in sandbox mode: outside it, only WhatsApp speaks for customers', 409);
      }
      const who = await customer(input);
      const sender = await senderFor(who.contactId);
      const id = `wamid.SANDBOX${crypto.randomBytes(12).toString('hex').toUpperCase()}`;
      const body = metaTextWebhook({
        ...who,
        body: input.body,
        id,
        at: input.at ?? new Date(),
        displayPhoneNumber: sender.number.replace(/\D/g, ''),
        phoneNumberId: sender.number.startsWith('meta:') ? sender.number.slice('meta:'.length) : null,
      });
      // From here on, what the Meta webhook controller does once the signature is checked.
      const events = metaProvider.parseWebhook?.({ body, rawBody: Buffer.from(JSON.stringify(body)), query: new URLSearchParams() }) ?? [];
      const webhooks = getService('webhooks');
      await webhooks.store('meta', events);
      webhooks.wake();
      await webhooks.idle();
      const message: Message | null = await strapi.db.query(UID.message).findOne({ where: { provider: 'meta', providerMessageId: id } });
      // Without a worker on this instance (WHATSAPP_WORKER=false) another instance applies it.
      return { message, applied: message !== null };
    },
  };
};

export type SimulatorService = ReturnType<typeof createSimulatorService>;
export default createSimulatorService;
