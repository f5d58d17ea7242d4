import {
  MAX_TEXT_LENGTH,
  TemplateError,
  compileTemplate,
  extractVariables,
  renderTemplate,
  type RenderOptions,
  type TemplateVariables,
} from './template';

/** Intl puts narrow/no-break spaces in times and currencies; compare with plain spaces. */
const plain = (text: string) => text.replace(/\s/gu, ' ');
const render = (body: string, variables: TemplateVariables, options?: RenderOptions) =>
  plain(renderTemplate(body, variables, options));

function failure(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

describe('renderTemplate', () => {
  const pedido = {
    nombre: 'José Ñúñez',
    pedido: { folio: 'A-1024', entrega: '2025-03-14', hora: '2025-03-14T18:30:00Z' },
    total: 1234.5,
  };

  it('renders Spanish text with accents, emoji, nested paths and helpers', () => {
    const body =
      '¡Hola {{nombre}}! 🎉 Tu pedido {{pedido.folio}} llega el {{fecha pedido.entrega}} ' +
      'a las {{hora pedido.hora}}. Total: {{moneda total}} 🛍️';
    expect(render(body, pedido)).toBe(
      '¡Hola José Ñúñez! 🎉 Tu pedido A-1024 llega el 14 de marzo de 2025 a las 12:30 p.m.. Total: $1,234.50 🛍️',
    );
  });

  it('does not HTML-escape (WhatsApp is plain text)', () => {
    expect(renderTemplate('{{a}} & {{{b}}} <ok>', { a: 'Tom & Jerry "<3"', b: "l'été" })).toBe(
      `Tom & Jerry "<3" & l'été <ok>`,
    );
  });

  it('prints numbers and booleans, and keeps an empty string as a value', () => {
    expect(renderTemplate('{{n}}|{{b}}|{{e}}|', { n: 0, b: false, e: '' })).toBe('0|false||');
  });

  it('uses the locale and time zone given', () => {
    const options = { locale: 'es-CO', timeZone: 'America/Bogota' };
    expect(render('{{hora h}} {{moneda t "COP"}}', { h: '2025-03-14T18:30:00Z', t: 1234.5 }, options)).toBe(
      '1:30 p. m. $ 1.235',
    );
    expect(render('{{fecha d "full"}}', { d: '2025-03-14T18:30:00Z' }, { locale: 'en-US', timeZone: 'UTC' })).toBe(
      'Friday, March 14, 2025',
    );
  });

  it('passes locale and time zone to helpers inside #each', () => {
    const body = '{{#each xs}}{{moneda p "EUR"}} {{fecha d "short"}}|{{/each}}';
    expect(render(body, { xs: [{ p: 1.5, d: '2025-03-14' }] }, { locale: 'es-ES', timeZone: 'Europe/Madrid' })).toBe('1,50 € 14/3/25|');
  });

  it('formats a timestamp in the time zone (late evening in Mexico is still the 14th)', () => {
    expect(render('{{fecha d}}', { d: '2025-03-15T03:00:00Z' })).toBe('14 de marzo de 2025');
    expect(render('{{fecha d}}', { d: '2025-03-15T03:00:00Z' }, { timeZone: 'Europe/Madrid' })).toBe(
      '15 de marzo de 2025',
    );
  });

  it('rejects a bad locale or time zone as a configuration error', () => {
    expect(() => renderTemplate('x', {}, { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
    expect(() => renderTemplate('x', {}, { timeZone: 'Mars/Olympus' })).toThrow('Unknown time zone "Mars/Olympus"');
    expect(() => renderTemplate('x', {}, { locale: 'not a locale!' })).toThrow('Unknown locale "not a locale!"');
  });

  it('supports #if/else, #unless, #each with @index and #with', () => {
    const body =
      '{{#if vip}}⭐ {{else}}{{/if}}{{#unless pagado}}Pendiente. {{/unless}}' +
      '{{#each productos}}{{@index}}. {{nombre}} x{{cantidad}}\n{{else}}Sin productos{{/each}}' +
      '{{#with tienda}}— {{nombre}}{{/with}}';
    const text = renderTemplate(body, {
      vip: true,
      pagado: false,
      productos: [
        { nombre: 'Café de Chiapas', cantidad: 2 },
        { nombre: 'Té', cantidad: 1 },
      ],
      tienda: { nombre: 'La Tiendita' },
    });
    expect(text).toBe('⭐ Pendiente. 0. Café de Chiapas x2\n1. Té x1\n— La Tiendita');
    expect(renderTemplate('{{#each productos}}{{nombre}}{{else}}Sin productos{{/each}}', { productos: [] })).toBe(
      'Sin productos',
    );
  });

  it('accepts no variables object for a template without variables', () => {
    expect(renderTemplate('Gracias por tu compra', undefined as unknown as TemplateVariables)).toBe(
      'Gracias por tu compra',
    );
  });

  it('rejects variables that are not an object', () => {
    expect(() => renderTemplate('x', ['a'] as unknown as TemplateVariables)).toThrow(TypeError);
  });
});

describe('renderTemplate — missing variables', () => {
  it('names a missing variable', () => {
    const error = failure(() => renderTemplate('Hola {{nombre}}', {}));
    expect(error.rule).toBe('missing-variable');
    expect(error.variable).toBe('nombre');
    expect(error.message).toBe('Missing template variable "nombre"');
  });

  it('treats null as missing', () => {
    expect(failure(() => renderTemplate('Hola {{nombre}}', { nombre: null })).variable).toBe('nombre');
  });

  it('names a variable missing inside a helper, with the same name as the helper', () => {
    const error = failure(() => renderTemplate('Entrega: {{fecha fecha}}', {}));
    expect(error.message).toBe('Missing template variable "fecha"');
  });

  it('reads {{fecha}} alone as the variable fecha', () => {
    expect(renderTemplate('Entrega: {{fecha}}', { fecha: 'mañana' })).toBe('Entrega: mañana');
    expect(failure(() => renderTemplate('{{fecha}}', {})).message).toBe('Missing template variable "fecha"');
  });

  it('names nested paths in full', () => {
    const error = failure(() => renderTemplate('{{cliente.nombre}}', { cliente: {} }));
    expect(error.variable).toBe('cliente.nombre');
    expect(failure(() => renderTemplate('{{cliente.nombre}}', {})).variable).toBe('cliente.nombre');
  });

  it('only requires what the branch taken will print', () => {
    const body = '{{#if cupon}}Usa {{cupon.codigo}}{{else}}Sin cupón{{/if}}';
    expect(renderTemplate(body, {})).toBe('Sin cupón');
    expect(failure(() => renderTemplate(body, { cupon: { descuento: 10 } })).variable).toBe('cupon.codigo');
  });

  it('checks every #each item and says which one', () => {
    const error = failure(() =>
      renderTemplate('{{#each productos}}{{nombre}}: {{moneda precio}}\n{{/each}}', {
        productos: [{ nombre: 'Café', precio: 50 }, { nombre: 'Té' }],
      }),
    );
    expect(error.variable).toBe('productos.precio');
    expect(error.message).toBe('Missing template variable "productos.precio" (item 2 of "productos")');
  });

  it('requires the list of an #each (an empty list is fine)', () => {
    expect(failure(() => renderTemplate('{{#each productos}}x{{/each}}', {})).variable).toBe('productos');
  });

  it('refuses to print objects, lists and dates as is', () => {
    expect(failure(() => renderTemplate('{{cliente}}', { cliente: { nombre: 'Ana' } })).message).toBe(
      'Template variable "cliente" is an object: use one of its fields, e.g. {{cliente.nombre}}',
    );
    expect(failure(() => renderTemplate('{{items}}', { items: [1] })).rule).toBe('invalid-variable');
    expect(failure(() => renderTemplate('{{d}}', { d: new Date() })).message).toContain('{{fecha d}}');
  });

  it('does not read inherited properties', () => {
    expect(failure(() => renderTemplate('{{nombre.length}}', { nombre: {} })).variable).toBe('nombre.length');
    // Names only the prototype has are ordinary variables of the caller's: passed, never used.
    expect(renderTemplate('Hola {{nombre}}', { nombre: 'Ana', constructor: 'x', toString: 'y', hasOwnProperty: 'z', valueOf: 1 })).toBe('Hola Ana');
    expect(renderTemplate('Hola {{cliente.nombre}}', { cliente: JSON.parse('{"nombre":"Ana","__proto__":{"nombre":"Eva"}}') })).toBe('Hola Ana');
  });

  it('refuses a body reading a name every object has (it could never be sent): reserved-variable', () => {
    for (const body of ['{{constructor}}', 'Hola {{toString}}', '{{cliente.hasOwnProperty}}', '{{__proto__}}', '{{#each items}}{{valueOf}}{{/each}}', '{{fecha constructor}}', '{{#if isPrototypeOf}}x{{/if}}']) {
      const error = failure(() => renderTemplate(body, {}));
      expect(error.rule).toBe('reserved-variable');
      expect(error.message).toMatch(/every JavaScript object has/);
    }
    // As block parameters they name the item, not a property: fine.
    expect(renderTemplate('{{#each items as |toString|}}{{toString}} {{/each}}', { items: ['a', 'b'] })).toBe('a b ');
  });

  it('names the variable whose value a helper cannot format', () => {
    const error = failure(() => renderTemplate('{{fecha entrega}}', { entrega: 'mañana' }));
    expect(error.rule).toBe('invalid-variable');
    expect(error.variable).toBe('entrega');
    expect(error.message).toBe(
      'Template variable "entrega" is not a date (expected an ISO date such as "2025-03-14" or a Date): "mañana"',
    );
    expect(failure(() => renderTemplate('Total {{moneda total}}', { total: 'mucho' })).variable).toBe('total');
    expect(failure(() => renderTemplate('{{mayusculas (minusculas x)}}', { x: {} })).variable).toBe('x');
  });
});

describe('renderTemplate — syntax', () => {
  it.each([
    ['Hola {{nombre}', 'near "Hola {{nombre}"'],
    ['{{#if vip}}hola', 'is never closed'],
    ['hola {{/if}}', 'never opened'],
    ['{{#if a}}x{{/each}}', '{{#if}} is closed by {{/each}}'],
    ['{{> firma}}', 'Partials'],
    ['{{saludar nombre}}', 'Unknown helper "saludar"'],
    ['{{fecha}} {{fecha a b c}}', '{{fecha}} takes 1 or 2 arguments, got 3'],
    ['{{fecha d "enorme"}}', '"enorme" is not a style'],
    ['{{moneda t "PESOS"}}', 'not an ISO currency code'],
    ['{{#pedido}}x{{/pedido}}', 'Unknown block {{#pedido}}'],
  ])('%j is a syntax error', (body, message) => {
    const error = failure(() => compileTemplate(body));
    expect(error.rule).toBe('syntax');
    expect(error.message).toContain(message);
  });

  it('gives the line of a parse error', () => {
    const error = failure(() => compileTemplate('Hola\n{{nombre'));
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/^Template syntax error on line 2/);
  });

  it('rejects a non-string body', () => {
    expect(failure(() => compileTemplate(42 as unknown as string)).rule).toBe('syntax');
  });
});

describe('renderTemplate — WhatsApp length limit', () => {
  it('accepts exactly 4096 characters', () => {
    expect(MAX_TEXT_LENGTH).toBe(4096);
    expect(renderTemplate('{{x}}', { x: 'a'.repeat(4096) })).toHaveLength(4096);
  });

  it('rejects 4097 characters, saying the length', () => {
    const error = failure(() => renderTemplate('{{x}}', { x: 'a'.repeat(4097) }));
    expect(error.rule).toBe('too-long');
    expect(error.length).toBe(4097);
    expect(error.message).toBe('The message is 4097 characters long; WhatsApp allows at most 4096');
  });

  it('counts an emoji as one character', () => {
    expect(() => renderTemplate('{{x}}', { x: '🎉'.repeat(4096) })).not.toThrow();
    expect(failure(() => renderTemplate('{{x}}!', { x: '🎉'.repeat(4096) })).length).toBe(4097);
  });

  it('rejects at compile time a template whose fixed text is already too long', () => {
    const error = failure(() => compileTemplate(`${'a'.repeat(4097)}{{x}}`));
    expect(error.rule).toBe('too-long');
    expect(error.message).toContain('before variables are filled in');
  });
});

describe('compileTemplate / extractVariables', () => {
  it('caches compiled templates', () => {
    expect(compileTemplate('Hola {{uno}}')).toBe(compileTemplate('Hola {{uno}}'));
  });

  it('lists variables in order of first use, without helpers or literals', () => {
    expect(
      extractVariables(
        '{{saludo}} {{cliente.nombre}}, {{fecha entrega "short"}} {{moneda total "USD"}} {{saludo}} ' +
          '{{#if vip}}{{descuento}}{{/if}} {{#each productos}}{{nombre}} {{../tienda}}{{/each}} {{mayusculas (minusculas ciudad)}}',
      ),
    ).toEqual(['saludo', 'cliente.nombre', 'entrega', 'total', 'vip', 'descuento', 'productos', 'tienda', 'ciudad']);
  });

  it('exposes the variables on the compiled template', () => {
    expect(compileTemplate('{{a}} {{b.c}}').variables).toEqual(['a', 'b.c']);
  });

  it('returns a copy the caller may change', () => {
    const first = extractVariables('{{a}}');
    first.push('z');
    expect(extractVariables('{{a}}')).toEqual(['a']);
  });
});
