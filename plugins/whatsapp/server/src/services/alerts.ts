import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { getService, toDate } from '../utils';
import { createJob, type Job } from '../workers/runner';
import { readConfig } from '../config';
import { hasRealProvider } from './senders';
import type { ActiveAlert, AlertKind } from '../../../shared/contracts';
import type { Settings } from './settings';

/** How often the thresholds are checked. */
export const ALERT_CHECK_MS = 3 * 60 * 1000;
/** The failure rate is that of the messages that left or failed in the latest hour… */
export const FAILURE_WINDOW_MS = 60 * 60 * 1000;
/** …once there are this many of them: two failures out of three is not yet a pattern. */
export const FAILURE_MIN_MESSAGES = 10;

const MINUTE_MS = 60_000;
/** The kinds measured against a threshold at each check. */
const KINDS: AlertKind[] = ['failure-rate', 'queue-age', 'webhook-silence'];
/** The kinds a provider's word raises and clears (webhooks, sender checks): the check leaves them alone. */
export type EventAlertKind = Extract<AlertKind, 'sender-quality' | 'account-restricted'>;

/** A threshold passed (value and threshold in the alert's unit), or null when all is well or the alert is off. */
type Reading = { value: number; threshold: number } | null;

interface AlertRow {
  id: number;
  kind: AlertKind;
  active: boolean;
  since: unknown;
  value: number | null;
  threshold: number | null;
  emailedAt: unknown;
  detail?: string | null;
}

/** The email, in English and Spanish (the address is an operator's, their language unknown). */
const mailOf = (kind: AlertKind, value: number, threshold: number, adminUrl: string, detail: string | null = null): { subject: string; text: string } => {
  const percent = (x: number) => `${Math.round(x * 1000) / 10} %`;
  const said = detail ?? '';
  const lines: Record<AlertKind, [string, string, string]> = {
    'sender-quality': [
      'WhatsApp: a sending number’s quality fell',
      `The provider reports: ${said}. Send fewer unwanted messages and check the quality rating in WhatsApp Manager.`,
      `El proveedor informa: ${said}. Envía menos mensajes no deseados y revisa la calificación de calidad en WhatsApp Manager.`,
    ],
    'account-restricted': [
      'WhatsApp: the business account is restricted',
      `Meta reports: ${said}. Read the notice in WhatsApp Manager (Account quality).`,
      `Meta informa: ${said}. Lee el aviso en WhatsApp Manager (Calidad de la cuenta).`,
    ],
    'failure-rate': [
      'WhatsApp: too many messages are failing',
      `${percent(value)} of the messages sent in the latest hour failed (the limit in the settings is ${percent(threshold)}).`,
      `El ${percent(value)} de los mensajes enviados en la última hora falló (el límite en la configuración es ${percent(threshold)}).`,
    ],
    'queue-age': [
      'WhatsApp: messages are waiting in the queue',
      `The oldest message due has waited ${Math.round(value)} minutes (the limit in the settings is ${threshold}). Is a worker running?`,
      `El mensaje pendiente más antiguo lleva ${Math.round(value)} minutos esperando (el límite en la configuración es ${threshold}). ¿Hay un worker en marcha?`,
    ],
    'webhook-silence': [
      'WhatsApp: no webhooks from the provider',
      `No webhook has come for ${Math.round(value)} minutes although messages were sent (the limit in the settings is ${threshold}). Check the webhook URL at the provider.`,
      `No ha llegado ningún webhook en ${Math.round(value)} minutos aunque se enviaron mensajes (el límite en la configuración es ${threshold}). Revisa la URL del webhook en el proveedor.`,
    ],
  };
  const [subject, english, spanish] = lines[kind];
  return {
    subject,
    text: `${english}\n\n${spanish}\n\nOne email per alert: the next one once this clears and happens again. / Un correo por alerta: el siguiente cuando esto se resuelva y vuelva a ocurrir.\n\n${adminUrl}`,
  };
};

