/**
 * The SMS fallback channel: the message's text by SMS through Twilio's client (twilio/), from
 * TWILIO_SMS_FROM. In sandbox mode the sandbox client answers instead (same validation).
 */
import type { Channel, ChannelResult, FallbackMessage, WhatsAppProvider } from '../types';

export interface SmsChannelOptions {
  /** Twilio's SMS client (or the sandbox's). */
  client: WhatsAppProvider;
  /** TWILIO_SMS_FROM; the WhatsApp sender's number when not set (sandbox). */
  from?: string;
}

export function createSmsChannel(options: SmsChannelOptions): Channel {
  return {
    name: 'sms',
    canReach: () => true,
    async send(message: FallbackMessage): Promise<ChannelResult> {
      const from = options.from || message.from;
      const result = await options.client.send({ id: message.id, to: message.to, from, body: message.text });
      return { provider: options.client.name, providerMessageId: result.providerMessageId };
    },
  };
}
