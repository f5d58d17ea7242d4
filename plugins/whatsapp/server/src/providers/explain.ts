/**
 * A provider's error code explained to shop staff in their language: its class, whether SMS /
 * email may carry the message instead, what happened and what to do, and the least wait before
 * trying again when the code means "wait". Reads the providers' tables directly (no registry,
 * no Strapi): usable from a controller, a service, a script or a test.
 */
import { explainWith, type CodeTable, type ErrorExplanation, type Language } from './classify';
import { META_ERRORS } from './meta/error-codes';
import { TWILIO_ERRORS } from './twilio/error-codes';

export type { ErrorExplanation, Language } from './classify';

/** Providers with an error table. `twilio-sms` is the SMS fallback, sent (and stored) as its own provider. */
export type ExplainProvider = 'meta' | 'twilio' | 'twilio-sms';

const TABLES: Readonly<Record<ExplainProvider, CodeTable>> = Object.freeze({ meta: META_ERRORS, twilio: TWILIO_ERRORS, 'twilio-sms': TWILIO_ERRORS });

/**
 * `explainError('twilio', '63016', 'es')` → `{ code: '63016', kind: 'outside-window', fallback: false,
 * reason: 'Fuera de la ventana de 24 horas: …', remedy: '…' }`; undefined for an unknown provider,
 * an unknown code or no code.
 */
export function explainError(provider: ExplainProvider, code: string | number | undefined, language: Language): ErrorExplanation | undefined {
  const table = Object.prototype.hasOwnProperty.call(TABLES, provider) ? TABLES[provider] : undefined;
  return table ? explainWith(table, code, language) : undefined;
}
