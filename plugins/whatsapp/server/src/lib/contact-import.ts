/**
 * Reading a contacts file (CSV or XLSX) row by row, streaming: the header mapped to the contact's
 * columns (English and Spanish names), each row checked whole before anything is written.
 * Pure of Strapi: the service (services/contact-import.ts) writes what this reads.
 */
import fs from 'fs';
import { StringDecoder } from 'string_decoder';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { yup } from '@strapi/utils';
import type { CountryCode } from 'libphonenumber-js';
import { normalizePhone, PhoneError } from './phone';
import { isValidLocale, isValidTimeZone } from './locale';

export type KnownColumn = 'phone' | 'name' | 'tags' | 'timeZone' | 'consent' | 'consentEvidence' | 'email' | 'locale';

/** Header names (lower case, accents and `_`/`-` read as spaces) for each known column. */
const ALIASES: Record<KnownColumn, string[]> = {
  phone: ['phone', 'telefono', 'celular', 'whatsapp', 'movil', 'phone number', 'numero de telefono'],
  name: ['name', 'nombre', 'nombre completo'],
  tags: ['tags', 'etiquetas', 'etiqueta', 'tag'],
  timeZone: ['timezone', 'time zone', 'zona horaria'],
  consent: ['consent', 'consentimiento', 'marketing consent'],
  consentEvidence: ['consent evidence', 'evidencia', 'evidencia consentimiento', 'evidencia del consentimiento'],
  email: ['email', 'e mail', 'correo', 'correo electronico', 'mail'],
  locale: ['locale', 'idioma', 'language'],
};

export const headerKey = (header: string) =>
  header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[_\-.]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const ALIAS_INDEX = new Map<string, KnownColumn>(
  (Object.entries(ALIASES) as Array<[KnownColumn, string[]]>).flatMap(([column, names]) => names.map((n) => [n, column] as [string, KnownColumn]))
);

export interface ColumnMap {
  /** Position → known column or extra field name (the header as written, trimmed). */
  columns: Array<{ known?: KnownColumn; field?: string; header: string } | null>;
  hasPhone: boolean;
}

/** The header row read: known columns by alias, every other named column an extra field. */
export function mapHeader(header: string[]): ColumnMap {
  const columns = header.map((raw) => {
    const header = String(raw ?? '').trim();
    if (!header) return null;
    const known = ALIAS_INDEX.get(headerKey(header));
    return known ? { known, header } : { field: header.slice(0, 100), header };
  });
  return { columns, hasPhone: columns.some((c) => c?.known === 'phone') };
}

const YES = new Set(['yes', 'si', 'true', '1', 'y', 's', 'x']);
const NO = new Set(['no', 'false', '0', 'n']);

/** yes/no/sí/si/true/false/1/0 (any case, with or without accent); empty: undefined; else null. */
export function readConsent(value: string): boolean | undefined | null {
  const key = headerKey(value);
  if (key === '') return undefined;
  if (YES.has(key)) return true;
  if (NO.has(key)) return false;
  return null;
}

/** Tags in one cell, separated by `|` or `,`. */
export const splitTags = (value: string) =>
  value
    .split(/[|,]/)
    .map((t) => t.trim())
    .filter(Boolean);

const emailSchema = yup.string().email();
export const MAX_FIELD_LENGTH = 2000;

export interface ImportRow {
  row: number;
  phone: string;
  name?: string;
  email?: string;
  locale?: string;
  timeZone?: string;
  tags?: string[];
  consent?: boolean;
  consentEvidence?: string;
  fields?: Record<string, string>;
}

export interface RowError {
  row: number;
  column: string;
  reason: string;
}

/**
 * One row checked whole: the contact it writes, or every problem it has (then nothing of it is
 * written). Empty cells leave the contact's value as it is.
 */
