import { yup } from '@strapi/utils';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { CATEGORIES } from '../constants';
import { isKnownCurrency, isValidLocale, isValidTimeZone } from '../lib/locale';
import { malformed } from '../utils/errors';
import { MAX_ROW_ID } from '../utils/document-id';

/**
 * Shapes of the inputs, checked at the boundary (unknown keys rejected): a malformed request is
 * a 400 naming the field and the rule; rules that need the database (valid phone, known
 * template, consent…) are checked by the services and answered 422.
 *
 * Before yup sees a request body, `validateData` checks what yup would trip over: nesting deeper
 * than MAX_DEPTH, keys the schema does not have (`constructor` and `toString` included), a list or
 * an object where text goes, text no database column can store. yup then checks the rules.
 */

/** Deepest a request's `data` may nest (data.variables.cliente.direccion … counts each level). */
export const MAX_DEPTH = 12;
/** Deepest `variables` may nest (variables.cliente.direccion.calle is 4). */
export const MAX_VARIABLES_DEPTH = 5;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/**
 * A text field: only a string is text. yup's `.trim()` calls `value.trim()` on whatever it is
 * given (a list, an object: 500); this trims strings and leaves anything else for the type check.
 */
export const text = () =>
  yup
    .string()
    .typeError('${path} must be a string')
    .transform((value: unknown) => (typeof value === 'string' ? value.trim() : value));
/** Text kept as typed (a message body: leading spaces may be meant). */
export const rawText = () => yup.string().typeError('${path} must be a string');

const scalar = (v: unknown) => v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v) || v instanceof Date;

/** True when `value` is made of scalars, lists and objects, no deeper than `maxDepth` levels. Iterative. */
const isValueTree = (value: unknown, maxDepth: number): boolean => {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (scalar(v)) continue;
    if (typeof v !== 'object' || v === null || depth >= maxDepth) return false;
    for (const item of Object.values(v)) stack.push([item, depth + 1]);
  }
  return true;
};

/**
 * Template variables: an object of names to values (text, numbers, booleans, lists, nested
 * objects). Any name is an ordinary key, `constructor` and `toString` included: it is read as an
 * own property, never from the prototype (a yup object schema would look such names up as fields).
 */
export const variables = yup
  .mixed()
  .test(
    'variables',
    `variables must be an object of values (strings, numbers, booleans, nested objects, at most ${MAX_VARIABLES_DEPTH} levels deep)`,
    (value: unknown) => value === undefined || value === null || (isPlainObject(value) && isValueTree(value, MAX_VARIABLES_DEPTH))
  );

/**
 * An object of any keys (a campaign's variable mapping, an audience's filters): a plain object,
 * never cast by yup. The yup Strapi ships casts a shapeless `yup.object()` key by key and looks
 * each key up as a field, so a key every object has (`constructor`) crashed it: a 500.
 */
export const anyObject = (field: string) =>
  yup.mixed<Record<string, unknown>>().test('object', `${field} must be an object`, (value: unknown) => value === undefined || value === null || isPlainObject(value));

/** An IANA time zone name (America/Mexico_City), as Intl knows them. */
const timeZone = (field: string) =>
  text().test('tz', `${field} must be an IANA time zone such as America/Mexico_City`, (tz) => !tz || isValidTimeZone(tz));

/** A BCP 47 language tag (es-MX, en, pt-BR), as Intl reads them: dates and numbers are formatted with it. */
const locale = (field: string) =>
  text()
    .max(35)
    .test('locale', `${field} must be a BCP 47 language tag such as es-MX`, (tag) => !tag || isValidLocale(tag));

/** A reference: a positive integer id, or a non-empty string (documentId, name, number). */
export const idLike = () =>
  yup
    .mixed()
    .test(
      'id',
      '${path} must be a positive integer id or a non-empty string',
      (v) =>
        v === undefined ||
        (typeof v === 'number' && Number.isInteger(v) && v > 0) ||
        (typeof v === 'string' && v.trim().length > 0 && v.length <= 255)
    );

