/**
 * The account's Content templates and their WhatsApp approval, from Twilio's Content API
 * (HTTP Basic with the Account SID and Auth Token):
 *
 *   GET /v1/Content?PageSize=100
 *   → { contents: [{ sid: "HX…", friendly_name, language, variables, types: { "twilio/text": { body } … } }],
 *       meta: { page, page_size, next_page_url, key: "contents" … } }
 *   GET /v1/Content/{Sid}/ApprovalRequests
 *   → { sid, account_sid, url, whatsapp: { name, category, content_type, status, rejection_reason,
 *        allow_category_change } }
 *
 * Pages are followed through `meta.next_page_url` (on the configured TWILIO_CONTENT_BASE_URL,
 * never on a host the answer names) until it is null; every page and approval is read before
 * anything is returned. References:
 * https://www.twilio.com/docs/content/content-api-resources (Content, ApprovalRequests)
 * https://www.twilio.com/docs/usage/twilios-response (paging `meta`)
 */
import { ProviderError } from '../errors';
import { createJsonHttpClient, type HttpResponse, type JsonHttpClient } from '../http';
import type { CommonSettings, ProviderTemplate } from '../types';
import { parseTwilioError } from './errors';
import type { TwilioSettings } from './settings';

const NAME = 'twilio';
export const TWILIO_CONTENT_BASE_URL = 'https://content.twilio.com'; // default only: TWILIO_CONTENT_BASE_URL configures it
/** Twilio allows up to 1,000 a page; 100 keeps each answer small. */
const PAGE_SIZE = 100;
const MAX_PAGES = 200;
/** Approval lookups in flight at once (one request per template). */
const PARALLEL = 4;

/** Why templates cannot be read from Twilio with this server's settings, or null. */
export const twilioTemplateListingProblem = (settings: TwilioSettings): string | null =>
  settings.accountSid && settings.authToken ? null : 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/** Twilio's media header by the file the template points at (`…/{{1}}.pdf`): a document or an image. */
const headerOf = (types: Record<string, unknown>): ProviderTemplate['header'] => {
  const media = Object.values(types).flatMap((type) => (isRecord(type) && Array.isArray(type.media) ? type.media : []));
  const first = typeof media[0] === 'string' ? media[0].toLowerCase() : '';
  if (/\.pdf(\?|$)/.test(first)) return 'document';
  if (/\.(jpe?g|png)(\?|$)/.test(first)) return 'image';
  return 'none';
};

/** The text staff read: the first type's `body` (`twilio/text`, `twilio/media`, quick replies…), else a card's `title`. */
const bodyOf = (types: Record<string, unknown>): string | null => {
  const parts = Object.values(types).filter(isRecord);
  for (const part of parts) if (typeof part.body === 'string' && part.body.trim()) return part.body;
  for (const part of parts) if (typeof part.title === 'string' && part.title.trim()) return part.title;
  return null;
};

/** A Content resource and its approval request as the sync reads them; null when it names nothing. */
export function readTwilioTemplate(content: unknown, approval: unknown): ProviderTemplate | null {
  if (!isRecord(content)) return null;
  const sid = text(content.sid);
  if (!sid) return null;
  const whatsapp = isRecord(approval) && isRecord(approval.whatsapp) ? approval.whatsapp : {};
  const types = isRecord(content.types) ? content.types : {};
  const status = text(whatsapp.status)?.toUpperCase() ?? null;
  return {
    id: sid,
    name: text(whatsapp.name) ?? text(content.friendly_name) ?? sid,
    language: text(content.language) ?? '',
    // Never submitted to WhatsApp: no approval to speak of.
    status: status === 'UNSUBMITTED' ? null : status,
    reason: text(whatsapp.rejection_reason),
    quality: null,
    category: text(whatsapp.category)?.toUpperCase() ?? null,
    body: bodyOf(types),
    parameterFormat: 'positional',
    header: headerOf(types),
  };
}

const parseBody = (response: HttpResponse, what: string): Record<string, unknown> => {
  try {
    const body: unknown = JSON.parse(response.text);
    if (isRecord(body)) return body;
  } catch {
    // Answered below.
  }
  throw new ProviderError(`Twilio answered ${what} with something that is not JSON (HTTP ${response.status}): ${response.text.slice(0, 120)}`, {
    provider: NAME,
    status: response.status,
    code: 'BAD_TEMPLATE_LIST',
  });
};

const refused = (response: HttpResponse, what: string) => {
  const error = parseTwilioError(response.status, response.headers, response.text, NAME);
  return new ProviderError(`Twilio refused ${what} (HTTP ${response.status}: ${error.message}); check TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_CONTENT_BASE_URL`, {
    provider: NAME,
    status: response.status,
    code: error.code,
    details: error.details,
    retryAfterSeconds: error.retryAfterSeconds,
  });
};

/** `meta.next_page_url` on our configured base (its path and query), or null on the last page. */
const nextPage = (body: Record<string, unknown>, base: string): string | null => {
  const next = isRecord(body.meta) ? text(body.meta.next_page_url) : null;
  if (!next) return null;
  try {
    const url = new URL(next);
    return `${base}${url.pathname}${url.search}`;
  } catch {
    return null;
  }
};

async function approvalOf(http: JsonHttpClient, base: string, sid: string, headers: Record<string, string>): Promise<unknown> {
  const response = await http.getJson(`${base}/v1/Content/${encodeURIComponent(sid)}/ApprovalRequests`, headers);
  // No approval request was ever made for this content: nothing to report, not a failure.
  if (response.status === 404) return null;
  if (response.status < 200 || response.status >= 300) throw refused(response, `the approval of ${sid}`);
  return parseBody(response, `the approval of ${sid}`);
}

/** Every Content template with its WhatsApp approval, all pages read. Throws a ProviderError that says what to check. */
export async function listTwilioTemplates(settings: TwilioSettings, common: Pick<CommonSettings, 'timeoutMs'>): Promise<ProviderTemplate[]> {
  const problem = twilioTemplateListingProblem(settings);
  if (problem) throw new ProviderError(problem, { provider: NAME, code: 'NOT_CONFIGURED' });
  const base = (settings.contentBaseUrl || TWILIO_CONTENT_BASE_URL).replace(/\/+$/, '');
  const http = createJsonHttpClient({ provider: NAME, timeoutMs: common.timeoutMs, maxSockets: PARALLEL });
  const headers = { authorization: `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}` };
  const contents: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  let url: string | null = `${base}/v1/Content?PageSize=${PAGE_SIZE}`;
  try {
    for (let page = 0; url && page < MAX_PAGES && !seen.has(url); page += 1) {
      seen.add(url);
      const response = await http.getJson(url, headers);
      if (response.status < 200 || response.status >= 300) throw refused(response, 'the Content template list');
      const body = parseBody(response, 'the Content template list');
      if (!Array.isArray(body.contents)) {
        throw new ProviderError('Twilio answered the Content template list without a `contents` list', { provider: NAME, status: response.status, code: 'BAD_TEMPLATE_LIST' });
      }
      contents.push(...body.contents.filter(isRecord));
      url = nextPage(body, base);
    }
    const templates: ProviderTemplate[] = [];
    for (let i = 0; i < contents.length; i += PARALLEL) {
      const slice = contents.slice(i, i + PARALLEL);
      const approvals = await Promise.all(slice.map((content) => (text(content.sid) ? approvalOf(http, base, String(content.sid), headers) : null)));
      slice.forEach((content, j) => {
        const template = readTwilioTemplate(content, approvals[j]);
        if (template) templates.push(template);
      });
    }
    return templates;
  } finally {
    http.close();
  }
}
