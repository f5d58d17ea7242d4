import type { Template } from '../../../shared/contracts';
import { EMPTY_FORM, fieldErrors, formOf, mappingOf, parseTwilioVariables, previewErrorPlace, samplesFor, toInput, toVariables, apiErrorOf } from './logic';

const stored: Template = {
  id: 1,
  documentId: 'abc',
  name: 'cita',
  category: 'utility',
  language: 'es_MX',
  body: 'Hola {{nombre}}',
  variables: ['nombre'],
  mediaHeader: 'none',
  meta: { name: 'cita_v1', language: 'es_MX', parameters: ['nombre'], parameterFormat: 'positional' },
  twilio: { contentSid: 'HX' + '0'.repeat(32), variables: { '1': 'nombre' } },
  fallbackChannel: 'sms',
  createsFollowUp: true,
  active: false,
  createdAt: null,
  updatedAt: null,
};

describe('template form', () => {
  it('round-trips a stored template into the request the API takes', () => {
    expect(toInput(formOf(stored))).toEqual({
      name: 'cita',
      category: 'utility',
      language: 'es_MX',
      body: 'Hola {{nombre}}',
      mediaHeader: 'none',
      metaName: 'cita_v1',
      metaLanguage: null,
      metaParameters: ['nombre'],
      metaParameterFormat: 'positional',
      twilioContentSid: 'HX' + '0'.repeat(32),
      twilioVariables: { '1': 'nombre' },
      fallbackChannel: 'sms',
      createsFollowUp: true,
      active: false,
    });
  });

  it('sends empty mapping fields as null and keeps the body as typed', () => {
    const input = toInput({ ...EMPTY_FORM, name: '  aviso ', body: '  Hola ', metaParameters: ' \n ' });
    expect(input).toMatchObject({ name: 'aviso', body: '  Hola ', metaName: null, metaParameters: null, twilioContentSid: null, twilioVariables: null });
  });

  it('reads Twilio variables as key=name lines, numbering bare names by position', () => {
    expect(parseTwilioVariables('1=nombre\n2 = fecha')).toEqual({ '1': 'nombre', '2': 'fecha' });
    expect(parseTwilioVariables('nombre, fecha')).toEqual({ '1': 'nombre', '2': 'fecha' });
    expect(parseTwilioVariables('')).toBeNull();
  });

  it('shows the mapping in words', () => {
    expect(mappingOf(stored)).toEqual({ meta: 'cita_v1 (es_MX)', twilio: 'HX' + '0'.repeat(32) });
    expect(mappingOf({ meta: null, twilio: null })).toEqual({ meta: null, twilio: null });
  });
});

describe('preview samples', () => {
  it('nests dotted names and skips names that would reach the prototype', () => {
    expect(toVariables({ nombre: 'Ana', 'cliente.ciudad': 'León', 'cliente.pais': 'MX' })).toEqual({ nombre: 'Ana', cliente: { ciudad: 'León', pais: 'MX' } });
    expect(toVariables({ '__proto__.x': '1', 'a..b': '2', constructor: '3' })).toEqual({});
    expect(toVariables({ cliente: 'Ana', 'cliente.nombre': 'Ana' })).toEqual({ cliente: { nombre: 'Ana' } });
  });

  it('keeps the values typed and gives new variables a visible placeholder', () => {
    expect(samplesFor(['nombre', 'fecha'], { nombre: 'Ana', viejo: 'x' })).toEqual({ nombre: 'Ana', fecha: '[fecha]' });
  });
});

describe('API errors', () => {
  const thrown = (error: unknown) => ({ response: { data: { error } } });

  it('keys field errors by their first path segment, the first one winning', () => {
    const body = apiErrorOf(
      thrown({ status: 422, message: 'x', details: { errors: [{ path: ['metaParameters', '0'], message: 'unknown' }, { path: ['metaParameters'], message: 'count' }, { path: [], message: 'whole' }] } })
    );
    expect(fieldErrors(body)).toEqual({ metaParameters: 'unknown', _: 'whole' });
  });

  it('falls back to the message, and to nothing for what is not an API error', () => {
    expect(fieldErrors(apiErrorOf(thrown({ status: 409, message: 'taken' })))).toEqual({ _: 'taken' });
    expect(apiErrorOf(new Error('network'))).toBeNull();
    expect(apiErrorOf(null)).toBeNull();
    expect(fieldErrors(null)).toEqual({});
  });

  it('places a preview error on its variable or field', () => {
    expect(previewErrorPlace({ path: ['variables', 'cliente', 'nombre'], message: '' })).toEqual({ variable: 'cliente.nombre' });
    expect(previewErrorPlace({ path: ['body'], message: '' })).toEqual({ field: 'body' });
    expect(previewErrorPlace({ path: [], message: '' })).toEqual({ field: 'body' });
  });
});
