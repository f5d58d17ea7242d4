/**
 * A loopback fake of Meta's WhatsApp Cloud API (Graph API), the part this product uses:
 *
 *   POST /{version}/{phone-number-id}/messages   (JSON, Authorization: Bearer <token>)
 *   POST /{version}/{phone-number-id}/media      (upload: multipart/form-data with messaging_product,
 *                                                 type and file → `{ id }`; the file is then served
 *                                                 by the media lookup below, like Meta's)
 *   GET  /{version}/{phone-number-id}            (the business number: `{ verified_name, display_phone_number,
 *                                                 quality_rating, messaging_limit_tier, throughput, name_status,
 *                                                 code_verification_status, platform_type, status, id }`, or the
 *                                                 `fields` asked for; `setPhoneNumber` changes them and
 *                                                 `failPhoneNumberNext` scripts its errors)
 *   GET  /{version}/{media-id}                   (inbound media: `{ url, mime_type, sha256, file_size, id }`)
 *   GET  /{version}/{waba-id}/message_templates  (the account's templates with their approval, cursor-paged:
 *                                                 see meta-templates.ts; `setTemplates` fills it)
 *   GET  /lookaside/whatsapp_business/attachments/?mid=…   (the bytes behind `url`, Bearer too)
 *
 * Answers with the real wire format: `{messaging_product, contacts:[{input, wa_id}],
 * messages:[{id: "wamid…"}]}` on success, Graph's `{"error":{message, type, code,
 * error_data, error_subcode, fbtrace_id}}` otherwise — with HTTP 400 for nearly every error
 * whatever it means (rate limit 130429, re-engagement 131047, undeliverable 131026…), which
 * is exactly what provider code must cope with. References:
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 * https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 *
 * Point the app at it with META_GRAPH_BASE_URL=fake.url and META_GRAPH_VERSION=fake.version.
 * Only the configured version is served: a request built with another version gets Graph's
 * "Unknown path components" error, so a hard-coded version in the product shows up.
 */
import { createHash, randomBytes } from 'crypto';
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
import { validateMessage, type MetaFailure, type MetaMessageType, type MetaTemplateSpec } from './meta-validation';
import { templatePage, type MetaTemplateRecord } from './meta-templates';

export type { MetaFailure, MetaMessageType, MetaTemplateSpec } from './meta-validation';
export { metaTemplateRecord, type MetaTemplateRecord } from './meta-templates';

export interface FakeMetaOptions {
  accessToken: string;
  phoneNumberId: string;
  /** Graph API version served, default `v21.0`. */
  version?: string;
  /** When given, template sends are checked against these (name, language, body parameter count). */
  templates?: MetaTemplateSpec[];
  /** The WhatsApp Business Account whose `message_templates` are served (default `102290129340398`). */
  wabaId?: string;
}

export interface MetaMediaObject {
  id?: string;
  link?: string;
  caption?: string;
  filename?: string;
}

export interface MetaTemplateParameter {
  type: string;
  text?: string;
  /** Named parameters ({{first_name}}) carry their name. */
  parameter_name?: string;
  image?: MetaMediaObject;
  document?: MetaMediaObject;
  video?: MetaMediaObject;
  payload?: string;
}

export interface MetaTemplateComponent {
  type: 'header' | 'body' | 'button';
  sub_type?: string;
  index?: string | number;
  parameters?: MetaTemplateParameter[];
}

/** A message payload as the Cloud API accepts it (only what passed validation reaches `sent`). */
export interface MetaMessagePayload {
  messaging_product: 'whatsapp';
  recipient_type?: 'individual';
  to: string;
  /** A business-scoped user id, sent instead of `to` to a customer without a known number. */
  recipient?: string;
  type?: MetaMessageType;
  biz_opaque_callback_data?: string;
  context?: { message_id: string };
  text?: { body: string; preview_url?: boolean };
  template?: { name: string; language: { code: string; policy?: string }; components?: MetaTemplateComponent[] };
  image?: MetaMediaObject;
  document?: MetaMediaObject;
  audio?: MetaMediaObject;
  video?: MetaMediaObject;
  interactive?: Record<string, unknown>;
  location?: Record<string, unknown>;
  reaction?: { message_id: string; emoji: string };
}

