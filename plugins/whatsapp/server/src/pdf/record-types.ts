/**
 * Which of the host app's content types become a PDF, and where each part of the document is
 * read from. Data, not code: a new document type (an invoice, a work order) is one more entry,
 * and services/record-pdf.ts reads every type the same way.
 *
 * The attribute names are the host's (src/api/quote, src/api/purchase-order and the
 * shared.line component); the titles are what the customer or supplier reads.
 */

export interface PdfRecordType {
  /** The document's title by language (BCP 47 language subtag), `es` being the default. */
  title: { es: string; en: string };
  /** The start of the stored file's name: `cotizacion-COT-2026-0042.pdf`. */
  fileName: string;
  /** What the record is called in error messages ("The quote has no number"). */
  noun: string;
  /** The relation holding who the document is for, and how that block is labelled. */
  party: { relation: string; label: { es: string; en: string } };
  /** Attribute with the record's number. */
  number: string;
  /** Attribute with the record's own total (decimal), shown as Total when set. */
  total: string;
  /** Repeatable component with the lines, and its attributes. */
  lines: { component: string; description: string; quantity: string; unitPrice: string };
}

const LINES = { component: 'lines', description: 'description', quantity: 'quantity', unitPrice: 'unitPrice' } as const;

export const PDF_RECORD_TYPES: Readonly<Record<string, PdfRecordType>> = Object.freeze({
  'api::quote.quote': {
    title: { es: 'Cotización', en: 'Quote' },
    fileName: 'cotizacion',
    noun: 'quote',
    party: { relation: 'customer', label: { es: 'Cliente', en: 'Customer' } },
    number: 'number',
    total: 'total',
    lines: LINES,
  },
  'api::purchase-order.purchase-order': {
    title: { es: 'Orden de compra', en: 'Purchase order' },
    fileName: 'orden-de-compra',
    noun: 'purchase order',
    party: { relation: 'supplier', label: { es: 'Proveedor', en: 'Supplier' } },
    number: 'number',
    total: 'total',
    lines: LINES,
  },
});

/** Whether records of this content type can be sent as a PDF. */
export function hasPdf(uid: string): boolean {
  return Object.prototype.hasOwnProperty.call(PDF_RECORD_TYPES, uid);
}

/** The words of a type in the document's language: Spanish unless the locale is another language with words here. */
export function wordsIn<T extends { es: string; en: string }>(words: T, locale: string): string {
  const language = locale.split('-')[0]?.toLowerCase();
  return language === 'en' ? words.en : words.es;
}
