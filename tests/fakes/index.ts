/**
 * Loopback fakes of the outside world the product talks to — Twilio, Meta's WhatsApp Cloud
 * API, an SMTP server — speaking their real wire formats. `startFakes()` starts all three with
 * test credentials and gives the environment variables that point the app at them.
 */
import { startFakeMeta, type FakeMeta } from './meta';
import { startFakeSmtp, type FakeSmtp } from './smtp';
import { startFakeTwilio, type FakeTwilio } from './twilio';

export type { RawAnswer } from './http';
export * from './meta';
export * from './smtp';
export * from './twilio';
export { parseMail, type ParsedMail } from './mime';
// twilio-client.ts is not re-exported: it loads the `twilio` package, which most tests never need.

/** Fixed test credentials (never valid anywhere real). */
export const TEST_CREDENTIALS = {
  twilioAccountSid: 'AC0123456789abcdef0123456789abcdef',
  twilioAuthToken: 'test-twilio-token',
  twilioWhatsAppFrom: '+14155238886',
  twilioSmsFrom: '+15005550006',
  metaAccessToken: 'test-meta-token',
  metaPhoneNumberId: '1234567890',
  metaWhatsAppNumber: '+15550001111',
  metaGraphVersion: 'v21.0',
  metaWabaId: '102290129340398',
} as const;

/** The environment variables the app reads to reach the providers (see .env.example). */
export interface FakesEnv {
  TWILIO_ACCOUNT_SID: string;
  TWILIO_AUTH_TOKEN: string;
  TWILIO_API_BASE_URL: string;
  TWILIO_CONTENT_BASE_URL: string;
  TWILIO_MESSAGING_BASE_URL: string;
  TWILIO_WHATSAPP_FROM: string;
  TWILIO_SMS_FROM: string;
  META_ACCESS_TOKEN: string;
  META_PHONE_NUMBER_ID: string;
  META_WHATSAPP_NUMBER: string;
  META_GRAPH_BASE_URL: string;
  META_GRAPH_VERSION: string;
  META_WABA_ID: string;
  SMTP_HOST: string;
  SMTP_PORT: string;
  // Lets `startStrapi({ env: fakes.env })` take it as a plain string record.
  [key: string]: string;
}

export interface Fakes {
  twilio: FakeTwilio;
  meta: FakeMeta;
  smtp: FakeSmtp;
  env: FakesEnv;
  /** Clears what every fake recorded and scripted (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/** `credentials`: other values than TEST_CREDENTIALS (e.g. distinctive secrets a test looks for in logs and answers). */
export async function startFakes(credentials: Partial<Record<keyof typeof TEST_CREDENTIALS, string>> = {}): Promise<Fakes> {
  const c = { ...TEST_CREDENTIALS, ...credentials };
  const started: { close(): Promise<void> }[] = [];
  try {
    const twilio = await startFakeTwilio({ accountSid: c.twilioAccountSid, authToken: c.twilioAuthToken, whatsappSenders: [c.twilioWhatsAppFrom] });
    started.push(twilio);
    const meta = await startFakeMeta({ accessToken: c.metaAccessToken, phoneNumberId: c.metaPhoneNumberId, version: c.metaGraphVersion, wabaId: c.metaWabaId });
    started.push(meta);
    const smtp = await startFakeSmtp();
    started.push(smtp);

    const env: FakesEnv = {
      TWILIO_ACCOUNT_SID: c.twilioAccountSid,
      TWILIO_AUTH_TOKEN: c.twilioAuthToken,
      TWILIO_API_BASE_URL: twilio.url,
      TWILIO_CONTENT_BASE_URL: twilio.url,
      TWILIO_MESSAGING_BASE_URL: twilio.url,
      TWILIO_WHATSAPP_FROM: c.twilioWhatsAppFrom,
      TWILIO_SMS_FROM: c.twilioSmsFrom,
      META_ACCESS_TOKEN: c.metaAccessToken,
      META_PHONE_NUMBER_ID: c.metaPhoneNumberId,
      META_WHATSAPP_NUMBER: c.metaWhatsAppNumber,
      META_GRAPH_BASE_URL: meta.url,
      META_GRAPH_VERSION: meta.version,
      META_WABA_ID: meta.wabaId,
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
    };

    return {
      twilio,
      meta,
      smtp,
      env,
      reset() {
        twilio.reset();
        meta.reset();
        smtp.reset();
      },
      async close() {
        await Promise.all([twilio.close(), meta.close(), smtp.close()]);
      },
    };
  } catch (error) {
    // Do not leak the servers that did start: jest would not exit.
    await Promise.all(started.map((fake) => fake.close()));
    throw error;
  }
}
