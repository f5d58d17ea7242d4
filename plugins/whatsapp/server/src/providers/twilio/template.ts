/**
 * A stored template → Twilio's Content template (Content SID + ContentVariables), through the one
 * mapper (../template-parameters.ts): cleaned like Meta's (Twilio Content on WhatsApp is a Meta
 * template underneath) and formatted exactly as in the rendered body.
 */
import type { RenderOptions, TemplateVariables } from '../../lib/template-engine';
import { TemplateError } from '../../lib/template-errors';
import { mapTwilioParameters, parameterSources, type TwilioContentParameters } from '../template-parameters';

/** The template fields Twilio's mapping reads (a template row). */
export interface TwilioTemplateFields {
  body: string;
  twilioContentSid?: string | null;
  /** Content placeholder (`"1"`) → our variable. */
  twilioVariables?: unknown;
}

/**
 * The stored mapping (a JSON column: the object, or its text on SQLite) read tolerantly: nothing
 * stored is no mapping; anything but an object of names to variable names is a TemplateError
 * naming it (the send is refused with a 422), never a crash.
 */
function storedMapping(value: unknown): Record<string, string> {
  let stored = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return {};
    try {
      stored = JSON.parse(value);
    } catch {
      throw new TemplateError('invalid-variable', 'The template\'s Twilio variables are not readable (not JSON): save the template again');
    }
  }
  if (stored === null || stored === undefined || stored === '') return {};
  if (typeof stored !== 'object' || Array.isArray(stored)) {
    throw new TemplateError('invalid-variable', 'The template\'s Twilio variables must be an object such as { "1": "nombre" }');
  }
  const entries = Object.entries(stored);
  for (const [key, name] of entries) {
    if (typeof name !== 'string') {
      throw new TemplateError('invalid-variable', `Twilio variable ${key} of the template must name a variable, e.g. "nombre"`, { variable: key });
    }
  }
  // fromEntries: any key (`__proto__` included) stays an own key.
  return Object.fromEntries(entries) as Record<string, string>;
}

export function twilioTemplate(template: TwilioTemplateFields, variables: TemplateVariables, options?: RenderOptions): TwilioContentParameters | undefined {
  if (!template.twilioContentSid) return undefined;
  const mapping = storedMapping(template.twilioVariables);
  const sources = parameterSources(template.body);
  return mapTwilioParameters(
    { contentSid: template.twilioContentSid, variables: Object.fromEntries(Object.entries(mapping).map(([key, name]) => [key, sources.get(name) ?? name])) },
    variables,
    options,
  );
}
