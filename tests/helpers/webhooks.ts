/**
 * Provider webhooks in tests: realistic payloads (as Twilio's and Meta's docs show them), signed
 * requests, and waiting until what was stored has been applied.
 */
import type { Core } from '@strapi/strapi';
import type { TestApp } from './strapi';
import { formBody, metaJson, signMeta, signTwilio, type FormParams } from '../fakes/sign';

export const INBOX_UID = {
  webhookEvent: 'plugin::whatsapp.webhook-event',
  conversation: 'plugin::whatsapp.conversation',
  followUp: 'plugin::whatsapp.follow-up',
} as const;

/** Waits until stored webhook events are applied and whatever they queued has been sent. */
export async function settleWebhooks(strapi: Core.Strapi) {
  const webhooks = strapi.plugin('whatsapp').service('webhooks');
  const dispatcher = strapi.plugin('whatsapp').service('dispatcher');
  await webhooks.idle();
  await dispatcher.idle();
  await webhooks.idle();
}

// --- Meta ----------------------------------------------------------------------------------

export const META_BUSINESS = { display: '15550001111', phoneNumberId: '1234567890', wabaId: '102290129340398' };

let wamidCounter = 0;
/** A wamid-looking id, unique in the run. */
export const wamid = () => `wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFjNFQjA${Date.now().toString(36).toUpperCase()}${(wamidCounter += 1)}`;

export const unix = (date = new Date()) => String(Math.floor(date.getTime() / 1000));

export interface MetaValue {
  contacts?: Array<{ profile: { name: string }; wa_id: string }>;
  messages?: Record<string, unknown>[];
  statuses?: Record<string, unknown>[];
}

/** One `messages` change value, with Meta's metadata. */
export const metaValue = (value: MetaValue) => ({
  messaging_product: 'whatsapp',
  metadata: { display_phone_number: META_BUSINESS.display, phone_number_id: META_BUSINESS.phoneNumberId },
  ...value,
});

/** The whole webhook: one entry per value given (Meta batches several). */
export const metaPayload = (...values: MetaValue[]) => ({
  object: 'whatsapp_business_account',
  entry: values.map((value) => ({ id: META_BUSINESS.wabaId, changes: [{ value: metaValue(value), field: 'messages' }] })),
});

/** A customer's message (`from` is the wa_id) with their profile. */
export const metaInbound = (from: string, name: string, message: Record<string, unknown>): MetaValue => ({
  contacts: [{ profile: { name }, wa_id: from }],
  messages: [{ from, id: wamid(), timestamp: unix(), ...message }],
});

export const metaText = (from: string, name: string, body: string, extra: Record<string, unknown> = {}) =>
  metaInbound(from, name, { type: 'text', text: { body }, ...extra });

/** A status of one of our messages, as Meta reports it. */
export const metaStatus = (
  id: string,
  status: string,
  options: { recipient?: string; at?: Date; ourId?: number; errors?: Record<string, unknown>[] } = {}
): Record<string, unknown> => ({
  id,
  status,
  timestamp: unix(options.at),
  recipient_id: options.recipient ?? '5215512345678',
  ...(options.ourId !== undefined ? { biz_opaque_callback_data: String(options.ourId) } : {}),
  ...(status === 'failed' || status === 'deleted'
    ? {}
    : {
        conversation: { id: 'CONVERSATION_ID', expiration_timestamp: unix(new Date(Date.now() + 86400_000)), origin: { type: 'utility' } },
        pricing: { billable: true, pricing_model: 'CBP', category: 'utility' },
      }),
  ...(options.errors ? { errors: options.errors } : {}),
});

/** POSTs a Meta webhook signed over exactly the bytes sent (Meta's own JSON escaping). */
export function postMeta(app: TestApp, payload: unknown, options: { secret?: string; raw?: string; signature?: string | null } = {}) {
  const raw = options.raw ?? metaJson(payload);
  const request = app.http().post('/api/whatsapp/webhooks/meta').set('Content-Type', 'application/json');
  const signature = options.signature === undefined ? signMeta(options.secret ?? process.env.META_APP_SECRET ?? '', raw) : options.signature;
  if (signature !== null) request.set('X-Hub-Signature-256', signature);
  return request.send(raw);
}

