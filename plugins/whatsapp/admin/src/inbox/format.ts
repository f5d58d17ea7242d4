import type { Conversation, ConversationContact, Message, MessageMedia, TemplateOption } from './types';

/** Display helpers for the inbox, pure so they are tested without rendering. */

/** The contact's name, else the name they gave WhatsApp, else the phone number. */
export const contactLabel = (contact: ConversationContact | null | undefined, fallbackId?: number) =>
  contact?.name?.trim() ||
  contact?.profileName?.trim() ||
  contact?.phone ||
  (contact?.username ? `@${contact.username}` : '') ||
  (fallbackId !== undefined ? `#${fallbackId}` : '');

export type RelativeUnit = 'second' | 'minute' | 'hour' | 'day';

/**
 * How long ago, as a value and unit for Intl.RelativeTimeFormat (`-5, 'minute'` → "hace 5 minutos"),
 * or `null` when older than a week (show the date then) or unreadable. Future times read as now.
 */
export const relativeTime = (iso: string | null | undefined, now: number): { value: number; unit: RelativeUnit } | null => {
  const at = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(at)) return null;
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return { value: 0, unit: 'second' };
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return { value: -minutes, unit: 'minute' };
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return { value: -hours, unit: 'hour' };
  const days = Math.floor(hours / 24);
  if (days < 7) return { value: -days, unit: 'day' };
  return null;
};

/**
 * The customer-service window at `now` (the server's `windowOpen` is as of the last fetch, so
 * it is recomputed from `windowClosesAt`): open or not, and the hours and minutes left.
 */
export const serviceWindow = (conversation: Pick<Conversation, 'windowClosesAt'> | null, now: number) => {
  const closes = conversation?.windowClosesAt ? Date.parse(conversation.windowClosesAt) : NaN;
  if (Number.isNaN(closes) || closes <= now) return { open: false, hours: 0, minutes: 0, closesAt: Number.isNaN(closes) ? null : closes };
  const left = Math.floor((closes - now) / 60_000);
  return { open: true, hours: Math.floor(left / 60), minutes: left % 60, closesAt: closes };
};

export type Tick = { symbol: string; tone: 'pending' | 'sent' | 'read' | 'failed' | 'cancelled'; label: string };

/** The mark under an outbound bubble, WhatsApp style: 🕓 pending, ✓ sent, ✓✓ delivered, blue ✓✓ read, ! failed. */
export const statusTick = (status: string): Tick => {
  switch (status) {
    case 'scheduled':
    case 'queued':
    case 'sending':
      return { symbol: '🕓', tone: 'pending', label: status };
    case 'sent':
      return { symbol: '✓', tone: 'sent', label: status };
    case 'delivered':
      return { symbol: '✓✓', tone: 'sent', label: status };
    case 'read':
      return { symbol: '✓✓', tone: 'read', label: status };
    case 'failed':
    case 'undeliverable':
      return { symbol: '!', tone: 'failed', label: status };
    case 'cancelled':
      return { symbol: '⊘', tone: 'cancelled', label: status };
    default:
      return { symbol: '?', tone: 'pending', label: status };
  }
};

/** What a message carries besides its text: a kind (translated by the caller) and a detail line. */
export const describeMedia = (media: MessageMedia | null | undefined): { kind: string; detail: string | null } | null => {
  if (!media || typeof media !== 'object') return null;
  const kind = typeof media.kind === 'string' ? media.kind : typeof media.type === 'string' ? media.type : 'other';
  const text = (...values: unknown[]) => {
    const parts = values.filter((v): v is string | number => (typeof v === 'string' && v.trim() !== '') || typeof v === 'number');
    return parts.length ? parts.join(' · ') : null;
  };
  switch (kind) {
    case 'location': {
      const coords = typeof media.latitude === 'number' && typeof media.longitude === 'number' ? `${media.latitude}, ${media.longitude}` : null;
      return { kind, detail: text(media.name, media.address, coords) };
    }
    case 'button':
      return { kind, detail: text(media.text) };
    case 'interactive':
      return { kind, detail: text(media.title) };
    case 'reaction':
      return { kind, detail: text(media.emoji) };
    case 'other':
      return { kind, detail: text(media.type) };
    default:
      return { kind, detail: text(media.filename, media.caption) };
  }
};

/** The map link of a location message, when it has coordinates. */
export const locationUrl = (media: MessageMedia | null | undefined) =>
  media?.kind === 'location' && typeof media.latitude === 'number' && typeof media.longitude === 'number'
    ? `https://www.google.com/maps?q=${media.latitude},${media.longitude}`
    : null;

