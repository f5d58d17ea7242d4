import { TemplateError } from '../lib/template-errors';
import { mapMetaParameters, mapProviderParameters, mapTwilioParameters, parameterOrder, parameterSources, sanitizeTemplateParameter } from './template-parameters';

function failure(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

const plain = (text: string) => text.replace(/\s/gu, ' ');
const pedido = {
  cliente: { nombre: 'María José' },
  folio: 1024,
  total: 1234.5,
  entrega: '2025-03-14',
  direccion: 'Av. Insurgentes Sur 1602\nPiso 3\tCol. Crédito Constructor',
};

describe('mapProviderParameters — Meta', () => {
  it('maps positional parameters in order, as strings', () => {
    const result = mapProviderParameters(
      { name: 'pedido_enviado', language: 'es_MX', parameters: ['cliente.nombre', 'folio', '{{moneda total}}'] },
      pedido,
    );
    expect(result).toEqual({
      name: 'pedido_enviado',
      language: 'es_MX',
      parameterFormat: 'positional',
      parameters: [
        { name: '1', value: 'María José' },
        { name: '2', value: '1024' },
        { name: '3', value: '$1,234.50' },
      ],
    });
  });

  it('maps named parameters, with an explicit name for paths Meta would not accept', () => {
    const result = mapMetaParameters(
      {
        name: 'entrega',
        language: 'es',
        parameterFormat: 'named',
        parameters: ['folio', { name: 'nombre_cliente', variable: 'cliente.nombre' }, { name: 'dia', variable: '{{fecha entrega "full"}}' }],
      },
      pedido,
    );
    expect(result.parameters).toEqual([
      { name: 'folio', value: '1024' },
      { name: 'nombre_cliente', value: 'María José' },
      { name: 'dia', value: 'viernes, 14 de marzo de 2025' },
    ]);
  });

  it('refuses a named parameter Meta would reject, suggesting a name', () => {
    const error = failure(() =>
      mapMetaParameters({ name: 't', language: 'es', parameterFormat: 'named', parameters: ['cliente.nombre'] }, pedido),
    );
    expect(error.rule).toBe('invalid-variable');
    expect(error.message).toContain('{ name: "cliente_nombre", variable: "cliente.nombre" }');
  });

  it('sanitizes newlines, tabs and long space runs (error 132018) instead of failing the send', () => {
    const result = mapMetaParameters({ name: 't', language: 'es', parameters: ['direccion', 'nota'] }, {
      ...pedido,
      nota: '  Entregar      en la    puerta  ',
    });
    expect(result.parameters.map((parameter) => parameter.value)).toEqual([
      'Av. Insurgentes Sur 1602 Piso 3 Col. Crédito Constructor',
      'Entregar en la    puerta', // four spaces are allowed
    ]);
  });

  it('keeps emoji and accents', () => {
    const result = mapMetaParameters({ name: 't', language: 'es', parameters: ['saludo'] }, { saludo: '¡Gracias! 🎉 Ñandú' });
    expect(result.parameters[0].value).toBe('¡Gracias! 🎉 Ñandú');
  });

  it('names a missing variable', () => {
    const error = failure(() => mapMetaParameters({ name: 't', language: 'es', parameters: ['cliente.nombre', 'nombre'] }, pedido));
    expect(error.rule).toBe('missing-variable');
    expect(error.variable).toBe('nombre');
    expect(error.message).toBe('Missing template variable "nombre"');
  });

  it('refuses an empty value (Meta rejects empty parameters)', () => {
    const error = failure(() => mapMetaParameters({ name: 't', language: 'es', parameters: ['nota'] }, { nota: ' \n ' }));
    expect(error.rule).toBe('missing-variable');
    expect(error.message).toBe('Template variable "nota" is empty; WhatsApp template parameters cannot be empty');
  });

  it('refuses objects and malformed sources', () => {
    expect(failure(() => mapMetaParameters({ name: 't', language: 'es', parameters: ['cliente'] }, pedido)).rule).toBe(
      'invalid-variable',
    );
    expect(failure(() => mapMetaParameters({ name: 't', language: 'es', parameters: ['nombre completo'] }, pedido)).message).toContain(
      'neither a variable name',
    );
    expect(failure(() => mapMetaParameters({ name: 't', language: 'es', parameters: [''] }, pedido)).rule).toBe('invalid-variable');
    expect(failure(() => mapMetaParameters({ name: 't', language: 'es', parameters: ['{{cliente'] }, pedido)).rule).toBe('syntax');
  });

  it('allows a template without parameters', () => {
    expect(mapMetaParameters({ name: 'hola', language: 'es', parameters: [] }, {}).parameters).toEqual([]);
  });
});

describe('mapProviderParameters — Twilio', () => {
  it('renders each content variable', () => {
    const result = mapProviderParameters(
      { contentSid: 'HX0123456789abcdef0123456789abcdef', variables: { 1: 'cliente.nombre', 2: '{{fecha entrega "short"}}', 3: '{{moneda total "USD"}}' } },
      pedido,
    );
    expect(result.contentSid).toBe('HX0123456789abcdef0123456789abcdef');
    expect(Object.fromEntries(Object.entries(result.variables).map(([key, value]) => [key, plain(value)]))).toEqual({
      1: 'María José',
      2: '14/03/25',
      3: 'USD 1,234.50',
    });
  });

  it('sanitizes like Meta (WhatsApp templates underneath) and names missing variables', () => {
    expect(mapTwilioParameters({ contentSid: 'HX1', variables: { 1: 'direccion' } }, pedido).variables[1]).not.toMatch(/[\n\t]/);
    expect(failure(() => mapTwilioParameters({ contentSid: 'HX1', variables: { 1: 'cupon' } }, pedido)).variable).toBe('cupon');
  });

  it('uses the locale given', () => {
    const result = mapTwilioParameters({ contentSid: 'HX1', variables: { 1: '{{numero total}}' } }, pedido, { locale: 'es-ES' });
    expect(result.variables[1]).toBe('1234,5');
  });

  it('refuses an empty placeholder key', () => {
    expect(failure(() => mapTwilioParameters({ contentSid: 'HX1', variables: { ' ': 'folio' } }, pedido)).rule).toBe('invalid-variable');
  });
});

describe('sanitizeTemplateParameter', () => {
  it.each([
    ['a\nb', 'a b'],
    ['a \r\n b', 'a b'],
    ['a\t\tb', 'a b'],
    ['a    b', 'a    b'],
    ['a     b', 'a b'],
    ['  a  ', 'a'],
    ['a\u2028b', 'a b'],
    ['', ''],
  ])('%j → %j', (input, output) => {
    expect(sanitizeTemplateParameter(input)).toBe(output);
  });
});

describe('parameterSources and parameterOrder (the body decides formatting and default order)', () => {
  it('maps each printed variable to the expression of its first appearance', () => {
    const sources = parameterSources('{{nombre}} {{moneda total "USD"}} {{#if nota}}{{fecha entrega}}{{/if}} {{#each items}}{{precio}}{{/each}} {{moneda total}}');
    expect(sources.get('nombre')).toBe('nombre');
    expect(sources.get('total')).toBe('{{moneda total "USD"}}');
    expect(sources.get('entrega')).toBe('{{fecha entrega}}');
    expect(sources.has('precio')).toBe(false);
  });

  it('finds expressions on any line', () => {
    expect(parameterSources('Hola\n\n  {{numero cantidad}} piezas').get('cantidad')).toBe('{{numero cantidad}}');
  });

  it('defaults to the body variables in order of appearance; an explicit list (array or JSON text) wins', () => {
    expect(parameterOrder(null, 'Hola {{b}}, {{a}} y {{b}}')).toEqual(['b', 'a']);
    expect(parameterOrder([], 'Hola {{b}}, {{a}}')).toEqual(['b', 'a']);
    expect(parameterOrder(['a', 'b'], 'Hola {{b}}, {{a}}')).toEqual(['a', 'b']);
    expect(parameterOrder('["a","b"]', 'Hola {{b}}, {{a}}')).toEqual(['a', 'b']);
  });
});
