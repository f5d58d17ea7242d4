/**
 * A stored template → Twilio's Content template (Content SID + ContentVariables), through the one
 * mapper (../template-parameters.ts): cleaned like Meta's (Twilio Content on WhatsApp is a Meta
 * template underneath) and formatted exactly as in the rendered body.
 */
import type { RenderOptions, TemplateVariables } from '../../lib/template-engine';
import { mapTwilioParameters, parameterSources, type TwilioContentParameters } from '../template-parameters';

/** The template fields Twilio's mapping reads (a template row). */
export interface TwilioTemplateFields {
  body: string;
  twilioContentSid?: string | null;
  /** Content placeholder (`"1"`) → our variable. */
  twilioVariables?: unknown;
}

export function twilioTemplate(template: TwilioTemplateFields, variables: TemplateVariables, options?: RenderOptions): TwilioContentParameters | undefined {
  if (!template.twilioContentSid) return undefined;
  const stored: unknown = typeof template.twilioVariables === 'string' ? JSON.parse(template.twilioVariables) : template.twilioVariables;
  const mapping = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, string>;
  const sources = parameterSources(template.body);
  return mapTwilioParameters(
    { contentSid: template.twilioContentSid, variables: Object.fromEntries(Object.entries(mapping).map(([key, name]) => [key, sources.get(name) ?? name])) },
    variables,
    options,
  );
}