export interface MetaRecordedRequest {
  /** Date.now() when the request arrived. */
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or null when it was not JSON. */
  body: unknown;
  rawBody: string;
}

/** A customer's file, as Meta holds it for the business to download (see `addMedia`). */
export interface MetaMediaSpec {
  bytes: Buffer;
  mimeType: string;
  /** Default: a fresh numeric id, like Meta's. */
  id?: string;
  /** How long the download `url` works, default 5 minutes like Meta's; then it answers 404. */
  urlTtlMs?: number;
  /** Reported in the lookup (default: the real hex SHA-256 / byte count); set to lie. */
  sha256?: string;
  fileSize?: number;
}

/** A file uploaded with `POST /{version}/{phone-number-id}/media`, as the fake received it. */
export interface MetaUploadedMedia {
  /** The media id answered. */
  id: string;
  at: number;
  /** The `type` form field (the MIME type the business declared). */
  type: string;
  /** The Content-Type of the `file` part. */
  mime: string;
  /** The file name of the `file` part. */
  filename: string;
  bytes: Buffer;
}

/** A message the Cloud API accepted. */
export interface MetaSentMessage {
  /** The `wamid.…` returned. */
  id: string;
  at: number;
  /** `to` as sent ('' when the message went to a business-scoped user id). */
  to: string;
  waId: string;
  /** `recipient` as sent (a business-scoped user id), when there was no `to`. */
  recipient?: string;
  type: MetaMessageType;
  payload: MetaMessagePayload;
}

export interface MetaSendResponse {
  messaging_product: 'whatsapp';
  contacts: { input: string; wa_id?: string; user_id?: string }[];
  messages: { id: string; message_status?: 'accepted' }[];
}

export interface MetaErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    error_subcode?: number;
    fbtrace_id: string;
  };
}

export interface FakeMeta {
  /** `http://127.0.0.1:<port>`: use as META_GRAPH_BASE_URL. */
  readonly url: string;
  readonly port: number;
  readonly version: string;
  readonly phoneNumberId: string;
  /** Every request received, in arrival order (including rejected ones). */
  readonly requests: MetaRecordedRequest[];
  /** Only the messages accepted, with their wamid. */
  readonly sent: MetaSentMessage[];
  /** Only the uploads accepted (`POST …/media`), with their media id. */
  readonly uploads: MetaUploadedMedia[];
  /** The next request(s) get this Graph error (HTTP 400 unless `status`). Uploads take scripted answers too. */
  failNext(failure: MetaFailure & { times?: number }): void;
  /** The next request(s) get this exact answer (e.g. a proxy's 503 HTML page). */
  failNextRaw(raw: RawAnswer & { times?: number }): void;
  /** The next request(s) are answered normally, but only after `ms`. */
  delayNext(ms: number, times?: number): void;
  /** The next request(s) are never answered (until the client gives up or close()). */
  hangNext(times?: number): void;
  /** Drops what is still scripted (an outage ends), keeping requests and sent messages. */
  clearScript(): void;
  /** Every message to this number (digits; `+` and formatting ignored) fails this way, until reset(). */
  failFor(toDigits: string, failure: MetaFailure): void;
  /** Resolves once `count` messages were accepted in total. */
  waitForSent(count: number, timeoutMs?: number): Promise<MetaSentMessage[]>;
  /**
   * Registers a customer's file: `GET /{version}/{id}` describes it, its `url` (on this server,
   * Bearer token required, expiring) serves the bytes. Returns the media id for the webhook.
   * Scripted answers (failNext, delayNext…) apply to the lookup as to sends.
   */
  addMedia(spec: MetaMediaSpec): string;
  readonly wabaId: string;
  /**
   * The account's message templates, as `GET /{version}/{waba-id}/message_templates` lists them
   * (in this order), at most `pageSize` a page whatever `limit` asks (default 100).
   * Scripted answers (failNext, failNextRaw…) apply to the listing as to sends.
   */
  setTemplates(records: MetaTemplateRecord[], options?: { pageSize?: number }): void;
  /**
   * What `GET /{version}/{phone-number-id}` says of the number (merged over the defaults: GREEN,
   * TIER_1K, CONNECTED…); a field set to undefined is left out, as Meta leaves out what it has not.
   */
  setPhoneNumber(fields: Record<string, unknown>): void;
  /** The phone number lookup's next answer(s): a Graph error, or an exact raw answer (a 503 page). Sends are not affected. */
  failPhoneNumberNext(answer: (MetaFailure | { raw: RawAnswer }) & { times?: number }): void;
  /** Forgets requests, sent messages, uploads, scripted answers, sticky failures, media, templates and the number's fields. */
  reset(): void;
  close(): Promise<void>;
}

