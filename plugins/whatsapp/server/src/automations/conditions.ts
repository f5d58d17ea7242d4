/**
 * A rule's conditions: declarative filters on the record, never code. All must hold.
 *   { field: 'state', op: 'eq', value: 'COMPLETED' }
 *   { field: 'customer.country', op: 'in', value: ['MX', 'CO'] }
 *   { field: 'customer.phone', op: 'notEmpty' }
 */
import { valueAt } from './paths';

export const CONDITION_OPS = ['eq', 'ne', 'in', 'notIn', 'empty', 'notEmpty'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];
export interface Condition {
  field: string;
  op: ConditionOp;
  value?: unknown;
}

const isEmpty = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
/** Values compare as text: an enumeration, a number typed in a form and a boolean all read the same. */
const same = (a: unknown, b: unknown) => !isEmpty(a) && !isEmpty(b) && String(a) === String(b);

export function holds(condition: Condition, record: unknown): boolean {
  const value = valueAt(record, condition.field);
  const list = Array.isArray(condition.value) ? condition.value : [condition.value];
  switch (condition.op) {
    case 'eq':
      return same(value, condition.value);
    case 'ne':
      return !same(value, condition.value);
    case 'in':
      return list.some((v) => same(value, v));
    case 'notIn':
      return !list.some((v) => same(value, v));
    case 'empty':
      return isEmpty(value);
    case 'notEmpty':
      return !isEmpty(value);
    default:
      return false;
  }
}

/** The first condition that does not hold, in words for the run's reason (null: all hold). */
export function failingCondition(conditions: Condition[] | null | undefined, record: unknown): string | null {
  for (const condition of conditions ?? []) {
    if (!holds(condition, record)) {
      const shown = condition.value === undefined ? '' : ` ${JSON.stringify(condition.value)}`;
      return `condition not met: ${condition.field} ${condition.op}${shown} (is ${JSON.stringify(valueAt(record, condition.field) ?? null)})`;
    }
  }
  return null;
}
