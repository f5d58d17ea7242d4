/**
 * Properties over HTTP for the inputs added after step 6 (properties.test.ts covers the send,
 * contacts, templates, preview, settings and the lists): automations (REST and admin, their
 * previews), campaigns (create, update, launch), the contacts import (any CSV text, a broken
 * XLSX), the dashboard's query string, the New message form's recipient check, the template
 * sync, a contact's export and erase, the settings' retention and alert fields and the metrics
 * bearer token. Whatever comes, the answer is a 2xx or a 4xx in Strapi's error shape naming the
 * field and the rule, never a 5xx; and a 4xx writes nothing.
 *
 * The dispatcher is off (WHATSAPP_WORKER=false) so row counts move only with the request. Runs
 * are few per endpoint (RUNS) so the file stays well under a minute.
 */
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { count, snapshot, UID } from './helpers/whatsapp';
import { hostileKey, hostileString, hostileValue, objectOf } from '../plugins/whatsapp/server/src/lib/test-support/hostile';

const RUNS = 40;
// Report the first failing input as it came: shrinking re-sends hundreds of requests (minutes on a busy machine).
fc.configureGlobal({ endOnFailure: true });
const WORK_ORDER = 'api::work-order.work-order';
const METRICS_TOKEN = 'metrics-properties-token';
const T = {
  automation: 'plugin::whatsapp.automation',
  run: 'plugin::whatsapp.automation-run',
  campaign: 'plugin::whatsapp.campaign',
  contactImport: 'plugin::whatsapp.contact-import',
};

/** A plausible value mostly, a hostile one now and then. */
const or = <V>(plausible: fc.Arbitrary<V>) => fc.oneof({ weight: 6, arbitrary: plausible }, { weight: 1, arbitrary: hostileValue() });
/** `data` holding some of the endpoint's fields, and now and then one it does not have. */
const dataOf = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .tuple(
      fc.subarray(Object.keys(fields)).chain((keys) => fc.tuple(...keys.map((key) => or(fields[key]).map((value) => [key, value] as const)))),
      fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(hostileKey(), hostileValue()) })
    )
    .map(([entries, extra]) => Object.fromEntries(extra ? [...entries, extra] : entries));
const withRequired = (required: fc.Arbitrary<Record<string, unknown>>, optional: Record<string, fc.Arbitrary<unknown>>) =>
  fc.tuple(required, dataOf(optional)).map(([base, rest]) => ({ ...base, ...rest }));

const automationFields = {
  name: fc.constantFrom('Aviso', '', 'x'.repeat(200)),
  enabled: fc.boolean(),
  contentType: fc.constantFrom(WORK_ORDER, 'api::nada.nada', 'plugin::whatsapp.message', 'admin::user'),
  trigger: fc.constantFrom('field-change', 'created', 'date', 'manual', 'hourly'),
  field: fc.constantFrom('state', 'customer.phone', 'no_such_field', '__proto__.x'),
  fromValue: fc.constantFrom('OPEN', null),
  toValue: fc.constantFrom('COMPLETED', null),
  offsetDays: fc.constantFrom(0, -1, 400, 1.5, null),
  atTime: fc.constantFrom('09:00', '24:00', '9:00', null),
  conditions: fc.oneof(fc.constant([{ field: 'state', op: 'eq', value: 'COMPLETED' }]), fc.array(objectOf(fc.constantFrom('field', 'op', 'value', 'x'), hostileValue()), { maxLength: 2 })),
  recipient: fc.constantFrom('customer.phone', 'customer', 'state', '+525512345678'),
  template: fc.constantFrom('cita', 'no-such-template'),
  variables: fc.oneof(fc.constant({ nombre: 'customer.name', cuando: 'scheduledAt' }), fc.constant({ nombre: { value: 'Ana' } }), objectOf(hostileKey(), hostileValue())),
  attachment: fc.constantFrom('none', 'pdf', 'zip'),
  delayMinutes: fc.constantFrom(0, 5, -1, 60 * 24 * 31),
  category: fc.constantFrom('utility', 'marketing', 'service'),
  writeBack: fc.constantFrom('notes', 'no_such_field', null),
};

