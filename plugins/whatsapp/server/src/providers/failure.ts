/**
 * What a failed WhatsApp send means for the message, decided the same way whatever way the
 * failure arrives: the provider's answer to the send (the dispatcher) or a status webhook later
 * (Meta `failed` with `errors[]`, Twilio `failed` / `undelivered` with `ErrorCode`; the webhooks
 * service). Pure: the callers move the rows through queue/.
 *
 * - retry: transient and rate-limited codes while attempts are left, after the provider's
 *   Retry-After or the code's minimum wait (Meta 131048, Twilio 63018: a day) when there is one,
 *   else the configured backoff for that attempt;
 * - fallback: a permanent code the table marks `fallback` (not on WhatsApp) or one outside the
 *   24-hour window, when the template names SMS or email (the caller checks the channel);
 * - fail: everything else, and opted-out (the caller revokes marketing consent).
 *
 * And `explainFailure`: a stored failure explained to staff in English and Spanish, from the
 * providers' tables (explain.ts) and the few codes the plugin writes itself.
 */
import { NETWORK_ERROR_CODES } from './errors';
import { explainError, type ExplainProvider } from './explain';
import type { ErrorClass } from './types';
import type { ErrorKind } from './classify';

/** What classify answers: the class, and a least wait (Retry-After, or the code's `waitSeconds`). */
export type Verdict = ErrorClass & { retryAfterSeconds?: number };

/** The attempt's outcome as the attempt log records it. */
export type FailureOutcome = 'retry' | 'failed' | 'opted-out' | 'outside-window';

export type FailurePlan =
  | { action: 'retry'; outcome: 'retry'; delaySeconds: number }
  | { action: 'fallback' | 'fail'; outcome: Exclude<FailureOutcome, 'retry'>; revokeConsent: boolean };

export interface FailureInput {
  verdict: Verdict;
  /** Attempts made so far, this one included (the claim counts them). */
  attempts: number;
  maxAttempts: number;
  /** Seconds before the 1st, 2nd, 3rd… retry. */
  retryDelays: readonly number[];
  /** Whether the provider's table lets SMS / email carry a message that failed with this code. */
  canFallBack: boolean;
  /** Retry-After of the provider's answer, when it gave one (not always in the verdict). */
  retryAfterSeconds?: number;
}

const DEFAULT_DELAY_SECONDS = 60;

export function planFailure(input: FailureInput): FailurePlan {
  const { verdict, attempts } = input;
  if ((verdict.kind === 'transient' || verdict.kind === 'rate-limited') && attempts < input.maxAttempts) {
    // The verdict's wait holds for any kind ("wait a day" codes are never retried within minutes).
    const delays = input.retryDelays;
    const backoff = delays[Math.max(0, Math.min(attempts - 1, delays.length - 1))];
    const delaySeconds = verdict.retryAfterSeconds ?? input.retryAfterSeconds ?? backoff ?? DEFAULT_DELAY_SECONDS;
    return { action: 'retry', outcome: 'retry', delaySeconds };
  }
  const outcome = verdict.kind === 'opted-out' ? 'opted-out' : verdict.kind === 'outside-window' ? 'outside-window' : 'failed';
  const fallback = verdict.kind === 'outside-window' || (verdict.kind === 'permanent' && input.canFallBack);
  return { action: fallback ? 'fallback' : 'fail', outcome, revokeConsent: verdict.kind === 'opted-out' };
}

/** A failure stored on a message, explained to staff (the message API's `failure`). */
export interface FailureExplanation {
  code: string;
  /** The class the dispatcher gave it; null for a code no table knows. */
  class: ErrorKind | null;
  /** Whether SMS / email may carry a message that failed this way. */
  fallback: boolean;
  /** The least wait before trying again, for codes that mean "wait" (seconds). */
  waitSeconds: number | null;
  reason: string;
  remedy: string | null;
  es: { reason: string; remedy: string | null };
}

type OwnRow = { kind: ErrorKind; en: [string, string]; es: [string, string] };

/** Codes the plugin writes itself (not a provider's). */
const OWN: Readonly<Record<string, OwnRow>> = Object.freeze({
  'no-provider': {
    kind: 'permanent',
    en: [
      'Live mode, but no provider carries this sender: the sandbox sends nothing, so the message was not sent',
      'Configure Twilio or Meta (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_FROM or META_ACCESS_TOKEN, META_PHONE_NUMBER_ID) or switch sandbox mode on, then retry the message',
    ],
    es: [
      'Modo real, pero ningún proveedor atiende a este remitente: el sandbox no envía nada, así que el mensaje no se envió',
      'Configura Twilio o Meta (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_FROM o META_ACCESS_TOKEN, META_PHONE_NUMBER_ID) o activa el modo sandbox, y vuelve a intentar el mensaje',
    ],
  },
  'in-doubt': {
    kind: 'permanent',
    en: ['The worker stopped while sending; the provider never confirmed', 'Check with the customer whether it arrived, then retry if needed'],
    es: ['El proceso se detuvo mientras enviaba; el proveedor nunca confirmó', 'Comprueba con el cliente si le llegó y reintenta si hace falta'],
  },
  timeout: {
    kind: 'transient',
    en: ['The provider did not answer in time', 'Nothing: retried automatically'],
    es: ['El proveedor no respondió a tiempo', 'Nada: se reintenta solo'],
  },
});
const NETWORK: OwnRow = {
  kind: 'transient',
  en: ['The provider could not be reached (network error)', 'Nothing: retried automatically; check the server can reach the provider if it repeats'],
  es: ['No se pudo contactar al proveedor (error de red)', 'Nada: se reintenta solo; si se repite, comprueba que el servidor llega al proveedor'],
};

const TABLE_PROVIDERS: readonly ExplainProvider[] = ['meta', 'twilio'];
const isTableProvider = (name: string | null | undefined): name is ExplainProvider => name === 'meta' || name === 'twilio' || name === 'twilio-sms';

/**
 * `code` as recorded on a message by `provider` (the message's provider: after an SMS fallback
 * it is `twilio-sms` while the code is still Meta's), with the provider's own text when no table
 * knows the code. Null when the message has no failure code.
 */
export function explainFailure(provider: string | null | undefined, code: string | null | undefined, text?: string | null): FailureExplanation | null {
  if (code === null || code === undefined || code === '') return null;
  const tables = [...(isTableProvider(provider) ? [provider] : []), ...TABLE_PROVIDERS.filter((p) => p !== provider)];
  for (const table of tables) {
    const en = explainError(table, code, 'en');
    const es = en && explainError(table, code, 'es');
    if (en && es) {
      return { code: en.code, class: en.kind, fallback: en.fallback, waitSeconds: en.waitSeconds ?? null, reason: en.reason, remedy: en.remedy, es: { reason: es.reason, remedy: es.remedy } };
    }
  }
  const own = Object.prototype.hasOwnProperty.call(OWN, code)
    ? OWN[code]
    : /TIMEOUT|TIMEDOUT/i.test(code)
      ? OWN.timeout
      : NETWORK_ERROR_CODES.has(code)
        ? NETWORK
        : undefined;
  if (own) {
    return { code, class: own.kind, fallback: false, waitSeconds: null, reason: own.en[0], remedy: own.en[1], es: { reason: own.es[0], remedy: own.es[1] } };
  }
  const said = text?.trim() || `Error ${code}`;
  return { code, class: null, fallback: false, waitSeconds: null, reason: said, remedy: null, es: { reason: said, remedy: null } };
}