export function readRow(cells: string[], map: ColumnMap, row: number, country: CountryCode): { value?: ImportRow; errors?: RowError[] } {
  const errors: RowError[] = [];
  const out: ImportRow = { row, phone: '' };
  const fail = (column: string, reason: string) => errors.push({ row, column, reason });
  let phoneRaw = '';
  map.columns.forEach((column, index) => {
    if (!column) return;
    const value = String(cells[index] ?? '').trim();
    const shown = value.slice(0, 80);
    if (column.field !== undefined) {
      if (value === '') return;
      if (value.length > MAX_FIELD_LENGTH) return fail(column.header, `${column.header} is longer than ${MAX_FIELD_LENGTH} characters`);
      (out.fields ??= {})[column.field] = value;
      return;
    }
    switch (column.known) {
      case 'phone':
        phoneRaw = value;
        return;
      case 'name':
        if (value === '') return;
        if (Array.from(value).length > 255) return fail(column.header, 'the name is longer than 255 characters');
        out.name = value;
        return;
      case 'email':
        if (value === '') return;
        if (value.length > 255 || !emailSchema.isValidSync(value)) return fail(column.header, `"${shown}" is not a valid email address`);
        out.email = value;
        return;
      case 'locale':
        if (value === '') return;
        if (value.length > 35 || !isValidLocale(value)) return fail(column.header, `"${shown}" is not a language tag such as es-MX`);
        out.locale = value;
        return;
      case 'timeZone':
        if (value === '') return;
        if (!isValidTimeZone(value)) return fail(column.header, `"${shown}" is not an IANA time zone such as America/Mexico_City`);
        out.timeZone = value;
        return;
      case 'tags': {
        const tags = splitTags(value);
        if (!tags.length) return;
        if (tags.some((t) => t.length > 100)) return fail(column.header, 'a tag is longer than 100 characters');
        out.tags = [...new Set([...(out.tags ?? []), ...tags])];
        return;
      }
      case 'consent': {
        const consent = readConsent(value);
        if (consent === null) return fail(column.header, `"${shown}" is not a consent value: use sí/no (yes/no, true/false, 1/0) or leave it empty`);
        if (consent !== undefined) out.consent = consent;
        return;
      }
      case 'consentEvidence':
        if (value === '') return;
        if (value.length > MAX_FIELD_LENGTH) return fail(column.header, `the evidence is longer than ${MAX_FIELD_LENGTH} characters`);
        out.consentEvidence = value;
        return;
    }
  });
  const phoneHeader = map.columns.find((c) => c?.known === 'phone')?.header ?? 'phone';
  if (phoneRaw === '') fail(phoneHeader, 'the phone number is empty');
  else {
    try {
      out.phone = normalizePhone(phoneRaw, country).e164;
    } catch (error) {
      if (!(error instanceof PhoneError)) throw error;
      fail(phoneHeader, `"${phoneRaw.slice(0, 40)}": ${error.message}`);
    }
  }
  return errors.length ? { errors } : { value: out };
}

/** A row is blank when every cell is empty or spaces (skipped, not reported). */
export const isBlank = (cells: string[]) => cells.every((c) => String(c ?? '').trim() === '');

// ---------------------------------------------------------------------------------------------
// Reading files

export type FileKind = 'csv' | 'xlsx';

/**
 * The file itself cannot be read (a workbook that is not a zip, a CSV the parser gives up on):
 * the person sent the wrong file, so the service answers 400 naming `file`, not a 500.
 */
export class FileReadError extends Error {
  constructor(
    readonly kind: FileKind,
    readonly cause: unknown
  ) {
    super(
      kind === 'xlsx'
        ? `The file cannot be read as an Excel workbook (.xlsx): ${(cause as Error)?.message ?? cause}. Save it again from Excel, or as CSV`
        : `The file cannot be read as CSV: ${(cause as Error)?.message ?? cause}`
    );
  }
}

/** XLSX by name, type or its zip signature; anything else is read as CSV. */
export async function fileKind(path: string, name?: string | null, mime?: string | null): Promise<FileKind> {
  if (name && /\.xlsx$/i.test(name)) return 'xlsx';
  if (mime && /spreadsheetml/.test(mime)) return 'xlsx';
  const handle = await fs.promises.open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.readUInt32BE(0) === 0x504b0304 ? 'xlsx' : 'csv';
  } finally {
    await handle.close();
  }
}

