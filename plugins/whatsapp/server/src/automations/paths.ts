/**
 * Paths into a business record (`customer.phone`, `vehicle.plate`, `total`), checked against the
 * content type's schema when a rule is saved and read from the record when it fires. Relations
 * and single components are followed; what a path needs populated is derived from it, so a rule
 * loads exactly the relations it reads.
 */

/** The part of a Strapi schema a path walks: attributes, with relation targets and components. */
export interface SchemaAttribute {
  type: string;
  target?: string;
  component?: string;
  repeatable?: boolean;
  relation?: string;
  enum?: string[];
}
export type SchemaLookup = (uid: string) => { attributes: Record<string, SchemaAttribute> } | undefined;

export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

/** Relations that hold many records: a path through them has no single value. */
const MANY = /ToMany$|^manyWay$/;
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_DEPTH = 4;

/** What a path ends on: the attribute, and the type it belongs to. */
export interface ResolvedPath {
  attribute: SchemaAttribute;
  ownerUid: string;
}

/** Checks that `path` names a single value on `uid` (following relations and components). */
export function resolvePath(schemaOf: SchemaLookup, uid: string, path: string): ResolvedPath {
  const segments = String(path).split('.');
  if (!path || segments.length > MAX_DEPTH || segments.some((s) => !SEGMENT.test(s))) {
    throw new PathError(`"${path}" is not a field path (names joined by dots, at most ${MAX_DEPTH} deep)`);
  }
  let owner = uid;
  for (let i = 0; i < segments.length; i += 1) {
    const schema = schemaOf(owner);
    const name = segments[i];
    const attribute = schema && Object.prototype.hasOwnProperty.call(schema.attributes, name) ? schema.attributes[name] : undefined;
    if (!attribute) throw new PathError(`${owner} has no field "${name}"${i > 0 ? ` (in "${path}")` : ''}`);
    const last = i === segments.length - 1;
    if (attribute.type === 'relation') {
      if (attribute.relation && MANY.test(attribute.relation)) throw new PathError(`"${segments.slice(0, i + 1).join('.')}" holds many records: a path must lead to one value`);
      if (last) return { attribute, ownerUid: owner };
      owner = attribute.target ?? '';
      continue;
    }
    if (attribute.type === 'component') {
      if (attribute.repeatable) throw new PathError(`"${segments.slice(0, i + 1).join('.')}" is a list: a path must lead to one value`);
      if (last) return { attribute, ownerUid: owner };
      owner = attribute.component ?? '';
      continue;
    }
    if (!last) throw new PathError(`"${segments.slice(0, i + 1).join('.')}" is a ${attribute.type}, it has no field "${segments[i + 1]}"`);
    return { attribute, ownerUid: owner };
  }
  throw new PathError(`"${path}" is not a field path`);
}

export type Populate = { [name: string]: true | { populate: Populate } };

/** The populate tree the document service needs to read every path (relations and components). */
export function populateFor(schemaOf: SchemaLookup, uid: string, paths: string[]): Populate {
  const tree: Populate = {};
  for (const path of paths) {
    const segments = path.split('.');
    let owner = uid;
    let node = tree;
    for (let i = 0; i < segments.length; i += 1) {
      const attribute = schemaOf(owner)?.attributes[segments[i]];
      if (!attribute || (attribute.type !== 'relation' && attribute.type !== 'component' && attribute.type !== 'media')) break;
      const last = i === segments.length - 1;
      if (last) {
        if (!node[segments[i]]) node[segments[i]] = true;
        break;
      }
      const existing = node[segments[i]];
      const child: { populate: Populate } = existing && existing !== true ? existing : { populate: {} };
      node[segments[i]] = child;
      node = child.populate;
      owner = (attribute.type === 'relation' ? attribute.target : attribute.component) ?? '';
    }
  }
  return compact(tree);
}

/** `{ customer: { populate: {} } }` → `{ customer: true }`: a relation read for its own fields. */
const compact = (tree: Populate): Populate =>
  Object.fromEntries(Object.entries(tree).map(([name, node]) => [name, node === true || !Object.keys(node.populate).length ? true : { populate: compact(node.populate) }]));

/** The value at `path` in a record read with `populateFor` (undefined when a link is missing). */
export function valueAt(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const segment of path.split('.')) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = Object.prototype.hasOwnProperty.call(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return value;
}
