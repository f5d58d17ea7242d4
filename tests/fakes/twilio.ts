/**
 * A loopback fake of Twilio's Programmable Messaging API (the part this product uses):
 *
 *   POST /2010-04-01/Accounts/{AccountSid}/Messages.json   (application/x-www-form-urlencoded)
 *   GET  /2010-04-01/Accounts/{AccountSid}.json            (the Account, basic auth: the app's check before live mode)
 *   GET  /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{MediaSid}   (an inbound
 *        message's media, basic auth: 307 to a CDN URL that serves the bytes without auth)
 *   GET  /v2/Channels/Senders, /v2/Channels/Senders/{Sid}   (the Senders API: a WhatsApp sender's status,
 *        quality rating and messaging limit, basic auth, paged: see twilio-senders.ts; `setSenders` fills it)
 *   GET  /v1/Content, /v1/Content/{Sid}/ApprovalRequests   (the Content API's templates and their
 *        WhatsApp approval, basic auth, paged: see twilio-content.ts; `setContents` fills it.
 *        Point TWILIO_CONTENT_BASE_URL at this fake too)
 *
 * It answers with Twilio's real wire format — the Message resource on 201, Twilio's error
 * JSON `{code, message, more_info, status}` otherwise — so the provider code is tested
 * against what it will meet in production. References:
 * https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 * https://www.twilio.com/docs/api/errors
 *
 * Point the app at it with `TWILIO_API_BASE_URL=fake.url`.
 *
 * Using the real `twilio` npm package (v5) against the fake: its client always builds
 * `https://api.twilio.com/...` URIs, but every request goes through `opts.httpClient`, so a
 * `RequestClient` subclass that rewrites the URI is enough (see ./twilio-client.ts):
 *
 *   import twilio from 'twilio';
 *   class FakeTwilioRequestClient extends twilio.RequestClient {
 *     constructor(private readonly baseUrl: string) { super(); }
 *     request<T>(opts: RequestOptions<T>) {   // RequestOptions from 'twilio/lib/base/RequestClient'
 *       return super.request({ ...opts, uri: opts.uri.replace('https://api.twilio.com', this.baseUrl) });
 *     }
 *   }
 *   const client = twilio(accountSid, authToken, { httpClient: new FakeTwilioRequestClient(fake.url) });
 *   await client.messages.create({ from: 'whatsapp:+14155238886', to: 'whatsapp:+5215512345678', body: 'Hola' });
 *
 * or simply `twilio(sid, token, { httpClient: fakeTwilioHttpClient(fake.url) })`.
 */
import { randomBytes } from 'crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'http';
import {
  AnswerScript,
  BodyTooLargeError,
  CountWaiters,
  playScripted,
  readBody,
  retryAfterHeader,
  send,
  sendJson,
  startLoopbackServer,
  type LoopbackServer,
  type RawAnswer,
} from './http';
import { approvalFetch, contentPage, type TwilioContentRecord } from './twilio-content';
import { senderFetch, senderPage, twilioSenderRecord, type TwilioSenderRecord } from './twilio-senders';

export { twilioContentRecord, type TwilioContentRecord } from './twilio-content';
export { twilioSenderRecord, type TwilioSenderRecord } from './twilio-senders';

export interface FakeTwilioOptions {
  accountSid: string;
  authToken: string;
  /** Extra credentials accepted besides AccountSid/AuthToken: API key SID (`SK…`) → secret. */
  apiKeys?: Record<string, string>;
  /** Numbers the Senders API lists as healthy ONLINE WhatsApp senders until `setSenders` (default none). */
  whatsappSenders?: string[];
}

/** A Twilio error answer: HTTP status + Twilio error code and message. */
export interface TwilioFailure {
  status: number;
  code: number;
  message: string;
  /** Seconds; sets the `Retry-After` header (Twilio sends it on some 429s). */
  retryAfter?: number;
}

export type TwilioParams = Record<string, string | string[]>;

export interface TwilioRecordedRequest {
  /** Date.now() when the request arrived. */
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** HTTP Basic credentials, or null when none (or unparsable) were sent. */
  auth: { user: string; pass: string } | null;
  /** Form parameters; a parameter given more than once (MediaUrl) becomes an array. */
  params: TwilioParams;
}

