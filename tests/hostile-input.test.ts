/**
 * No 500 on any input, and nothing written by a refused request: one example of each kind of
 * hostile input an independent probe found, over HTTP on a real Strapi. Each refusal is a 4xx
 * in Strapi's error shape naming the field and the rule; the row counts do not move.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { isPostgres } from './helpers/database';
import { uniqueMexicanNumber } from './helpers/factories';
import { count, settle, snapshot, UID, waitForStatus } from './helpers/whatsapp';

const SETTING = 'plugin::whatsapp.setting';
const UPLOAD_FILE = 'plugin::upload.file';

/** `{"a":{"a":…"x"}}`, `levels` deep, written as text (no JSON.stringify recursion in the test). */
const deepJson = (levels: number) => '{"a":'.repeat(levels) + '"x"' + '}'.repeat(levels);

describe('hostile input: a clear 4xx naming the field and the rule, nothing written', () => {
  let app: TestApp;
  let token: string;
  let admin: string;

  const api = (method: 'get' | 'post' | 'put', path: string) => app.http()[method](path).set('Authorization', path.startsWith('/api/') ? token : admin);

  /** Every table a refused request could touch. */
  const rows = async () => ({
    ...(await snapshot(app.strapi)),
    templates: await count(app.strapi, UID.template),
    audit: await count(app.strapi, UID.auditEntry),
    uploads: await count(app.strapi, UPLOAD_FILE),
    settings: JSON.stringify(await app.strapi.db.query(SETTING as any).findOne({})),
  });

  /** Runs the request, checks the refusal (status, Strapi's error shape, path, rule) and that nothing was written. */
  const refused = async (send: () => PromiseLike<any>, status: number, path: string[], rule: string, name?: string) => {
    await settle(app.strapi);
    const before = await rows();
    const res = await send();
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    expect(res.body.data).toBeNull();
    expect(res.body.error).toMatchObject({ status, message: expect.any(String) });
    if (name) expect(res.body.error.name).toBe(name);
    expect(res.body.error.details.errors[0]).toMatchObject({ path, rule, message: expect.any(String) });
    await settle(app.strapi);
    expect(await rows()).toEqual(before);
    return res;
  };

  beforeAll(async () => {
    app = await startStrapi();
    token = await createApiToken(app.strapi);
    admin = await createAdminJwt(app);
    const template = (data: Record<string, unknown>) => api('post', '/api/whatsapp/templates').send({ data }).expect(201);
    await template({ name: 'cita', category: 'utility', body: 'Hola {{nombre}}, su cita es el {{fecha cuando}}.', metaName: 'cita_taller', metaLanguage: 'es_MX' });
    await template({ name: 'promo', category: 'marketing', body: '¡{{nombre}}, 20% de descuento hoy!' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  describe('1. a list or an object where text goes: 400 "<field> must be a string", on every string field', () => {
    const send = { to: '+525512345678', template: 'cita', variables: { nombre: 'Ana', cuando: '2031-03-14' } };
    const cases: Array<[string, 'post' | 'put', string, Record<string, unknown>, string[]]> = [
      ['send: to', 'post', '/api/whatsapp/messages', { to: ['+525512345678'], body: 'hola' }, ['to']],
      ['send: body', 'post', '/api/whatsapp/messages', { to: '+525512345678', body: { text: 'hola' } }, ['body']],
      ['send: sendAt', 'post', '/api/whatsapp/messages', { ...send, sendAt: ['2031-01-01'] }, ['sendAt']],
      ['send: idempotencyKey', 'post', '/api/whatsapp/messages', { ...send, idempotencyKey: { key: 1 } }, ['idempotencyKey']],
      ['send: category', 'post', '/api/whatsapp/messages', { ...send, category: ['utility'] }, ['category']],
      ['send: related.type', 'post', '/api/whatsapp/messages', { ...send, related: { type: { uid: 'x' }, id: 1 } }, ['related', 'type']],
      ['contact: phone', 'post', '/api/whatsapp/contacts', { phone: ['+525512345678'] }, ['phone']],
      ['contact: name', 'post', '/api/whatsapp/contacts', { phone: '+525512340001', name: { first: 'Ana' } }, ['name']],
      ['contact: email', 'post', '/api/whatsapp/contacts', { phone: '+525512340001', email: ['a@example.com'] }, ['email']],
      ['contact: locale', 'post', '/api/whatsapp/contacts', { phone: '+525512340001', locale: { tag: 'es-MX' } }, ['locale']],
      ['contact: a tag', 'post', '/api/whatsapp/contacts', { phone: '+525512340001', tags: [{ tag: 'vip' }] }, ['tags', '0']],
      ['contact update: relatedType', 'put', '/api/whatsapp/contacts/1', { relatedType: ['api::customer.customer'] }, ['relatedType']],
      ['consent: evidence', 'post', '/api/whatsapp/contacts/1/consent', { purpose: 'marketing', granted: true, evidence: { form: 1 } }, ['evidence']],
      ['template: name', 'post', '/api/whatsapp/templates', { name: { es: 'x' }, body: 'Hola' }, ['name']],
      ['template: body', 'post', '/api/whatsapp/templates', { name: 'x', body: ['Hola'] }, ['body']],
      ['template: language', 'post', '/api/whatsapp/templates', { name: 'x', body: 'Hola', language: { code: 'es' } }, ['language']],
      ['template: metaName', 'post', '/api/whatsapp/templates', { name: 'x', body: 'Hola', metaName: ['x'] }, ['metaName']],
      ['template: a metaParameter', 'post', '/api/whatsapp/templates', { name: 'x', body: 'Hola {{a}}', metaParameters: [{ a: 1 }] }, ['metaParameters', '0']],
      ['settings: defaultCountry', 'put', '/whatsapp/settings', { defaultCountry: { code: 'MX' } }, ['defaultCountry']],
      ['settings: an opt-out keyword', 'put', '/whatsapp/settings', { optOutKeywords: ['STOP', ['BAJA']] }, ['optOutKeywords', '1']],
      ['settings: quietHoursStart', 'put', '/whatsapp/settings', { quietHoursStart: { h: 21 } }, ['quietHoursStart']],
      ['inbox reply: body', 'post', '/whatsapp/inbox/conversations/1/messages', { body: { text: 'hola' } }, ['body']],
    ];

    it.each(cases)('%s', async (_name, method, path, data, field) => {
      const res = await refused(() => api(method, path).send({ data }), 400, field, 'string', 'ValidationError');
      expect(res.body.error.message).toMatch(new RegExp(`^${field.join('.')} must be a string`));
    });

    it('a number where text goes is refused too (not read as text)', async () => {
      const res = await refused(() => api('post', '/api/whatsapp/messages').send({ data: { to: 525512345678, body: 'hola' } }), 400, ['to'], 'string');
      expect(res.body.error.message).toBe('to must be a string, not a number');
    });
  });

  describe('2. names every JavaScript object has', () => {
    it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])('"%s" in data is an unknown field: 400 naming it', async (key) => {
      for (const path of ['/api/whatsapp/messages', '/api/whatsapp/contacts', '/api/whatsapp/templates']) {
        const res = await refused(() => api('post', path).set('Content-Type', 'application/json').send(`{"data":{"${key}":"x"}}`), 400, [key], 'unknown');
        expect(res.body.error.message).toBe(`unknown field: ${key}`);
      }
    });

    it('"__proto__" anywhere in a body is refused by the body parser: 400, nothing written', async () => {
      await settle(app.strapi);
      const before = await rows();
      const raw = '{"data":{"to":"+525512345678","template":"cita","variables":{"nombre":"Ana","cuando":"2031-03-14","__proto__":{"nombre":"Eva"}}}}';
      const res = await api('post', '/api/whatsapp/messages').set('Content-Type', 'application/json').send(raw);
      expect(res.status).toBe(400);
      expect(res.body.error.status).toBe(400);
      expect(await rows()).toEqual(before);
    });

    it('as variable names they are ordinary variables: the send and the preview work (read as own properties only)', async () => {
      const variables = { nombre: 'Ana', cuando: '2031-03-14', constructor: 'x', toString: 'y', hasOwnProperty: 'z', valueOf: 1 };
      const sent = await api('post', '/api/whatsapp/messages').send({ data: { to: uniqueMexicanNumber().e164, template: 'cita', variables } }).expect(201);
      expect(sent.body.data.body).toBe('Hola Ana, su cita es el 14 de marzo de 2031.');
      expect(sent.body.data.variables).toEqual(variables);
      const preview = await api('post', '/api/whatsapp/templates/cita/preview').send({ data: { variables } }).expect(200);
      expect(preview.body.data.text).toBe('Hola Ana, su cita es el 14 de marzo de 2031.');
      await waitForStatus(app.strapi, sent.body.data.id, ['sent']);
    });

    it('a template reading one could never be sent: refused at save, 422 on body with the rule reserved-variable', async () => {
      for (const body of ['Hola {{constructor}}', 'Hola {{cliente.toString}}', '{{#if hasOwnProperty}}x{{/if}}', 'Hola {{__proto__}}']) {
        const res = await refused(() => api('post', '/api/whatsapp/templates').send({ data: { name: `t-${body.length}`, body } }), 422, ['body'], 'reserved-variable', 'UnprocessableEntityError');
        expect(res.body.error.message).toMatch(/every JavaScript object has/);
      }
      const stored = (await api('get', '/api/whatsapp/templates/cita').expect(200)).body.data.body;
      await refused(() => api('put', '/api/whatsapp/templates/cita').send({ data: { body: 'Hola {{valueOf}}' } }), 422, ['body'], 'reserved-variable');
      expect((await api('get', '/api/whatsapp/templates/cita').expect(200)).body.data.body).toBe(stored);
    });
  });

  describe('3. nesting 10,000 levels deep: 400, no stack overflow', () => {
    const raw = (data: string) => (path: string) => api('post', path).set('Content-Type', 'application/json').send(`{"data":${data}}`);

    it('variables of a send, and of a preview', async () => {
      const send = raw(`{"to":"+525512345678","template":"cita","variables":{"nombre":"Ana","cuando":${deepJson(10_000)}}}`);
      await refused(() => send('/api/whatsapp/messages'), 400, ['variables'], 'depth');
      await refused(() => raw(`{"variables":${deepJson(10_000)}}`)('/api/whatsapp/templates/cita/preview'), 400, ['variables'], 'depth');
    });

    it('any field of data, known or not', async () => {
      await refused(() => raw(`{"phone":"+525512340002","tags":[${deepJson(10_000)}]}`)('/api/whatsapp/contacts'), 400, ['tags'], 'depth');
      await refused(() => raw(`{"related":${deepJson(10_000)}}`)('/api/whatsapp/messages'), 400, ['related'], 'depth');
    });

    it('variables deeper than the templates read (6 levels) are refused by their own rule', async () => {
      const variables = { nombre: 'Ana', cuando: '2031-03-14', a: { b: { c: { d: { e: { f: 'x' } } } } } };
      await refused(() => api('post', '/api/whatsapp/messages').send({ data: { to: '+525512345678', template: 'cita', variables } }), 400, ['variables'], 'variables');
    });
  });

  describe('4. too big: 413', () => {
    it('a 50 MB multipart upload: 413 PayloadTooLargeError naming files and max-size, no file stored', async () => {
      const res = await refused(
        () => api('post', '/api/upload').attach('files', Buffer.alloc(50 * 1024 * 1024, 1), { filename: 'manual.pdf', contentType: 'application/pdf' }),
        413,
        ['files'],
        'max-size',
        'PayloadTooLargeError'
      );
      expect(res.body.error.message).toMatch(/16 MB/);
    });

    it('a 2 MB JSON body: 413', async () => {
      await refused(() => api('post', '/api/whatsapp/messages').send({ data: { to: '+525512345678', body: 'x'.repeat(2 * 1024 * 1024) } }), 413, [], 'max-size', 'PayloadTooLargeError');
    });

    it('a broken multipart body: 400 naming files, not a 500', async () => {
      await settle(app.strapi);
      const before = await rows();
      const res = await api('post', '/api/upload')
        .set('Content-Type', 'multipart/form-data; boundary=xyz')
        .send('--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await rows()).toEqual(before);
    });
  });

  describe('5. list query strings', () => {
    const lists: Array<[string, string]> = [
      ['/api/whatsapp/messages', 'direction'],
      ['/api/whatsapp/messages', 'status'],
      ['/api/whatsapp/messages', 'relatedType'],
      ['/api/whatsapp/contacts', 'search'],
      ['/api/whatsapp/contacts', 'tag'],
      ['/api/whatsapp/templates', 'category'],
      ['/whatsapp/messages', 'direction'],
      ['/whatsapp/inbox/conversations', 'status'],
      ['/whatsapp/inbox/follow-ups', 'status'],
    ];

    it.each(lists)('%s?filters[%s][$foo]=1: 400 naming the filter and the operator', async (path, field) => {
      const res = await refused(() => api('get', `${path}?filters[${field}][$foo]=1`), 400, ['filters', field, '$foo'], 'operator', 'ValidationError');
      expect(res.body.error.message).toContain(`filters[${field}][$foo]`);
    });

    it('malformed pagination and sort never 500: junk reads as the defaults, a page beyond any offset is a 400', async () => {
      for (const query of ['pagination[page]=abc&pagination[pageSize]=-5', 'pagination[page][$gt]=1', 'pagination=7', 'sort[$foo]=1&sort=__proto__', 'page=1e400', 'filters=abc']) {
        const res = await api('get', `/api/whatsapp/messages?${query}`);
        expect(res.status).toBe(200);
        expect(res.body.meta.pagination).toMatchObject({ page: 1 });
      }
      for (const path of ['/api/whatsapp/messages', '/api/whatsapp/contacts', '/whatsapp/inbox/conversations']) {
        await refused(() => api('get', `${path}?pagination[page]=99999999999999999999`), 400, ['pagination', 'page'], 'max');
      }
    });

    it('a value a column cannot compare is a 400 too', async () => {
      await refused(() => api('get', '/api/whatsapp/messages?filters[direction]=sideways'), 400, ['filters', 'direction'], 'one-of');
      await refused(() => api('get', '/api/whatsapp/messages?filters[contact]=99999999999'), 400, ['filters', 'contact'], 'integer');
      await refused(() => api('get', '/api/whatsapp/messages?filters[from]=%2B275760-09-13'), 400, ['filters', 'from'], 'date');
    });
  });

  describe('6. media links', () => {
    it('a non-ASCII signature (as long as a real one) is refused like any bad token: 403, not 500', async () => {
      const media = app.strapi.plugin('whatsapp').service('media');
      const [payload, signature] = media.sign(1).split('.');
      const forged = `${payload}.${signature.slice(0, -2)}ñé`;
      const res = await app.http().get(`/api/whatsapp/media/${encodeURIComponent(forged)}`).expect(403);
      expect(res.body.error).toMatchObject({ status: 403, name: 'ForbiddenError' });
    });

    it('a library file with a non-ASCII name is served with an RFC 6266 Content-Disposition', async () => {
      const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
      const uploaded = await api('post', '/api/upload').attach('files', pdf, { filename: 'cotización ñ.pdf', contentType: 'application/pdf' }).expect(201);
      const file = uploaded.body[0];
      expect(file.name).toBe('cotización ñ.pdf');
      const token = app.strapi.plugin('whatsapp').service('media').sign(file.id);
      const res = await app.http().get(`/api/whatsapp/media/${token}`).buffer(true).expect(200);
      expect(res.headers['content-disposition']).toBe(`inline; filename="cotizacion n.pdf"; filename*=UTF-8''cotizaci%C3%B3n%20%C3%B1.pdf`);
      expect(res.headers['content-type']).toMatch(/application\/pdf/);
    });
  });

  describe('7. locales, time zones and countries: checked at save; a bad one already stored never stops a send', () => {
    it('refused at save: a contact locale or time zone, the default country or time zone', async () => {
      const phone = uniqueMexicanNumber().e164;
      await refused(() => api('post', '/api/whatsapp/contacts').send({ data: { phone, locale: 'not a locale!' } }), 400, ['locale'], 'locale');
      await refused(() => api('post', '/api/whatsapp/contacts').send({ data: { phone, timeZone: 'Mars/Olympus' } }), 400, ['timeZone'], 'tz');
      await refused(() => api('put', '/whatsapp/settings').send({ data: { defaultCountry: 'XX' } }), 400, ['defaultCountry'], 'country');
      await refused(() => api('put', '/whatsapp/settings').send({ data: { defaultTimeZone: 'Mars/Olympus' } }), 400, ['defaultTimeZone'], 'tz');
      await refused(
        () => api('post', '/api/whatsapp/messages').send({ data: { to: phone, template: 'cita', variables: { nombre: 'a', cuando: '2031-03-14' }, sendAt: '+275760-09-13T00:00:00Z' } }),
        400,
        ['sendAt'],
        'date-range'
      );
      expect(await count(app.strapi, UID.contact, { phone })).toBe(0);
    });

    it("a contact's locale and time zone stored before they were checked: es-MX and Mexico City are used, the message is sent", async () => {
      const phone = uniqueMexicanNumber().e164;
      const contact = (await api('post', '/api/whatsapp/contacts').send({ data: { phone, name: 'Ana' } }).expect(201)).body.data;
      await app.strapi.db.query(UID.contact as any).update({ where: { id: contact.id }, data: { locale: 'not a locale!', timeZone: 'Mars/Olympus' } });
      const res = await api('post', '/api/whatsapp/messages').send({ data: { to: phone, template: 'cita', variables: { nombre: 'Ana', cuando: '2031-03-14T18:30:00Z' } } }).expect(201);
      expect(res.body.data.body).toBe('Hola Ana, su cita es el 14 de marzo de 2031.');
      // The dispatcher renders the provider template's parameters with the same fallback.
      const row = await waitForStatus(app.strapi, res.body.data.id, ['sent', 'failed']);
      expect(row.deliveryStatus).toBe('sent');
    });

    it('a default country stored before it was checked: numbers are read as Mexican, the send goes on', async () => {
      const settings = await app.strapi.db.query(SETTING as any).findOne({});
      await app.strapi.db.query(SETTING as any).update({ where: { id: settings.id }, data: { defaultCountry: 'XX', defaultTimeZone: 'Mars/Olympus' } });
      try {
        await new Promise((r) => setTimeout(r, 1100)); // the settings cache lives one second
        const number = uniqueMexicanNumber();
        const res = await api('post', '/api/whatsapp/messages').send({ data: { to: number.national, template: 'cita', variables: { nombre: 'Ana', cuando: '2031-03-14' } } }).expect(201);
        expect(res.body.data.to).toBe(number.e164);
        expect((await waitForStatus(app.strapi, res.body.data.id, ['sent', 'failed'])).deliveryStatus).toBe('sent');
      } finally {
        await app.strapi.db.query(SETTING as any).update({ where: { id: settings.id }, data: { defaultCountry: settings.defaultCountry, defaultTimeZone: settings.defaultTimeZone } });
        await new Promise((r) => setTimeout(r, 1100));
      }
    });
  });

  describe('8. a refused send to a new number creates no contact', () => {
    const cases: Array<[string, (to: string) => Record<string, unknown>, string[], string]> = [
      ['marketing without consent', (to) => ({ to, template: 'promo', variables: { nombre: 'Ana' } }), ['to'], 'consent'],
      ['an unknown template', (to) => ({ to, template: 'no-such-template', variables: {} }), ['template'], 'unknown'],
      ['free text outside the 24-hour window', (to) => ({ to, body: 'Hola, ¿cómo va todo?' }), ['body'], 'service-window'],
      ['a missing variable', (to) => ({ to, template: 'cita', variables: { nombre: 'Ana' } }), ['variables', 'cuando'], 'required'],
      ['a media file that does not exist', (to) => ({ to, template: 'cita', variables: { nombre: 'Ana', cuando: '2031-03-14' }, media: 2_000_000_000 }), ['media'], 'not-found'],
    ];

    it.each(cases)('%s: 422, the contacts table unchanged', async (_name, data, path, rule) => {
      const { e164 } = uniqueMexicanNumber();
      await refused(() => api('post', '/api/whatsapp/messages').send({ data: data(e164) }), 422, path, rule, 'UnprocessableEntityError');
      expect(await count(app.strapi, UID.contact, { phone: e164 })).toBe(0);
    });

    describe('when the database refuses the message row itself', () => {
      const FAULT = 'injected fault: the database refused the message';
      afterEach(async () => {
        const knex = app.strapi.db.connection;
        await knex.raw(isPostgres() ? 'DROP TRIGGER IF EXISTS wa_test_refuse_message ON whatsapp_messages' : 'DROP TRIGGER IF EXISTS wa_test_refuse_message');
      });

      it('the contact made for it is taken back', async () => {
        const knex = app.strapi.db.connection;
        if (isPostgres()) {
          await knex.raw(`CREATE OR REPLACE FUNCTION wa_test_refuse_message() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '${FAULT}'; END $$ LANGUAGE plpgsql`);
          await knex.raw(`CREATE TRIGGER wa_test_refuse_message BEFORE INSERT ON whatsapp_messages FOR EACH ROW WHEN (NEW.related_type = 'wa-test-fault') EXECUTE FUNCTION wa_test_refuse_message()`);
        } else {
          await knex.raw(`CREATE TRIGGER wa_test_refuse_message BEFORE INSERT ON whatsapp_messages WHEN NEW.related_type = 'wa-test-fault' BEGIN SELECT RAISE(ABORT, '${FAULT}'); END`);
        }
        const { e164 } = uniqueMexicanNumber();
        const before = await rows();
        const res = await api('post', '/api/whatsapp/messages').send({
          data: { to: e164, template: 'cita', variables: { nombre: 'Ana', cuando: '2031-03-14' }, related: { type: 'wa-test-fault', id: 1 } },
        });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(await count(app.strapi, UID.contact, { phone: e164 })).toBe(0);
        expect(await rows()).toEqual(before);
      });
    });
  });
});
