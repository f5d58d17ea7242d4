/**
 * The price table as the campaign cost reads it: the published seed expanded to one row per
 * country, a rate looked up for a country and category, and money summed in integer
 * ten-thousandths (rates have at most 4 decimals: 0.0253 is 253 units), so a sum over 100,000
 * messages is exact and a float never drifts into the answer.
 */
import type { CountryRates, PriceTable, PricedCategory } from '../../../shared/contracts';
import { PUBLISHED_RATES } from './meta-rates';

export type { CountryRates, PriceTable, PricedCategory };

export const PRICED_CATEGORIES: readonly PricedCategory[] = ['marketing', 'utility', 'authentication'];
/** The row every country not listed pays (Meta's "Other" market). */
export const OTHER = 'other';
/** Ten-thousandths: the smallest amount a rate names. */
export const UNITS = 10_000;

/** Meta's published card, one row per country of each market, `other` for the rest. */
export const publishedTable = (): PriceTable => {
  const rates: Record<string, CountryRates> = {};
  for (const { market, countries, marketing, utility, authentication } of PUBLISHED_RATES.markets) {
    const row = { marketing, utility, authentication };
    if (market === 'Other') rates[OTHER] = row;
    for (const country of countries) rates[country] = row;
  }
  return { currency: PUBLISHED_RATES.currency, effectiveFrom: PUBLISHED_RATES.effectiveFrom, source: PUBLISHED_RATES.source, rates };
};

export const toUnits = (amount: number): number => Math.round(amount * UNITS);
/** Units back to an amount: an integer over 10,000 prints with at most 4 decimals. */
export const fromUnits = (units: number): number => units / UNITS;

/** The rate of one message to `country` (its own row, else `other`) in units; null when unpriced. */
export const rateUnits = (table: PriceTable, country: string | null | undefined, category: PricedCategory): number | null => {
  if (!country) return null;
  const row = Object.prototype.hasOwnProperty.call(table.rates, country) ? table.rates[country] : table.rates[OTHER];
  return row ? toUnits(row[category]) : null;
};

/**
 * A template's category as Meta prices it. Templates always carry one here (the content type
 * requires it); a campaign whose template is gone, or a category Meta does not price, is priced
 * as marketing, the dearest, and says so.
 */
export const pricedCategory = (category: unknown): { category: PricedCategory; assumed: boolean } =>
  PRICED_CATEGORIES.includes(category as PricedCategory) ? { category: category as PricedCategory, assumed: false } : { category: 'marketing', assumed: true };