/** An object of names to text (Twilio's `{ "1": "nombre" }`), or null. */
const textRecord = (field: string) =>
  yup
    .mixed()
    .nullable()
    .test('text-record', `${field} must be an object of names to variable names, e.g. { "1": "nombre" }`, function check(value: unknown) {
      if (value === undefined || value === null) return true;
      if (!isPlainObject(value)) return false;
      for (const [key, item] of Object.entries(value)) {
        if (typeof item !== 'string') return this.createError({ path: `${field}.${key}`, message: `${field}.${key} must be a string` });
      }
      return true;
    });

export const sendMessageSchema = yup
  .object({
    to: text().required('to is required (the recipient phone number)'),
    template: idLike().optional(),
    variables: variables.optional().default(undefined),
    body: rawText().optional(),
    sendAt: text().optional().nullable(),
    sender: idLike().optional(),
    category: text().oneOf([...CATEGORIES]).optional(),
    media: yup.number().integer().positive().optional().nullable(),
    related: yup
      .object({ type: text().max(255).required(), id: idLike().required() })
      .noUnknown()
      .optional()
      .default(undefined),
    idempotencyKey: text().max(200).optional(),
  })
  .noUnknown(true, 'unknown field: ${unknown}')
  .test('template-or-body', 'give either template or body, not both', (value) => !(value?.template !== undefined && value?.body !== undefined))
  .test('template-or-body-required', 'give a template or a body', (value) => value?.template !== undefined || value?.body !== undefined);

const templateFields = {
  name: text().max(255),
  category: text().oneOf(['marketing', 'utility', 'authentication']),
  language: text().max(20),
  body: rawText(),
  mediaHeader: text().oneOf(['none', 'document', 'image']),
  metaName: text().nullable(),
  metaLanguage: text().nullable(),
  metaParameters: yup.array(text().required()).nullable(),
  metaParameterFormat: text().oneOf(['positional', 'named']),
  twilioContentSid: text()
    .matches(/^HX[0-9a-fA-F]{32}$/, 'twilioContentSid must look like HX followed by 32 hex characters')
    .nullable(),
  twilioVariables: textRecord('twilioVariables'),
  fallbackChannel: text().oneOf(['none', 'sms', 'email']),
  createsFollowUp: yup.boolean(),
  active: yup.boolean(),
};

export const createTemplateSchema = yup
  .object({ ...templateFields, name: templateFields.name.required(), body: templateFields.body.required() })
  .noUnknown(true, 'unknown field: ${unknown}');
export const updateTemplateSchema = yup.object(templateFields).noUnknown(true, 'unknown field: ${unknown}');

/** `body`: a draft to render instead of the stored one (the editor's live preview, before saving). */
export const previewSchema = yup
  .object({ variables: variables.optional().default({}), body: rawText().optional() })
  .noUnknown(true, 'unknown field: ${unknown}');
/** A template not saved yet: its body is required. */
export const draftPreviewSchema = yup
  .object({ variables: variables.optional().default({}), body: rawText().required('body is required: the text to preview') })
  .noUnknown(true, 'unknown field: ${unknown}');

const contactFields = {
  phone: text(),
  name: text().max(255).nullable(),
  email: text().email().nullable(),
  locale: locale('locale').nullable(),
  timeZone: timeZone('timeZone').nullable(),
  // A list (`["vip"]`): a bare string is refused with 400, not silently dropped.
  tags: yup
    .array(text().required())
    .nullable()
    .test('list', 'tags must be a list of strings, e.g. ["vip"]', function isList() {
      // yup would cast a bare string away; what was sent decides (yup's typings omit originalValue).
      const sent = (this as unknown as { originalValue?: unknown }).originalValue;
      return sent === undefined || sent === null || Array.isArray(sent);
    }),
  relatedType: text().nullable(),
  relatedId: text().nullable(),
  // Per-contact values (an import's extra columns): names to text; on update merged, null removes a name.
  fields: yup
    .mixed()
    .nullable()
    .test('fields', 'fields must be an object of names to text, e.g. { "placa": "ABC-123" }', (value: unknown) => {
      if (value === undefined || value === null) return true;
      if (!isPlainObject(value)) return false;
      return Object.entries(value).every(([key, item]) => key.length <= 100 && (item === null || (typeof item === 'string' && item.length <= 2000)));
    }),
};
export const createContactSchema = yup
  .object({ ...contactFields, phone: contactFields.phone.required('phone is required') })
  .noUnknown(true, 'unknown field: ${unknown}');
