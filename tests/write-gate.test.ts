/**
 * One gate for every write: what the REST API refuses is refused through the Content Manager,
 * GraphQL's generated mutations and the Document Service too, and consent moves only through
 * the ledger, whichever door it came through.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { count, UID } from './helpers/whatsapp';
import { isPostgres } from './helpers/database';

describe('one gate for every write', () => {
  let app: TestApp;
  let admin: string;
  let token: string;
  let adminEmail: string;

  const cm = (uid: string) => `/content-manager/collection-types/${uid}`;
  const cmCreate = (uid: string, data: Record<string, unknown>, auth = admin) => app.http().post(cm(uid)).set('Authorization', auth).send(data);
  const cmUpdate = (uid: string, documentId: string, data: Record<string, unknown>) =>
    app.http().put(`${cm(uid)}/${documentId}`).set('Authorization', admin).send(data);
  const gql = (query: string, variables: Record<string, unknown> = {}) =>
    app.http().post('/graphql').set('Authorization', token).send({ query, variables });
  const ledger = (phone: string) => app.strapi.db.query(UID.consent as any).findMany({ where: { phone }, orderBy: { id: 'asc' } });
  const contactByPhone = (phone: string) => app.strapi.db.query(UID.contact as any).findOne({ where: { phone } });
  /** What a refusal names: the field path and the rule. */
  const named = (body: any) => ({ path: body.error?.details?.errors?.[0]?.path, rule: body.error?.details?.errors?.[0]?.rule });

  beforeAll(async () => {
    app = await startStrapi();
    admin = await createAdminJwt(app);
    const me = await app.http().get('/admin/users/me').set('Authorization', admin).expect(200);
    adminEmail = me.body.data.email;
    token = await createApiToken(app.strapi);
  });
  afterAll(async () => {
    await app?.stop();
  });

  describe('consent only through the ledger', () => {
    it('a contact created in the Content Manager with marketing consent gets a ledger entry naming the administrator', async () => {
      const res = await cmCreate(UID.contact, { phone: '55 2000 0001', name: 'Rocío', marketingConsent: true });
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
      expect(res.body.data).toMatchObject({ phone: '+525520000001', marketingConsent: true });

      const entries = await ledger('+525520000001');
      expect(entries).toEqual([expect.objectContaining({ purpose: 'marketing', granted: true, method: 'admin', actor: adminEmail })]);
      const stored = await contactByPhone('+525520000001');
      expect(stored).toMatchObject({ marketingConsent: true });
      expect(stored.consentUpdatedAt).toBeTruthy();

      // Withdrawn there too: a second entry, and marketing is refused again.
      const off = await cmUpdate(UID.contact, res.body.data.documentId, { ...res.body.data, marketingConsent: false });
      expect(off.status).toBe(200);
      const after = await ledger('+525520000001');
      expect(after.map((e: any) => [e.purpose, e.granted, e.method])).toEqual([
        ['marketing', true, 'admin'],
        ['marketing', false, 'admin'],
      ]);
      expect((await contactByPhone('+525520000001')).optedOutAt).toBeTruthy();
    });

    it('an edit that leaves consent as it was adds nothing to the ledger', async () => {
      const res = await cmCreate(UID.contact, { phone: '+525520000002', name: 'Tomás' }).expect(201);
      expect(await ledger('+525520000002')).toEqual([]);
      await cmUpdate(UID.contact, res.body.data.documentId, { ...res.body.data, name: 'Tomás Ruiz' }).expect(200);
      expect(await ledger('+525520000002')).toEqual([]);
      expect(await contactByPhone('+525520000002')).toMatchObject({ name: 'Tomás Ruiz', marketingConsent: false });
    });

    it('a contact created through GraphQL with marketing consent is in the ledger, and a marketing send is then allowed', async () => {
      const res = await gql('mutation($data: WhatsappContactInput!) { createWhatsappContact(data: $data) { documentId phone marketingConsent } }', {
        data: { phone: '+525520000003', marketingConsent: true },
      }).expect(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.createWhatsappContact).toMatchObject({ phone: '+525520000003', marketingConsent: true });
      expect(await ledger('+525520000003')).toEqual([expect.objectContaining({ purpose: 'marketing', granted: true, method: 'api' })]);

      await app.http().post('/api/whatsapp/templates').set('Authorization', token).send({ data: { name: 'gate-promo', body: 'Promo de diciembre', category: 'marketing' } }).expect(201);
      const send = (to: string) => app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data: { to, template: 'gate-promo' } });
      expect((await send('+525520000003')).status).toBe(201);
      // Without consent on record (created through GraphQL too), marketing is refused.
      await gql('mutation { createWhatsappContact(data: { phone: "+525520000013" }) { documentId } }').expect(200);
      const refused = await send('+525520000013');
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.body.error)).toMatch(/consent/);
    });

    it('code calling the Document Service is held to the same: phone normalised, consent in the ledger', async () => {
      const created = await app.strapi.documents(UID.contact as any).create({ data: { phone: '55 2000 0004', transactionalConsent: true } as any });
      expect(created).toMatchObject({ phone: '+525520000004', transactionalConsent: true });
      expect(await ledger('+525520000004')).toEqual([expect.objectContaining({ purpose: 'transactional', granted: true, method: 'api' })]);
    });

    it('the fields the plugin keeps (consent time, opt-out time, last inbound) cannot be set from outside', async () => {
      const before = await count(app.strapi, UID.contact);
      const res = await cmCreate(UID.contact, { phone: '+525520000005', lastInboundAt: '2026-01-01T00:00:00.000Z' });
      expect(res.status).toBe(400);
      expect(named(res.body)).toEqual({ path: ['lastInboundAt'], rule: 'read-only' });
      expect(await count(app.strapi, UID.contact)).toBe(before);
    });

    it("what the provider told us (user id, username, unverified flag, old numbers) is not writable, and a contact needs a number", async () => {
      const before = await count(app.strapi, UID.contact);
      for (const [field, value] of [
        ['providerUserId', 'MX.1234567890'],
        ['username', 'ana.gomez'],
        ['phoneUnverified', true],
        ['phoneHistory', [{ phone: '+525520000099', until: '2026-01-01T00:00:00.000Z' }]],
      ] as const) {
        const res = await cmCreate(UID.contact, { phone: '+525520000007', [field]: value });
        expect({ status: res.status, ...named(res.body) }).toEqual({ status: 400, path: [field], rule: 'read-only' });
      }
      const noPhone = await cmCreate(UID.contact, { name: 'Sin número' });
      expect({ status: noPhone.status, ...named(noPhone.body) }).toEqual({ status: 400, path: ['phone'], rule: 'required' });
      expect(await count(app.strapi, UID.contact)).toBe(before);

      // A contact Meta knew only by its user id keeps its null phone through an ordinary edit…
      const bsuid = await app.strapi.db.query(UID.contact as any).create({
        data: { phone: null, providerUserId: 'MX.9988776655', username: 'lupita', phoneUnverified: false, phoneHistory: [{ phone: '+525520000098' }], locale: 'es-MX' },
      });
      const edited = await cmUpdate(UID.contact, bsuid.documentId, { phone: null, name: 'Lupita', providerUserId: 'MX.9988776655', username: 'lupita', phoneHistory: [{ phone: '+525520000098' }] });
      expect({ status: edited.status, error: edited.body.error }).toEqual({ status: 200, error: undefined });
      expect(await app.strapi.db.query(UID.contact as any).findOne({ where: { id: bsuid.id } })).toMatchObject({ name: 'Lupita', phone: null, providerUserId: 'MX.9988776655' });

      // …and an unverified number staff correct by hand is verified; emptying it is refused.
      const unverified = await app.strapi.db.query(UID.contact as any).create({ data: { phone: '+5299912345', phoneUnverified: true, locale: 'es-MX' } });
      const emptied = await cmUpdate(UID.contact, unverified.documentId, { phone: '' });
      expect({ status: emptied.status, ...named(emptied.body) }).toEqual({ status: 400, path: ['phone'], rule: 'required' });
      const fixed = await cmUpdate(UID.contact, unverified.documentId, { phone: '55 2000 0008', phoneUnverified: true });
      expect({ status: fixed.status, error: fixed.body.error }).toEqual({ status: 200, error: undefined });
      expect(await app.strapi.db.query(UID.contact as any).findOne({ where: { id: unverified.id } })).toMatchObject({ phone: '+525520000008', phoneUnverified: false });
    });
  });

  describe('the REST rules through every door', () => {
    it('an invalid phone is refused in the Content Manager and in GraphQL, naming the field; nothing written', async () => {
      const before = await count(app.strapi, UID.contact);
      const viaCm = await cmCreate(UID.contact, { phone: '123' });
      expect(viaCm.status).toBe(400);
      expect(named(viaCm.body).path).toEqual(['phone']);
      const viaGql = await gql('mutation { createWhatsappContact(data: { phone: "123" }) { documentId } }');
      expect(viaGql.body.data?.createWhatsappContact ?? null).toBeNull();
      expect(JSON.stringify(viaGql.body.errors)).toMatch(/phone/);
      expect(await count(app.strapi, UID.contact)).toBe(before);
    });

    it('a time zone or locale that does not exist is refused at save', async () => {
      const tz = await cmCreate(UID.contact, { phone: '+525520000006', timeZone: 'Mars/Olympus_Mons' });
      expect(tz.status).toBe(400);
      expect(named(tz.body).path).toEqual(['timeZone']);
      const locale = await cmCreate(UID.contact, { phone: '+525520000006', locale: 'not a locale!' });
      expect(locale.status).toBe(400);
      expect(named(locale.body).path).toEqual(['locale']);
      expect(await contactByPhone('+525520000006')).toBeNull();
    });

    it('a template is checked as REST checks it: broken body, emptied body, Meta parameters the body does not use', async () => {
      const before = await count(app.strapi, UID.template);
      const broken = await cmCreate(UID.template, { name: 'gate-broken', body: 'Hola {{#if nombre}}' });
      expect(broken.status).toBe(400);
      expect(named(broken.body)).toMatchObject({ path: ['body'] });
      expect(await count(app.strapi, UID.template)).toBe(before);

      const ok = await cmCreate(UID.template, { name: 'gate-ok', body: 'Hola {{nombre}}', category: 'utility' });
      expect({ status: ok.status, error: ok.body.error }).toEqual({ status: 201, error: undefined });
      expect(ok.body.data.variables).toEqual(['nombre']);
      const documentId = ok.body.data.documentId;

      const emptied = await cmUpdate(UID.template, documentId, { body: '' });
      expect(emptied.status).toBe(400);
      expect(named(emptied.body)).toEqual({ path: ['body'], rule: 'required' });
      const params = await cmUpdate(UID.template, documentId, { metaParameters: ['nombre', 'fecha'] });
      expect(params.status).toBe(400);
      expect(JSON.stringify(params.body.error)).toMatch(/fecha/);
      const stored = await app.strapi.db.query(UID.template as any).findOne({ where: { documentId } });
      expect(stored).toMatchObject({ body: 'Hola {{nombre}}' });
      expect(stored.metaParameters ?? null).toBeNull();

      const viaGql = await gql('mutation { createWhatsappTemplate(data: { name: "gate-gql", body: "{{#each}}" }) { documentId } }');
      expect(viaGql.body.data?.createWhatsappTemplate ?? null).toBeNull();
      expect(JSON.stringify(viaGql.body.errors)).toMatch(/body/);
      expect(await app.strapi.db.query(UID.template as any).findOne({ where: { name: 'gate-gql' } })).toBeNull();
    });

    it('settings change only through the plugin\'s settings, which validate and audit', async () => {
      await expect(app.strapi.documents(UID.setting as any).update({ data: { defaultCountry: 'XX' } as any } as any)).rejects.toThrow(/settings/i);
      const row = await app.strapi.db.query(UID.setting as any).findOne({});
      expect(row.defaultCountry).toBe('MX');
    });

    it('history (messages, attempts, consent, audit, webhook events) is never edited through a document', async () => {
      await expect(app.strapi.documents(UID.consent as any).create({ data: { phone: '+525520000009', purpose: 'marketing', granted: true } as any })).rejects.toThrow(/history/);
      expect(await ledger('+525520000009')).toEqual([]);
    });
  });

  it('an unexpected error reaches a GraphQL client as "Internal Server Error" only: no SQL, no stack trace', async () => {
    // A fault in the database itself (a trigger refusing the insert), the kind no validator foresees.
    const FAULT = 'wa_internal_fault SELECT secret_column FROM whatsapp_contacts';
    const knex = app.strapi.db.connection;
    if (isPostgres()) {
      await knex.raw(`CREATE OR REPLACE FUNCTION wa_gate_fault() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '${FAULT}'; END $$ LANGUAGE plpgsql`);
      await knex.raw('CREATE TRIGGER wa_gate_fault BEFORE INSERT ON whatsapp_contacts FOR EACH ROW EXECUTE FUNCTION wa_gate_fault()');
    } else {
      await knex.raw(`CREATE TRIGGER wa_gate_fault BEFORE INSERT ON whatsapp_contacts BEGIN SELECT RAISE(ABORT, '${FAULT}'); END`);
    }
    try {
      const res = await gql('mutation { createWhatsappContact(data: { phone: "+525520000200" }) { documentId } }');
      expect(res.body.errors).toEqual([expect.objectContaining({ message: 'Internal Server Error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
      expect(JSON.stringify(res.body)).not.toMatch(/wa_internal_fault|secret_column|stacktrace|at /);
    } finally {
      await knex.raw(isPostgres() ? 'DROP TRIGGER IF EXISTS wa_gate_fault ON whatsapp_contacts' : 'DROP TRIGGER IF EXISTS wa_gate_fault');
    }
  });

  describe('senders', () => {
    const sender = (data: Record<string, unknown>) => cmCreate(UID.sender, { name: 'Taller', provider: 'sandbox', ...data });

    it('a number is normalised to E.164; one that is not a phone number is refused', async () => {
      const ok = await sender({ number: '55 2000 0100' });
      expect({ status: ok.status, error: ok.body.error }).toEqual({ status: 201, error: undefined });
      expect(ok.body.data.number).toBe('+525520000100');
      const bad = await sender({ number: 'hello' });
      expect(bad.status).toBe(400);
      expect(named(bad.body).path).toEqual(['number']);
    });

    it('a provider without credentials on this server is refused', async () => {
      const res = await sender({ provider: 'twilio', number: '+525520000101' });
      expect(res.status).toBe(400);
      expect(named(res.body)).toEqual({ path: ['provider'], rule: 'configured' });
      expect(await app.strapi.db.query(UID.sender as any).findOne({ where: { number: '+525520000101' } })).toBeNull();
    });

    it('only one sender is the default: marking one unmarks the others, and sends go from it', async () => {
      const first = await sender({ number: '+525520000102', isDefault: true, name: 'Primero' }).expect(201);
      const second = await sender({ number: '+525520000103', isDefault: true, name: 'Segundo' }).expect(201);
      const defaults = await app.strapi.db.query(UID.sender as any).findMany({ where: { isDefault: true } });
      expect(defaults.map((s: any) => s.documentId)).toEqual([second.body.data.documentId]);
      expect(first.body.data.documentId).not.toBe(second.body.data.documentId);
      const resolved = await app.strapi.plugin('whatsapp').service('senders').resolve();
      expect(resolved.number).toBe('+525520000103');
    });

    it('an Author cannot create a sender through the Content Manager, default or not', async () => {
      const author = await createAdminJwt(app, 'strapi-author');
      const before = await count(app.strapi, UID.sender);
      const res = await cmCreate(UID.sender, { name: 'Mío', provider: 'sandbox', number: '+525520000104', isDefault: true }, author);
      expect(res.status).toBe(403);
      expect(await count(app.strapi, UID.sender)).toBe(before);
    });
  });
});
