import { yup, validateYupSchema } from '@strapi/utils';
import { CATEGORIES } from '../constants';
import { malformed } from '../utils/errors';

/**
 * Shapes of the inputs, checked at the boundary (unknown keys rejected): a malformed request is
 * a 400 naming the field; rules that need the database (valid phone, known template, consent…)
 * are checked by the services and answered 422.
 */
const scalar = yup.mixed().test('scalar', '${path} must be a string, number, boolean or date', (value) =>
  value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value) || value instanceof Date
);

export const variables = yup
  .object()
  .test('variables', 'variables must be an object of values (strings, numbers, booleans, nested objects)', (value) => {
    if (value === undefined || value === null) return true;
    const walk = (v: unknown, depth: number): boolean =>
      depth < 5 &&
      (scalar.isValidSync(v) || (typeof v === 'object' && v !== null && Object.values(v).every((x) => walk(x, depth + 1))));
    return walk(value, 0);
  });

/** An IANA time zone name (America/Mexico_City), as Intl knows them. */
const timeZone = (field: string) =>
  yup.string().test('tz', `${field} must be an IANA time zone such as America/Mexico_City`, (tz) => {
    if (!tz) return true;
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  });

/** A reference: a positive integer id, or a non-empty string (documentId, name, number). */
export const idLike = () =>
  yup
    .mixed()
    .test(
      'id',
      '${path} must be a positive integer id or a non-empty string',
      (v) => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v > 0) || (typeof v === 'string' && v.trim().length > 0)
    );

export const sendMessageSchema = yup
  .object({
    to: yup.string().trim().required('to is required (the recipient phone number)'),
    template: idLike().optional(),
    variables: variables.optional().default(undefined),
    body: yup.string().optional(),
    sendAt: yup.string().optional().nullable(),
    sender: idLike().optional(),
    category: yup.string().oneOf([...CATEGORIES]).optional(),
    media: yup.number().integer().positive().optional().nullable(),
    related: yup
      .object({ type: yup.string().trim().required(), id: idLike().required() })
      .noUnknown()
      .optional()
      .default(undefined),
    idempotencyKey: yup.string().trim().max(200).optional(),
  })
  .noUnknown(true, 'unknown field: ${unknown}')
  .test('template-or-body', 'give either template or body, not both', (value) => !(value?.template !== undefined && value?.body !== undefined))
  .test('template-or-body-required', 'give a template or a body', (value) => value?.template !== undefined || value?.body !== undefined);

const templateFields = {
  name: yup.string().trim().max(255),
  category: yup.string().oneOf(['marketing', 'utility', 'authentication']),
  language: yup.string().trim().max(20),
  body: yup.string(),
  mediaHeader: yup.string().oneOf(['none', 'document', 'image']),
  metaName: yup.string().trim().nullable(),
  metaLanguage: yup.string().trim().nullable(),
  metaParameters: yup.array(yup.string().trim().required()).nullable(),
  metaParameterFormat: yup.string().oneOf(['positional', 'named']),
  twilioContentSid: yup
    .string()
    .trim()
    .matches(/^HX[0-9a-fA-F]{32}$/, 'twilioContentSid must look like HX followed by 32 hex characters')
    .nullable(),
  twilioVariables: yup.object().nullable(),
  fallbackChannel: yup.string().oneOf(['none', 'sms', 'email']),
  createsFollowUp: yup.boolean(),
  active: yup.boolean(),
};

export const createTemplateSchema = yup
  .object({ ...templateFields, name: templateFields.name.required(), body: templateFields.body.required() })
  .noUnknown(true, 'unknown field: ${unknown}');
export const updateTemplateSchema = yup.object(templateFields).noUnknown(true, 'unknown field: ${unknown}');

export const previewSchema = yup.object({ variables: variables.optional().default({}) }).noUnknown(true, 'unknown field: ${unknown}');