export const updateContactSchema = yup.object(contactFields).noUnknown(true, 'unknown field: ${unknown}');

export const consentSchema = yup
  .object({
    purpose: text().oneOf(['marketing', 'transactional']).required(),
    granted: yup.boolean().strict().required(),
    method: text().oneOf(['form', 'csv', 'keyword', 'admin', 'api']).default('api'),
    evidence: rawText().max(2000).nullable(),
  })
  .noUnknown(true, 'unknown field: ${unknown}');

/** Optional text up to `max` characters; empty (after trimming) is stored as null. */
const optionalText = (field: string, max: number) =>
  text()
    .nullable()
    .max(max, `${field} must be at most ${max} characters`)
    .transform((value: unknown) => (value === '' ? null : value));

const clock = (field: string) =>
  text().nullable().matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: `${field} must be HH:MM (24 h)`, excludeEmptyString: true });

/**
 * POST /contacts/:id/erase: `confirm` names the contact (its phone number, user id, id or
 * documentId); whether it does is the privacy service's to say (400 naming `confirm` too).
 */
export const eraseSchema = yup
  .object({
    confirm: yup
      .mixed()
      .test('confirm', 'confirm must be the contact’s phone number or id (text or a number)', (v) => v === undefined || v === null || typeof v === 'string' || typeof v === 'number'),
  })
  .noUnknown(true, 'unknown field: ${unknown}');

/** The longest retention period taken (a century): anything longer is a typo. */
export const MAX_RETENTION_DAYS = 36_500;
/** Providers repeat a webhook delivery for up to 7 days (services/webhooks.ts MIN_RETENTION_DAYS). */
const MIN_WEBHOOK_RETENTION_DAYS = 7;

/** Whole days: 0 keeps forever, else from `min` to MAX_RETENTION_DAYS; null goes back to the default. */
const retentionDaysField = (field: string, min: number, why = '') => {
  const rule = `${field} must be 0 (keep forever) or a whole number of days from ${min} to ${MAX_RETENTION_DAYS}${why}`;
  return yup
    .number()
    .strict()
    .typeError(rule)
    .integer(rule)
    .test('range', rule, (n) => n === undefined || n === null || n === 0 || (n >= min && n <= MAX_RETENTION_DAYS))
    // null: back to the default (WHATSAPP_WEBHOOK_RETENTION_DAYS; message texts kept).
    .nullable();
};
/** An alert threshold in minutes: a whole number up to a week; 0 switches the alert off. */
const alertMinutes = (field: string) =>
  yup
    .number()
    .typeError(`${field} must be a whole number of minutes from 0 to 10080 (0: no alert)`)
    .integer(`${field} must be a whole number of minutes from 0 to 10080 (0: no alert)`)
    .min(0, `${field} must be a whole number of minutes from 0 to 10080 (0: no alert)`)
    .max(10_080, `${field} must be a whole number of minutes from 0 to 10080 (0: no alert)`);

