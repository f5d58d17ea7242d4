/**
 * The database boundary: what PostgreSQL refuses and SQLite stores without a word (a NUL
 * character, a string longer than its varchar, an id beyond a 32-bit integer, a year out of the
 * calendar), and what two databases decide differently under concurrency (a unique value created
 * twenty times at once, a setting written twenty times at once). Every case answers the same on
 * both databases, with the same expectations in this file: a 4xx in Strapi's error shape naming
 * the field and the rule, and nothing written; never a 500.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { createCitaTemplate, uniqueMexicanNumber } from './helpers/factories';
import { count, snapshot, UID } from './helpers/whatsapp';

type Res = { status: number; body: any };

/** The first validation error of an answer: its path and rule. */
const detail = (res: Res) => res.body?.error?.details?.errors?.[0] ?? {};

const expectRefused = (res: Res, status: number, name: string, path: string[], rule: string) => {
  expect({ status: res.status, name: res.body?.error?.name, path: detail(res).path, rule: detail(res).rule }).toEqual({ status, name, path, rule });
  expect(res.body.data).toBeNull();
};

describe('database limits: the same 4xx on SQLite and PostgreSQL, nothing written', () => {
  let app: TestApp;
  let token: string;
  let admin: string;

  const api = (method: 'get' | 'post' | 'put' | 'delete', path: string) => app.http()[method](`/api/whatsapp${path}`).set('Authorization', token);
  const adminApi = (method: 'get' | 'post' | 'put' | 'delete', path: string) => app.http()[method](`/whatsapp${path}`).set('Authorization', admin);
  const rows = async () => ({
    ...(await snapshot(app.strapi)),
    templates: await count(app.strapi, UID.template),
    audit: await count(app.strapi, UID.auditEntry),
  });

  beforeAll(async () => {
    app = await startStrapi();
    token = await createApiToken(app.strapi);
    admin = await createAdminJwt(app);
    await createCitaTemplate(app, token);
  });
  afterAll(async () => {
    await app?.stop();
  });

  describe('a NUL character (\\u0000) in text: 400 no-nul naming the field', () => {
    it('contact name, contact tags, template body, settings keywords', async () => {
      const before = await rows();
      expectRefused(await api('post', '/contacts').send({ data: { phone: uniqueMexicanNumber().e164, name: 'An\u0000a' } }), 400, 'ValidationError', ['name'], 'no-nul');
      expectRefused(await api('post', '/contacts').send({ data: { phone: uniqueMexicanNumber().e164, tags: ['v\u0000ip'] } }), 400, 'ValidationError', ['tags', '0'], 'no-nul');
      expectRefused(await api('post', '/templates').send({ data: { name: 'nul_body', body: 'Hola\u0000 {{nombre}}' } }), 400, 'ValidationError', ['body'], 'no-nul');
      expectRefused(await adminApi('put', '/settings').send({ data: { optOutKeywords: ['STOP\u0000'] } }), 400, 'ValidationError', ['optOutKeywords', '0'], 'no-nul');
      expect(await rows()).toEqual(before);
    });

    it('an update too: the contact and the template keep what they had', async () => {
      const contact = (await api('post', '/contacts').send({ data: { phone: uniqueMexicanNumber().e164, name: 'Ana' } }).expect(201)).body.data;
      expectRefused(await api('put', `/contacts/${contact.id}`).send({ data: { name: 'Ana\u0000' } }), 400, 'ValidationError', ['name'], 'no-nul');
      const template = (await api('get', '/templates/cita').expect(200)).body.data;
      expectRefused(await api('put', `/templates/${template.id}`).send({ data: { body: 'Hola\u0000' } }), 400, 'ValidationError', ['body'], 'no-nul');
      expect((await api('get', `/contacts/${contact.id}`).expect(200)).body.data.name).toBe('Ana');
      expect((await api('get', `/templates/${template.id}`).expect(200)).body.data.body).toBe(template.body);
    });
  });

  describe('a string longer than its column: 400 max-length naming the field and the limit', () => {
    it('255 characters for a string attribute (PostgreSQL varchar(255)); characters, not UTF-16 units', async () => {
      const before = await rows();
      const long = await api('post', '/contacts').send({ data: { phone: uniqueMexicanNumber().e164, relatedType: 'x'.repeat(256) } });
      expectRefused(long, 400, 'ValidationError', ['relatedType'], 'max-length');
      expect(long.body.error.message).toMatch(/255/);
      const meta = await api('post', '/templates').send({ data: { name: 'long_meta', body: 'Hola', metaName: 'm'.repeat(256) } });
      expectRefused(meta, 400, 'ValidationError', ['metaName'], 'max-length');
      expect(await rows()).toEqual(before);

      // 255 emoji are 510 UTF-16 units but 255 characters: stored on both databases.
      const emoji = await api('post', '/contacts').send({ data: { phone: uniqueMexicanNumber().e164, relatedType: '😀'.repeat(255) } }).expect(201);
      const stored = await app.strapi.db.query(UID.contact as any).findOne({ where: { id: emoji.body.data.id } });
      expect(stored.relatedType).toBe('😀'.repeat(255));
    });
  });

  describe('an id beyond 2³¹−1: 404 in a URL, 422 in a body', () => {
    it('URLs of the content API and the admin API answer 404 Not Found', async () => {
      const before = await rows();
      for (const path of ['/contacts/2147483648', '/templates/99999999999', '/messages/99999999999']) {
        const res = await api('get', path);
        expect({ path, status: res.status, name: res.body?.error?.name }).toEqual({ path, status: 404, name: 'NotFoundError' });
      }
      await api('put', '/contacts/2147483648').send({ data: { name: 'Nadie' } }).expect(404);
      await api('delete', '/contacts/2147483648').expect(404);
      await api('post', '/contacts/2147483648/consent').send({ data: { purpose: 'marketing', granted: true } }).expect(404);
      await api('post', '/messages/99999999999/cancel').expect(404);
      for (const path of ['/messages/99999999999', '/inbox/conversations/2147483648', '/contacts/99999999999']) {
        const res = await adminApi('get', path);
        expect({ path, status: res.status, name: res.body?.error?.name }).toEqual({ path, status: 404, name: 'NotFoundError' });
      }
      expect(await rows()).toEqual(before);
    });

    it('a template or sender id in a message: 422 naming it, no message written', async () => {
      const before = await rows();
      const variables = { nombre: 'Ana', fecha: 'mañana' };
      expectRefused(await api('post', '/messages').send({ data: { to: uniqueMexicanNumber().e164, template: 9999999999, variables } }), 422, 'UnprocessableEntityError', ['template'], 'unknown');
      expectRefused(
        await api('post', '/messages').send({ data: { to: uniqueMexicanNumber().e164, template: 'cita', variables, sender: 9999999999 } }),
        422,
        'UnprocessableEntityError',
        ['sender'],
        'unknown'
      );
      expect(await rows()).toEqual(before);
    });
  });

  describe('inputs of the message, inbox and consent APIs: the same refusal on both databases', () => {
    // Checked by the message validator and services (validation/index.ts, services/messages.ts,
    // the inbox and consent services); PostgreSQL would refuse each at the database, SQLite would
    // store it. Whatever a check in front misses, the db-errors middleware still answers 4xx on
    // PostgreSQL: here both databases must refuse before writing, naming the field.
    const variables = { nombre: 'Ana', fecha: 'mañana' };
    const send = (data: Record<string, unknown>) => api('post', '/messages').send({ data: { to: uniqueMexicanNumber().e164, template: 'cita', variables, ...data } });
    let contactId: number;
    let conversationId: number;

    beforeAll(async () => {
      contactId = (await api('post', '/contacts').send({ data: { phone: uniqueMexicanNumber().e164 } }).expect(201)).body.data.id;
      const sender = await app.strapi.db.query(UID.sender as any).findOne({ where: { provider: 'sandbox' } });
      const conversation = await app.strapi.db.query('plugin::whatsapp.conversation' as any).create({ data: { contactId, senderId: sender.id, state: 'open' } });
      conversationId = conversation.id;
    });

    const cases: Array<[string, () => Promise<Res>, string[], string | null]> = [
      ['NUL in a free-text body', () => api('post', '/messages').send({ data: { to: uniqueMexicanNumber().e164, body: 'Hola\u0000' } }), ['body'], 'no-nul'],
      ['NUL in a template variable', () => send({ variables: { nombre: 'A\u0000', fecha: 'x' } }), ['variables', 'nombre'], 'no-nul'],
      ['NUL in the idempotencyKey', () => send({ idempotencyKey: 'k\u0000' }), ['idempotencyKey'], 'no-nul'],
      ['NUL in an inbox reply', () => adminApi('post', `/inbox/conversations/${conversationId}/messages`).send({ data: { body: 'Hola\u0000' } }), ['body'], 'no-nul'],
      ['NUL in consent evidence', () => api('post', `/contacts/${contactId}/consent`).send({ data: { purpose: 'marketing', granted: true, evidence: 'firma\u0000' } }), ['evidence'], 'no-nul'],
      ['a related type of 300 characters', () => send({ related: { type: 'x'.repeat(300), id: 1 } }), ['related', 'type'], null],
      ['media id 9999999999', () => send({ media: 9999999999 }), ['media'], null],
      ['sendAt in the year 275760', () => send({ sendAt: '+275760-09-13' }), ['sendAt'], null],
      ['sendAt in the year -271821', () => send({ sendAt: '-271821-04-20' }), ['sendAt'], null],
      ['sendAt in the year 0', () => send({ sendAt: '0000-01-01T00:00:00Z' }), ['sendAt'], null],
      ['a date filter in the year 275760', () => api('get', '/messages?filters[from]=%2B275760-09-13'), ['filters', 'from'], null],
      ['a date filter in the year -271821', () => api('get', '/messages?filters[until]=-271821-04-20'), ['filters', 'until'], null],
      ['a contact filter of 99999999999', () => api('get', '/messages?filters[contact]=99999999999'), ['filters', 'contact'], null],
    ];

    it.each(cases)('%s', async (_name, request, path, rule) => {
      const before = await rows();
      const res = await request();
      expect([400, 422]).toContain(res.status);
      expect(detail(res).path).toEqual(path);
      if (rule) expect(detail(res).rule).toBe(rule);
      expect(await rows()).toEqual(before);
    });
  });

  describe('a unique value created twenty times at once: one 201, nineteen 409, one row', () => {
    const race = async (send: () => Promise<Res>) => {
      const answers = await Promise.all(Array.from({ length: 20 }, send));
      const statuses = answers.map((res) => res.status).sort();
      expect(statuses).toEqual([201, ...Array(19).fill(409)]);
      return answers.filter((res) => res.status === 409);
    };

    it('a contact phone', async () => {
      const { e164 } = uniqueMexicanNumber();
      const conflicts = await race(() => api('post', '/contacts').send({ data: { phone: e164, name: 'Carrera' } }));
      for (const res of conflicts) expectRefused(res, 409, 'ConflictError', ['phone'], 'unique');
      expect(await count(app.strapi, UID.contact, { phone: e164 })).toBe(1);
    });

    it('a template name', async () => {
      const name = `carrera_${Date.now().toString(36)}`;
      const conflicts = await race(() => api('post', '/templates').send({ data: { name, body: 'Hola {{nombre}}' } }));
      for (const res of conflicts) expectRefused(res, 409, 'ConflictError', ['name'], 'unique');
      expect(await count(app.strapi, UID.template, { name })).toBe(1);
    });
  });

  describe('settings written twenty times at once', () => {
    it('a real change is written and audited once; the same write again changes nothing and audits nothing', async () => {
      const audited = await count(app.strapi, UID.auditEntry);
      const write = () => adminApi('put', '/settings').send({ data: { quietHoursStart: '21:00' } });
      const first = await Promise.all(Array.from({ length: 20 }, write));
      expect(first.map((res) => res.status)).toEqual(Array(20).fill(200));
      for (const res of first) expect(res.body.data.quietHoursStart).toBe('21:00');
      expect(await count(app.strapi, UID.auditEntry)).toBe(audited + 1);
      const [entry] = await app.strapi.db.query(UID.auditEntry as any).findMany({ orderBy: { id: 'desc' }, limit: 1 });
      expect(entry).toMatchObject({ action: 'settings.update', before: { quietHoursStart: null }, after: { quietHoursStart: '21:00' } });

      const again = await Promise.all(Array.from({ length: 20 }, write));
      expect(again.map((res) => res.status)).toEqual(Array(20).fill(200));
      expect(await count(app.strapi, UID.auditEntry)).toBe(audited + 1);

      await adminApi('put', '/settings').send({ data: { quietHoursStart: null } }).expect(200);
      expect(await count(app.strapi, UID.auditEntry)).toBe(audited + 2);
    });
  });

  describe('a template body emptied by an update', () => {
    it('"" or whitespace is refused (400 required naming body); the body stays', async () => {
      const template = (await api('get', '/templates/cita').expect(200)).body.data;
      expectRefused(await api('put', `/templates/${template.id}`).send({ data: { body: '' } }), 400, 'ValidationError', ['body'], 'required');
      expectRefused(await api('put', `/templates/${template.id}`).send({ data: { body: '  \n\t ' } }), 400, 'ValidationError', ['body'], 'required');
      expectRefused(await api('post', '/templates').send({ data: { name: 'blank', body: '   ' } }), 400, 'ValidationError', ['body'], 'required');
      expect((await api('get', `/templates/${template.id}`).expect(200)).body.data.body).toBe(template.body);
      expect(await count(app.strapi, UID.template, { name: 'blank' })).toBe(0);
    });
  });

  describe('the safety net: a database error that escapes every check', () => {
    // A real constraint of the database, not a stub: a unique index on contact names, which no
    // check in front of the database knows about. The second contact named the same is refused
    // by the database itself; the db-errors middleware answers 409 naming the field, logs a warning.
    const index = 'wa_test_contacts_name_uq';
    beforeAll(async () => {
      await app.strapi.db.connection.raw(`CREATE UNIQUE INDEX ${index} ON whatsapp_contacts (name)`);
    });
    afterAll(async () => {
      await app.strapi.db.connection.raw(`DROP INDEX IF EXISTS ${index}`);
    });

    it('409 ConflictError naming the field (rule unique), logged at warn, nothing written', async () => {
      const name = `Único ${Date.now().toString(36)}`;
      await api('post', '/contacts').send({ data: { phone: uniqueMexicanNumber().e164, name } }).expect(201);
      const before = await rows();
      const warn = jest.spyOn(app.strapi.log, 'warn');
      try {
        const res = await api('post', '/contacts').send({ data: { phone: uniqueMexicanNumber().e164, name } });
        expectRefused(res, 409, 'ConflictError', ['name'], 'unique');
        expect(JSON.stringify(res.body)).not.toMatch(/whatsapp_contacts|insert into|constraint/i);
        expect(warn.mock.calls.map((args) => String(args[0])).join('\n')).toMatch(/database refused the request.*unique/);
      } finally {
        warn.mockRestore();
      }
      expect(await rows()).toEqual(before);
    });

    it('the Content Manager too: 409 naming the field, nothing written', async () => {
      const name = `Único CM ${Date.now().toString(36)}`;
      await api('post', '/contacts').send({ data: { phone: uniqueMexicanNumber().e164, name } }).expect(201);
      const before = await rows();
      const res = await app
        .http()
        .post('/content-manager/collection-types/plugin::whatsapp.contact')
        .set('Authorization', admin)
        .send({ phone: uniqueMexicanNumber().e164, name });
      expectRefused(res, 409, 'ConflictError', ['name'], 'unique');
      expect(await rows()).toEqual(before);
    });
  });
});
