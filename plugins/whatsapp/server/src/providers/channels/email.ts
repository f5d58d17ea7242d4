/**
 * The email fallback channel: the message's text to the contact's email address, through
 * Strapi's email plugin (its provider and `defaultFrom` are the app's config/plugins.ts). The
 * subject is the first line. In sandbox mode nothing is sent.
 */
import crypto from 'node:crypto';
import type { Channel, ChannelResult, FallbackMessage } from '../types';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface EmailChannelOptions {
  /** strapi.plugin('email').service('email').send */
  send: (mail: Mail) => Promise<unknown>;
  sandbox: boolean;
}

/** Subjects longer than 78 characters get folded or cut by mail clients. */
export const emailSubject = (text: string): string => text.split('\n')[0].slice(0, 78) || 'Mensaje';

export function createEmailChannel(options: EmailChannelOptions): Channel {
  return {
    name: 'email',
    canReach: (message) => Boolean(message.email),
    async send(message: FallbackMessage): Promise<ChannelResult> {
      if (options.sandbox) return { provider: 'sandbox', providerMessageId: `sandbox-email-${crypto.randomBytes(6).toString('hex')}` };
      await options.send({ to: String(message.email), subject: emailSubject(message.text), text: message.text });
      return { provider: 'email', providerMessageId: `email-${message.id}-${Date.now()}` };
    },
  };
}