/** Twilio's Message resource, as returned on create. */
export interface TwilioMessageResource {
  account_sid: string;
  api_version: '2010-04-01';
  body: string;
  date_created: string;
  date_sent: null;
  date_updated: string;
  direction: 'outbound-api';
  error_code: null;
  error_message: null;
  from: string | null;
  messaging_service_sid: string | null;
  num_media: string;
  num_segments: string;
  price: null;
  price_unit: string;
  sid: string;
  status: 'queued' | 'accepted';
  subresource_uris: { media: string };
  to: string;
  uri: string;
}

/** A customer's file, as Twilio keeps it for an inbound message (see `addMedia`). */
export interface TwilioMediaSpec {
  bytes: Buffer;
  contentType: string;
  /** The inbound message it belongs to; default a fresh `MM…` sid. */
  messageSid?: string;
  /**
   * Host name the 307 points at, default `127.0.0.1` (this server). `localhost` reaches the same
   * server under another origin, like Twilio's CDN, to check credentials are not sent along.
   */
  cdnHost?: string;
}

/** A message Twilio accepted. */
export interface TwilioSentMessage {
  sid: string;
  at: number;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  mediaUrls: string[];
  contentSid: string | null;
  /** ContentVariables, parsed. */
  contentVariables: Record<string, unknown> | null;
  statusCallback: string | null;
  params: TwilioParams;
  resource: TwilioMessageResource;
}

export interface FakeTwilio {
  /** `http://127.0.0.1:<port>`: use as TWILIO_API_BASE_URL. */
  readonly url: string;
  readonly port: number;
  readonly accountSid: string;
  /** Every request received, in arrival order (including rejected ones). */
  readonly requests: TwilioRecordedRequest[];
  /** Only the messages accepted (201), with the sid assigned. */
  readonly sent: TwilioSentMessage[];
  /** The next request(s) get this Twilio error. */
  failNext(failure: TwilioFailure & { times?: number }): void;
  /** The next request(s) get this exact answer (e.g. a proxy's 503 HTML page). */
  failNextRaw(raw: RawAnswer & { times?: number }): void;
  /** The next request(s) are answered normally, but only after `ms`. */
  delayNext(ms: number, times?: number): void;
  /** The next request(s) are never answered (until the client gives up or close()). */
  hangNext(times?: number): void;
  /** Every message to this number (E.164, with or without `whatsapp:`) fails this way, until reset(). */
  failFor(to: string, failure: TwilioFailure): void;
  /** Resolves once `count` messages were accepted in total. */
  waitForSent(count: number, timeoutMs?: number): Promise<TwilioSentMessage[]>;
  /**
   * Registers an inbound message's file; returns its `MediaUrl0` (on this server). Scripted
   * answers (failNext, delayNext…) apply to the media URL as to sends; the CDN URL is unscripted.
   */
  addMedia(spec: TwilioMediaSpec): { url: string; mediaSid: string; messageSid: string };
  /**
   * The Content API's templates (in this order) with their WhatsApp approval, at most `pageSize`
   * a page whatever PageSize asks (default 50). Scripted answers apply to these routes too.
   */
  setContents(records: TwilioContentRecord[], options?: { pageSize?: number }): void;
  /** The account's WhatsApp senders as the Senders API lists them (at most `pageSize` a page, default 50). Scripted answers apply to these routes too. */
  setSenders(records: TwilioSenderRecord[], options?: { pageSize?: number }): void;
  /** Forgets requests, sent messages, scripted answers, sticky failures, media and contents; the senders go back to the defaults. */
  reset(): void;
  close(): Promise<void>;
}

const API_VERSION = '2010-04-01';
const CONTENT_TYPE = 'application/json; charset=utf-8';
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const ACCOUNT_PATH = /^\/2010-04-01\/Accounts\/([^/.]+)\.json$/;
const MEDIA_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\/([^/.]+)$/;
const CONTENT_LIST_PATH = /^\/v1\/Content$/;
const APPROVAL_PATH = /^\/v1\/Content\/([^/]+)\/ApprovalRequests$/;
const SENDERS_PATH = /^\/v2\/Channels\/Senders(?:\/([^/]+))?$/;
/** Where the 307 points: like `https://s3-external-1.amazonaws.com/media.twiliocdn.com/AC…/…`. */
const CDN_PATH = /^\/cdn\/media.twiliocdn.com\/([^/]+)\/([^/]+)$/;
/** E.164: `+`, a non-zero digit, 8–15 digits in all. */
const E164 = /^\+[1-9]\d{7,14}$/;
/** Short codes and alphanumeric sender IDs are valid SMS senders too. */
const SHORT_CODE = /^\d{5,6}$/;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const CONTENT_SID = /^HX[0-9a-f]{32}$/;
const MAX_BODY = 1600;

