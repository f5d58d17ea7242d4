import type { Message, MessageStatus, StatusTimes } from '../../../shared/contracts';
import { PLUGIN_ID } from '../pluginId';

/** What the filters bar holds; empty strings mean "any". Dates are `YYYY-MM-DD` (local days). */
export interface MessageFilters {
  status: MessageStatus | '';
  template: string;
  campaign: string;
  /** An automation's id: the messages that rule sent. */
  automation: string;
  contact: string;
  /** The business record the messages were sent for: its content type uid and its documentId (or id). */
  relatedType: string;
  relatedId: string;
  from: string;
  until: string;
}

export const EMPTY_FILTERS: MessageFilters = { status: '', template: '', campaign: '', automation: '', contact: '', relatedType: '', relatedId: '', from: '', until: '' };

/** The statuses a message may have, in the order the filter offers them. */
export const STATUSES: MessageStatus[] = ['scheduled', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'cancelled', 'undeliverable', 'unknown', 'received'];

/** The status times the detail shows, in life-cycle order. */
export const TIMELINE: (keyof StatusTimes)[] = ['queued', 'sent', 'delivered', 'read', 'failed', 'cancelled', 'received'];

export const PAGE_SIZE = 25;

const positiveId = (value: string) => (/^\s*\d+\s*$/.test(value) && Number(value) > 0 ? String(Number(value)) : undefined);

/** A local `YYYY-MM-DD` day as the ISO instant it starts (or, with `end`, its last millisecond). */
export const dayBound = (day: string, end = false): string | undefined => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = end
    ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999)
    : new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

/**
 * The query string GET /whatsapp/messages takes: only the filters it accepts (`status`, `contact`,
 * `template`, `campaign`, `automation` as ids, `relatedType` / `relatedId` as text, `from` /
 * `until` as ISO dates) and `pagination[page|pageSize]`. Values it would refuse (a non-numeric id,
 * a malformed day) are left out rather than sent.
 */
export const queryOf = (filters: MessageFilters, page: number, pageSize = PAGE_SIZE) => {
  const f: Record<string, string> = {};
  if (filters.status) f.status = filters.status;
  const contact = positiveId(filters.contact);
  if (contact) f.contact = contact;
  const template = positiveId(filters.template);
  if (template) f.template = template;
  const campaign = positiveId(filters.campaign);
  if (campaign) f.campaign = campaign;
  const automation = positiveId(filters.automation);
  if (automation) f.automation = automation;
  const relatedType = filters.relatedType.trim();
  if (relatedType) f.relatedType = relatedType;
  const relatedId = filters.relatedId.trim();
  if (relatedId) f.relatedId = relatedId;
  const from = dayBound(filters.from);
  if (from) f.from = from;
  const until = dayBound(filters.until, true);
  if (until) f.until = until;
  return { ...(Object.keys(f).length ? { filters: f } : {}), pagination: { page: Math.max(1, Math.floor(page) || 1), pageSize } };
};

/** The filters a link may carry, as the query keys of the messages page. */
const URL_FILTERS = ['template', 'campaign', 'automation', 'contact', 'relatedType', 'relatedId'] as const;

/**
 * The filters a link opens the log with (`messages?campaign=3`, `messages?automation=2`,
 * `messages?relatedType=api::work-order.work-order&relatedId=<documentId>`), so other screens can
 * point here. An unknown status is dropped; the rest is checked as the filters bar checks it.
 */
export const filtersFromUrl = (params: URLSearchParams): MessageFilters => {
  const status = params.get('status') ?? '';
  const filters: MessageFilters = { ...EMPTY_FILTERS, status: (STATUSES as string[]).includes(status) ? (status as MessageStatus) : '' };
  for (const key of URL_FILTERS) filters[key] = params.get(key) ?? '';
  return filters;
};

/** The admin path of the log opened with these filters (for links from automations and records). */
export const messagesPath = (filters: Partial<Pick<MessageFilters, (typeof URL_FILTERS)[number]>>): string => {
  const params = new URLSearchParams();
  for (const key of URL_FILTERS) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return `/plugins/${PLUGIN_ID}/messages${query ? `?${query}` : ''}`;
};

/** The message a link opens (`messages?message=12`, from an automation's run), if it names one. */
export const messageIdFromUrl = (params: URLSearchParams): number | null => {
  const value = params.get('message') ?? '';
  return /^\d+$/.test(value) && Number(value) > 0 && Number(value) <= Number.MAX_SAFE_INTEGER ? Number(value) : null;
};

export const hasFilters = (filters: MessageFilters) => Object.values(filters).some((v) => v !== '');

/** Cancel: only while the message waits (POST /cancel answers 409 once it is being sent). */
export const canCancel = (status: MessageStatus) => status === 'scheduled' || status === 'queued';

/** Retry: a failed, cancelled or unknown message may be queued again, unless its text was removed (retention, erasure). */
export const canRetry = (status: MessageStatus, redactedAt?: string | null) => !redactedAt && (status === 'failed' || status === 'cancelled' || status === 'unknown');

export type BadgeVariant = 'success' | 'danger' | 'warning' | 'secondary' | 'neutral' | 'primary';

export const statusVariant = (status: MessageStatus): BadgeVariant => {
  switch (status) {
    case 'delivered':
    case 'read':
    case 'sent':
      return 'success';
    case 'failed':
    case 'undeliverable':
      return 'danger';
    case 'scheduled':
    case 'queued':
    case 'sending':
      return 'warning';
    case 'received':
      return 'secondary';
    default:
      return 'neutral';
  }
};

/** A text cut to `max` characters on one line, with an ellipsis when cut. */
export const excerpt = (text: string | null | undefined, max = 60): string => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
};

/** The failure in the admin's language (Spanish for `es*`), else the provider's own words. */
export const failureText = (message: Pick<Message, 'failure' | 'errorCode' | 'errorText'>, locale: string): { reason: string; remedy: string | null } | null => {
  const { failure } = message;
  if (failure) {
    const words = locale.toLowerCase().startsWith('es') ? failure.es : failure;
    return { reason: words.reason, remedy: words.remedy };
  }
  if (message.errorText || message.errorCode) return { reason: [message.errorCode, message.errorText].filter(Boolean).join(': '), remedy: null };
  return null;
};

/** The status times that happened, in life-cycle order. */
export const timelineOf = (times: StatusTimes | null | undefined): { status: keyof StatusTimes; at: string }[] =>
  TIMELINE.flatMap((status) => {
    const at = times?.[status];
    return at ? [{ status, at }] : [];
  });
