import { yup } from '@strapi/utils';
import { CONDITION_OPS } from '../automations/conditions';
import { anyObject, text } from './index';

/**
 * The shape of an automation (REST and admin API; the Content Manager and GraphQL pass the same
 * checks in gate/documents.ts). What needs the schemas and the templates (the content type
 * exists, a path is a field of it, every template variable is mapped) is the service's check: 422.
 */
export const TRIGGERS = ['field-change', 'created', 'date', 'manual'] as const;
export const ATTACHMENTS = ['none', 'pdf'] as const;
export const AUTOMATION_CATEGORIES = ['utility', 'marketing', 'authentication'] as const;

const condition = yup
  .object({
    field: text().required(),
    op: yup.string().oneOf([...CONDITION_OPS], 'op must be one of ${values}').required(),
    value: yup.mixed().optional(),
  })
  .noUnknown(true, 'unknown field: ${unknown}');

/** `nombre` → `customer.name` (a path on the record) or `{ value: 'Taller Ruiz' }` (fixed). */
const mapping = yup.mixed().test('mapping', 'variables must map each template variable to a field path ("customer.name") or to { "value": "fixed text" }', (value) => {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value as Record<string, unknown>).every(
    (v) => typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && 'value' in v && ['string', 'number', 'boolean'].includes(typeof (v as { value: unknown }).value))
  );
});

const fields = {
  name: text().max(120),
  enabled: yup.boolean().typeError('${path} must be true or false'),
  contentType: text().max(200),
  trigger: yup.string().oneOf([...TRIGGERS], 'trigger must be one of ${values}'),
  field: text().max(200).nullable(),
  fromValue: text().max(200).nullable(),
  toValue: text().max(200).nullable(),
  offsetDays: yup.number().typeError('${path} must be a whole number of days').integer('${path} must be a whole number of days').min(-365).max(365).nullable(),
  atTime: yup.string().matches(/^([01]\d|2[0-3]):[0-5]\d$/, 'atTime must be a time of day, HH:MM (e.g. 09:00)').nullable(),
  conditions: yup.array(condition).nullable().typeError('conditions must be a list of { field, op, value }'),
  recipient: text().max(200),
  template: text().max(200),
  variables: mapping,
  attachment: yup.string().oneOf([...ATTACHMENTS], 'attachment must be one of ${values}'),
  delayMinutes: yup.number().typeError('${path} must be a whole number of minutes').integer('${path} must be a whole number of minutes').min(0).max(60 * 24 * 30).nullable(),
  category: yup.string().oneOf([...AUTOMATION_CATEGORIES], 'category must be one of ${values}'),
  writeBack: text().max(200).nullable(),
};

export const createAutomationSchema = yup
  .object({ ...fields, name: fields.name.required(), contentType: fields.contentType.required(), recipient: fields.recipient.required(), template: fields.template.required() })
  .noUnknown(true, 'unknown field: ${unknown}');
export const updateAutomationSchema = yup.object(fields).noUnknown(true, 'unknown field: ${unknown}');

export const manualSendSchema = yup
  .object({
    documentId: text().required(),
    variables: anyObject('variables').nullable().optional(),
    idempotencyKey: text().max(120).nullable().optional(),
  })
  .noUnknown(true, 'unknown field: ${unknown}');

/**
 * `POST /automations/:id/preview { data: { documentId, automation? } }`: a saved rule, with the
 * editor's unsaved changes (`automation`, any subset) over it. `POST /automations/preview` takes
 * a whole draft: what a rule needs to be read (type, number, template), not its name.
 */
export const previewSchema = yup
  .object({
    documentId: text().required(),
    automation: updateAutomationSchema.default(undefined).optional(),
  })
  .noUnknown(true, 'unknown field: ${unknown}');
export const draftPreviewSchema = yup
  .object({
    documentId: text().required(),
    automation: yup
      .object({ ...fields, contentType: fields.contentType.required(), recipient: fields.recipient.required(), template: fields.template.required() })
      .noUnknown(true, 'unknown field: ${unknown}')
      .default(undefined)
      .required(),
  })
  .noUnknown(true, 'unknown field: ${unknown}');