/** True when the whole file is valid UTF-8 (read streaming, with a fatal decoder). */
export async function isUtf8(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of fs.createReadStream(path, { highWaterMark: 256 * 1024 })) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** `;` when the header line has more semicolons than commas (Excel in Spanish locales), tab likewise, else `,`. */
export async function detectDelimiter(path: string, encoding: 'utf8' | 'win1252'): Promise<string> {
  const handle = await fs.promises.open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const bytes = buffer.subarray(0, bytesRead);
    const text = encoding === 'utf8' ? new StringDecoder('utf8').write(bytes) : iconv.decode(bytes, 'win1252');
    const line = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/)[0] ?? '';
    const count = (ch: string) => line.split(ch).length - 1;
    const [semi, comma, tab] = [count(';'), count(','), count('\t')];
    if (tab > comma && tab > semi) return '\t';
    return semi > comma ? ';' : ',';
  } finally {
    await handle.close();
  }
}

export interface SheetRow {
  /** The row number as the spreadsheet shows it (header = 1). */
  row: number;
  cells: string[];
  /** Bytes of the file read so far (ahead of this row by the reader's buffer): a progress measure. */
  bytesRead?: number;
}

/** A CSV file's records, streaming: UTF-8 (BOM or not) or Windows-1252, `,` `;` or tab. */
export async function* csvRows(path: string): AsyncGenerator<SheetRow> {
  const encoding = (await isUtf8(path)) ? 'utf8' : 'win1252';
  const delimiter = await detectDelimiter(path, encoding);
  const source = fs.createReadStream(path, { highWaterMark: 256 * 1024 });
  const decoded = encoding === 'utf8' ? source : source.pipe(iconv.decodeStream('win1252'));
  // Blank lines are records too (one empty cell), so the row numbers match the spreadsheet's.
  const parser = decoded.pipe(parse({ bom: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }));
  source.on('error', (error) => parser.destroy(error));
  let row = 0;
  const records = parser[Symbol.asyncIterator]();
  for (;;) {
    // Only the reader's own failures become FileReadError; the consumer's errors never pass through here.
    let next: IteratorResult<unknown>;
    try {
      next = await records.next();
    } catch (error) {
      throw new FileReadError('csv', error);
    }
    if (next.done) return;
    row += 1;
    yield { row, cells: next.value as string[], bytesRead: source.bytesRead };
  }
}

/** A cell as text: numbers without exponent, dates as ISO dates, rich text and links as their text. */
const cellText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(Math.round(value)).toString() : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString().replace(/T00:00:00\.000Z$/, '');
  if (typeof value === 'object') {
    const v = value as { richText?: Array<{ text: string }>; text?: unknown; result?: unknown; error?: string };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (v.text !== undefined) return cellText(v.text);
    if (v.result !== undefined) return cellText(v.result);
    if (v.error) return '';
  }
  return String(value);
};

/** The first worksheet's rows, streaming (exceljs' reader); empty rows are not emitted. */
export async function* xlsxRows(path: string): AsyncGenerator<SheetRow> {
  // Read from our own stream, so its bytes read measure the progress.
  const source = fs.createReadStream(path);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'emit' });
  /** The reader's next sheet or row; its failures (not a zip, not a workbook) as FileReadError. */
  const read = async <T>(items: AsyncIterator<T>): Promise<IteratorResult<T>> => {
    try {
      return await items.next();
    } catch (error) {
      throw new FileReadError('xlsx', error);
    }
  };
  const sheets = (reader as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  try {
    const sheet = await read(sheets);
    if (sheet.done) return;
    const rows = (sheet.value as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]();
    for (let next = await read(rows); !next.done; next = await read(rows)) {
      const values = Array.isArray(next.value.values) ? next.value.values : [];
      const cells: string[] = [];
      for (let i = 1; i < values.length; i += 1) cells.push(cellText(values[i]));
      yield { row: next.value.number, cells, bytesRead: source.bytesRead };
    }
  } finally {
    // The first sheet only: the reader stops there (what `break` out of a for-await did).
    await sheets.return?.().catch(() => undefined);
    source.destroy();
  }
}
