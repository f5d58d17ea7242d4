/**
 * Meta's published per-message rates for WhatsApp template messages, the seed of the campaign
 * price table (settings → `/whatsapp/settings/prices`, where administrators replace it).
 *
 * Source: Meta, "Pricing on the WhatsApp Business Platform", rate card in EUR ("List rates"),
 * effective 2026-07-01: https://developers.facebook.com/docs/whatsapp/pricing (section "Rate
 * cards"). Meta publishes the card as a CSV per currency; the figures below are that card's, as
 * two independent public transcriptions of it agree (market by market, every figure that both
 * print). A complete USD card of the same date was not at hand, so the seed is in euros, the
 * currency Meta prints it in, never converted.
 *
 * How Meta prices (same page): per *delivered* template message, by the template's category and
 * the country calling code of the recipient's number ("market"); markets without a rate of their
 * own share a regional one ("Rest of …"), and any country in no list pays "Other". Service
 * (non-template) messages were free until 2026-09-30; campaigns only send templates.
 *
 * Not modelled, so the figures are an estimate, not an invoice: volume tiers (lower utility and
 * authentication rates past a monthly volume), authentication-international rates, free utility
 * templates inside an open customer service window, free entry points, and a BSP's own fee
 * (Twilio adds its per-message fee on top of Meta's).
 *
 * The card of 2026-10-01 moved Bangladesh, Iraq, Kazakhstan, Kuwait, Morocco, Nepal, Oman, Sri
 * Lanka and Ukraine out of their regional groups onto rates of their own (Meta's pricing page,
 * "Rate card updates, effective October 1, 2026"): here they still carry their group's July rate
 * until an administrator enters the new card.
 *
 * Countries: ISO 3166-1 alpha-2 codes of each regional group as Meta's country list places them
 * (the "country calling codes" table of the same page). A country in none of them is `other`.
 */

export interface PublishedMarket {
  /** Meta's market name as the rate card prints it. */
  market: string;
  /** ISO 3166-1 alpha-2 codes priced at this market's rates (none for `Other`). */
  countries: string[];
  marketing: number;
  utility: number;
  authentication: number;
}

