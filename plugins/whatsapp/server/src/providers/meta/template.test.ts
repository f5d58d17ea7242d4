import { metaTemplate } from './template';

const body = 'Hola {{nombre}}, entregamos en {{direccion}} el {{fecha entrega}}. Total: {{moneda total}}.';
const variables = { nombre: 'Ana', direccion: 'Av. Reforma 222\n\tCol.      Juárez', entrega: '2026-03-14', total: 1234.5 };
const plain = (text: string) => text.replace(/\s/gu, ' ');

describe('metaTemplate (a stored template → Meta parameters)', () => {
  it('without an explicit order, sends the body variables in order of appearance, formatted as in the body and cleaned', () => {
    const result = metaTemplate({ body, metaName: 'entrega', language: 'es_MX' }, variables);
    expect(result?.name).toBe('entrega');
    expect(result?.language).toBe('es_MX');
    expect(result?.parameters.map((p) => plain(p.value))).toEqual(['Ana', 'Av. Reforma 222 Col. Juárez', '14 de marzo de 2026', '$1,234.50']);
  });

  it('follows an explicit order, each variable formatted as the body prints it', () => {
    const result = metaTemplate({ body, metaName: 'entrega', metaLanguage: 'es', metaParameters: ['total', 'nombre', 'direccion', 'entrega'] }, variables);
    expect(result?.language).toBe('es');
    expect(result?.parameters.map((p) => plain(p.value))).toEqual(['$1,234.50', 'Ana', 'Av. Reforma 222 Col. Juárez', '14 de marzo de 2026']);
  });

  it('named parameters keep the variable name, with the body formatting', () => {
    const result = metaTemplate({ body, metaName: 'entrega', metaParameterFormat: 'named', metaParameters: JSON.stringify(['total', 'nombre', 'direccion', 'entrega']) }, variables);
    expect(result?.parameterFormat).toBe('named');
    expect(result?.parameters.map((p) => [p.name, plain(p.value)])).toEqual([
      ['total', '$1,234.50'],
      ['nombre', 'Ana'],
      ['direccion', 'Av. Reforma 222 Col. Juárez'],
      ['entrega', '14 de marzo de 2026'],
    ]);
  });

  it('no Meta name, no Meta template', () => {
    expect(metaTemplate({ body }, variables)).toBeUndefined();
  });
});