const CONTENT_TYPE = 'application/json; charset=UTF-8';
/** Where Meta's media URLs point (lookaside.fbsbx.com); here on the fake itself. */
const LOOKASIDE_PATH = '/lookaside/whatsapp_business/attachments/';
const INVALID_TOKEN = 'Invalid OAuth access token - Cannot parse access token';

/**
 * The WhatsApp ID the Cloud API reports for a number: its digits, except that Mexican
 * mobiles keep the "1" Mexico dropped from dialling in 2019 (52 + 10 digits → 521 + 10 digits).
 * Argentine mobiles already carry their "9" (549…) and stay as they are.
 */
export function waIdFor(to: string): string {
  const digits = to.replace(/\D/g, '');
  if (/^52\d{10}$/.test(digits)) return `521${digits.slice(2)}`;
  return digits;
}

/**
 * A message id shaped like the real ones: `wamid.` + base64 of a small protobuf-like record
 * holding the recipient's wa_id and an 18-hex-character id (real example:
 * wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA).
 */
export function makeWamid(waId: string): string {
  const id = randomBytes(9).toString('hex').toUpperCase();
  const record = Buffer.concat([
    Buffer.from([0x1c, 0x18, waId.length]),
    Buffer.from(waId, 'ascii'),
    Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, id.length]),
    Buffer.from(id, 'ascii'),
    Buffer.from([0x00]),
  ]);
  return `wamid.${record.toString('base64')}`;
}

/** Graph's trace ids look like `AbC1-dEf2_gHi3JkL4mNo5p`. */
function fbtraceId(): string {
  return `A${randomBytes(17).toString('base64url').slice(0, 22)}`;
}

/** Graph's error body for a WhatsApp error (the format failNext and validation errors use). */
export function metaErrorBody(failure: MetaFailure): MetaErrorBody {
  const message = failure.message.startsWith('(#') ? failure.message : `(#${failure.code}) ${failure.message}`;
  return {
    error: {
      message,
      type: failure.type ?? 'OAuthException',
      code: failure.code,
      error_data: { messaging_product: 'whatsapp', details: failure.details ?? failure.message },
      ...(failure.subcode === undefined ? {} : { error_subcode: failure.subcode }),
      fbtrace_id: fbtraceId(),
    },
  };
}

function graphError(message: string, type: string, code: number, subcode?: number): MetaErrorBody {
  return { error: { message, type, code, ...(subcode === undefined ? {} : { error_subcode: subcode }), fbtrace_id: fbtraceId() } };
}

