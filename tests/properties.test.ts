/**
 * Properties over HTTP, on one real Strapi: whatever JSON a client sends to the send, contact,
 * template, preview and settings endpoints (and whatever filters it puts in a list's query
 * string), the answer is a 2xx or a 4xx in Strapi's error shape, never a 5xx; and a 4xx writes
 * nothing. The generated data mixes plausible values (a valid phone, a known template) with
 * hostile ones (lists and objects where text goes, prototype names as keys, NUL, deep nesting),
 * so requests get past the shape checks into the rules behind them.
 *
 * The dispatcher is off (WHATSAPP_WORKER=false) so row counts move only with the request.
 */
import fc from 'fast-check';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { count, snapshot, UID } from './helpers/whatsapp';

const RUNS = 120;
const PROTOTYPE_KEYS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

const hostileString = () =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\uD800', '🚗', 'cotización ñ', '{{constructor}}', '{{#each x}}', '$eq', 'x'.repeat(300), ...PROTOTYPE_KEYS)
  );
/** Keys: `__proto__` only now and then (the body parser refuses any JSON holding it, before our code runs). */
const hostileKey = () =>
  fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS.filter((key) => key !== '__proto__'), '$foo', '$eq', '0', '') },
    { weight: 10, arbitrary: fc.string({ maxLength: 8 }) },
    { weight: 1, arbitrary: fc.constant('__proto__') }
  );
const objectOf = <T>(keys: fc.Arbitrary<string>, values: fc.Arbitrary<T>, maxKeys = 4) =>
  fc.array(fc.tuple(keys, values), { maxLength: maxKeys }).map((entries) => Object.fromEntries(entries));
const nested = (levels: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < levels; i += 1) value = i % 2 ? [value] : { a: value };
  return value;
};
const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      { weight: 4, arbitrary: hostileString() },
      { weight: 1, arbitrary: fc.integer() },
      { weight: 1, arbitrary: fc.double() },
      { weight: 1, arbitrary: fc.boolean() },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
      { weight: 2, arbitrary: objectOf(hostileKey(), tie('value'), 3) },
      { weight: 1, arbitrary: fc.integer({ min: 6, max: 2000 }).map(nested) }
    ),
  })).value;

/**
 * `data` with the endpoint's own fields, each a plausible value (mostly) or a hostile one, and now
 * and then a field the endpoint does not have.
 */
const dataOf = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .tuple(
      fc.subarray(Object.keys(fields)).chain((keys) =>
        fc.tuple(...keys.map((key) => fc.oneof({ weight: 8, arbitrary: fields[key] }, { weight: 1, arbitrary: hostileValue() }).map((value) => [key, value] as const)))
      ),
      fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(hostileKey(), hostileValue()) })
    )
    .map(([entries, extra]) => Object.fromEntries(extra ? [...entries, extra] : entries));

/** `required` (plausible values, so most requests reach the rules behind the shape) plus `dataOf(optional)`. */
const dataWith = (required: fc.Arbitrary<Record<string, unknown>>, optional: Record<string, fc.Arbitrary<unknown>>) =>
  fc.tuple(required, dataOf(optional)).map(([base, rest]) => ({ ...base, ...rest }));

const future = () => fc.integer({ min: 60, max: 86_400 * 365 }).map((s) => new Date(Date.now() + s * 1000).toISOString());

