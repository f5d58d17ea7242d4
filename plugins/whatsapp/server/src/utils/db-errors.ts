/**
 * What a database error means for the client who sent the request. PostgreSQL refuses what
 * SQLite stores without a word (a NUL character, a string longer than its varchar, an id beyond
 * a 32-bit integer, a year beyond 294276); both refuse a duplicate of a unique value. When such
 * an error escapes the checks in front of the database it is the request that is wrong, not the
 * server: 400 naming the field and the rule, or 409 for a duplicate, never a 500.
 *
 * Pure functions, no Strapi: used by the app's `global::db-errors` middleware
 * (src/middlewares/db-errors.ts) and by the services that turn a lost race on a unique index into
 * a 409.
 */

export interface DbErrorClass {
  status: 400 | 409;
  /** Strapi's error name for the status (the `error.name` of the answer). */
  name: 'ValidationError' | 'ConflictError';
  /** The rule broken, as the API's validation errors name it (`max-length`, `unique`, `no-nul`…). */
  rule: string;
  /** A message for the client: the rule in words, no SQL, no stored values. */
  message: string;
  /** The attribute the database named (PostgreSQL's `Key (phone)=(…)`, SQLite's `table.column`). */
  field?: string;
  /** Every column of a multi-column unique index, as attribute names. */
  fields?: string[];
  /** The offending value when the database quotes it (`value "99999999999" is out of range`). */
  value?: string;
  /** The column's limit when a string was too long for it (`character varying(255)`). */
  maxLength?: number;
  /** The database's own code (`23505`, `SQLITE_CONSTRAINT_UNIQUE`, `NotNullError`). */
  code: string;
}

interface RawDbError {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  detail?: unknown;
  column?: unknown;
  details?: { column?: unknown };
  cause?: unknown;
}

/** `provider_message_id` → `providerMessageId`: the attribute behind a column, as Strapi names them. */
export const columnToAttribute = (column: string) => column.trim().replace(/^"|"$/g, '').replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * The value a PostgreSQL message quotes (`value "99999999999" is out of range`): the last `"…"`,
 * since knex puts the SQL, with its quoted identifiers, in front of the driver's message.
 */
const quoted = (message: string) => {
  const values = [...message.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]);
  return values[values.length - 1];
};

/** `Key (provider, event_key)=(…)` → ['provider', 'eventKey']. */
const keyColumns = (detail: string) => {
  const match = /Key \(([^)]*)\)=/.exec(detail);
  return match ? match[1].split(',').map(columnToAttribute).filter(Boolean) : [];
};

/** SQLite: `UNIQUE constraint failed: whatsapp_contacts.phone, whatsapp_contacts.x` → ['phone', 'x']. */
const sqliteColumns = (message: string) => {
  const match = /constraint failed: (.*)$/m.exec(message);
  if (!match) return [];
  return match[1]
    .split(',')
    .map((part) => part.trim().split('.').pop() ?? '')
    .filter((part) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(part))
    .map(columnToAttribute);
};

const named = (fields: string[]) => (fields.length ? fields.join(', ') : 'this value');

const badRequest = (code: string, rule: string, message: string, extra: Partial<DbErrorClass> = {}): DbErrorClass => ({
  status: 400,
  name: 'ValidationError',
  rule,
  message,
  code,
  ...extra,
});

const conflict = (code: string, rule: string, message: string, extra: Partial<DbErrorClass> = {}): DbErrorClass => ({
  status: 409,
  name: 'ConflictError',
  rule,
  message,
  code,
  ...extra,
});

const withFields = (fields: string[]): Partial<DbErrorClass> => (fields.length ? { field: fields[0], fields } : {});