export async function startFakeMeta(options: FakeMetaOptions): Promise<FakeMeta> {
  const version = options.version ?? 'v21.0';
  const requests: MetaRecordedRequest[] = [];
  const sent: MetaSentMessage[] = [];
  const uploads: MetaUploadedMedia[] = [];
  const sentWaiters = new CountWaiters(sent, 'accepted Meta messages');
  const script = new AnswerScript<MetaFailure>();
  const stickyFailures = new Map<string, MetaFailure>();
  const messagesPath = new RegExp(`^/${version.replace(/\./g, '\\.')}/([^/]+)/messages$`);
  const uploadPath = new RegExp(`^/${version.replace(/\./g, '\\.')}/([^/]+)/media$`);
  const mediaPath = new RegExp(`^/${version.replace(/\./g, '\\.')}/(\\d+)$`);
  const media = new Map<string, MetaMediaSpec>();
  /** Issued download URLs: mid → media id and expiry. */
  const downloads = new Map<string, { id: string; expires: number }>();
  let mediaCounter = 0;
  const wabaId = options.wabaId ?? '102290129340398';
  const templatesPath = new RegExp(`^/${version.replace(/\./g, '\\.')}/([^/]+)/message_templates$`);
  let templateRecords: MetaTemplateRecord[] = [];
  let templatePageSize = 100;
  // The phone number lookup has its own script: the checks before live mode and of a sender never take a send's scripted answer.
  const phoneScript = new AnswerScript<MetaFailure>();
  let phoneOverrides: Record<string, unknown> = {};

  function answer(res: ServerResponse, status: number, body: MetaErrorBody | MetaSendResponse, extra: Record<string, string> = {}): void {
    const traceId = 'error' in body ? body.error.fbtrace_id : fbtraceId();
    sendJson(res, status, body, CONTENT_TYPE, { 'x-fb-trace-id': traceId, ...extra });
  }

  function answerFailure(res: ServerResponse, failure: MetaFailure): void {
    answer(res, failure.status ?? 400, metaErrorBody(failure), retryAfterHeader(failure.retryAfter));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', server.url);
    const path = url.pathname;

    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLargeError) answerFailure(res, { status: 413, code: 100, message: 'Invalid parameter', details: error.message });
      return;
    }
    const rawBody = raw.toString('utf8');
    const body = parseJson(rawBody);
    requests.push({ at, method: req.method ?? 'GET', path, headers: req.headers, body, rawBody });

    if (path === LOOKASIDE_PATH) {
      serveLookaside(req, res, url);
      return;
    }
    const mediaRoute = mediaPath.exec(path);
    // The phone number lookup (the app's check before live mode) never takes a scripted answer meant for a send.
    if (mediaRoute && req.method === 'GET' && mediaRoute[1] === options.phoneNumberId) {
      if (await playScripted(phoneScript.take(), res, server, (failure) => answerFailure(res, failure))) return;
      describePhoneNumber(req, res, url);
      return;
    }
    if (mediaRoute && req.method === 'GET') {
      if (await playScripted(script.take(), res, server, (failure) => answerFailure(res, failure))) return;
      describeMedia(req, res, url, mediaRoute[1]);
      return;
    }

    const listing = templatesPath.exec(path);
    if (listing && req.method === 'GET') {
      if (await playScripted(script.take(), res, server, (failure) => answerFailure(res, failure))) return;
      listTemplates(req, res, url, decodeURIComponent(listing[1]));
      return;
    }

    const upload = uploadPath.exec(path);
    if (upload && req.method === 'POST') {
      if (await playScripted(script.take(), res, server, (failure) => answerFailure(res, failure))) return;
      await receiveUpload(req, res, url, decodeURIComponent(upload[1]), raw, at);
      return;
    }

    const route = messagesPath.exec(path);
    if (!route) {
      answer(res, 400, graphError(`Unknown path components: ${path}`, 'OAuthException', 2500));
      return;
    }

    if (await playScripted(script.take(), res, server, (failure) => answerFailure(res, failure))) return;

    // Graph takes the token from the Authorization header or the access_token query parameter.
    const bearer = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? url.searchParams.get('access_token');
    if (bearer !== options.accessToken) {
      answer(res, 401, graphError(INVALID_TOKEN, 'OAuthException', 190), {
        'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${INVALID_TOKEN}"`,
      });
      return;
    }

    const objectId = decodeURIComponent(route[1]);
    if (objectId !== options.phoneNumberId || req.method !== 'POST') {
      const verb = (req.method ?? 'GET').toLowerCase();
      const message =
        `Unsupported ${verb} request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, ` +
        'or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api';
      answer(res, 400, graphError(message, 'GraphMethodException', 100, 33));
      return;
    }

    if (body === null && rawBody.trim() !== '') {
      answerFailure(res, { code: 100, message: 'Invalid parameter', details: 'The request body is not valid JSON.' });
      return;
    }
    // An empty body is a request without parameters, as Graph sees it.
    const invalid = validateMessage(body ?? {}, options.templates);
    if (invalid) {
      answerFailure(res, invalid);
      return;
    }

    const payload = body as MetaMessagePayload;
    // A message to a business-scoped user id: Meta answers `user_id` instead of `wa_id`.
    const recipient = !payload.to && payload.recipient ? payload.recipient : undefined;
    const waId = recipient ? '' : waIdFor(payload.to);
    // Keyed by wa_id, so 52… and 521… (the same Mexican mobile) are one recipient.
    const sticky = stickyFailures.get(recipient ?? waId);
    if (sticky) {
      answerFailure(res, sticky);
      return;
    }

    const id = makeWamid(recipient ?? waId);
    const type = payload.type ?? 'text';
    sent.push({ id, at, to: payload.to ?? '', waId, type, payload, ...(recipient ? { recipient } : {}) });
    sentWaiters.notify();
    answer(res, 200, {
      messaging_product: 'whatsapp',
      contacts: [recipient ? { input: recipient, user_id: recipient } : { input: payload.to, wa_id: waId }],
      // Template sends report their pacing status; other types carry the id alone.
      messages: [type === 'template' ? { id, message_status: 'accepted' } : { id }],
    });
  }

  const bearerOf = (req: IncomingMessage, url: URL) =>
    /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? url.searchParams.get('access_token');

  function unauthorized(res: ServerResponse): void {
    answer(res, 401, graphError(INVALID_TOKEN, 'OAuthException', 190), {
      'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${INVALID_TOKEN}"`,
    });
  }

  /**
   * `POST /{version}/{phone-number-id}/media`: multipart/form-data with `messaging_product=whatsapp`,
   * `type` (the MIME type) and `file` → `{ id }`. The multipart body is parsed by the platform's
   * own parser (undici's, behind `Response.formData()`): no dependency, and a malformed body is
   * refused as Graph refuses it.
   */
  async function receiveUpload(req: IncomingMessage, res: ServerResponse, url: URL, objectId: string, raw: Buffer, at: number): Promise<void> {
    if (bearerOf(req, url) !== options.accessToken) return unauthorized(res);
    if (objectId !== options.phoneNumberId) {
      const message =
        `Unsupported post request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, ` +
        'or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api';
      return answer(res, 400, graphError(message, 'GraphMethodException', 100, 33));
    }
    const contentType = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\s*;/i.test(contentType)) {
      return answerFailure(res, { code: 100, message: 'Invalid parameter', details: 'The request must be multipart/form-data.' });
    }
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    } catch {
      return answerFailure(res, { code: 100, message: 'Invalid parameter', details: 'The multipart body could not be parsed.' });
    }
    const product = form.get('messaging_product');
    if (product === null) return answerFailure(res, { code: 100, message: 'The parameter messaging_product is required.' });
    if (product !== 'whatsapp') return answerFailure(res, { code: 100, message: `Param messaging_product must be one of {WHATSAPP} - got "${String(product)}".` });
    const type = form.get('type');
    if (typeof type !== 'string' || type === '') return answerFailure(res, { code: 100, message: 'The parameter type is required.' });
    const file = form.get('file');
    if (file === null || typeof file === 'string') return answerFailure(res, { code: 100, message: 'The parameter file is required.' });

    const bytes = Buffer.from(await file.arrayBuffer());
    mediaCounter += 1;
    const id = `${Date.now()}${mediaCounter}`;
    // Uploaded media can be looked up and downloaded like a customer's (GET /{version}/{media-id}).
    media.set(id, { bytes, mimeType: file.type || type });
    uploads.push({ id, at, type, mime: file.type, filename: file.name, bytes });
    sendJson(res, 200, { id }, CONTENT_TYPE);
  }

  /** `GET /{version}/{waba-id}/message_templates`: one cursor page of the account's templates. */
  function listTemplates(req: IncomingMessage, res: ServerResponse, url: URL, objectId: string): void {
    if (bearerOf(req, url) !== options.accessToken) return unauthorized(res);
    if (objectId !== wabaId) {
      const message =
        `Unsupported get request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, ` +
        'or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api';
      return answer(res, 400, graphError(message, 'GraphMethodException', 100, 33));
    }
    // Graph's own links name graph.facebook.com, whatever host the request reached.
    const page = templatePage(templateRecords, 'https://graph.facebook.com', url.pathname, url.searchParams, templatePageSize);
    if (!page.ok) return answer(res, 400, graphError(page.message, 'OAuthException', 100));
    sendJson(res, 200, page.body, CONTENT_TYPE);
  }

  /** `GET /{version}/{phone-number-id}`: the WhatsApp Business phone number, only `fields` when given. */
  function describePhoneNumber(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (bearerOf(req, url) !== options.accessToken) return unauthorized(res);
    // Field values as Meta's phone number reference lists them.
    const defaults: Record<string, unknown> = {
      verified_name: 'Taller de prueba',
      code_verification_status: 'VERIFIED',
      display_phone_number: '+1 555-000-1111',
      quality_rating: 'GREEN',
      messaging_limit_tier: 'TIER_1K',
      throughput: { level: 'STANDARD' },
      name_status: 'APPROVED',
      platform_type: 'CLOUD_API',
      status: 'CONNECTED',
      id: options.phoneNumberId,
    };
    const number = Object.fromEntries(Object.entries({ ...defaults, ...phoneOverrides }).filter(([, value]) => value !== undefined));
    const fields = url.searchParams.get('fields')?.split(',').map((f) => f.trim()).filter(Boolean);
    sendJson(res, 200, fields?.length ? Object.fromEntries(Object.entries(number).filter(([key]) => key === 'id' || fields.includes(key))) : number, CONTENT_TYPE);
  }

  /** `GET /{version}/{media-id}`: the media object with a fresh short-lived download URL. */
  function describeMedia(req: IncomingMessage, res: ServerResponse, url: URL, id: string): void {
    if (bearerOf(req, url) !== options.accessToken) return unauthorized(res);
    const spec = media.get(id);
    if (!spec) {
      const message = `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`;
      return answer(res, 400, graphError(message, 'GraphMethodException', 100, 33));
    }
    const mid = randomBytes(12).toString('hex');
    downloads.set(mid, { id, expires: Date.now() + (spec.urlTtlMs ?? 5 * 60_000) });
    sendJson(res, 200, {
      url: `${server.url}${LOOKASIDE_PATH}?mid=${mid}&ext=${Math.floor(Date.now() / 1000) + 300}&hash=${randomBytes(8).toString('base64url')}`,
      mime_type: spec.mimeType,
      sha256: spec.sha256 ?? createHash('sha256').update(spec.bytes).digest('hex'),
      file_size: spec.fileSize ?? spec.bytes.length,
      id,
      messaging_product: 'whatsapp',
    }, CONTENT_TYPE);
  }

  /** The bytes: Bearer token required (like lookaside.fbsbx.com), 404 once the URL expired. */
  function serveLookaside(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (bearerOf(req, url) !== options.accessToken) return unauthorized(res);
    const issued = downloads.get(url.searchParams.get('mid') ?? '');
    const spec = issued && issued.expires > Date.now() ? media.get(issued.id) : undefined;
    if (!spec) return send(res, 404, 'URL signature expired', { 'content-type': 'text/plain; charset=utf-8' });
    send(res, 200, spec.bytes, { 'content-type': spec.mimeType });
  }

  const server: LoopbackServer = await startLoopbackServer(handle);

  return {
    url: server.url,
    port: server.port,
    version,
    phoneNumberId: options.phoneNumberId,
    wabaId,
    requests,
    sent,
    uploads,
    ...script.controls(),
    failFor(toDigits, failure) {
      stickyFailures.set(waIdFor(toDigits), failure);
    },
    waitForSent(count, timeoutMs = 5000) {
      return sentWaiters.wait(count, timeoutMs);
    },
    addMedia(spec) {
      mediaCounter += 1;
      const id = spec.id ?? `${Date.now()}${mediaCounter}`;
      media.set(id, spec);
      return id;
    },
    setPhoneNumber(fields) {
      phoneOverrides = { ...phoneOverrides, ...fields };
    },
    failPhoneNumberNext({ times, ...answer }) {
      if ('raw' in answer) phoneScript.add({ kind: 'raw', raw: answer.raw }, times);
      else phoneScript.add({ kind: 'fail', failure: answer as MetaFailure }, times);
    },
    reset() {
      requests.length = 0;
      sent.length = 0;
      uploads.length = 0;
      script.clear();
      phoneScript.clear();
      phoneOverrides = {};
      stickyFailures.clear();
      media.clear();
      downloads.clear();
      templateRecords = [];
      templatePageSize = 100;
    },
    setTemplates(records, settings = {}) {
      templateRecords = [...records];
      templatePageSize = settings.pageSize ?? 100;
    },
    async close() {
      sentWaiters.cancel('fake Meta closed');
      await server.close();
    },
  };
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
