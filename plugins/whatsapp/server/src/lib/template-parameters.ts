/**
 * Turns our variables into the parameters of a provider-approved template (Meta template or
 * Twilio Content). A mapping entry is either a variable path (`cliente.nombre`) or, when it
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
import type { OutboundMessage } from '../providers/types';
import { renderTemplate, type RenderOptions, type TemplateVariables } from './template-engine';
import { TemplateError } from './template-errors';

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
