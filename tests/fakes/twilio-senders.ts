/**
 * The fake Twilio's Senders API (https://messaging.twilio.com, Messaging v2, public beta), the part
 * the sender check reads:
 *
 *   GET /v2/Channels/Senders?Channel=whatsapp&PageSize=…&PageToken=…
 *   → { senders: [Sender resource…], meta: { page, page_size, first_page_url, previous_page_url,
 *        url, next_page_url, key: "senders" } }
 *   GET /v2/Channels/Senders/{Sid}   → the Sender resource
 *
 * A Sender: `{ sid: "XE…", status: ONLINE | OFFLINE | …, sender_id: "whatsapp:+E164", configuration,
 * webhook, profile, properties: { quality_rating, messaging_limit }, offline_reasons, url }`.
 * Page URLs name https://messaging.twilio.com, as Twilio's do, whatever host the request reached.
 * Reference: https://www.twilio.com/docs/whatsapp/api/senders
 */
import { createHash } from 'crypto';

const HOST = 'https://messaging.twilio.com';

/** A WhatsApp sender as the fake holds it. */
export interface TwilioSenderRecord {
  /** `whatsapp:+E164`. */
  senderId: string;
  status?: string;
  /** `properties.quality_rating` (HIGH, MEDIUM, LOW…); undefined: not sent. */
  qualityRating?: string;
  /** `properties.messaging_limit` ("10K Customers/24hr"…); undefined: not sent. */
  messagingLimit?: string;
  offlineReasons?: Array<{ code: string; message: string; more_info?: string }>;
}

/** A healthy ONLINE sender for a number (`+E164` or `whatsapp:+E164`). */
export const twilioSenderRecord = (number: string, extra: Partial<TwilioSenderRecord> = {}): TwilioSenderRecord => ({
  senderId: number.startsWith('whatsapp:') ? number : `whatsapp:${number}`,
  status: 'ONLINE',
  qualityRating: 'HIGH',
  messagingLimit: '10K Customers/24hr',
  ...extra,
});

const sidOf = (record: TwilioSenderRecord) => `XE${createHash('md5').update(record.senderId).digest('hex')}`;

const error = (status: number, code: number, message: string) => ({ status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } });

function senderResource(record: TwilioSenderRecord) {
  const sid = sidOf(record);
  const properties: Record<string, string> = {};
  if (record.qualityRating !== undefined) properties.quality_rating = record.qualityRating;
  if (record.messagingLimit !== undefined) properties.messaging_limit = record.messagingLimit;
  return {
    sid,
    status: record.status ?? 'ONLINE',
    sender_id: record.senderId,
    configuration: { waba_id: '1234567890', verification_method: null, verification_code: null, voice_application_sid: null },
    webhook: { callback_url: null, callback_method: 'POST', fallback_url: null, fallback_method: 'POST', status_callback_url: null, status_callback_method: 'POST' },
    profile: { name: 'Taller de prueba', about: null, address: null, emails: null, logo_url: null, vertical: 'Other', websites: null, description: null },
    properties: Object.keys(properties).length ? properties : null,
    offline_reasons: record.offlineReasons ?? null,
    url: `${HOST}/v2/Channels/Senders/${sid}`,
  };
}

type Answer = { status: number; body: unknown };

/** `GET /v2/Channels/Senders`: `Channel` is required (400 20001 otherwise), cursor-paged like Twilio's lists. */
export function senderPage(records: readonly TwilioSenderRecord[], query: URLSearchParams, pageCap: number): Answer {
  const channel = query.get('Channel');
  if (!channel) return error(400, 20001, 'Missing required parameter Channel in the get body');
  const size = Number(query.get('PageSize') ?? 50);
  if (!Number.isInteger(size) || size < 1 || size > 1000) return error(400, 20001, 'PageSize must be between 1 and 1000');
  const perPage = Math.min(size, pageCap);
  const page = Number(query.get('Page') ?? 0);
  const token = query.get('PageToken');
  const start = token ? Number(/^PT(\d+)$/.exec(token)?.[1] ?? NaN) : 0;
  if (!Number.isInteger(start) || start < 0) return error(400, 20001, 'Invalid PageToken');
  const mine = channel.toLowerCase() === 'whatsapp' ? records : [];
  const slice = mine.slice(start, start + perPage);
  const link = (p: number, from: number) => `${HOST}/v2/Channels/Senders?Channel=${encodeURIComponent(channel)}&PageSize=${size}&Page=${p}${from ? `&PageToken=PT${from}` : ''}`;
  return {
    status: 200,
    body: {
      senders: slice.map(senderResource),
      meta: {
        page,
        page_size: perPage,
        first_page_url: link(0, 0),
        previous_page_url: page > 0 ? link(page - 1, Math.max(0, start - perPage)) : null,
        url: link(page, start),
        next_page_url: start + perPage < mine.length ? link(page + 1, start + perPage) : null,
        key: 'senders',
      },
    },
  };
}

/** `GET /v2/Channels/Senders/{Sid}`: 404 (20404) for a sender the account does not hold. */
export function senderFetch(records: readonly TwilioSenderRecord[], sid: string): Answer {
  const record = records.find((r) => sidOf(r) === sid);
  return record ? { status: 200, body: senderResource(record) } : error(404, 20404, `The requested resource /v2/Channels/Senders/${sid} was not found`);
}
