import { readConfig } from '../../config';

/** Every Twilio setting, from the plugin's typed configuration (config/index.ts). */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** Default https://api.twilio.com; tests point it at a local fake. */
  apiBaseUrl: string | undefined;
  /** Default https://content.twilio.com (templates and their WhatsApp approvals); tests point it at a local fake. */
  contentBaseUrl: string | undefined;
  /** Default https://messaging.twilio.com (the Senders API: a sender's quality and limit); tests point it at a local fake. */
  messagingBaseUrl?: string;
  /** Our WhatsApp number (`whatsapp:+52…` or `+52…`). */
  whatsappFrom: string | undefined;
  /** The SMS fallback's `From`; without it there is no SMS fallback. */
  smsFrom: string | undefined;
}

export function twilioSettings(): TwilioSettings {
  const { accountSid, authToken, apiBaseUrl, contentBaseUrl, messagingBaseUrl, whatsappFrom, smsFrom } = readConfig().twilio;
  return { accountSid, authToken, apiBaseUrl, contentBaseUrl, messagingBaseUrl, whatsappFrom: whatsappFrom ?? undefined, smsFrom: smsFrom ?? undefined };
}
