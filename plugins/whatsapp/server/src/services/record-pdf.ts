import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Core, UID as StrapiUID } from '@strapi/strapi';
import { renderPdf, type PdfDocument, type PdfLine } from '../pdf/render';
import { PDF_RECORD_TYPES, wordsIn, type PdfRecordType } from '../pdf/record-types';
import { asciiFileName } from '../lib/file-name';
import { isValidTimeZone, localeOr } from '../lib/locale';
import { getService } from '../utils';
import { whatsappFolderId } from '../utils/media-folder';
import { LOGO_MIMES, type Settings } from './settings';

/**
 * A quote or purchase order as a PDF in the media library, for the automations to send (a quote
 * marked SENT goes to its customer, a purchase order to its supplier).
 *
 * Stored once per version of the record: the version key is a SHA-256 of the content type, the
 * documentId, the record's updatedAt, the settings the document shows (business, logo file,
 * currency, tax rate, time zone), the locale and the layout's version. It is kept in the file's
 * alternativeText, so asking again for an unchanged record returns the file already stored
 * (`created: false`) and an edited record (a new updatedAt) gets a new file. Old versions stay
 * in the library: a PDF already sent to a customer must keep opening.
 */

/** Bump when the layout changes enough that stored documents should be rendered again. */
const LAYOUT_VERSION = 1;
const FILE_UID = 'plugin::upload.file';

interface StoredFile {
  id: number;
  name: string;
  url: string;
  mime: string;
  size: number;
  hash?: string;
  provider?: string;
  alternativeText?: string | null;
}
interface UploadService {
  upload(input: { data: { fileInfo: Record<string, unknown> }; files: Record<string, unknown> }): Promise<StoredFile[]>;
  remove(file: StoredFile): Promise<unknown>;
}

export interface GeneratedPdf {
  /** The media library file's id. */
  fileId: number;
  /** Its file name, e.g. `cotizacion-COT-2026-0042.pdf`. */
  name: string;
  /** False when this version of the record already had its PDF. */
  created: boolean;
}

type Row = Record<string, any>;

const toNumber = (value: unknown): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};

/** `cotizacion-COT-2026-0042.pdf`: ASCII, nothing a path or a header could trip over. */
export const pdfFileName = (type: PdfRecordType, number: string) =>
  `${type.fileName}-${asciiFileName(number).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 100) || 'sin-numero'}.pdf`;