const contactFields = {
  phone: yup.string().trim(),
  name: yup.string().trim().max(255).nullable(),
  email: yup.string().email().nullable(),
  locale: yup.string().trim().max(20).nullable(),
  timeZone: timeZone('timeZone').nullable(),
  // A list (`["vip"]`): a bare string is refused with 400, not silently dropped.
  tags: yup
    .array(yup.string().trim().required())
    .nullable()
    .test('list', 'tags must be a list of strings, e.g. ["vip"]', function isList() {
      // yup would cast a bare string away; what was sent decides (yup's typings omit originalValue).
      const sent = (this as unknown as { originalValue?: unknown }).originalValue;
      return sent === undefined || sent === null || Array.isArray(sent);
    }),
  relatedType: yup.string().nullable(),
  relatedId: yup.string().nullable(),
};
export const createContactSchema = yup
  .object({ ...contactFields, phone: contactFields.phone.required('phone is required') })
  .noUnknown(true, 'unknown field: ${unknown}');
export const updateContactSchema = yup.object(contactFields).noUnknown(true, 'unknown field: ${unknown}');

export const consentSchema = yup
  .object({
    purpose: yup.string().oneOf(['marketing', 'transactional']).required(),
    granted: yup.boolean().strict().required(),
    method: yup.string().oneOf(['form', 'csv', 'keyword', 'admin', 'api']).default('api'),
    evidence: yup.string().max(2000).nullable(),
  })
  .noUnknown(true, 'unknown field: ${unknown}');

export const settingsSchema = yup
  .object({
    sandbox: yup.boolean().strict(),
    defaultCountry: yup.string().matches(/^[A-Z]{2}$/, 'defaultCountry must be an ISO 3166 code such as MX'),
    transactionalConsent: yup.string().oneOf(['implicit', 'required']),
    optOutKeywords: yup.array(yup.string().trim().required()).min(1),
    optInKeywords: yup.array(yup.string().trim().required()).min(1),
    failureRateThreshold: yup.number().min(0).max(1),
    defaultTimeZone: timeZone('defaultTimeZone'),
    quietHoursStart: yup.string().nullable().matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'quietHoursStart must be HH:MM (24 h)', excludeEmptyString: true }),
    quietHoursEnd: yup.string().nullable().matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'quietHoursEnd must be HH:MM (24 h)', excludeEmptyString: true }),
    quietHoursTransactional: yup.boolean().strict(),
  })
  .noUnknown(true, 'unknown field: ${unknown}');

/**
 * Unknown keys are refused by name (the yup version Strapi ships strips them silently instead).
 * Walks nested object schemas too, e.g. `related.kind`.
 */
const rejectUnknown = (schema: yup.AnySchema, value: unknown, prefix = 'data') => {
  const fields = (schema as unknown as { fields?: Record<string, yup.AnySchema> }).fields;
  // An object schema without a shape (variables, twilioVariables) takes any keys.
  if (!fields || Object.keys(fields).length === 0 || !value || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (!(key in fields)) throw malformed(`${prefix}.${key}`.replace(/^data\./, ''), 'unknown', `unknown field: ${key}`);
    rejectUnknown(fields[key], child, `${prefix}.${key}`);
  }
};

/** Validates `ctx.request.body.data` (Strapi's `{ data }` envelope) against a schema. */
export const validateData = async <T>(schema: yup.AnySchema, body: unknown): Promise<T> => {
  if (!body || typeof body !== 'object' || !('data' in body) || typeof (body as { data: unknown }).data !== 'object' || (body as { data: unknown }).data === null) {
    throw malformed('data', 'required', 'The request body must be { "data": { … } }');
  }
  const data = (body as { data: unknown }).data;
  rejectUnknown(schema, data);
  return validateYupSchema(schema, { strict: false, abortEarly: true })(data) as Promise<T>;
};

export const pagination = (query: Record<string, any>) => {
  const source = query.pagination ?? query;
  const page = Math.max(1, Number.parseInt(source.page ?? '1', 10) || 1);
  const pageSize = Math.min(100, Math.max(1, Number.parseInt(source.pageSize ?? '25', 10) || 25));
  return { page, pageSize };
};

export const paginationMeta = (page: number, pageSize: number, total: number) => ({
  pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total },
});
