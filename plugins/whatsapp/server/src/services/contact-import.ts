import type { Core } from '@strapi/strapi';
import type { CountryCode } from 'libphonenumber-js';
import { UID } from '../constants';
import { getService } from '../utils';
import { readConfig } from '../config';
import { RuleError } from '../utils/errors';
import { isUniqueViolation } from '../utils/db-errors';
import { csvRows, FileReadError, fileKind, isBlank, mapHeader, readRow, xlsxRows, type ImportRow, type RowError, type SheetRow } from '../lib/contact-import';
import type { Contact } from './contacts';
import type { ConsentChange } from './consent';

/** Errors listed in the answer; the rest are counted (`errorCount`). */
export const MAX_LISTED_ERRORS = 200;

export interface ImportFile {
  path: string;
  name?: string | null;
  mime?: string | null;
}

export interface ImportResult {
  /** Contacts created. */
  created: number;
  /** Contacts that existed before the import and were updated. */
  updated: number;
  /** Rows not written: each has at least one entry in `errors`. */
  skipped: number;
  /** Rows whose phone an earlier row of the file already had: the later row wins (applied over it). */
  duplicates: number;
  /** Data rows read (blank rows not counted). */
  rows: number;
  /** The first MAX_LISTED_ERRORS problems, `row` as the spreadsheet numbers it (header = 1). */
  errors: RowError[];
  /** Every problem, listed or not. */
  errorCount: number;
  /** Bytes of the file read so far (a progress measure for background imports; not in the answer). */
  bytesRead?: number;
}

export interface ImportOptions {
  /** Who imports (`user:ana@example.com`, `token:crm`): kept on consent ledger entries. */
  actor?: string | null;
  /** Called after each batch is written, with the running totals (the import's row). */
  onProgress?: (result: ImportResult) => void | Promise<void>;
  /**
   * Asked between batches: true stops the import (ImportStopped), what was written stays (a
   * runner stopping; the import is re-run from the start later, which is idempotent per phone).
   */
  shouldStop?: () => boolean;
}

/** Thrown between batches when `shouldStop` says so. */
export class ImportStopped extends Error {
  constructor() {
    super('The import was stopped before the end of the file');
    this.name = 'ImportStopped';
  }
}

/** The pending write for one phone in a batch; later rows of the same phone are applied over it. */
type Pending = Omit<ImportRow, 'row' | 'consentEvidence'> & { consentRow?: number; consentEvidence?: string; rows: number[] };

/** Why a row of a number whose owner's data was erased is not imported (the number is not repeated). */
export const ERASED_ROW_REASON = 'this number belongs to a person whose data was erased at their request: it is not imported, and stays blocked until they give consent again';

const merge = (into: Pending | undefined, row: ImportRow, fileName: string): Pending => {
  const next: Pending = { ...(into ?? { phone: row.phone, rows: [] }) };
  next.rows = [...next.rows, row.row];
  for (const key of ['name', 'email', 'locale', 'timeZone'] as const) if (row[key] !== undefined) next[key] = row[key];
  if (row.tags) next.tags = [...new Set([...(next.tags ?? []), ...row.tags])];
  if (row.fields) next.fields = { ...(next.fields ?? {}), ...row.fields };
  if (row.consent !== undefined) {
    next.consent = row.consent;
    next.consentRow = row.row;
    next.consentEvidence = row.consentEvidence ?? `Importación de contactos: ${fileName}, fila ${row.row}`;
  }
  return next;
};

const jsonOf = (value: unknown) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
};

/**
 * Contacts from a CSV or XLSX file: read streaming, each row checked whole (a bad row is
 * reported with its row, column and reason, and nothing of it is written), the good ones written
 * in batches. Consent changes go to the ledger (consent service), never straight to the columns.
 */
