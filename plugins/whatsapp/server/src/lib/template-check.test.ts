import { analyzeTemplate } from './template-analysis';
import { assertVariablesPresent, readPath, type TemplateVariables } from './template-check';
import { TemplateError } from './template-errors';

const check = (body: string, variables: TemplateVariables) => () =>
  assertVariablesPresent(analyzeTemplate(body).checks, variables);

function failure(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

describe('readPath', () => {
  it('reads own properties along a path', () => {
    expect(readPath({ a: { b: 1 } }, ['a', 'b'])).toBe(1);
    expect(readPath({ a: null }, ['a', 'b'])).toBeUndefined();
    expect(readPath({}, ['toString'])).toBeUndefined();
    expect(readPath({ a: ['x', 'y'] }, ['a', '1'])).toBe('y');
  });
});

describe('assertVariablesPresent', () => {
  it('passes when everything is there', () => {
    expect(check('{{a}} {{upper b.c}}', { a: 'x', b: { c: 'y' } })).not.toThrow();
  });

  it('follows #if like Handlebars: 0, "" and [] are false; includeZero makes 0 true', () => {
    const body = '{{#if n}}{{sí}}{{else}}{{no}}{{/if}}';
    for (const n of [0, '', [], null, false]) expect(failure(check(body, { n })).variable).toBe('no');
    expect(failure(check(body, { n: {} })).variable).toBe('sí');
    expect(failure(check('{{#if n includeZero=true}}{{sí}}{{/if}}', { n: 0 })).variable).toBe('sí');
    expect(failure(check('{{#unless n}}{{x}}{{/unless}}', { n: 0 })).variable).toBe('x');
  });

  it('#with takes the else branch on an empty value but not on 0', () => {
    expect(check('{{#with c}}{{n}}{{else}}ok{{/with}}', { c: '' })).not.toThrow();
    expect(failure(check('{{#with c}}{{n}}{{/with}}', { c: 0 })).variable).toBe('c.n');
    expect(failure(check('{{#with c}}{{n}}{{/with}}', {})).variable).toBe('c');
  });

  it('walks arrays, object values and iterables in #each', () => {
    const body = '{{#each xs}}{{n}}{{/each}}';
    expect(failure(check(body, { xs: { a: { n: 1 }, b: {} } })).message).toContain('(item 2 of "xs")');
    expect(failure(check(body, { xs: new Set([{}]) })).variable).toBe('xs.n');
    expect(check(body, { xs: 'texto' })).not.toThrow();
  });

  it('checks the else of an empty #each against the outer variables', () => {
    expect(failure(check('{{#each xs}}x{{else}}{{vacío}}{{/each}}', { xs: [] })).variable).toBe('vacío');
  });

  it('resolves block params and ../ inside nested blocks', () => {
    const body = '{{#each pedidos as |p|}}{{#each p.items}}{{nombre}} {{../../tienda}} {{p.folio}}{{/each}}{{/each}}';
    expect(check(body, { tienda: 'T', pedidos: [{ folio: 1, items: [{ nombre: 'a' }] }] })).not.toThrow();
    expect(failure(check(body, { pedidos: [{ folio: 1, items: [{ nombre: 'a' }] }] })).variable).toBe('tienda');
    expect(failure(check(body, { tienda: 'T', pedidos: [{ items: [{ nombre: 'a' }] }] })).variable).toBe('pedidos.folio');
  });

  it('refuses symbols and functions as printed values', () => {
    expect(failure(check('{{f}}', { f: () => 1 })).rule).toBe('invalid-variable');
    expect(failure(check('{{s}}', { s: Symbol('s') })).message).toContain('cannot be printed');
  });
});
