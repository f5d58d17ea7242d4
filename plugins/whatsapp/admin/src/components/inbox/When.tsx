import { useIntl } from 'react-intl';

import { relativeTime } from '../../inbox/format';

/** "hace 5 minutos" for the last week, the date after that; the exact time on hover. */
export const When = ({ at, now }: { at: string | null | undefined; now: number }) => {
  const { formatRelativeTime, formatDate } = useIntl();
  if (!at) return null;
  const relative = relativeTime(at, now);
  const exact = formatDate(at, { dateStyle: 'medium', timeStyle: 'short' });
  const text = relative ? formatRelativeTime(relative.value, relative.unit, { numeric: 'auto' }) : formatDate(at, { day: 'numeric', month: 'short' });
  return (
    <time dateTime={at} title={exact}>
      {text}
    </time>
  );
};
