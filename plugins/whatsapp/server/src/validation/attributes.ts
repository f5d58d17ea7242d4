import { malformed } from '../utils/errors';
import { MAX_ROW_ID } from '../utils/document-id';

/**
 * What the database will store, checked against the content type's own schema before it is
 * written, the same on SQLite and PostgreSQL. SQLite stores almost anything; PostgreSQL refuses
 * a NUL character, a string longer than its varchar, an integer beyond 32 bits, a year beyond
 * its calendar. Each is a 400 naming the field and the rule here, on both databases, and nothing
 * is written.
 *
 * Used by the services that write plugin rows (contacts, templates, settings) and by the
 * Document Service middleware (the Content Manager).
 */

export interface AttributeSchema {
  type: string;
  required?: boolean;
  default?: unknown;
  maxLength?: number;
  minLength?: number;
  min?: number | string;
  max?: number | string;
  enum?: readonly string[];
  relation?: string;
  multiple?: boolean;
  [key: string]: unknown;
}

export type Attributes = Record<string, AttributeSchema>;

export interface CheckOptions {
  /** An update: attributes not given are left as they are (no `required` check for them). */
  partial?: boolean;
  /** The schema's attributes, instead of looking the content type up in the running Strapi. */
  attributes?: Attributes;
}

/** Strapi's `string` (and email, uid, password, enumeration) columns are varchar(255) on PostgreSQL. */
export const DEFAULT_MAX_LENGTH = 255;
export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;
const INT64_MIN = BigInt('-9223372036854775808');
const INT64_MAX = BigInt('9223372036854775807');
/** Strapi's `decimal` is decimal(10, 2) on PostgreSQL: fewer than 8 digits before the point. */
const DECIMAL_LIMIT = 1e8;
/** Dates the plugin has a use for: the Unix epoch to the last day four-digit years can write. */
export const MIN_DATE = Date.UTC(1970, 0, 1);
export const MAX_DATE = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const STRING_TYPES = new Set(['string', 'email', 'uid', 'password']);
const TEXT_TYPES = new Set(['text', 'richtext']);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_JSON_DEPTH = 32;

/** `id`, `contactId`, `senderId`…: integers that point at a row. */
const isIdName = (key: string) => key === 'id' || /[a-z]Id$/.test(key);

/** Characters as PostgreSQL counts them for varchar(n): code points, not UTF-16 units. */
const characters = (value: string) => Array.from(value).length;

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

/** A string as any column stores it: no NUL (PostgreSQL cannot store one), well-formed Unicode. */
const checkCharacters = (path: string, value: string) => {
  if (value.includes('\u0000')) throw malformed(path, 'no-nul', `${path} must not contain the NUL character (\\u0000)`);
  if (LONE_SURROGATE.test(value)) throw malformed(path, 'unicode', `${path} contains a broken character (a lone UTF-16 surrogate)`);
};

const checkText = (path: string, value: unknown, attribute: AttributeSchema, maxLength?: number) => {
  if (typeof value !== 'string') throw malformed(path, 'type', `${path} must be text, not ${kindOf(value)}`);
  checkCharacters(path, value);
  const length = maxLength === undefined && attribute.minLength === undefined ? 0 : characters(value);
  if (maxLength !== undefined && length > maxLength) {
    throw malformed(path, 'max-length', `${path} is ${length} characters long; at most ${maxLength} are allowed`);
  }
  if (attribute.minLength !== undefined && length < attribute.minLength && value !== '') {
    throw malformed(path, 'min-length', `${path} must be at least ${attribute.minLength} characters long`);
  }
};

/** An integer given as a number or as digits (Strapi accepts both); NaN when it is neither. */
const asInteger = (value: unknown): number => {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number.NaN;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return Number.NaN;
};

const checkBounds = (path: string, n: number, attribute: AttributeSchema) => {
  if (attribute.min !== undefined && n < Number(attribute.min)) throw malformed(path, 'min', `${path} must be at least ${attribute.min}`);
  if (attribute.max !== undefined && n > Number(attribute.max)) throw malformed(path, 'max', `${path} must be at most ${attribute.max}`);
};

/** A row id: a positive 32-bit integer. */
const checkId = (path: string, value: unknown) => {
  const n = asInteger(value);
  if (Number.isNaN(n)) throw malformed(path, 'type', `${path} must be a record id (a positive integer), not ${kindOf(value)}`);
  if (n < 1 || n > MAX_ROW_ID) throw malformed(path, 'out-of-range', `${path} must be a record id between 1 and ${MAX_ROW_ID}`);
};

