import type { Core } from '@strapi/strapi';
import { DEFAULT_OPT_IN_KEYWORDS, DEFAULT_OPT_OUT_KEYWORDS, UID } from '../constants';
import { getService } from '../utils';
import { readConfig } from '../config';
import { RuleError } from '../utils/errors';
import { checkAttributes } from '../validation/attributes';
import { hasRealProvider, MISSING_PROVIDER } from './senders';
import type { RetentionSettings, Settings as WireSettings } from '../../../shared/contracts';
import { retentionDays } from './webhooks';

/** The administrators' runtime settings: the wire contract is the stored shape. */
export type Settings = WireSettings;

export interface Actor {
  id?: number;
  email?: string;
}

const EDITABLE: (keyof Settings)[] = [
  'sandbox',
  'defaultCountry',
  'transactionalConsent',
  'optOutKeywords',
  'optInKeywords',
  'failureRateThreshold',
  'defaultTimeZone',
  'quietHoursStart',
  'quietHoursEnd',
  'quietHoursTransactional',
  'businessName',
  'businessAddress',
  'businessTaxId',
  'businessLogo',
  'currency',
  'taxRate',
  'alertEmail',
  'alertQueueAgeMinutes',
  'alertWebhookSilenceMinutes',
  // Only through PUT …/settings/prices (validation/prices.ts); settingsSchema does not take it.
  'priceTable',
  'retention',
];

/** Audit actions about contacts (services/privacy.ts), kept apart from the settings' history. */
export const CONTACT_AUDIT_ACTIONS = ['contact.export', 'contact.erase', 'contact.unblock'] as const;

/**
 * Retention until an administrator sets it: message texts kept, webhook events for
 * WHATSAPP_WEBHOOK_RETENTION_DAYS (raised to 7 when lower, as the webhooks service does).
 */
export const defaultRetention = (): RetentionSettings => ({ messageBodyDays: 0, webhookEventDays: retentionDays(readConfig().webhookRetentionDays).days });

/** The documents' defaults: Mexican pesos with 16 % IVA, the plugin's most common users. */
export const DEFAULT_CURRENCY = 'MXN';
export const DEFAULT_TAX_RATE = 16;
/** The alert channel's defaults: a queue late by 15 minutes, no status webhook for an hour. */
export const DEFAULT_ALERT_QUEUE_AGE_MINUTES = 15;
export const DEFAULT_ALERT_WEBHOOK_SILENCE_MINUTES = 60;
/** Logo formats pdfkit draws (services/record-pdf.ts). */
export const LOGO_MIMES = ['image/png', 'image/jpeg'];

/**
 * The plugin's settings: one row, created at boot from the environment's defaults, changed by
 * administrators. Every change writes an audit entry (who, before, after, when). Read on every
 * send, so the row is cached in memory and refreshed on write.
 *
 * Live mode is honest: sandbox mode is switched off only when a configured provider answers
 * (senders.liveModeProblem: 422 naming `sandbox` otherwise, nothing written), and a first boot
 * with WHATSAPP_SANDBOX=false and no provider keeps sandbox on, with a warning.
 */