/** Twilio's error body; `more_info` points at the code's documentation page. */
export function twilioErrorBody(failure: Pick<TwilioFailure, 'status' | 'code' | 'message'>) {
  return {
    code: failure.code,
    message: failure.message,
    more_info: `https://www.twilio.com/docs/errors/${failure.code}`,
    status: failure.status,
  };
}

const AUTHENTICATE: TwilioFailure = { status: 401, code: 20003, message: 'Authenticate' };

export async function startFakeTwilio(options: FakeTwilioOptions): Promise<FakeTwilio> {
  const requests: TwilioRecordedRequest[] = [];
  const sent: TwilioSentMessage[] = [];
  const sentWaiters = new CountWaiters(sent, 'accepted Twilio messages');
  const script = new AnswerScript<TwilioFailure>();
  const stickyFailures = new Map<string, TwilioFailure>();
  const credentials = new Map<string, string>([[options.accountSid, options.authToken], ...Object.entries(options.apiKeys ?? {})]);
  const media = new Map<string, TwilioMediaSpec & { messageSid: string }>();
  let contents: TwilioContentRecord[] = [];
  let contentPageSize = 50;
  const defaultSenders = () => (options.whatsappSenders ?? []).map((number) => twilioSenderRecord(number));
  let senders: TwilioSenderRecord[] = defaultSenders();
  let senderPageSize = 50;

  function answerError(res: ServerResponse, failure: TwilioFailure): void {
    const headers = { 'twilio-request-id': requestId(), ...retryAfterHeader(failure.retryAfter) };
    if (failure.status === 401) Object.assign(headers, { 'www-authenticate': 'Basic realm="Twilio API"' });
    sendJson(res, failure.status, twilioErrorBody(failure), CONTENT_TYPE, headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const rawUrl = req.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);

    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLargeError) answerError(res, { status: 413, code: 20001, message: error.message });
      return;
    }
    const params = parseForm(raw.toString('utf8'));
    const auth = parseBasicAuth(req.headers.authorization);
    requests.push({ at, method: req.method ?? 'GET', path, headers: req.headers, auth, params });

    const cdn = CDN_PATH.exec(path);
    if (cdn && req.method === 'GET') {
      const spec = media.get(cdn[2]);
      if (!spec) {
        send(res, 403, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code></Error>', { 'content-type': 'application/xml' });
        return;
      }
      send(res, 200, spec.bytes, { 'content-type': spec.contentType });
      return;
    }
    const mediaRoute = MEDIA_PATH.exec(path);
    if (mediaRoute && req.method === 'GET') {
      if (await playScripted(script.take(), res, server, (failure) => answerError(res, failure))) return;
      if (!auth || credentials.get(auth.user) !== auth.pass || decodeURIComponent(mediaRoute[1]) !== options.accountSid) {
        answerError(res, AUTHENTICATE);
        return;
      }
      const spec = media.get(mediaRoute[3]);
      if (!spec || spec.messageSid !== mediaRoute[2]) {
        answerError(res, { status: 404, code: 20404, message: `The requested resource ${path} was not found` });
        return;
      }
      const cdnBase = `http://${spec.cdnHost ?? '127.0.0.1'}:${server.port}`;
      send(res, 307, '', { location: `${cdnBase}/cdn/media.twiliocdn.com/${options.accountSid}/${mediaRoute[3]}`, 'content-type': 'text/plain' });
      return;
    }

    const approval = APPROVAL_PATH.exec(path);
    if ((approval || CONTENT_LIST_PATH.test(path)) && req.method === 'GET') {
      if (await playScripted(script.take(), res, server, (failure) => answerError(res, failure))) return;
      if (!auth || credentials.get(auth.user) !== auth.pass) {
        answerError(res, AUTHENTICATE);
        return;
      }
      const query = new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1));
      const answer = approval ? approvalFetch(options.accountSid, contents, decodeURIComponent(approval[1])) : contentPage(options.accountSid, contents, query, contentPageSize);
      sendJson(res, answer.status, answer.body, CONTENT_TYPE, { 'twilio-request-id': requestId() });
      return;
    }

    const sendersRoute = SENDERS_PATH.exec(path);
    if (sendersRoute && req.method === 'GET') {
      if (await playScripted(script.take(), res, server, (failure) => answerError(res, failure))) return;
      if (!auth || credentials.get(auth.user) !== auth.pass) {
        answerError(res, AUTHENTICATE);
        return;
      }
      const query = new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1));
      const answer = sendersRoute[1] ? senderFetch(senders, decodeURIComponent(sendersRoute[1])) : senderPage(senders, query, senderPageSize);
      sendJson(res, answer.status, answer.body, CONTENT_TYPE, { 'twilio-request-id': requestId() });
      return;
    }

    // The Account fetch (the app's check before live mode) never takes a scripted answer meant for a send.
    const account = ACCOUNT_PATH.exec(path);
    if (account && req.method === 'GET') {
      if (!auth || credentials.get(auth.user) !== auth.pass || decodeURIComponent(account[1]) !== options.accountSid) {
        answerError(res, AUTHENTICATE);
        return;
      }
      sendJson(res, 200, accountResource(options.accountSid), CONTENT_TYPE, { 'twilio-request-id': requestId() });
      return;
    }

    const route = MESSAGES_PATH.exec(path);
    if (!route) {
      answerError(res, { status: 404, code: 20404, message: `The requested resource ${path} was not found` });
      return;
    }
    if (req.method !== 'POST') {
      // Listing messages (GET) exists on Twilio but nothing here needs it.
      answerError(res, { status: 405, code: 20004, message: 'Method not allowed' });
      return;
    }

    if (await playScripted(script.take(), res, server, (failure) => answerError(res, failure))) return;

    // Twilio checks credentials first, then that they own the account in the path.
    if (!auth || credentials.get(auth.user) !== auth.pass || decodeURIComponent(route[1]) !== options.accountSid) {
      answerError(res, AUTHENTICATE);
      return;
    }

    const invalid = validate(params);
    if (invalid) {
      answerError(res, invalid);
      return;
    }

    const to = single(params, 'To') as string;
    const sticky = stickyFailures.get(stripChannel(to));
    if (sticky) {
      answerError(res, sticky);
      return;
    }

    const message = accept(options.accountSid, params, at);
    sent.push(message);
    sentWaiters.notify();
    sendJson(res, 201, message.resource, CONTENT_TYPE, { 'twilio-request-id': requestId() });
  }

  const server: LoopbackServer = await startLoopbackServer(handle);

  return {
    url: server.url,
    port: server.port,
    accountSid: options.accountSid,
    requests,
    sent,
    ...script.controls(),
    failFor(to, failure) {
      stickyFailures.set(stripChannel(to), failure);
    },
    waitForSent(count, timeoutMs = 5000) {
      return sentWaiters.wait(count, timeoutMs);
    },
    addMedia(spec) {
      const messageSid = spec.messageSid ?? `MM${randomBytes(16).toString('hex')}`;
      const mediaSid = `ME${randomBytes(16).toString('hex')}`;
      media.set(mediaSid, { ...spec, messageSid });
      return { url: `${server.url}/${API_VERSION}/Accounts/${options.accountSid}/Messages/${messageSid}/Media/${mediaSid}`, mediaSid, messageSid };
    },
    reset() {
      requests.length = 0;
      sent.length = 0;
      script.clear();
      stickyFailures.clear();
      media.clear();
      contents = [];
      contentPageSize = 50;
      senders = defaultSenders();
      senderPageSize = 50;
    },
    setSenders(records, settings = {}) {
      senders = [...records];
      senderPageSize = settings.pageSize ?? 50;
    },
    setContents(records, settings = {}) {
      contents = [...records];
      contentPageSize = settings.pageSize ?? 50;
    },
    async close() {
      sentWaiters.cancel('fake Twilio closed');
      await server.close();
    },
  };
}