describe('properties over HTTP: never a 5xx, and a 4xx writes nothing', () => {
  let app: TestApp;
  let token: string;
  let admin: string;

  const rows = async () => ({
    ...(await snapshot(app.strapi)),
    templates: await count(app.strapi, UID.template),
    audit: await count(app.strapi, UID.auditEntry),
    settings: JSON.stringify(await app.strapi.db.query('plugin::whatsapp.setting' as any).findOne({})),
  });

  /** Sends `data` as JSON text (no client-side recursion limits), checks the answer and, on a 4xx, that nothing was written. */
  const check = async (method: 'post' | 'put', path: string, data: unknown) => {
    const before = await rows();
    const client = app.http();
    const res = await client[method](path)
      .set('Authorization', path.startsWith('/api/') ? token : admin)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ data }));
    if (res.status >= 500) throw new Error(`${method.toUpperCase()} ${path} answered ${res.status} to ${JSON.stringify(data).slice(0, 500)}: ${JSON.stringify(res.body)}`);
    expect(res.status).toBeGreaterThanOrEqual(200);
    if (res.status >= 400) {
      expect(res.body.error).toMatchObject({ status: res.status, name: expect.any(String), message: expect.any(String) });
      // The body parser's own refusals (`__proto__` in JSON) carry no field; every other names one and its rule.
      if (res.body.error.name !== 'SyntaxError') {
        expect(res.body.error.details.errors[0]).toMatchObject({ path: expect.any(Array), rule: expect.any(String), message: expect.any(String) });
      }
      expect(await rows()).toEqual(before);
    }
    return res;
  };

  beforeAll(async () => {
    app = await startStrapi({ env: { WHATSAPP_WORKER: 'false' } });
    token = await createApiToken(app.strapi);
    admin = await createAdminJwt(app);
    await app
      .http()
      .post('/api/whatsapp/templates')
      .set('Authorization', token)
      .send({ data: { name: 'cita', category: 'utility', body: 'Hola {{nombre}}, su cita es el {{fecha cuando}}.' } })
      .expect(201);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const phone = () => fc.oneof(fc.constantFrom('+525512345678', '55 1234 5678', '5215512345678', '+54 9 11 2345 6789', '12', 'call me', ''), fc.stringMatching(/^\+52 ?55 ?\d{4} ?\d{4}$/));

  it('POST /api/whatsapp/messages', async () => {
    const variables = fc.oneof(
      { weight: 3, arbitrary: fc.constant({ nombre: 'Ana', cuando: '2031-03-14' }) },
      { weight: 1, arbitrary: objectOf(fc.oneof(fc.constantFrom('nombre', 'cuando'), hostileKey()), hostileValue()) },
      { weight: 1, arbitrary: fc.tuple(hostileKey(), hostileValue()).map(([key, value]) => ({ nombre: 'Ana', cuando: '2031-03-14', [key]: value })) }
    );
    const required = fc.oneof(
      fc.record({ to: phone(), template: fc.constantFrom('cita', 'cita', 'no-such-template', 1, 2_147_483_648), variables }),
      fc.record({ to: phone(), body: fc.oneof(fc.constantFrom('Hola', '   ', '🚗'.repeat(4097)), hostileString()) })
    );
    const data = dataWith(required, {
      sendAt: fc.oneof(future(), fc.constantFrom('2020-01-01T00:00:00Z', '2031-02-30T10:00:00Z', 'next tuesday', '+275760-09-13T00:00:00Z')),
      sender: fc.constantFrom(1, 'sandbox', 99_999),
      category: fc.constantFrom('utility', 'marketing', 'service', 'spam'),
      media: fc.constantFrom(1, -1, 2_147_483_648, 1.5),
      related: fc.oneof(fc.constant({ type: 'api::quote.quote', id: 7 }), objectOf(fc.constantFrom('type', 'id', 'kind'), hostileValue())),
      idempotencyKey: fc.oneof(fc.uuid(), hostileString()),
    });
    await fc.assert(fc.asyncProperty(data, (d) => check('post', '/api/whatsapp/messages', d).then(() => undefined)), { numRuns: RUNS });
  });

  it('POST /api/whatsapp/contacts', async () => {
    const data = dataWith(fc.record({ phone: phone() }), {
      name: fc.constantFrom('Ana', '', 'x'.repeat(300)),
      email: fc.constantFrom('ana@example.com', 'not an email', ''),
      locale: fc.constantFrom('es-MX', 'en', 'not a locale!', 'x'.repeat(40)),
      timeZone: fc.constantFrom('America/Mexico_City', 'UTC', 'Mars/Olympus'),
      tags: fc.oneof(fc.constant(['vip']), fc.array(hostileString(), { maxLength: 3 })),
      relatedType: fc.constantFrom('api::customer.customer', 'x'.repeat(300)),
      relatedId: fc.constantFrom('42', ''),
    });
    await fc.assert(fc.asyncProperty(data, (d) => check('post', '/api/whatsapp/contacts', d).then(() => undefined)), { numRuns: RUNS });
  });

  it('POST /api/whatsapp/templates and PUT /api/whatsapp/templates/cita', async () => {
    const body = fc.oneof(
      fc.constantFrom('Hola {{nombre}}', 'Hola {{constructor}}', '{{#if x}}a', '{{> p}}', '{{fecha cuando "nope"}}', '', 'x'.repeat(5000), 'Hola {{cliente.toString}}'),
      hostileString()
    );
    const fields = {
      category: fc.constantFrom('utility', 'marketing', 'authentication', 'service'),
      language: fc.constantFrom('es_MX', 'x'.repeat(30)),
      mediaHeader: fc.constantFrom('none', 'document', 'video'),
      metaName: fc.constantFrom('cita_taller', 'x'.repeat(300)),
      metaParameters: fc.oneof(fc.constant(['nombre']), fc.array(hostileString(), { maxLength: 3 })),
      twilioContentSid: fc.constantFrom(`HX${'a'.repeat(32)}`, 'HX1'),
      twilioVariables: fc.oneof(fc.constant({ 1: 'nombre' }), objectOf(hostileKey(), hostileValue())),
      fallbackChannel: fc.constantFrom('none', 'sms', 'fax'),
      active: fc.boolean(),
    };
    const required = fc.record({ name: fc.oneof(fc.uuid(), fc.uuid(), fc.constantFrom('cita', '', 'x'.repeat(300))), body });
    await fc.assert(fc.asyncProperty(dataWith(required, fields), (d) => check('post', '/api/whatsapp/templates', d).then(() => undefined)), { numRuns: RUNS });
    // Updates of the template the other properties send with; the original comes back afterwards.
    const original = (await app.http().get('/api/whatsapp/templates/cita').set('Authorization', token).expect(200)).body.data;
    try {
      await fc.assert(fc.asyncProperty(dataOf({ ...fields, body }), (d) => check('put', '/api/whatsapp/templates/cita', d).then(() => undefined)), { numRuns: RUNS / 2 });
    } finally {
      await app
        .http()
        .put(`/api/whatsapp/templates/${original.documentId}`)
        .set('Authorization', token)
        .send({ data: { body: original.body, category: original.category, active: true, metaName: null, metaParameters: null, twilioContentSid: null, twilioVariables: null, mediaHeader: 'none' } })
        .expect(200);
    }
  });

  it('POST /api/whatsapp/templates/cita/preview', async () => {
    const variables = fc.oneof(
      fc.constant({ nombre: 'Ana', cuando: '2031-03-14' }),
      fc.tuple(fc.constantFrom('2031-03-14', '2031-03-14T18:30:00Z', 'mañana', ''), hostileValue()).map(([cuando, nombre]) => ({ nombre, cuando })),
      objectOf(fc.oneof(fc.constantFrom('nombre', 'cuando'), hostileKey()), hostileValue())
    );
    const data = dataWith(fc.record({ variables }), {});
    await fc.assert(fc.asyncProperty(data, (d) => check('post', '/api/whatsapp/templates/cita/preview', d).then(() => undefined)), { numRuns: RUNS });
  });

  it('PUT /whatsapp/settings', async () => {
    const before = (await app.http().get('/whatsapp/settings').set('Authorization', admin).expect(200)).body.data;
    const data = dataOf({
      defaultCountry: fc.constantFrom('MX', 'AR', 'XX', 'mx'),
      defaultTimeZone: fc.constantFrom('America/Mexico_City', 'Mars/Olympus'),
      transactionalConsent: fc.constantFrom('implicit', 'required', 'never'),
      optOutKeywords: fc.oneof(fc.constant(['STOP', 'BAJA']), fc.array(hostileString(), { maxLength: 3 })),
      optInKeywords: fc.constant(['ALTA']),
      failureRateThreshold: fc.constantFrom(0.1, 2, -1),
      quietHoursStart: fc.constantFrom('21:00', '25:00', null),
      quietHoursEnd: fc.constantFrom('08:00', '8:00', null),
      quietHoursTransactional: fc.boolean(),
    });
    try {
      await fc.assert(fc.asyncProperty(data, (d) => check('put', '/whatsapp/settings', d).then(() => undefined)), { numRuns: RUNS });
    } finally {
      const { sandbox: _sandbox, ...editable } = before;
      await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: editable }).expect(200);
    }
  });

  it('GET the lists with any filters and pagination', async () => {
    const FIELDS = ['status', 'direction', 'contact', 'template', 'campaign', 'relatedType', 'related', 'from', 'until', 'to', 'search', 'tag', 'lead', 'consent', 'category', 'unread', 'assigned', 'conversation'];
    // Any text, percent-encoded; and raw escapes no decoder accepts (`%`, `%E0%A4%A`, `%00`).
    const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
    const encode = (value: string) => encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
    const queryValue = fc.oneof(hostileString().map(encode), fc.constantFrom('%', '%E0%A4%A', '%00', '%C3', '%ZZ', '1', '-1', '1e400', '99999999999999999999'));
    const part = fc.oneof(
      fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom('', '[$eq]', '[$foo]', '[$in][0]', '[0]', '[a][b]', '[type]', '[id]'), queryValue).map(
        ([field, suffix, value]) => `filters[${field}]${suffix}=${value}`
      ),
      fc.tuple(fc.constantFrom('pagination[page]', 'pagination[pageSize]', 'pagination', 'page', 'pageSize', 'sort', 'sort[0]', 'filters', 'pagination[page][$gt]'), queryValue).map(
        ([key, value]) => `${key}=${value}`
      )
    );
    const lists = ['/api/whatsapp/messages', '/api/whatsapp/contacts', '/api/whatsapp/templates', '/whatsapp/messages', '/whatsapp/inbox/conversations', '/whatsapp/inbox/follow-ups'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...lists), fc.array(part, { maxLength: 4 }), async (path, parts) => {
        const url = `${path}?${parts.join('&')}`;
        const res = await app.http().get(url).set('Authorization', path.startsWith('/api/') ? token : admin);
        if (res.status >= 500) throw new Error(`GET ${url} answered ${res.status}: ${JSON.stringify(res.body)}`);
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) expect(res.body.error.details.errors[0]).toMatchObject({ path: expect.any(Array), rule: expect.any(String) });
      }),
      { numRuns: RUNS * 2 }
    );
  });
});
