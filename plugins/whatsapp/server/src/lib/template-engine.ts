/**
 * Compiles and renders message templates with Handlebars, strictly: a missing variable is an
 * error naming it, output is not HTML-escaped (WhatsApp is plain text: `&` must stay `&`), and
 * the result must fit in one WhatsApp text message.
 *
 * Uses its own Handlebars environment so helpers registered here (or elsewhere in the process)
 * cannot leak between the plugin and the host application.
 */
import Handlebars from 'handlebars';
import { analyzeTemplate, locationKey, type TemplateAnalysis } from './template-analysis';
import { assertVariablesPresent, readPath, type TemplateVariables } from './template-check';
import { TemplateError, missingVariable } from './template-errors';
import { HELPERS, HelperValueError, type FormatSettings } from './template-helpers';
import { countCharacters } from './text-length';

export type { TemplateVariables };

/** WhatsApp's limit for a text message body, in characters. */
export const MAX_TEXT_LENGTH = 4096;
export const DEFAULT_LOCALE = 'es-MX';
/** Used when the caller does not pass the shop's time zone: the default locale's capital. */
export const DEFAULT_TIME_ZONE = 'America/Mexico_City';

export interface RenderOptions {
  /** BCP 47 locale for dates and numbers; default `es-MX`. */
  locale?: string;
  /** IANA time zone for dates and times; default `America/Mexico_City`. */
  timeZone?: string;
}

export interface CompiledTemplate {
  readonly body: string;
  /** Top-level variables in order of first use. */
  readonly variables: readonly string[];
  /** @throws TemplateError (`missing-variable`, `invalid-variable`, `too-long`); RangeError for a bad locale/time zone. */
  render(variables: TemplateVariables, options?: RenderOptions): string;
}

const DATA_KEY = 'whatsappFormat';
const environment = Handlebars.create();
const COMPILE_OPTIONS: CompileOptions = { noEscape: true, preventIndent: true };

/** A HelperValueError with the call site, so the renderer can name the variable behind the argument. */
class HelperCallError extends Error {
  constructor(
    readonly helper: string,
    readonly location: string | undefined,
    readonly failure: HelperValueError,
  ) {
    super(failure.message);
  }
}

interface CallInfo {
  name: string;
  loc?: { start: { line: number; column: number } };
  data?: unknown;
}

const isCallInfo = (value: unknown): value is CallInfo =>
  typeof value === 'object' && value !== null && typeof Reflect.get(value, 'name') === 'string';

const isFormatSettings = (value: unknown): value is FormatSettings =>
  typeof value === 'object' &&
  value !== null &&
  typeof Reflect.get(value, 'locale') === 'string' &&
  typeof Reflect.get(value, 'timeZone') === 'string';

for (const [name, spec] of Object.entries(HELPERS)) {
  environment.registerHelper(name, function helper(this: unknown, ...args: unknown[]): unknown {
    const call = args.pop();
    if (!isCallInfo(call)) throw new Error(`Helper ${name} called without Handlebars options`);
    // `{{fecha}}` with no argument is the variable `fecha` (the analysis already checked it is there).
    if (args.length === 0) return readPath(this, [call.name]);
    const settings = readPath(call.data, [DATA_KEY]);
    try {
      return spec.format(args, isFormatSettings(settings) ? settings : defaults());
    } catch (error) {
      if (error instanceof HelperValueError) throw new HelperCallError(name, call.loc && locationKey(call.loc), error);
      throw error;
    }
  });
}

// Safety net behind the analysis: Handlebars calls this for a bare `{{name}}` whose value is null.
environment.registerHelper('helperMissing', function helperMissing(...args: unknown[]): never {
  const call = args.pop();
  const name = isCallInfo(call) ? call.name : 'unknown';
  if (args.length > 0) throw new TemplateError('syntax', `Unknown helper "${name}"`);
  throw missingVariable(name);
});

const cache = new Map<string, CompiledTemplate>();
const MAX_CACHED = 500;

