/**
 * The formatting helpers a shop needs in a message (dates, times, money, numbers, case), each
 * under its Spanish and English name. Pure functions over Intl, described by a spec so the template
 * analysis can check arity and literal arguments when the template is saved, not when it is sent.
 */

export interface FormatSettings {
  /** BCP 47 locale, e.g. `es-MX`. */
  locale: string;
  /** IANA time zone, e.g. `America/Mexico_City`. */
  timeZone: string;
}

export interface HelperSpec {
  minArgs: number;
  maxArgs: number;
  /** Checks an argument written as a literal in the template; returns the problem, if any. */
  checkLiteral?: (index: number, value: unknown) => string | undefined;
  /** Formats; throws HelperValueError when an argument (usually a variable's value) is unusable. */
  format(args: readonly unknown[], settings: FormatSettings): string;
}

/** A helper argument that cannot be formatted; the renderer turns it into a TemplateError naming the variable. */
export class HelperValueError extends Error {
  readonly argIndex: number;
  readonly value: unknown;

  constructor(argIndex: number, value: unknown, problem: string) {
    super(problem);
    this.name = 'HelperValueError';
    this.argIndex = argIndex;
    this.value = value;
  }
}

type Style = 'short' | 'medium' | 'long' | 'full';
const STYLES: Readonly<Record<string, Style>> = {
  short: 'short',
  medium: 'medium',
  long: 'long',
  full: 'full',
  corta: 'short',
  media: 'medium',
  larga: 'long',
  completa: 'full',
};
const STYLE_LIST = 'short, medium, long, full';
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// Only ISO-looking strings: `Date.parse("03/04/2025")` guesses a US month/day order.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const NUMERIC = /^\s*-?\d+(?:\.\d+)?\s*$/;
const CURRENCY = /^[A-Za-z]{3}$/;

function styleOf(index: number, value: unknown, fallback: Style): Style {
  if (value === undefined) return fallback;
  const style = typeof value === 'string' ? STYLES[value.toLowerCase()] : undefined;
  if (!style) throw new HelperValueError(index, value, `is not a style (${STYLE_LIST})`);
  return style;
}

function checkStyle(index: number, value: unknown): string | undefined {
  if (index !== 1) return undefined;
  return typeof value === 'string' && STYLES[value.toLowerCase()] ? undefined : `${JSON.stringify(value)} is not a style (${STYLE_LIST})`;
}

/**
 * Reads a Date, an epoch in milliseconds or an ISO string. A date without time (`2025-03-14`) is a
 * calendar day: formatted in UTC so Mexico City (UTC-6) does not show the 13th.
 */
function toDate(index: number, value: unknown): { date: Date; calendarDay: boolean } {
  let date: Date | undefined;
  let calendarDay = false;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number') date = new Date(value);
  else if (typeof value === 'string') {
    const text = value.trim();
    calendarDay = DATE_ONLY.test(text);
    if (calendarDay) date = new Date(`${text}T00:00:00Z`);
    else if (ISO_DATE_TIME.test(text)) date = new Date(text);
  }
  if (!date || Number.isNaN(date.getTime())) {
    throw new HelperValueError(index, value, 'is not a date (expected an ISO date such as "2025-03-14" or a Date)');
  }
  return { date, calendarDay };
}

function toNumber(index: number, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  // Only plain decimals: "1,234.50" means different things in es-MX and es-ES.
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  throw new HelperValueError(index, value, 'is not a number');
}

function toText(index: number, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  throw new HelperValueError(index, value, 'is not text');
}

// Intl constructors cost tens of microseconds; a campaign formats the same way thousands of times.
const MAX_FORMATTERS = 200;

function formatterCache<T>(): (key: string, create: () => T) => T {
  const entries = new Map<string, T>();
  return (key, create) => {
    const hit = entries.get(key);
    if (hit !== undefined) return hit;
    const created = create();
    if (entries.size >= MAX_FORMATTERS) entries.clear();
    entries.set(key, created);
    return created;
  };
}

const dateFormat = formatterCache<Intl.DateTimeFormat>();
const numberFormat = formatterCache<Intl.NumberFormat>();

