import { classifyDbError, columnToAttribute, findPath, isDatabaseUnavailable, isUniqueViolation, locate } from './db-errors';

/** Errors shaped as pg and better-sqlite3 throw them through knex (the SQL in front of the message). */
const pg = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`select "t0".* from "public"."whatsapp_messages" as "t0" where ("t0"."id" = $1) limit $2 - ${message}`), { code, ...extra });
const sqlite = (code: string, message: string) => Object.assign(new Error(`insert into \`t\` (\`a\`) values (?) - ${message}`), { code });

describe('classifyDbError: PostgreSQL', () => {
  it('22001 string too long: 400 max-length with the column limit', () => {
    expect(classifyDbError(pg('22001', 'value too long for type character varying(255)'))).toMatchObject({
      status: 400,
      name: 'ValidationError',
      rule: 'max-length',
      maxLength: 255,
    });
  });

  it('22021 / 22P05 a NUL character: 400 no-nul; another bad character: 400 unicode', () => {
    expect(classifyDbError(pg('22021', 'invalid byte sequence for encoding "UTF8": 0x00'))).toMatchObject({ status: 400, rule: 'no-nul' });
    expect(classifyDbError(pg('22P05', 'unsupported Unicode escape sequence', { detail: '\\u0000 cannot be converted to text.' }))).toMatchObject({
      status: 400,
      rule: 'no-nul',
    });
    expect(classifyDbError(pg('22P05', 'unsupported Unicode escape sequence', { detail: 'Unicode low surrogate must follow a high surrogate.' }))).toMatchObject({
      status: 400,
      rule: 'unicode',
    });
  });

  it('22003 a number out of range: 400 out-of-range with the value', () => {
    expect(classifyDbError(pg('22003', 'value "99999999999" is out of range for type integer'))).toMatchObject({
      status: 400,
      rule: 'out-of-range',
      value: '99999999999',
    });
  });

  it('22008 / 22007 a date out of range or malformed: 400 date-range / date', () => {
    expect(classifyDbError(pg('22008', 'date/time field value out of range: "+275760-09-13T00:00:00.000+00:00"'))).toMatchObject({
      status: 400,
      rule: 'date-range',
      value: '+275760-09-13T00:00:00.000+00:00',
    });
    expect(classifyDbError(pg('22007', 'invalid input syntax for type timestamp: "soon"'))).toMatchObject({ status: 400, rule: 'date', value: 'soon' });
  });

  it('23505 a duplicate: 409 ConflictError naming the field from the detail, without the value', () => {
    const classified = classifyDbError(pg('23505', 'duplicate key value violates unique constraint "whatsapp_contacts_phone_unique"', { detail: 'Key (phone)=(+525512345678) already exists.' }));
    expect(classified).toMatchObject({ status: 409, name: 'ConflictError', rule: 'unique', field: 'phone', fields: ['phone'] });
    expect(classified?.message).not.toContain('+525512345678');
    expect(classifyDbError(pg('23505', 'duplicate key', { detail: 'Key (provider, provider_message_id)=(meta, wamid.1) already exists.' }))).toMatchObject({
      field: 'provider',
      fields: ['provider', 'providerMessageId'],
    });
  });

  it('23503 a broken reference: 400 relation on insert, 409 in-use on delete', () => {
    expect(
      classifyDbError(pg('23503', 'insert or update on table "a" violates foreign key constraint "a_b_fk"', { detail: 'Key (b_id)=(5) is not present in table "b".' }))
    ).toMatchObject({ status: 400, rule: 'relation', field: 'bId' });
    expect(
      classifyDbError(pg('23503', 'update or delete on table "b" violates foreign key constraint "a_b_fk" on table "a"', { detail: 'Key (id)=(5) is still referenced from table "a".' }))
    ).toMatchObject({ status: 409, rule: 'in-use' });
  });

  it('23502 a missing value: 400 required naming the column', () => {
    expect(classifyDbError(pg('23502', 'null value in column "event_key" violates not-null constraint', { column: 'event_key' }))).toMatchObject({
      status: 400,
      rule: 'required',
      field: 'eventKey',
    });
  });

  it('the server\'s own faults stay unclassified (500): a lost connection, a deadlock, a syntax error', () => {
    expect(classifyDbError(pg('08006', 'connection failure'))).toBeNull();
    expect(classifyDbError(pg('40P01', 'deadlock detected'))).toBeNull();
    expect(classifyDbError(pg('42601', 'syntax error at or near "FROM"'))).toBeNull();
    expect(classifyDbError(new Error('something else'))).toBeNull();
    expect(classifyDbError(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }))).toBeNull();
    expect(classifyDbError(null)).toBeNull();
    expect(classifyDbError('a string')).toBeNull();
  });
});

