/**
 * The fake Twilio's Content API (https://content.twilio.com), the part the template sync reads:
 *
 *   GET /v1/Content?PageSize=…&Page=…&PageToken=…
 *   → { contents: [Content resource…], meta: { page, page_size, first_page_url, previous_page_url,
 *        url, next_page_url, key: "contents" } }
 *   GET /v1/Content/{Sid}/ApprovalRequests
 *   → { sid, account_sid, url, whatsapp: { name, category, content_type, status, rejection_reason,
 *        allow_category_change, type, flows } }   (`whatsapp: {}` when never submitted)
 *
 * Page URLs name https://content.twilio.com, as Twilio's do, whatever host the request reached.
 * References: https://www.twilio.com/docs/content/content-api-resources,
 * https://www.twilio.com/docs/usage/twilios-response
 */

const HOST = 'https://content.twilio.com';

/** A Content template and its WhatsApp approval request (null: never submitted). */
export interface TwilioContentRecord {
  sid: string;
  friendly_name: string;
  language: string;
  variables: Record<string, string>;
  types: Record<string, Record<string, unknown>>;
  approval: {
    name: string;
    category: string;
    status: 'received' | 'pending' | 'approved' | 'rejected' | 'paused' | 'disabled';
    rejection_reason: string;
  } | null;
  date_created?: string;
}

/** A `twilio/text` content, submitted and approved unless said otherwise. */
export function twilioContentRecord(spec: { sid: string; name: string; body: string; language?: string; approval?: Partial<NonNullable<TwilioContentRecord['approval']>> | null }): TwilioContentRecord {
  return {
    sid: spec.sid,
    friendly_name: spec.name,
    language: spec.language ?? 'es',
    variables: Object.fromEntries([...spec.body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => [m[1], `ejemplo ${m[1]}`])),
    types: { 'twilio/text': { body: spec.body } },
    approval: spec.approval === null ? null : { name: spec.name, category: 'UTILITY', status: 'approved', rejection_reason: '', ...spec.approval },
  };
}

const isoDate = () => new Date(Date.UTC(2025, 0, 15, 12, 0, 0)).toISOString().replace('.000', '');

/** The Content resource as the listing answers it. */
function contentResource(accountSid: string, record: TwilioContentRecord) {
  return {
    date_created: record.date_created ?? isoDate(),
    date_updated: record.date_created ?? isoDate(),
    sid: record.sid,
    account_sid: accountSid,
    friendly_name: record.friendly_name,
    language: record.language,
    variables: record.variables,
    types: record.types,
    url: `${HOST}/v1/Content/${record.sid}`,
    links: {
      approval_fetch: `${HOST}/v1/Content/${record.sid}/ApprovalRequests`,
      approval_create: `${HOST}/v1/Content/${record.sid}/ApprovalRequests/whatsapp`,
    },
  };
}

export type ContentAnswer = { status: number; body: unknown };

/** `GET /v1/Content`: one page (Twilio's PageSize up to 1000; `pageCap` is the fake's own limit). */
export function contentPage(accountSid: string, records: readonly TwilioContentRecord[], query: URLSearchParams, pageCap: number): ContentAnswer {
  const size = Number(query.get('PageSize') ?? 50);
  if (!Number.isInteger(size) || size < 1 || size > 1000) {
    return { status: 400, body: { code: 20001, message: 'PageSize must be between 1 and 1000', more_info: 'https://www.twilio.com/docs/errors/20001', status: 400 } };
  }
  const perPage = Math.min(size, pageCap);
  const page = Number(query.get('Page') ?? 0);
  const token = query.get('PageToken');
  // The token carries where the page starts (Twilio's is opaque: `PT` + an id).
  const start = token ? Number(/^PT(\d+)$/.exec(token)?.[1] ?? NaN) : 0;
  if (!Number.isInteger(start) || start < 0) {
    return { status: 400, body: { code: 20001, message: 'Invalid PageToken', more_info: 'https://www.twilio.com/docs/errors/20001', status: 400 } };
  }
  const slice = records.slice(start, start + perPage);
  const link = (p: number, from: number) => `${HOST}/v1/Content?PageSize=${size}&Page=${p}${from ? `&PageToken=PT${from}` : ''}`;
  return {
    status: 200,
    body: {
      contents: slice.map((record) => contentResource(accountSid, record)),
      meta: {
        page,
        page_size: perPage,
        first_page_url: link(0, 0),
        previous_page_url: page > 0 ? link(page - 1, Math.max(0, start - perPage)) : null,
        url: link(page, start),
        next_page_url: start + perPage < records.length ? link(page + 1, start + perPage) : null,
        key: 'contents',
      },
    },
  };
}

/** `GET /v1/Content/{Sid}/ApprovalRequests`: 404 for a Content the account does not hold. */
export function approvalFetch(accountSid: string, records: readonly TwilioContentRecord[], sid: string): ContentAnswer {
  const record = records.find((r) => r.sid === sid);
  if (!record) {
    return { status: 404, body: { code: 20404, message: `The requested resource /v1/Content/${sid}/ApprovalRequests was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 } };
  }
  const approval = record.approval;
  return {
    status: 200,
    body: {
      sid,
      account_sid: accountSid,
      url: `${HOST}/v1/Content/${sid}/ApprovalRequests`,
      whatsapp: approval
        ? { ...approval, content_type: Object.keys(record.types)[0] ?? 'twilio/text', allow_category_change: true, type: 'whatsapp', flows: null }
        : {},
    },
  };
}
