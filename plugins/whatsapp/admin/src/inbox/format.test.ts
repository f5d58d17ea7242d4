import {
  assigneeName,
  recordLink,
  buildVariables,
  contactLabel,
  conversationsQuery,
  describeMedia,
  failureText,
  fileUrl,
  isServiceWindowError,
  keyForContent,
  locationUrl,
  mediaNotice,
  missingVariables,
  newIdempotencyKey,
  previewTemplate,
  relativeTime,
  serviceWindow,
  statusTick,
  toTemplate,
} from './format';

const NOW = Date.parse('2025-03-10T12:00:00.000Z');

describe('contactLabel', () => {
  it('prefers the name, then the WhatsApp profile name, then the phone', () => {
    const base = { id: 1, documentId: null, phone: '+5215512345678', isLead: false };
    expect(contactLabel({ ...base, name: 'Ana', profileName: 'Anita' })).toBe('Ana');
    expect(contactLabel({ ...base, name: '  ', profileName: 'Anita' })).toBe('Anita');
    expect(contactLabel({ ...base, name: null, profileName: null })).toBe('+5215512345678');
    expect(contactLabel(null, 9)).toBe('#9');
  });
});

describe('relativeTime', () => {
  it('answers seconds as now, then minutes, hours, days, and null after a week', () => {
    const ago = (ms: number) => new Date(NOW - ms).toISOString();
    expect(relativeTime(ago(59_000), NOW)).toEqual({ value: 0, unit: 'second' });
    expect(relativeTime(ago(60_000), NOW)).toEqual({ value: -1, unit: 'minute' });
    expect(relativeTime(ago(59 * 60_000), NOW)).toEqual({ value: -59, unit: 'minute' });
    expect(relativeTime(ago(3 * 3600_000 + 1), NOW)).toEqual({ value: -3, unit: 'hour' });
    expect(relativeTime(ago(26 * 3600_000), NOW)).toEqual({ value: -1, unit: 'day' });
    expect(relativeTime(ago(7 * 86400_000), NOW)).toBeNull();
    expect(relativeTime(new Date(NOW + 60_000).toISOString(), NOW)).toEqual({ value: 0, unit: 'second' });
    expect(relativeTime(null, NOW)).toBeNull();
    expect(relativeTime('not a date', NOW)).toBeNull();
  });
});

describe('serviceWindow', () => {
  it('is open with the time left until windowClosesAt, closed at and after it', () => {
    expect(serviceWindow({ windowClosesAt: new Date(NOW + (5 * 60 + 7) * 60_000 + 30_000).toISOString() }, NOW)).toEqual({
      open: true,
      hours: 5,
      minutes: 7,
      closesAt: NOW + (5 * 60 + 7) * 60_000 + 30_000,
    });
    expect(serviceWindow({ windowClosesAt: new Date(NOW).toISOString() }, NOW)).toEqual({ open: false, hours: 0, minutes: 0, closesAt: NOW });
    expect(serviceWindow({ windowClosesAt: null }, NOW)).toEqual({ open: false, hours: 0, minutes: 0, closesAt: null });
    expect(serviceWindow(null, NOW).open).toBe(false);
  });
});

describe('statusTick', () => {
  it('maps the life cycle to WhatsApp-style marks', () => {
    expect(['queued', 'sent', 'delivered', 'read', 'failed', 'undeliverable', 'cancelled', 'weird'].map((s) => [statusTick(s).symbol, statusTick(s).tone])).toEqual([
      ['🕓', 'pending'],
      ['✓', 'sent'],
      ['✓✓', 'sent'],
      ['✓✓', 'read'],
      ['!', 'failed'],
      ['!', 'failed'],
      ['⊘', 'cancelled'],
      ['?', 'pending'],
    ]);
  });
});

