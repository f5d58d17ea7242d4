/**
 * Our media-library files uploaded to Meta: `POST {graph}/{version}/{phone-number-id}/media`,
 * multipart/form-data with `messaging_product=whatsapp`, `type=<mime>` and `file` → `{ "id" }`.
 * A message then names the file by that id instead of a link Meta has to fetch, so media sends
 * do not depend on PUBLIC_URL being reachable from Meta or on a signed link's expiry.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media
 *
 * Failures are parsed with parseMetaError, like a send's: a 4xx Graph error keeps its code
 * (131053 "Media upload error" is in the table), a 429 / 5xx / timeout / reset is retried.
 */
import { createHash } from 'node:crypto';
import { ProviderError, timeoutError, toProviderError } from '../errors';
import { parseMetaError } from './errors';

/**
 * Meta keeps an uploaded file 30 days; an id is reused for one day less, so a message queued or
 * retried near the end of that window never names a file Meta has already deleted.
 */
export const MEDIA_ID_TTL_MS = 29 * 24 * 60 * 60 * 1000;

/**
 * Entries are tiny (a hash and an id), but a shop sending a different invoice to each customer
 * would add one per message for 29 days: bounded, oldest first out. Forgetting an id costs one
 * more upload, nothing else. In memory (per process) on purpose: a restart re-uploads each file
 * once, which is cheaper than a table and its cleanup.
 */
export const MEDIA_CACHE_MAX_ENTRIES = 500;

export interface MetaMediaUploaderOptions {
  /** `{graph}/{version}/{phone-number-id}/media`, built by client.ts from the same settings as sends. */
  url: string;
  accessToken: string;
  timeoutMs: number;
  provider?: string;
  ttlMs?: number;
  maxEntries?: number;
  /** Clock, for tests of the expiry. */
  now?: () => number;
}

export interface MetaMediaUploader {
  /** The Meta media id for these bytes: uploaded now, or the id of the same bytes uploaded before. */
  upload(bytes: Buffer, mime: string, filename?: string): Promise<string>;
  /** How many files are cached (tests). */
  readonly size: number;
}

interface Entry {
  /** Pending while the upload runs, so concurrent sends of one file share it. */
  id: Promise<string>;
  expires: number;
}

export function createMetaMediaUploader(options: MetaMediaUploaderOptions): MetaMediaUploader {
  const provider = options.provider ?? 'meta';
  const ttlMs = options.ttlMs ?? MEDIA_ID_TTL_MS;
  const maxEntries = options.maxEntries ?? MEDIA_CACHE_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();

  async function post(bytes: Buffer, mime: string, filename: string | undefined): Promise<string> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', mime);
    form.append('file', new Blob([bytes], { type: mime }), filename || 'file');
    // One deadline for the whole exchange, answer body included (a hung upload must not hold a send).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    timer.unref();
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.accessToken}`, accept: 'application/json' },
        body: form,
        signal: controller.signal,
      });
      const text = await response.text();
      if (response.status < 200 || response.status >= 300) throw parseMetaError(response.status, response.headers, text, provider);
      const id = mediaId(text);
      if (id === undefined) {
        throw new ProviderError('Meta accepted the media upload but returned no media id', {
          provider,
          status: response.status,
          code: 'NO_MEDIA_ID',
          details: text.slice(0, 200),
        });
      }
      return id;
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      throw timedOut ? timeoutError(provider, options.timeoutMs, error) : toProviderError(provider, error);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    upload(bytes, mime, filename) {
      // The bytes and the type, not the file name or the media-library id: a file replaced in the
      // library under the same name is uploaded again, the same file under two names is not.
      const key = `${createHash('sha256').update(bytes).digest('hex')}:${mime}`;
      const at = now();
      const cached = cache.get(key);
      if (cached && cached.expires > at) return cached.id;
      if (cached) cache.delete(key);

      const id = post(bytes, mime, filename);
      cache.set(key, { id, expires: at + ttlMs });
      // A failed upload is not remembered: the next send (the dispatcher's retry) tries again.
      id.catch(() => {
        if (cache.get(key)?.id === id) cache.delete(key);
      });
      while (cache.size > maxEntries) {
        const oldest = cache.keys().next().value;
        if (oldest === undefined) break;
        cache.delete(oldest);
      }
      return id;
    },
    get size() {
      return cache.size;
    },
  };
}

/** `{"id":"1037543291543636"}` → the id. */
function mediaId(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    const id: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, 'id') : undefined;
    if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}
