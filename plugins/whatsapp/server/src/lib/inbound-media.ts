/**
 * Pure rules for downloading what customers send (photos, PDFs, voice notes): which URLs we may
 * fetch with our credentials, what the stored file is called, which types the media library
 * accepts, how long to wait before trying again. No I/O here, so each rule is unit-tested.
 */

/** The media kinds a provider lets us download (locations, buttons… carry no file). */
export const DOWNLOADABLE_KINDS = ['image', 'document', 'audio', 'video', 'sticker'] as const;
export type DownloadableKind = (typeof DOWNLOADABLE_KINDS)[number];

export interface DownloadableMedia {
  kind: DownloadableKind;
  mime?: string;
  mediaId?: string;
  url?: string;
  filename?: string;
  caption?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The message's `media` JSON when it names a file we can fetch (a Meta media id or a Twilio URL). */
export function downloadableMedia(media: unknown): DownloadableMedia | null {
  const value: unknown = typeof media === 'string' ? safeParse(media) : media;
  if (!isRecord(value) || !(DOWNLOADABLE_KINDS as readonly unknown[]).includes(value.kind)) return null;
  const text = (key: string) => (typeof value[key] === 'string' && value[key] !== '' ? (value[key] as string) : undefined);
  if (!text('mediaId') && !text('url')) return null;
  return { kind: value.kind as DownloadableKind, mime: text('mime'), mediaId: text('mediaId'), url: text('url'), filename: text('filename'), caption: text('caption') };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Extensions of the types WhatsApp carries (Cloud API "supported media types"), so a file
 * without a name still opens in the right program. Anything else is `.bin`.
 */
const EXTENSIONS: Readonly<Record<string, string>> = Object.freeze({
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/pdf': 'pdf',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
});

/** `audio/ogg; codecs=opus` → `audio/ogg`. */
export const baseMime = (mime: string | undefined): string => (mime ?? '').split(';')[0].trim().toLowerCase();

export const extensionFor = (mime: string | undefined): string => EXTENSIONS[baseMime(mime)] ?? 'bin';

/**
 * The stored file's name: the customer's own (documents carry one), reduced to a safe base name,
 * else `<kind>-<provider message id>.<ext>`. The media library refuses names with path or control
 * characters, and a name is shown to staff, so anything odd is replaced.
 */
export function mediaFilename(media: Pick<DownloadableMedia, 'kind' | 'filename'>, mime: string | undefined, providerMessageId: string): string {
  const given = cleanName(media.filename);
  if (given) return /\.[a-z0-9]{1,8}$/i.test(given) ? given : `${given}.${extensionFor(mime)}`;
  // Meta's wamids are base64 (`/`, `+`, `=`): kept readable, nothing a path could be made of.
  const id = providerMessageId.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '').slice(-40) || 'unknown';
  return `${media.kind}-${id}.${extensionFor(mime)}`;
}

function cleanName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f<>:"|?*]+/g, '_').replace(/^[.\s]+/, '').trim().slice(0, 200);
  // Nothing left but punctuation: no name worth keeping.
  return /[\p{L}\p{N}]/u.test(cleaned) ? cleaned : undefined;
}

/** Where a URL points, for comparisons: `https://api.twilio.com` (default ports left out). */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** `image/*`-style patterns, as in the upload plugin's `security.allowedTypes` / `deniedTypes`. */
export function matchesMime(mime: string, patterns: readonly string[]): boolean {
  const type = baseMime(mime);
  return patterns.some((pattern) => {
    const p = pattern.trim().toLowerCase();
    if (p === '*' || p === '*/*') return true;
    if (!p.includes('*')) return p === type;
    const escaped = p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    return new RegExp(`^${escaped}$`).test(type);
  });
}

/** The media library's security settings allow this type (no list means no restriction). */
export function mimeAllowed(mime: string, security: { allowedTypes?: unknown; deniedTypes?: unknown }): boolean {
  const list = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined);
  const allowed = list(security.allowedTypes);
  const denied = list(security.deniedTypes);
  if (denied?.length && matchesMime(mime, denied)) return false;
  return !allowed?.length || matchesMime(mime, allowed);
}

/** Seconds before the 2nd, 3rd, 4th try of a download that failed transiently. */
export const RETRY_DELAYS_MS = [1_000, 5_000, 30_000] as const;

/** The wait before try `attempt + 1` (attempt counts from 1), or null when we give up. */
export function retryDelayMs(attempt: number, retryAfterSeconds?: number): number | null {
  const base = RETRY_DELAYS_MS[attempt - 1];
  if (base === undefined) return null;
  // A provider asking us to wait longer is obeyed, within reason (a download is not urgent, but
  // holding it for hours in memory is worse than giving up).
  return retryAfterSeconds ? Math.min(Math.max(base, retryAfterSeconds * 1000), 5 * 60_000) : base;
}