const classifyPostgres = (code: string, e: RawDbError): DbErrorClass | null => {
  const message = str(e.message);
  const detail = str(e.detail);
  switch (code) {
    case '22001': {
      const max = /\((\d+)\)/.exec(message)?.[1];
      const maxLength = max ? Number(max) : undefined;
      return badRequest(code, 'max-length', `A text is longer than its field allows${maxLength ? ` (at most ${maxLength} characters)` : ''}`, maxLength ? { maxLength } : {});
    }
    case '22021':
    case '22P05': {
      const nul = /0x00\b/.test(message) || /\\u0000/.test(detail) || /\\u0000/.test(message);
      return nul
        ? badRequest(code, 'no-nul', 'A text contains the NUL character (\\u0000), which cannot be stored')
        : badRequest(code, 'unicode', 'A text contains characters that are not valid Unicode');
    }
    case '22003': {
      const value = quoted(message);
      return badRequest(code, 'out-of-range', value ? `The number ${value} is out of range` : 'A number is out of range', value ? { value } : {});
    }
    case '22008': {
      const value = quoted(message);
      return badRequest(code, 'date-range', 'A date is out of the range that can be stored (years 1970 to 9999)', value ? { value } : {});
    }
    case '22007': {
      const value = quoted(message);
      return badRequest(code, 'date', 'A date or time is not valid (use ISO 8601)', value ? { value } : {});
    }
    case '22P02': {
      const value = quoted(message);
      return badRequest(code, 'invalid', 'A value does not have the expected type', value ? { value } : {});
    }
    case '23505': {
      const fields = keyColumns(detail);
      return conflict(code, 'unique', `A record with this ${named(fields)} already exists`, withFields(fields));
    }
    case '23503': {
      const fields = keyColumns(detail);
      if (/still referenced/.test(detail) || /^update or delete/.test(message)) {
        return conflict(code, 'in-use', 'This record is still referenced by others', withFields(fields));
      }
      return badRequest(code, 'relation', `${named(fields)} refers to a record that does not exist`, withFields(fields));
    }
    case '23502': {
      const column = str(e.column);
      return badRequest(code, 'required', `${column ? columnToAttribute(column) : 'A field'} is required`, column ? withFields([columnToAttribute(column)]) : {});
    }
    case '23514':
      return badRequest(code, 'check', 'A value breaks a rule of the database');
    case '54000':
      // An index row too large (a long text in an indexed column).
      return badRequest(code, 'max-length', 'A text is too long to be stored in an indexed field');
    default:
      return null;
  }
};

const classifySqlite = (code: string, e: RawDbError): DbErrorClass | null => {
  const message = str(e.message);
  const fields = sqliteColumns(message);
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return conflict(code, 'unique', `A record with this ${named(fields)} already exists`, withFields(fields));
    case 'SQLITE_CONSTRAINT_NOTNULL':
      return badRequest(code, 'required', `${fields[0] ?? 'A field'} is required`, withFields(fields));
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return conflict(code, 'relation', 'This change would break a reference between records');
    case 'SQLITE_CONSTRAINT_CHECK':
      return badRequest(code, 'check', 'A value breaks a rule of the database');
    case 'SQLITE_TOOBIG':
      return badRequest(code, 'max-length', 'A value is too large to be stored');
    case 'SQLITE_MISMATCH':
      return badRequest(code, 'invalid', 'A value does not have the expected type');
    default:
      return null;
  }
};

/** Strapi's own database errors (@strapi/database/errors), thrown before or after the driver's. */
const classifyStrapi = (name: string, e: RawDbError): DbErrorClass | null => {
  switch (name) {
    case 'NotNullError': {
      const column = str(e.details?.column);
      const field = column ? columnToAttribute(column) : undefined;
      return badRequest(name, 'required', `${field ?? 'A field'} is required`, field ? withFields([field]) : {});
    }
    case 'InvalidDateFormat':
    case 'InvalidDatetimeFormat':
    case 'InvalidTimeFormat':
      return badRequest(name, 'date', str(e.message) || 'A date or time is not valid (use ISO 8601)');
    case 'InvalidRelationFormat':
      return badRequest(name, 'relation', str(e.message) || 'A relation is not valid');
    default:
      return null;
  }
};

/**
 * The client's mistake a database error reveals, or null when it is the server's own fault
 * (a connection lost, a deadlock, a syntax error in our SQL): those stay 500s. Looks through
 * `cause` too, for errors wrapped on their way up.
 */
export function classifyDbError(error: unknown, depth = 0): DbErrorClass | null {
  if (!error || typeof error !== 'object' || depth > 3) return null;
  const e = error as RawDbError;
  const code = str(e.code);
  const name = str(e.name);
  const found =
    (/^[0-9A-Z]{5}$/.test(code) && classifyPostgres(code, e)) ||
    (code.startsWith('SQLITE_') && classifySqlite(code, e)) ||
    classifyStrapi(name, e) ||
    null;
  return found ?? classifyDbError(e.cause, depth + 1);
}

/**
 * True when the error is a duplicate of a unique value (PostgreSQL 23505, SQLite's UNIQUE
 * constraint); with `field`, only when the database names that field (or names none).
 */
export const isUniqueViolation = (error: unknown, field?: string) => {
  const classified = classifyDbError(error);
  if (classified?.rule !== 'unique') return false;
  return field === undefined || !classified.fields?.length || classified.fields.includes(field);
};

