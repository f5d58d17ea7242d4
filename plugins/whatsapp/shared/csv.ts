/**
 * One CSV cell for a file people open in Excel, LibreOffice or Google Sheets (the campaign
 * export, the import's rejected rows), written by the server and by the admin alike.
 *
 * - A value that starts with a character a spreadsheet reads as the start of a formula (`=`, `+`,
 *   `-`, `@`, tab, carriage return, NUL: OWASP's CSV injection list and ASVS 1.2.10) gets a
 *   leading apostrophe, so it is shown as text and never evaluated: a contact may name itself
 *   `=HYPERLINK(...)` and a provider's error text is whatever the provider wrote.
 * - Then RFC 4180 quoting: a cell holding a quote, a comma, a semicolon (Excel's separator in
 *   many locales) or a line break is quoted, its quotes doubled.
 */
export const FORMULA_START = /^[=+\-@\t\r\0]/;

export const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One CSV line (CRLF, as RFC 4180 and Excel expect). */
export const csvLine = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;
