/**
 * A customer's media from Meta: `GET {graph}/{version}/{media-id}` (Bearer token) → `{ url,
 * mime_type, sha256, file_size }`, then `GET url` with the same token. The URL lives about five
 * minutes, so a 401/403/404 on it means "ask for a fresh one", once. Failures are ProviderErrors
 * parsed from Meta's error body, so errors.ts decides what is worth another try.
 */
import { readFile } from 'node:fs/promises';
import { ProviderError } from '../errors';
import { MediaRefusedError, type FetchedMedia, type MediaFetchOptions } from '../media';
import { downloadToFile, HttpStatusError, MediaTooLargeError, removeDownload, type DownloadedFile } from '../media-download';
import { DEFAULT_GRAPH_BASE_URL } from './client';
import { parseMetaError } from './errors';
import type { MetaSettings } from './settings';

export async function fetchMetaMedia(mediaId: string, config: MediaFetchOptions, settings: Pick<MetaSettings, 'accessToken' | 'graphBaseUrl' | 'graphVersion'>): Promise<FetchedMedia> {
  const { accessToken } = settings;
  if (!accessToken) throw new MediaRefusedError('META_ACCESS_TOKEN is not set');
  const base = (settings.graphBaseUrl || DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${accessToken}` };
  const lookup = `${base}/${settings.graphVersion || 'v21.0'}/${encodeURIComponent(mediaId)}`;

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

async function metaMediaInfo(lookup: string, headers: Record<string, string>, config: MediaFetchOptions) {
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

/** Meta's `sha256` (hex in the media object, base64 in some webhook payloads) against ours. */
export function sha256Matches(expected: string | undefined, digest: Buffer): boolean {
  if (!expected) return true;
  const value = expected.trim();
  return value.toLowerCase() === digest.toString('hex') || value === digest.toString('base64') || value === digest.toString('base64url');
}
