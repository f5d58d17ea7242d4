import type { Core } from '@strapi/strapi';
import type { Dashboard, DashboardCounts, DashboardFailure, DashboardGroup, DashboardPoint, DashboardQueue, DashboardSpend } from '../../../shared/contracts';
import { STATUS, UID } from '../constants';
import { getService, toDate } from '../utils';
import { columnOf, tableOf } from '../utils/sql';
import { C, M, TABLE, isPostgres } from '../queue/columns';
import { HOUR_MS, bucketOfHour, bucketStarts, localHourStart } from '../lib/period-buckets';
import { explainFailure } from '../providers/failure';
import { countryOfPhone } from '../pricing/market';
import { PRICED_CATEGORIES, fromUnits, rateUnits } from '../pricing/table';
import type { DashboardPeriod } from '../validation/dashboard';

/**
 * The dashboard (GET /whatsapp/dashboard): what was sent in a period and how it went, per day or
 * hour, per campaign, template and automation, why messages failed, what it cost, and the queue
 * as it stands.
 *
 * Every number comes from a grouped query (a row per hour, per campaign…, never a row per
 * message), so the answer takes the same few queries with 100 messages or 100,000.
 *
 * The period's outbound messages are those that left, or failed, in it (their send time, else
 * their failure time), counted by where they stand now: a message sent on Monday and read on
 * Tuesday is a Monday message that was read. So the rates of a day are about that day's messages
 * and never pass 100 %.
 */
const OUT_SENT = [STATUS.sent, STATUS.delivered, STATUS.read];
const OUT_DELIVERED = [STATUS.delivered, STATUS.read];
const OUT_FAILED = [STATUS.failed, STATUS.undeliverable];
const COUNTED = [...OUT_SENT, ...OUT_FAILED];
const TOP = 10;

type Row = Record<string, unknown>;
const n = (value: unknown) => Number(value ?? 0) || 0;
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** The counts and rates of one group of outbound messages. */
const countsOf = (row: Row): DashboardCounts => {
  const sent = n(row.sent);
  const delivered = n(row.delivered);
  const read = n(row.n_read);
  const failed = n(row.failed);
  return { sent, delivered, read, failed, deliveryRate: ratio(delivered, sent), readRate: ratio(read, delivered), failureRate: ratio(failed, sent + failed) };
};

