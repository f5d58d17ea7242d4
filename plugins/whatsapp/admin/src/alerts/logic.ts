import type { ActiveAlert, AlertKind } from '../../../shared/contracts';

/** The alerts banner's pure logic: which alerts show, in what order, with which numbers. */

/**
 * Most urgent first: the account restricted (nothing may go out), failing messages, a number's
 * quality fallen, a provider gone quiet, then a late queue.
 */
export const ALERT_ORDER: AlertKind[] = ['account-restricted', 'failure-rate', 'sender-quality', 'webhook-silence', 'queue-age'];

/** Alerts raised by what a provider said (not a measured threshold): shown with the provider's words. */
export const isEventAlert = (alert: ActiveAlert) => alert.kind === 'sender-quality' || alert.kind === 'account-restricted';

/** The alerts the banner shows: known kinds only (an older admin with a newer server), most urgent first. */
export const visibleAlerts = (alerts: ActiveAlert[] | null | undefined): ActiveAlert[] =>
  (alerts ?? []).filter((a) => ALERT_ORDER.includes(a.kind)).sort((a, b) => ALERT_ORDER.indexOf(a.kind) - ALERT_ORDER.indexOf(b.kind));

/**
 * What the sentence of an alert measures: a failure rate (fractions, shown as percents) or a
 * wait (minutes, given in seconds for the dashboard's duration format).
 */
export type AlertMeasure = { unit: 'rate'; value: number; threshold: number } | { unit: 'wait'; valueSeconds: number; thresholdSeconds: number };

export const alertMeasure = (alert: ActiveAlert): AlertMeasure =>
  alert.kind === 'failure-rate'
    ? { unit: 'rate', value: alert.value, threshold: alert.threshold }
    : { unit: 'wait', valueSeconds: Math.max(0, Math.round(alert.value * 60)), thresholdSeconds: Math.max(0, Math.round(alert.threshold * 60)) };
