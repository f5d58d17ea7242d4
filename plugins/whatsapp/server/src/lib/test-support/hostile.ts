/**
 * Arbitraries (fast-check) of hostile input, shared by the property tests beside the code: text
 * of any code point (NUL and lone surrogates included), names every object answers to
 * (`constructor`, `__proto__`…), lists and objects where text goes, nesting thousands of levels
 * deep. Test support only: nothing in the plugin imports it.
 */
import fc from 'fast-check';

/** Names found on Object.prototype, plus `__proto__`. */
export const PROTOTYPE_KEYS = [
  'constructor',
  'toString',
  '__proto__',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
] as const;

/** Text: any code point, the usual suspects, and plain words. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ maxLength: 20 }),
    fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\uD800', '\uDC00x', '🚗', 'cotización ñ', '{{constructor}}', '{{#each x}}', '$eq', '%00', '<script>', 'x'.repeat(300)),
    ...PROTOTYPE_KEYS.map((key) => fc.constant(key))
  );

/** An object key: a prototype name, an operator, or any text. */
export const hostileKey = (): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom('$eq', '$foo', '$in', '0', '', 'data'), fc.string({ unit: 'binary', maxLength: 12 }));

/** `{ a: { a: … 'x' } }`, `levels` deep, built without recursion. */
export const nested = (levels: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < levels; i += 1) value = i % 2 ? [value] : { a: value };
  return value;
};

/** An object from entries: a `__proto__` entry becomes an own key, as JSON.parse makes it. */
export const objectOf = <T>(keys: fc.Arbitrary<string>, values: fc.Arbitrary<T>, maxKeys = 5): fc.Arbitrary<Record<string, T>> =>
  fc.array(fc.tuple(keys, values), { maxLength: maxKeys }).map((entries) => Object.fromEntries(entries));

/** Any JSON-ish value a client can send, hostile shapes included. */
export const hostileValue = (keys: fc.Arbitrary<string> = hostileKey()): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      hostileString(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      objectOf(keys, tie('value'), 4),
      fc.integer({ min: 6, max: 3000 }).map(nested)
    ),
  })).value;

/** `data` for a validator: mostly its own field names (so the values are checked), some others. */
export const hostileData = (fields: readonly string[], values: fc.Arbitrary<unknown> = hostileValue()): fc.Arbitrary<Record<string, unknown>> =>
  objectOf(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...fields) }, { weight: 1, arbitrary: hostileKey() }), values, 6);
