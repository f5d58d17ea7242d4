import { countryOfPhone } from './market';
import { campaignCost } from './cost';
import { fromUnits, publishedTable, rateUnits, pricedCategory, toUnits, type PriceTable } from './table';
import { checkRates } from '../validation/prices';

const table: PriceTable = {
  currency: 'USD',
  effectiveFrom: '2026-10-01',
  source: null,
  rates: { MX: { marketing: 0.0305, utility: 0.0085, authentication: 0.0085 }, other: { marketing: 0.05, utility: 0.0064, authentication: 0.0064 } },
};

describe('the recipient market', () => {
  it('is the country of the number, shared calling codes resolved by range', () => {
    expect(countryOfPhone('+525512345678')).toBe('MX');
    expect(countryOfPhone('+12024561111')).toBe('US');
    expect(countryOfPhone('+18095551234')).toBe('DO');
    expect(countryOfPhone('+77011234567')).toBe('KZ');
  });
  it('is unknown for anything that is not an E.164 number', () => {
    for (const given of [null, undefined, '', '5512345678', 'MX.1234567890', '+', '+999', 42 as unknown as string]) expect(countryOfPhone(given)).toBeNull();
  });
});

describe('the price table', () => {
  it('expands Meta’s markets to countries, with an `other` row', () => {
    const published = publishedTable();
    expect(published.rates.MX).toEqual({ marketing: 0.0253, utility: 0.0071, authentication: 0.0071 });
    // A regional group: every country of it at the group's rate.
    expect(published.rates.UY).toEqual(published.rates.BO);
    expect(published.rates.other).toBeDefined();
  });
  it('prices a country by its own row, else `other`; unknown countries are unpriced', () => {
    expect(rateUnits(table, 'MX', 'utility')).toBe(85);
    expect(rateUnits(table, 'LU', 'marketing')).toBe(500);
    expect(rateUnits(table, null, 'marketing')).toBeNull();
    expect(rateUnits({ ...table, rates: { MX: table.rates.MX } }, 'LU', 'marketing')).toBeNull();
    // Never a prototype name.
    expect(rateUnits({ ...table, rates: {} }, 'constructor', 'marketing')).toBeNull();
  });
  it('sums in ten-thousandths: 100,000 messages at 0.0071 is exactly 710', () => {
    expect(fromUnits(toUnits(0.0071) * 100_000)).toBe(710);
    expect(fromUnits(toUnits(0.1) * 3)).toBe(0.3);
  });
  it('takes a template’s category, else marketing and says so', () => {
    expect(pricedCategory('utility')).toEqual({ category: 'utility', assumed: false });
    expect(pricedCategory(undefined)).toEqual({ category: 'marketing', assumed: true });
    expect(pricedCategory('service')).toEqual({ category: 'marketing', assumed: true });
  });
});

describe('a campaign’s cost', () => {
  it('estimates what may still be charged and spends what was delivered', () => {
    const cost = campaignCost(
      [
        { country: 'MX', status: 'queued', n: 3 },
        { country: 'MX', status: 'delivered', n: 2 },
        { country: 'MX', status: 'read', n: 1 },
        { country: 'MX', status: 'failed', n: 4 },
        { country: 'LU', status: 'sent', n: 1 },
        { country: null, status: 'queued', n: 2 },
      ],
      table,
      { category: 'utility', assumed: false },
      true
    );
    expect(cost).toMatchObject({ currency: 'USD', ratesDate: '2026-10-01', estimated: 0.0574, spent: 0.0255, unpricedRecipients: 2, estimateComplete: true });
    expect(cost.perCountry[0]).toEqual({ country: 'MX', rate: 0.0085, recipients: 6, estimated: 0.051, delivered: 3, spent: 0.0255 });
  });
});

describe('rates sent by administrators', () => {
  const bad: Array<[unknown, string, string]> = [
    [[], 'rates', 'object'],
    [{}, 'rates', 'min'],
    [{ mx: { marketing: 1, utility: 1, authentication: 1 } }, 'rates.mx', 'country'],
    [{ XX: { marketing: 1, utility: 1, authentication: 1 } }, 'rates.XX', 'country'],
    [{ MX: 0.03 }, 'rates.MX', 'object'],
    [{ MX: { marketing: 1, utility: 1, authentication: 1, service: 0 } }, 'rates.MX.service', 'category'],
    [{ MX: { marketing: 1, utility: 1 } }, 'rates.MX.authentication', 'required'],
    [{ MX: { marketing: '0.03', utility: 1, authentication: 1 } }, 'rates.MX.marketing', 'number'],
    [{ MX: { marketing: Number.NaN, utility: 1, authentication: 1 } }, 'rates.MX.marketing', 'number'],
    [{ MX: { marketing: -0.01, utility: 1, authentication: 1 } }, 'rates.MX.marketing', 'min'],
    [{ MX: { marketing: 0.00001, utility: 1, authentication: 1 } }, 'rates.MX.marketing', 'decimals'],
    [{ MX: { marketing: 1000, utility: 1, authentication: 1 } }, 'rates.MX.marketing', 'max'],
  ];
  it.each(bad)('%j is refused at %s (%s)', (rates, path, rule) => {
    let details: unknown;
    try {
      checkRates(rates);
    } catch (error) {
      details = (error as { details?: { errors?: Array<{ path: string[]; rule: string }> } }).details?.errors?.[0];
    }
    expect(details).toMatchObject({ path: path.split('.'), rule });
  });
  it('takes countries and `other`', () => {
    expect(checkRates({ MX: { marketing: 0.0305, utility: 0, authentication: 0.0085 }, other: { marketing: 0.05, utility: 0.0064, authentication: 0.0064 } })).toEqual({
      MX: { marketing: 0.0305, utility: 0, authentication: 0.0085 },
      other: { marketing: 0.05, utility: 0.0064, authentication: 0.0064 },
    });
  });
});
