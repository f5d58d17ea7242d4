/**
 * Public API of the message templates: compile/render our own bodies and list their variables.
 * The pieces live in template-*.ts, one concern each; import from here. Mapping variables onto
 * provider-approved templates (Meta, Twilio Content) is providers/template-parameters.ts.
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
