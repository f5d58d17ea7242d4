import type { AuditEntry, CountryRates, PriceTable, PricedCategory, RetentionSettings, Settings } from '../../../shared/contracts';

/** The settings page's pure logic: the general form, the price table's rows, the audit's words. */

export const PRICED: PricedCategory[] = ['marketing', 'utility', 'authentication'];
/** The row that prices every country not listed. */
export const OTHER = 'other';

/** The general settings as the form edits them (text inputs; numbers as typed). */
export interface GeneralForm {
  defaultCountry: string;
  defaultTimeZone: string;
  transactionalConsent: Settings['transactionalConsent'];
  quietHoursStart: string;
  quietHoursEnd: string;
  quietHoursTransactional: boolean;
  optOutKeywords: string;
  optInKeywords: string;
  /** Percent (10 = 10 %), the API takes a fraction (0.1). */
  failureRatePercent: string;
  businessName: string;
  businessAddress: string;
  businessTaxId: string;
  businessLogo: string;
  currency: string;
  taxRate: string;
  /** Days, as typed (retention.messageBodyDays / retention.webhookEventDays); 0 keeps forever. */
  retentionMessageBodyDays: string;
  retentionWebhookEventDays: string;
  /** The alert channel: an address (empty: banner only) and minutes as typed (0: no alert). */
  alertEmail: string;
  alertQueueAgeMinutes: string;
  alertWebhookSilenceMinutes: string;
}

/** Whole minutes as typed: a number when it reads as one, else the text for the server to name. */
const minutesOf = (text: string): number | string => (/^\s*\d+\s*$/.test(text) ? Number(text) : text.trim());

/** Keywords typed one a line or separated by commas; upper-cased, each once. */
export const parseKeywords = (text: string): string[] => [...new Set(text.split(/\r?\n|,/).map((k) => k.trim().toUpperCase()).filter(Boolean))];

/** A number typed in the user's locale (`0,5` or `0.5`); null when empty, NaN when not a number. */
export const parseDecimal = (text: string): number | null => {
  const trimmed = text.trim();
  if (!trimmed) return null;
  return /^-?\d+([.,]\d+)?$/.test(trimmed) ? Number(trimmed.replace(',', '.')) : Number.NaN;
};

/** The fraction as a percent without float noise (0.07 → "7"). */
const percent = (fraction: number) => String(Number((fraction * 100).toFixed(4)));

export const generalFormOf = (s: Settings): GeneralForm => ({
  defaultCountry: s.defaultCountry,
  defaultTimeZone: s.defaultTimeZone,
  transactionalConsent: s.transactionalConsent,
  quietHoursStart: s.quietHoursStart ?? '',
  quietHoursEnd: s.quietHoursEnd ?? '',
  quietHoursTransactional: s.quietHoursTransactional,
  optOutKeywords: s.optOutKeywords.join('\n'),
  optInKeywords: s.optInKeywords.join('\n'),
  failureRatePercent: percent(s.failureRateThreshold),
  businessName: s.businessName ?? '',
  businessAddress: s.businessAddress ?? '',
  businessTaxId: s.businessTaxId ?? '',
  businessLogo: s.businessLogo === null ? '' : String(s.businessLogo),
  currency: s.currency,
  taxRate: s.taxRate === null ? '' : String(s.taxRate),
  retentionMessageBodyDays: String(s.retention.messageBodyDays),
  retentionWebhookEventDays: String(s.retention.webhookEventDays),
  alertEmail: s.alertEmail ?? '',
  alertQueueAgeMinutes: String(s.alertQueueAgeMinutes),
  alertWebhookSilenceMinutes: String(s.alertWebhookSilenceMinutes),
});

type Patch = Partial<Omit<Settings, 'sandbox' | 'priceTable'>>;

/** Whole days as typed; empty is 0 (keep forever); anything else is sent as typed for the server to name. */
const days = (text: string): number | string => {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
};

/**
 * The form as PUT /whatsapp/settings takes it. What cannot be read as a number is sent as typed
 * (the server answers a 400 naming the field, shown next to it).
 */
export const generalPatch = (f: GeneralForm): Record<keyof Patch, unknown> => {
  const rate = parseDecimal(f.failureRatePercent);
  const tax = parseDecimal(f.taxRate);
  const logo = f.businessLogo.trim();
  return {
    defaultCountry: f.defaultCountry.trim().toUpperCase(),
    defaultTimeZone: f.defaultTimeZone.trim(),
    transactionalConsent: f.transactionalConsent,
    quietHoursStart: f.quietHoursStart.trim() || null,
    quietHoursEnd: f.quietHoursEnd.trim() || null,
    quietHoursTransactional: f.quietHoursTransactional,
    optOutKeywords: parseKeywords(f.optOutKeywords),
    optInKeywords: parseKeywords(f.optInKeywords),
    failureRateThreshold: rate === null || Number.isNaN(rate) ? f.failureRatePercent : Number((rate / 100).toFixed(6)),
    businessName: f.businessName.trim() || null,
    businessAddress: f.businessAddress.trim() || null,
    businessTaxId: f.businessTaxId.trim() || null,
    businessLogo: logo === '' ? null : /^\d+$/.test(logo) ? Number(logo) : logo,
    currency: f.currency.trim().toUpperCase(),
    taxRate: tax === null ? null : Number.isNaN(tax) ? f.taxRate : tax,
    retention: { messageBodyDays: days(f.retentionMessageBodyDays), webhookEventDays: days(f.retentionWebhookEventDays) },
    alertEmail: f.alertEmail.trim() || null,
    alertQueueAgeMinutes: minutesOf(f.alertQueueAgeMinutes),
    alertWebhookSilenceMinutes: minutesOf(f.alertWebhookSilenceMinutes),
  };
};

