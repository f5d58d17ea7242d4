/**
 * A campaign's cost from its messages counted by country and status (one grouped query, see
 * services/prices.ts), priced with the table in use now.
 *
 * Meta charges a template message when it is delivered ("We only charge when a template message
 * is delivered", Pricing on the WhatsApp Business Platform): `spent` counts the messages at
 * delivered or read (a read message was delivered; Meta may send `read` without `delivered`).
 * `estimated` counts every message that may still be charged: written and neither cancelled nor
 * failed, so it is the whole campaign before the first send and settles on `spent` as the
 * outcomes come in.
 */
import type { CampaignCost } from '../../../shared/contracts';
import { STATUS } from '../constants';
import { fromUnits, rateUnits, type PriceTable, type PricedCategory } from './table';

export const CHARGED_STATUSES: readonly string[] = [STATUS.delivered, STATUS.read];
/** Messages that will not be charged whatever happens next. */
const NEVER_CHARGED: readonly string[] = [STATUS.cancelled, STATUS.failed, STATUS.undeliverable];

export interface CountryStatusCount {
  country: string | null;
  status: string;
  n: number;
}

export const isCharged = (status: unknown) => CHARGED_STATUSES.includes(String(status));

export function campaignCost(
  groups: CountryStatusCount[],
  table: PriceTable,
  pricing: { category: PricedCategory; assumed: boolean },
  estimateComplete: boolean
): CampaignCost {
  const byCountry = new Map<string | null, { recipients: number; delivered: number }>();
  for (const { country, status, n } of groups) {
    if (NEVER_CHARGED.includes(status)) continue;
    const row = byCountry.get(country) ?? { recipients: 0, delivered: 0 };
    row.recipients += n;
    if (isCharged(status)) row.delivered += n;
    byCountry.set(country, row);
  }
  let estimated = 0;
  let spent = 0;
  let unpriced = 0;
  const perCountry: CampaignCost['perCountry'] = [];
  for (const [country, { recipients, delivered }] of byCountry) {
    const rate = rateUnits(table, country, pricing.category);
    if (rate === null) unpriced += recipients;
    estimated += (rate ?? 0) * recipients;
    spent += (rate ?? 0) * delivered;
    perCountry.push({
      country,
      rate: rate === null ? null : fromUnits(rate),
      recipients,
      estimated: fromUnits((rate ?? 0) * recipients),
      delivered,
      spent: fromUnits((rate ?? 0) * delivered),
    });
  }
  perCountry.sort((a, b) => b.estimated - a.estimated || b.recipients - a.recipients || String(a.country).localeCompare(String(b.country)));
  return {
    currency: table.currency,
    category: pricing.category,
    categoryAssumed: pricing.assumed,
    ratesDate: table.effectiveFrom,
    estimated: fromUnits(estimated),
    spent: fromUnits(spent),
    estimateComplete,
    unpricedRecipients: unpriced,
    perCountry,
  };
}
