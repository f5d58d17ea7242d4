/**
 * A customer's media from Twilio: `GET MediaUrl0` with the account's basic auth → 307 to a CDN
 * URL that needs none. Only URLs on the configured Twilio API origin are fetched. Failures are
 * ProviderErrors parsed from Twilio's error body, so errors.ts decides what is worth another try.
 */
import { MediaRefusedError, type FetchedMedia, type MediaFetchOptions } from '../media';
import { downloadToFile, HttpStatusError } from '../media-download';
import { originOf } from '../../lib/inbound-media';
import { parseTwilioError } from './errors';
import { TWILIO_API_BASE_URL } from './request-client';
import type { TwilioSettings } from './settings';

export async function fetchTwilioMedia(url: string, config: MediaFetchOptions, settings: Pick<TwilioSettings, 'accountSid' | 'authToken' | 'apiBaseUrl'>): Promise<FetchedMedia> {
  const { accountSid, authToken } = settings;
  const apiBase = settings.apiBaseUrl || TWILIO_API_BASE_URL;
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

/**
 * A Twilio `MediaUrl0` we may fetch with the account credentials: on the configured Twilio API
 * origin (TWILIO_API_BASE_URL, default https://api.twilio.com) and under `/2010-04-01/Accounts/`.
 * The webhook is signed, but a forged or replayed one must not make us send our credentials to,
 * or fetch from, another host (SSRF).
 */
export function isTwilioMediaUrl(url: string, apiBaseUrl: string): boolean {
  const origin = originOf(url);
  if (!origin || origin !== originOf(apiBaseUrl)) return false;
  const { pathname, username, password } = new URL(url);
  return !username && !password && pathname.startsWith('/2010-04-01/Accounts/') && !pathname.includes('/../');
}
