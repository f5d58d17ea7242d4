/**
 * Contacts imports in the background, over HTTP: a file over WHATSAPP_IMPORT_BACKGROUND_MB (or
 * `?background=true`) answers 202 with the import's address, the shared runner imports it, and its
 * row shows the progress and the final counts; a file without a phone column fails with the
 * reason; small files keep the answer in the request and are listed too; the status routes ask for
 * the import permission; the import rows are history (no write through documents or the Content
 * Manager); a runner stopped mid-import gives it back and the next start imports it.
 */
import os from 'os';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createTestDatabase } from './helpers/database';
import { createAdminJwt, createApiToken, createUserJwt, grantToRole } from './helpers/auth';
import { waitFor } from './helpers/wait';
import { count, UID } from './helpers/whatsapp';

const IMPORT = 'plugin::whatsapp.contact-import';
/** Small batches (and a 1 MB threshold) so a test-sized file takes many batches. */
const ENV = { WHATSAPP_IMPORT_BATCH_SIZE: '50', WHATSAPP_IMPORT_BACKGROUND_MB: '1' };

interface ImportRecord {
  id: number;
  documentId: string;
  status: string;
  rowsRead: number;
  created: number;
  updated: number;
  skipped: number;
  duplicates: number;
  errors: Array<{ row: number; column: string; reason: string }>;
  errorCount: number;
  reason: string | null;
  attempts: number;
  background: boolean;
}

/** A CSV of `n` numbers from `base`, each row padded with a long note (so 2,400 rows pass 1 MB). */
const csvOf = (base: number, n: number, noteLength = 0) => {
  const lines = ['telefono,nombre,consentimiento,notas'];
  for (let i = 0; i < n; i += 1) lines.push(`+52${base + i},Cliente ${i},${i % 3 === 0 ? 'sí' : ''},${'x'.repeat(noteLength)}${i}`);
  return lines;
};
const inRange = (base: number, n: number) => ({ phone: { $gte: `+52${base}`, $lte: `+52${base + n - 1}` } });