// --- Twilio --------------------------------------------------------------------------------

export const TWILIO_NUMBER = '+14155238886';
export const TWILIO_ACCOUNT = 'AC0123456789abcdef0123456789abcdef';

let sidCounter = 0;
export const twilioSid = () => `SM${Date.now().toString(16)}${(sidCounter += 1).toString(16)}`.padEnd(34, '0').slice(0, 34);

/** An incoming WhatsApp message, as Twilio posts it to "When a message comes in". */
export const twilioInbound = (from: string, params: FormParams = {}): FormParams => {
  const sid = twilioSid();
  return {
    SmsMessageSid: sid,
    NumMedia: '0',
    ProfileName: 'Cliente Twilio',
    MessageType: 'text',
    SmsSid: sid,
    WaId: from.replace(/\D/g, ''),
    SmsStatus: 'received',
    Body: '',
    To: `whatsapp:${TWILIO_NUMBER}`,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: sid,
    AccountSid: TWILIO_ACCOUNT,
    From: `whatsapp:${from}`,
    ApiVersion: '2010-04-01',
    ...params,
  };
};

/** A status callback for one of our messages. */
export const twilioStatus = (sid: string, status: string, to: string, params: FormParams = {}): FormParams => ({
  ChannelPrefix: 'whatsapp',
  ApiVersion: '2010-04-01',
  MessageStatus: status,
  SmsSid: sid,
  SmsStatus: status,
  ChannelInstallSid: 'XE0123456789abcdef0123456789abcdef',
  To: `whatsapp:${to}`,
  From: `whatsapp:${TWILIO_NUMBER}`,
  MessageSid: sid,
  AccountSid: TWILIO_ACCOUNT,
  ...params,
});

/**
 * POSTs a Twilio webhook signed with the real twilio package, over PUBLIC_URL + path (Twilio
 * signs the URL it was configured with, whatever Host the request reaches us under).
 */
export function postTwilio(
  app: TestApp,
  params: FormParams,
  options: { query?: string; token?: string; signedUrl?: string; signature?: string | null; headers?: Record<string, string> } = {}
) {
  const path = `/api/whatsapp/webhooks/twilio${options.query ? `?${options.query}` : ''}`;
  const url = options.signedUrl ?? `${process.env.PUBLIC_URL}${path}`;
  const signature = options.signature === undefined ? signTwilio(options.token ?? process.env.TWILIO_AUTH_TOKEN ?? '', url, params) : options.signature;
  const request = app.http().post(path).set('Content-Type', 'application/x-www-form-urlencoded').set(options.headers ?? {});
  if (signature !== null) request.set('X-Twilio-Signature', signature);
  return request.send(formBody(params));
}

// --- Payload shapes beyond the classic ones (provider fidelity) -------------------------------

/**
 * A Meta webhook whose change values are given as they are: business-scoped user ids in
 * `contacts[]`, `from_user_id` on messages, `errors[]` on the value, items that do not read…
 * (Meta's webhooks reference, one value per entry, each with Meta's metadata).
 */
export const metaRawPayload = (...values: Record<string, unknown>[]) => ({
  object: 'whatsapp_business_account',
  entry: values.map((value) => ({ id: META_BUSINESS.wabaId, changes: [{ value: { ...metaValue({}), ...value }, field: 'messages' }] })),
});

let bsuidCounter = 0;
/** A business-scoped user id shaped like Meta's (`US.` + digits), unique in the run. */
export const bsuid = (country = 'MX') => `${country}.${Date.now()}${String((bsuidCounter += 1)).padStart(6, '0')}`;

/** A message from a customer who uses a WhatsApp username: no `from`, no `wa_id`, their BSUID. */
export const metaFromUserId = (userId: string, name: string, message: Record<string, unknown>, username?: string) => ({
  contacts: [{ profile: { name, ...(username ? { username } : {}) }, user_id: userId }],
  messages: [{ from_user_id: userId, id: wamid(), timestamp: unix(), ...message }],
});
