import { EmptyStateLayout } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { getTranslation } from '../utils/getTranslation';

const HomePage = () => {
  const { formatMessage } = useIntl();

  return (
    <Page.Main>
      <Layouts.Header
        title={formatMessage({ id: getTranslation('home.title'), defaultMessage: 'WhatsApp' })}
        subtitle={formatMessage({
          id: getTranslation('home.subtitle'),
          defaultMessage: 'Send, schedule and receive WhatsApp messages from Strapi.',
        })}
      />
      <Layouts.Content>
        <EmptyStateLayout
          content={formatMessage({
            id: getTranslation('home.empty'),
            defaultMessage: 'Nothing here yet. Messages, templates and conversations will appear here.',
          })}
        />
      </Layouts.Content>
    </Page.Main>
  );
};

export { HomePage };
