/**
 * The WhatsApp Business Account's message templates, with their approval, from the WhatsApp
 * Business Management API:
 *
 *   GET /{version}/{WABA_ID}/message_templates?fields=…&limit=100   (Authorization: Bearer <token>)
 *   → { data: [{ id, name, language, status, category, quality_score: { score }, rejected_reason,
 *        parameter_format, components: [{ type: 'BODY', text }, { type: 'HEADER', format }…] }],
 *       paging: { cursors: { before, after }, next } }
 *
 * Pages are followed through `paging.next` until Meta gives none (its documented end of the
 * list); every page is read before anything is returned, so a failure on page 3 leaves nothing
 * half-applied. `next` is followed on the configured Graph base (META_GRAPH_BASE_URL), never on
 * a host the answer names. References:
 * https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates
 * https://developers.facebook.com/docs/graph-api/reference/whats-app-business-hsm
 * https://developers.facebook.com/docs/graph-api/results (cursor paging)
 */
import { ProviderError } from '../errors';
import { createJsonHttpClient, type HttpResponse } from '../http';
import type { CommonSettings, ProviderTemplate } from '../types';
import { DEFAULT_GRAPH_BASE_URL } from './client';
import { parseMetaError } from './errors';
import type { MetaSettings } from './settings';

const NAME = 'meta';
/** Only what the sync stores: Meta answers `id` and `name` alone without `fields`. */
const FIELDS = ['id', 'name', 'language', 'status', 'category', 'quality_score', 'rejected_reason', 'parameter_format', 'components'].join(',');
/** Meta's largest page for this edge is 100 templates (a WABA holds up to 250 names × languages). */
const PAGE_SIZE = 100;
/** A guard against a `next` that never ends (a proxy looping): far beyond any real account. */
const MAX_PAGES = 200;

/** Why templates cannot be read from Meta with this server's settings, or null. */
export const metaTemplateListingProblem = (settings: MetaSettings): string | null => {
  if (!settings.accessToken) return 'META_ACCESS_TOKEN is not set';
  if (!settings.wabaId) return 'META_WABA_ID is not set: give the id of your WhatsApp Business Account (WhatsApp Manager → Account tools, or Business settings → WhatsApp accounts)';
  return null;
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : null);
const upper = (value: unknown): string | null => text(value)?.toUpperCase() ?? null;

/** One template of the listing as the sync reads it; null when it names no template (no id or name). */
export function readMetaTemplate(raw: unknown): ProviderTemplate | null {
  if (!isRecord(raw)) return null;
  const id = text(raw.id);
  const name = text(raw.name);
  if (!id || !name) return null;
  const components = Array.isArray(raw.components) ? raw.components.filter(isRecord) : [];
  const part = (type: string) => components.find((c) => upper(c.type) === type);
  const headerFormat = upper(part('HEADER')?.format);
  const reason = upper(raw.rejected_reason);
  const quality = isRecord(raw.quality_score) ? upper(raw.quality_score.score) : upper(raw.quality_score);
  return {
    id,
    name,
    language: text(raw.language) ?? '',
    status: upper(raw.status),
    // `NONE` is Meta's "no reason" (an approved or paused template).
    reason: reason && reason !== 'NONE' ? reason : null,
    quality,
    category: upper(raw.category),
    body: typeof part('BODY')?.text === 'string' ? String(part('BODY')!.text) : null,
    parameterFormat: upper(raw.parameter_format) === 'NAMED' ? 'named' : 'positional',
    header: headerFormat === 'IMAGE' ? 'image' : headerFormat === 'DOCUMENT' ? 'document' : 'none',
  };
}

const parseBody = (response: HttpResponse): Record<string, unknown> => {
  try {
    const body: unknown = JSON.parse(response.text);
    if (isRecord(body)) return body;
  } catch {
    // Answered below.
  }
  throw new ProviderError(`Meta answered the template list with something that is not Graph JSON (HTTP ${response.status}): ${response.text.slice(0, 120)}`, {
    provider: NAME,
    status: response.status,
    code: 'BAD_TEMPLATE_LIST',
  });
};

/** `paging.next` on our configured Graph base (its path and query), or null at the end of the list. */
const nextPage = (body: Record<string, unknown>, base: string): string | null => {
  const paging = isRecord(body.paging) ? body.paging : null;
  const next = text(paging?.next);
  if (!next) return null;
  try {
    const url = new URL(next);
    return `${base}${url.pathname}${url.search}`;
  } catch {
    return null;
  }
};

/** Every template of the WABA, all pages read. Throws a ProviderError that says what to check. */
export async function listMetaTemplates(settings: MetaSettings, common: Pick<CommonSettings, 'timeoutMs'>): Promise<ProviderTemplate[]> {
  const problem = metaTemplateListingProblem(settings);
  if (problem) throw new ProviderError(problem, { provider: NAME, code: 'NOT_CONFIGURED' });
  const base = (settings.graphBaseUrl || DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
  const http = createJsonHttpClient({ provider: NAME, timeoutMs: common.timeoutMs, maxSockets: 2 });
  const headers = { authorization: `Bearer ${settings.accessToken}` };
  const templates: ProviderTemplate[] = [];
  const seen = new Set<string>();
  let url: string | null = `${base}/${settings.graphVersion || 'v21.0'}/${encodeURIComponent(settings.wabaId!)}/message_templates?fields=${FIELDS}&limit=${PAGE_SIZE}`;
  try {
    for (let page = 0; url && page < MAX_PAGES && !seen.has(url); page += 1) {
      seen.add(url);
      const response = await http.getJson(url, headers);
      if (response.status < 200 || response.status >= 300) {
        const error = parseMetaError(response.status, response.headers, response.text, NAME);
        throw new ProviderError(`Meta refused the template list (HTTP ${response.status}: ${error.message}); check META_ACCESS_TOKEN (it needs whatsapp_business_management) and META_WABA_ID`, {
          provider: NAME,
          status: response.status,
          code: error.code,
          details: error.details,
          retryAfterSeconds: error.retryAfterSeconds,
        });
      }
      const body = parseBody(response);
      if (!Array.isArray(body.data)) {
        throw new ProviderError('Meta answered the template list without a `data` list', { provider: NAME, status: response.status, code: 'BAD_TEMPLATE_LIST' });
      }
      for (const raw of body.data) {
        const template = readMetaTemplate(raw);
        if (template) templates.push(template);
      }
      url = nextPage(body, base);
    }
  } finally {
    http.close();
  }
  return templates;
}