const createContactImportService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async importFile(file: ImportFile, options: ImportOptions = {}): Promise<ImportResult> {
    const { defaultCountry } = await getService('settings').get();
    const country = defaultCountry as CountryCode;
    const kind = await fileKind(file.path, file.name, file.mime);
    const rows: AsyncGenerator<SheetRow> = kind === 'xlsx' ? xlsxRows(file.path) : csvRows(file.path);
    const fileName = file.name ?? (kind === 'xlsx' ? 'archivo.xlsx' : 'archivo.csv');
    // Rows written per batch (WHATSAPP_IMPORT_BATCH_SIZE): one lookup, one bulk insert, the updates, the consent entries.
    const batchSize = readConfig().contactImport.batchSize;
    const result: ImportResult = { created: 0, updated: 0, skipped: 0, duplicates: 0, rows: 0, errors: [], errorCount: 0 };
    const seen = new Set<string>();
    /** Phones written by this import: a later batch's update of one is not an update of an existing contact. */
    const written = new Set<string>();
    let batch = new Map<string, Pending>();
    let header: ReturnType<typeof mapHeader> | null = null;

    const report = (errors: RowError[]) => {
      for (const error of errors) {
        result.errorCount += 1;
        if (result.errors.length < MAX_LISTED_ERRORS) result.errors.push(error);
      }
    };

    const phoneHeader = () => header?.columns.find((c) => c?.known === 'phone')?.header ?? 'phone';

    const flush = async () => {
      if (!batch.size) return;
      const pending = batch;
      batch = new Map();
      // An erased person is not brought back by a file: their rows are skipped, and reported.
      for (const phone of await getService('privacy').blockedAmong([...pending.keys()])) {
        const rows = pending.get(phone)?.rows ?? [];
        pending.delete(phone);
        result.skipped += rows.length;
        report(rows.map((row) => ({ row, column: phoneHeader(), reason: ERASED_ROW_REASON })));
      }
      await this.writeBatch(pending, written, result, options.actor ?? null);
      await options.onProgress?.(result);
      if (options.shouldStop?.()) throw new ImportStopped();
    };

    try {
      for await (const { row, cells, bytesRead } of rows) {
        if (bytesRead !== undefined) result.bytesRead = bytesRead;
        if (!header) {
          if (isBlank(cells)) continue;
          header = mapHeader(cells);
          if (!header.hasPhone) {
            throw new RuleError(
              'file',
              'phone-column',
              'The file has no phone column: the first row must name the columns, one of them phone (teléfono, celular, whatsapp)',
              400
            );
          }
          continue;
        }
        if (isBlank(cells)) continue;
        result.rows += 1;
        const { value, errors } = readRow(cells, header, row, country);
        if (!value) {
          result.skipped += 1;
          report(errors ?? []);
          continue;
        }
        if (seen.has(value.phone)) result.duplicates += 1;
        else seen.add(value.phone);
        batch.set(value.phone, merge(batch.get(value.phone), value, fileName));
        if (batch.size >= batchSize) await flush();
      }
    } catch (error) {
      if (error instanceof FileReadError) throw new RuleError('file', 'unreadable', error.message, 400);
      throw error;
    } finally {
      await rows.return(undefined);
    }
    if (!header) throw new RuleError('file', 'phone-column', 'The file is empty: the first row must name the columns, one of them phone', 400);
    await flush();
    const { bytesRead: _read, ...answer } = result;
    return answer;
  },

  /**
   * One batch: the existing contacts looked up in one query, the new ones inserted in bulk, the
   * existing ones updated, then the consent changes recorded in the ledger. One transaction;
   * retried once when another writer created one of the numbers in the meantime.
   */
  async writeBatch(pending: Map<string, Pending>, written: Set<string>, result: ImportResult, actor: string | null) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const counts = await strapi.db.transaction(() => this.writeBatchOnce(pending, actor));
        for (const phone of counts.created) written.add(phone);
        result.created += counts.created.length;
        for (const phone of counts.updated) {
          if (!written.has(phone)) {
            result.updated += 1;
            written.add(phone);
          }
        }
        return;
      } catch (error) {
        if (attempt >= 2 || !isUniqueViolation(error, 'phone')) throw error;
      }
    }
  },

  async writeBatchOnce(pending: Map<string, Pending>, actor: string | null) {
    const phones = [...pending.keys()];
    const query = strapi.db.query(UID.contact);
    const existing: Contact[] = await query.findMany({
      where: { phone: { $in: phones } },
      select: ['id', 'documentId', 'phone', 'tags', 'fields', 'marketingConsent'],
    });
    const byPhone = new Map(existing.map((c) => [c.phone, c]));
    const now = new Date();
    const created: string[] = [];
    const updated: string[] = [];
    const consent: Array<{ contact: Contact; change: ConsentChange }> = [];

    const fresh = phones.filter((p) => !byPhone.has(p)).map((p) => pending.get(p)!);
    if (fresh.length) {
      await query.createMany({
        data: fresh.map((p) => ({
          phone: p.phone,
          name: p.name ?? null,
          email: p.email ?? null,
          locale: p.locale ?? 'es-MX',
          timeZone: p.timeZone ?? null,
          tags: p.tags ?? [],
          fields: p.fields ?? {},
          source: 'csv',
          createdAt: now,
          updatedAt: now,
        })),
      });
      created.push(...fresh.map((p) => p.phone));
      const withConsent = fresh.filter((p) => p.consent === true);
      if (withConsent.length) {
        const rows: Contact[] = await query.findMany({ where: { phone: { $in: withConsent.map((p) => p.phone) } }, select: ['id', 'phone'] });
        for (const contact of rows) {
          const p = pending.get(contact.phone)!;
          consent.push({ contact, change: { purpose: 'marketing', granted: true, method: 'csv', evidence: p.consentEvidence, actor, at: now } });
        }
      }
    }

    const changes: Array<{ id: number; data: Record<string, unknown> }> = [];
    for (const contact of existing) {
      const p = pending.get(contact.phone)!;
      const data: Record<string, unknown> = {};
      for (const key of ['name', 'email', 'locale', 'timeZone'] as const) if (p[key] !== undefined) data[key] = p[key];
      if (p.tags) {
        const tags = jsonOf(contact.tags);
        data.tags = [...new Set([...(Array.isArray(tags) ? tags : []), ...p.tags])];
      }
      if (p.fields) {
        const fields = jsonOf(contact.fields);
        data.fields = { ...(fields && typeof fields === 'object' && !Array.isArray(fields) ? fields : {}), ...p.fields };
      }
      if (Object.keys(data).length) changes.push({ id: contact.id, data });
      updated.push(contact.phone);
      if (p.consent !== undefined && Boolean(contact.marketingConsent) !== p.consent) {
        consent.push({ contact, change: { purpose: 'marketing', granted: p.consent, method: 'csv', evidence: p.consentEvidence, actor, at: now } });
      }
    }

    await this.updateContacts(changes, now);
    if (consent.length) await getService('consent').recordMany(consent);
    return { created, updated };
  },

  /**
   * The existing contacts' new values. PostgreSQL: one `UPDATE … FROM (VALUES …)` for the batch
   * (a round trip per contact made a 100,000-row re-import take about 50 s); a value the file
   * left empty keeps the stored one (COALESCE). SQLite runs in the process: one statement each.
   */
  async updateContacts(changes: Array<{ id: number; data: Record<string, unknown> }>, now: Date) {
    if (!changes.length) return;
    if (strapi.db.dialect.client !== 'postgres') {
      for (const { id, data } of changes) await strapi.db.query(UID.contact).updateMany({ where: { id }, data: { ...data, updatedAt: now } });
      return;
    }
    const meta = strapi.db.metadata.get(UID.contact);
    const column = (attribute: string) => (meta.attributes[attribute] as { columnName?: string } | undefined)?.columnName ?? attribute;
    const text = (value: unknown) => (value === undefined || value === null ? null : String(value));
    const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
    const values = changes.map(() => '(?::int, ?::text, ?::text, ?::text, ?::text, ?::jsonb, ?::jsonb)').join(', ');
    const bindings = changes.flatMap(({ id, data }) => [id, text(data.name), text(data.email), text(data.locale), text(data.timeZone), json(data.tags), json(data.fields)]);
    const set = (attribute: string, v: string) => `${column(attribute)} = COALESCE(v.${v}, c.${column(attribute)})`;
    const sets = [set('name', 'name'), set('email', 'email'), set('locale', 'locale'), set('timeZone', 'time_zone'), set('tags', 'tags'), set('fields', 'fields')];
    const sql = `UPDATE ${meta.tableName} AS c SET ${sets.join(', ')}, ${column('updatedAt')} = ? FROM (VALUES ${values}) AS v(id, name, email, locale, time_zone, tags, fields) WHERE c.id = v.id`;
    // In the batch's transaction (a nested call joins it).
    await strapi.db.transaction(({ trx }) => trx.raw(sql, [now, ...bindings]));
  },
});

export type ContactImportService = ReturnType<typeof createContactImportService>;
export default createContactImportService;
