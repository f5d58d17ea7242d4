import PDFDocument from 'pdfkit';
import { toWinAnsi } from './winansi';

/**
 * A quote or purchase order as a PDF a customer or supplier can open on a phone: the business
 * at the top, the document's title, number and date, who it is for, the lines, subtotal, tax,
 * total and notes. Money and dates are formatted with Intl for the document's locale, so an
 * es-MX quote reads "$1,160.00" and "3 de marzo de 2026", an es-AR one "$ 1.160,00".
 *
 * Pure: the caller (services/record-pdf.ts) reads the record and the settings; this only draws.
 * Helvetica (a standard PDF font, no font file to ship) covers WinAnsi only: every text goes
 * through toWinAnsi (accents, ñ and € print, an emoji becomes "?").
 */

export interface PdfLine {
  description: string;
  quantity: number;
  unitPrice: number | null;
}

export interface PdfDocument {
  /** 'Cotización' / 'Orden de compra'. */
  title: string;
  /** The record's number, e.g. 'COT-2026-0042'. */
  number: string;
  date: Date;
  /** BCP 47, e.g. 'es-MX': dates and money are formatted for it with Intl. */
  locale: string;
  /** ISO 4217, e.g. 'MXN'. */
  currency: string;
  /** The logo is PNG or JPEG bytes; one that does not decode is left out, not fatal. */
  business: { name: string; address?: string | null; taxId?: string | null; logo?: Buffer | null };
  /** label: 'Cliente' / 'Proveedor'. */
  party: { label: string; name: string; phone?: string | null; email?: string | null };
  lines: PdfLine[];
  /** Percent, e.g. 16 (IVA); null = no tax line. */
  taxRate: number | null;
  /** The record's own total when it has one (shown as Total); else subtotal + tax. */
  total: number | null;
  notes?: string | null;
  /** IANA zone the date is shown in (the business's); the server's zone when absent. */
  timeZone?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Words and numbers for the locale.

interface Words {
  description: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  subtotal: string;
  total: string;
  notes: string;
  taxId: string;
  page: (n: number, of: number) => string;
  tax: (rate: string) => string;
}

/** The tax id's usual name where the plugin's users are (RFC in Mexico, NIT in Colombia, CUIT in Argentina). */
const TAX_ID_NAMES: Record<string, string> = { MX: 'RFC', CO: 'NIT', AR: 'CUIT', CL: 'RUT', PE: 'RUC', EC: 'RUC', ES: 'NIF' };

const parseLocale = (tag: string): Intl.Locale => {
  try {
    return new Intl.Locale(tag);
  } catch {
    return new Intl.Locale('es-MX');
  }
};

const wordsFor = (locale: Intl.Locale): Words => {
  const taxIdName = TAX_ID_NAMES[locale.region ?? ''];
  if (locale.language === 'es') {
    return {
      description: 'Descripción',
      quantity: 'Cantidad',
      unitPrice: 'Precio unitario',
      amount: 'Importe',
      subtotal: 'Subtotal',
      total: 'Total',
      notes: 'Notas',
      taxId: taxIdName ?? 'Id. fiscal',
      page: (n, of) => `Página ${n} de ${of}`,
      // Spanish style puts a space before the percent sign ("IVA 16 %").
      tax: (rate) => `IVA ${rate} %`,
    };
  }
  return {
    description: 'Description',
    quantity: 'Quantity',
    unitPrice: 'Unit price',
    amount: 'Amount',
    subtotal: 'Subtotal',
    total: 'Total',
    notes: 'Notes',
    taxId: taxIdName ?? 'Tax ID',
    page: (n, of) => `Page ${n} of ${of}`,
    tax: (rate) => `Tax ${rate}%`,
  };
};

/** A quote dated late in the evening in Mexico City is that day's, not the next day's in UTC. */
const dateFormat = (locale: string, timeZone?: string | null) => {
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: timeZone || undefined });
  } catch {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'long' });
  }
};

