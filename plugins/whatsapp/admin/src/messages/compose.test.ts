import type { RecipientCheck } from '../../../shared/contracts';
import {
  EMPTY_COMPOSE,
  buildSendBody,
  contactSearchQuery,
  formProblems,
  freeTextAllowed,
  looksLikePhone,
  mediaKind,
  mediaProblem,
  mediaTypesFor,
  mediaUse,
  needsMarketingConsent,
  phoneProblem,
  previewVariables,
  recipientOf,
  sendErrors,
  sendingAt,
  valuesFor,
  variablesFor,
  windowLeft,
  type ComposeContext,
  type ComposeForm,
  type ComposeTemplate,
} from './compose';

const NOW = Date.parse('2026-05-10T12:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

const template = (over: Partial<ComposeTemplate> = {}): ComposeTemplate => ({
  id: 4,
  name: 'entrega',
  category: 'utility',
  variables: ['nombre', 'pedido.numero'],
  mediaHeader: 'none',
  active: true,
  ...over,
});

const check = (over: Partial<RecipientCheck> = {}): RecipientCheck => ({
  to: '+525512345678',
  defaultCountry: 'MX',
  contact: { id: 7, name: 'Ana' },
  marketingConsent: false,
  window: { open: true, closesAt: iso(NOW + 5 * HOUR + 30 * 60_000), lastInboundAt: iso(NOW - 18.5 * HOUR) },
  ...over,
});

const ctx = (over: Partial<ComposeContext> = {}): ComposeContext => ({
  to: '55 1234 5678',
  picked: false,
  check: check(),
  checkFailed: false,
  template: template(),
  variables: ['nombre', 'pedido.numero'],
  now: NOW,
  ...over,
});

describe('recipient', () => {
  it('flags only what is certainly wrong with a typed number, leaving WhatsApp forms to the server', () => {
    expect(phoneProblem('')).toBe('required');
    expect(phoneProblem('   ')).toBe('required');
    expect(phoneProblem('55 12x4 5678')).toBe('invalid-characters');
    expect(phoneProblem('12345')).toBe('too-short');
    expect(phoneProblem('+52 1 55 1234 5678 9999 00')).toBe('too-long');
    // Mexico's 521 form, Argentina's 9 with a trunk 0 and a 15, a national number, a prefix.
    for (const ok of ['5215512345678', '011 15-2345-6789', '+54 9 11 2345-6789', '55 1234 5678', 'whatsapp:+525512345678', '(55) 1234.5678']) {
      expect({ ok, problem: phoneProblem(ok) }).toEqual({ ok, problem: null });
    }
  });

  it('tells a number from a name in the one recipient field', () => {
    expect(looksLikePhone('55 1234')).toBe(true);
    expect(looksLikePhone('+52')).toBe(true);
    expect(looksLikePhone('Ana')).toBe(false);
    expect(looksLikePhone('Taller 3')).toBe(false);
    expect(looksLikePhone('')).toBe(false);
  });

  it('sends to the picked contact (its number, else its WhatsApp user id), else to the typed number', () => {
    expect(recipientOf({ phone: '+525512345678', providerUserId: null }, 'Ana')).toBe('+525512345678');
    expect(recipientOf({ phone: null, providerUserId: 'MX.123' }, '')).toBe('MX.123');
    expect(recipientOf(null, '  55 1234 5678 ')).toBe('55 1234 5678');
  });

  it('searches contacts by what was typed, a short page', () => {
    expect(contactSearchQuery(' Ana ')).toEqual({ search: 'Ana', page: 1, pageSize: 8 });
  });
});

describe('the 24-hour window', () => {
  it('counts down the hours and minutes left from when it closes', () => {
    expect(windowLeft({ closesAt: iso(NOW + 5 * HOUR + 30 * 60_000 + 59_000) }, NOW)).toEqual({ open: true, hours: 5, minutes: 30, closesAt: NOW + 5 * HOUR + 30 * 60_000 + 59_000 });
    expect(windowLeft({ closesAt: iso(NOW + 40_000) }, NOW)).toMatchObject({ open: true, hours: 0, minutes: 0 });
    // A page left open: what was open is closed once the time is up.
    expect(windowLeft({ closesAt: iso(NOW) }, NOW)).toEqual({ open: false, hours: 0, minutes: 0, closesAt: NOW });
    expect(windowLeft({ closesAt: null }, NOW)).toEqual({ open: false, hours: 0, minutes: 0, closesAt: null });
    expect(windowLeft(null, NOW).open).toBe(false);
  });

  it('allows free text only if the window is still open when the message goes', () => {
    const window = { closesAt: iso(NOW + 2 * HOUR) };
    expect(freeTextAllowed(window, { schedule: 'now', sendAt: null }, NOW)).toBe(true);
    expect(freeTextAllowed(window, { schedule: 'later', sendAt: iso(NOW + HOUR) }, NOW)).toBe(true);
    expect(freeTextAllowed(window, { schedule: 'later', sendAt: iso(NOW + 3 * HOUR) }, NOW)).toBe(false);
    expect(freeTextAllowed({ closesAt: null }, { schedule: 'now', sendAt: null }, NOW)).toBe(false);
    expect(freeTextAllowed(null, { schedule: 'now', sendAt: null }, NOW)).toBe(false);
  });

  it('takes "later" without a date, or a past one, as now', () => {
    expect(sendingAt({ schedule: 'later', sendAt: null }, NOW)).toBe(NOW);
    expect(sendingAt({ schedule: 'later', sendAt: iso(NOW - HOUR) }, NOW)).toBe(NOW);
    expect(sendingAt({ schedule: 'now', sendAt: iso(NOW + HOUR) }, NOW)).toBe(NOW);
  });
});

describe('template variables', () => {
  it('asks for the template’s variables, then any the preview found, once each', () => {
    expect(variablesFor(template(), ['nombre', 'fecha', ' '])).toEqual(['nombre', 'pedido.numero', 'fecha']);
    expect(variablesFor(null)).toEqual([]);
  });

  it('keeps what was typed for variables still used', () => {
    expect(valuesFor(['nombre', 'fecha'], { nombre: 'Ana', viejo: 'x' })).toEqual({ nombre: 'Ana', fecha: '' });
  });

  it('previews with placeholders where nothing was typed, nested by the dots', () => {
    expect(previewVariables(['nombre', 'pedido.numero'], { nombre: 'Ana', 'pedido.numero': '  ' })).toEqual({ nombre: 'Ana', pedido: { numero: '[pedido.numero]' } });
  });
});

describe('media', () => {
  it('goes with free text, or as a template’s header when it has one', () => {
    expect(mediaUse('text', null)).toBe('optional');
    expect(mediaUse('template', template())).toBe('none');
    expect(mediaUse('template', template({ mediaHeader: 'document' }))).toBe('required');
    expect(mediaUse('template', null)).toBe('none');
  });

  it('opens the media library on the kinds the message takes', () => {
    expect(mediaTypesFor('template', template({ mediaHeader: 'image' }))).toEqual(['images']);
    expect(mediaTypesFor('template', template({ mediaHeader: 'document' }))).toEqual(['files']);
    expect(mediaTypesFor('text', null)).toEqual(['images', 'files']);
  });

  it('takes a PDF or a JPEG / PNG image, of the header’s kind', () => {
    expect(mediaKind('application/pdf')).toBe('document');
    expect(mediaKind('image/png')).toBe('image');
    expect(mediaKind('image/gif')).toBeNull();
    expect(mediaProblem({ mime: 'image/webp' }, 'text', null)).toBe('type');
    expect(mediaProblem({ mime: 'image/jpeg' }, 'template', template({ mediaHeader: 'document' }))).toBe('header-type');
    expect(mediaProblem({ mime: 'application/pdf' }, 'template', template({ mediaHeader: 'document' }))).toBeNull();
    expect(mediaProblem({ mime: 'application/pdf' }, 'text', null)).toBeNull();
  });
});

describe('before sending', () => {
  const filled: ComposeForm = { ...EMPTY_COMPOSE, templateId: 4, values: { nombre: 'Ana', 'pedido.numero': '12' } };

  it('finds nothing wrong with a complete template message', () => {
    expect(formProblems(filled, ctx())).toEqual([]);
  });

  it('puts each problem on its field', () => {
    expect(formProblems({ ...filled, values: { nombre: ' ' } }, ctx({ to: '' }))).toEqual([
      { field: 'to', rule: 'required' },
      { field: 'variables.nombre', rule: 'required' },
      { field: 'variables.pedido.numero', rule: 'required' },
    ]);
    expect(formProblems(filled, ctx({ template: null }))).toEqual([{ field: 'template', rule: 'required' }]);
    expect(formProblems(filled, ctx({ to: '123', check: null }))).toEqual([{ field: 'to', rule: 'too-short' }]);
    expect(formProblems(filled, ctx({ checkFailed: true, check: null }))).toEqual([{ field: 'to', rule: 'phone' }]);
  });

  it('does not recheck a picked contact’s number', () => {
    expect(formProblems(filled, ctx({ to: 'MX.123', picked: true, check: null }))).toEqual([]);
  });

  it('refuses free text when the window will be closed, and an empty text', () => {
    const text: ComposeForm = { ...EMPTY_COMPOSE, mode: 'text', body: 'Hola' };
    expect(formProblems(text, ctx())).toEqual([]);
    expect(formProblems({ ...text, body: '  ' }, ctx())).toEqual([{ field: 'body', rule: 'required' }]);
    expect(formProblems(text, ctx({ check: check({ window: { open: false, closesAt: null, lastInboundAt: null } }) }))).toEqual([{ field: 'body', rule: 'service-window' }]);
    expect(formProblems({ ...text, schedule: 'later', sendAt: iso(NOW + 6 * HOUR) }, ctx())).toEqual([{ field: 'body', rule: 'service-window' }]);
  });

  it('wants a future date when scheduled for later', () => {
    expect(formProblems({ ...filled, schedule: 'later', sendAt: null }, ctx())).toEqual([{ field: 'sendAt', rule: 'required' }]);
    expect(formProblems({ ...filled, schedule: 'later', sendAt: iso(NOW - 1) }, ctx())).toEqual([{ field: 'sendAt', rule: 'future' }]);
    expect(formProblems({ ...filled, schedule: 'later', sendAt: iso(NOW + HOUR) }, ctx())).toEqual([]);
  });

  it('wants the header file a template needs, of its kind', () => {
    const withHeader = ctx({ template: template({ mediaHeader: 'image' }) });
    expect(formProblems(filled, withHeader)).toEqual([{ field: 'media', rule: 'required' }]);
    expect(formProblems({ ...filled, media: { id: 3, name: 'x.pdf', mime: 'application/pdf' } }, withHeader)).toEqual([{ field: 'media', rule: 'media-type' }]);
    expect(formProblems({ ...filled, media: { id: 3, name: 'x.png', mime: 'image/png' } }, withHeader)).toEqual([]);
  });

  it('warns that a marketing template needs the contact’s consent', () => {
    expect(needsMarketingConsent(template({ category: 'marketing' }), check())).toBe(true);
    expect(needsMarketingConsent(template({ category: 'marketing' }), check({ marketingConsent: true }))).toBe(false);
    expect(needsMarketingConsent(template(), check())).toBe(false);
    expect(needsMarketingConsent(template({ category: 'marketing' }), null)).toBe(false);
  });
});

describe('the request', () => {
  it('sends a template by id with its variables trimmed and nested, now', () => {
    const form: ComposeForm = { ...EMPTY_COMPOSE, templateId: 4, values: { nombre: ' Ana ', 'pedido.numero': '12', sobrante: 'x' }, media: { id: 9, name: 'a.pdf', mime: 'application/pdf' } };
    expect(buildSendBody(form, ' 55 1234 5678 ', template(), ['nombre', 'pedido.numero'])).toEqual({
      to: '55 1234 5678',
      template: 4,
      variables: { nombre: 'Ana', pedido: { numero: '12' } },
    });
  });

  it('sends the header file and the scheduled time when there are some', () => {
    const sendAt = '2026-05-11T09:30:00.000Z';
    const form: ComposeForm = { ...EMPTY_COMPOSE, templateId: 4, values: {}, schedule: 'later', sendAt, media: { id: 9, name: 'a.pdf', mime: 'application/pdf' } };
    expect(buildSendBody(form, '+525512345678', template({ variables: [], mediaHeader: 'document' }), [])).toEqual({ to: '+525512345678', template: 4, media: 9, sendAt });
  });

  it('sends free text as typed, with an optional file as its caption', () => {
    const form: ComposeForm = { ...EMPTY_COMPOSE, mode: 'text', body: '  Hola Ana\n', templateId: 4, values: { nombre: 'x' }, media: { id: 2, name: 'f.png', mime: 'image/png' } };
    expect(buildSendBody(form, '+525512345678', template(), ['nombre'])).toEqual({ to: '+525512345678', body: '  Hola Ana\n', media: 2 });
  });
});

describe('the server’s refusals', () => {
  const refusal = (errors: Array<{ path: string[]; message: string; rule?: string }>, message = 'refused') => ({ response: { data: { error: { status: 422, message, details: { errors } } } } });

  it('lands each on its field', () => {
    expect(
      sendErrors(
        refusal([
          { path: ['to'], message: 'not a number', rule: 'phone' },
          { path: ['variables', 'pedido', 'numero'], message: 'missing', rule: 'required' },
          { path: ['sendAt'], message: 'past', rule: 'future' },
        ]),
        'template'
      )
    ).toEqual({ to: 'not a number', 'variables.pedido.numero': 'missing', sendAt: 'past' });
  });

  it('puts a template’s broken text on the template, and free text’s window on the text', () => {
    expect(sendErrors(refusal([{ path: ['body'], message: 'syntax', rule: 'template-syntax' }]), 'template')).toEqual({ template: 'syntax' });
    expect(sendErrors(refusal([{ path: ['body'], message: 'window closed', rule: 'service-window' }]), 'text')).toEqual({ body: 'window closed' });
  });

  it('keeps an error naming no field, and the message of one without details', () => {
    expect(sendErrors(refusal([{ path: [], message: 'give a template or a body' }]), 'text')).toEqual({ _: 'give a template or a body' });
    expect(sendErrors({ response: { data: { error: { message: 'Forbidden' } } } }, 'text')).toEqual({ _: 'Forbidden' });
    expect(sendErrors(new Error('network'), 'text')).toEqual({});
  });
});
