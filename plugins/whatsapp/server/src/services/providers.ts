import type { Core } from '@strapi/strapi';
import { createMetaProvider } from '../providers/meta';
import { createSandboxProvider } from '../providers/sandbox';
import { createTwilioProvider } from '../providers/twilio';
import type { ErrorClass, WhatsAppProvider } from '../providers/types';
import { publicUrl } from '../utils/webhook-request';
import type { Settings } from './settings';
import type { Sender } from './senders';

/** How long a provider request may take before it counts as a (transient) timeout. */
const timeoutMs = () => Number(process.env.WHATSAPP_PROVIDER_TIMEOUT_MS) || 15_000;


/**
 * Provider instances, built from the environment (secrets never live in the database) and kept
 * for the life of the process so their keep-alive connections are reused. In sandbox mode every
 * sender goes through the sandbox provider.
 */
const createProvidersService = ({ strapi: _strapi }: { strapi: Core.Strapi }) => {
  const cache = new Map<string, WhatsAppProvider>();
  const memo = (key: string, build: () => WhatsAppProvider) => {
    let provider = cache.get(key);
    if (!provider) {
      provider = build();
      cache.set(key, provider);
    }
    return provider;
  };

  const twilio = (channel: 'whatsapp' | 'sms') =>
    memo(`twilio:${channel}`, () =>
      createTwilioProvider({
        accountSid: process.env.TWILIO_ACCOUNT_SID || '',
        authToken: process.env.TWILIO_AUTH_TOKEN || '',
        apiBaseUrl: process.env.TWILIO_API_BASE_URL || undefined,
        statusCallbackBaseUrl: publicUrl(),
        timeoutMs: timeoutMs(),
        channel,
      })
    );

  const meta = () =>
    memo('meta', () =>
      createMetaProvider({
        accessToken: process.env.META_ACCESS_TOKEN || '',
        phoneNumberId: process.env.META_PHONE_NUMBER_ID || '',
        graphBaseUrl: process.env.META_GRAPH_BASE_URL || undefined,
        graphVersion: process.env.META_GRAPH_VERSION || undefined,
        timeoutMs: timeoutMs(),
      })
    );

  return {
    /** The provider that carries a message from this sender, given the current settings. */
    forSender(sender: Pick<Sender, 'provider'>, settings: Settings): WhatsAppProvider {
      if (settings.sandbox || sender.provider === 'sandbox') {
        const failure = settings.sandboxFailure;
        return createSandboxProvider({
          failWith: failure
            ? () => ({
                code: failure.code,
                kind: failure.kind as ErrorClass['kind'],
                message: failure.message ?? `Sandbox failure ${failure.code}`,
                retryAfterSeconds: failure.retryAfterSeconds,
              })
            : undefined,
        });
      }
      if (sender.provider === 'twilio') return twilio('whatsapp');
      if (sender.provider === 'meta') return meta();
      throw new Error(`Unknown provider ${sender.provider}`);
    },

    /** Twilio SMS, the fallback channel, when configured. */
    sms(settings: Settings): WhatsAppProvider | null {
      if (settings.sandbox) return createSandboxProvider({});
      if (!process.env.TWILIO_ACCOUNT_SID || !process.env.TWILIO_SMS_FROM) return null;
      return twilio('sms');
    },

    /** Closes idle keep-alive sockets (shutdown). */
    close() {
      for (const provider of cache.values()) (provider as { close?: () => void }).close?.();
      cache.clear();
    },
  };
};

export type ProvidersService = ReturnType<typeof createProvidersService>;
export default createProvidersService;