describe('properties over HTTP, the newer inputs: never a 5xx, a 4xx names the field and writes nothing', () => {
  let app: TestApp;
  let token: string;
  let admin: string;
  let automationId: number;
  let campaignId: number;
  let contactId: number;

  /** Rows as stored, less `updatedAt` (a periodic job may touch a draft's timestamp; its content is what counts). */
  const content = async (uid: string) =>
    JSON.stringify((await app.strapi.db.query(uid as any).findMany({ orderBy: { id: 'asc' } })).map(({ updatedAt: _u, ...row }: Record<string, unknown>) => row));
  const rows = async () => ({
    ...(await snapshot(app.strapi)),
    templates: await count(app.strapi, UID.template),
    audit: await count(app.strapi, UID.auditEntry),
    automations: await content(T.automation),
    runs: await count(app.strapi, T.run),
    campaigns: await content(T.campaign),
    imports: await count(app.strapi, T.contactImport),
    contact: JSON.stringify(await app.strapi.db.query(UID.contact as any).findOne({ where: { id: contactId } })),
    settings: JSON.stringify(await app.strapi.db.query('plugin::whatsapp.setting' as any).findOne({})),
  });

  const auth = (path: string) => (path.startsWith('/api/') ? token : admin);

  /** The answer is a 2xx or a 4xx naming a field and its rule; on a 4xx, `rows()` did not move. */
  const checked = async (describeIt: string, send: () => PromiseLike<any>, { importRow = false } = {}) => {
    const before = await rows();
    // The newest import's id, not the count: ids skip (a rolled-back insert still takes one from
    // PostgreSQL's sequence), and an earlier import still running in the background is not this one.
    const importsBefore = Number((await app.strapi.db.query(T.contactImport as any).findMany({ select: ['id'], orderBy: { id: 'desc' }, limit: 1 }))[0]?.id ?? 0);
    // A request that never answers is a failure naming it, not a test timeout naming nothing.
    let timer: NodeJS.Timeout | undefined;
    const res = await Promise.race([
      Promise.resolve(send()).finally(() => clearTimeout(timer)),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${describeIt} did not answer within 15 s`)), 15_000);
      }),
    ]);
    if (res.status >= 500) throw new Error(`${describeIt} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
    expect(res.status).toBeGreaterThanOrEqual(200);
    if (res.status >= 400) {
      expect(res.body.error).toMatchObject({ status: res.status, name: expect.any(String), message: expect.any(String) });
      // The body parser's refusal of `__proto__` in JSON carries no field, nor does a 404 (no such
      // campaign, rule or import: the path names it); every other names the field and its rule.
      if (res.status === 404) expect(res.body.error.name).toBe('NotFoundError');
      else if (res.body.error.name !== 'SyntaxError') {
        expect(res.body.error.details.errors[0]).toMatchObject({ path: expect.any(Array), rule: expect.any(String), message: expect.any(String) });
      }
      const after = await rows();
      if (importRow) {
        // The import's history keeps a refused file too, as failed with its reason (GET /contacts/imports); nothing else moves.
        const added = await app.strapi.db.query(T.contactImport as any).findMany({ where: { id: { $gt: importsBefore } } });
        for (const row of added) expect(row).toMatchObject({ state: 'failed', reason: expect.any(String), created: 0, updated: 0 });
        expect({ ...after, imports: 0 }).toEqual({ ...before, imports: 0 });
      } else expect(after).toEqual(before);
    }
    return res;
  };
  /** JSON `{ data }` written as text (no client-side limits), to `path`. */
  const send = (method: 'post' | 'put', path: string, data: unknown) =>
    checked(`${method.toUpperCase()} ${path} ${JSON.stringify(data)?.slice(0, 300)}`, () =>
      app.http()[method](path).set('Authorization', auth(path)).set('Content-Type', 'application/json').send(JSON.stringify({ data }))
    );
  const get = (path: string) => checked(`GET ${path}`, () => app.http().get(path).set('Authorization', auth(path)));

  /** Any text in a query string: percent-encoded (lone surrogates replaced), or raw escapes no decoder takes. */
  const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
  const queryValue = () =>
    fc.oneof(hostileString().map((v) => encodeURIComponent(v.replace(LONE_SURROGATE, '\uFFFD'))), fc.constantFrom('%', '%E0%A4%A', '%00', '%ZZ', '1e400', '-1', '99999999999999999999'));

  beforeAll(async () => {
    app = await startStrapi({ env: { WHATSAPP_WORKER: 'false', WHATSAPP_METRICS_TOKEN: METRICS_TOKEN } });
    token = await createApiToken(app.strapi);
    admin = await createAdminJwt(app);
    const post = (path: string, data: unknown) => app.http().post(path).set('Authorization', token).send({ data });
    await post('/api/whatsapp/templates', { name: 'cita', category: 'utility', body: 'Hola {{nombre}}, su cita es el {{fecha cuando}}.' }).expect(201);
    automationId = (
      await post('/api/whatsapp/automations', {
        name: 'Cita',
        contentType: WORK_ORDER,
        trigger: 'manual',
        recipient: 'customer.phone',
        template: 'cita',
        variables: { nombre: { value: 'Ana' }, cuando: { value: '2031-03-14' } },
      }).expect(201)
    ).body.data.id;
    campaignId = (await post('/api/whatsapp/campaigns', { name: 'Promo', template: 'cita', audience: { kind: 'phones', phones: ['+525512345678'] }, variables: { nombre: 'contact.name', cuando: { value: '2031-03-14' } } }).expect(201)).body.data.id;
    contactId = (await post('/api/whatsapp/contacts', { phone: '+525512349999', name: 'Ana' }).expect(201)).body.data.id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('automations: create and update (REST and admin), any data', async () => {
    const required = fc.record({
      name: or(fc.constant('Aviso')),
      contentType: or(fc.constant(WORK_ORDER)),
      recipient: or(fc.constant('customer.phone')),
      template: or(fc.constant('cita')),
    });
    const paths = fc.constantFrom('/api/whatsapp/automations', '/whatsapp/automations');
    await fc.assert(fc.asyncProperty(paths, withRequired(required, automationFields), (path, d) => send('post', path, d).then(() => undefined)), { numRuns: RUNS });
    await fc.assert(
      fc.asyncProperty(paths, dataOf(automationFields), (path, d) => send('put', `${path}/${automationId}`, d).then(() => undefined)),
      { numRuns: RUNS }
    );
  });

  it('automations: the previews (saved rule and draft) and the manual send, any data', async () => {
    const documentId = fc.oneof(fc.constantFrom('abcdefghijklmnopqrstuvwx', '', '1'), hostileString());
    const preview = dataOf({ documentId, automation: dataOf(automationFields) });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(`/whatsapp/automations/${automationId}/preview`, '/whatsapp/automations/preview', `/api/whatsapp/automations/${automationId}/send`), preview, (path, d) =>
        send('post', path, path.endsWith('/send') ? { documentId: d.documentId, variables: d.automation } : d).then(() => undefined)
      ),
      { numRuns: RUNS }
    );
  });

  it('campaigns: create, update and launch, any data and any id', async () => {
    const audience = fc.oneof(
      fc.constant({ kind: 'phones', phones: ['+525512345678', '55 1234 5679'] }),
      fc.constant({ kind: 'consent' }),
      fc.constant({ kind: 'query', contentType: WORK_ORDER, phonePath: 'customer.phone', filters: { state: { $eq: 'OPEN' } } }),
      objectOf(fc.constantFrom('kind', 'tags', 'phones', 'contentType', 'filters', 'phonePath'), hostileValue())
    );
    const fields = {
      template: fc.constantFrom('cita', 'no-such-template', null),
      senderId: fc.constantFrom(1, -1, 2_147_483_648, 1.5, null),
      audience,
      variables: fc.oneof(fc.constant({ nombre: 'contact.name', cuando: { value: '2031-03-14' } }), objectOf(hostileKey(), hostileValue())),
      scheduledAt: fc.constantFrom(new Date(Date.now() + 86_400_000).toISOString(), '2020-01-01T00:00:00Z', 'mañana', '+275760-09-13T00:00:00Z', null),
      pacingSeconds: fc.constantFrom(0, 5, -1, 86_401, null),
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/whatsapp/campaigns', '/whatsapp/campaigns'), withRequired(fc.record({ name: or(fc.constant('Promo')) }), fields), (path, d) =>
        send('post', path, d).then(() => undefined)
      ),
      { numRuns: RUNS }
    );
    await fc.assert(fc.asyncProperty(dataOf({ name: fc.constant('Promo'), ...fields }), (d) => send('put', `/api/whatsapp/campaigns/${campaignId}`, d).then(() => undefined)), { numRuns: Math.ceil(RUNS / 2) });
    // Launch and the other actions by any id (the draft's own is not launched: it would write, rightly).
    const id = fc.oneof(fc.constantFrom('0', '-1', '1e400', '99999999999999999999', 'abc', '%00', '%E0%A4%A'), hostileString().map((v) => encodeURIComponent(v.replace(LONE_SURROGATE, '\uFFFD'))));
    const action = fc.constantFrom('launch', 'pause', 'resume', 'cancel', 'retry-failed', 'estimate', 'stats', 'export');
    await fc.assert(
      fc.asyncProperty(action, id, async (what, raw) => {
        if (!raw || raw === '.' || raw === '..') return;
        const path = `/api/whatsapp/campaigns/${raw}/${what}`;
        await checked(`${what} ${raw}`, () => (['estimate', 'stats', 'export'].includes(what) ? app.http().get(path) : app.http().post(path)).set('Authorization', token));
      }),
      { numRuns: RUNS }
    );
  });

  it('contacts import: any CSV text (headers, cells, quotes, BOM, NUL), any workbook cells, a broken XLSX: never a 5xx', async () => {
    const header = fc.oneof(
      fc.constant('telefono,nombre,etiquetas,consentimiento,evidencia,correo,zona horaria'),
      fc.array(fc.oneof(fc.constantFrom('telefono', 'phone', 'nombre', 'consentimiento', 'correo', '', '"', '=cmd'), hostileString()), { maxLength: 5 }).map((cells) => cells.join(','))
    );
    const cell = fc.oneof(fc.constantFrom('+52 55 1234 5678', '55 1234 5678', 'sí', 'no', 'x@example.com', 'Mars/Olympus', '"a,b"', '"unclosed', '=1+1', ''), hostileString());
    const line = fc.tuple(fc.array(cell, { maxLength: 7 }), fc.constantFrom(',', ';', '\t')).map(([cells, separator]) => cells.join(separator));
    const csv = fc.tuple(fc.constantFrom('', '\uFEFF'), header, fc.array(line, { maxLength: 6 }), fc.constantFrom('\r\n', '\n', '\r')).map(([bom, h, lines, eol]) => Buffer.from(bom + [h, ...lines].join(eol)));
    // A ZIP's first bytes then garbage: read as an XLSX, which it is not.
    const brokenXlsx = fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(bytes)]));
    // A real workbook whose cells are anything: text, numbers, dates, booleans, formulas, errors.
    const xlsxCell = fc.oneof(cell, fc.double(), fc.boolean(), fc.date({ noInvalidDate: true }), fc.constantFrom<ExcelJS.CellValue>({ formula: 'A1+1', result: 2 }, { error: '#N/A' } as ExcelJS.CellErrorValue, { text: 'x', hyperlink: 'http://evil.example' }, null));
    const workbook = fc
      .tuple(fc.oneof(fc.constant(['Teléfono', 'Nombre', 'Consentimiento']), fc.array(hostileString(), { maxLength: 4 })), fc.array(fc.array(xlsxCell, { maxLength: 5 }), { maxLength: 5 }))
      .map(([head, body]) => ({ head, body }));
    const file = fc.oneof(
      { weight: 4, arbitrary: csv.map((bytes) => async () => bytes) },
      { weight: 1, arbitrary: brokenXlsx.map((bytes) => async () => bytes) },
      {
        weight: 2,
        arbitrary: workbook.map(({ head, body }) => async () => {
          const book = new ExcelJS.Workbook();
          const sheet = book.addWorksheet('Clientes');
          sheet.addRow(head);
          for (const row of body) sheet.addRow(row);
          return Buffer.from(await book.xlsx.writeBuffer());
        }),
      }
    );
    const query = fc.constantFrom('', '?background=false', '?background=maybe', '?background=true&background=false');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/whatsapp/contacts/import', '/whatsapp/contacts/import'), file, fc.constantFrom('contactos.csv', 'contactos.xlsx', 'x'), query, async (path, make, name, q) => {
        const bytes = await make();
        await checked(`import ${name}${q} ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`, () =>
          app
            .http()
            .post(`${path}${q}`)
            .set('Authorization', auth(path))
            .attach('file', bytes, { filename: name, contentType: 'text/csv' }),
          { importRow: true }
        );
      }),
      { numRuns: RUNS }
    );
  });

  it('GET query strings: the dashboard, the recipient check, the import and run lists', async () => {
    const part = fc.oneof(
      fc.tuple(fc.constantFrom('from', 'to', 'bucket', 'tz', 'lang', 'to[0]', 'from[$gt]'), queryValue()).map(([k, v]) => `${k}=${v}`),
      fc.constantFrom('from=2026-01-01T00:00:00Z', 'to=2026-01-08T00:00:00Z', 'bucket=hour', 'tz=America/Mexico_City', 'from=0001-01-01', 'to=9999-12-31T23:59:59.999Z')
    );
    const dashboard = fc.array(part, { maxLength: 4 }).map((parts) => `/whatsapp/dashboard?${parts.join('&')}`);
    const recipient = fc.oneof(fc.constantFrom('+525512345678', '55 1234 5678', '', '12', 'x'.repeat(300)), hostileString()).map((to) => `/whatsapp/messages/recipient?to=${encodeURIComponent(to.replace(LONE_SURROGATE, '\uFFFD'))}`);
    const recipientOdd = fc.constantFrom('/whatsapp/messages/recipient', '/whatsapp/messages/recipient?to=1&to=2', '/whatsapp/messages/recipient?to[a]=1', '/whatsapp/messages/recipient?to=%E0%A4%A');
    const lists = fc
      .tuple(fc.constantFrom('/api/whatsapp/contacts/imports', '/api/whatsapp/automations/runs', '/whatsapp/automations/runs', '/api/whatsapp/automations', '/api/whatsapp/campaigns'), fc.constantFrom('filters[state]', 'filters[automation]', 'filters[contentType]', 'filters[recordId]', 'pagination[page]', 'pagination[pageSize]'), queryValue())
      .map(([path, key, value]) => `${path}?${key}=${value}`);
    const importById = fc.oneof(hostileString(), fc.constantFrom('0', '-1', '1e400')).map((id) => `/api/whatsapp/contacts/imports/${encodeURIComponent(id.replace(LONE_SURROGATE, '\uFFFD')) || 'x'}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(dashboard, recipient, recipientOdd, lists, importById), async (path) => {
        const res = await get(path);
        if (res.status >= 400) expect(res.status).not.toBe(401);
      }),
      { numRuns: RUNS * 2 }
    );
  });

  it('the template sync (no provider in sandbox) and a contact\'s export and erase: any body, any id, wrong confirmations', async () => {
    const body = fc.oneof(fc.constant(undefined), dataOf({ confirm: fc.constantFrom('+525512340000', '', 0, String(contactId)) }), hostileValue());
    await fc.assert(
      fc.asyncProperty(body, async (d) => {
        // The sync takes no body; whatever is sent, the answer is not a 5xx (sandbox: nothing to read).
        await checked('sync', () => app.http().post('/api/whatsapp/templates/sync').set('Authorization', token).send({ data: d }));
        const erase = await send('post', `/api/whatsapp/contacts/${contactId}/erase`, d);
        // Only the contact's own number or id confirms it; nothing else erases.
        if (erase.status < 400) expect([String(contactId), '+525512349999']).toContain(String((d as { confirm?: unknown })?.confirm));
      }),
      { numRuns: RUNS }
    );
    const id = fc.oneof(fc.constantFrom('0', '-1', '1e400', '99999999999999999999'), hostileString()).map((v) => encodeURIComponent(v.replace(LONE_SURROGATE, '\uFFFD')) || 'x');
    await fc.assert(
      fc.asyncProperty(id, fc.constantFrom('export', 'erase'), (raw, what) =>
        checked(`${what} ${raw}`, () =>
          what === 'export'
            ? app.http().get(`/api/whatsapp/contacts/${raw}/export`).set('Authorization', token)
            : app.http().post(`/api/whatsapp/contacts/${raw}/erase`).set('Authorization', token).send({ data: { confirm: raw } })
        ).then(() => undefined)
      ),
      { numRuns: RUNS }
    );
  });

  it('PUT /whatsapp/settings: the retention and alert fields', async () => {
    const before = (await app.http().get('/whatsapp/settings').set('Authorization', admin).expect(200)).body.data;
    const data = dataOf({
      retention: fc.oneof(
        fc.constant({ messageBodyDays: 365, webhookEventDays: 30 }),
        objectOf(fc.constantFrom('messageBodyDays', 'webhookEventDays', 'contacts'), fc.constantFrom(0, 1, 6, 7, 36_501, 1.5, -1, null, '30', 'forever'))
      ),
      alertEmail: fc.constantFrom('ops@example.com', '', null, 'not an email', `${'a'.repeat(250)}@example.com`),
      alertQueueAgeMinutes: fc.constantFrom(0, 15, 10_081, -1, 1.5, '15'),
      alertWebhookSilenceMinutes: fc.constantFrom(0, 60, 10_081, null),
      currency: fc.constantFrom('MXN', 'mxn', 'XXX1', 'ZZZ'),
      taxRate: fc.constantFrom(16, 16.005, 101, -1, null),
      businessLogo: fc.constantFrom(1, 0, 2_147_483_648, null),
    });
    try {
      await fc.assert(fc.asyncProperty(data, (d) => send('put', '/whatsapp/settings', d).then(() => undefined)), { numRuns: RUNS });
    } finally {
      const { sandbox: _sandbox, ...editable } = before;
      await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: editable }).expect(200);
    }
  });

  it('GET /api/whatsapp/metrics: any Authorization header is a 401 but the token\'s own, which is a 200', async () => {
    const header = fc.oneof(
      hostileString().map((v) => `Bearer ${v.replace(/[^\x20-\x7e]/g, '')}`),
      fc.constantFrom('', 'Bearer', 'Bearer ', 'bearer x', `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`, `Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(0, -1)}`, METRICS_TOKEN)
    );
    await fc.assert(
      fc.asyncProperty(header, async (value) => {
        const req = app.http().get('/api/whatsapp/metrics');
        const res = await (value ? req.set('Authorization', value) : req);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="whatsapp-metrics"');
        expect(res.text).not.toContain(METRICS_TOKEN);
      }),
      { numRuns: RUNS }
    );
    await app.http().get('/api/whatsapp/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
  });
});
