/**
 * Contacts through REST: update (fields, phone normalised, uniqueness), delete, and the list's
 * filters (search, lead, consent, tag) with pagination. Each test makes its own contacts, on
 * numbers no other test uses, so any one of them can run alone.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createApiToken } from './helpers/auth';
import { count, UID } from './helpers/whatsapp';
import { uniqueMexicanNumber } from './helpers/factories';

describe('contacts (REST)', () => {
  let app: TestApp;
  let token: string;

  const api = (method: 'get' | 'post' | 'put' | 'delete', path: string) => app.http()[method](`/api/whatsapp${path}`).set('Authorization', token);
  const createContact = async (data: Record<string, unknown>) => (await api('post', '/contacts').send({ data }).expect(201)).body.data;

  beforeAll(async () => {
    app = await startStrapi();
    token = await createApiToken(app.strapi);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('tags must be a list: a bare string is refused with 400 naming the field (not dropped with 201), and nothing is written', async () => {
    const before = await count(app.strapi, UID.contact);
    const res = await api('post', '/contacts').send({ data: { phone: uniqueMexicanNumber().e164, tags: 'vip' } }).expect(400);
    expect(JSON.stringify(res.body.error)).toMatch(/tags/);
    expect(await count(app.strapi, UID.contact)).toBe(before);
    const ok = await api('post', '/contacts').send({ data: { phone: uniqueMexicanNumber().e164, tags: [' vip '] } }).expect(201);
    expect(ok.body.data.tags).toEqual(['vip']);
  });

  describe('update', () => {
    it('changes name, email, tags and time zone by documentId or id; the phone is normalised', async () => {
      const number = uniqueMexicanNumber();
      const contact = await createContact({ phone: number.e164, name: 'Ana' });
      const byDocument = await api('put', `/contacts/${contact.documentId}`)
        .send({ data: { name: 'Ana Gómez', email: 'ana@example.com', tags: ['vip', 'taller'], timeZone: 'America/Mexico_City' } })
        .expect(200);
      expect(byDocument.body.data).toMatchObject({ id: contact.id, name: 'Ana Gómez', email: 'ana@example.com', tags: ['vip', 'taller'], timeZone: 'America/Mexico_City', phone: number.e164 });

      const other = uniqueMexicanNumber();
      const byId = await api('put', `/contacts/${contact.id}`).send({ data: { phone: other.national } }).expect(200);
      expect(byId.body.data.phone).toBe(other.e164);
      const detail = await api('get', `/contacts/${contact.documentId}`).expect(200);
      expect(detail.body.data).toMatchObject({ phone: other.e164, name: 'Ana Gómez', tags: ['vip', 'taller'] });
    });

    it('refuses a phone another contact has (409), an invalid phone or email (4xx), an unknown field (400): nothing changes', async () => {
      const taken = await createContact({ phone: uniqueMexicanNumber().e164, name: 'Primero' });
      const contact = await createContact({ phone: uniqueMexicanNumber().e164, name: 'Segundo' });
      const conflict = await api('put', `/contacts/${contact.id}`).send({ data: { phone: taken.phone } }).expect(409);
      expect(conflict.body.error.details.errors[0]).toMatchObject({ path: ['phone'], rule: 'unique' });
      const badPhone = await api('put', `/contacts/${contact.id}`).send({ data: { phone: '12' } });
      expect([400, 422]).toContain(badPhone.status);
      const badEmail = await api('put', `/contacts/${contact.id}`).send({ data: { email: 'not an email' } });
      expect(badEmail.status).toBe(400);
      const unknown = await api('put', `/contacts/${contact.id}`).send({ data: { colour: 'red' } }).expect(400);
      expect(unknown.body.error.message).toMatch(/colour/);
      const after = await api('get', `/contacts/${contact.id}`).expect(200);
      expect(after.body.data).toMatchObject({ phone: contact.phone, name: 'Segundo', email: null });
    });

    it('an unknown contact is 404', async () => {
      await api('put', '/contacts/99999999').send({ data: { name: 'Nadie' } }).expect(404);
      await api('get', '/contacts/99999999').expect(404);
    });
  });

  describe('delete', () => {
    it('deletes a contact without history; it is gone from the detail and the list', async () => {
      const contact = await createContact({ phone: uniqueMexicanNumber().e164, name: 'Borrar' });
      const deleted = await api('delete', `/contacts/${contact.documentId}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body.data).toMatchObject({ id: contact.id, phone: contact.phone });
      await api('get', `/contacts/${contact.id}`).expect(404);
      expect(await count(app.strapi, UID.contact, { id: contact.id })).toBe(0);
      const list = await api('get', `/contacts?filters[search]=${encodeURIComponent(contact.phone.slice(-8))}`).expect(200);
      expect(list.body.data).toEqual([]);
      await api('delete', `/contacts/${contact.id}`).expect(404);
    });

    it('a contact with a consent ledger keeps its ledger whatever the delete answers', async () => {
      // Whether such a delete is refused or allowed is the data-integrity rule's to decide; the
      // ledger must never lose a row either way.
      const contact = await createContact({ phone: uniqueMexicanNumber().e164, name: 'Con historia' });
      await api('post', `/contacts/${contact.id}/consent`).send({ data: { purpose: 'marketing', granted: true, method: 'form' } }).expect(201);
      const ledger = await count(app.strapi, UID.consent, { contactId: contact.id });
      expect(ledger).toBe(1);
      // Refused (docs/data.md): erasure anonymises instead of deleting.
      const res = await api('delete', `/contacts/${contact.id}`).expect(409);
      expect(res.body.error.details.errors[0]).toMatchObject({ rule: 'in-use' });
      expect(await count(app.strapi, UID.consent, { contactId: contact.id })).toBe(ledger);
    });
  });

  describe('list filters', () => {
    it('search by name (case-insensitive) or by part of the phone; lead; consent; pagination', async () => {
      // A marker no other contact has, in the names and tags of this test's contacts only.
      const marker = `lf${Date.now().toString(36)}`;
      const lead = await createContact({ phone: uniqueMexicanNumber().e164, name: `Zoe ${marker} Lead`, tags: [`${marker}-a`] });
      await app.strapi.db.query(UID.contact as any).update({ where: { id: lead.id }, data: { isLead: true } });
      const consented = await createContact({ phone: uniqueMexicanNumber().e164, name: `Yago ${marker} Consent`, tags: [`${marker}-b`] });
      await api('post', `/contacts/${consented.id}/consent`).send({ data: { purpose: 'marketing', granted: true, method: 'form' } }).expect(201);
      const plain = await createContact({ phone: uniqueMexicanNumber().e164, name: `Xenia ${marker} Plain`, tags: [`${marker}-a`, `${marker}-b`] });
      const ids = (res: { body: { data: Array<{ id: number }> } }) => res.body.data.map((c) => c.id).sort((a, b) => a - b);
      const sorted = (...values: number[]) => values.sort((a, b) => a - b);
      const search = `filters[search]=${encodeURIComponent(marker.toUpperCase())}`;

      const all = await api('get', `/contacts?${search}&pagination[pageSize]=100`).expect(200);
      expect(ids(all)).toEqual(sorted(lead.id, consented.id, plain.id));
      expect(all.body.meta.pagination).toMatchObject({ total: 3 });

      const byPhone = await api('get', `/contacts?filters[search]=${encodeURIComponent(plain.phone.slice(-8))}`).expect(200);
      expect(ids(byPhone)).toEqual([plain.id]);

      expect(ids(await api('get', `/contacts?${search}&filters[lead]=true`).expect(200))).toEqual([lead.id]);
      expect(ids(await api('get', `/contacts?${search}&filters[lead]=false`).expect(200))).toEqual(sorted(consented.id, plain.id));
      expect(ids(await api('get', `/contacts?${search}&filters[consent]=true`).expect(200))).toEqual([consented.id]);
      expect(ids(await api('get', `/contacts?${search}&filters[consent]=false`).expect(200))).toEqual(sorted(lead.id, plain.id));

      const page1 = await api('get', `/contacts?${search}&pagination[pageSize]=2`).expect(200);
      const page2 = await api('get', `/contacts?${search}&pagination[pageSize]=2&pagination[page]=2`).expect(200);
      expect(page1.body.meta.pagination).toMatchObject({ page: 1, pageSize: 2, total: 3, pageCount: 2 });
      expect(page1.body.data).toHaveLength(2);
      expect(page2.body.data).toHaveLength(1);
      expect(sorted(...ids(page1), ...ids(page2))).toEqual(sorted(lead.id, consented.id, plain.id));
    });

    it('filters by exact tag (a tag that only contains the word does not match)', async () => {
      const marker = `tg${Date.now().toString(36)}`;
      const a = await createContact({ phone: uniqueMexicanNumber().e164, name: 'Con A', tags: [`${marker}-a`] });
      const b = await createContact({ phone: uniqueMexicanNumber().e164, name: 'Con B', tags: [`${marker}-b`, 'vip'] });
      await createContact({ phone: uniqueMexicanNumber().e164, name: 'Casi', tags: [`${marker}-bb`] });
      const both = await createContact({ phone: uniqueMexicanNumber().e164, name: 'Con ambas', tags: [`${marker}-a`, `${marker}-b`] });
      const ids = (res: { body: { data: Array<{ id: number }> } }) => res.body.data.map((c) => c.id).sort((x, y) => x - y);
      expect(ids(await api('get', `/contacts?filters[tag]=${marker}-b`).expect(200))).toEqual([b.id, both.id].sort((x, y) => x - y));
      expect(ids(await api('get', `/contacts?filters[tag]=${marker}-a`).expect(200))).toEqual([a.id, both.id].sort((x, y) => x - y));
    });

    it('a filter that is not a boolean is refused (400)', async () => {
      const res = await api('get', '/contacts?filters[lead]=maybe').expect(400);
      expect(res.body.error.message).toMatch(/lead/);
      await api('get', '/contacts?filters[consent]=1').expect(400);
    });
  });
});
