import type { Consent, Contact, Pagination } from '../../../shared/contracts';

/** Contacts per page of the table. */
export const PAGE_SIZE = 25;
/** The server refuses evidence longer than this (validation consentSchema). */
export const EVIDENCE_MAX = 2000;

export interface ContactListState {
  page: number;
  search: string;
  tag: string;
}

/**
 * The query of GET /whatsapp/contacts: page, pageSize and only the filters the controller reads
 * (`search` on name and phone, `tag` exact), empty ones left out.
 */
export const listParams = ({ page, search, tag }: ContactListState): Record<string, string | number> => {
  const params: Record<string, string | number> = { page: Math.max(1, Math.floor(page) || 1), pageSize: PAGE_SIZE };
  const s = search.trim();
  const g = tag.trim();
  if (s) params.search = s;
  if (g) params.tag = g;
  return params;
};

/** What a row shows as the contact's name: its name, else its WhatsApp profile name, else its username. */
export const displayName = (contact: Pick<Contact, 'name' | 'profileName' | 'username'>): string | null =>
  contact.name?.trim() || contact.profileName?.trim() || contact.username?.trim() || null;

/** The number shown, or the business-scoped user id for a customer known without one. */
export const displayPhone = (contact: Pick<Contact, 'phone' | 'providerUserId'>): string => contact.phone ?? contact.providerUserId ?? '';

/** The body of POST /whatsapp/contacts/:id/consent from the admin, or null while the evidence is missing or too long. */
export const consentBody = (granted: boolean, evidence: string) => {
  const text = evidence.trim();
  if (!text || text.length > EVIDENCE_MAX) return null;
  return { purpose: 'marketing' as const, granted, method: 'admin' as const, evidence: text };
};

/** The ledger, most recent first (rows without a date last, then by id descending). */
export const sortHistory = (history: Consent[]): Consent[] =>
  [...history].sort((a, b) => {
    const ta = a.at ? Date.parse(a.at) : Number.NEGATIVE_INFINITY;
    const tb = b.at ? Date.parse(b.at) : Number.NEGATIVE_INFINITY;
    if (ta !== tb) return tb - ta;
    return b.id - a.id;
  });

/** "Showing 26–50 of 120": the first and last row of the page (0, 0 when empty). */
export const pageRange = (pagination: Pick<Pagination, 'page' | 'pageSize' | 'total'>): { from: number; to: number } => {
  if (pagination.total <= 0) return { from: 0, to: 0 };
  const from = (pagination.page - 1) * pagination.pageSize + 1;
  return { from: Math.min(from, pagination.total), to: Math.min(pagination.page * pagination.pageSize, pagination.total) };
};

/** The contact's conversation among the inbox search results (searched by its number), if any. */
export const conversationOf = <T extends { id: number; contactId: number }>(conversations: T[], contactId: number): T | null =>
  conversations.find((c) => c.contactId === contactId) ?? null;


/** The data export's file name: `contacto-12-2026-05-04.json` (no number or name in it), the date in UTC as the server writes it. */
export const exportFileName = (contactId: number, now: Date): string => `contacto-${contactId}-${now.toISOString().slice(0, 10)}.json`;

/**
 * Whether what was typed in the erase dialog names this contact: its number (with or without the
 * country code, spaces and dashes allowed), its WhatsApp user id, or its id. The server checks it
 * again (400 naming `confirm`); this only enables the button.
 */
export const erasureConfirmed = (contact: Pick<Contact, 'id' | 'phone' | 'providerUserId'>, typed: string): boolean => {
  const given = typed.trim();
  if (!given) return false;
  if (given === String(contact.id) || given === contact.phone || given === contact.providerUserId) return true;
  if (!contact.phone || !/^\+?[\d\s().-]+$/.test(given)) return false;
  const digits = given.replace(/\D/g, '');
  const phone = contact.phone.replace(/\D/g, '');
  // The national number at least: country codes have 1 to 3 digits.
  return digits.length >= phone.length - 3 && phone.endsWith(digits);
};

/** The body of POST /whatsapp/contacts/:id/erase. */
export const eraseBody = (typed: string) => ({ data: { confirm: typed.trim() } });
