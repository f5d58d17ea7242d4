/**
 * Properties of the template engine: whatever the body (pieces of Handlebars in any order), the
 * variables (prototype names as keys, lists and objects where text goes, deep nesting) and the
 * contact's locale and time zone (stored before they were checked), rendering gives text or a
 * TemplateError naming the problem, never another error.
 */
import fc from 'fast-check';
import { formatOptionsFor } from './locale';
import { TemplateError, extractVariables, renderTemplate } from './template';
import { hostileKey, hostileString, hostileValue, objectOf } from './test-support/hostile';
import { metaTemplate } from '../providers/meta/template';
import { twilioTemplate } from '../providers/twilio/template';

const PIECES = [
  'Hola ',
  '{{nombre}}',
  '{{cliente.nombre}}',
  '{{#if x}}',
  '{{else}}',
  '{{/if}}',
  '{{#unless x}}',
  '{{/unless}}',
  '{{#each items}}',
  '{{this}}',
  '{{@index}}',
  '{{../nombre}}',
  '{{/each}}',
  '{{#with cliente}}',
  '{{/with}}',
  '{{fecha d}}',
  '{{hora d "short"}}',
  '{{moneda n "MXN"}}',
  '{{numero n 2}}',
  '{{mayusculas nombre}}',
  '{{constructor}}',
  '{{toString}}',
  '{{cliente.__proto__}}',
  '{{lookup a b}}',
  '{{> parcial}}',
  '{{{nombre}}}',
  '{{!-- nota --}}',
  '{{',
  '}}',
  '\n',
  '{{#each items as |item i|}}{{item}}{{/each}}',
];
const NAMES = ['nombre', 'cliente', 'x', 'items', 'd', 'n', 'a', 'b'];

const body = () => fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: hostileString() }), { maxLength: 12 }).map((parts) => parts.join(''));
const variables = () => objectOf(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: hostileKey() }), hostileValue(), 6);
const storedSetting = () => fc.oneof(hostileString(), fc.constantFrom('es-MX', 'en', 'pt-BR', 'America/Mexico_City', 'UTC', 'Mars/Olympus', 'not a locale!'), hostileValue());

const onlyTemplateErrors = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    expect(typeof error.rule).toBe('string');
  }
};

describe('rendering never throws anything but a TemplateError', () => {
  it('any body, any variables, any stored locale and time zone (read through formatOptionsFor)', () => {
    fc.assert(
      fc.property(body(), variables(), storedSetting(), storedSetting(), (text, values, locale, timeZone) => {
        onlyTemplateErrors(() => extractVariables(text));
        onlyTemplateErrors(() => {
          const rendered = renderTemplate(text, values, formatOptionsFor({ locale, timeZone }));
          expect(typeof rendered).toBe('string');
        });
      }),
      { numRuns: 500 }
    );
  });

  // What a JSON column gives back: the value (PostgreSQL), or its JSON text (SQLite).
  const storedJson = () => fc.tuple(hostileValue(), fc.boolean()).map(([value, asText]) => (asText ? JSON.stringify(value) ?? null : value));

  it('the provider mappings (Meta, Twilio) of any body with any stored mapping', () => {
    fc.assert(
      fc.property(body(), variables(), storedJson(), (text, values, stored) => {
        onlyTemplateErrors(() => metaTemplate({ body: text, metaName: 'plantilla', metaParameters: stored }, values));
        onlyTemplateErrors(() => twilioTemplate({ body: text, twilioContentSid: `HX${'0'.repeat(32)}`, twilioVariables: stored }, values));
      }),
      { numRuns: 300 }
    );
  });
});
