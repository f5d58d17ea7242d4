import { useCallback, useMemo } from 'react';
import { useIntl } from 'react-intl';

import type { AutomationCategory, AutomationConditionOp, AutomationRunState, AutomationTrigger } from '../../../shared/automations';
import { useT } from '../utils/useT';
import { fieldLabel, runReason, type TriggerSummary } from './logic';

/**
 * The automations screens' words in the user's language: triggers, operators, run states, the
 * preview's verdict, a rule's trigger in a sentence and a run's reason in plain words (the
 * server writes reasons in English; the ones it always writes the same way are said here).
 */
export const useAutomationText = () => {
  const t = useT();
  const intl = useIntl();

  const triggerLabel = useCallback(
    (trigger: AutomationTrigger) =>
      ({
        'field-change': t('automations.trigger.field-change', 'When a field changes to a value'),
        created: t('automations.trigger.created', 'When a record is created'),
        date: t('automations.trigger.date', 'Before or after a date of the record'),
        manual: t('automations.trigger.manual', 'Only by hand, from the record'),
      })[trigger] ?? trigger,
    [t]
  );

  const opLabel = useCallback(
    (op: AutomationConditionOp) =>
      ({
        eq: t('automations.op.eq', 'is'),
        ne: t('automations.op.ne', 'is not'),
        in: t('automations.op.in', 'is one of'),
        notIn: t('automations.op.notIn', 'is none of'),
        empty: t('automations.op.empty', 'is empty'),
        notEmpty: t('automations.op.notEmpty', 'is filled in'),
      })[op] ?? op,
    [t]
  );

  const stateLabel = useCallback(
    (state: AutomationRunState) =>
      ({
        pending: t('panel.run.pending', 'Pending'),
        processing: t('panel.run.processing', 'Processing'),
        queued: t('panel.run.queued', 'Queued'),
        sent: t('panel.run.sent', 'Sent'),
        skipped: t('panel.run.skipped', 'Skipped'),
        failed: t('panel.run.failed', 'Failed'),
      })[state] ?? state,
    [t]
  );

  const categoryLabel = useCallback(
    (category: AutomationCategory) =>
      ({
        utility: t('templates.category.utility', 'Utility'),
        marketing: t('templates.category.marketing', 'Marketing'),
        authentication: t('templates.category.authentication', 'Authentication'),
      })[category] ?? category,
    [t]
  );

  const outcomeLabel = useCallback(
    (outcome: 'send' | 'skipped' | 'failed') =>
      ({
        send: t('automations.outcome.send', 'Would be sent'),
        skipped: t('automations.outcome.skipped', 'Would be skipped'),
        failed: t('automations.outcome.failed', 'Would fail'),
      })[outcome],
    [t]
  );

  /** A value read from the record; nothing is said as "empty". */
  const shown = useCallback((value: string) => (value === '' ? t('automations.value.empty', 'empty') : value), [t]);

  const triggerText = useCallback(
    (s: TriggerSummary) => {
      switch (s.kind) {
        case 'created':
          return t('automations.summary.created', 'When a record is created');
        case 'manual':
          return t('automations.summary.manual', 'Only by hand');
        case 'date': {
          const values = { days: s.days, field: fieldLabel(s.field), at: s.at };
          if (s.direction === 'on') return t('automations.summary.dateOn', 'On the day of {field}, at {at}', values);
          return s.direction === 'before'
            ? t('automations.summary.dateBefore', '{days, plural, one {# day} other {# days}} before {field}, at {at}', values)
            : t('automations.summary.dateAfter', '{days, plural, one {# day} other {# days}} after {field}, at {at}', values);
        }
        default:
          return s.from
            ? t('automations.summary.changeFrom', 'When {field} changes from {from} to {to}', { field: fieldLabel(s.field), from: s.from, to: s.to ?? '' })
            : t('automations.summary.change', 'When {field} changes to {to}', { field: fieldLabel(s.field), to: s.to ?? '' });
      }
    },
    [t]
  );

  /** A condition in a sentence: `customer › country is one of MX, CO`. */
  const conditionText = useCallback(
    (field: string, op: AutomationConditionOp, expected: string) => `${fieldLabel(field)} ${opLabel(op)}${expected ? ` ${expected}` : ''}`,
    [opLabel]
  );

  /** A run's reason (or a preview's) in plain words; words the server wrote otherwise are shown as written. */
  const reasonText = useCallback(
    (reason: string | null | undefined): string => {
      const r = runReason(reason);
      if (!r) return '';
      switch (r.kind) {
        case 'condition':
          return t('automations.reason.condition', 'A condition did not hold: “{condition}” — it is {actual}.', {
            condition: conditionText(r.field, r.op, r.expected),
            actual: shown(r.actual),
          });
        case 'no-number':
          return t('automations.reason.noNumber', 'The record has no phone number in {path}.', { path: fieldLabel(r.path) });
        case 'disabled':
          return t('automations.reason.disabled', 'The automation was turned off when the message was due.');
        case 'deleted':
          return t('automations.reason.deleted', 'The automation was deleted before the message was sent.');
        case 'record-gone':
          return t('automations.reason.recordGone', 'The record was deleted (or is not published) when the message was due.');
        case 'template':
          return t('automations.reason.template', 'The template “{name}” does not exist or is inactive.', { name: r.name });
        case 'consent':
          return t('automations.reason.consent', 'The contact has not given the consent this kind of message needs.');
        case 'phone':
          return t('automations.reason.phone', 'The phone number cannot be used: {detail}', { detail: r.detail });
        case 'message': {
          const status =
            ({
              failed: t('inbox.status.failed', 'Failed'),
              cancelled: t('inbox.status.cancelled', 'Cancelled'),
              undeliverable: t('inbox.status.undeliverable', 'Undeliverable'),
            } as Record<string, string>)[r.status] ?? r.status;
          return t('automations.reason.message', 'The message did not arrive ({status}): {detail}', { status, detail: r.detail });
        }
        case 'write-back':
          return t('automations.reason.writeBack', 'Sent, but the time could not be written in {field}: {detail}', { field: fieldLabel(r.field), detail: r.detail });
        default:
          return r.text;
      }
    },
    [t, conditionText, shown]
  );

  /** What set the run off: the two fixed phrases translated, a field's change as written. */
  const changeText = useCallback(
    (change: string | null) => (change === 'sent by hand' ? t('panel.run.manual', 'sent by hand') : change === 'created' ? t('panel.run.created', 'record created') : (change ?? '')),
    [t]
  );

  const date = useCallback((value: string | null | undefined) => (value ? intl.formatDate(value, { dateStyle: 'medium', timeStyle: 'short' }) : ''), [intl]);
  const number = useCallback((n: number) => intl.formatNumber(n), [intl]);

  return useMemo(
    () => ({ t, triggerLabel, opLabel, stateLabel, categoryLabel, outcomeLabel, triggerText, conditionText, reasonText, changeText, shown, date, number }),
    [t, triggerLabel, opLabel, stateLabel, categoryLabel, outcomeLabel, triggerText, conditionText, reasonText, changeText, shown, date, number]
  );
};

export type AutomationText = ReturnType<typeof useAutomationText>;
