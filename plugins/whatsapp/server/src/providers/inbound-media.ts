/**
 * Fetching a customer's media from each provider, in the provider's own terms:
 *
 * - Meta: `GET {graph}/{version}/{media-id}` (Bearer token) → `{ url, mime_type, sha256,
 *   file_size }`, then `GET url` with the same token. The URL lives about five minutes, so a
 *   401/403/404 on it means "ask for a fresh one", once.
 * - Twilio: `GET MediaUrl0` with the account's basic auth → 307 to a CDN URL that needs none.
 *   Only URLs on the configured Twilio API origin are fetched (lib/inbound-media.ts).
 *
 * Failures come out as ProviderErrors parsed from the provider's error body, so
 * classify.ts decides what is worth another try, as it does for sends.
 */
import { readFile } from 'node:fs/promises';
import { classifyMetaError, classifyTwilioError } from './classify';
import { ProviderError, parseMetaError, parseTwilioError } from './errors';
import { downloadToFile, HttpStatusError, MediaTooLargeError, removeDownload, type DownloadedFile } from './media-download';
import { DEFAULT_GRAPH_BASE_URL } from './meta';
import { TWILIO_API_BASE_URL } from './twilio-request-client';
import type { ErrorClass } from './types';
import { isTwilioMediaUrl, sha256Matches } from '../lib/inbound-media';

export interface MediaFetchConfig {
  maxBytes: number;
  /** For the Graph JSON call (WHATSAPP_PROVIDER_TIMEOUT_MS). */
  timeoutMs: number;
  /** For the bytes: a 25 MB file on a slow link takes longer than an API call. */
  downloadTimeoutMs: number;
  signal?: AbortSignal;
  meta: { accessToken: string; graphBaseUrl?: string; graphVersion?: string };
  twilio: { accountSid: string; authToken: string; apiBaseUrl?: string };
}

export interface FetchedMedia extends DownloadedFile {
  /** The provider's type for the file (Meta's mime_type, else the answer's Content-Type). */
  mime: string | undefined;
}

/** A media reference we will not fetch (a URL outside the provider, no credentials). Never retried. */
export class MediaRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaRefusedError';
  }
}

export { MediaTooLargeError };

export async function fetchMetaMedia(mediaId: string, config: MediaFetchConfig): Promise<FetchedMedia> {
  const { accessToken } = config.meta;
  if (!accessToken) throw new MediaRefusedError('META_ACCESS_TOKEN is not set');
  const base = (config.meta.graphBaseUrl || DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${accessToken}` };
  const lookup = `${base}/${config.meta.graphVersion || 'v21.0'}/${encodeURIComponent(mediaId)}`;

  for (let round = 1; ; round += 1) {
    const info = await metaMediaInfo(lookup, headers, config);
    if (info.fileSize !== undefined && info.fileSize > config.maxBytes) throw new MediaTooLargeError(config.maxBytes, info.fileSize);
    let file: DownloadedFile;
    try {
      file = await downloadToFile(info.url, { provider: 'meta', headers, maxBytes: config.maxBytes, timeoutMs: config.downloadTimeoutMs, signal: config.signal });
    } catch (error) {
      // The short-lived URL expired between the two calls (or a retry came late): a new one, once.
      if (error instanceof HttpStatusError && [401, 403, 404].includes(error.status) && round === 1) continue;
      throw error instanceof HttpStatusError ? parseMetaError(error.status, error.headers, error.body) : error;
    }
    if (!sha256Matches(info.sha256, file.sha256)) {
      await removeDownload(file);
      // Not what Meta holds: kept out of the media library. Final, because a hash that does not
      // match over TLS will not match on the next try either.
      throw new ProviderError(`The downloaded file does not match Meta's sha256 (${info.sha256})`, { provider: 'meta', code: 'SHA256_MISMATCH' });
    }
    return { ...file, mime: info.mime ?? file.contentType };
  }
}

async function metaMediaInfo(lookup: string, headers: Record<string, string>, config: MediaFetchConfig) {
  let file: DownloadedFile;
  try {
    // The JSON is small: the same streaming code with a 64 KB cap.
    file = await downloadToFile(lookup, { provider: 'meta', headers, maxBytes: 64 * 1024, timeoutMs: config.timeoutMs, signal: config.signal, maxRedirects: 0 });
  } catch (error) {
    if (error instanceof HttpStatusError) throw parseMetaError(error.status, error.headers, error.body);
    if (error instanceof MediaTooLargeError) throw new ProviderError('Meta answered the media lookup with more than 64 KB', { provider: 'meta', code: 'BAD_MEDIA_INFO' });
    throw error;
  }
  const text = await readFile(file.filepath, 'utf8').finally(() => removeDownload(file));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const field = (name: string): unknown => (typeof body === 'object' && body !== null ? Reflect.get(body, name) : undefined);
  const url = field('url');
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    throw new ProviderError(`Meta's media lookup has no download url: ${text.slice(0, 200)}`, { provider: 'meta', code: 'BAD_MEDIA_INFO', status: 502 });
  }
  const size = Number(field('file_size'));
  const mime = field('mime_type');
  const sha256 = field('sha256');
  return {
    url,
    mime: typeof mime === 'string' && mime !== '' ? mime : undefined,
    sha256: typeof sha256 === 'string' && sha256 !== '' ? sha256 : undefined,
    fileSize: Number.isFinite(size) && size > 0 ? size : undefined,
  };
}

export async function fetchTwilioMedia(url: string, config: MediaFetchConfig): Promise<FetchedMedia> {
  const { accountSid, authToken } = config.twilio;
  const apiBase = config.twilio.apiBaseUrl || TWILIO_API_BASE_URL;
  if (!isTwilioMediaUrl(url, apiBase)) throw new MediaRefusedError(`Not a Twilio media URL on ${new URL(apiBase).host}: refused`);
  if (!accountSid || !authToken) throw new MediaRefusedError('TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN are not set');
  const headers = { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` };
  try {
    const file = await downloadToFile(url, { provider: 'twilio', headers, maxBytes: config.maxBytes, timeoutMs: config.downloadTimeoutMs, signal: config.signal });
    return { ...file, mime: file.contentType };
  } catch (error) {
    throw error instanceof HttpStatusError ? parseTwilioError(error.status, error.headers, error.body) : error;
  }
}

/** Transient (try again), or not: a refused URL, a file too large and permanent provider codes are final. */
export function classifyMediaError(provider: string, error: unknown): ErrorClass {
  if (error instanceof MediaRefusedError || error instanceof MediaTooLargeError) return { kind: 'permanent' };
  return provider === 'meta' ? classifyMetaError(error) : classifyTwilioError(error);
}
