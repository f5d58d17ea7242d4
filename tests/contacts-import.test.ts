/**
 * Contacts import (CSV and XLSX) over HTTP: encodings (UTF-8 with BOM, Windows-1252), `;`
 * delimiters, quoted fields, CRLF, blank lines, bad rows reported and not written, duplicate
 * phones (the later row wins), consent to the ledger, extra columns into `fields`, updates, the
 * missing phone column (400) and the size limit (413), a spreadsheet, the sample, and 20,000 rows.
 */
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { count, UID } from './helpers/whatsapp';
import { uniqueMexicanNumber } from './helpers/factories';

const contactByPhone = (app: TestApp, phone: string) => app.strapi.db.query(UID.contact as any).findOne({ where: { phone } });

describe('contacts import', () => {
  let app: TestApp;
  let token: string;

  const upload = (content: Buffer | string, name = 'contactos.csv', path = '/api/whatsapp/contacts/import', auth = token) =>
    app
      .http()
      .post(path)
      .set('Authorization', auth)
      .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), name);

  beforeAll(async () => {
    app = await startStrapi();
    token = await createApiToken(app.strapi);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('UTF-8 with BOM, Spanish headers: creates contacts with tags, time zone, email, locale and extra columns in `fields`', async () => {
    const [a, b] = [uniqueMexicanNumber(), uniqueMexicanNumber()];
    const csv = `\uFEFFTeléfono,Nombre,Etiquetas,Zona horaria,Correo,Idioma,Placa\n${a.national},José Núñez,cliente|taller,America/Mexico_City,jose@example.com,es-MX,ABC-123\n${b.e164},Ana,"vip, feria",,,,\n`;
    const res = await upload(csv).expect(200);
    expect(res.body.data).toMatchObject({ created: 2, updated: 0, skipped: 0, errors: [] });
    const contact = await app.http().get(`/api/whatsapp/contacts/${(await contactByPhone(app, a.e164)).id}`).set('Authorization', token).expect(200);
    expect(contact.body.data).toMatchObject({
      phone: a.e164,
      name: 'José Núñez',
      tags: ['cliente', 'taller'],
      timeZone: 'America/Mexico_City',
      email: 'jose@example.com',
      locale: 'es-MX',
      source: 'csv',
      fields: { Placa: 'ABC-123' },
      marketingConsent: false,
    });
    expect((await contactByPhone(app, b.e164)).tags).toEqual(['vip', 'feria']);
  });

  it('`;` delimiter, Windows-1252 bytes, CRLF, blank lines, quoted fields with delimiters, newlines and quotes', async () => {
    const [a, b, c] = [uniqueMexicanNumber(), uniqueMexicanNumber(), uniqueMexicanNumber()];
    const text = [
      'celular;nombre;dirección;notas',
      `${a.national};José Núñez;"Calle 5; Col. Centro";"dijo ""hola"""`,
      '',
      `${b.national};"Peña
Ibáñez";Av. Juárez 10;`,
      '   ',
      `${c.national};Óscar;;"línea 1, línea 2"`,
      '',
    ].join('\r\n');
    const bytes = iconv.encode(text, 'win1252');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const res = await upload(bytes).expect(200);
    expect(res.body.data).toMatchObject({ created: 3, skipped: 0, errors: [] });
    expect(await contactByPhone(app, a.e164)).toMatchObject({ name: 'José Núñez', fields: { dirección: 'Calle 5; Col. Centro', notas: 'dijo "hola"' } });
    expect(await contactByPhone(app, b.e164)).toMatchObject({ name: 'Peña\nIbáñez', fields: { dirección: 'Av. Juárez 10' } });
    expect(await contactByPhone(app, c.e164)).toMatchObject({ name: 'Óscar', fields: { notas: 'línea 1, línea 2' } });
  });

  it('bad rows are reported with the row as Excel numbers it, the column and the reason, and nothing of them is written', async () => {
    const good = uniqueMexicanNumber();
    const bad = [uniqueMexicanNumber(), uniqueMexicanNumber(), uniqueMexicanNumber()];
    const csv = [
      'phone,name,timezone,consent,email',
      '12,Corto,,,',
      `${good.e164},Bueno,America/Bogota,,`,
      `${bad[0].e164},Zona,Mars/Olympus,,`,
      '',
      `${bad[1].e164},Consiente,,quizá,`,
      `${bad[2].e164},Correo,,sí,no-es-correo`,
      ',Sin teléfono,,,',
    ].join('\n');
    const before = await count(app.strapi, UID.consent);
    const res = await upload(csv).expect(200);
    expect(res.body.data).toMatchObject({ created: 1, updated: 0, skipped: 5, errorCount: 5 });
    const errors = res.body.data.errors as Array<{ row: number; column: string; reason: string }>;
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'phone'],
      [4, 'timezone'],
      [6, 'consent'],
      [7, 'email'],
      [8, 'phone'],
    ]);
    expect(errors[1].reason).toMatch(/Mars\/Olympus/);
    for (const n of bad) expect(await contactByPhone(app, n.e164)).toBeNull();
    expect(await count(app.strapi, UID.consent)).toBe(before);
    expect(await contactByPhone(app, good.e164)).toMatchObject({ name: 'Bueno', timeZone: 'America/Bogota' });
  });

  it('duplicate phones in the file: one contact, the later row wins (its values over the earlier ones), counted in `duplicates`', async () => {
    const n = uniqueMexicanNumber();
    const csv = `telefono,nombre,etiquetas,color\n${n.national},Primero,a,rojo\n${n.e164},Segundo,b,\n`;
    const res = await upload(csv).expect(200);
    expect(res.body.data).toMatchObject({ created: 1, updated: 0, skipped: 0, duplicates: 1 });
    expect(await count(app.strapi, UID.contact, { phone: n.e164 })).toBe(1);
    expect(await contactByPhone(app, n.e164)).toMatchObject({ name: 'Segundo', tags: ['a', 'b'], fields: { color: 'rojo' } });
  });

  it('consent yes: a ledger entry (marketing, csv, with the evidence); an unchanged consent writes no entry; no revokes through the ledger', async () => {
    const [a, b] = [uniqueMexicanNumber(), uniqueMexicanNumber()];
    const csv = `phone,consentimiento,evidencia\n${a.e164},Sí,Formulario firmado 2026-01-15\n${b.e164},1,\n`;
    await upload(csv).expect(200);
    const contact = await contactByPhone(app, a.e164);
    expect(contact.marketingConsent).toBe(true);
    const ledger = await app.strapi.db.query(UID.consent as any).findMany({ where: { contactId: contact.id } });
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ purpose: 'marketing', granted: true, method: 'csv', evidence: 'Formulario firmado 2026-01-15', phone: a.e164 });
    expect(ledger[0].actor).toMatch(/^token:/);
    const other = await contactByPhone(app, b.e164);
    const otherLedger = await app.strapi.db.query(UID.consent as any).findMany({ where: { contactId: other.id } });
    expect(otherLedger[0].evidence).toMatch(/contactos\.csv.*fila 3/);

    // Again yes: no change, no entry. Then no: revoked, one more entry.
    await upload(`phone,consent\n${a.e164},yes\n`).expect(200);
    expect(await count(app.strapi, UID.consent, { contactId: contact.id })).toBe(1);
    await upload(`phone,consent\n${a.e164},no\n`).expect(200);
    expect(await count(app.strapi, UID.consent, { contactId: contact.id })).toBe(2);
    expect(await contactByPhone(app, a.e164)).toMatchObject({ marketingConsent: false });
    expect((await contactByPhone(app, a.e164)).optedOutAt).toBeTruthy();
  });

  it('updates an existing contact: given values replace, empty cells leave values, tags are added, fields merged', async () => {
    const n = uniqueMexicanNumber();
    const created = await app
      .http()
      .post('/api/whatsapp/contacts')
      .set('Authorization', token)
      .send({ data: { phone: n.e164, name: 'Antes', email: 'antes@example.com', tags: ['vip'], fields: { placa: 'OLD-1', color: 'azul' } } })
      .expect(201);
    expect(created.body.data.fields).toEqual({ placa: 'OLD-1', color: 'azul' });
    const res = await upload(`phone,name,email,tags,placa\n${n.national},Después,,taller,NEW-2\n`).expect(200);
    expect(res.body.data).toMatchObject({ created: 0, updated: 1, skipped: 0 });
    const after = await app.http().get(`/api/whatsapp/contacts/${created.body.data.documentId}`).set('Authorization', token).expect(200);
    expect(after.body.data).toMatchObject({ name: 'Después', email: 'antes@example.com', tags: ['vip', 'taller'], fields: { placa: 'NEW-2', color: 'azul' }, source: 'api' });
  });

  it('no phone column: 400 naming `file` and the rule `phone-column`, nothing written', async () => {
    const before = await count(app.strapi, UID.contact);
    const res = await upload('nombre,correo\nAna,ana@example.com\n').expect(400);
    expect(res.body.error.details.errors[0]).toMatchObject({ path: ['file'], rule: 'phone-column' });
    expect(await count(app.strapi, UID.contact)).toBe(before);
    const missing = await app.http().post('/api/whatsapp/contacts/import').set('Authorization', token).send({ data: {} }).expect(400);
    expect(JSON.stringify(missing.body.error)).toMatch(/file/);
  });

  it('an .xlsx file (first sheet): numbers as phones, rich cells as text, rows numbered as in Excel', async () => {
    const [a, b] = [uniqueMexicanNumber(), uniqueMexicanNumber()];
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Clientes');
    sheet.addRow(['Teléfono', 'Nombre', 'Etiquetas', 'Consentimiento', 'Placa']);
    sheet.addRow([Number(a.e164.slice(1)), 'José Núñez', 'cliente|taller', 'sí', 'ABC-123']);
    sheet.addRow([]);
    sheet.addRow([b.national, 'María', '', '', 42]);
    sheet.addRow(['no es número', 'Mal', '', '', '']);
    workbook.addWorksheet('Otra').addRow(['phone']);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const res = await upload(buffer, 'clientes.xlsx').expect(200);
    expect(res.body.data).toMatchObject({ created: 2, skipped: 1 });
    expect(res.body.data.errors).toEqual([expect.objectContaining({ row: 5, column: 'Teléfono' })]);
    expect(await contactByPhone(app, a.e164)).toMatchObject({ name: 'José Núñez', tags: ['cliente', 'taller'], marketingConsent: true, fields: { Placa: 'ABC-123' } });
    expect(await contactByPhone(app, b.e164)).toMatchObject({ name: 'María', fields: { Placa: '42' } });
  });

  it('the sample: a CSV attachment that imports as it is; the admin API imports too', async () => {
    const res = await app.http().get('/api/whatsapp/contacts/import/sample').set('Authorization', token).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="contactos-ejemplo.csv"');
    expect(res.text).toMatch(/telefono,nombre,etiquetas,consentimiento/);
    const admin = await createAdminJwt(app);
    const adminSample = await app.http().get('/whatsapp/contacts/import/sample').set('Authorization', admin).expect(200);
    const imported = await upload(Buffer.from(adminSample.text, 'utf8'), 'contactos-ejemplo.csv', '/whatsapp/contacts/import', admin).expect(200);
    expect(imported.body.data).toMatchObject({ skipped: 0, errors: [] });
    expect(imported.body.data.created + imported.body.data.updated).toBe(3);
    expect(await contactByPhone(app, '+525512345678')).toMatchObject({ name: 'José Núñez', marketingConsent: true, fields: { placa: 'ABC-123-A' } });
    const ledger = await app.strapi.db.query(UID.consent as any).findMany({ where: { phone: '+525512345678' } });
    expect(ledger[0].actor).toMatch(/^user:/);
  });

  it('20,000 rows import correctly (batched), within a generous bound', async () => {
    const base = 5570000000;
    const lines = ['telefono,nombre,etiquetas,consentimiento,placa'];
    for (let i = 0; i < 20_000; i += 1) lines.push(`+52${base + i},Cliente ${i},lote|feria,${i % 2 ? 'sí' : ''},P-${i}`);
    const started = Date.now();
    const res = await upload(lines.join('\n'), 'grande.csv').expect(200);
    const ms = Date.now() - started;
    console.log(`contacts import: 20,000 rows in ${ms} ms (${app.strapi.db.dialect.client})`);
    expect(res.body.data).toMatchObject({ created: 20_000, updated: 0, skipped: 0, errors: [] });
    // Exactly this file's range (other tests' numbers may share a prefix; same length, so text order is number order).
    const range = { phone: { $gte: `+52${base}`, $lte: `+52${base + 19_999}` } };
    expect(await count(app.strapi, UID.contact, range)).toBe(20_000);
    expect(await count(app.strapi, UID.consent, range)).toBe(10_000);
    expect(await contactByPhone(app, `+52${base + 19_999}`)).toMatchObject({ name: 'Cliente 19999', marketingConsent: true, fields: { placa: 'P-19999' } });
    expect(ms).toBeLessThan(30_000);
  });
});

describe('contacts import: the size limit (WHATSAPP_IMPORT_MAX_MB=1)', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startStrapi({ env: { WHATSAPP_IMPORT_MAX_MB: '1' } });
    token = await createApiToken(app.strapi);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('a larger file: 413 naming `file` and `max-size`, nothing written', async () => {
    const lines = ['telefono,nombre'];
    let size = lines[0].length;
    for (let i = 0; size < 1.5 * 1024 * 1024; i += 1) size += lines[lines.push(`+52${5580000000 + i},Cliente con un nombre largo ${i}`) - 1].length + 1;
    const before = await count(app.strapi, UID.contact);
    const res = await app.http().post('/api/whatsapp/contacts/import').set('Authorization', token).attach('file', Buffer.from(lines.join('\n')), 'grande.csv').expect(413);
    expect(res.body.error.details.errors[0]).toMatchObject({ path: ['file'], rule: 'max-size' });
    expect(await count(app.strapi, UID.contact)).toBe(before);
  });
});
