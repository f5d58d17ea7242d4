/**
 * Provider name → its folder's implementation, and the fallback channels. The only place that
 * knows which providers exist: adding one is a folder plus an entry in PROVIDERS.
 *
 * Clients are built from each provider's settings and kept for the life of the process, so their
 * keep-alive connections are reused. In sandbox mode every sender goes through the sandbox; in
 * live mode the sandbox sender refuses (nothing is `sent` that no provider accepted).
 *
 * `probe(name)`: whether a configured provider answers with its credentials (a cheap
 * authenticated read: Twilio's Account, Meta's phone number), before live mode is switched on.
 */
import type { Core } from '@strapi/strapi';
import { createEmailChannel } from './channels/email';
import { createSmsChannel } from './channels/sms';
import { metaProvider } from './meta';
import { sandboxFor, sandboxProvider, type SandboxFailureSetting } from './sandbox';
import { createLiveRefusal, createSandboxProvider } from './sandbox/client';
import { metaSettings, type MetaSettings } from './meta/settings';
import { parseMetaError } from './meta/errors';
import { DEFAULT_GRAPH_BASE_URL } from './meta/client';
import { twilioSettings, type TwilioSettings } from './twilio/settings';
import { parseTwilioError } from './twilio/errors';
import { TWILIO_API_BASE_URL } from './twilio/request-client';
import { commonSettings } from './settings';
import { readConfig } from '../config';
import { redactSecrets } from '../observability/redact';
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

/** Providers that can be probed (the sandbox needs no check). */
export type ProbedProvider = 'twilio' | 'meta';

/** What a probe found: `ok`, or why the provider cannot carry messages now, in words for staff. */
export interface ProbeResult {
  provider: ProbedProvider;
  ok: boolean;
  detail: string;
}

/** A probe waits at most this long (or the provider timeout, if shorter): it runs while an administrator waits. */
const PROBE_TIMEOUT_MS = 5000;

const PROBES: Record<ProbedProvider, () => { label: string; url: string; headers: Record<string, string>; check: (status: number, text: string, headers: Headers) => string | null }> = {
  // GET /2010-04-01/Accounts/{AccountSid}.json: the account the credentials belong to, and whether it is active.
  twilio: () => {
    const s: TwilioSettings = twilioSettings();
    const base = (s.apiBaseUrl || TWILIO_API_BASE_URL).replace(/\/+$/, '');
    return {
      label: 'Twilio',
      url: `${base}/2010-04-01/Accounts/${encodeURIComponent(s.accountSid)}.json`,
      headers: { authorization: `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}`, accept: 'application/json' },
      check: (status, text, headers) => {
        if (status >= 300) return `Twilio refused the credentials (HTTP ${status}: ${parseTwilioError(status, headersOf(headers), text).message}); check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN`;
        const state = jsonField(text, 'status');
        return state && state !== 'active' ? `the Twilio account is ${state}` : null;
      },
    };
  },
  // GET /{version}/{phone-number-id}: the WhatsApp number the token may send from.
  meta: () => {
    const s: MetaSettings = metaSettings();
    const base = (s.graphBaseUrl || DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
    return {
      label: 'Meta',
      url: `${base}/${s.graphVersion || 'v21.0'}/${encodeURIComponent(s.phoneNumberId)}?fields=id,display_phone_number`,
      headers: { authorization: `Bearer ${s.accessToken}`, accept: 'application/json' },
      check: (status, text, headers) =>
        status >= 300
          ? `Meta refused the phone number lookup (HTTP ${status}: ${parseMetaError(status, headersOf(headers), text).message}); check META_ACCESS_TOKEN and META_PHONE_NUMBER_ID`
          : null,
    };
  },
};

const headersOf = (headers: Headers): Record<string, string> => Object.fromEntries(headers.entries());

const jsonField = (text: string, field: string): string | undefined => {
  try {
    const value: unknown = (JSON.parse(text) as Record<string, unknown>)?.[field];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
};

/** One authenticated read against the provider's API base, with a short deadline. Never throws. */
export async function probeProvider(name: ProbedProvider, timeoutMs = Math.min(PROBE_TIMEOUT_MS, readConfig().dispatcher.providerTimeoutMs)): Promise<ProbeResult> {
  const probe = PROBES[name]();
  try {
    const response = await fetch(probe.url, { headers: probe.headers, signal: AbortSignal.timeout(timeoutMs) });
    const problem = probe.check(response.status, await response.text(), response.headers);
    // The provider's error text may quote the credentials the probe sent.
    return { provider: name, ok: problem === null, detail: problem === null ? `${probe.label} answered` : redactSecrets(problem) };
  } catch (error) {
    const reason = (error as Error)?.name === 'TimeoutError' ? `did not answer within ${timeoutMs} ms` : `could not be reached (${(error as { cause?: Error })?.cause?.message ?? (error as Error)?.message ?? error})`;
    return { provider: name, ok: false, detail: redactSecrets(`${probe.label} ${reason}`) };
  }
}

export function createRegistry({ strapi }: { strapi: Core.Strapi }) {
  const cache = new Map<string, WhatsAppProvider>();
  const liveRefusal = createLiveRefusal();
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
      if (settings.sandbox) return sandboxFor(settings.sandboxFailure ?? readConfig().sandboxFailure);
      // Live mode: the sandbox sender is no provider; its messages fail with `no-provider`.
      if (sender.provider === 'sandbox') return liveRefusal;
      return client(sender.provider);
    },

    /** Whether a configured provider answers with its credentials (see probeProvider). */
    probe: (name: ProbedProvider) => probeProvider(name),

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
