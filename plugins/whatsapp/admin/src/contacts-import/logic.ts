import type { ContactImport, ContactImportRowError, ContactImportStatus } from '../../../shared/contracts';
import { csvCell } from '../../../shared/csv';

/**
 * The contacts import screen's pure parts: how far a background import is, when to stop asking,
 * and the rows it could not take as a CSV for Excel.
 */

/** Finished imports are not asked about again. */
export const isFinished = (status: ContactImportStatus) => status === 'completed' || status === 'failed';

/**
 * Percent done, from the bytes of the file read (rows have no known total until the end); held
 * at 99 until the import says it is completed, since the reader runs a little ahead of the writes.
 */
export const progressPercent = (item: Pick<ContactImport, 'status' | 'bytesRead' | 'fileSize'>): number => {
  if (item.status === 'completed') return 100;
  if (!item.fileSize || item.fileSize <= 0) return 0;
  return Math.max(0, Math.min(99, Math.floor((100 * item.bytesRead) / item.fileSize)));
};

export type BadgeVariant = 'success' | 'danger' | 'secondary' | 'neutral';

export const statusBadgeVariant = (status: ContactImportStatus): BadgeVariant =>
  status === 'completed' ? 'success' : status === 'failed' ? 'danger' : status === 'running' ? 'secondary' : 'neutral';

/** The rows not imported (row, column, reason) as CSV, UTF-8 with a BOM so Excel shows the accents. */
export const errorsCsv = (errors: ContactImportRowError[], header: [string, string, string]): string =>
  '\uFEFF' + [header.map(csvCell).join(','), ...errors.map((e) => [e.row, e.column, e.reason].map(csvCell).join(','))].join('\r\n') + '\r\n';
