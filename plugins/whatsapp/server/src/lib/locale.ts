/**
 * Locales and time zones as Intl reads them. Validated when they are saved (a contact, the
 * settings); read with a fallback when they are used, so a value stored before it was checked
 * (or written straight into the database) never stops a message: Intl throws RangeError on a
 * locale or time zone it does not know, and that must not reach a send.
 */

/** The locale and time zone used when nothing valid is given (the plugin's home market). */
export const FALLBACK_LOCALE = 'es-MX';
export const FALLBACK_TIME_ZONE = 'America/Mexico_City';

const known = new Map<string, boolean>();
const MAX_KNOWN = 500;

const remember = (key: string, valid: boolean) => {
  if (known.size >= MAX_KNOWN) known.clear();
  known.set(key, valid);
  return valid;
};

/** A well-formed BCP 47 language tag (`es-MX`, `en`, `pt-BR`), by Intl.getCanonicalLocales. */
export function isValidLocale(value: unknown): value is string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100) return false;
  const key = `l|${value}`;
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  try {
    return remember(key, Intl.getCanonicalLocales(value).length === 1);
  } catch {
    return remember(key, false);
  }
}

/** An IANA time zone Intl knows (`America/Mexico_City`, `UTC`). */
export function isValidTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100) return false;
  const key = `t|${value}`;
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return remember(key, true);
  } catch {
    return remember(key, false);
  }
}

/** The first valid locale among `candidates`, else es-MX. */
export const localeOr = (...candidates: unknown[]): string => candidates.find(isValidLocale) ?? FALLBACK_LOCALE;

/** The first valid time zone among `candidates`, else America/Mexico_City. */
export const timeZoneOr = (...candidates: unknown[]): string => candidates.find(isValidTimeZone) ?? FALLBACK_TIME_ZONE;

/**
 * How dates and numbers are written for a contact: their locale and time zone when valid. A value
 * stored before it was checked (or written straight into the database) is left out, so the
 * template's defaults apply (es-MX, America/Mexico_City) as for a contact without one.
 */
export const formatOptionsFor = (contact: Record<string, unknown> | null | undefined): { locale?: string; timeZone?: string } => ({
  locale: isValidLocale(contact?.locale) ? contact.locale : undefined,
  timeZone: isValidTimeZone(contact?.timeZone) ? contact.timeZone : undefined,
});

/** Node's Intl lists its currencies (ES2022); the plugin compiles against an older lib. */
const supportedCurrencies = (): string[] => (Intl as unknown as { supportedValuesOf(key: 'currency'): string[] }).supportedValuesOf('currency');
let currencies: Set<string> | null = null;

/** An ISO 4217 code (`MXN`, `COP`, `ARS`) Intl formats money in: what the PDF documents print with. */
export function isKnownCurrency(value: unknown): value is string {
  if (typeof value !== 'string' || !/^[A-Z]{3}$/.test(value)) return false;
  currencies ??= new Set(supportedCurrencies());
  return currencies.has(value);
}