export const settingsSchema = yup
  .object({
    sandbox: yup.boolean().strict(),
    defaultCountry: text()
      .matches(/^[A-Z]{2}$/, 'defaultCountry must be an ISO 3166 code such as MX')
      .test('country', 'defaultCountry must be a country with a phone numbering plan, such as MX', (code) => !code || isSupportedCountry(code)),
    transactionalConsent: text().oneOf(['implicit', 'required']),
    optOutKeywords: yup.array(text().required()).min(1),
    optInKeywords: yup.array(text().required()).min(1),
    failureRateThreshold: yup.number().min(0).max(1),
    defaultTimeZone: timeZone('defaultTimeZone'),
    quietHoursStart: clock('quietHoursStart'),
    quietHoursEnd: clock('quietHoursEnd'),
    quietHoursTransactional: yup.boolean().strict(),
    // The business as the PDF documents show it; null or '' clears a field.
    businessName: optionalText('businessName', 120),
    businessAddress: optionalText('businessAddress', 500),
    businessTaxId: optionalText('businessTaxId', 40),
    // Which file it is (exists, PNG or JPEG) needs the database: checked by the settings service (422).
    businessLogo: yup
      .number()
      .typeError('businessLogo must be a media library file id (a positive integer) or null')
      .integer('businessLogo must be a media library file id (a positive integer) or null')
      .min(1, 'businessLogo must be a media library file id (a positive integer) or null')
      .max(MAX_ROW_ID, `businessLogo must be a file id of at most ${MAX_ROW_ID}`)
      .nullable(),
    currency: text()
      .uppercase()
      .matches(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as MXN')
      .test('currency', 'currency must be a currency Intl knows (ISO 4217), such as MXN, COP or ARS', (code) => !code || isKnownCurrency(code)),
    taxRate: yup
      .number()
      .typeError('taxRate must be a percent between 0 and 100, or null for no tax')
      .min(0, 'taxRate must be a percent between 0 and 100, or null for no tax')
      .max(100, 'taxRate must be a percent between 0 and 100, or null for no tax')
      // Stored as decimal(10, 2): a third decimal would be rounded away silently.
      .test('decimals', 'taxRate must have at most 2 decimal places', (n) => n === null || n === undefined || Number.isInteger(Number((n * 100).toFixed(6))))
      .nullable(),
    // How long personal data is kept (services/retention.ts): each period on its own.
    retention: yup
      .object({
        messageBodyDays: retentionDaysField('retention.messageBodyDays', 1),
        webhookEventDays: retentionDaysField('retention.webhookEventDays', MIN_WEBHOOK_RETENTION_DAYS, ' (Meta repeats a delivery for up to 7 days)'),
      })
      .noUnknown(true, 'unknown field: ${unknown}')
      .default(undefined),
    // The alert channel (services/alerts.ts): '' or null = no email, the admin banner only.
    alertEmail: text()
      .nullable()
      .transform((value: unknown) => (value === '' ? null : value))
      .max(255, 'alertEmail must be at most 255 characters')
      .email('alertEmail must be an email address such as ops@example.com, or empty'),
    alertQueueAgeMinutes: alertMinutes('alertQueueAgeMinutes'),
    alertWebhookSilenceMinutes: alertMinutes('alertWebhookSilenceMinutes'),
  })
  .noUnknown(true, 'unknown field: ${unknown}');

// ---------------------------------------------------------------------------------------------
// The checks before yup.

type Schema = yup.AnySchema & { type?: string; fields?: Record<string, yup.AnySchema>; innerType?: yup.AnySchema };

const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

/** Text any column can store: no NUL (PostgreSQL refuses it), no broken UTF-16. */
const checkStorable = (path: string, value: string) => {
  if (value.includes(NUL)) throw malformed(path, 'no-nul', `${path} must not contain the NUL character (\\u0000)`);
  if (LONE_SURROGATE.test(value)) throw malformed(path, 'unicode', `${path} contains a broken character (a lone UTF-16 surrogate)`);
};

/**
 * Walks `data` once, without recursion (a body nested 10,000 levels must not overflow the
 * stack): refuses nesting deeper than MAX_DEPTH, naming the top-level field, and text (values
 * and keys) no database can store.
 */
const checkTree = (data: Record<string, unknown>) => {
  const stack: Array<{ value: unknown; path: string; depth: number; field: string }> = Object.entries(data).map(([key, value]) => ({
    value,
    path: key,
    depth: 1,
    field: key,
  }));
  while (stack.length) {
    const { value, path, depth, field } = stack.pop()!;
    if (typeof value === 'string') {
      checkStorable(path, value);
      continue;
    }
    if (typeof value !== 'object' || value === null || value instanceof Date) continue;
    if (depth >= MAX_DEPTH) throw malformed(field, 'depth', `${field} is nested too deeply (at most ${MAX_DEPTH} levels)`);
    for (const [key, item] of Object.entries(value)) {
      const itemPath = `${path}.${key}`;
      checkStorable(itemPath, key);
      stack.push({ value: item, path: itemPath, depth: depth + 1, field });
    }
  }
};

const SCALAR_TYPES: Record<string, string> = { number: 'a number', boolean: 'true or false', date: 'a date' };

/**
 * Refuses, by name, what the schema does not take: unknown keys (own keys only, so `constructor`
 * is unknown like any other name; the yup version Strapi ships would strip them silently, or
 * crash on a prototype name), and anything but a string where text goes (also in lists of text).
 * Walks nested object schemas too, e.g. `related.kind`.
 */
const checkShape = (schema: Schema, value: unknown, prefix: string) => {
  const at = (key: string | number) => (prefix ? `${prefix}.${key}` : String(key));
  if (value === undefined || value === null) return;
  if (schema.type === 'string') {
    if (typeof value !== 'string') throw malformed(prefix, 'string', `${prefix} must be a string, not ${kindOf(value)}`);
    return;
  }
  // yup casts numbers, booleans and dates with String()/Number(): an object whose own `toString`
  // is not a function throws a TypeError there. Only a value that is not a list or an object gets that far.
  if (SCALAR_TYPES[schema.type ?? ''] && typeof value === 'object' && !(value instanceof Date)) {
    throw malformed(prefix, 'type', `${prefix} must be ${SCALAR_TYPES[schema.type ?? '']}, not ${kindOf(value)}`);
  }
  if (schema.type === 'array') {
    if (!Array.isArray(value) || !schema.innerType) return;
    // Each item against the item's shape: a list of objects (an automation's conditions) has the
    // same `constructor` trap as the body itself.
    value.forEach((item, i) => checkShape(schema.innerType as Schema, item, at(i)));
    return;
  }
  const fields = schema.fields;
  // An object schema without a shape takes any keys; mixed schemas check themselves.
  if (schema.type !== 'object' || !fields || Object.keys(fields).length === 0) return;
  if (!isPlainObject(value)) throw malformed(prefix || 'data', 'object', `${prefix || 'data'} must be an object, not ${kindOf(value)}`);
  for (const key of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(fields, key)) throw malformed(at(key), 'unknown', `unknown field: ${key}`);
    checkShape(fields[key] as Schema, value[key], at(key));
  }
};

