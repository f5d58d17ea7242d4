/**
 * The sandbox: sends nothing, answers like a real provider, and fails on demand (the plugin's
 * `sandboxFailure` setting) so the retry / fallback / opt-out paths can be tried without Twilio
 * or Meta. No settings of its own, no webhooks, no media.
 */
import { describeWith } from '../classify';
import type { ErrorClass, ProviderModule, WhatsAppProvider } from '../types';
import { createSandboxProvider } from './client';

export interface SandboxFailureSetting {
  code: string;
  kind: string;
  message?: string;
  retryAfterSeconds?: number;
}

const classifier = createSandboxProvider({});

export const sandboxProvider: ProviderModule<Record<string, never>> = {
  name: 'sandbox',
  settings: () => ({}),
  configured: () => true,
  create: () => createSandboxProvider({}),
  errors: Object.freeze({}),
  classify: (error) => classifier.classify(error),
  describe: (error) => describeWith({}, 'sandbox', error),
  canFallBack: (code) => classifier.canFallBack(code),
};

/** A sandbox client that fails every send with `failure`, when one is set. */
export function sandboxFor(failure: SandboxFailureSetting | null | undefined): WhatsAppProvider {
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

export default sandboxProvider;
