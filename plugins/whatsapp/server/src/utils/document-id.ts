import crypto from 'crypto';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const ALPHABET = `${LETTERS}0123456789`;
const LENGTH = 24;

/**
 * A `documentId` for rows the hot paths insert with plain SQL (webhook events, send attempts), in
 * the shape Strapi's own cuid2 ids have: 24 characters, a letter then [a-z0-9]. cuid2 hashes every
 * id with SHA-3, which shows in a profile at a thousand rows a second; random bytes give the
 * same shape and about 119 bits of randomness for a fraction of the cost.
 */
export const documentId = (): string => {
  const bytes = crypto.randomBytes(LENGTH);
  let id = LETTERS[bytes[0] % LETTERS.length];
  for (let i = 1; i < LENGTH; i += 1) id += ALPHABET[bytes[i] % ALPHABET.length];
  return id;
};

/** The largest row id: ids are 32-bit integer columns on PostgreSQL (`integer`), and SQLite's are compared to them. */
export const MAX_ROW_ID = 2_147_483_647;

/**
 * A reference from a URL or a body read as a row id: digits within 1..2³¹−1 give the number;
 * digits beyond that give `'out-of-range'` (no row can have that id: not found, and PostgreSQL
 * must not be asked, it would refuse the query); anything else is not an id (`null`: a documentId,
 * a name…).
 */
export const parseRowId = (ref: unknown): number | 'out-of-range' | null => {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref)) return null;
    return ref >= 1 && ref <= MAX_ROW_ID ? ref : 'out-of-range';
  }
  if (typeof ref !== 'string' || !/^\d+$/.test(ref)) return null;
  const digits = ref.replace(/^0+(?=\d)/, '');
  if (digits.length > 10) return 'out-of-range';
  const id = Number(digits);
  return id >= 1 && id <= MAX_ROW_ID ? id : 'out-of-range';
};

/**
 * The `where` that finds a row by its id or its documentId (or whatever `byKey` says for a key
 * that is not an id), or null when no row can match (an id out of range): the caller answers
 * "not found" without a query.
 */
export const whereRef = (
  ref: string | number,
  byKey: (key: string) => Record<string, unknown> = (key) => ({ documentId: key })
): Record<string, unknown> | null => {
  const id = parseRowId(ref);
  if (typeof id === 'number') return { id };
  if (id === 'out-of-range') return null;
  return byKey(String(ref));
};
