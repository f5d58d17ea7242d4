import { useEffect, useState } from 'react';
import { Box, Flex, Toggle, Typography, EmptyStateLayout, Field, LinkButton } from '@strapi/design-system';
import { Message } from '@strapi/icons';
import { NavLink } from 'react-router-dom';
import { Layouts, Page, useFetchClient, useNotification, useRBAC, useAPIErrorHandler } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import type { Settings } from '../../../shared/contracts';
import { PERMISSIONS } from '../constants';
import { getTranslation } from '../utils/getTranslation';

/**
 * useRBAC names each answer after the last segment of the action: `settings.sandbox` → canSandbox,
 * `inbox.read` → canRead (so no two actions here may end the same).
 */
const HOME_PERMISSIONS = [...PERMISSIONS.toggleSandbox, ...PERMISSIONS.readInbox];

const HomePage = () => {
  const { formatMessage } = useIntl();
  const { get, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const { allowedActions } = useRBAC(HOME_PERMISSIONS);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState(false);

  useEffect(() => {
    get<{ data: Settings }>('/whatsapp/settings')
      .then(({ data }) => setSettings(data.data))
      .catch(() => setError(true));
  }, [get]);

  const toggleSandbox = async (value: boolean) => {
    try {
      const { data } = await put<{ data: Settings }>('/whatsapp/settings', { data: { sandbox: value } });
      setSettings(data.data);
    } catch (e) {
      toggleNotification({ type: 'danger', message: formatAPIError(e as never) });
    }
  };

  if (error) return <Page.Error />;
  if (!settings) return <Page.Loading />;

  return (
    <Page.Main>
      <Layouts.Header
        title={formatMessage({ id: getTranslation('home.title'), defaultMessage: 'WhatsApp' })}
        subtitle={formatMessage({
          id: getTranslation('home.subtitle'),
          defaultMessage: 'Send, schedule and receive WhatsApp messages from Strapi.',
        })}
        primaryAction={
          allowedActions.canRead ? (
            <LinkButton tag={NavLink} to="inbox" startIcon={<Message />}>
              {formatMessage({ id: getTranslation('home.inbox'), defaultMessage: 'Open the inbox' })}
            </LinkButton>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius marginBottom={6}>
          <Flex direction="column" alignItems="stretch" gap={2}>
            <Field.Root
              name="sandbox"
              hint={formatMessage({
                id: getTranslation(settings.sandbox ? 'home.sandbox.on' : 'home.sandbox.off'),
                defaultMessage: settings.sandbox ? 'Sandbox mode: nothing leaves this machine.' : 'Live mode: messages go to the provider.',
              })}
            >
              <Field.Label>{formatMessage({ id: getTranslation('home.sandbox.label'), defaultMessage: 'Sandbox mode' })}</Field.Label>
              <Toggle
                checked={settings.sandbox}
                disabled={!allowedActions.canSandbox}
                onLabel="On"
                offLabel="Off"
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => toggleSandbox(e.target.checked)}
              />
              <Field.Hint />
            </Field.Root>
            <Typography variant="pi" textColor="neutral600">
              {formatMessage({ id: getTranslation('home.country'), defaultMessage: 'Default country' })}: {settings.defaultCountry}
            </Typography>
          </Flex>
        </Box>
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
