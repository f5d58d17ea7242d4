import { useCallback, useMemo } from 'react';
import { useIntl } from 'react-intl';

import { durationParts } from '../campaigns/logic';
import { formatRate } from './logic';

/** The dashboard's numbers in the viewer's locale: counts, rates, money, waits and times. */
export const useDashboardFormat = () => {
  const intl = useIntl();
  const number = useCallback((n: number) => intl.formatNumber(n), [intl]);
  const rate = useCallback((r: number | null | undefined) => formatRate(r, intl.locale), [intl]);
  const money = useCallback(
    (amount: number, currency: string) => {
      try {
        return intl.formatNumber(amount, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 4 });
      } catch {
        return `${intl.formatNumber(amount, { maximumFractionDigits: 4 })} ${currency}`;
      }
    },
    [intl]
  );
  const duration = useCallback(
    (seconds: number) => durationParts(seconds).map((p) => intl.formatNumber(p.value, { style: 'unit', unit: p.unit, unitDisplay: 'short' })).join(' '),
    [intl]
  );
  const time = useCallback((iso: string) => intl.formatTime(iso, { hour: 'numeric', minute: '2-digit' }), [intl]);
  return useMemo(() => ({ number, rate, money, duration, time, locale: intl.locale }), [number, rate, money, duration, time, intl.locale]);
};