/** Twilio's checks, in the order Twilio applies them; the first failure wins. */
function validate(params: TwilioParams): TwilioFailure | undefined {
  const to = single(params, 'To');
  const from = single(params, 'From');
  const serviceSid = single(params, 'MessagingServiceSid');
  const body = single(params, 'Body');
  const contentSid = single(params, 'ContentSid');
  const contentVariables = single(params, 'ContentVariables');
  const mediaUrls = all(params, 'MediaUrl');

  if (!to) return { status: 400, code: 21604, message: "A 'To' phone number is required." };
  if (!from && !serviceSid) return { status: 400, code: 21603, message: "A 'From' phone number is required." };
  if (!body && !contentSid && mediaUrls.length === 0) return { status: 400, code: 21602, message: 'Message body is required.' };

  if (!E164.test(stripChannel(to))) {
    return { status: 400, code: 21211, message: `The 'To' number ${to} is not a valid phone number.` };
  }
  if (from) {
    const sender = stripChannel(from);
    const validSender = from.startsWith('whatsapp:')
      ? E164.test(sender)
      : E164.test(sender) || SHORT_CODE.test(sender) || ALPHANUMERIC_SENDER.test(sender);
    if (!validSender) {
      return {
        status: 400,
        code: 21212,
        message: `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
      };
    }
    // A WhatsApp sender only talks to WhatsApp recipients, and the other way round.
    if (from.startsWith('whatsapp:') !== to.startsWith('whatsapp:')) {
      return { status: 400, code: 21910, message: 'Invalid From and To pair. From and To should be of the same channel' };
    }
  }
  if (contentSid !== undefined && !CONTENT_SID.test(contentSid)) {
    return { status: 400, code: 21655, message: 'The ContentSid is Invalid' };
  }
  if (contentVariables !== undefined && parseJsonObject(contentVariables) === null) {
    return { status: 400, code: 21656, message: 'The ContentVariables Parameter is invalid' };
  }
  if (body && body.length > MAX_BODY) {
    return { status: 400, code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.' };
  }
  if (mediaUrls.some((url) => !isHttpUrl(url))) {
    return { status: 400, code: 21620, message: 'Invalid media URL(s)' };
  }
  return undefined;
}

function accept(accountSid: string, params: TwilioParams, at: number): TwilioSentMessage {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const to = single(params, 'To') as string;
  const from = single(params, 'From') ?? null;
  const messagingServiceSid = single(params, 'MessagingServiceSid') ?? null;
  const body = single(params, 'Body') ?? '';
  const mediaUrls = all(params, 'MediaUrl');
  const contentVariables = single(params, 'ContentVariables');
  const date = rfc2822(new Date(at));
  const uri = `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}.json`;

  const resource: TwilioMessageResource = {
    account_sid: accountSid,
    api_version: API_VERSION,
    body,
    date_created: date,
    date_sent: null,
    date_updated: date,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from,
    messaging_service_sid: messagingServiceSid,
    num_media: String(mediaUrls.length),
    num_segments: String(to.startsWith('whatsapp:') ? 1 : smsSegments(body)),
    price: null,
    price_unit: 'USD',
    sid,
    // Twilio: "accepted" when a Messaging Service will pick the sender, "queued" otherwise.
    status: messagingServiceSid && !from ? 'accepted' : 'queued',
    subresource_uris: { media: `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}/Media.json` },
    to,
    uri,
  };

  return {
    sid,
    at,
    to,
    from,
    messagingServiceSid,
    body,
    mediaUrls,
    contentSid: single(params, 'ContentSid') ?? null,
    contentVariables: contentVariables === undefined ? null : parseJsonObject(contentVariables),
    statusCallback: single(params, 'StatusCallback') ?? null,
    params,
    resource,
  };
}

/** Twilio's Account resource, as a fetch returns it (an active, full account). */
function accountResource(accountSid: string) {
  const date = rfc2822(new Date(Date.UTC(2024, 0, 15, 12, 0, 0)));
  return {
    sid: accountSid,
    owner_account_sid: accountSid,
    friendly_name: 'Taller de prueba',
    status: 'active',
    type: 'Full',
    date_created: date,
    date_updated: date,
    uri: `/${API_VERSION}/Accounts/${accountSid}.json`,
    subresource_uris: { messages: `/${API_VERSION}/Accounts/${accountSid}/Messages.json` },
  };
}

/** application/x-www-form-urlencoded → params; repeated keys (MediaUrl) become arrays. */
export function parseForm(text: string): TwilioParams {
  const params: TwilioParams = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const existing = params[key];
    if (existing === undefined) params[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else params[key] = [existing, value];
  }
  return params;
}

function single(params: TwilioParams, key: string): string | undefined {
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

function all(params: TwilioParams, key: string): string[] {
  const value = params[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function parseBasicAuth(header: string | undefined): { user: string; pass: string } | null {
  if (!header || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

function stripChannel(address: string): string {
  return address.startsWith('whatsapp:') ? address.slice('whatsapp:'.length) : address;
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** GSM-7 fits 160 characters (153 per part when split); anything else is UCS-2, 70 (67). */
function smsSegments(body: string): number {
  // eslint-disable-next-line no-control-regex
  const gsm = /^[\x0a\x0d\x20-\x7e£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà]*$/.test(body);
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return body.length <= single ? 1 : Math.ceil(body.length / part);
}

/** Twilio's date format: `Thu, 24 Aug 2023 05:01:45 +0000`. */
function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function requestId(): string {
  return `RQ${randomBytes(16).toString('hex')}`;
}
