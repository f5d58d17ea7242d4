/**
 * Raw SQL on the plugin's tables, for the hot paths (dispatcher, webhooks, fan-out). Table and
 * column names come from Strapi's metadata, never guessed.
 */
type Uid = Parameters<typeof strapi.db.metadata.get>[0];

export const tableOf = (uid: string) => strapi.db.metadata.get(uid as Uid).tableName;

export const columnOf = (uid: string, attribute: string): string => {
  const attr = strapi.db.metadata.get(uid as Uid).attributes[attribute] as { columnName?: string } | undefined;
  if (!attr) throw new Error(`${uid} has no attribute ${attribute}`);
  return attr.columnName ?? attribute;
};

/** `{ dueAt: x }` → `{ due_at: x }` */
export const toColumns = (uid: string, data: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(data).map(([key, value]) => [columnOf(uid, key), value]));

/** A raw row back to attribute names (`due_at` → `dueAt`). */
export const fromColumns = <T = Record<string, unknown>>(uid: string, row: Record<string, unknown>): T => {
  const attributes = strapi.db.metadata.get(uid as Uid).attributes as Record<string, { columnName?: string }>;
  const byColumn = new Map(Object.entries(attributes).map(([name, attr]) => [attr.columnName ?? name, name]));
  return Object.fromEntries(Object.entries(row).map(([column, value]) => [byColumn.get(column) ?? column, value])) as T;
};

export const isPostgres = () => strapi.db.dialect.client === 'postgres';
