import type { Sender } from '../../../shared/contracts';

/** The badge colours of the design system a quality rating is shown in. */
export type QualityVariant = 'success' | 'warning' | 'danger' | 'neutral';

/**
 * A provider's quality rating as a badge colour: Meta GREEN / YELLOW / RED, Twilio HIGH / MEDIUM /
 * LOW. Anything else (UNKNOWN, NA, a word we have not seen) is shown as it is, in grey.
 */
export const qualityVariant = (rating: string | null | undefined): QualityVariant => {
  switch (String(rating ?? '').toUpperCase()) {
    case 'GREEN':
    case 'HIGH':
      return 'success';
    case 'YELLOW':
    case 'MEDIUM':
      return 'warning';
    case 'RED':
    case 'LOW':
      return 'danger';
    default:
      return 'neutral';
  }
};

/** The check outcome a sender row shows: the one just made here, else the last one stored. */
export const lastCheck = (sender: Sender): { ok: boolean; at: string; status: NonNullable<Sender['checkStatus']>; error: string | null } | null =>
  sender.checkedAt && sender.checkStatus ? { ok: sender.checkStatus === 'ok', at: sender.checkedAt, status: sender.checkStatus, error: sender.checkError } : null;
