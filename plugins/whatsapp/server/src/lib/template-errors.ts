/**
 * The one error type of the template modules, so the admin (template editor, send form) can show
 * the problem next to the right field and the dispatcher can fail a message with a clear reason.
 */
export type TemplateErrorRule = 'missing-variable' | 'syntax' | 'too-long' | 'invalid-variable' | 'reserved-variable';

export interface TemplateErrorDetails {
  /** The variable at fault (`fecha`, `cliente.nombre`), when there is one. */
  variable?: string;
  /** Rendered length in characters, for `too-long`. */
  length?: number;
  /** 1-based line of the template where a syntax error was found. */
  line?: number;
}

export class TemplateError extends Error {
  readonly rule: TemplateErrorRule;
  readonly variable?: string;
  readonly length?: number;
  readonly line?: number;

  constructor(rule: TemplateErrorRule, message: string, details: TemplateErrorDetails = {}) {
    super(message);
    this.name = 'TemplateError';
    this.rule = rule;
    if (details.variable !== undefined) this.variable = details.variable;
    if (details.length !== undefined) this.length = details.length;
    if (details.line !== undefined) this.line = details.line;
  }
}

export const missingVariable = (variable: string, context = ''): TemplateError =>
  new TemplateError('missing-variable', `Missing template variable "${variable}"${context}`, { variable });
