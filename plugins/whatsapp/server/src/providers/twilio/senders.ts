/**
 * Twilio: a WhatsApp sender's health from the Senders API (Messaging v2, public beta).
 *
 *   GET {messaging}/v2/Channels/Senders?Channel=whatsapp&PageSize=…   → { senders: [{ sid, status,
 *       sender_id: "whatsapp:+E164", properties: { quality_rating, messaging_limit }, offline_reasons }],
 *       meta: { next_page_url, … } }
 *
 * We know our number, not its sender SID (XE…), so the account's WhatsApp senders are listed and
 * ours is picked by `sender_id`. `properties.quality_rating` (HIGH / MEDIUM / LOW…) and
 * `messaging_limit` ("10K Customers/24hr") are kept as Twilio words them. Errors are Twilio's
 * `{ code, message, more_info, status }`: 401 (20003 Authenticate) means the credentials were refused.
 * The next page is asked of the configured base, whatever host Twilio's `next_page_url` names.
 */
import { parseTwilioError } from './errors';
import type { TwilioSettings } from './settings';
import { field, healthGet, jsonObject, withoutSecrets, type SenderHealthReading } from '../sender-health';

export const TWILIO_MESSAGING_BASE_URL = 'https://messaging.twilio.com';
const PAGE_SIZE = 100;
/** Enough for any account a small business runs; a bound so a looping `next_page_url` cannot hold the request. */
const MAX_PAGES = 10;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `whatsapp:+52…` from `+52…` or `whatsapp:+52…`. */
const senderIdOf = (number: string) => (number.startsWith('whatsapp:') ? number : `whatsapp:${number}`);

/** The path and query of Twilio's next page, asked of our configured base. */
const nextUrl = (base: string, next: unknown): string | null => {
  if (typeof next !== 'string' || !next) return null;
  try {
    const url = new URL(next, base);
    return `${base}${url.pathname}${url.search}`;
  } catch {
    return null;
  }
};

export async function readTwilioSender(settings: TwilioSettings, number: string, timeoutMs: number): Promise<SenderHealthReading> {
  const base = (settings.messagingBaseUrl || TWILIO_MESSAGING_BASE_URL).replace(/\/+$/, '');
  const headers = { authorization: `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`, accept: 'application/json' };
  const wanted = senderIdOf(number);
  const blank = { qualityRating: null, messagingTier: null, providerStatus: null };
  let url: string | null = `${base}/v2/Channels/Senders?Channel=whatsapp&PageSize=${PAGE_SIZE}`;
  for (let page = 0; url && page < MAX_PAGES; page += 1) {
    const answer = await healthGet(url, headers, timeoutMs);
    if ('reason' in answer) return { ...blank, status: 'unreachable', detail: `Twilio ${answer.reason}` };
    if (answer.status >= 300) {
      const error = parseTwilioError(answer.status, Object.fromEntries(answer.headers.entries()), answer.text);
      const said = withoutSecrets(error.message, [settings.authToken]);
      if (answer.status === 401 || answer.status === 403) {
        return { ...blank, status: 'credentials-refused', detail: `Twilio refused the credentials (HTTP ${answer.status}${error.code ? `, error ${error.code}` : ''}: ${said}); check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN` };
      }
      return { ...blank, status: answer.status === 404 ? 'not-found' : 'unreachable', detail: `Twilio could not answer (HTTP ${answer.status}: ${said})` };
    }
    const body = jsonObject(answer.text) ?? {};
    const senders = Array.isArray(body.senders) ? body.senders.filter(isRecord) : [];
    const sender = senders.find((s) => field(s.sender_id) === wanted);
    if (sender) {
      const properties = isRecord(sender.properties) ? sender.properties : {};
      const qualityRating = field(properties.quality_rating);
      const messagingTier = field(properties.messaging_limit);
      const providerStatus = field(sender.status);
      const reasons = Array.isArray(sender.offline_reasons)
        ? sender.offline_reasons.filter(isRecord).map((r) => field(r.message) ?? field(r.code)).filter(Boolean)
        : [];
      const parts = [
        `Twilio answered for ${wanted.replace(/^whatsapp:/, '')}: ${providerStatus ?? 'no status'}${reasons.length ? ` (${reasons.join('; ')})` : ''}`,
        `quality ${qualityRating ?? 'not given'}`,
        `messaging limit ${messagingTier ?? 'not given'}`,
      ];
      return { status: 'ok', qualityRating, messagingTier, providerStatus, detail: parts.join(', ') };
    }
    url = nextUrl(base, isRecord(body.meta) ? body.meta.next_page_url : null);
  }
  return { ...blank, status: 'not-found', detail: `Twilio lists no WhatsApp sender ${wanted} on this account; check TWILIO_WHATSAPP_FROM` };
}