describe('describeMedia', () => {
  it('describes files by kind with filename and caption', () => {
    expect(describeMedia({ kind: 'document', mime: 'application/pdf', filename: 'factura.pdf', caption: 'Tu factura' })).toEqual({ kind: 'document', detail: 'factura.pdf · Tu factura' });
    expect(describeMedia({ kind: 'image', mime: 'image/jpeg', mediaId: 'x' })).toEqual({ kind: 'image', detail: null });
  });

  it('describes locations, buttons, list replies, reactions and other types as text', () => {
    expect(describeMedia({ kind: 'location', latitude: 19.43, longitude: -99.13, name: 'Taller', address: 'Av. Juárez 1' })).toEqual({
      kind: 'location',
      detail: 'Taller · Av. Juárez 1 · 19.43, -99.13',
    });
    expect(describeMedia({ kind: 'button', text: 'Confirmar', payload: 'YES' })).toEqual({ kind: 'button', detail: 'Confirmar' });
    expect(describeMedia({ kind: 'interactive', title: 'Mañana 10:00' })).toEqual({ kind: 'interactive', detail: 'Mañana 10:00' });
    expect(describeMedia({ kind: 'reaction', emoji: '👍' })).toEqual({ kind: 'reaction', detail: '👍' });
    expect(describeMedia({ kind: 'other', type: 'contacts' })).toEqual({ kind: 'other', detail: 'contacts' });
    expect(describeMedia(null)).toBeNull();
  });

  it('links a location to a map only with coordinates', () => {
    expect(locationUrl({ kind: 'location', latitude: 1.5, longitude: -2 })).toBe('https://www.google.com/maps?q=1.5,-2');
    expect(locationUrl({ kind: 'location', name: 'x' })).toBeNull();
    expect(locationUrl({ kind: 'image' })).toBeNull();
  });
});

describe('template variables', () => {
  it('builds nested variables from dotted paths', () => {
    expect(buildVariables({ nombre: 'Ana', 'cliente.nombre': 'Ana', 'cliente.auto.placa': 'ABC', '': 'x' })).toEqual({
      nombre: 'Ana',
      cliente: { nombre: 'Ana', auto: { placa: 'ABC' } },
    });
  });

  it('previews typed values and leaves the rest as written', () => {
    expect(previewTemplate('Hola {{ nombre }}, tu {{cliente.auto}} está listo {{formatDate fecha}}', { nombre: 'Ana', 'cliente.auto': ' ' })).toBe(
      'Hola Ana, tu {{cliente.auto}} está listo {{formatDate fecha}}'
    );
  });

  it('lists the variables still empty', () => {
    expect(missingVariables({ variables: ['a', 'b', 'c'] }, { a: 'x', b: '  ' })).toEqual(['b', 'c']);
  });

  it('reads templates from either API, variables as an array or JSON text', () => {
    expect(toTemplate({ id: 1, name: 'cita', body: 'Hola {{n}}', variables: ['n'], category: 'utility' })).toEqual({
      id: 1,
      name: 'cita',
      body: 'Hola {{n}}',
      variables: ['n'],
      category: 'utility',
      active: true,
    });
    expect(toTemplate({ id: 2, name: 'x', variables: '["a",3]', active: false })).toEqual({ id: 2, name: 'x', body: '', variables: ['a'], category: null, active: false });
    expect(toTemplate({ id: 3, name: 'y', variables: '{bad' })?.variables).toEqual([]);
    expect(toTemplate({ name: 'no id' })).toBeNull();
  });
});

describe('isServiceWindowError', () => {
  it('recognises the 422 service-window rule in a fetch error', () => {
    const error = (rule: string) => ({ response: { data: { error: { status: 422, details: { errors: [{ path: ['body'], rule }] } } } } });
    expect(isServiceWindowError(error('service-window'))).toBe(true);
    expect(isServiceWindowError(error('required'))).toBe(false);
    expect(isServiceWindowError(new Error('network'))).toBe(false);
    expect(isServiceWindowError(undefined)).toBe(false);
  });
});

