/**
 * The values a rule can name on a content type, for the admin's pickers: the type's own fields
 * and those one relation or component away (`customer.phone`, `vehicle.plate`), each a path
 * `resolvePath` accepts. Deeper paths are valid too (typed by hand, over the API); the pickers
 * offer the ones people use.
 */
import type { AutomationField } from '../../../shared/automations';
import type { SchemaAttribute, SchemaLookup } from './paths';

/** Attribute types that hold one value a rule can compare, send or map. */
const VALUE_TYPES = new Set(['string', 'text', 'richtext', 'email', 'uid', 'enumeration', 'boolean', 'integer', 'biginteger', 'decimal', 'float', 'date', 'datetime', 'time']);
/** Strapi's bookkeeping: not business data. */
const HIDDEN = new Set(['id', 'documentId', 'locale', 'localizations', 'publishedAt', 'createdBy', 'updatedBy']);
/** Relations to many records have no single value (paths.ts refuses them). */
const MANY = /ToMany$|^manyWay$/;

type Attribute = SchemaAttribute & { private?: boolean; visible?: boolean };

const valueField = (name: string, attribute: Attribute): AutomationField | null => {
  if (!VALUE_TYPES.has(attribute.type) || attribute.private || attribute.visible === false) return null;
  return attribute.enum ? { name, type: attribute.type, enum: [...attribute.enum] } : { name, type: attribute.type };
};

/** Where a single relation (to another business type) or a single component leads, else null. */
const hop = (attribute: Attribute): string | null => {
  if (attribute.type === 'relation' && attribute.target?.startsWith('api::') && !(attribute.relation && MANY.test(attribute.relation))) return attribute.target;
  if (attribute.type === 'component' && !attribute.repeatable && attribute.component) return attribute.component;
  return null;
};

/** The type's own value fields in schema order, then each relation's or component's. */
export function fieldsOf(schemaOf: SchemaLookup, uid: string): AutomationField[] {
  const attributes = Object.entries((schemaOf(uid)?.attributes ?? {}) as Record<string, Attribute>).filter(([name]) => !HIDDEN.has(name));
  const own = attributes.map(([name, attribute]) => valueField(name, attribute)).filter((f): f is AutomationField => f !== null);
  const linked = attributes.flatMap(([name, attribute]) => {
    const target = hop(attribute);
    if (!target) return [];
    return Object.entries((schemaOf(target)?.attributes ?? {}) as Record<string, Attribute>)
      .filter(([inner]) => !HIDDEN.has(inner))
      .map(([inner, innerAttribute]) => valueField(`${name}.${inner}`, innerAttribute))
      .filter((f): f is AutomationField => f !== null);
  });
  return [...own, ...linked];
}

/**
 * The field the record is known by when the Content Manager has no setting for it: a name, a
 * title or a number, else the first text field, else the documentId.
 */
export function guessMainField(fields: AutomationField[]): string {
  const own = fields.filter((f) => !f.name.includes('.'));
  const named = ['name', 'title', 'number', 'subject', 'code', 'plate'].find((n) => own.some((f) => f.name === n && f.type === 'string'));
  return named ?? own.find((f) => f.type === 'string')?.name ?? 'documentId';
}