function formatDateTime(value: unknown, styleArg: unknown, part: 'dateStyle' | 'timeStyle', settings: FormatSettings): string {
  const style = styleOf(1, styleArg, part === 'dateStyle' ? 'long' : 'short');
  const { date, calendarDay } = toDate(0, value);
  const timeZone = calendarDay ? 'UTC' : settings.timeZone;
  const key = `dt|${settings.locale}|${timeZone}|${part}|${style}`;
  return dateFormat(key, () => new Intl.DateTimeFormat(settings.locale, { [part]: style, timeZone })).format(date);
}

function checkCurrency(index: number, value: unknown): string | undefined {
  if (index !== 1) return undefined;
  return typeof value === 'string' && isCurrency(value) ? undefined : `${JSON.stringify(value)} is not an ISO currency code (e.g. MXN, USD)`;
}

function isCurrency(code: string): boolean {
  if (!CURRENCY.test(code)) return false;
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return true;
  } catch {
    return false;
  }
}

function checkDecimals(index: number, value: unknown): string | undefined {
  if (index !== 1) return undefined;
  return isDecimals(value) ? undefined : `${JSON.stringify(value)} is not a number of decimals (0 to 20)`;
}

const isDecimals = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 20;

const date: HelperSpec = {
  minArgs: 1,
  maxArgs: 2,
  checkLiteral: checkStyle,
  format: ([value, style], settings) => formatDateTime(value, style, 'dateStyle', settings),
};

const time: HelperSpec = {
  minArgs: 1,
  maxArgs: 2,
  checkLiteral: checkStyle,
  format: ([value, style], settings) => formatDateTime(value, style, 'timeStyle', settings),
};

const currency: HelperSpec = {
  minArgs: 1,
  maxArgs: 2,
  checkLiteral: checkCurrency,
  format([value, code = 'MXN'], settings) {
    const amount = toNumber(0, value);
    if (typeof code !== 'string' || !isCurrency(code)) throw new HelperValueError(1, code, 'is not an ISO currency code');
    const upper = code.toUpperCase();
    const key = `cur|${settings.locale}|${upper}`;
    return numberFormat(key, () => new Intl.NumberFormat(settings.locale, { style: 'currency', currency: upper })).format(amount);
  },
};

const number: HelperSpec = {
  minArgs: 1,
  maxArgs: 2,
  checkLiteral: checkDecimals,
  format([value, decimals], settings) {
    const amount = toNumber(0, value);
    let digits: number | undefined;
    if (decimals !== undefined) {
      if (!isDecimals(decimals)) throw new HelperValueError(1, decimals, 'is not a number of decimals');
      digits = decimals;
    }
    const key = `num|${settings.locale}|${digits ?? ''}`;
    const options: Intl.NumberFormatOptions =
      digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    return numberFormat(key, () => new Intl.NumberFormat(settings.locale, options)).format(amount);
  },
};

const upper: HelperSpec = {
  minArgs: 1,
  maxArgs: 1,
  format: ([value], settings) => toText(0, value).toLocaleUpperCase(settings.locale),
};

const lower: HelperSpec = {
  minArgs: 1,
  maxArgs: 1,
  format: ([value], settings) => toText(0, value).toLocaleLowerCase(settings.locale),
};

/** Formatting helpers by name (Spanish and English aliases share a spec). */
export const HELPERS: Readonly<Record<string, HelperSpec>> = Object.freeze({
  fecha: date,
  date,
  hora: time,
  time,
  moneda: currency,
  currency,
  numero: number,
  number,
  mayusculas: upper,
  upper,
  minusculas: lower,
  lower,
});

/** Handlebars' own block helpers that templates may use. */
export const BLOCK_HELPERS: ReadonlySet<string> = new Set(['if', 'unless', 'each', 'with']);

/** Names Handlebars resolves as built-in helpers: they can never be read as variables. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  ...BLOCK_HELPERS,
  'log',
  'lookup',
  'helperMissing',
  'blockHelperMissing',
]);

export const isHelperName = (name: string): boolean => Object.prototype.hasOwnProperty.call(HELPERS, name);

/**
 * Names every JavaScript object answers to (`constructor`, `toString`, `__proto__`,
 * `hasOwnProperty`…). A template reading one would print the language's own function, or
 * nothing (Handlebars refuses prototype properties), whatever the variables say: such a template
 * could never be sent, so it is refused when it is saved.
 */
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__']);

export const isPrototypeName = (name: string): boolean => PROTOTYPE_NAMES.has(name);