describe('newIdempotencyKey', () => {
  it('formats 16 random bytes as a version 4 UUID', () => {
    expect(newIdempotencyKey((b) => b.fill(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(newIdempotencyKey((b) => b.fill(0))).toBe('00000000-0000-4000-8000-000000000000');
    expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });
});

describe('conversationsQuery', () => {
  it('writes the filters the server reads', () => {
    expect(decodeURIComponent(conversationsQuery({ view: 'mine', status: 'open', search: ' ana & co ' }, 2, 50))).toBe(
      'filters[assigned]=me&filters[status]=open&filters[search]=ana+&+co&pagination[page]=2&pagination[pageSize]=50'
    );
    expect(decodeURIComponent(conversationsQuery({ view: 'unread', status: 'all', search: '' }, 1, 25))).toBe('filters[unread]=true&pagination[page]=1&pagination[pageSize]=25');
  });
});

describe('keyForContent', () => {
  it('keeps the key for the same content and makes a new one when it changes', () => {
    let n = 0;
    const make = () => `k${(n += 1)}`;
    const first = keyForContent(null, 'hola', make);
    expect(first).toEqual({ key: 'k1', content: 'hola' });
    expect(keyForContent(first, 'hola', make)).toBe(first);
    expect(keyForContent(first, 'hola!', make)).toEqual({ key: 'k2', content: 'hola!' });
  });
});

describe('inbound files', () => {
  it('opens media-library files on the Strapi server, absolute URLs (a cloud upload provider) as they are', () => {
    expect(fileUrl('/uploads/foto_1.jpg', 'http://localhost:1337/')).toBe('http://localhost:1337/uploads/foto_1.jpg');
    expect(fileUrl('/uploads/foto_1.jpg')).toBe('/uploads/foto_1.jpg');
    expect(fileUrl('https://cdn.example.com/foto_1.jpg', 'http://localhost:1337')).toBe('https://cdn.example.com/foto_1.jpg');
  });

  it('tells staff when a file is still downloading, too large or failed; nothing once stored', () => {
    expect(mediaNotice({ kind: 'image', status: 'pending' })).toBe('pending');
    expect(mediaNotice({ kind: 'document', status: 'too-large' })).toBe('too-large');
    expect(mediaNotice({ kind: 'audio', status: 'failed', error: 'Graph error 100' })).toBe('failed');
    expect(mediaNotice({ kind: 'image', status: 'stored', file: { id: 1, name: 'a.jpg', mime: 'image/jpeg', sizeKb: 1, url: '/uploads/a.jpg' } })).toBeNull();
    expect(mediaNotice({ kind: 'location' })).toBeNull();
    expect(mediaNotice(null)).toBeNull();
  });
});

describe('failureText', () => {
  const failed = { errorCode: '131026', errorText: 'Message undeliverable', failure: null } as any;
  const explained = {
    ...failed,
    failure: {
      code: '131026',
      class: 'permanent',
      fallback: true,
      waitSeconds: null,
      reason: 'The number may not be on WhatsApp',
      remedy: 'Check the number',
      es: { reason: 'Puede que el número no use WhatsApp', remedy: 'Revisa el número' },
    },
  };

  it("says why in the admin's language, from the provider's table", () => {
    expect(failureText(explained, 'es')).toBe('131026 — Puede que el número no use WhatsApp — Revisa el número');
    expect(failureText(explained, 'en')).toBe('131026 — The number may not be on WhatsApp — Check the number');
  });

  it("keeps the provider's words for a code no table knows", () => {
    expect(failureText(failed, 'es')).toBe('131026 — Message undeliverable');
  });
});

describe('contactLabel for a customer known only by user id', () => {
  it('shows the username, then the id', () => {
    expect(contactLabel({ id: 1, documentId: null, phone: null, name: null, profileName: null, isLead: true, username: 'lupita' })).toBe('@lupita');
    expect(contactLabel({ id: 1, documentId: null, phone: null, name: null, profileName: null, isLead: true }, 7)).toBe('#7');
  });
});

describe('recordLink and assigneeName', () => {
  it('links the business record in the Content Manager', () => {
    expect(recordLink({ type: 'api::work-order.work-order', id: 'abc 1' })).toEqual({ label: 'work-order', to: '/content-manager/collection-types/api::work-order.work-order/abc%201' });
    expect(recordLink(null)).toBeNull();
    expect(recordLink({ type: '', id: 'x' })).toBeNull();
  });

  it('names an assignee, null when unknown or unassigned', () => {
    const list = [{ id: 1, name: 'Ana Ruiz' }];
    expect(assigneeName(list, 1)).toBe('Ana Ruiz');
    expect(assigneeName(list, 2)).toBeNull();
    expect(assigneeName(list, null)).toBeNull();
  });
});
