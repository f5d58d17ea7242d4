/**
 * THE mapper (the only path) from our variables to the parameters of a provider-approved
 * template (Meta template or Twilio Content): providers/meta/template.ts and
 * providers/twilio/template.ts build their mapping from a stored template and call it.
 *
 * What the provider receives is what we show: a variable the body formats (`{{moneda total}}`,
 * `{{fecha entrega "short"}}`) is sent formatted the same way (`parameterSources`), and a template
 * with a Meta name but no explicit order sends the body's variables in order of appearance
 * (`parameterOrder`).
 * A mapping entry is either a variable path (`cliente.nombre`) or, when it
 * contains `{{`, a small template (`{{moneda total}}`, `{{fecha entrega "short"}}`) so values can
 * be formatted with the same helpers as our own bodies.
 *
 * Meta rejects a parameter containing a newline, a tab or more than four consecutive spaces
 * (error 132018), and an empty one. Values come from customer data (an address typed on two
 * lines), so we SANITIZE rather than reject: whitespace runs containing a newline/tab, or longer
 * than four, become a single space, and the ends are trimmed. The template's own text carries the
 * layout. An empty value after that is still an error (`missing-variable`): sending a blank would
 * be rejected anyway. Twilio Content templates on WhatsApp are Meta templates underneath, so the
 * same rule applies to them.
 */
import { analyzeTemplate } from '../lib/template-analysis';
import { renderTemplate, type RenderOptions, type TemplateVariables } from '../lib/template-engine';
import { TemplateError } from '../lib/template-errors';
import { isHelperName } from '../lib/template-helpers';
import type { OutboundMessage } from './types';

/** A mapping entry: a variable path / mini template, or an explicit Meta parameter name for it. */
export type ParameterSource = string | { name: string; variable: string };

export interface MetaTemplateMapping {
  name: string;
  language: string;
  /** In the order of `{{1}}`, `{{2}}` … (positional) or any order (named). */
  parameters: readonly ParameterSource[];
  parameterFormat?: 'positional' | 'named';
}

export type MetaTemplateParameters = NonNullable<NonNullable<OutboundMessage['template']>['meta']>;

export interface TwilioContentMapping {
  contentSid: string;
  /** Twilio placeholder (`"1"`) → variable path or mini template. */
  variables: Readonly<Record<string, string>>;
}

export type TwilioContentParameters = NonNullable<NonNullable<OutboundMessage['template']>['twilio']>;

/** Meta's rule for named parameters: lowercase letters, digits and underscores. */
const META_PARAMETER_NAME = /^[a-z_][a-z0-9_]*$/;
const VARIABLE_PATH = /^[\p{L}_$][\p{L}\p{N}_$]*(?:\.[\p{L}\p{N}_$]+)*$/u;

export function mapProviderParameters(
  mapping: MetaTemplateMapping,
  variables: TemplateVariables,
  options?: RenderOptions,
): MetaTemplateParameters;
export function mapProviderParameters(
  mapping: TwilioContentMapping,
  variables: TemplateVariables,
  options?: RenderOptions,
): TwilioContentParameters;
export function mapProviderParameters(
  mapping: MetaTemplateMapping | TwilioContentMapping,
  variables: TemplateVariables,
  options?: RenderOptions,
): MetaTemplateParameters | TwilioContentParameters {
  return 'contentSid' in mapping
    ? mapTwilioParameters(mapping, variables, options)
    : mapMetaParameters(mapping, variables, options);
}

export function mapMetaParameters(
  mapping: MetaTemplateMapping,
  variables: TemplateVariables,
  options?: RenderOptions,
): MetaTemplateParameters {
  const format = mapping.parameterFormat ?? 'positional';
  const parameters = mapping.parameters.map((entry, index) => {
    const source = typeof entry === 'string' ? entry : entry.variable;
    const name = format === 'positional' ? String(index + 1) : typeof entry === 'string' ? entry : entry.name;
    if (format === 'named' && !META_PARAMETER_NAME.test(name)) {
      throw new TemplateError(
        'invalid-variable',
        `"${name}" cannot be a Meta parameter name (lowercase letters, digits and _ only): map it as { name: "${suggestName(name)}", variable: "${source}" }`,
        { variable: source },
      );
    }
    return { name, value: parameterValue(source, variables, options, `{{${name}}}`) };
  });
  return { name: mapping.name, language: mapping.language, parameters, parameterFormat: format };
}

export function mapTwilioParameters(
  mapping: TwilioContentMapping,
  variables: TemplateVariables,
  options?: RenderOptions,
): TwilioContentParameters {
  const rendered: Record<string, string> = {};
  for (const [placeholder, source] of Object.entries(mapping.variables)) {
    if (placeholder.trim() === '') throw new TemplateError('invalid-variable', 'A Twilio content variable needs a key such as "1"');
    rendered[placeholder] = parameterValue(source, variables, options, `{{${placeholder}}}`);
  }
  return { contentSid: mapping.contentSid, variables: rendered };
}

