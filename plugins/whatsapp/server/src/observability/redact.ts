import { readConfig } from '../config';

/**
 * Secrets out of text the app keeps or shows. A provider, or a proxy in front of it, may echo
 * the request it refused, credentials included ("Invalid parameter: access_token=…", an HTML
 * page quoting the Authorization header); that text becomes the message's error, shown in the
 * admin, the REST and GraphQL answers, and logged. Every configured secret, in the forms it
 * travels in (as is, base64, Twilio's Basic `AccountSid:AuthToken` pair, URL-encoded), becomes
 * `[redacted]` before the text goes anywhere.
 */
export const REDACTED = '[redacted]';

/** Shorter values are not secrets worth the name (and replacing them would mangle ordinary text). */
const MIN_SECRET_LENGTH = 6;

/** The secret values in effect: provider credentials, webhook secrets, the app's own keys. */
export function configuredSecrets(config = readConfig()): string[] {
  const values = [
    config.twilio?.authToken,
    config.meta?.accessToken,
    config.meta?.appSecret,
    config.meta?.verifyToken,
    config.mediaSecret,
    config.pseudonymSecret,
    config.metricsToken,
    config.smtpPassword,
  ].filter((v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH);
  const basic = config.twilio?.accountSid && config.twilio?.authToken ? [`${config.twilio.accountSid}:${config.twilio.authToken}`] : [];
  const forms = [...values, ...basic].flatMap((v) => [v, Buffer.from(v).toString('base64'), Buffer.from(v).toString('base64').replace(/=+$/, ''), encodeURIComponent(v)]);
  // Longest first: a Basic pair's base64 goes whole, not after its token was replaced inside it.
  return [...new Set(forms)].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

export function redactSecrets(text: string, secrets: string[] = configuredSecrets()): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** The same through any value: strings redacted, lists and objects walked (a provider's error object). */
export function redactValue<T>(value: T, secrets: string[] = configuredSecrets()): T {
  if (typeof value === 'string') return redactSecrets(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, secrets)])) as T;
  }
  return value;
}