const createRecordPdfService = ({ strapi }: { strapi: Core.Strapi }) => {
  /** Calls for the same version in flight in this process share one render and one upload. */
  const inFlight = new Map<string, Promise<GeneratedPdf>>();

  const uploads = () => strapi.plugin('upload').service('upload') as unknown as UploadService;

  /** The logo's file row and bytes; null (no logo, with a warning) when it cannot be read. */
  const readLogo = async (id: number | null): Promise<{ file: StoredFile; bytes: Buffer } | null> => {
    if (!id) return null;
    const file: StoredFile | null = await strapi.db.query(FILE_UID).findOne({ where: { id } });
    if (!file || !LOGO_MIMES.includes(String(file.mime).toLowerCase())) {
      strapi.log.warn(`[whatsapp] business logo ${id} is not a PNG or JPEG of the media library any more: documents go out without it`);
      return null;
    }
    // The local upload provider keeps files under public/ at their URL; other providers serve
    // them from elsewhere, and a document without its logo beats no document.
    if (/^[a-z]+:\/\//i.test(file.url)) {
      strapi.log.warn(`[whatsapp] business logo ${id} is not stored locally (${file.provider ?? 'unknown provider'}): documents go out without it`);
      return null;
    }
    try {
      return { file, bytes: await fs.readFile(path.join(strapi.dirs.static.public, file.url)) };
    } catch (error) {
      strapi.log.warn(`[whatsapp] business logo ${id} could not be read: ${(error as Error).message}`);
      return null;
    }
  };

  const loadRecord = async (uid: string, type: PdfRecordType, documentId: string): Promise<Row> => {
    const record = await strapi.documents(uid as StrapiUID.ContentType).findOne({
      documentId,
      populate: [type.party.relation, type.lines.component] as never,
    });
    if (!record) throw new Error(`The ${type.noun} ${documentId} does not exist`);
    return record as Row;
  };

  /** What the PDF shows, from the record, its type and the settings; throws naming what is missing. */
  const documentOf = (type: PdfRecordType, record: Row, settings: Settings, locale: string, logo: Buffer | null): PdfDocument => {
    const number = typeof record[type.number] === 'string' ? record[type.number].trim() : '';
    if (!number) throw new Error(`The ${type.noun} has no ${type.number}`);
    const party: Row | null = record[type.party.relation] ?? null;
    if (!party?.name) throw new Error(`The ${type.noun} ${number} has no ${type.party.relation}`);
    if (!settings.businessName) throw new Error('The business name is not set (WhatsApp settings: businessName)');
    const rows: Row[] = Array.isArray(record[type.lines.component]) ? record[type.lines.component] : [];
    const lines: PdfLine[] = rows.map((line) => ({
      description: String(line[type.lines.description] ?? ''),
      quantity: toNumber(line[type.lines.quantity]) ?? 1,
      unitPrice: toNumber(line[type.lines.unitPrice]),
    }));
    return {
      title: wordsIn(type.title, locale),
      number,
      date: new Date(record.updatedAt ?? record.createdAt ?? Date.now()),
      locale,
      currency: settings.currency,
      timeZone: isValidTimeZone(settings.defaultTimeZone) ? settings.defaultTimeZone : null,
      business: { name: settings.businessName, address: settings.businessAddress, taxId: settings.businessTaxId, logo },
      party: { label: wordsIn(type.party.label, locale), name: String(party.name), phone: party.phone ?? null, email: party.email ?? null },
      lines,
      taxRate: settings.taxRate,
      total: toNumber(record[type.total]),
      notes: null,
    };
  };

  /** The version key: what makes this document differ from another (see the top of the file). */
  const versionKey = (uid: string, documentId: string, record: Row, settings: Settings, locale: string, logo: StoredFile | null) =>
    crypto
      .createHash('sha256')
      .update(
        JSON.stringify({
          layout: LAYOUT_VERSION,
          uid,
          documentId,
          updatedAt: new Date(record.updatedAt ?? 0).toISOString(),
          locale,
          business: [settings.businessName, settings.businessAddress, settings.businessTaxId],
          // The file's own hash: a logo replaced in place (same id) is a new logo.
          logo: logo ? [logo.id, logo.hash ?? null, logo.size] : null,
          currency: settings.currency,
          taxRate: settings.taxRate,
          timeZone: settings.defaultTimeZone,
        })
      )
      .digest('hex');

  /** alternativeText of the stored file: readable in the media library, and the key to find it by. */
  const describe = (document: PdfDocument, key: string) => `${document.title} ${document.number} (PDF ${key})`;

  const storedVersions = (alternativeText: string): Promise<StoredFile[]> =>
    strapi.db.query(FILE_UID).findMany({ where: { alternativeText, mime: 'application/pdf' }, orderBy: { id: 'asc' } });

  const store = async (name: string, alternativeText: string, pdf: Buffer): Promise<StoredFile> => {
    const filepath = path.join(os.tmpdir(), `whatsapp-pdf-${crypto.randomUUID()}.pdf`);
    await fs.writeFile(filepath, pdf);
    try {
      const [file] = await uploads().upload({
        data: { fileInfo: { name, caption: null, alternativeText, folder: await whatsappFolderId(strapi) } },
        files: { filepath, originalFilename: name, mimetype: 'application/pdf', size: pdf.length },
      });
      if (!file) throw new Error('The media library stored nothing');
      return file;
    } finally {
      await fs.rm(filepath, { force: true });
    }
  };

  const generate = async (uid: string, documentId: string, options: { locale?: string } = {}): Promise<GeneratedPdf> => {
    const type = Object.prototype.hasOwnProperty.call(PDF_RECORD_TYPES, uid) ? PDF_RECORD_TYPES[uid] : undefined;
    if (!type) throw new Error(`${uid} has no PDF document (PDFs are made for ${Object.keys(PDF_RECORD_TYPES).join(', ')})`);
    if (typeof documentId !== 'string' || !documentId.trim()) throw new Error('A documentId is needed to make a PDF');
    const locale = localeOr(options.locale);
    const record = await loadRecord(uid, type, documentId);
    const settings = await getService('settings').get();
    const logo = await readLogo(settings.businessLogo);
    const document = documentOf(type, record, settings, locale, logo?.bytes ?? null);
    const key = versionKey(uid, documentId, record, settings, locale, logo?.file ?? null);
    const alternativeText = describe(document, key);

    const running = inFlight.get(key);
    if (running) return { ...(await running), created: false };
    const work = (async (): Promise<GeneratedPdf> => {
      const [existing] = await storedVersions(alternativeText);
      if (existing) return { fileId: Number(existing.id), name: existing.name, created: false };
      const file = await store(pdfFileName(type, document.number), alternativeText, await renderPdf(document));
      // Another instance may have stored the same version meanwhile: the oldest stays, ours goes.
      const [first] = await storedVersions(alternativeText);
      if (first && Number(first.id) !== Number(file.id)) {
        await uploads().remove(file);
        return { fileId: Number(first.id), name: first.name, created: false };
      }
      return { fileId: Number(file.id), name: file.name, created: true };
    })();
    inFlight.set(key, work);
    try {
      return await work;
    } finally {
      inFlight.delete(key);
    }
  };

  return {
    /**
     * The PDF of a record (a quote or a purchase order, see pdf/record-types.ts) in the media
     * library's WhatsApp folder: made and stored the first time this version is asked for, the
     * stored file after that. `locale` (BCP 47) sets the language, dates and money; es-MX when
     * absent or invalid. Throws an Error naming what is missing: a type without a PDF, a record
     * that does not exist, one without its number or party, a business without its name.
     */
    generate,
  };
};

export type RecordPdfService = ReturnType<typeof createRecordPdfService>;
export default createRecordPdfService;
