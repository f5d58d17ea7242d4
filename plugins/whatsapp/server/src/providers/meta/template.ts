/**
 * A stored template → Meta's approved template with its parameters filled in, through the one
 * mapper (../template-parameters.ts): cleaned as Meta requires (no newline, tab or 5+ spaces,
 * error 132018) and formatted exactly as in the rendered body. Without an explicit order
 * (`metaParameters`) the body's variables go in order of appearance: zero parameters would be
 * Meta's error 132000.
 */
import type { RenderOptions, TemplateVariables } from '../../lib/template-engine';
import { mapMetaParameters, parameterOrder, parameterSources, type MetaTemplateParameters } from '../template-parameters';

/** The template fields Meta's mapping reads (a template row). */
export interface MetaTemplateFields {
  body: string;
  language?: string | null;
  metaName?: string | null;
  metaLanguage?: string | null;
  metaParameters?: unknown;
  metaParameterFormat?: 'positional' | 'named' | null;
}

export function metaTemplate(template: MetaTemplateFields, variables: TemplateVariables, options?: RenderOptions): MetaTemplateParameters | undefined {
  if (!template.metaName) return undefined;
  const format = template.metaParameterFormat || 'positional';
  const sources = parameterSources(template.body);
  const parameters = parameterOrder(template.metaParameters, template.body).map((name) => {
    const source = sources.get(name) ?? name;
    return format === 'named' && source !== name ? { name, variable: source } : source;
  });
  return mapMetaParameters(
    { name: template.metaName, language: template.metaLanguage || template.language || 'es_MX', parameters, parameterFormat: format },
    variables,
    options,
  );
}
