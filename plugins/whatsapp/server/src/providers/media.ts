/**
 * What fetching a customer's media needs, whatever the provider. Each provider fetches in its
 * own terms (meta/media.ts, twilio/media.ts):
 *
 * - Meta: `GET {graph}/{version}/{media-id}` (Bearer token) → `{ url, mime_type, sha256,
 *   file_size }`, then `GET url` with the same token. The URL lives about five minutes, so a
 *   401/403/404 on it means "ask for a fresh one", once.
 * - Twilio: `GET MediaUrl0` with the account's basic auth → 307 to a CDN URL that needs none.
 *   Only URLs on the configured Twilio API origin are fetched.
 *
 * Failures come out as ProviderErrors parsed from the provider's error body, so
 * classify.ts decides what is worth another try, as it does for sends.
 */
import { MediaTooLargeError, type DownloadedFile } from './media-download';
import type { ErrorClass } from './types';

/** Limits of one download, the same for every provider. Credentials come from the provider's settings. */
export interface MediaFetchOptions {
  maxBytes: number;
  /** For an API call such as Meta's media lookup (WHATSAPP_PROVIDER_TIMEOUT_MS). */
  timeoutMs: number;
  /** For the bytes: a 25 MB file on a slow link takes longer than an API call. */
  downloadTimeoutMs: number;
  signal?: AbortSignal;
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

/** Transient (try again), or not: a refused URL, a file too large and permanent provider codes are final. */
export function classifyMediaError(classify: (error: unknown) => ErrorClass, error: unknown): ErrorClass {
  if (error instanceof MediaRefusedError || error instanceof MediaTooLargeError) return { kind: 'permanent' };
  return classify(error);
}