const createSettingsService = ({ strapi }: { strapi: Core.Strapi }) => {
  // Cached briefly: read on every send, and short enough that instances sharing a database
  // see an administrator's toggle within a second.
  const TTL_MS = 1000;
  let cache: Settings | null = null;
  let cachedAt = 0;

  const defaults = (): Settings => ({
    sandbox: readConfig().sandbox,
    defaultCountry: readConfig().defaultCountry,
    transactionalConsent: 'implicit',
    optOutKeywords: DEFAULT_OPT_OUT_KEYWORDS,
    optInKeywords: DEFAULT_OPT_IN_KEYWORDS,
    failureRateThreshold: 0.1,
    defaultTimeZone: readConfig().defaultTimeZone,
    quietHoursStart: null,
    quietHoursEnd: null,
    quietHoursTransactional: false,
    businessName: null,
    businessAddress: null,
    businessTaxId: null,
    businessLogo: null,
    currency: DEFAULT_CURRENCY,
    taxRate: DEFAULT_TAX_RATE,
    alertEmail: null,
    alertQueueAgeMinutes: DEFAULT_ALERT_QUEUE_AGE_MINUTES,
    alertWebhookSilenceMinutes: DEFAULT_ALERT_WEBHOOK_SILENCE_MINUTES,
    priceTable: null,
    retention: defaultRetention(),
  });

  /**
   * A row from before the business settings existed has no currency (the API never stores none):
   * its tax rate is the default too, not "no tax". Once currency is set, a null tax rate is an
   * administrator's choice of no tax line.
   */
  const predatesBusiness = (row: Record<string, unknown>) => row.currency === null || row.currency === undefined;
  /** A JSON column: parsed already by Strapi, or text from a raw read. */
  const priceTableOf = (value: unknown): Settings['priceTable'] => {
    if (value === null || value === undefined || value === '') return null;
    if (typeof value !== 'string') return value as Settings['priceTable'];
    try {
      return JSON.parse(value) as Settings['priceTable'];
    } catch {
      return null;
    }
  };
  /** What an administrator set (stored), each period on its own; the rest follows the defaults. */
  const storedRetention = (value: unknown): Partial<RetentionSettings> => {
    let parsed = value;
    if (typeof value === 'string') {
      try {
        parsed = JSON.parse(value);
      } catch {
        return {};
      }
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: Partial<RetentionSettings> = {};
    for (const key of ['messageBodyDays', 'webhookEventDays'] as const) {
      const n = (parsed as Record<string, unknown>)[key];
      if (typeof n === 'number' && Number.isInteger(n) && n >= 0) out[key] = n;
    }
    return out;
  };
  const nullable = (value: unknown) => (value === null || value === undefined || value === '' ? null : String(value));

  const fromRow = (row: Record<string, unknown>): Settings => {
    const d = defaults();
    return {
      sandbox: row.sandbox === null || row.sandbox === undefined ? d.sandbox : Boolean(row.sandbox),
      defaultCountry: (row.defaultCountry as string) || d.defaultCountry,
      transactionalConsent: (row.transactionalConsent as Settings['transactionalConsent']) || d.transactionalConsent,
      optOutKeywords: (row.optOutKeywords as string[]) || d.optOutKeywords,
      optInKeywords: (row.optInKeywords as string[]) || d.optInKeywords,
      failureRateThreshold:
        row.failureRateThreshold === null || row.failureRateThreshold === undefined
          ? d.failureRateThreshold
          : Number(row.failureRateThreshold),
      defaultTimeZone: (row.defaultTimeZone as string) || d.defaultTimeZone,
      quietHoursStart: (row.quietHoursStart as string) || null,
      quietHoursEnd: (row.quietHoursEnd as string) || null,
      quietHoursTransactional: Boolean(row.quietHoursTransactional),
      businessName: nullable(row.businessName),
      businessAddress: nullable(row.businessAddress),
      businessTaxId: nullable(row.businessTaxId),
      businessLogo: row.businessLogo === null || row.businessLogo === undefined ? null : Number(row.businessLogo),
      currency: (row.currency as string) || d.currency,
      taxRate: predatesBusiness(row) ? d.taxRate : row.taxRate === null || row.taxRate === undefined ? null : Number(row.taxRate),
      alertEmail: nullable(row.alertEmail),
      // A row from before the alert settings existed: their defaults.
      alertQueueAgeMinutes: row.alertQueueAgeMinutes === null || row.alertQueueAgeMinutes === undefined ? d.alertQueueAgeMinutes : Number(row.alertQueueAgeMinutes),
      alertWebhookSilenceMinutes:
        row.alertWebhookSilenceMinutes === null || row.alertWebhookSilenceMinutes === undefined ? d.alertWebhookSilenceMinutes : Number(row.alertWebhookSilenceMinutes),
      priceTable: priceTableOf(row.priceTable),
      retention: { ...d.retention, ...storedRetention(row.retention) },
    };
  };

  /**
   * The logo must be a file of the media library that pdfkit can draw: 422 naming businessLogo
   * otherwise (a 400 would say the request is malformed; it is well formed, the file is wrong).
   */
  const checkLogo = async (id: number | null | undefined) => {
    if (id === null || id === undefined) return;
    const file = await strapi.db.query('plugin::upload.file').findOne({ where: { id }, select: ['id', 'mime'] });
    if (!file) throw new RuleError('businessLogo', 'not-found', `businessLogo: there is no file ${id} in the media library`);
    const mime = String(file.mime ?? '').toLowerCase();
    if (!LOGO_MIMES.includes(mime)) {
      throw new RuleError('businessLogo', 'image-type', `businessLogo must be a PNG or JPEG image; file ${id} is ${mime || 'of an unknown type'}`);
    }
  };

  const loadRow = () => strapi.db.query(UID.setting).findOne({});

  return {
    /**
     * Creates the settings row from the environment on first boot. The environment's default
     * (WHATSAPP_SANDBOX=false) does not switch live mode on without a provider: sandbox stays on
     * and the log says why. An administrator's earlier choice of live mode is kept (the messages
     * fail with `no-provider` until credentials come back, rather than vanish into the sandbox),
     * with a warning.
     */
    async init() {
      const row = await loadRow();
      const stored = row?.sandbox === null || row?.sandbox === undefined ? null : Boolean(row.sandbox);
      // Live by the environment's default (no stored choice yet), and nothing could send: sandbox stays on.
      const keepSandbox = stored === null && !defaults().sandbox && !hasRealProvider();
      if (keepSandbox) {
        strapi.log.warn(`[whatsapp] WHATSAPP_SANDBOX=false, but ${MISSING_PROVIDER}. Sandbox mode stays on: nothing is sent, and nothing is marked sent.`);
      } else if (stored === false && !hasRealProvider()) {
        strapi.log.warn(`[whatsapp] Live mode is on, but ${MISSING_PROVIDER}. Messages fail with "no-provider" until then (or switch sandbox mode on).`);
      }
      const webhookRetention = retentionDays(readConfig().webhookRetentionDays);
      if (webhookRetention.warning) strapi.log.warn(`[whatsapp] ${webhookRetention.warning}`);
      if (!row) {
        // Retention is stored only once an administrator sets it: until then it follows the environment.
        const { retention: _retention, ...d } = defaults();
        await strapi.db.query(UID.setting).create({ data: { ...d, sandbox: keepSandbox ? true : d.sandbox } });
      } else {
        // The first boot with the business settings stores their defaults once (see predatesBusiness).
        const backfill = predatesBusiness(row) ? { currency: DEFAULT_CURRENCY, taxRate: row.taxRate ?? DEFAULT_TAX_RATE } : {};
        if (keepSandbox || predatesBusiness(row)) {
          await strapi.db.query(UID.setting).update({ where: { id: row.id }, data: { ...backfill, ...(keepSandbox ? { sandbox: true } : {}) } });
        }
      }
      cache = null;
      return this.get();
    },

    async get(): Promise<Settings> {
      if (cache && Date.now() - cachedAt < TTL_MS) return cache;
      const row = await loadRow();
      cache = row ? fromRow(row) : defaults();
      cachedAt = Date.now();
      return cache;
    },

    /** Sandbox mode as it stands now (the admin toggle, else the environment's default). */
    async isSandbox() {
      return (await this.get()).sandbox;
    },

    /**
     * Applies a validated change and audits it; returns the new settings. Writers serialise on
     * the settings row (locked with SELECT … FOR UPDATE on PostgreSQL; SQLite runs one write
     * transaction at a time): each compares the patch with the row as it stands once it holds the
     * lock, so a change is written and audited once, and a write that changes nothing (the same
     * value sent again, or twenty times at once) writes no audit entry.
     */
    async update(patch: Partial<Settings>, actor: Actor): Promise<Settings> {
      const editable = Object.fromEntries(Object.entries(patch).filter(([key]) => EDITABLE.includes(key as keyof Settings))) as Partial<Settings>;
      checkAttributes(UID.setting, editable, { partial: true });
      if (Object.keys(editable).length === 0) return this.get();
      await checkLogo(editable.businessLogo);
      // Leaving sandbox mode needs a sender that answers (a few seconds at most, before any lock).
      if (editable.sandbox === false) {
        cache = null;
        if ((await this.get()).sandbox) {
          const problem = await getService('senders').liveModeProblem();
          if (problem) throw new RuleError('sandbox', problem.rule, problem.message);
        }
      }

      let changes: Partial<Settings> = {};
      await strapi.db.transaction(async () => {
        const query = strapi.db.queryBuilder(UID.setting).select('*').orderBy('id').first();
        const row = await (strapi.db.dialect.client === 'postgres' ? query.forUpdate() : query).execute<Record<string, unknown> | undefined>();
        if (!row) throw new Error('The settings row is missing (it is created at boot)');
        const before = fromRow(row);
        // A retention change names one period or both; the other keeps following its default, and
        // a period set to null goes back to it.
        let retentionPatch: Partial<RetentionSettings> | null = null;
        if (editable.retention) {
          const merged: Record<string, unknown> = { ...storedRetention(row.retention), ...editable.retention };
          retentionPatch = storedRetention(Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== null)));
          editable.retention = { ...defaultRetention(), ...retentionPatch };
        }
        changes = Object.fromEntries(
          Object.entries(editable).filter(([key, value]) => JSON.stringify(before[key as keyof Settings]) !== JSON.stringify(value))
        ) as Partial<Settings>;
        if (Object.keys(changes).length === 0) return;
        const write: Record<string, unknown> = { ...changes };
        if (changes.retention) write.retention = retentionPatch;
        await strapi.db.query(UID.setting).update({ where: { id: row.id }, data: write });
        await strapi.db.query(UID.auditEntry).create({
          data: {
            actorId: actor.id ?? null,
            actorEmail: actor.email ?? null,
            action: 'settings.update',
            before: Object.fromEntries(Object.keys(changes).map((k) => [k, before[k as keyof Settings]])),
            after: changes,
            at: new Date(),
          },
        });
      });
      cache = null;
      // Files customers sent while nothing could leave the machine can be fetched now.
      if (changes.sandbox === false) getService('inboundMedia').sweep();
      return this.get();
    },

    /** The settings' history (the contacts' exports and erasures are not settings: left out). */
    async audit(params: { limit?: number } = {}) {
      return strapi.db.query(UID.auditEntry).findMany({ where: { action: { $notIn: [...CONTACT_AUDIT_ACTIONS] } }, orderBy: { id: 'desc' }, limit: params.limit ?? 50 });
    },

    clearCache() {
      cache = null;
    },
  };
};

export type SettingsService = ReturnType<typeof createSettingsService>;
export default createSettingsService;