// Finding the field in the request: PostgreSQL names the column for a duplicate but not for a
// string too long, a NUL, a number or a date out of range. The request names it: the one value in
// it that breaks the rule.

const MAX_DEPTH = 8;

/** The path (keys from the root) of the first value in `input` that `test` accepts, or null. */
export function findPath(input: unknown, test: (value: unknown) => boolean, path: string[] = [], depth = 0): string[] | null {
  if (test(input)) return path;
  if (depth >= MAX_DEPTH || !input || typeof input !== 'object') return null;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    // A key can be the culprit too (a NUL in a JSON object's key).
    if (test(key)) return [...path, key];
    const found = findPath(value, test, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

const MIN_YEAR = 1970;
const MAX_YEAR = 9999;

/** A string that reads as a date (ISO 8601, extended years too) whose year is outside 1970–9999. */
const isDateOutOfRange = (value: unknown) => {
  if (typeof value !== 'string' || !/^\s*[+-]?\d{4,6}-\d{2}/.test(value)) return false;
  const year = Number(/^\s*([+-]?\d{4,6})-/.exec(value)?.[1]);
  return !Number.isFinite(year) || year < MIN_YEAR || year > MAX_YEAR;
};

/** What in a request breaks the rule a database error names; null when nothing recognisable does. */
export function offendingValue(classified: DbErrorClass): ((value: unknown) => boolean) | null {
  switch (classified.rule) {
    case 'no-nul':
      return (v) => typeof v === 'string' && v.includes('\u0000');
    case 'unicode':
      return (v) => typeof v === 'string' && /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v);
    case 'max-length': {
      const max = classified.maxLength ?? 255;
      return (v) => typeof v === 'string' && [...v].length > max;
    }
    case 'out-of-range':
    case 'invalid': {
      const value = classified.value;
      if (value === undefined) return null;
      return (v) => (typeof v === 'string' || typeof v === 'number') && String(v).trim() === value;
    }
    case 'date-range':
    case 'date':
      return (v) => isDateOutOfRange(v) || (classified.value !== undefined && typeof v === 'string' && v === classified.value);
    default:
      return null;
  }
}

/** Where a database error's cause sits in a request: URL segment, query string or body. */
export type Location = { in: 'url' } | { in: 'query' | 'body'; path: string[] };

/**
 * Finds the part of the request the database refused: an id in the URL (`/messages/99999999999`),
 * a query parameter (`filters[from]=+275760-09-13`) or a body field (`data.body` with a NUL).
 * Body paths drop Strapi's `{ data }` envelope, as the API's validation errors do.
 */
export function locate(
  classified: DbErrorClass,
  request: { pathSegments?: string[]; query?: unknown; body?: unknown }
): Location | null {
  const test = offendingValue(classified);
  if (!test) return null;
  if (classified.value !== undefined && (request.pathSegments ?? []).some((segment) => segment === classified.value)) return { in: 'url' };
  if ((request.pathSegments ?? []).some((segment) => test(segment))) return { in: 'url' };
  const body = request.body;
  const inBody = findPath(body, test);
  if (inBody && inBody.length) {
    const path = inBody[0] === 'data' && body && typeof body === 'object' && !Array.isArray(body) ? inBody.slice(1) : inBody;
    return { in: 'body', path: path.length ? path : inBody };
  }
  const inQuery = findPath(request.query, test);
  if (inQuery && inQuery.length) {
    const path = inQuery[0] === 'filters' ? inQuery.slice(1) : inQuery;
    return { in: 'query', path: path.length ? path : inQuery };
  }
  return null;
}

/**
 * PostgreSQL's SQLSTATE classes and Node's socket codes for "the database is not there right
 * now" (a restart, a failover, a pooler dropping the connection), as opposed to a statement the
 * database refused: the first is worth waiting out, the second is not.
 * 08xxx connection exceptions, 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now.
 */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', '57P01', '57P02', '57P03', 'SQLITE_BUSY']);
const UNAVAILABLE_MESSAGES = [/Connection terminated/i, /Timeout acquiring a connection/i, /terminating connection/i, /Client has encountered a connection error/i, /connection is closed/i, /the database system is (starting up|shutting down)/i];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error as RawDbError | undefined, depth = 0; e && depth < 4; e = e.cause as RawDbError | undefined, depth += 1) {
    const code = str(e.code);
    if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true;
    if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(str(e?.message)))) return true;
  }
  return false;
}
