import { TemplateError } from '../../lib/template-errors';
import { twilioTemplate } from './template';

const body = 'Hola {{nombre}}, llega el {{fecha entrega "short"}} a {{direccion}}.';
const plain = (text: string) => text.replace(/\s/gu, ' ');

describe('twilioTemplate (a stored template → ContentVariables)', () => {
  it('formats each variable as the body prints it and cleans newlines', () => {
    const result = twilioTemplate(
      { body, twilioContentSid: 'HX1', twilioVariables: { 1: 'nombre', 2: 'entrega', 3: 'direccion' } },
      { nombre: 'Ana', entrega: '2026-03-14', direccion: 'Calle 5\nCentro' },
    );
    expect(result?.contentSid).toBe('HX1');
    expect(Object.fromEntries(Object.entries(result?.variables ?? {}).map(([k, v]) => [k, plain(v)]))).toEqual({ 1: 'Ana', 2: '14/03/26', 3: 'Calle 5 Centro' });
  });

  it('reads a stored mapping tolerantly: nothing is no mapping, anything unreadable a TemplateError (a 422), never a crash', () => {
    expect(twilioTemplate({ body: 'Hola', twilioContentSid: 'HX1', twilioVariables: '' }, {})?.variables).toEqual({});
    expect(twilioTemplate({ body: 'Hola', twilioContentSid: 'HX1', twilioVariables: null }, {})?.variables).toEqual({});
    for (const stored of ['{"1":', '"nombre"', ['nombre'], { 1: { a: 1 } }, 42]) {
      expect(() => twilioTemplate({ body, twilioContentSid: 'HX1', twilioVariables: stored }, { nombre: 'Ana' })).toThrow(TemplateError);
    }
  });

  it('no Content SID, no Twilio template', () => {
    expect(twilioTemplate({ body }, {})).toBeUndefined();
  });
});