describe('contacts import in the background', () => {
  let app: TestApp;
  let token: string;

  const upload = (content: string, query = '', path = '/api/whatsapp/contacts/import', auth = token) =>
    app.http().post(`${path}${query}`).set('Authorization', auth).attach('file', Buffer.from(content, 'utf8'), 'clientes.csv');

  /** Polls the import's address until it is finished; every answer seen on the way is kept. */
  const follow = async (location: string, auth = token) => {
    const seen: ImportRecord[] = [];
    const done = await waitFor(
      async () => {
        const res = await app.http().get(location).set('Authorization', auth).expect(200);
        seen.push(res.body.data);
        return ['completed', 'failed'].includes(res.body.data.status) ? (res.body.data as ImportRecord) : null;
      },
      120_000,
      10
    );
    return { done, seen };
  };

  beforeAll(async () => {
    app = await startStrapi({ env: ENV });
    token = await createApiToken(app.strapi);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('a file over WHATSAPP_IMPORT_BACKGROUND_MB: 202 with its address; the runner imports it, progress visible on the way, exact counts at the end', async () => {
    const base = 5590000000;
    const lines = csvOf(base, 2400, 450);
    // Two bad rows and a repeated number: counted, listed, not written.
    lines.push('12,Corto,,', `+52${base + 5},Repetido,,`, `+52${base + 2400},Zona,quizá,`);
    const csv = lines.join('\n');
    expect(Buffer.byteLength(csv)).toBeGreaterThan(1024 * 1024);

    const res = await upload(csv).expect(202);
    expect(res.body.data).toMatchObject({ status: expect.stringMatching(/^(queued|running)$/), background: true, fileName: 'clientes.csv', fileSize: Buffer.byteLength(csv) });
    expect(res.headers.location).toBe(`/api/whatsapp/contacts/imports/${res.body.data.documentId}`);

    const { done, seen } = await follow(res.headers.location);
    expect(done).toMatchObject({ status: 'completed', rowsRead: 2403, created: 2400, updated: 0, skipped: 2, duplicates: 1, errorCount: 2, reason: null, attempts: 1 });
    expect(done.errors.map((e) => [e.row, e.column])).toEqual([
      [2402, 'telefono'],
      [2404, 'consentimiento'],
    ]);
    // Progress while it ran: the stored counts grew before the end (written per batch, at most once a second).
    const during = seen.filter((s) => s.status === 'running' && s.rowsRead > 0 && s.rowsRead < 2403);
    expect(during.length).toBeGreaterThan(0);
    expect(during[0].created).toBeGreaterThan(0);

    expect(await count(app.strapi, UID.contact, inRange(base, 2400))).toBe(2400);
    expect(await count(app.strapi, UID.consent, inRange(base, 2400))).toBe(800);
    expect(await app.strapi.db.query(UID.contact as any).findOne({ where: { phone: `+52${base + 2399}` } })).toMatchObject({ name: 'Cliente 2399', source: 'csv' });
    // By its row id too.
    await app.http().get(`/api/whatsapp/contacts/imports/${done.id}`).set('Authorization', token).expect(200);
  });

  it('?background=true for a small file; a file without a phone column fails with the reason and writes nothing', async () => {
    const base = 5591000000;
    const ok = await upload(csvOf(base, 120).join('\n'), '?background=true').expect(202);
    const { done } = await follow(ok.headers.location);
    expect(done).toMatchObject({ status: 'completed', created: 120, rowsRead: 120 });

    const before = await count(app.strapi, UID.contact);
    const bad = await upload('nombre,correo\nAna,ana@example.com\n', '?background=true').expect(202);
    const failed = await follow(bad.headers.location);
    expect(failed.done).toMatchObject({ status: 'failed', created: 0 });
    expect(failed.done.reason).toMatch(/no phone column/);
    expect(await count(app.strapi, UID.contact)).toBe(before);

    const wrong = await upload('telefono\n', '?background=maybe').expect(400);
    expect(wrong.body.error.details.errors[0]).toMatchObject({ path: ['background'], rule: 'boolean' });
  });

  it('a small file keeps its answer in the request (200), and every import is in the recent list, newest first', async () => {
    const base = 5592000000;
    const res = await upload(csvOf(base, 30).join('\n')).expect(200);
    expect(res.body.data).toMatchObject({ created: 30, updated: 0, skipped: 0, errors: [] });
    const list = await app.http().get('/api/whatsapp/contacts/imports?pageSize=2').set('Authorization', token).expect(200);
    expect(list.body.meta.pagination).toMatchObject({ page: 1, pageSize: 2 });
    expect(list.body.meta.pagination.total).toBeGreaterThanOrEqual(4);
    expect(list.body.data[0]).toMatchObject({ status: 'completed', background: false, created: 30, rowsRead: 30 });
    expect(list.body.data[0].actor).toMatch(/^token:/);
    expect(list.body.data[0].id).toBeGreaterThan(list.body.data[1].id);
    // The stored file's name, its host and the lease stay inside.
    expect(list.body.data[0]).not.toHaveProperty('storedFile');
    expect(list.body.data[0]).not.toHaveProperty('host');
    expect(list.body.data[0]).not.toHaveProperty('leaseUntil');
  });

  it('the status routes ask for the import permission (REST and admin); the admin imports in the background too', async () => {
    const row = await app.strapi.db.query(IMPORT as any).findOne({ where: {}, orderBy: { id: 'desc' } });
    const user = await createUserJwt(app);
    await grantToRole(app.strapi, 'authenticated', ['plugin::whatsapp.contacts.find']);
    await app.http().get(`/api/whatsapp/contacts/imports/${row.documentId}`).set('Authorization', user).expect(403);
    await app.http().get('/api/whatsapp/contacts/imports').set('Authorization', user).expect(403);
    await grantToRole(app.strapi, 'authenticated', ['plugin::whatsapp.contacts.import']);
    await app.http().get(`/api/whatsapp/contacts/imports/${row.documentId}`).set('Authorization', user).expect(200);

    const role = await app.strapi.service('admin::role').create({ name: 'Inbox only', description: 'no contacts' });
    await app.strapi.service('admin::role').assignPermissions(role.id, [{ action: 'plugin::whatsapp.inbox.read', subject: null, properties: {}, conditions: [] }]);
    const inboxOnly = await createAdminJwt(app, role.code);
    await app.http().get(`/whatsapp/contacts/imports/${row.documentId}`).set('Authorization', inboxOnly).expect(403);
    await app.http().get('/whatsapp/contacts/imports').set('Authorization', inboxOnly).expect(403);

    const admin = await createAdminJwt(app);
    const res = await upload(csvOf(5593000000, 10).join('\n'), '?background=true', '/whatsapp/contacts/import', admin).expect(202);
    expect(res.headers.location).toBe(`/whatsapp/contacts/imports/${res.body.data.documentId}`);
    const { done } = await follow(res.headers.location, admin);
    expect(done).toMatchObject({ status: 'completed', created: 10 });
    await app.http().get(`/whatsapp/contacts/imports/999999`).set('Authorization', admin).expect(404);
  });

  it('import rows are history: no write through the Document Service or the Content Manager, reading is allowed', async () => {
    const row = await app.strapi.db.query(IMPORT as any).findOne({ where: {}, orderBy: { id: 'desc' } });
    const docs = app.strapi.documents(IMPORT as any);
    await expect(docs.create({ data: { state: 'completed', fileName: 'falso.csv' } } as any)).rejects.toThrow(/history/);
    await expect(docs.update({ documentId: row.documentId, data: { state: 'failed' } } as any)).rejects.toThrow(/history/);
    await expect(docs.delete({ documentId: row.documentId } as any)).rejects.toThrow(/history/);
    const admin = await createAdminJwt(app);
    const cm = `/content-manager/collection-types/${IMPORT}`;
    await app.http().get(cm).set('Authorization', admin).expect(200);
    await app.http().post(cm).set('Authorization', admin).send({ state: 'completed' }).expect(403);
    await app.http().put(`${cm}/${row.documentId}`).set('Authorization', admin).send({ created: 1 }).expect(403);
    expect(await app.strapi.db.query(IMPORT as any).findOne({ where: { id: row.id } })).toMatchObject({ state: row.state, created: row.created });
  });

  it('an import left running by a process that died (its lease expired) is failed with the reason when nothing is left to re-run', async () => {
    const knex = app.strapi.db.connection;
    const table = app.strapi.db.metadata.get(IMPORT as any).tableName;
    // As a process killed in the middle of an import answered in its request leaves it.
    const row = await app.strapi.db.query(IMPORT as any).create({ data: { state: 'running', fileName: 'perdido.csv', host: os.hostname(), owner: 'gone:1:abc', attempts: 1 } });
    await knex(table).where({ id: row.id }).update({ lease_until: new Date(Date.now() - 1000) });
    // Any background upload wakes the runner, which finds it.
    const other = await upload(csvOf(5594000000, 5).join('\n'), '?background=true').expect(202);
    await follow(other.headers.location);
    const failed = await waitFor(async () => {
      const res = await app.http().get(`/api/whatsapp/contacts/imports/${row.documentId}`).set('Authorization', token).expect(200);
      return res.body.data.status === 'failed' ? res.body.data : null;
    });
    expect(failed.reason).toMatch(/server stopped during the import/);
  });
});

describe('contacts import in the background: a stop in the middle', () => {
  it('the stopping runner gives the import back; the next start imports the whole file, each number once', async () => {
    const db = await createTestDatabase();
    let app = await startStrapi({ env: ENV, db });
    try {
      const token = await createApiToken(app.strapi);
      const base = 5595000000;
      const n = 3000;
      const res = await app.http().post('/api/whatsapp/contacts/import?background=true').set('Authorization', token).attach('file', Buffer.from(csvOf(base, n).join('\n')), 'grande.csv').expect(202);
      const id = res.body.data.id;
      const row = () => app.strapi.db.query(IMPORT as any).findOne({ where: { id } });
      await waitFor(async () => ((await row()).rowsRead > 0 ? true : null), 60_000, 5);
      await app.stop({ keepDatabase: true });

      app = await startStrapi({ env: ENV, db });
      const done = await waitFor(async () => {
        const r = await row();
        return r.state === 'completed' || r.state === 'failed' ? r : null;
      }, 120_000);
      expect(done).toMatchObject({ state: 'completed', rowsRead: n, skipped: 0, attempts: 1 });
      // Re-run from the start: what the first run wrote counts as updated.
      expect(done.created + done.updated).toBe(n);
      expect(await count(app.strapi, UID.contact, inRange(base, n))).toBe(n);
      expect(await count(app.strapi, UID.consent, inRange(base, n))).toBe(n / 3);
      // The first run had written at least one batch before the stop, unless it had already finished.
      if (done.updated === 0) console.warn('the import had finished before the stop; the give-back path was not exercised');
    } finally {
      await app.stop();
    }
  });
});