export const PUBLISHED_RATES: { currency: string; effectiveFrom: string; source: string; markets: PublishedMarket[] } = {
  currency: 'EUR',
  effectiveFrom: '2026-07-01',
  source: 'https://developers.facebook.com/docs/whatsapp/pricing',
  markets: [
    // Markets with rates of their own.
    { market: 'Argentina', countries: ['AR'], marketing: 0.0512, utility: 0.0216, authentication: 0.0216 },
    { market: 'Brazil', countries: ['BR'], marketing: 0.0518, utility: 0.0056, authentication: 0.0056 },
    { market: 'Chile', countries: ['CL'], marketing: 0.0736, utility: 0.0166, authentication: 0.0166 },
    { market: 'Colombia', countries: ['CO'], marketing: 0.0104, utility: 0.0008, authentication: 0.0008 },
    { market: 'Egypt', countries: ['EG'], marketing: 0.0533, utility: 0.003, authentication: 0.003 },
    { market: 'France', countries: ['FR'], marketing: 0.0712, utility: 0.0248, authentication: 0.0248 },
    { market: 'Germany', countries: ['DE'], marketing: 0.1131, utility: 0.0456, authentication: 0.0456 },
    { market: 'Hong Kong', countries: ['HK'], marketing: 0.0606, utility: 0.0216, authentication: 0.0216 },
    { market: 'Hungary', countries: ['HU'], marketing: 0.0712, utility: 0.0289, authentication: 0.0289 },
    { market: 'India', countries: ['IN'], marketing: 0.0099, utility: 0.0012, authentication: 0.0012 },
    { market: 'Indonesia', countries: ['ID'], marketing: 0.0341, utility: 0.0208, authentication: 0.0208 },
    { market: 'Israel', countries: ['IL'], marketing: 0.0292, utility: 0.0044, authentication: 0.0044 },
    { market: 'Italy', countries: ['IT'], marketing: 0.0658, utility: 0.0248, authentication: 0.0248 },
    { market: 'Malaysia', countries: ['MY'], marketing: 0.0712, utility: 0.0116, authentication: 0.0116 },
    { market: 'Mexico', countries: ['MX'], marketing: 0.0253, utility: 0.0071, authentication: 0.0071 },
    { market: 'Netherlands', countries: ['NL'], marketing: 0.1323, utility: 0.0414, authentication: 0.0414 },
    { market: 'Nigeria', countries: ['NG'], marketing: 0.0428, utility: 0.0056, authentication: 0.0056 },
    { market: 'Pakistan', countries: ['PK'], marketing: 0.0392, utility: 0.0083, authentication: 0.0083 },
    { market: 'Peru', countries: ['PE'], marketing: 0.0582, utility: 0.0166, authentication: 0.0166 },
    { market: 'Poland', countries: ['PL'], marketing: 0.0303, utility: 0.0101, authentication: 0.0101 },
    { market: 'Qatar', countries: ['QA'], marketing: 0.0282, utility: 0.0099, authentication: 0.0099 },
    { market: 'Romania', countries: ['RO'], marketing: 0.0712, utility: 0.0239, authentication: 0.0239 },
    { market: 'Russia', countries: ['RU'], marketing: 0.0664, utility: 0.0331, authentication: 0.0331 },
    { market: 'Saudi Arabia', countries: ['SA'], marketing: 0.0414, utility: 0.0088, authentication: 0.0088 },
    { market: 'Singapore', countries: ['SG'], marketing: 0.0606, utility: 0.0133, authentication: 0.0133 },
    { market: 'South Africa', countries: ['ZA'], marketing: 0.0314, utility: 0.0063, authentication: 0.0063 },
    { market: 'Spain', countries: ['ES'], marketing: 0.0585, utility: 0.0166, authentication: 0.0166 },
    { market: 'Turkey', countries: ['TR'], marketing: 0.009, utility: 0.0007, authentication: 0.0007 },
    { market: 'United Arab Emirates', countries: ['AE'], marketing: 0.0415, utility: 0.013, authentication: 0.013 },
    { market: 'United Kingdom', countries: ['GB'], marketing: 0.0526, utility: 0.0182, authentication: 0.0182 },
    // Regional groups.
    { market: 'North America', countries: ['US', 'CA'], marketing: 0.0207, utility: 0.0028, authentication: 0.0028 },
    {
      market: 'Rest of Africa',
      countries: ['DZ', 'AO', 'BJ', 'BW', 'BF', 'BI', 'CM', 'TD', 'CG', 'ER', 'ET', 'GA', 'GM', 'GH', 'GW', 'CI', 'KE', 'LS', 'LR', 'LY', 'MG', 'MW', 'ML', 'MR', 'MA', 'MZ', 'NA', 'NE', 'RW', 'SN', 'SL', 'SO', 'SS', 'SD', 'SZ', 'TZ', 'TG', 'TN', 'UG', 'ZM', 'ZW'],
      marketing: 0.0186,
      utility: 0.0033,
      authentication: 0.0033,
    },
    {
      market: 'Rest of Asia Pacific',
      countries: ['AF', 'AU', 'BD', 'KH', 'CN', 'JP', 'LA', 'MN', 'NP', 'NZ', 'PG', 'PH', 'LK', 'TW', 'TJ', 'TH', 'TM', 'UZ', 'VN'],
      marketing: 0.0606,
      utility: 0.0094,
      authentication: 0.0094,
    },
    {
      market: 'Rest of Central & Eastern Europe',
      // Kazakhstan shares Russia's +7; it was in this group until 2026-09-30.
      countries: ['AL', 'AM', 'AZ', 'BY', 'BG', 'HR', 'CZ', 'GE', 'GR', 'KZ', 'LV', 'LT', 'MD', 'MK', 'RS', 'SK', 'SI', 'UA'],
      marketing: 0.0712,
      utility: 0.0175,
      authentication: 0.0175,
    },
    {
      market: 'Rest of Latin America',
      // Including the +1 numbering plan's Dominican Republic, Jamaica and Puerto Rico.
      countries: ['BO', 'CR', 'DO', 'EC', 'SV', 'GT', 'HT', 'HN', 'JM', 'NI', 'PA', 'PY', 'PR', 'UY', 'VE'],
      marketing: 0.0612,
      utility: 0.0094,
      authentication: 0.0094,
    },
    { market: 'Rest of Middle East', countries: ['BH', 'IQ', 'JO', 'KW', 'LB', 'OM', 'YE'], marketing: 0.0282, utility: 0.0075, authentication: 0.0075 },
    { market: 'Rest of Western Europe', countries: ['AT', 'BE', 'DK', 'FI', 'IE', 'NO', 'PT', 'SE', 'CH'], marketing: 0.049, utility: 0.0142, authentication: 0.0142 },
    { market: 'Other', countries: [], marketing: 0.05, utility: 0.0064, authentication: 0.0064 },
  ],
};
