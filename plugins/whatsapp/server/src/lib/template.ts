/**
 * Public API of the message templates: compile/render our own bodies, list their variables, and
 * map variables onto provider-approved templates (Meta, Twilio Content). The pieces live in
 * template-*.ts, one concern each; import from here.
 */
export {
  compileTemplate,
  renderTemplate,
  extractVariables,
  MAX_TEXT_LENGTH,
  DEFAULT_LOCALE,
  DEFAULT_TIME_ZONE,
  type CompiledTemplate,
  type RenderOptions,
  type TemplateVariables,
} from './template-engine';
export { TemplateError, type TemplateErrorRule } from './template-errors';
export {
  mapProviderParameters,
  mapMetaParameters,
  mapTwilioParameters,
  sanitizeTemplateParameter,
  type MetaTemplateMapping,
  type MetaTemplateParameters,
  type ParameterSource,
  type TwilioContentMapping,
  type TwilioContentParameters,
} from './template-parameters';