/** yup's names for its checks → the rule the API reports. */
const RULES: Record<string, string> = { typeError: 'type', oneOf: 'one-of', noUnknown: 'unknown', matches: 'format', nullable: 'required', optionality: 'required' };

/** `metaParameters[0]` / `a["b"]` (yup) → `metaParameters.0` / `a.b`. */
const dotted = (path: string) => path.replace(/\[(?:"([^"]*)"|(\d+))\]/g, (_m, key: string | undefined, index: string | undefined) => `.${key ?? index}`).replace(/^\./, '');

/** A yup error as the API reports every malformed input: path, message and rule, not the value sent. */
const fromYup = (error: yup.ValidationError) => {
  const first = error.inner?.[0] ?? error;
  const path = first.path ? dotted(first.path) : 'data';
  const type = typeof first.type === 'string' ? first.type : 'invalid';
  return malformed(path, RULES[type] ?? type, first.message || error.message);
};

/** Validates `ctx.request.body.data` (Strapi's `{ data }` envelope) against a schema. */
export const validateData = async <T>(schema: yup.AnySchema, body: unknown): Promise<T> => {
  if (!body || typeof body !== 'object' || !('data' in body) || !isPlainObject((body as { data: unknown }).data)) {
    throw malformed('data', 'required', 'The request body must be { "data": { … } }');
  }
  const data = (body as { data: Record<string, unknown> }).data;
  checkTree(data);
  checkShape(schema as Schema, data, '');
  try {
    return (await schema.validate(data, { strict: false, abortEarly: true })) as T;
  } catch (error) {
    if (error instanceof yup.ValidationError) throw fromYup(error);
    throw error;
  }
};

// ---------------------------------------------------------------------------------------------
// Query strings of the list endpoints.

/** Highest page a list answers: beyond it the offset would not fit the databases' integer. */
export const MAX_PAGE = 1_000_000;

export const pagination = (query: unknown) => {
  const given = isPlainObject(query) ? query : {};
  const source = isPlainObject(given.pagination) ? given.pagination : given;
  const number = (value: unknown, fallback: number) => {
    const parsed = typeof value === 'string' || typeof value === 'number' ? Number.parseInt(String(value), 10) : Number.NaN;
    return Number.isFinite(parsed) ? parsed : fallback;
  };
  const page = Math.max(1, number(source.page, 1));
  const pageSize = Math.min(100, Math.max(1, number(source.pageSize, 25)));
  if (page > MAX_PAGE) throw malformed('pagination.page', 'max', `pagination.page must be at most ${MAX_PAGE}`);
  return { page, pageSize };
};

export const paginationMeta = (page: number, pageSize: number, total: number) => ({
  pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total },
});

