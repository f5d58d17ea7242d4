/**
 * Which fallback channel carries a message WhatsApp could not: the template's (`sms` or
 * `email`), when it is configured on this server and can reach the person (email needs an
 * address). The same answer for a failure the send reported and for one a status webhook
 * reported later (services/dispatcher.ts, services/reported-failures.ts).
 */
import type { Channel, FallbackMessage } from '../types';

export type FallbackChannelName = Channel['name'];

/** The channel to use, or null: the template names none, it is not configured, or it cannot reach them. */
export function fallbackRoute(
  channelOf: (name: FallbackChannelName) => Channel | null,
  templateChannel: string | null | undefined,
  letter: FallbackMessage
): Channel | null {
  if (templateChannel !== 'sms' && templateChannel !== 'email') return null;
  const via = channelOf(templateChannel);
  return via && via.canReach(letter) ? via : null;
}