const checkInteger = (path: string, key: string, value: unknown, attribute: AttributeSchema) => {
  if (isIdName(key)) return checkId(path, value);
  const n = asInteger(value);
  if (Number.isNaN(n)) throw malformed(path, 'type', `${path} must be an integer, not ${kindOf(value)}`);
  if (n < INT32_MIN || n > INT32_MAX) throw malformed(path, 'out-of-range', `${path} must be between ${INT32_MIN} and ${INT32_MAX}`);
  checkBounds(path, n, attribute);
};

const checkBigInteger = (path: string, key: string, value: unknown, attribute: AttributeSchema) => {
  if (isIdName(key)) return checkId(path, value);
  let n: bigint;
  try {
    if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
    else if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) n = BigInt(value.trim());
    else throw new Error('not an integer');
  } catch {
    throw malformed(path, 'type', `${path} must be an integer, not ${kindOf(value)}`);
  }
  if (n < INT64_MIN || n > INT64_MAX) throw malformed(path, 'out-of-range', `${path} is out of the 64-bit integer range`);
  if (attribute.min !== undefined && n < BigInt(attribute.min)) throw malformed(path, 'min', `${path} must be at least ${attribute.min}`);
  if (attribute.max !== undefined && n > BigInt(attribute.max)) throw malformed(path, 'max', `${path} must be at most ${attribute.max}`);
};

const checkNumber = (path: string, value: unknown, attribute: AttributeSchema, limit?: number) => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw malformed(path, 'type', `${path} must be a number, not ${kindOf(value)}`);
  if (limit !== undefined && Math.abs(n) >= limit) throw malformed(path, 'out-of-range', `${path} must be less than ${limit} in absolute value`);
  checkBounds(path, n, attribute);
};

/** A date, datetime or timestamp: a Date, an ISO 8601 string or epoch milliseconds, within 1970–9999. */
const checkDate = (path: string, value: unknown) => {
  let time: number;
  if (value instanceof Date) time = value.getTime();
  else if (typeof value === 'number') time = value;
  else if (typeof value === 'string') {
    checkCharacters(path, value);
    time = Date.parse(value.trim());
  } else throw malformed(path, 'type', `${path} must be a date (ISO 8601), not ${kindOf(value)}`);
  if (!Number.isFinite(time)) throw malformed(path, 'date', `${path} must be a date (ISO 8601)`);
  if (time < MIN_DATE || time > MAX_DATE) throw malformed(path, 'date-range', `${path} must be a date between the years 1970 and 9999`);
};

const checkTime = (path: string, value: unknown) => {
  if (typeof value !== 'string') throw malformed(path, 'type', `${path} must be a time (HH:mm:ss), not ${kindOf(value)}`);
  checkCharacters(path, value);
  if (!/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?$/.test(value)) throw malformed(path, 'time', `${path} must be a time (HH:mm or HH:mm:ss)`);
};

/** JSON: any shape, but every string (keys too) storable, and nothing JSON cannot hold. */
const checkJson = (path: string, value: unknown, depth = 0): void => {
  if (depth > MAX_JSON_DEPTH) throw malformed(path, 'depth', `${path} is nested too deeply`);
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') return checkCharacters(path, value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw malformed(path, 'type', `${path} must be a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(`${path}.${i}`, item, depth + 1));
    return;
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      checkCharacters(`${path}.${key}`, key);
      checkJson(`${path}.${key}`, item, depth + 1);
    }
    return;
  }
  if (value instanceof Date) return;
  throw malformed(path, 'type', `${path} must be JSON (text, numbers, booleans, lists, objects), not ${kindOf(value)}`);
};

/** A relation or media value: ids, documentIds, lists of them, or Strapi's { connect, disconnect, set }. */
const checkRelation = (path: string, value: unknown, depth = 0): void => {
  if (value === null || value === undefined) return;
  if (depth > 4) throw malformed(path, 'type', `${path} is not a relation`);
  if (typeof value === 'number') return checkId(path, value);
  if (typeof value === 'string') {
    if (/^\s*-?\d+\s*$/.test(value)) return checkId(path, value);
    checkCharacters(path, value);
    if (characters(value) > DEFAULT_MAX_LENGTH) throw malformed(path, 'max-length', `${path} is not a record reference`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkRelation(`${path}.${i}`, item, depth + 1));
    return;
  }
  if (typeof value === 'object') {
    const ref = value as Record<string, unknown>;
    if (ref.id !== undefined) checkRelation(`${path}.id`, ref.id, depth + 1);
    if (ref.documentId !== undefined) checkRelation(`${path}.documentId`, ref.documentId, depth + 1);
    for (const key of ['connect', 'disconnect', 'set']) {
      if (ref[key] !== undefined) checkRelation(`${path}.${key}`, ref[key], depth + 1);
    }
    return;
  }
  throw malformed(path, 'type', `${path} must be a record id or documentId, not ${kindOf(value)}`);
};

