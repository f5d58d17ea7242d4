import { yup } from '@strapi/utils';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { isKnownCurrency } from '../lib/locale';
import { malformed } from '../utils/errors';
import { OTHER, PRICED_CATEGORIES, type CountryRates, type PriceTable } from '../pricing/table';
import { text } from './index';

/**
 * PUT …/settings/prices: the whole price table, replaced. yup checks the envelope's fields; the
 * rates (an object keyed by country) are checked here, each mistake a 400 naming the exact path
 * (`rates.MX.marketing`) and the rule, before anything is written.
 */

/** More rows than countries exist is a mistake, not a table. */
const MAX_COUNTRIES = 300;
/** A rate above this per message is a typo (a price in cents, a total). */
const MAX_RATE = 100;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const pricesSchema = yup
  .object({
    currency: text()
      .uppercase()
      .required('currency is required: the ISO 4217 code of the rates, such as USD')
      .matches(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as USD')
      .test('currency', 'currency must be a currency Intl knows (ISO 4217), such as USD, EUR or MXN', (code) => !code || isKnownCurrency(code)),
    effectiveFrom: text()
      .matches(DATE, 'effectiveFrom must be a date, YYYY-MM-DD')
      .test('date', 'effectiveFrom must be a real date, YYYY-MM-DD', (value) => {
        if (!value) return true;
        const date = new Date(`${value}T00:00:00Z`);
        return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
      })
      .optional(),
    source: text().max(500, 'source must be at most 500 characters').nullable().optional(),
    rates: yup.mixed().required('rates is required: { "MX": { "marketing": 0.0253, "utility": 0.0071, "authentication": 0.0071 }, … }'),
  })
  .noUnknown(true, 'unknown field: ${unknown}');

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const decimals = (n: number) => Number.isInteger(Number((n * 10_000).toFixed(6)));

/** The rates of a table, checked one by one; returns them as stored (keys as given, upper-case codes). */
export const checkRates = (rates: unknown): Record<string, CountryRates> => {
  if (!isPlainObject(rates)) throw malformed('rates', 'object', 'rates must be an object of countries to rates, e.g. { "MX": { "marketing": 0.0253, … } }');
  const entries = Object.entries(rates);
  if (!entries.length) throw malformed('rates', 'min', 'rates must price at least one country (or "other")');
  if (entries.length > MAX_COUNTRIES) throw malformed('rates', 'max', `rates may list at most ${MAX_COUNTRIES} countries`);
  const checked: Record<string, CountryRates> = {};
  for (const [country, row] of entries) {
    const at = `rates.${country}`;
    if (country !== OTHER && !(/^[A-Z]{2}$/.test(country) && isSupportedCountry(country))) {
      throw malformed(at, 'country', `${at}: "${country}" is not a country code (ISO 3166 alpha-2 in capitals, such as MX) nor "${OTHER}"`);
    }
    if (!isPlainObject(row)) throw malformed(at, 'object', `${at} must be an object: { "marketing": …, "utility": …, "authentication": … }`);
    for (const category of Object.keys(row)) {
      if (!PRICED_CATEGORIES.includes(category as (typeof PRICED_CATEGORIES)[number])) {
        throw malformed(`${at}.${category}`, 'category', `${at}.${category}: unknown category; a rate is for ${PRICED_CATEGORIES.join(', ')} (service messages are free)`);
      }
    }
    const out = {} as CountryRates;
    for (const category of PRICED_CATEGORIES) {
      const path = `${at}.${category}`;
      const value = row[category];
      if (value === undefined || value === null) throw malformed(path, 'required', `${path} is required (a price per delivered message, 0 when free)`);
      if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(path, 'number', `${path} must be a number, such as 0.0253`);
      if (value < 0) throw malformed(path, 'min', `${path} must not be negative`);
      if (value > MAX_RATE) throw malformed(path, 'max', `${path} must be at most ${MAX_RATE} per message`);
      if (!decimals(value)) throw malformed(path, 'decimals', `${path} must have at most 4 decimal places`);
      out[category] = value;
    }
    checked[country] = out;
  }
  return checked;
};

/** A validated request body as the table it stores (effectiveFrom: today when not given). */
export const toPriceTable = (data: { currency: string; effectiveFrom?: string; source?: string | null; rates: unknown }): PriceTable => ({
  currency: data.currency,
  effectiveFrom: data.effectiveFrom || new Date().toISOString().slice(0, 10),
  source: data.source ? data.source : null,
  rates: checkRates(data.rates),
});
