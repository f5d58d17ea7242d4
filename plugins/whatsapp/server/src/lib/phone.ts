/**
 * Phone numbers as WhatsApp needs them: one canonical E.164 form per person, whatever way the
 * number was typed in the admin, imported from a spreadsheet or reported by Meta/Twilio.
 *
 * We use libphonenumber-js with the `max` metadata: it is the only one that validates the number
 * *ranges* (not just the length), which is what rejects `+55 11 8123 4567` (a Brazilian mobile
 * missing its ninth digit) and reports the number type.
 *
 * WhatsApp-specific rules layered on top (all covered by phone.test.ts):
 * - Mexico: Meta reports wa_ids as `521` + 10 digits (the pre-2019 mobile prefix). `+521…` is not
 *   a valid number any more, so we drop the `1`: `5215512345678` → `+525512345678`.
 * - Argentina: mobiles are dialled internationally as `+54 9 <area> <number>`; `+54 <area> <number>`
 *   (no 9) is the same subscriber dialled as a landline. Argentine numbering does not give a
 *   subscriber number to both a landline and a mobile, so adding the 9 never reaches someone else;
 *   and WhatsApp only lives on mobiles (Meta's wa_id is always `549…`). So every Argentine number
 *   whose 9-form is a valid mobile is stored in the 9-form: `+541123456789`, `11 2345-6789`,
 *   `011 15-2345-6789` and `+54 11 15 2345 6789` all give `+5491123456789`.
 * - Brazil: accounts created before the ninth digit (2012–2016) still have wa_ids of
 *   `55` + area + 8 digits starting 6–9. We insert the 9 when the result is a valid mobile.
 *   Landlines (8 digits starting 2–5) are left alone.
 * - Fixed lines are NOT rejected: WhatsApp Business accounts can be registered on landlines.
 *   `type` is returned so callers can warn.
 * - Mexico's pre-2019 national prefixes (044, 045, 01, 02) are dropped from nationally typed numbers.
 * - Digits without `+` are first read as a national number of `defaultCountry`, then (if that is
 *   not valid and the number has no trunk `0`) as international digits, which is how Meta reports
 *   wa_ids (`5215512345678`, `5491123456789`).
 */
import {
  isSupportedCountry,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
  type CountryCode,
  type PhoneNumber,
  type PhoneNumberType,
} from 'libphonenumber-js/max';

export type { CountryCode };

export type PhoneErrorRule =
  | 'required'
  | 'invalid-characters'
  | 'too-short'
  | 'too-long'
  | 'unknown-country'
  | 'invalid';

export class PhoneError extends Error {
  readonly rule: PhoneErrorRule;
  /** The input as given, for logs and form errors. */
  readonly input: string;

  constructor(rule: PhoneErrorRule, input: string, message: string) {
    super(message);
    this.name = 'PhoneError';
    this.rule = rule;
    this.input = input;
  }
}

export interface NormalizedPhone {
  /** `+525512345678` */
  e164: string;
  /** ISO country (`MX`); absent for non-geographic numbers (`+800…`). */
  country?: CountryCode;
  /** libphonenumber's type (`MOBILE`, `FIXED_LINE`, `FIXED_LINE_OR_MOBILE` …) when known. */
  type?: PhoneNumberType;
}

/** Longest input we bother parsing: a formatted E.164 number is ~20 chars; this leaves room for spacing. */
const MAX_INPUT_LENGTH = 40;
/** Digits, the usual separators and a leading `+`. Letters (and `ext.`) have no place in a WhatsApp number. */
const ALLOWED = /^\+?[\d\s().\-/]*$/;
/** Dashes and spaces that come with copy-pasted numbers (Word, WhatsApp Web, PDFs). */
const EXOTIC_SEPARATORS = /[\u2010-\u2015\u2212\u00a0\u2000-\u200b\u202f\u205f\u3000]/g;
const PREFIXES = /^(?:whatsapp|tel):/i;

/**
 * Parses `input` into E.164 following the WhatsApp rules above.
 * @throws PhoneError with a `rule` and an English message naming the input.
 */
export function normalizePhone(input: string, requestedCountry: CountryCode = FALLBACK_COUNTRY): NormalizedPhone {
  // A default country libphonenumber does not know (a setting stored before it was checked)
  // reads as Mexico: a configuration slip must not stop every send.
  const defaultCountry = supportedCountryOr(requestedCountry);
  if (typeof input !== 'string' || input.trim() === '') {
    throw new PhoneError('required', typeof input === 'string' ? input : '', 'A phone number is required');
  }
  const shown = quote(input);
  const cleaned = input.trim().replace(PREFIXES, '').replace(EXOTIC_SEPARATORS, ' ').trim();
  if (cleaned.length > MAX_INPUT_LENGTH) {
    throw new PhoneError('too-long', input, `${shown} is too long to be a phone number`);
  }
  if (!ALLOWED.test(cleaned)) {
    throw new PhoneError('invalid-characters', input, `${shown} contains characters that are not part of a phone number`);
  }
  const digits = cleaned.replace(/\D/g, '');
  if (digits === '') throw new PhoneError('invalid', input, `${shown} has no digits`);

  // `+52…` and `0052…` are international whatever the default country (no national plan starts with 00).
  if (cleaned.startsWith('+') || digits.startsWith('00')) {
    return parseInternational(digits.startsWith('00') && !cleaned.startsWith('+') ? digits.slice(2) : digits, input);
  }

  const national = tryParse(withoutLegacyPrefix(digits, defaultCountry), defaultCountry);
  if ('valid' in national && national.valid) return national.result;
  // Bare international digits (Meta wa_ids). A leading 0 is a national trunk prefix, never a country code.
  if (!digits.startsWith('0')) {
    const international = tryParse(`+${digits}`);
    if ('valid' in international && international.valid) return international.result;
  }
  throw invalidFor(input, defaultCountry, lengthProblem(digits, defaultCountry));
}