/** Intl formatters for the locale; a currency Intl does not know falls back to plain numbers with its code. */
const formattersFor = (locale: string, currency: string, timeZone?: string | null) => {
  let money: Intl.NumberFormat;
  try {
    money = new Intl.NumberFormat(locale, { style: 'currency', currency });
  } catch {
    money = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  const digits = money.resolvedOptions().maximumFractionDigits ?? 2;
  return {
    money: (n: number) => money.format(n),
    /** Rounded to the currency's minor unit as Intl prints it (2 digits for MXN, 0 for CLP), so the sums add up on paper. */
    round: (n: number) => Math.round(n * 10 ** digits) / 10 ** digits,
    number: new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format,
    date: dateFormat(locale, timeZone).format,
  };
};

/** Amounts of the lines, subtotal, tax and total, rounded as printed. */
export function computeTotals(doc: Pick<PdfDocument, 'lines' | 'taxRate' | 'total'>, round: (n: number) => number = (n) => Math.round(n * 100) / 100) {
  const amounts = doc.lines.map((line) => (line.unitPrice === null ? null : round(line.quantity * line.unitPrice)));
  const subtotal = round(amounts.reduce<number>((sum, amount) => sum + (amount ?? 0), 0));
  const tax = doc.taxRate === null ? null : round((subtotal * doc.taxRate) / 100);
  const total = doc.total ?? round(subtotal + (tax ?? 0));
  return { amounts, subtotal, tax, total };
}

/** Letter paper where it is the norm (the Americas mostly), A4 elsewhere. */
const LETTER_REGIONS = new Set(['US', 'CA', 'MX', 'CO', 'CL', 'VE', 'PH', 'GT', 'CR', 'PA', 'DO', 'SV', 'NI', 'HN', 'PR']);

// ---------------------------------------------------------------------------------------------
// Drawing.

const MARGIN = 50;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const GREY = '#555555';
const RULE = '#cccccc';

export async function renderPdf(input: PdfDocument): Promise<Buffer> {
  const locale = parseLocale(input.locale);
  const words = wordsFor(locale);
  const f = formattersFor(locale.toString(), input.currency, input.timeZone);
  const totals = computeTotals(input, f.round);
  const t = (text: string | null | undefined) => toWinAnsi(String(text ?? ''));

  const pdf = new PDFDocument({
    size: LETTER_REGIONS.has(locale.region ?? '') ? 'LETTER' : 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    // Page numbers are written once every page exists.
    bufferPages: true,
    // The record's date, not the clock: the same record renders the same document.
    info: {
      Title: t(`${input.title} ${input.number}`),
      Author: t(input.business.name),
      Creator: 'strapi-plugin-whatsapp',
      Producer: 'strapi-plugin-whatsapp',
      CreationDate: input.date,
      ModDate: input.date,
    },
    lang: locale.toString(),
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const left = MARGIN;
  const width = pdf.page.width - 2 * MARGIN;
  const right = left + width;
  const bottom = () => pdf.page.height - MARGIN - 20; // room for the page number

  // Header: logo on the left, business on its right (or at the margin without a logo).
  const top = pdf.y;
  let textLeft = left;
  let headerBottom = top;
  if (input.business.logo?.length) {
    try {
      pdf.image(input.business.logo, left, top, { fit: [90, 60] });
      textLeft = left + 105;
      headerBottom = top + 60;
    } catch {
      // Not a PNG or JPEG pdfkit can read: the document goes out without it.
    }
  }
  const headerWidth = right - textLeft;
  pdf.font(BOLD).fontSize(16).fillColor('black').text(t(input.business.name), textLeft, top, { width: headerWidth });
  pdf.font(FONT).fontSize(9).fillColor(GREY);
  if (input.business.address) pdf.text(t(input.business.address), textLeft, pdf.y + 2, { width: headerWidth });
  if (input.business.taxId) pdf.text(t(`${words.taxId}: ${input.business.taxId}`), textLeft, pdf.y + 2, { width: headerWidth });
  headerBottom = Math.max(headerBottom, pdf.y);

  // Title, number and date.
  let y = headerBottom + 20;
  pdf.moveTo(left, y).lineTo(right, y).strokeColor(RULE).lineWidth(1).stroke();
  y += 12;
  pdf.font(BOLD).fontSize(20).fillColor('black').text(t(input.title), left, y, { width: width / 2 });
  pdf.font(BOLD).fontSize(11).text(t(input.number), left + width / 2, y, { width: width / 2, align: 'right' });
  pdf.font(FONT).fontSize(10).fillColor(GREY).text(t(f.date(input.date)), left + width / 2, pdf.y + 2, { width: width / 2, align: 'right' });
  y = Math.max(pdf.y, y + 24) + 16;

  // Who it is for.
  pdf.font(BOLD).fontSize(9).fillColor(GREY).text(t(input.party.label).toUpperCase(), left, y, { width });
  pdf.font(BOLD).fontSize(11).fillColor('black').text(t(input.party.name), left, pdf.y + 2, { width });
  pdf.font(FONT).fontSize(10).fillColor(GREY);
  for (const contact of [input.party.phone, input.party.email]) if (contact) pdf.text(t(contact), left, pdf.y + 1, { width });
  y = pdf.y + 20;

  // The lines: description wraps, the numbers are right-aligned; a full page goes on to the next.
  const columns = {
    description: { x: left, width: width * 0.46 },
    quantity: { x: left + width * 0.48, width: width * 0.12 },
    unitPrice: { x: left + width * 0.6, width: width * 0.19 },
    amount: { x: left + width * 0.8, width: width * 0.2 },
  };
  const tableHeader = () => {
    pdf.font(BOLD).fontSize(9).fillColor(GREY);
    pdf.text(t(words.description), columns.description.x, y, { width: columns.description.width });
    pdf.text(t(words.quantity), columns.quantity.x, y, { width: columns.quantity.width, align: 'right' });
    pdf.text(t(words.unitPrice), columns.unitPrice.x, y, { width: columns.unitPrice.width, align: 'right' });
    pdf.text(t(words.amount), columns.amount.x, y, { width: columns.amount.width, align: 'right' });
    y = pdf.y + 4;
    pdf.moveTo(left, y).lineTo(right, y).strokeColor(RULE).stroke();
    y += 6;
  };
  const newPage = () => {
    pdf.addPage();
    y = MARGIN;
  };
  tableHeader();
  pdf.fontSize(10);
  input.lines.forEach((line, i) => {
    pdf.font(FONT).fontSize(10);
    const description = t(line.description);
    const height = Math.max(pdf.heightOfString(description || ' ', { width: columns.description.width }), pdf.currentLineHeight());
    if (y + height > bottom()) {
      newPage();
      tableHeader();
      pdf.font(FONT).fontSize(10);
    }
    const amount = totals.amounts[i];
    pdf.fillColor('black').text(description, columns.description.x, y, { width: columns.description.width });
    pdf.text(t(f.number(line.quantity)), columns.quantity.x, y, { width: columns.quantity.width, align: 'right' });
    pdf.text(line.unitPrice === null ? '-' : t(f.money(line.unitPrice)), columns.unitPrice.x, y, { width: columns.unitPrice.width, align: 'right' });
    pdf.text(amount === null ? '-' : t(f.money(amount)), columns.amount.x, y, { width: columns.amount.width, align: 'right' });
    y += height + 6;
  });
  pdf.moveTo(left, y).lineTo(right, y).strokeColor(RULE).stroke();
  y += 8;

  // Subtotal, tax, total: kept together on one page.
  const sums: Array<[string, string, boolean]> = [[words.subtotal, f.money(totals.subtotal), false]];
  if (totals.tax !== null && input.taxRate !== null) sums.push([words.tax(f.number(input.taxRate)), f.money(totals.tax), false]);
  sums.push([words.total, f.money(totals.total), true]);
  if (y + sums.length * 18 > bottom()) newPage();
  for (const [label, value, strong] of sums) {
    pdf.font(strong ? BOLD : FONT).fontSize(strong ? 12 : 10).fillColor('black');
    pdf.text(t(label), left + width * 0.5, y, { width: width * 0.3 - 8, align: 'right' });
    pdf.text(t(value), columns.amount.x - width * 0.1, y, { width: columns.amount.width + width * 0.1, align: 'right' });
    y = pdf.y + 6;
  }

  // Notes: wrap and flow onto further pages like any long text.
  if (input.notes?.trim()) {
    y += 14;
    if (y + 40 > bottom()) newPage();
    pdf.font(BOLD).fontSize(9).fillColor(GREY).text(t(words.notes).toUpperCase(), left, y, { width });
    pdf.font(FONT).fontSize(10).fillColor('black').text(t(input.notes.trim()), left, pdf.y + 2, { width });
  }

  // Page numbers, once the page count is known (only when there is more than one page).
  const range = pdf.bufferedPageRange();
  if (range.count > 1) {
    for (let i = range.start; i < range.start + range.count; i++) {
      pdf.switchToPage(i);
      // Below the bottom margin: lift it for this one line, or pdfkit would start a new page.
      const margin = pdf.page.margins.bottom;
      pdf.page.margins.bottom = 0;
      pdf.font(FONT).fontSize(8).fillColor(GREY);
      pdf.text(t(words.page(i - range.start + 1, range.count)), left, pdf.page.height - MARGIN + 10, { width, align: 'center', lineBreak: false });
      pdf.page.margins.bottom = margin;
    }
  }

  pdf.end();
  return done;
}
