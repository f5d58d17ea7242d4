/**
 * A customer's text message as Meta's webhook delivers it (the `messages` change of a
 * `whatsapp_business_account` entry), for sandbox mode's "simulate a customer reply": the
 * simulated reply is read by Meta's own webhook parser and applied by the same applier as a
 * signed request, so what a person tries in the sandbox is what a real customer's message does.
 *
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/text
 */
export interface SimulatedReply {
  /** The customer's number, E.164 (`+5215512345678`); Meta's wa_id is its digits. */
  phone: string;
  /** Their WhatsApp profile name. */
  name: string | null;
  body: string;
  /** The wamid the simulated message gets (unique: a repeat would be stored once, as Meta's are). */
  id: string;
  at: Date;
  /** Our number the customer writes to, as Meta names it (digits) and its phone number id. */
  displayPhoneNumber: string;
  phoneNumberId: string | null;
}

/** Meta's webhook body for one inbound text message. */
export const metaTextWebhook = (reply: SimulatedReply) => {
  const waId = reply.phone.replace(/\D/g, '');
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'sandbox',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: reply.displayPhoneNumber, phone_number_id: reply.phoneNumberId ?? 'sandbox' },
              contacts: [{ ...(reply.name ? { profile: { name: reply.name } } : {}), wa_id: waId }],
              messages: [{ from: waId, id: reply.id, timestamp: String(Math.floor(reply.at.getTime() / 1000)), type: 'text', text: { body: reply.body } }],
            },
          },
        ],
      },
    ],
  };
};