const createDashboardService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;

  /** When an outbound message counts: sent, else (never sent) when it failed. */
  const ACTIVITY = `COALESCE(m.${M.sentAt}, m.${M.deliveredAt}, m.${M.readAt}, m.${M.failedAt})`;
  /** When an inbound message counts: received (the provider's time), else stored. */
  const RECEIVED = `COALESCE(m.${M.receivedAt}, m.${M.createdAt})`;

  /**
   * Whole hours from `anchor` to `column` as SQL. SQLite keeps datetimes as epoch milliseconds
   * (integer division); PostgreSQL as `timestamp` without a zone, so the anchor is cast to the
   * same type the way every stored value was.
   */
  const hourOf = (column: string) =>
    isPostgres() ? `FLOOR(EXTRACT(EPOCH FROM (${column} - CAST(? AS timestamp))) / 3600)` : `((${column} - ?) / ${HOUR_MS})`;

  /** The counts of a group, as SQL (one pass over the rows, whatever their statuses). */
  const COUNTS = [
    `SUM(CASE WHEN m.${M.status} IN (${list(OUT_SENT)}) THEN 1 ELSE 0 END) AS sent`,
    `SUM(CASE WHEN m.${M.status} IN (${list(OUT_DELIVERED)}) THEN 1 ELSE 0 END) AS delivered`,
    `SUM(CASE WHEN m.${M.status} = '${STATUS.read}' THEN 1 ELSE 0 END) AS n_read`,
    `SUM(CASE WHEN m.${M.status} IN (${list(OUT_FAILED)}) THEN 1 ELSE 0 END) AS failed`,
  ].join(', ');

  /** Of the rows of a group, those with an outcome: what orders the tables. */
  const VOLUME = `SUM(CASE WHEN m.${M.status} IN (${list(COUNTED)}) THEN 1 ELSE 0 END)`;

  /**
   * The period's outbound messages. Their statuses are sorted by the CASEs of COUNTS, not by the
   * WHERE: a `status IN (…)` there makes SQLite read most of the table through the queue's index,
   * a row lookup each, twice as slow as reading the table straight through.
   */
  const outbound = (period: DashboardPeriod) =>
    knex()(`${TABLE.message} as m`)
      .where(`m.${M.direction}`, 'out')
      .whereRaw(`${ACTIVITY} >= ?`, [period.from])
      .whereRaw(`${ACTIVITY} < ?`, [period.to]);

  /** A table's lines: the groups with the most messages, most first. */
  const groups = async (period: DashboardPeriod, column: string): Promise<Row[]> =>
    outbound(period)
      .whereNotNull(`m.${column}`)
      .groupBy(`m.${column}`)
      .select(knex().raw(`m.${column} AS grp, ${VOLUME} AS n, ${COUNTS}`))
      .havingRaw(`${VOLUME} > 0`)
      .orderByRaw(`${VOLUME} DESC, m.${column} ASC`)
      .limit(TOP);

  const named = async (uid: string, rows: Row[]): Promise<DashboardGroup[]> => {
    const ids = rows.map((row) => n(row.grp));
    const found: Array<{ id: number; name: string }> = ids.length ? await strapi.db.query(uid as typeof UID.campaign).findMany({ where: { id: { $in: ids } }, select: ['id', 'name'] }) : [];
    const names = new Map(found.map((row) => [Number(row.id), row.name]));
    return rows.map((row) => ({ id: n(row.grp), name: names.get(n(row.grp)) ?? null, messages: n(row.n), ...countsOf(row) }));
  };

  /**
   * The chart: outbound counts and replies per hour from the anchor, gathered into the points;
   * the period's totals are their sum (one pass over the period's messages for both).
   */
  const series = async (period: DashboardPeriod): Promise<{ points: DashboardPoint[]; totals: DashboardCounts; replies: number }> => {
    const starts = bucketStarts(period.from.getTime(), period.to.getTime(), period.bucket, period.timeZone);
    const anchor = new Date(localHourStart(period.from.getTime(), period.timeZone));
    const points: DashboardPoint[] = starts.map((start, i) => ({
      start: new Date(start).toISOString(),
      end: new Date(starts[i + 1] ?? period.to.getTime()).toISOString(),
      sent: 0,
      delivered: 0,
      read: 0,
      failed: 0,
      replies: 0,
    }));
    const hourly: Row[] = await outbound(period)
      .select(knex().raw(`${hourOf(ACTIVITY)} AS h, ${COUNTS}`, [anchor]))
      .groupByRaw('1');
    const sum = { sent: 0, delivered: 0, n_read: 0, failed: 0 };
    for (const row of hourly) {
      const point = points[bucketOfHour(starts, anchor.getTime(), n(row.h))];
      const counts = countsOf(row);
      point.sent += counts.sent;
      point.delivered += counts.delivered;
      point.read += counts.read;
      point.failed += counts.failed;
      sum.sent += counts.sent;
      sum.delivered += counts.delivered;
      sum.n_read += counts.read;
      sum.failed += counts.failed;
    }
    // Inbound messages are all `received`: the queue's index on status finds them without reading the rest.
    const inbound: Row[] = await knex()(`${TABLE.message} as m`)
      .where(`m.${M.status}`, STATUS.received)
      .where(`m.${M.direction}`, 'in')
      .whereRaw(`${RECEIVED} >= ?`, [period.from])
      .whereRaw(`${RECEIVED} < ?`, [period.to])
      .select(knex().raw(`${hourOf(RECEIVED)} AS h, COUNT(*) AS n`, [anchor]))
      .groupByRaw('1');
    let replies = 0;
    for (const row of inbound) {
      points[bucketOfHour(starts, anchor.getTime(), n(row.h))].replies += n(row.n);
      replies += n(row.n);
    }
    return { points, totals: countsOf(sum), replies };
  };

  /**
   * What the delivered template messages cost (Meta charges a template message when it is
   * delivered; service messages are free), by the price table in use. Sandbox messages and those
   * an SMS or email fallback carried cost nothing on WhatsApp. The market is the one stored on
   * the row; rows written before messages carried it are read from their number, grouped by it.
   */
  const spend = async (period: DashboardPeriod): Promise<DashboardSpend> => {
    const table = await getService('prices').table();
    // Charged: delivered or read, a category Meta prices, carried by WhatsApp through a real provider.
    const CHARGED = `SUM(CASE WHEN m.${M.status} IN (${list(OUT_DELIVERED)}) AND m.${M.category} IN (${list(PRICED_CATEGORIES)})
      AND m.${M.channel} = 'whatsapp' AND m.${M.provider} <> 'sandbox' THEN 1 ELSE 0 END)`;
    const byCountry: Row[] = await outbound(period)
      .whereNotNull(`m.${M.country}`)
      .groupBy(`m.${M.country}`, `m.${M.category}`)
      .select(knex().raw(`m.${M.country} AS country, m.${M.category} AS category, ${CHARGED} AS n`))
      .havingRaw(`${CHARGED} > 0`);
    const byNumber: Row[] = await outbound(period)
      .whereNull(`m.${M.country}`)
      .groupBy(`m.${M.to}`, `m.${M.category}`)
      // `to` is an SQL keyword: quoted by knex (`??`).
      .select(knex().raw(`?? AS phone, m.${M.category} AS category, ${CHARGED} AS n`, [`m.${M.to}`]))
      .havingRaw(`${CHARGED} > 0`);
    let units = 0;
    let unpriced = 0;
    const price = (country: string | null, category: unknown, count: number) => {
      const rate = rateUnits(table, country, category as (typeof PRICED_CATEGORIES)[number]);
      if (rate === null) unpriced += count;
      else units += rate * count;
    };
    for (const row of byCountry) price(String(row.country), row.category, n(row.n));
    for (const row of byNumber) price(countryOfPhone(row.phone as string | null), row.category, n(row.n));
    return { amount: fromUnits(units), currency: table.currency, ratesDate: table.effectiveFrom, unpricedMessages: unpriced };
  };

  /** The period's failures by code, explained (the providers' tables, and the plugin's own codes). */
  const failures = async (period: DashboardPeriod): Promise<DashboardFailure[]> => {
    const rows: Row[] = await outbound(period)
      .whereIn(`m.${M.status}`, OUT_FAILED)
      .groupBy(`m.${M.provider}`, `m.${M.errorCode}`)
      .select({ provider: `m.${M.provider}`, code: `m.${M.errorCode}` })
      .count({ n: '*' })
      .max({ text: `m.${M.errorText}` })
      .orderBy([
        { column: 'n', order: 'desc' },
        { column: 'code', order: 'asc' },
      ])
      .limit(TOP);
    return rows.map((row) => {
      const code = row.code === null || row.code === undefined || row.code === '' ? null : String(row.code);
      const provider = row.provider ? String(row.provider) : null;
      return { code, provider, count: n(row.n), failure: explainFailure(provider, code, row.text as string | null) };
    });
  };

  /** People who withdrew marketing consent in the period (the consent ledger, one per person). */
  const optOuts = async (period: DashboardPeriod): Promise<number> => {
    const column = (name: string) => columnOf(UID.consent, name);
    const row = await knex()(tableOf(UID.consent))
      .where(column('purpose'), 'marketing')
      .where(column('granted'), false)
      .where(column('at'), '>=', period.from)
      .where(column('at'), '<', period.to)
      .countDistinct({ n: column('contactId') })
      .first();
    return n(row?.n);
  };

  /**
   * The queue now: messages whose time has come and are not sent yet (a paused campaign's are
   * held on purpose, not late), the oldest one's wait, and the sends in doubt (a worker stopped
   * mid-request: its lease ran out, or the sweep held it as `unknown`).
   */
  const queue = async (now: Date): Promise<DashboardQueue> => {
    const due = await knex()(`${TABLE.message} as m`)
      .whereIn(`m.${M.status}`, [STATUS.queued, STATUS.scheduled])
      .where(`m.${M.dueAt}`, '<=', now)
      .whereRaw(`(m.${M.campaignId} IS NULL OR m.${M.campaignId} NOT IN (SELECT c.${C.id} FROM ${TABLE.campaign} c WHERE c.${C.status} = 'paused'))`)
      .count({ n: '*' })
      .min({ oldest: `m.${M.dueAt}` })
      .first();
    const inDoubt = await knex()(`${TABLE.message} as m`)
      .where((q) =>
        q
          .where((s) => s.where(`m.${M.status}`, STATUS.sending).where(`m.${M.leaseUntil}`, '<', now))
          .orWhere((u) => u.where(`m.${M.status}`, STATUS.unknown).where(`m.${M.errorCode}`, 'in-doubt'))
      )
      .count({ n: '*' })
      .first();
    const oldest = toDate(due?.oldest);
    return {
      due: n(due?.n),
      oldestDueAgeSeconds: oldest ? Math.max(0, Math.floor((now.getTime() - oldest.getTime()) / 1000)) : null,
      inDoubt: n(inDoubt?.n),
    };
  };

  /**
   * Outbound messages that left or failed since `from`: how many, how many failed (the alert
   * channel's failure rate, services/alerts.ts).
   */
  const outcomesSince = async (from: Date, to: Date): Promise<{ sent: number; failed: number }> => {
    const row: Row | undefined = await outbound({ from, to } as DashboardPeriod)
      .select(knex().raw(COUNTS))
      .first();
    const counts = countsOf(row ?? {});
    return { sent: counts.sent, failed: counts.failed };
  };

  /**
   * The oldest message a real provider (not the sandbox) accepted after `after` and before
   * `before`: a status webhook should have come back for it (the webhook-silence alert).
   */
  const oldestSentSince = async (after: Date | null, before: Date): Promise<Date | null> => {
    const query = knex()(`${TABLE.message} as m`)
      .where(`m.${M.direction}`, 'out')
      .where(`m.${M.channel}`, 'whatsapp')
      .whereNotIn(`m.${M.provider}`, ['sandbox'])
      .whereNotNull(`m.${M.sentAt}`)
      .where(`m.${M.sentAt}`, '<=', before);
    if (after) query.where(`m.${M.sentAt}`, '>', after);
    const row = await query.min({ oldest: `m.${M.sentAt}` }).first();
    return toDate(row?.oldest);
  };

  return {
    queue,
    outcomesSince,
    oldestSentSince,

    async summary(period: DashboardPeriod, now = new Date()): Promise<Dashboard> {
      const [chart, campaigns, templates, automations, topFailures, spent, optedOut, waiting, settings] = await Promise.all([
        series(period),
        groups(period, M.campaignId).then((rows) => named(UID.campaign, rows)),
        groups(period, M.templateName),
        groups(period, M.automationId).then((rows) => named(UID.automation, rows)),
        failures(period),
        spend(period),
        optOuts(period),
        queue(now),
        getService('settings').get(),
      ]);
      const { totals } = chart;
      const threshold = Number(settings.failureRateThreshold) || 0;
      return {
        period: { from: period.from.toISOString(), to: period.to.toISOString(), bucket: period.bucket, timeZone: period.timeZone },
        totals: { ...totals, replies: chart.replies, optOuts: optedOut, spend: spent },
        series: chart.points,
        byCampaign: campaigns,
        byTemplate: templates.map((row) => ({ id: null, name: String(row.grp), messages: n(row.n), ...countsOf(row) })),
        byAutomation: automations,
        topFailures,
        failureThreshold: threshold,
        failureAlert: threshold > 0 && totals.failureRate !== null && totals.failureRate > threshold,
        sandbox: settings.sandbox,
        queue: waiting,
        generatedAt: now.toISOString(),
      };
    },
  };
};

export type DashboardService = ReturnType<typeof createDashboardService>;
export default createDashboardService;
