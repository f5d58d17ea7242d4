/**
 * Quote and purchase-order PDFs: the business details are set through PUT /whatsapp/settings
 * (checked and audited like every setting), then the record-pdf service renders a real quote of
 * the host app, stores it in the media library's WhatsApp folder once per version of the record,
 * and the stored file reads back with the quote's number, customer and total.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import sharp from 'sharp';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt } from './helpers/auth';
import { UID } from './helpers/whatsapp';
import { pdfText } from '../plugins/whatsapp/server/src/pdf/test-support/pdf-text';

const FILE_UID = 'plugin::upload.file';
const QUOTE = 'api::quote.quote';
const PURCHASE_ORDER = 'api::purchase-order.purchase-order';

describe('quote and purchase-order PDFs', () => {
  let app: TestApp;
  let admin: string;

  const putSettings = (data: Record<string, unknown>) => app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data });
  const settingsRow = () => app.strapi.db.query(UID.setting as any).findOne({});
  const auditCount = () => app.strapi.db.query(UID.auditEntry as any).count({});
  const fileRow = (id: number) => app.strapi.db.query(FILE_UID as any).findOne({ where: { id }, populate: ['folder'] });
  const generate = (uid: string, documentId: string, options?: { locale?: string }) => app.strapi.plugin('whatsapp').service('recordPdf').generate(uid, documentId, options);
  /** The stored file's text as a PDF reader extracts it; no-break spaces as plain ones. */
  const storedText = async (fileId: number) => {
    const file = await fileRow(fileId);
    const text = await pdfText(fs.readFileSync(path.join(app.strapi.dirs.static.public, file.url)));
    return { ...text, text: text.text.replace(/\u00a0/g, ' ') };
  };

  /** A file in the media library, as staff would upload it. */
  const upload = async (name: string, bytes: Buffer, mimetype: string) => {
    const filepath = path.join(os.tmpdir(), `record-pdf-test-${Date.now()}-${name}`);
    fs.writeFileSync(filepath, bytes);
    try {
      const [file] = await app.strapi.plugin('upload').service('upload').upload({
        data: { fileInfo: { name } },
        files: { filepath, originalFilename: name, mimetype, size: bytes.length },
      });
      return file;
    } finally {
      fs.rmSync(filepath, { force: true });
    }
  };

  beforeAll(async () => {
    app = await startStrapi();
    admin = await createAdminJwt(app);
  });
  afterAll(async () => {
    // Files this suite put under public/uploads go with it.
    if (app) {
      const files = await app.strapi.db.query(FILE_UID as any).findMany({});
      for (const file of files) await app.strapi.plugin('upload').service('upload').remove(file);
    }
    await app?.stop();
  });

  describe('business settings', () => {
    it('defaults to Mexican pesos and 16 % tax, with no business details', async () => {
      const res = await app.http().get('/whatsapp/settings').set('Authorization', admin).expect(200);
      expect(res.body.data).toMatchObject({ businessName: null, businessAddress: null, businessTaxId: null, businessLogo: null, currency: 'MXN', taxRate: 16 });
    });

    it('refuses bad values naming the field and the rule, writing and auditing nothing', async () => {
      const before = await settingsRow();
      const audited = await auditCount();
      const pdf = await upload('contrato.pdf', Buffer.from('%PDF-1.4\n%%EOF\n'), 'application/pdf');
      const cases: Array<[Record<string, unknown>, number, string, string]> = [
        [{ businessName: 'x'.repeat(121) }, 400, 'businessName', 'max'],
        [{ businessAddress: 'x'.repeat(501) }, 400, 'businessAddress', 'max'],
        [{ businessTaxId: 'x'.repeat(41) }, 400, 'businessTaxId', 'max'],
        [{ businessName: ['Taller'] }, 400, 'businessName', 'string'],
        [{ currency: 'XYZ' }, 400, 'currency', 'currency'],
        [{ currency: 'pesos' }, 400, 'currency', 'format'],
        [{ currency: null }, 400, 'currency', 'type'],
        [{ taxRate: 101 }, 400, 'taxRate', 'max'],
        [{ taxRate: -1 }, 400, 'taxRate', 'min'],
        [{ taxRate: 'IVA' }, 400, 'taxRate', 'type'],
        [{ taxRate: 16.125 }, 400, 'taxRate', 'decimals'],
        [{ businessLogo: 1.5 }, 400, 'businessLogo', 'integer'],
        [{ businessLogo: 0 }, 400, 'businessLogo', 'min'],
        [{ businessLogo: 2_000_000_000 }, 422, 'businessLogo', 'not-found'],
        [{ businessLogo: pdf.id }, 422, 'businessLogo', 'image-type'],
        // One bad field refuses the whole change: the good one beside it is not written either.
        [{ businessName: 'Taller Núñez', taxRate: 200 }, 400, 'taxRate', 'max'],
      ];
      for (const [data, status, field, rule] of cases) {
        const res = await putSettings(data);
        expect({ data, status: res.status }).toEqual({ data, status });
        expect(res.body.error.details.errors[0]).toMatchObject({ path: [field], rule });
        expect(res.body.error.message).toContain(field);
      }
      expect(await settingsRow()).toEqual(before);
      expect(await auditCount()).toBe(audited);
    });

    it('stores the business details, audited; a currency in lower case is taken in upper case; null clears the tax', async () => {
      const audited = await auditCount();
      const res = await putSettings({ businessName: '  Taller Mecánico Núñez ', businessTaxId: 'TMN010101AB1', currency: 'cop', taxRate: null }).expect(200);
      expect(res.body.data).toMatchObject({ businessName: 'Taller Mecánico Núñez', businessTaxId: 'TMN010101AB1', currency: 'COP', taxRate: null });
      const [entry] = await app.strapi.db.query(UID.auditEntry as any).findMany({ orderBy: { id: 'desc' }, limit: 1 });
      expect(entry).toMatchObject({
        action: 'settings.update',
        before: { businessName: null, businessTaxId: null, currency: 'MXN', taxRate: 16 },
        after: { businessName: 'Taller Mecánico Núñez', businessTaxId: 'TMN010101AB1', currency: 'COP', taxRate: null },
      });
      // The same values again change nothing and audit nothing.
      await putSettings({ businessName: 'Taller Mecánico Núñez', currency: 'COP', taxRate: null }).expect(200);
      expect(await auditCount()).toBe(audited + 1);
      // Read back from the row (cache cleared), not only from the answer.
      app.strapi.plugin('whatsapp').service('settings').clearCache();
      expect(await app.strapi.plugin('whatsapp').service('settings').get()).toMatchObject({ currency: 'COP', taxRate: null });
      await putSettings({ currency: 'MXN', taxRate: 16, businessTaxId: '' }).expect(200);
      expect((await settingsRow()).businessTaxId).toBeNull();
    });

    it('gives a row from before these settings their defaults at boot (16 %, not "no tax")', async () => {
      const row = await settingsRow();
      const settings = app.strapi.plugin('whatsapp').service('settings');
      // As an older version left it: the new columns empty.
      await app.strapi.db.query(UID.setting as any).update({ where: { id: row.id }, data: { currency: null, taxRate: null } });
      settings.clearCache();
      expect(await settings.get()).toMatchObject({ currency: 'MXN', taxRate: 16 });
      await settings.init();
      expect(await settingsRow()).toMatchObject({ currency: 'MXN', taxRate: 16 });
      // From then on a null tax rate is the administrator's "no tax".
      await putSettings({ taxRate: null }).expect(200);
      await settings.init();
      settings.clearCache();
      expect(await settings.get()).toMatchObject({ currency: 'MXN', taxRate: null });
      await putSettings({ taxRate: 16 }).expect(200);
    });
  });

  describe('record-pdf', () => {
    let customer: any;
    let quote: any;
    let logo: any;

    beforeAll(async () => {
      logo = await upload('logo.png', await sharp({ create: { width: 120, height: 60, channels: 3, background: '#1f6f43' } }).png().toBuffer(), 'image/png');
      await putSettings({
        businessName: 'Taller Mecánico Núñez',
        businessAddress: 'Av. Insurgentes Sur 1234, Ciudad de México',
        businessTaxId: 'TMN010101AB1',
        businessLogo: logo.id,
        currency: 'MXN',
        taxRate: 16,
      }).expect(200);
      customer = await app.strapi.documents('api::customer.customer' as any).create({ data: { name: 'José Peña Ibáñez', phone: '+5215512345678', email: 'jose@example.com' } });
      quote = await app.strapi.documents(QUOTE as any).create({
        data: {
          number: 'COT-2026-0042',
          customer: customer.documentId,
          lines: [
            { description: 'Cambio de aceite sintético', quantity: 1, unitPrice: 600 },
            { description: 'Filtro de aceite', quantity: 2, unitPrice: 200 },
          ],
          total: 1160,
        },
      });
    });

    it('renders the quote into the WhatsApp folder of the media library, once per version', async () => {
      const first = await generate(QUOTE, quote.documentId);
      expect(first).toEqual({ fileId: expect.any(Number), name: 'cotizacion-COT-2026-0042.pdf', created: true });

      const file = await fileRow(first.fileId);
      expect(file).toMatchObject({ mime: 'application/pdf', ext: '.pdf', name: 'cotizacion-COT-2026-0042.pdf' });
      expect(file.folder?.name).toBe('WhatsApp');
      const { text, pages } = await storedText(first.fileId);
      expect(pages).toBe(1);
      for (const expected of ['Taller Mecánico Núñez', 'RFC: TMN010101AB1', 'Cotización', 'COT-2026-0042', 'CLIENTE', 'José Peña Ibáñez', 'Cambio de aceite sintético', 'Subtotal $1,000.00', 'IVA 16 % $160.00', 'Total $1,160.00']) {
        expect(text).toContain(expected);
      }
      // The logo is drawn: an image object in the file.
      expect(fs.readFileSync(path.join(app.strapi.dirs.static.public, file.url)).includes('/Subtype /Image')).toBe(true);

      // The same version again: the stored file, nothing new in the library.
      const files = await app.strapi.db.query(FILE_UID as any).count({});
      expect(await generate(QUOTE, quote.documentId)).toEqual({ fileId: first.fileId, name: first.name, created: false });
      // At the same time: still one file.
      const both = await Promise.all([generate(QUOTE, quote.documentId), generate(QUOTE, quote.documentId)]);
      expect(both.map((r) => r.fileId)).toEqual([first.fileId, first.fileId]);
      expect(await app.strapi.db.query(FILE_UID as any).count({})).toBe(files);
    });

    it('makes a new file when the quote changes, and keeps the one already sent', async () => {
      const before = await generate(QUOTE, quote.documentId);
      // updatedAt has millisecond precision: make sure the edit lands on a later one.
      await new Promise((resolve) => setTimeout(resolve, 10));
      await app.strapi.documents(QUOTE as any).update({ documentId: quote.documentId, data: { total: 1276 } as any });
      const after = await generate(QUOTE, quote.documentId);
      expect(after).toMatchObject({ name: 'cotizacion-COT-2026-0042.pdf', created: true });
      expect(after.fileId).not.toBe(before.fileId);
      expect((await storedText(after.fileId)).text).toContain('Total $1,276.00');
      expect((await storedText(before.fileId)).text).toContain('Total $1,160.00');
      expect(await generate(QUOTE, quote.documentId)).toMatchObject({ fileId: after.fileId, created: false });
    });

    it('makes a new file when the business details it shows change, and in another language', async () => {
      const before = await generate(QUOTE, quote.documentId);
      await putSettings({ businessName: 'Taller Núñez e Hijos' }).expect(200);
      const renamed = await generate(QUOTE, quote.documentId);
      expect(renamed.created).toBe(true);
      expect((await storedText(renamed.fileId)).text).toContain('Taller Núñez e Hijos');
      // A setting the document does not show makes no new file.
      await putSettings({ quietHoursStart: '21:00', quietHoursEnd: '08:00' }).expect(200);
      expect(await generate(QUOTE, quote.documentId)).toMatchObject({ fileId: renamed.fileId, created: false });

      const english = await generate(QUOTE, quote.documentId, { locale: 'en-US' });
      expect(english.created).toBe(true);
      const { text } = await storedText(english.fileId);
      expect(text).toContain('Quote');
      expect(text).toContain('CUSTOMER');
      expect(text).toContain('Tax 16%');
      expect(before.fileId).not.toBe(renamed.fileId);
    });

    it('renders a purchase order for its supplier', async () => {
      const supplier = await app.strapi.documents('api::supplier.supplier' as any).create({ data: { name: 'Refacciones del Bajío', phone: '+524771234567' } });
      const order = await app.strapi.documents(PURCHASE_ORDER as any).create({
        data: { number: 'OC-2026/0007', supplier: supplier.documentId, lines: [{ description: 'Balatas delanteras', quantity: 4, unitPrice: 350.5 }] },
      });
      const result = await generate(PURCHASE_ORDER, order.documentId);
      expect(result).toMatchObject({ name: 'orden-de-compra-OC-2026-0007.pdf', created: true });
      const { text } = await storedText(result.fileId);
      for (const expected of ['Orden de compra', 'OC-2026/0007', 'PROVEEDOR', 'Refacciones del Bajío', 'Balatas delanteras 4 $350.50 $1,402.00', 'IVA 16 % $224.32', 'Total $1,626.32']) {
        expect(text).toContain(expected);
      }
    });

    it('says what is missing: a type without a PDF, a record that does not exist, a quote without customer', async () => {
      await expect(generate('api::vehicle.vehicle', quote.documentId)).rejects.toThrow('api::vehicle.vehicle has no PDF document');
      await expect(generate(QUOTE, 'no-such-document')).rejects.toThrow('The quote no-such-document does not exist');
      const orphan = await app.strapi.documents(QUOTE as any).create({ data: { number: 'COT-2026-0099', lines: [] } });
      await expect(generate(QUOTE, orphan.documentId)).rejects.toThrow('The quote COT-2026-0099 has no customer');
      await putSettings({ businessName: null }).expect(200);
      try {
        await expect(generate(QUOTE, quote.documentId)).rejects.toThrow('The business name is not set');
      } finally {
        await putSettings({ businessName: 'Taller Mecánico Núñez' }).expect(200);
      }
    });
  });
});
