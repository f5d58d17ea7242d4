/**
 * A sending number's health as its provider reports it: whether the credentials are accepted,
 * the number's quality rating and its messaging limit tier. One authenticated read per provider
 * (Meta: the phone number object; Twilio: the Senders API), with a short deadline, never throwing.
 *
 * The provider's words are kept as they come (`GREEN`, `HIGH`, `TIER_1K`, `10K Customers/24hr`):
 * a value we have not seen before is stored, not refused.
 */
export type SenderCheckStatus = 'ok' | 'credentials-refused' | 'unreachable' | 'not-found';

export interface SenderHealthReading {
  status: SenderCheckStatus;
  /** The number's quality rating in the provider's words, or null when it did not say. */
  qualityRating: string | null;
  /** The messaging limit tier in the provider's words, or null when it did not say. */
  messagingTier: string | null;
  /** The provider's own state of the number (Twilio `ONLINE`/`OFFLINE`, Meta `CONNECTED`…), when it says. */
  providerStatus: string | null;
  /** What the provider answered, in plain words for staff (never a secret). */
  detail: string;
}

/** A check waits at most this long: it runs while an administrator waits for the answer. */
export const HEALTH_TIMEOUT_MS = 5000;

/** The answer of one GET, or why there was none (timeout, connection refused). */
export type HealthFetch = { ok: true; status: number; text: string; headers: Headers } | { ok: false; reason: string };

/** One GET with a deadline. Network failures and timeouts become a reason in words. */
export async function healthGet(url: string, headers: Record<string, string>, timeoutMs: number): Promise<HealthFetch> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    return { ok: true, status: response.status, text: await response.text(), headers: response.headers };
  } catch (error) {
    const name = (error as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, reason: `did not answer within ${timeoutMs} ms` };
    return { ok: false, reason: `could not be reached (${(error as { cause?: Error })?.cause?.message ?? (error as Error)?.message ?? error})` };
  }
}

/** A JSON object from a body, or null. */
export const jsonObject = (text: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

/** A provider's string field, as-is (trimmed), or null. Numbers are kept as text. */
export const field = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : null;

/** A secret never goes back to staff, even if a provider echoes it in an error message. */
export const withoutSecrets = (text: string, secrets: Array<string | undefined | null>) =>
  secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4).reduce((out, secret) => out.split(secret).join('[hidden]'), text);

/** The sandbox: always healthy, nothing leaves this machine. */
export const SANDBOX_HEALTH: SenderHealthReading = {
  status: 'ok',
  qualityRating: 'GREEN',
  messagingTier: 'TIER_UNLIMITED',
  providerStatus: null,
  detail: 'The sandbox answers: nothing leaves this machine',
};