/** Parses, checks and compiles `body` (cached: campaigns render the same body thousands of times). */
export function compileTemplate(body: string): CompiledTemplate {
  if (typeof body !== 'string') throw new TemplateError('syntax', 'A template body must be text');
  const hit = cache.get(body);
  if (hit) return hit;
  const analysis = analyzeTemplate(body);
  if (analysis.fixedLength > MAX_TEXT_LENGTH) throw tooLong(analysis.fixedLength, ' before variables are filled in');
  const template = environment.compile<TemplateVariables>(analysis.ast, COMPILE_OPTIONS);
  const compiled: CompiledTemplate = {
    body,
    variables: Object.freeze([...analysis.variables]),
    render: (variables, options) => render(template, analysis, variables, options),
  };
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value ?? '');
  cache.set(body, compiled);
  return compiled;
}

export function renderTemplate(body: string, variables: TemplateVariables, options?: RenderOptions): string {
  return compileTemplate(body).render(variables, options);
}

export function extractVariables(body: string): string[] {
  return [...compileTemplate(body).variables];
}

function render(
  template: HandlebarsTemplateDelegate<TemplateVariables>,
  analysis: TemplateAnalysis,
  variables: TemplateVariables,
  options: RenderOptions = {},
): string {
  const settings = resolveSettings(options);
  const values = asVariables(variables);
  assertVariablesPresent(analysis.checks, values);
  let text: string;
  try {
    text = template(values, { data: { [DATA_KEY]: settings } });
  } catch (error) {
    throw toTemplateError(error, analysis);
  }
  const length = countCharacters(text);
  if (length > MAX_TEXT_LENGTH) throw tooLong(length, '');
  return text;
}

function asVariables(variables: unknown): TemplateVariables {
  if (variables === undefined || variables === null) return {};
  if (typeof variables !== 'object' || Array.isArray(variables)) {
    throw new TypeError('Template variables must be an object of names to values');
  }
  return Object.fromEntries(Object.entries(variables));
}

function toTemplateError(error: unknown, analysis: TemplateAnalysis): Error {
  if (error instanceof TemplateError) return error;
  if (error instanceof HelperCallError) {
    const { argIndex, value, message } = error.failure;
    const variable = error.location ? analysis.helperArguments.get(error.location)?.[argIndex] : undefined;
    const shown = preview(value);
    if (variable !== undefined) {
      return new TemplateError('invalid-variable', `Template variable "${variable}" ${message}: ${shown}`, { variable });
    }
    return new TemplateError('invalid-variable', `Argument ${argIndex + 1} of {{${error.helper}}} ${message}: ${shown}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TemplateError('syntax', `The template could not be rendered: ${message}`);
}

function preview(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'a list' : 'an object';
  return String(value);
}

function tooLong(length: number, when: string): TemplateError {
  return new TemplateError(
    'too-long',
    `The message is ${length} characters long${when}; WhatsApp allows at most ${MAX_TEXT_LENGTH}`,
    { length },
  );
}

const defaults = (): FormatSettings => ({ locale: DEFAULT_LOCALE, timeZone: DEFAULT_TIME_ZONE });
const validSettings = new Set<string>();

/** A wrong locale or time zone is a configuration error (RangeError), not a template problem. */
function resolveSettings(options: RenderOptions): FormatSettings {
  const settings = { locale: options.locale ?? DEFAULT_LOCALE, timeZone: options.timeZone ?? DEFAULT_TIME_ZONE };
  const key = `${settings.locale}|${settings.timeZone}`;
  if (validSettings.has(key)) return settings;
  try {
    Intl.getCanonicalLocales(settings.locale);
  } catch {
    throw new RangeError(`Unknown locale "${settings.locale}"`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: settings.timeZone });
  } catch {
    throw new RangeError(`Unknown time zone "${settings.timeZone}"`);
  }
  if (validSettings.size < 100) validSettings.add(key);
  return settings;
}
