/** Every Twilio setting, read in ONE place (the plugin's typed config will replace these reads). */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** Default https://api.twilio.com; tests point it at a local fake. */
  apiBaseUrl: string | undefined;
  /** Our WhatsApp number (`whatsapp:+52…` or `+52…`). */
  whatsappFrom: string | undefined;
  /** The SMS fallback's `From`; without it there is no SMS fallback. */
  smsFrom: string | undefined;
}

export function twilioSettings(env: NodeJS.ProcessEnv = process.env): TwilioSettings {
  return {
    accountSid: env.TWILIO_ACCOUNT_SID || '',
    authToken: env.TWILIO_AUTH_TOKEN || '',
    apiBaseUrl: env.TWILIO_API_BASE_URL || undefined,
    whatsappFrom: env.TWILIO_WHATSAPP_FROM || undefined,
    smsFrom: env.TWILIO_SMS_FROM || undefined,
  };
}
