/** Placeholder until the PDF documents land: which host types have a PDF document. */
export const PDF_RECORD_TYPES: Record<string, unknown> = { 'api::quote.quote': {}, 'api::purchase-order.purchase-order': {} };
export const hasPdf = (uid: string) => Object.prototype.hasOwnProperty.call(PDF_RECORD_TYPES, uid);
