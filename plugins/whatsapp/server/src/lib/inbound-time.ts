/** Meta retries an unacknowledged webhook for up to 7 days. */
export const PROVIDER_RETRY_HORIZON_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * When the customer wrote, for the 24-hour window: the provider's time, but never in the future
 * (clock skew) and never older than the provider's retry horizon. A time older than that cannot
 * come from a genuine delivery, so the sender's clock is wrong; our receipt time is then the
 * best evidence of when they wrote.
 */
export function inboundTime(providerAt: string | null, receivedAt: Date): Date {
  const at = providerAt ? new Date(providerAt) : null;
  if (!at || Number.isNaN(at.getTime())) return receivedAt;
  if (at.getTime() > receivedAt.getTime()) return receivedAt;
  if (at.getTime() < receivedAt.getTime() - PROVIDER_RETRY_HORIZON_MS) return receivedAt;
  return at;
}
