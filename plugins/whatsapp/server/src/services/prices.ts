import type { Core } from '@strapi/strapi';
import type { CampaignCost, PriceTableAnswer } from '../../../shared/contracts';
import { UID } from '../constants';
import { getService } from '../utils';
import { M, TABLE } from '../queue/columns';
import { campaignCost, type CountryStatusCount } from '../pricing/cost';
import { pricedCategory, publishedTable, type PriceTable } from '../pricing/table';
import type { Actor } from './settings';

/**
 * The campaign price table and what a campaign costs by it. The table lives in the settings row
 * (`priceTable`, audited like every setting); null there means Meta's published rates.
 */
const createPricesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;

  return {
    /** The table in use: the administrators' one, else Meta's published rates. */
    async table(): Promise<PriceTableAnswer> {
      const stored = (await getService('settings').get()).priceTable;
      return stored ? { ...stored, edited: true } : { ...publishedTable(), edited: false };
    },

    async replace(table: PriceTable, actor: Actor): Promise<PriceTableAnswer> {
      await getService('settings').update({ priceTable: table }, actor);
      return this.table();
    },

    /** Back to Meta's published rates. */
    async reset(actor: Actor): Promise<PriceTableAnswer> {
      await getService('settings').update({ priceTable: null }, actor);
      return this.table();
    },

    /** The rate a campaign's messages pay: its template's category (marketing when unknown). */
    async pricingOf(campaign: { template: string | null }) {
      const template = campaign.template ? await strapi.db.query(UID.template).findOne({ where: { name: campaign.template }, select: ['category'] }) : null;
      return { table: await this.table(), ...pricedCategory(template?.category) };
    },

    /**
     * The estimate and the spend of a campaign. The market of each message is stored on its row
     * at fan-out (`country`), so this is one grouped query on the campaign's index, answering a
     * row per country and status (a few dozen), whether the campaign has 10 recipients or
     * 100,000; parsing 100,000 numbers on every stats request instead would take seconds.
     */
    async campaignCost(campaign: { id: number; template: string | null; fannedOutAt: string | null }): Promise<CampaignCost> {
      const rows: Array<Record<string, unknown>> = await knex()(TABLE.message)
        .where(M.campaignId, campaign.id)
        .groupBy(M.country, M.status)
        .select(M.country, M.status)
        .count({ n: '*' });
      const groups: CountryStatusCount[] = rows.map((row) => ({ country: row[M.country] ? String(row[M.country]) : null, status: String(row[M.status]), n: Number(row.n) }));
      const { table, category, assumed } = await this.pricingOf(campaign);
      return campaignCost(groups, table, { category, assumed }, Boolean(campaign.fannedOutAt));
    },
  };
};

export type PricesService = ReturnType<typeof createPricesService>;
export default createPricesService;
