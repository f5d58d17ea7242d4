import { useMemo } from 'react';
import { Box } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { useTheme } from 'styled-components';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import type { DashboardBucket, DashboardPoint } from '../../../shared/contracts';
import { useT } from '../utils/useT';
import { pointLabel } from './logic';

type Series = 'sent' | 'delivered' | 'read' | 'failed' | 'replies';

/**
 * The period over time: sent, delivered, read, failed and replies per day (or hour), one line
 * each, in the design system's colours; the axis and the tooltip in the viewer's language.
 */
export const DashboardChart = ({ series, bucket, timeZone }: { series: DashboardPoint[]; bucket: DashboardBucket; timeZone?: string }) => {
  const t = useT();
  const intl = useIntl();
  const { colors } = useTheme();

  const lines: Array<{ key: Series; name: string; color: string }> = [
    { key: 'sent', name: t('dashboard.stat.sent', 'Sent'), color: colors.primary600 },
    { key: 'delivered', name: t('dashboard.stat.delivered', 'Delivered'), color: colors.success600 },
    { key: 'read', name: t('dashboard.stat.read', 'Read'), color: colors.secondary600 },
    { key: 'failed', name: t('dashboard.stat.failed', 'Failed'), color: colors.danger600 },
    { key: 'replies', name: t('dashboard.stat.replies', 'Replies'), color: colors.warning600 },
  ];
  const data = useMemo(() => series.map((point) => ({ ...point, label: pointLabel(point, bucket, intl.locale, timeZone) })), [series, bucket, intl.locale, timeZone]);

  return (
    <Box height="320px" width="100%" role="img" aria-label={t('dashboard.chart.label', 'Messages over time')}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke={colors.neutral200} strokeDasharray="3 3" />
          <XAxis dataKey="label" tick={{ fill: colors.neutral600, fontSize: 12 }} minTickGap={16} />
          <YAxis allowDecimals={false} tick={{ fill: colors.neutral600, fontSize: 12 }} tickFormatter={(value: number) => intl.formatNumber(value, { notation: 'compact' })} width={48} />
          <Tooltip
            formatter={(value: number, name: string) => [intl.formatNumber(value), name]}
            contentStyle={{ background: colors.neutral0, border: `1px solid ${colors.neutral200}`, borderRadius: 4, color: colors.neutral800 }}
          />
          <Legend />
          {lines.map((line) => (
            <Line key={line.key} type="monotone" dataKey={line.key} name={line.name} stroke={line.color} strokeWidth={2} dot={series.length <= 31} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </Box>
  );
};
