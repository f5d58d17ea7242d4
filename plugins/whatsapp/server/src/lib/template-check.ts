/**
 * Runs the checks produced by template-analysis against the actual variables, following the
 * branches Handlebars will take, so a message never goes out with a blank where a name should be.
 * `undefined` and `null` are missing; an empty string is a value (a shop may mean it).
 */
import type { Check, Ref } from './template-analysis';
import { TemplateError, missingVariable } from './template-errors';

export type TemplateVariables = Readonly<Record<string, unknown>>;

export function assertVariablesPresent(checks: readonly Check[], variables: TemplateVariables): void {
  evaluate(checks, [variables], '');
}

function evaluate(checks: readonly Check[], contexts: readonly unknown[], note: string): void {
  for (const check of checks) {
    const value = read(contexts, check.ref);
    switch (check.type) {
      case 'value':
        if (value === undefined || value === null) throw missingVariable(check.ref.display, note);
        if (check.output) assertPrintable(value, check.ref.display);
        break;
      case 'if': {
        const truthy = isTruthy(value, check.includeZero);
        evaluate(truthy !== check.negate ? check.then : check.otherwise, contexts, note);
        break;
      }
      case 'with':
        if (value === undefined || value === null) throw missingVariable(check.ref.display, note);
        if (isEmpty(value)) evaluate(check.otherwise, contexts, note);
        else evaluate(check.body, [...contexts, value], note);
        break;
      case 'each': {
        if (value === undefined || value === null) throw missingVariable(check.ref.display, note);
        const items = itemsOf(value);
        if (items.length === 0) evaluate(check.otherwise, contexts, note);
        items.forEach((item, index) => {
          evaluate(check.body, [...contexts, item], ` (item ${index + 1} of "${check.ref.display}")`);
        });
        break;
      }
    }
  }
}

/** Own properties only, like Handlebars (which refuses prototype properties by default). */
export function readPath(context: unknown, parts: readonly string[]): unknown {
  let current = context;
  for (const part of parts) {
    if (current === undefined || current === null) return undefined;
    const holder: object = Object(current);
    if (!Object.prototype.hasOwnProperty.call(holder, part)) return undefined;
    current = Reflect.get(holder, part);
  }
  return current;
}

const read = (contexts: readonly unknown[], ref: Ref): unknown => readPath(contexts[ref.scope], ref.parts);

/** Handlebars' `Utils.isEmpty`: what makes `{{#with}}` (and, with the zero rule, `{{#if}}`) take the else branch. */
const isEmpty = (value: unknown): boolean => (!value && value !== 0) || (Array.isArray(value) && value.length === 0);

const isTruthy = (value: unknown, includeZero: boolean): boolean =>
  !(((!includeZero && !value) || isEmpty(value)));

/** What `{{#each}}` walks: arrays, other iterables, or an object's values. Strings and numbers: nothing. */
function itemsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'object' || value === null) return [];
  if (isIterable(value)) return Array.from(value);
  return Object.values(value);
}

const isIterable = (value: object): value is Iterable<unknown> => typeof Reflect.get(value, Symbol.iterator) === 'function';

/** Only text and numbers print well; anything else would show as `[object Object]` or a JS date dump. */
function assertPrintable(value: unknown, variable: string): void {
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean' || type === 'bigint') return;
  const hint =
    value instanceof Date
      ? `is a date: format it with {{fecha ${variable}}}`
      : Array.isArray(value)
        ? `is a list: go through it with {{#each ${variable}}}…{{/each}}`
        : type === 'object'
          ? `is an object: use one of its fields, e.g. {{${variable}.nombre}}`
          : `cannot be printed (${type})`;
  throw new TemplateError('invalid-variable', `Template variable "${variable}" ${hint}`, { variable });
}