describe('classifyDbError: SQLite and Strapi', () => {
  it('UNIQUE constraint failed: 409 naming the column as an attribute', () => {
    expect(classifyDbError(sqlite('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: whatsapp_messages.idempotency_key'))).toMatchObject({
      status: 409,
      name: 'ConflictError',
      rule: 'unique',
      field: 'idempotencyKey',
    });
    expect(classifyDbError(sqlite('SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed: t.id'))).toMatchObject({ status: 409, field: 'id' });
  });

  it('NOT NULL, FOREIGN KEY, CHECK, TOOBIG', () => {
    expect(classifyDbError(sqlite('SQLITE_CONSTRAINT_NOTNULL', 'NOT NULL constraint failed: t.event_key'))).toMatchObject({ status: 400, rule: 'required', field: 'eventKey' });
    expect(classifyDbError(sqlite('SQLITE_CONSTRAINT_FOREIGNKEY', 'FOREIGN KEY constraint failed'))).toMatchObject({ status: 409, rule: 'relation' });
    expect(classifyDbError(sqlite('SQLITE_CONSTRAINT_CHECK', 'CHECK constraint failed: x'))).toMatchObject({ status: 400, rule: 'check' });
    expect(classifyDbError(sqlite('SQLITE_TOOBIG', 'string or blob too big'))).toMatchObject({ status: 400, rule: 'max-length' });
    expect(classifyDbError(sqlite('SQLITE_BUSY', 'database is locked'))).toBeNull();
  });

  it("Strapi's NotNullError and date format errors", () => {
    const notNull = Object.assign(new Error('Not null constraint violation on column phone.'), { name: 'NotNullError', details: { column: 'phone' } });
    expect(classifyDbError(notNull)).toMatchObject({ status: 400, rule: 'required', field: 'phone' });
    expect(classifyDbError(Object.assign(new Error('Invalid format, expected an ISO compatible datetime'), { name: 'InvalidDatetimeFormat' }))).toMatchObject({
      status: 400,
      rule: 'date',
    });
  });

  it('looks through `cause`', () => {
    const wrapped = Object.assign(new Error('wrapped'), { cause: pg('23505', 'duplicate', { detail: 'Key (name)=(cita) already exists.' }) });
    expect(classifyDbError(wrapped)).toMatchObject({ status: 409, field: 'name' });
    expect(isUniqueViolation(wrapped)).toBe(true);
    expect(isUniqueViolation(pg('22001', 'value too long for type character varying(255)'))).toBe(false);
  });
});

describe('locating the culprit in the request', () => {
  it('columnToAttribute: snake_case columns to camelCase attributes', () => {
    expect(columnToAttribute('provider_message_id')).toBe('providerMessageId');
    expect(columnToAttribute(' "phone"')).toBe('phone');
  });

  it('findPath: the first value (or key) a test accepts, with its path', () => {
    expect(findPath({ data: { a: 'ok', b: ['x', 'bad\u0000'] } }, (v) => typeof v === 'string' && v.includes('\u0000'))).toEqual(['data', 'b', '1']);
    expect(findPath({ data: { 'k\u0000': 1 } }, (v) => typeof v === 'string' && v.includes('\u0000'))).toEqual(['data', 'k\u0000']);
    expect(findPath({ a: 1 }, () => false)).toBeNull();
  });

  it('an out-of-range id in the URL (404), in the body (field path without `data`), in the query (without `filters`)', () => {
    const outOfRange = classifyDbError(pg('22003', 'value "99999999999" is out of range for type integer'))!;
    expect(locate(outOfRange, { pathSegments: ['api', 'whatsapp', 'messages', '99999999999'] })).toEqual({ in: 'url' });
    expect(locate(outOfRange, { pathSegments: ['api', 'whatsapp', 'messages'], body: { data: { media: 99999999999 } } })).toEqual({ in: 'body', path: ['media'] });
    expect(locate(outOfRange, { pathSegments: ['api', 'whatsapp', 'messages'], query: { filters: { contact: '99999999999' } } })).toEqual({
      in: 'query',
      path: ['contact'],
    });
  });

  it('a NUL, a string too long, a date out of range: the field that carries it', () => {
    const nul = classifyDbError(pg('22021', 'invalid byte sequence for encoding "UTF8": 0x00'))!;
    expect(locate(nul, { body: { data: { to: '+52', body: 'ho\u0000la' } } })).toEqual({ in: 'body', path: ['body'] });
    const long = classifyDbError(pg('22001', 'value too long for type character varying(255)'))!;
    expect(locate(long, { body: { data: { related: { type: 'x'.repeat(256), id: '1' } } } })).toEqual({ in: 'body', path: ['related', 'type'] });
    // 255 characters is not too long, even in emoji (two UTF-16 units each).
    expect(locate(long, { body: { data: { name: '😀'.repeat(255) } } })).toBeNull();
    const date = classifyDbError(pg('22008', 'date/time field value out of range: "+275760-09-13T00:00:00.000+00:00"'))!;
    expect(locate(date, { body: { data: { sendAt: '+275760-09-13' } } })).toEqual({ in: 'body', path: ['sendAt'] });
    expect(locate(date, { query: { filters: { from: '-271821-04-20' } } })).toEqual({ in: 'query', path: ['from'] });
    expect(locate(date, { body: { data: { sendAt: '2030-01-01' } } })).toBeNull();
  });

  it('a duplicate is not looked for in the request (the database names the field)', () => {
    const duplicate = classifyDbError(pg('23505', 'duplicate', { detail: 'Key (phone)=(+525512345678) already exists.' }))!;
    expect(locate(duplicate, { body: { data: { phone: '+525512345678' } } })).toBeNull();
  });
});

describe('isUniqueViolation', () => {
  it('with a field: only a duplicate of that field (or of an unnamed one)', () => {
    const phone = pg('23505', 'duplicate', { detail: 'Key (phone)=(+525512345678) already exists.' });
    expect(isUniqueViolation(phone, 'phone')).toBe(true);
    expect(isUniqueViolation(phone, 'name')).toBe(false);
    expect(isUniqueViolation(sqlite('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: whatsapp_contacts.phone'), 'phone')).toBe(true);
    expect(isUniqueViolation(sqlite('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: whatsapp_contacts.name'), 'phone')).toBe(false);
    expect(isUniqueViolation(pg('23505', 'duplicate'), 'phone')).toBe(true);
  });
});

describe('isDatabaseUnavailable', () => {
  it('is true for a server restart, a refused or dropped connection and an exhausted pool', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('the database system is starting up'), { code: '57P03' }) }))).toBe(true);
  });

  it('is false for a statement the database refused', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('whatever'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