/** Meta's 132018 rules: no newline or tab, at most four spaces in a row. */
export function sanitizeTemplateParameter(text: string): string {
  return text
    .replace(/\s*[\n\r\t\v\f\u2028\u2029]\s*/g, ' ')
    .replace(/\s{5,}/g, ' ')
    .trim();
}

function parameterValue(
  source: string,
  variables: TemplateVariables,
  options: RenderOptions | undefined,
  placeholder: string,
): string {
  const isTemplate = source.includes('{{');
  if (!isTemplate && !VARIABLE_PATH.test(source)) {
    throw new TemplateError(
      'invalid-variable',
      `Template parameter ${placeholder} maps to ${JSON.stringify(source)}, which is neither a variable name (cliente.nombre) nor a template ({{moneda total}})`,
      { variable: source },
    );
  }
  const value = sanitizeTemplateParameter(renderTemplate(isTemplate ? source : `{{${source}}}`, variables, options));
  if (value === '') {
    const what = isTemplate ? `Template parameter ${placeholder}` : `Template variable "${source}"`;
    throw new TemplateError('missing-variable', `${what} is empty; WhatsApp template parameters cannot be empty`, {
      variable: source,
    });
  }
  return value;
}

function suggestName(name: string): string {
  const cleaned = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(cleaned) ? cleaned : `p_${cleaned}`;
}

/**
 * For each variable the body prints, the expression it is printed with, from its first
 * appearance: `nombre` for `{{nombre}}`, `{{moneda total}}` for `{{moneda total}}`. A parameter
 * rendered from that expression is exactly the text of the stored body. Variables used only
 * in conditions or loops map to themselves.
 */
export function parameterSources(body: string): Map<string, string> {
  const hit = sourcesCache.get(body);
  if (hit) return hit;
  const sources = readParameterSources(body);
  if (sourcesCache.size >= MAX_CACHED) sourcesCache.delete(sourcesCache.keys().next().value ?? '');
  sourcesCache.set(body, sources);
  return sources;
}

// Parsing a body costs tens of microseconds; a campaign maps the same body for every recipient,
// and the dispatcher again for every send. Bodies are few: a bounded map, oldest out.
const MAX_CACHED = 500;
const sourcesCache = new Map<string, Map<string, string>>();
const variablesCache = new Map<string, string[]>();

function readParameterSources(body: string): Map<string, string> {
  const { ast, variables } = analyzeTemplate(body);
  const known = new Set(variables);
  const lineStarts = [0];
  for (let i = 0; i < body.length; i += 1) if (body[i] === '\n') lineStarts.push(i + 1);
  const offset = (position: { line: number; column: number }) => (lineStarts[position.line - 1] ?? 0) + position.column;
  const sources = new Map<string, string>();
  const add = (variable: string, source: string) => {
    if (known.has(variable) && !sources.has(variable)) sources.set(variable, source);
  };
  const plainPath = (node: hbs.AST.Expression | undefined): string | undefined => {
    if (node?.type !== 'PathExpression') return undefined;
    const path = node as hbs.AST.PathExpression;
    return path.depth === 0 && !path.data && !/^this\b/.test(path.original) ? path.original : undefined;
  };
  const visit = (program: hbs.AST.Program | undefined) => {
    for (const node of program?.body ?? []) {
      if (node.type === 'MustacheStatement') {
        const mustache = node as hbs.AST.MustacheStatement;
        const head = plainPath(mustache.path);
        if (head === undefined) continue;
        if (isHelperName(head)) {
          const argument = plainPath(mustache.params[0]);
          if (argument !== undefined) add(argument, body.slice(offset(mustache.loc.start), offset(mustache.loc.end)));
        } else if (mustache.params.length === 0) {
          add(head, head);
        }
      } else if (node.type === 'BlockStatement') {
        // Inside {{#if}} the context is the same; inside {{#each}} / {{#with}} it is not.
        const block = node as hbs.AST.BlockStatement;
        const helper = plainPath(block.path);
        if (helper === 'if' || helper === 'unless') {
          visit(block.program);
          visit(block.inverse);
        }
      }
    }
  };
  visit(ast);
  return sources;
}

/**
 * A stored list (JSON column: an array, or its text on some databases) → names; null when none.
 * An item that is not a name (stored before it was checked) is a TemplateError naming it, never
 * a crash.
 */
export function storedList(value: unknown): string[] | null {
  const parsed: unknown = typeof value === 'string' ? safeJson(value) : value;
  if (!Array.isArray(parsed) || parsed.length === 0) return null;
  return parsed.map((item, index) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new TemplateError('invalid-variable', `Parameter ${index + 1} of the template's stored order is not a variable name: save the template again`);
  });
}

/** The template's explicit parameter order, else the body's variables in order of first appearance. */
export function parameterOrder(explicit: unknown, body: string): string[] {
  const stored = storedList(explicit);
  if (stored) return stored;
  let variables = variablesCache.get(body);
  if (!variables) {
    variables = analyzeTemplate(body).variables;
    if (variablesCache.size >= MAX_CACHED) variablesCache.delete(variablesCache.keys().next().value ?? '');
    variablesCache.set(body, variables);
  }
  return [...variables];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
