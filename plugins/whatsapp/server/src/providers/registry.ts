/**
 * Provider name → its folder's implementation, and the fallback channels. The only place that
 * knows which providers exist: adding one is a folder plus an entry in PROVIDERS.
 *
 * Clients are built from each provider's settings and kept for the life of the process, so their
 * keep-alive connections are reused. In sandbox mode every sender goes through the sandbox.
 */
import type { Core } from '@strapi/strapi';
import { createEmailChannel } from './channels/email';
import { createSmsChannel } from './channels/sms';
import { metaProvider } from './meta';
import { sandboxFor, sandboxProvider, type SandboxFailureSetting } from './sandbox';
import { createSandboxProvider } from './sandbox/client';
import { commonSettings } from './settings';
import { readConfig } from '../config';
import { createTwilioSmsClient, twilioProvider } from './twilio';
import type { Channel, ProviderModule, WhatsAppProvider } from './types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyProvider = ProviderModule<any>;

export const PROVIDERS = {
  meta: metaProvider,
  twilio: twilioProvider,
  sandbox: sandboxProvider,
} as const satisfies Record<string, AnyProvider>;

export type RegisteredProvider = keyof typeof PROVIDERS;

/** The provider's module by name (`meta`, `twilio`, `sandbox`), or undefined. */
export function providerModule(name: string): AnyProvider | undefined {
  return Object.prototype.hasOwnProperty.call(PROVIDERS, name) ? PROVIDERS[name as RegisteredProvider] : undefined;
}

/** What the registry needs of the plugin's settings (services/settings.ts). */
export interface RegistrySettings {
  sandbox: boolean;
  sandboxFailure?: SandboxFailureSetting | null;
}

export type ChannelName = Channel['name'];

export function createRegistry({ strapi }: { strapi: Core.Strapi }) {
  const cache = new Map<string, WhatsAppProvider>();
  const memo = (key: string, build: () => WhatsAppProvider) => {
    let client = cache.get(key);
    if (!client) {
      client = build();
      cache.set(key, client);
    }
    return client;
  };

  const client = (name: string): WhatsAppProvider => {
    const module = providerModule(name);
    if (!module) throw new Error(`Unknown provider ${name}`);
    return memo(name, () => module.create(module.settings(), commonSettings()));
  };

  const smsClient = (settings: RegistrySettings): WhatsAppProvider | null => {
    if (settings.sandbox) return createSandboxProvider({});
    const twilio = twilioProvider.settings();
    if (!twilio.accountSid || !twilio.smsFrom) return null;
    return memo('twilio:sms', () => createTwilioSmsClient(twilio, commonSettings()));
  };

  return {
    /** The provider's module by name. */
    module: providerModule,

    /** The client that carries a message from this sender, given the current settings. */
    forSender(sender: { provider: string }, settings: RegistrySettings): WhatsAppProvider {
      // The sandbox fails on purpose only when code or tests ask (config, never the settings API).
      if (settings.sandbox || sender.provider === 'sandbox') return sandboxFor(settings.sandboxFailure ?? readConfig().sandboxFailure);
      return client(sender.provider);
    },

    /** A fallback channel, or null when it is not configured. */
    channel(name: ChannelName, settings: RegistrySettings): Channel | null {
      if (name === 'sms') {
        const sms = smsClient(settings);
        return sms ? createSmsChannel({ client: sms, from: twilioProvider.settings().smsFrom }) : null;
      }
      return createEmailChannel({
        sandbox: settings.sandbox,
        send: (mail) => strapi.plugin('email').service('email').send(mail),
      });
    },

    /** Closes idle keep-alive sockets (shutdown). */
    close() {
      for (const provider of cache.values()) (provider as { close?: () => void }).close?.();
      cache.clear();
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