/** The default country when none valid is configured. */
export const FALLBACK_COUNTRY: CountryCode = 'MX';

/** `country` when libphonenumber knows it (`MX`, `AR`), else Mexico. */
export function supportedCountryOr(country: unknown, fallback: CountryCode = FALLBACK_COUNTRY): CountryCode {
  return typeof country === 'string' && isSupportedCountry(country) ? country : fallback;
}

/** The digits Meta uses as `wa_id` for this number (Mexico `521…`, Argentina `549…`, others the E.164 digits). */
export function toWhatsAppId(e164: string): string {
  const phone = normalizePhone(e164);
  const digits = phone.e164.slice(1);
  const mobileLike = phone.type === 'MOBILE' || phone.type === 'FIXED_LINE_OR_MOBILE';
  if (phone.country === 'MX' && mobileLike) return `521${digits.slice(2)}`;
  return digits;
}

/** True when both strings are the same WhatsApp number (any formatting); false when either is not a number. */
export function sameWhatsAppNumber(a: string, b: string, defaultCountry: CountryCode = 'MX'): boolean {
  try {
    return normalizePhone(a, defaultCountry).e164 === normalizePhone(b, defaultCountry).e164;
  } catch (error) {
    if (error instanceof PhoneError) return false;
    throw error;
  }
}

/**
 * Mexico dropped its dialling prefixes in 2019 (044/045 before a mobile, 01/02 for long distance),
 * but old customer lists still have them: `044 55 1234 5678` is `+525512345678`.
 */
function withoutLegacyPrefix(digits: string, country: CountryCode): string {
  return country === 'MX' ? digits.replace(/^(?:044|045|01|02)(?=\d{10}$)/, '') : digits;
}

function parseInternational(digits: string, input: string): NormalizedPhone {
  const attempt = tryParse(`+${digits}`);
  if ('failure' in attempt) {
    if (attempt.failure === 'INVALID_COUNTRY') {
      throw new PhoneError('unknown-country', input, `${quote(input)} does not start with a known country code`);
    }
    throw invalidFor(input, 'any country', lengthProblem(`+${digits}`));
  }
  if (attempt.valid) return attempt.result;
  const where = attempt.result.country ?? `+${attempt.callingCode}`;
  throw invalidFor(input, where, lengthProblem(`+${digits}`));
}

type Attempt =
  | { valid: boolean; result: NormalizedPhone; callingCode: string }
  /** libphonenumber could not even read it: `INVALID_COUNTRY`, `TOO_SHORT`, `NOT_A_NUMBER` … */
  | { failure: string };

/** Parses and applies the WhatsApp fixes. */
function tryParse(text: string, defaultCountry?: CountryCode): Attempt {
  let parsed: PhoneNumber;
  try {
    parsed = parsePhoneNumberWithError(text, defaultCountry ? { defaultCountry, extract: false } : { extract: false });
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) };
  }
  const fixed = applyWhatsAppFixes(parsed);
  return { valid: fixed.isValid(), result: describe(fixed), callingCode: fixed.countryCallingCode };
}

function applyWhatsAppFixes(phone: PhoneNumber): PhoneNumber {
  const national = phone.nationalNumber;
  switch (phone.countryCallingCode) {
    case '52':
      // Old Mexican mobile prefix: 52 1 + 10 digits.
      return national.length === 11 && national.startsWith('1') ? reparse(`+52${national.slice(1)}`) ?? phone : phone;
    case '54':
      if (national.length === 10 && !national.startsWith('9')) return asMobile(`+549${national}`) ?? phone;
      return phone;
    case '55':
      if (national.length === 10 && /^[6-9]$/.test(national.charAt(2))) {
        return asMobile(`+55${national.slice(0, 2)}9${national.slice(2)}`) ?? phone;
      }
      return phone;
    default:
      return phone;
  }
}

function asMobile(e164: string): PhoneNumber | undefined {
  const candidate = reparse(e164);
  return candidate?.isValid() && candidate.getType() === 'MOBILE' ? candidate : undefined;
}

function reparse(e164: string): PhoneNumber | undefined {
  try {
    return parsePhoneNumberWithError(e164);
  } catch {
    return undefined;
  }
}

function describe(phone: PhoneNumber): NormalizedPhone {
  const result: NormalizedPhone = { e164: phone.number };
  if (phone.country) result.country = phone.country;
  const type = phone.getType();
  if (type) result.type = type;
  return result;
}

function lengthProblem(text: string, country?: CountryCode): 'too-short' | 'too-long' | 'invalid' {
  const problem = country ? validatePhoneNumberLength(text, country) : validatePhoneNumberLength(text);
  if (problem === 'TOO_SHORT' || problem === 'NOT_A_NUMBER') return 'too-short';
  if (problem === 'TOO_LONG') return 'too-long';
  return 'invalid';
}

function invalidFor(input: string, where: string, rule: 'too-short' | 'too-long' | 'invalid'): PhoneError {
  const why = rule === 'too-short' ? ' (too short)' : rule === 'too-long' ? ' (too long)' : '';
  return new PhoneError(rule, input, `${quote(input)} is not a valid phone number for ${where}${why}`);
}

function quote(input: string): string {
  const trimmed = input.trim();
  return JSON.stringify(trimmed.length > MAX_INPUT_LENGTH ? `${trimmed.slice(0, MAX_INPUT_LENGTH)}…` : trimmed);
}
