import { useCallback, useMemo } from 'react';
import { useIntl } from 'react-intl';

import type { CampaignExclusionReason, CampaignState } from '../../../shared/campaigns';
import { useT } from '../utils/useT';
import { durationParts, type ClientRule, type PhoneRowError } from './logic';

/** A live query's filters as people write them. */
export const FILTERS_EXAMPLE = '{ "country": { "$eq": "MX" } }';

/**
 * The campaigns screens' words and numbers in the user's language: states, exclusion reasons,
 * the wizard's own checks, money in the price table's currency, durations and dates.
 */
export const useCampaignText = () => {
  const t = useT();
  const intl = useIntl();

  const stateLabel = useCallback(
    (state: CampaignState) =>
      ({
        draft: t('campaigns.state.draft', 'Draft'),
        launching: t('campaigns.state.launching', 'Preparing'),
        scheduled: t('campaigns.state.scheduled', 'Scheduled'),
        running: t('campaigns.state.running', 'Sending'),
        paused: t('campaigns.state.paused', 'Paused'),
        cancelled: t('campaigns.state.cancelled', 'Cancelled'),
        completed: t('campaigns.state.completed', 'Completed'),
      })[state] ?? state,
    [t]
  );

  const reasonLabel = useCallback(
    (reason: string) =>
      ({
        'no-consent': t('campaigns.reason.no-consent', 'No marketing consent'),
        'opted-out': t('campaigns.reason.opted-out', 'Asked not to receive messages'),
        'invalid-phone': t('campaigns.reason.invalid-phone', 'The number is not valid'),
        duplicate: t('campaigns.reason.duplicate', 'Repeated: already receives this campaign'),
        template: t('campaigns.reason.template', 'The template cannot be filled with their data'),
        'no-phone': t('campaigns.reason.no-phone', 'No phone number on the record'),
      } as Record<CampaignExclusionReason, string>)[reason as CampaignExclusionReason] ?? reason,
    [t]
  );

  const ruleLabel = useCallback(
    (rule: ClientRule) =>
      ({
        required: t('campaigns.rule.required', 'This field is required'),
        json: t('campaigns.rule.json', 'This is not valid JSON'),
        'json-object': t('campaigns.rule.json-object', 'Write a JSON object, e.g. {example}', { example: FILTERS_EXAMPLE }),
        date: t('campaigns.rule.date', 'Choose a date and time'),
        pacing: t('campaigns.rule.pacing', 'Write a number greater than 0'),
      })[rule],
    [t]
  );

  const phoneErrorLabel = useCallback(
    (reason: PhoneRowError['reason']) =>
      ({
        empty: t('campaigns.csv.empty', 'No number in this row'),
        invalid: t('campaigns.csv.invalid', 'Not a phone number'),
        duplicate: t('campaigns.csv.duplicate', 'Repeated number'),
      })[reason],
    [t]
  );

  const money = useCallback(
    (amount: number, currency: string) => {
      try {
        return intl.formatNumber(amount, { style: 'currency', currency, maximumFractionDigits: 4, minimumFractionDigits: 2 });
      } catch {
        return `${intl.formatNumber(amount, { maximumFractionDigits: 4 })} ${currency}`;
      }
    },
    [intl]
  );

  const number = useCallback((n: number) => intl.formatNumber(n), [intl]);

  const duration = useCallback(
    (seconds: number) => durationParts(seconds).map((p) => intl.formatNumber(p.value, { style: 'unit', unit: p.unit, unitDisplay: 'short' })).join(' '),
    [intl]
  );

  const date = useCallback((value: string | null | undefined) => (value ? intl.formatDate(value, { dateStyle: 'medium', timeStyle: 'short' }) : ''), [intl]);

  /** The stats' explanations come in Spanish or English: the admin's language picks. */
  const lang = intl.locale.toLowerCase().startsWith('es') ? 'es' : 'en';

  return useMemo(() => ({ t, stateLabel, reasonLabel, ruleLabel, phoneErrorLabel, money, number, duration, date, lang }), [t, stateLabel, reasonLabel, ruleLabel, phoneErrorLabel, money, number, duration, date, lang]);
};
