/**
 * Checks every provider makes before spending a request: the message has something to send and
 * the recipient looks like E.164. Failures are ProviderErrors without an HTTP status and with
 * code `INVALID_MESSAGE`, which classify as permanent: retrying the same message cannot help.
 */
import { ProviderError } from './errors';
import type { OutboundMessage } from './types';

export const INVALID_MESSAGE = 'INVALID_MESSAGE';

/** E.164 without the `+`: 7 to 15 digits, not starting with 0. */
const E164 = /^\+?([1-9]\d{6,14})$/;

export function invalidMessage(provider: string, reason: string): ProviderError {
  return new ProviderError(reason, { provider, code: INVALID_MESSAGE });
}

/** The E.164 digits of `number` (`+525512345678` or `whatsapp:+52…`). */
export function e164Digits(provider: string, number: string, field: 'to' | 'from'): string {
  const match = E164.exec(String(number ?? '').replace(/^whatsapp:/i, '').trim());
  if (!match) throw invalidMessage(provider, `"${field}" must be an E.164 number such as +525512345678, got ${JSON.stringify(number)}`);
  return match[1];
}

/** Throws unless the message has a body, a template or media. */
export function assertSendable(provider: string, message: OutboundMessage): void {
  const hasTemplate = Boolean(message.template?.meta || message.template?.twilio);
  const hasBody = typeof message.body === 'string' && message.body.trim() !== '';
  if (!hasTemplate && !hasBody && !message.media) {
    throw invalidMessage(provider, `Message ${message.id} has no text, template or media to send`);
  }
}