const isMissing = (value: unknown) => value === undefined || value === null;

/** One attribute's value (present, not null) against its schema. */
const checkValue = (key: string, value: unknown, attribute: AttributeSchema, path: string) => {
  const type = attribute.type;
  if (STRING_TYPES.has(type)) return checkText(path, value, attribute, attribute.maxLength ?? DEFAULT_MAX_LENGTH);
  if (TEXT_TYPES.has(type)) return checkText(path, value, attribute, attribute.maxLength);
  switch (type) {
    case 'enumeration': {
      if (typeof value !== 'string') throw malformed(path, 'type', `${path} must be one of ${(attribute.enum ?? []).join(', ')}, not ${kindOf(value)}`);
      checkCharacters(path, value);
      if (!(attribute.enum ?? []).includes(value)) throw malformed(path, 'one-of', `${path} must be one of ${(attribute.enum ?? []).join(', ')}`);
      return;
    }
    case 'integer':
      return checkInteger(path, key, value, attribute);
    case 'biginteger':
      return checkBigInteger(path, key, value, attribute);
    case 'float':
      return checkNumber(path, value, attribute);
    case 'decimal':
      return checkNumber(path, value, attribute, DECIMAL_LIMIT);
    case 'boolean':
      if (typeof value !== 'boolean') throw malformed(path, 'type', `${path} must be true or false, not ${kindOf(value)}`);
      return;
    case 'date':
    case 'datetime':
    case 'timestamp':
      return checkDate(path, value);
    case 'time':
      return checkTime(path, value);
    case 'json':
    case 'blocks':
      return checkJson(path, value);
    case 'relation':
    case 'media':
      return checkRelation(path, value);
    default:
      // Components and dynamic zones: checked by their own schemas, not here.
      return;
  }
};

/** The attributes of a content type of the running Strapi. */
const attributesOf = (uid: string): Attributes => {
  const contentType = (globalThis as { strapi?: { contentType?: (uid: string) => { attributes?: Attributes } | undefined } }).strapi?.contentType?.(uid);
  if (!contentType?.attributes) throw new Error(`checkAttributes: unknown content type ${uid}`);
  return contentType.attributes;
};

/**
 * Checks the values about to be written to a content type (`uid`) against its schema; throws
 * `malformed(path, rule, message)` (400) for the first one the database would refuse or that
 * breaks the schema:
 * - text (string, email, uid, password; text and richtext too): no NUL, well-formed Unicode;
 *   string-like ones at most `maxLength` or 255 characters;
 * - integers within 32 bits; ids (`id`, `…Id`, relations, media) within 1..2³¹−1;
 *   biginteger within 64 bits; decimal below 10⁸; min/max from the schema;
 * - dates and datetimes within the years 1970–9999; times as HH:mm[:ss];
 * - an enumeration's value among its values;
 * - JSON: every string (and key) storable;
 * - the JavaScript type the attribute expects (an object where text goes is refused);
 * - unless `partial`: a required attribute without a default must be given; a required one
 *   can never be set to null.
 * Keys the schema does not know are left to the caller's own validation.
 */
export function checkAttributes(uid: string, data: Record<string, unknown>, options: CheckOptions = {}): void {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw malformed('data', 'type', 'data must be an object');
  const attributes = options.attributes ?? attributesOf(uid);
  for (const [key, value] of Object.entries(data)) {
    const attribute = Object.prototype.hasOwnProperty.call(attributes, key) ? attributes[key] : undefined;
    if (!attribute) {
      if (key === 'id' && !isMissing(value)) checkId(key, value);
      if (key === 'documentId' && !isMissing(value)) checkText(key, value, { type: 'string' }, DEFAULT_MAX_LENGTH);
      continue;
    }
    if (isMissing(value)) {
      if (attribute.required && value === null) throw malformed(key, 'required', `${key} is required`);
      continue;
    }
    checkValue(key, value, attribute, key);
  }
  if (options.partial) return;
  for (const [key, attribute] of Object.entries(attributes)) {
    if (attribute.required && attribute.default === undefined && isMissing(data[key]) && attribute.type !== 'relation') {
      throw malformed(key, 'required', `${key} is required`);
    }
  }
}