/** Template variables typed as flat paths (`cliente.nombre`) as the nested object the API expects. */
export const buildVariables = (values: Record<string, string>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(values)) {
    const parts = path.split('.').filter(Boolean);
    if (parts.length === 0) continue;
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== 'object' || next === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  }
  return out;
};

/** A rough preview of a template: `{{ path }}` replaced by what was typed, other expressions left as written. */
export const previewTemplate = (body: string, values: Record<string, string>) =>
  body.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, path: string) => (values[path]?.trim() ? values[path] : whole));

/** Every variable has a value. */
export const missingVariables = (template: Pick<TemplateOption, 'variables'>, values: Record<string, string>) =>
  template.variables.filter((name) => !values[name]?.trim());

/** A template as the admin or the Content Manager API answers it (variables may be JSON text). */
export const toTemplate = (raw: Record<string, unknown>): TemplateOption | null => {
  if (typeof raw.id !== 'number' || typeof raw.name !== 'string') return null;
  let variables: unknown = raw.variables;
  if (typeof variables === 'string') {
    try {
      variables = JSON.parse(variables);
    } catch {
      variables = [];
    }
  }
  return {
    id: raw.id,
    name: raw.name,
    body: typeof raw.body === 'string' ? raw.body : '',
    variables: Array.isArray(variables) ? variables.filter((v): v is string => typeof v === 'string') : [],
    category: typeof raw.category === 'string' ? raw.category : null,
    active: raw.active !== false,
  };
};

/** The API refused free text because the 24-hour window is closed (422, rule `service-window`). */
export const isServiceWindowError = (error: unknown) => {
  const details = (error as { response?: { data?: { error?: { details?: { errors?: Array<{ rule?: string }> } } } } })?.response?.data?.error?.details;
  return Array.isArray(details?.errors) && details.errors.some((e) => e?.rule === 'service-window');
};

/** A random v4 UUID for the Idempotency-Key header (crypto.randomUUID is missing outside secure contexts). */
export const newIdempotencyKey = (getRandomValues: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)) => {
  const bytes = getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The list's query string (Strapi's `filters[...]` and `pagination[...]` brackets). */
export const conversationsQuery = (filters: { view: string; status: string; search: string }, page: number, pageSize: number) => {
  const params = new URLSearchParams();
  if (filters.view === 'unread') params.set('filters[unread]', 'true');
  if (filters.view === 'mine') params.set('filters[assigned]', 'me');
  if (filters.status !== 'all') params.set('filters[status]', filters.status);
  if (filters.search.trim()) params.set('filters[search]', filters.search.trim());
  params.set('pagination[page]', String(page));
  params.set('pagination[pageSize]', String(pageSize));
  return params.toString();
};

/**
 * The Idempotency-Key for what is about to be sent: the same key while the content is the same (a
 * double click or a retry after a timeout never sends twice), a new one once the content changes.
 */
export const keyForContent = (previous: { key: string; content: string } | null, content: string, make: () => string = newIdempotencyKey) =>
  previous && previous.content === content ? previous : { key: make(), content };

/** Where the browser opens a stored file: media-library URLs are relative to the Strapi server. */
export const fileUrl = (url: string, backendUrl = '') => (/^https?:\/\//.test(url) ? url : `${backendUrl.replace(/\/+$/, '')}${url}`);

/** The download state of an inbound file worth telling staff, as a translation key suffix. */
export const mediaNotice = (media: MessageMedia | null | undefined): 'pending' | 'too-large' | 'failed' | null => {
  if (!media || media.file) return null;
  return media.status === 'pending' || media.status === 'too-large' || media.status === 'failed' ? media.status : null;
};

/** The failure in the staff's words (the provider's table, in Spanish for a Spanish admin), else the provider's. */
export const failureText = (message: Message, locale: string) => {
  const words = message.failure ? (locale.startsWith('es') ? message.failure.es : message.failure) : null;
  if (!words) return [message.errorCode, message.errorText].filter(Boolean).join(' — ');
  return [message.errorCode, words.reason, words.remedy].filter(Boolean).join(' — ');
};

/**
 * The business record a conversation is about, as a Content Manager link: the content type's
 * last segment as its label (`api::work-order.work-order` → `work-order`). Null without one.
 */
export const recordLink = (related: { type: string; id: string } | null | undefined): { label: string; to: string } | null => {
  if (!related?.type || !related.id) return null;
  const label = related.type.split('.').pop() || related.type;
  return { label, to: `/content-manager/collection-types/${related.type}/${encodeURIComponent(related.id)}` };
};

/** An administrator's name by id, from the assignees list; null when unknown (a removed user). */
export const assigneeName = (assignees: Array<{ id: number; name: string }>, id: number | null) => (id === null ? null : (assignees.find((a) => a.id === id)?.name ?? null));