/**
 * What a save of the general form sends: only the settings that changed, and inside `retention`
 * only the period that changed (the other keeps following its default on the server).
 */
export const generalChanges = (form: GeneralForm, settings: Settings): Record<string, unknown> => {
  const before = generalPatch(generalFormOf(settings));
  const patch: Record<string, unknown> = changedOnly(generalPatch(form), before);
  if (patch.retention) {
    const next = patch.retention as Record<keyof RetentionSettings, unknown>;
    const was = before.retention as Record<keyof RetentionSettings, unknown>;
    patch.retention = Object.fromEntries(Object.entries(next).filter(([key, value]) => value !== was[key as keyof RetentionSettings]));
  }
  return patch;
};

/**
 * The API's field errors by field: the first segment of the path (`taxRate`), and for the nested
 * retention settings the whole path too (`retention.messageBodyDays`).
 */
export const errorsByField = (errors: Array<{ path?: Array<string | number>; message: string }>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const path = (e.path ?? []).map(String);
    if (!path.length) continue;
    out[path[0]] ??= e.message;
    if (path.length > 1) out[path.join('.')] ??= e.message;
  }
  return out;
};

/** Only what changed, so a save writes (and audits) just that. */
export const changedOnly = <T extends Record<string, unknown>>(patch: T, before: T): Partial<T> =>
  Object.fromEntries(Object.entries(patch).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(before[key]))) as Partial<T>;

/** One row of the price table editor: a country and its three rates as typed. */
export interface PriceRow {
  key: string;
  country: string;
  rates: Record<PricedCategory, string>;
}

let rowSeq = 0;
const rowKey = () => `row-${(rowSeq += 1)}`;

/** The table as rows: "other" last, the countries in alphabetical order. */
export const rowsOf = (table: Pick<PriceTable, 'rates'>): PriceRow[] =>
  Object.entries(table.rates)
    .sort(([a], [b]) => (a === OTHER ? 1 : b === OTHER ? -1 : a.localeCompare(b)))
    .map(([country, rates]) => ({ key: rowKey(), country, rates: Object.fromEntries(PRICED.map((c) => [c, String(rates[c])])) as PriceRow['rates'] }));

export const emptyRow = (): PriceRow => ({ key: rowKey(), country: '', rates: { marketing: '', utility: '', authentication: '' } });

/** A problem of a row before anything is sent: the API path it would have, in the API's words. */
export interface RowProblem {
  path: string;
  rule: 'country' | 'duplicate' | 'number';
}

/**
 * The rows as PUT …/settings/prices takes `rates`, or the first problems the editor can see
 * itself (an empty or repeated country, a rate that is not a number). Range and decimals are
 * the server's to say.
 */
export const ratesOf = (rows: PriceRow[]): { rates: Record<string, CountryRates>; problems: RowProblem[] } => {
  const rates: Record<string, CountryRates> = {};
  const problems: RowProblem[] = [];
  for (const row of rows) {
    const country = row.country.trim() === OTHER ? OTHER : row.country.trim().toUpperCase();
    if (!country) {
      problems.push({ path: `rows.${row.key}.country`, rule: 'country' });
      continue;
    }
    if (country in rates) {
      problems.push({ path: `rates.${country}`, rule: 'duplicate' });
      continue;
    }
    const out = {} as CountryRates;
    for (const category of PRICED) {
      const value = parseDecimal(row.rates[category]);
      if (value === null || Number.isNaN(value)) problems.push({ path: `rates.${country}.${category}`, rule: 'number' });
      out[category] = value ?? Number.NaN;
    }
    rates[country] = out;
  }
  return { rates, problems };
};

/** An audit entry in short: the settings it changed, from → to, as text. */
export const auditChanges = (entry: Pick<AuditEntry, 'before' | 'after'>): Array<{ field: string; before: string; after: string }> => {
  const after = entry.after ?? {};
  const before = entry.before ?? {};
  const show = (value: unknown) => {
    if (value === null || value === undefined) return '—';
    if (Array.isArray(value)) return value.join(', ');
    if (typeof value === 'object') return '{…}';
    return String(value);
  };
  // A change of a nested setting (retention) reads as its own lines: `retention.messageBodyDays: 0 → 90`.
  const flat = (record: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(record).flatMap(([key, value]) =>
        key === 'retention' && value && typeof value === 'object' && !Array.isArray(value)
          ? Object.entries(value as Record<string, unknown>).map(([sub, v]) => [`${key}.${sub}`, v])
          : [[key, value]]
      )
    );
  const [b, a] = [flat(before), flat(after)];
  return [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .map((field) => ({ field, before: show(b[field]), after: show(a[field]) }))
    .filter((change) => change.before !== change.after || !(change.field.startsWith('retention.')));
};
