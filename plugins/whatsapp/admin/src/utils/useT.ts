import { useCallback } from 'react';
import { useIntl } from 'react-intl';

import { getTranslation } from './getTranslation';

type Values = Record<string, string | number | boolean | null | undefined | Date>;

/** `t('inbox.title', 'Inbox')`: the plugin's translation of a key, with its English default. */
export const useT = () => {
  const { formatMessage } = useIntl();
  return useCallback((id: string, defaultMessage: string, values?: Values) => formatMessage({ id: getTranslation(id), defaultMessage }, values), [formatMessage]);
};
