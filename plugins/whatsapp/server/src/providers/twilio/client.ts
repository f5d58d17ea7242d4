/**
 * WhatsApp (or SMS) through Twilio's Messages API, with the official twilio-node client so
 * request signing, serialization and API changes stay Twilio's problem.
 *
 * - `From`/`To` are `whatsapp:+E164` on the WhatsApp channel, plain `+E164` for SMS.
 * - Approved templates go as `ContentSid` + `ContentVariables` (JSON); media of a template is
 *   part of the Content definition, so `MediaUrl` is only sent with free text.
 * - `StatusCallback` carries our message id, so delivery updates find their message.
 */
import twilio from 'twilio';
import type { MessageListInstanceCreateOptions } from 'twilio/lib/rest/api/v2010/account/message';
import { toProviderError } from '../errors';
import { assertSendable, e164Digits, invalidMessage } from '../outbound';
import type { OutboundMessage, SendResult, WhatsAppProvider } from '../types';
import { classifyTwilioError, twilioCanFallBack } from './errors';
import { RebasingRequestClient, TWILIO_API_BASE_URL } from './request-client';

export interface TwilioProviderOptions {
  accountSid: string;
  authToken: string;
  /** Default `https://api.twilio.com`; tests point it at a local fake. */
  apiBaseUrl?: string;
  /** The app's public URL (PUBLIC_URL); without it no status callbacks are requested. */
  statusCallbackBaseUrl?: string;
  timeoutMs?: number;
  channel: 'whatsapp' | 'sms';
}

export const TWILIO_STATUS_CALLBACK_PATH = '/api/whatsapp/webhooks/twilio';

export function createTwilioProvider(options: TwilioProviderOptions): WhatsAppProvider {
  const name = options.channel === 'sms' ? 'twilio-sms' : 'twilio';
  const timeoutMs = options.timeoutMs ?? 15000;
  const httpClient = new RebasingRequestClient({
    apiBaseUrl: options.apiBaseUrl ?? TWILIO_API_BASE_URL,
    timeoutMs,
    provider: name,
  });
  // Throws at start-up on a malformed Account SID: better than failing every send.
  const client = twilio(options.accountSid, options.authToken, { httpClient, timeout: timeoutMs });
  const address = (digits: string) => (options.channel === 'whatsapp' ? `whatsapp:+${digits}` : `+${digits}`);
  const callbackBase = options.statusCallbackBaseUrl?.replace(/\/+$/, '');

  function params(message: OutboundMessage): MessageListInstanceCreateOptions {
    assertSendable(name, message);
    const result: MessageListInstanceCreateOptions = {
      to: address(e164Digits(name, message.to, 'to')),
      from: address(e164Digits(name, message.from, 'from')),
    };
    if (callbackBase) {
      result.statusCallback = `${callbackBase}${TWILIO_STATUS_CALLBACK_PATH}?message=${encodeURIComponent(String(message.id))}`;
    }
    const template = message.template;
    if (template) {
      if (!template.twilio) throw invalidMessage(name, `Message ${message.id} has a template without a Twilio Content SID`);
      result.contentSid = template.twilio.contentSid;
      result.contentVariables = JSON.stringify(template.twilio.variables);
      return result;
    }
    if (message.body !== undefined && message.body !== '') result.body = message.body;
    if (message.media) result.mediaUrl = [message.media.url];
    return result;
  }

  return {
    name,
    async send(message: OutboundMessage): Promise<SendResult> {
      const request = params(message);
      try {
        const response = await client.messages.createWithHttpInfo(request);
        return { providerMessageId: response.body.sid, httpStatus: response.statusCode };
      } catch (error) {
        throw toProviderError(name, error);
      }
    },
    classify: classifyTwilioError,
    canFallBack: twilioCanFallBack,
  };
}