/** Strapi parses `filters[x]=…` into an object; plain `x=…` is accepted too. */
export const filtersOf = (query: unknown): Record<string, unknown> => {
  if (!isPlainObject(query)) return {};
  return isPlainObject(query.filters) ? query.filters : query;
};

/**
 * One filter's value from the query string. Our lists filter by exact value: `filters[x]=v`
 * (or `filters[x][$eq]=v`). Any other operator (`filters[x][$foo]=1`), a list or a nested object
 * is a 400 naming the filter and what is wrong with it, never a query the database refuses.
 */
export const filterText = (value: unknown, field: string): string | undefined => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string') {
    checkStorable(`filters.${field}`, value);
    return value;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$eq') return filterText(value.$eq, field);
    const operator = keys.find((key) => key.startsWith('$'));
    if (operator) {
      throw malformed(
        `filters.${field}.${operator}`,
        'operator',
        `filters[${field}][${operator}]: unknown filter operator ${operator}; ${field} is filtered by its exact value, e.g. filters[${field}]=…`
      );
    }
    const key = keys[0] ?? '';
    throw malformed(`filters.${field}.${key}`, 'unknown', `filters[${field}][${key}] is not a filter: ${field} takes a single value`);
  }
  throw malformed(`filters.${field}`, 'string', `filters[${field}] must be a single value, not ${kindOf(value)}`);
};

/** A filter that takes several values: `filters[x]=a,b`, `filters[x][0]=a&filters[x][1]=b` or `filters[x][$in][0]=a`. */
export const filterList = (value: unknown, field: string): string[] | undefined => {
  const list = isPlainObject(value) && Object.keys(value).length === 1 && Array.isArray(value.$in) ? value.$in : value;
  if (Array.isArray(list)) {
    if (list.length > 100) throw malformed(`filters.${field}`, 'max', `filters[${field}] takes at most 100 values`);
    const values = list.map((item, i) => filterText(item, `${field}.${i}`)).filter((item): item is string => item !== undefined);
    return values.length ? values : undefined;
  }
  const given = filterText(list, field);
  return given === undefined ? undefined : given.split(',');
};

/** `filters[x]=true|false` (and 1|0 where `digits` allows them). */
export const filterBool = (value: unknown, field: string, { digits = false } = {}): boolean | undefined => {
  const given = filterText(value, field);
  if (given === undefined) return undefined;
  if (given === 'true' || (digits && given === '1')) return true;
  if (given === 'false' || (digits && given === '0')) return false;
  throw malformed(`filters.${field}`, 'boolean', `filters[${field}] must be true or false`);
};

/** `filters[x]=<id>`: a positive integer that fits an id column. */
export const filterId = (value: unknown, field: string): number | undefined => {
  const given = filterText(value, field);
  if (given === undefined) return undefined;
  const n = Number(given);
  if (!/^\s*\d+\s*$/.test(given) || !Number.isSafeInteger(n) || n <= 0 || n > 2_147_483_647) {
    throw malformed(`filters.${field}`, 'integer', `filters[${field}] must be a positive integer id`);
  }
  return n;
};

/** `filters[x]=<one of…>`. */
export const filterOneOf = <T extends string>(value: unknown, field: string, allowed: readonly T[]): T | undefined => {
  const given = filterText(value, field);
  if (given === undefined) return undefined;
  const found = allowed.find((option) => option === given);
  if (!found) throw malformed(`filters.${field}`, 'one-of', `filters[${field}] must be one of ${allowed.join(', ')}`);
  return found;
};

/** `filters[x]=<ISO 8601 date>`. */
export const filterDate = (value: unknown, field: string): Date | undefined => {
  const given = filterText(value, field);
  if (given === undefined) return undefined;
  const date = new Date(given);
  const time = date.getTime();
  // Years 1970–9999: what both databases store and compare.
  if (Number.isNaN(time) || time < 0 || time > Date.UTC(9999, 11, 31, 23, 59, 59, 999)) {
    throw malformed(`filters.${field}`, 'date', `filters[${field}] must be an ISO 8601 date`);
  }
  return date;
};
