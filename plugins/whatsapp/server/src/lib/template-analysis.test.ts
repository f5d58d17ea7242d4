import { analyzeTemplate, type Check } from './template-analysis';
import { TemplateError } from './template-errors';

function failure(body: string): TemplateError {
  try {
    analyzeTemplate(body);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
}

describe('analyzeTemplate — variables', () => {
  it('finds variables in mustaches, helper arguments, subexpressions and block parameters', () => {
    const { variables } = analyzeTemplate(
      '{{a}} {{upper b}} {{upper (lower c.d)}} {{#if e}}{{f}}{{else if g}}{{h}}{{/if}} {{#unless i}}{{/unless}}',
    );
    expect(variables).toEqual(['a', 'b', 'c.d', 'e', 'f', 'g', 'h', 'i']);
  });

  it('keeps item fields of #each out of the top-level list but follows ../ and @root', () => {
    const { variables } = analyzeTemplate(
      '{{#each productos as |p i|}}{{p.nombre}} {{i}} {{precio}} {{../tienda}} {{@root.moneda}} {{@index}} {{this}}{{/each}}',
    );
    expect(variables).toEqual(['productos', 'tienda', 'moneda']);
  });

  it('counts depth only for context-changing blocks (#each/#with, not #if)', () => {
    const { variables } = analyzeTemplate('{{#with cliente}}{{#if vip}}{{../nivel}}{{/if}}{{/with}}');
    expect(variables).toEqual(['cliente', 'nivel']);
  });

  it('treats a bare helper name as a variable and this.x as a context read', () => {
    expect(analyzeTemplate('{{fecha}} {{this.hora}} {{./moneda}}').variables).toEqual(['fecha', 'hora', 'moneda']);
  });

  it('ignores comments and literals', () => {
    expect(analyzeTemplate('{{!-- {{nada}} --}}{{upper "hola"}}{{numero 5 2}}').variables).toEqual([]);
  });

  it('records the variable behind each helper argument', () => {
    const { helperArguments } = analyzeTemplate('{{fecha entrega "short"}}');
    expect([...helperArguments.values()]).toEqual([['entrega', undefined]]);
  });

  it('measures the text always rendered, not the text inside blocks', () => {
    expect(analyzeTemplate('Hola 🎉 {{a}}{{#if b}}larguísimo{{/if}}').fixedLength).toBe(7);
  });
});

describe('analyzeTemplate — check tree', () => {
  it('mirrors #if and #each', () => {
    const { checks } = analyzeTemplate('{{#if vip}}{{cupon}}{{else}}{{saludo}}{{/if}}{{#each items}}{{n}}{{/each}}');
    const [condition, loop] = checks;
    expect(condition).toMatchObject({ type: 'if', ref: { display: 'vip' }, negate: false });
    expect((condition as Extract<Check, { type: 'if' }>).then).toEqual([
      { type: 'value', ref: { scope: 0, parts: ['cupon'], display: 'cupon' }, output: true },
    ]);
    expect(loop).toMatchObject({ type: 'each', body: [{ type: 'value', ref: { scope: 1, display: 'items.n' } }] });
  });

  it('reads includeZero on #if', () => {
    expect(analyzeTemplate('{{#if n includeZero=true}}x{{/if}}').checks[0]).toMatchObject({ includeZero: true });
  });

  it('flattens branches whose condition is data (@first)', () => {
    const { checks } = analyzeTemplate('{{#each xs}}{{#if @first}}{{a}}{{else}}{{b}}{{/if}}{{/each}}');
    const [loop] = checks;
    if (loop.type !== 'each') throw new Error('expected an each check');
    expect(loop.body.map((check) => check.ref.display)).toEqual(['xs.a', 'xs.b']);
  });
});

describe('analyzeTemplate — rejections', () => {
  it.each([
    ['{{1}}', 'invalid-variable', 'is not a variable name'],
    ['{{"hola"}}', 'invalid-variable', 'is not a variable name'],
    ['{{this}}', 'invalid-variable', 'is not a variable'],
    ['{{@root}}', 'invalid-variable', 'is not a variable'],
    ['{{../x}}', 'invalid-variable', 'goes above'],
    ['{{each}}', 'invalid-variable', 'reserved'],
    ['{{lookup a b}}', 'syntax', 'Unknown helper "lookup"'],
    ['{{if a}}', 'syntax', 'must be used as a block'],
    ['{{#fecha d}}x{{/fecha}}', 'syntax', 'is not a block'],
    ['{{#each}}x{{/each}}', 'syntax', 'takes exactly one variable'],
    ['{{#if a b}}x{{/if}}', 'syntax', 'takes exactly one variable'],
    ['{{#if "a"}}x{{/if}}', 'syntax', 'takes exactly one variable'],
    ['{{#each xs foo=1}}x{{/each}}', 'syntax', 'does not take the option'],
    ['{{#each @index}}x{{/each}}', 'syntax', 'needs a variable'],
    ['{{upper a b}}', 'syntax', 'takes 1 argument, got 2'],
    ['{{upper a x=1}}', 'syntax', 'does not take name=value options'],
    ['{{upper (saludo a)}}', 'syntax', 'Unknown helper "saludo"'],
    ['{{numero a 2.5}}', 'syntax', 'decimals'],
    ['{{> firma}}', 'syntax', 'Partials'],
    ['{{#> layout}}x{{/layout}}', 'syntax', 'Partials'],
    ['{{* deco}}', 'syntax', 'Decorators'],
    ['{{{{raw}}}} {{x}} {{{{/raw}}}}', 'syntax', 'Unknown block'],
  ])('%j → %s', (body, rule, message) => {
    const error = failure(body);
    expect(error.rule).toBe(rule);
    expect(error.message).toContain(message);
  });

  it('names the line in multi-line templates', () => {
    const error = failure('Hola\n\n{{saludar nombre}}');
    expect(error.line).toBe(3);
    expect(error.message).toContain('(line 3)');
  });

  it('turns parser dumps into one readable line', () => {
    const error = failure('Hola {{nombre}');
    expect(error.message).toBe('Template syntax error on line 1 near "Hola {{nombre}": a {{ … }} is not written correctly');
    expect(failure('{{#if a}}{{else}}{{else}}{{/if}}').message).toContain('more than one {{else}}');
  });
});