/**
 * The alert channel. Every few minutes (on the shared runner, one check at a time per instance)
 * each threshold in the settings is read against the data:
 *
 * - failure rate: of the messages that left or failed in the latest hour (at least ten), above
 *   `failureRateThreshold`;
 * - queue age: the oldest due message has waited `alertQueueAgeMinutes`;
 * - webhook silence: a real provider accepted a message `alertWebhookSilenceMinutes` ago and no
 *   webhook came since (outside sandbox mode, with a provider configured). An idle night, with
 *   nothing sent, is not silence.
 *
 * An alert that begins is stored as active (one row per kind: the admin shows a banner) and
 * emailed once to `alertEmail`; while it lasts nothing more is sent; once it clears the next
 * time it begins is a new alert. Instances sharing the database agree through the row: the
 * update that turns it on, or claims its email, wins once.
 */
const createAlertsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const rows = () => strapi.db.query(UID.alert);
  let job: Job | null = null;

  const reading = async (kind: AlertKind, settings: Settings, now: Date): Promise<Reading> => {
    const dashboard = getService('dashboard');
    if (kind === 'failure-rate') {
      const threshold = Number(settings.failureRateThreshold) || 0;
      if (threshold <= 0) return null;
      const { sent, failed } = await dashboard.outcomesSince(new Date(now.getTime() - FAILURE_WINDOW_MS), now);
      const total = sent + failed;
      return total >= FAILURE_MIN_MESSAGES && failed / total > threshold ? { value: failed / total, threshold } : null;
    }
    if (kind === 'queue-age') {
      const threshold = settings.alertQueueAgeMinutes;
      if (!threshold) return null;
      const { oldestDueAgeSeconds } = await dashboard.queue(now);
      const minutes = (oldestDueAgeSeconds ?? 0) / 60;
      return oldestDueAgeSeconds !== null && minutes >= threshold ? { value: Math.floor(minutes), threshold } : null;
    }
    const threshold = settings.alertWebhookSilenceMinutes;
    if (!threshold || settings.sandbox || !hasRealProvider()) return null;
    const last = await getService('health').lastWebhookAt();
    const unanswered = await dashboard.oldestSentSince(last, new Date(now.getTime() - threshold * MINUTE_MS));
    if (!unanswered) return null;
    return { value: Math.floor((now.getTime() - (last ?? unanswered).getTime()) / MINUTE_MS), threshold };
  };

  /** The row of a kind, created on first use (two instances creating it at once: one wins, both read it). */
  const rowOf = async (kind: AlertKind): Promise<AlertRow> => {
    const found = (await rows().findOne({ where: { kind } })) as AlertRow | null;
    if (found) return found;
    try {
      return (await rows().create({ data: { kind, active: false } })) as AlertRow;
    } catch (error) {
      const again = (await rows().findOne({ where: { kind } })) as AlertRow | null;
      if (again) return again;
      throw error;
    }
  };

  /** The dashboard's address when PUBLIC_URL says where the app is. */
  const adminUrl = () => {
    const base = readConfig().publicUrl;
    return base ? `${base.replace(/\/$/, '')}/admin/plugins/whatsapp` : '';
  };

  /** Emails an active alert once: the update that claims its email wins; a failed send gives the claim back. */
  const email = async (kind: AlertKind, to: string | null, value: number, threshold: number, now: Date, detail: string | null = null) => {
    if (!to) return;
    const { count } = await rows().updateMany({ where: { kind, active: true, emailedAt: null }, data: { emailedAt: now } });
    if (!count) return;
    try {
      await strapi.plugin('email').service('email').send({ to, ...mailOf(kind, value, threshold, adminUrl(), detail) });
      strapi.log.warn(`[whatsapp] alert ${kind}: emailed ${to}`);
    } catch (error) {
      await rows().updateMany({ where: { kind, active: true }, data: { emailedAt: null } });
      strapi.log.warn(`[whatsapp] alert ${kind}: the email to ${to} could not be sent (${(error as Error)?.message ?? error}); tried again at the next check`);
    }
  };

  const checkOne = async (kind: AlertKind, settings: Settings, now: Date) => {
    const passed = await reading(kind, settings, now);
    const row = await rowOf(kind);
    if (!passed) {
      if (row.active) {
        await rows().updateMany({ where: { kind, active: true }, data: { active: false, clearedAt: now } });
        strapi.log.info(`[whatsapp] alert ${kind} cleared`);
      }
      return;
    }
    if (row.active) {
      await rows().update({ where: { id: row.id }, data: { value: passed.value, threshold: passed.threshold } });
    } else {
      const { count } = await rows().updateMany({
        where: { kind, active: false },
        data: { active: true, since: now, value: passed.value, threshold: passed.threshold, emailedAt: null, clearedAt: null },
      });
      if (count) strapi.log.warn(`[whatsapp] alert ${kind}: ${passed.value} passed the threshold ${passed.threshold}`);
    }
    await email(kind, settings.alertEmail, passed.value, passed.threshold, now);
  };

  return {
    /**
     * An event alert begins (or, standing already, says the latest): stored active with what the
     * provider said, emailed once like the threshold alerts. Returns true when it began now.
     */
    async raise(kind: EventAlertKind, detail: string, now = new Date()): Promise<boolean> {
      const row = await rowOf(kind);
      const text = detail.slice(0, 2000);
      let began = false;
      if (row.active) await rows().update({ where: { id: row.id }, data: { detail: text } });
      else {
        const { count } = await rows().updateMany({
          where: { kind, active: false },
          data: { active: true, since: now, value: null, threshold: null, detail: text, emailedAt: null, clearedAt: null },
        });
        began = count > 0;
        if (began) strapi.log.warn(`[whatsapp] alert ${kind}: ${text}`);
      }
      const settings = await getService('settings').get();
      await email(kind, settings.alertEmail, 0, 0, now, text);
      return began;
    },

    /** An event alert ends: the provider said the number or the account is well again. */
    async clear(kind: EventAlertKind, now = new Date()) {
      const { count } = await rows().updateMany({ where: { kind, active: true }, data: { active: false, clearedAt: now } });
      if (count) strapi.log.info(`[whatsapp] alert ${kind} cleared`);
    },

    /** One check of every threshold; returns the alerts active after it. */
    async check(now = new Date()): Promise<ActiveAlert[]> {
      const settings = await getService('settings').get();
      for (const kind of KINDS) {
        try {
          await checkOne(kind, settings, now);
        } catch (error) {
          strapi.log.warn(`[whatsapp] alert ${kind}: the check failed: ${(error as Error)?.message ?? error}`);
        }
      }
      return this.active();
    },

    /** The alerts that stand now (the banner). */
    async active(): Promise<ActiveAlert[]> {
      const found = (await rows().findMany({ where: { active: true }, orderBy: { since: 'asc' } })) as AlertRow[];
      return found.map((row) => ({
        kind: row.kind,
        since: (toDate(row.since) ?? new Date()).toISOString(),
        value: Number(row.value ?? 0),
        threshold: Number(row.threshold ?? 0),
        emailedAt: toDate(row.emailedAt)?.toISOString() ?? null,
        // Only event alerts carry words of their own.
        ...(row.detail ? { detail: row.detail } : {}),
      }));
    },

    start() {
      if (job) return;
      job = createJob({
        name: 'alerts',
        intervalMs: ALERT_CHECK_MS,
        work: async () => {
          await this.check();
          return 0;
        },
        log: strapi.log,
      });
      job.start();
    },

    async stop() {
      await job?.stop();
      job = null;
    },
  };
};

export type AlertsService = ReturnType<typeof createAlertsService>;
export default createAlertsService;
