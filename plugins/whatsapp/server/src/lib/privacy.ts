/**
 * The pure part of erasing a person (services/privacy.ts does the database part): keyed
 * pseudonyms, the forms a number takes in texts and provider payloads, and scrubbing those
 * forms, names and e-mails out of free text and JSON.
 *
 * Pseudonyms are keyed hashes (HMAC-SHA256 with WHATSAPP_PSEUDONYM_SECRET), never plain hashes:
 * a plain SHA-256 of a phone number is reversed by hashing every number of a country, about ten
 * billion tries. Without the secret, which does not live in the database, the database alone
 * does not give the number back.
 */
import { createHmac } from 'node:crypto';

/** What an erased contact's number becomes: `erased-` and 9 characters (fits the 16-character phone column). */
export const PSEUDONYM_PREFIX = 'erased-';
const PSEUDONYM = /^erased-[a-z2-7]{9}$/;
/** What a name, a username or an e-mail becomes inside a text that is kept. */
export const ERASED_TEXT = '[erased]';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

const hmac = (secret: string, purpose: string, value: string) => createHmac('sha256', secret).update(`${purpose}\u0000${value}`).digest();

/** Lower-case base32 of the first bytes of `bytes`: `length` characters. */
const base32 = (bytes: Buffer, length: number) => {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length >= length) break;
  }
  return out;
};

/**
 * The stable pseudonym of a number or a business-scoped user id: the same input always gives the
 * same pseudonym (so counts by recipient and a second erasure agree), and it cannot be turned
 * back into the input without the secret.
 */
export const pseudonymOf = (secret: string, identifier: string): string => PSEUDONYM_PREFIX + base32(hmac(secret, 'pseudonym', identifier.trim()), 9);

export const isPseudonym = (value: unknown): value is string => typeof value === 'string' && PSEUDONYM.test(value);

/**
 * The key an erased number (or user id) is recognised by later: 64 hex characters, a different
 * keyed hash than the pseudonym's, so the pseudonym shown everywhere does not give the key away.
 */
export const blockKeyOf = (secret: string, kind: 'phone' | 'user-id', identifier: string): string => hmac(secret, `block:${kind}`, identifier.trim()).toString('hex');

/**
 * The digit strings a number appears as in what providers send and what people write: E.164
 * without the plus, and the WhatsApp ids that differ from it (Mexico's mobiles are `521…` at
 * WhatsApp and `52…` in E.164; Brazil's older accounts lack the mobile 9).
 */
export const phoneDigitForms = (e164: string): string[] => {
  const digits = e164.replace(/\D/g, '');
  if (digits.length < 7) return [];
  const forms = new Set([digits]);
  if (digits.startsWith('52') && digits.length === 12) forms.add(`521${digits.slice(2)}`);
  if (digits.startsWith('521') && digits.length === 13) forms.add(`52${digits.slice(3)}`);
  if (digits.startsWith('55') && digits.length === 13 && digits[4] === '9') forms.add(`55${digits.slice(2, 4)}${digits.slice(5)}`);
  if (digits.startsWith('55') && digits.length === 12) forms.add(`55${digits.slice(2, 4)}9${digits.slice(4)}`);
  return [...forms];
};

/** Who a person is, as their data shows it: what is replaced by pseudonyms, what by [erased]. */
export interface Identity {
  /** E.164 numbers: the current one and those in the contact's history. */
  phones: string[];
  /** Business-scoped user ids. */
  userIds: string[];
  /** Name, WhatsApp profile name, username, e-mail: removed from kept texts. */
  words: string[];
}

/** Each literal to replace, longest first, with what replaces it. */
export const replacementsFor = (secret: string, identity: Identity): Array<[string, string]> => {
  const pairs = new Map<string, string>();
  for (const phone of identity.phones) {
    const pseudonym = pseudonymOf(secret, phone);
    pairs.set(phone, pseudonym);
    for (const digits of phoneDigitForms(phone)) {
      pairs.set(`+${digits}`, pseudonym);
      pairs.set(digits, pseudonym);
    }
  }
  for (const userId of identity.userIds) pairs.set(userId, pseudonymOf(secret, userId));
  return [...pairs].sort(([a], [b]) => b.length - a.length);
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Removes the person from a kept text (an error message, a title, a reason): numbers and user
 * ids become their pseudonym, names and e-mails `[erased]`. A name counts only as a whole word
 * (Unicode letters: "José" in "José Núñez", not "Ana" in "Análisis"); words under 3 characters
 * are left alone (they would strike far too much).
 */
export const scrubber = (replacements: Array<[string, string]>, words: string[] = []): ((text: string) => string) => {
  const wanted = [...new Set(words.map((w) => w.trim()).filter((w) => Array.from(w).length >= 3))].sort((a, b) => b.length - a.length);
  // Compiled once: a campaign's pasted list may hold 100,000 numbers to go through.
  const patterns = wanted.map((word) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(word)}(?![\\p{L}\\p{N}])`, 'giu'));
  return (text: string) => {
    let out = text;
    for (const [from, to] of replacements) if (from && out.includes(from)) out = out.split(from).join(to);
    for (const pattern of patterns) out = out.replace(pattern, ERASED_TEXT);
    return out;
  };
};

/** One text through `scrubber` (tests, single values). */
export const scrubText = (text: string, replacements: Array<[string, string]>, words: string[] = []): string => scrubber(replacements, words)(text);

/** A copy of a JSON value with every string through `scrub` (keys kept). */
export const scrubJson = <T>(value: T, scrub: (text: string) => string): T => {
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((item) => scrubJson(item, scrub)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, scrubJson(item, scrub)])) as T;
  }
  return value;
};

/**
 * Whether an erasure's `confirm` names this contact: its id or documentId, its number (as
 * stored, or `normalized` from how it was typed), its business-scoped user id, or the
 * pseudonym of a contact erased before.
 */
export const confirmsContact = (
  confirm: string,
  contact: { id: number; documentId?: string | null; phone?: string | null; providerUserId?: string | null },
  normalized: string | null
): boolean => {
  const given = confirm.trim();
  if (!given) return false;
  const names = [String(contact.id), contact.documentId, contact.phone, contact.providerUserId].filter((v): v is string => typeof v === 'string' && v !== '');
  return names.includes(given) || (normalized !== null && normalized === contact.phone);
};
