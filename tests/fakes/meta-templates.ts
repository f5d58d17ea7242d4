/**
 * The fake Meta's message templates of the WhatsApp Business Account, as the WhatsApp Business
 * Management API lists them:
 *
 *   GET /{version}/{WABA_ID}/message_templates?fields=…&limit=…&after=…   (Bearer token)
 *   → { data: [{ id, name, language, status, category, quality_score: { score, date },
 *        rejected_reason, parameter_format, components }],
 *       paging: { cursors: { before, after }, next?, previous? } }
 *
 * Graph's cursor paging: `limit` (default 25, and the server may give fewer), opaque base64
 * cursors, `next` only while there are more, a cursor Graph does not know is error 100. Only
 * the `fields` asked for are answered (and `id`, which Graph always adds). References:
 * https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates
 * https://developers.facebook.com/docs/graph-api/results
 */

/** A template as Graph answers it (every field; `fields` picks among them). */
export interface MetaTemplateRecord {
  id: string;
  name: string;
  language: string;
  status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'IN_APPEAL' | 'PENDING_DELETION' | 'DELETED' | 'LIMIT_EXCEEDED' | 'ARCHIVED';
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  previous_category?: string;
  quality_score?: { score: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN'; date?: number };
  rejected_reason?: string;
  parameter_format?: 'POSITIONAL' | 'NAMED';
  components: Array<Record<string, unknown>>;
}

/** A template record with Meta's defaults: approved, GREEN, `rejected_reason: NONE`, one BODY. */
export function metaTemplateRecord(spec: Partial<MetaTemplateRecord> & { name: string; body?: string }): MetaTemplateRecord {
  const { body, ...rest } = spec;
  return {
    id: String(1_000_000_000_000_000 + Math.floor(Math.random() * 1e12)),
    language: 'es_MX',
    status: 'APPROVED',
    category: 'UTILITY',
    quality_score: { score: 'GREEN', date: Math.floor(Date.now() / 1000) },
    rejected_reason: 'NONE',
    parameter_format: 'POSITIONAL',
    components: [{ type: 'BODY', text: body ?? `Hola {{1}}, esta es la plantilla ${spec.name}.` }],
    ...rest,
  };
}

const encode = (index: number) => Buffer.from(`tpl:${index}`).toString('base64').replace(/=+$/, '');
const decode = (cursor: string): number | null => {
  const match = /^tpl:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match ? Number(match[1]) : null;
};

export type TemplatePage =
  | { ok: true; body: { data: Array<Record<string, unknown>>; paging: Record<string, unknown> } }
  | { ok: false; message: string };

/**
 * One page of the listing, for `GET {base}{path}?{query}`. `pageCap` is the server's own
 * largest page (to make small lists page in tests).
 */
export function templatePage(records: readonly MetaTemplateRecord[], base: string, path: string, query: URLSearchParams, pageCap: number): TemplatePage {
  const limitText = query.get('limit');
  const limit = limitText === null ? 25 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) return { ok: false, message: `(#100) Param limit must be a positive integer` };
  const after = query.get('after');
  const before = query.get('before');
  let start = 0;
  if (after !== null) {
    const index = decode(after);
    if (index === null) return { ok: false, message: '(#100) Invalid parameter: after is not a valid cursor' };
    start = index + 1;
  } else if (before !== null) {
    const index = decode(before);
    if (index === null) return { ok: false, message: '(#100) Invalid parameter: before is not a valid cursor' };
    start = Math.max(0, index - Math.min(limit, pageCap));
  }
  const size = Math.min(limit, pageCap);
  const slice = records.slice(start, start + size);
  const fields = query.get('fields')?.split(',').map((f) => f.trim()).filter(Boolean);
  const data = slice.map((record) =>
    fields?.length ? Object.fromEntries(Object.entries(record).filter(([key]) => key === 'id' || fields.includes(key))) : { ...record }
  );
  const link = (cursor: Record<string, string>) => {
    const next = new URLSearchParams(query);
    next.delete('after');
    next.delete('before');
    for (const [key, value] of Object.entries(cursor)) next.set(key, value);
    return `${base}${path}?${next.toString()}`;
  };
  const paging: Record<string, unknown> = {};
  if (slice.length) paging.cursors = { before: encode(start), after: encode(start + slice.length - 1) };
  if (start + slice.length < records.length) paging.next = link({ after: encode(start + slice.length - 1) });
  if (start > 0 && slice.length) paging.previous = link({ before: encode(start) });
  return { ok: true, body: { data, paging } };
}
