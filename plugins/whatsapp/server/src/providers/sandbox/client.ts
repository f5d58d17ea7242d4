/**
 * A provider that sends nothing: development, demos and tests. Answers like a real provider
 * (same validation, an id per message) and can be told to fail with any error class, so the
 * retry / fallback / opt-out paths can be exercised without Twilio or Meta. In live mode the
 * sandbox sender refuses instead (createLiveRefusal): nothing is `sent` that no provider took.
 */
import { randomUUID } from 'node:crypto';
import { ProviderError } from '../errors';
import { assertSendable, e164Digits } from '../outbound';
import { isBusinessScopedUserId } from '../../lib/bsuid';
import type { ErrorClass, OutboundMessage, SendResult, WhatsAppProvider } from '../types';
import { metaCanFallBack } from '../meta/errors';
import { twilioCanFallBack } from '../twilio/errors';

export interface SandboxFailure {
  code: string;
  kind: ErrorClass['kind'];
  message: string;
  /** For `rate-limited`. */
  retryAfterSeconds?: number;
}

export interface SandboxProviderOptions {
  /** Called for every send; return a failure to make that send fail. */
  failWith?: (message: OutboundMessage) => SandboxFailure | undefined;
}

const NAME = 'sandbox';

/** A sandbox failure remembers the class it was asked to have. */
export class SandboxError extends ProviderError {
  readonly kind: ErrorClass['kind'];

  constructor(failure: SandboxFailure) {
    super(failure.message, { provider: NAME, code: failure.code, retryAfterSeconds: failure.retryAfterSeconds });
    this.name = 'SandboxError';
    this.kind = failure.kind;
  }
}

export function createSandboxProvider(options: SandboxProviderOptions = {}): WhatsAppProvider {
  return {
    name: NAME,
    async send(message: OutboundMessage): Promise<SendResult> {
      assertSendable(NAME, message);
      // A customer's business-scoped user id is a recipient too (Meta `recipient`).
      if (!isBusinessScopedUserId(message.to)) e164Digits(NAME, message.to, 'to');
      const failure = options.failWith?.(message);
      if (failure) throw new SandboxError(failure);
      return { providerMessageId: `sandbox-${randomUUID()}` };
    },
    classify(error: unknown): ErrorClass {
      if (error instanceof SandboxError) {
        if (error.kind === 'rate-limited' && error.retryAfterSeconds !== undefined) {
          return { kind: 'rate-limited', retryAfterSeconds: error.retryAfterSeconds };
        }
        return { kind: error.kind };
      }
      // Validation errors (INVALID_MESSAGE) and anything unexpected: retrying will not help.
      return { kind: 'permanent' };
    },
    // The sandbox stands in for both real providers: their fallback codes apply.
    canFallBack: (code) => metaCanFallBack(code) || twilioCanFallBack(code),
  };
}

/** The code a message gets when live mode has no provider for it (see createLiveRefusal). */
export const NO_PROVIDER = 'no-provider';

/**
 * What the sandbox sender is in live mode: not a provider. It sends nothing and says so, so a
 * message no provider accepted is never marked `sent`: the send fails at once (permanent, no
 * fallback) with the code `no-provider` and what to do, and staff retry it once a provider is
 * configured or sandbox mode is on again.
 */
export function createLiveRefusal(): WhatsAppProvider {
  return {
    name: NAME,
    async send(): Promise<SendResult> {
      throw new ProviderError(
        'Live mode, but this message has no provider: its sender is the sandbox, which sends nothing. Configure Twilio or Meta (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_FROM or META_ACCESS_TOKEN, META_PHONE_NUMBER_ID) or switch sandbox mode on, then retry the message',
        { provider: NAME, code: NO_PROVIDER }
      );
    },
    classify: () => ({ kind: 'permanent' }),
    canFallBack: () => false,
  };
}
