import { TemplateError, missingVariable } from './template-errors';

describe('TemplateError', () => {
  it('carries the rule and only the details given', () => {
    const error = new TemplateError('too-long', 'too long', { length: 5000 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TemplateError');
    expect(error.rule).toBe('too-long');
    expect(error.length).toBe(5000);
    expect(error.variable).toBeUndefined();
    expect(error.line).toBeUndefined();
  });

  it('builds the missing-variable message', () => {
    const error = missingVariable('fecha');
    expect(error.message).toBe('Missing template variable "fecha"');
    expect(error.variable).toBe('fecha');
    expect(missingVariable('p.n', ' (item 2 of "p")').message).toBe('Missing template variable "p.n" (item 2 of "p")');
  });
});
