import { useEffect, useState } from 'react';
import { Box, Flex, Toggle, Typography, EmptyStateLayout, Field, LinkButton } from '@strapi/design-system';
import { Clock, Cog, Lightning, Message, PaperPlane, Pencil, Rocket, Upload, User } from '@strapi/icons';
import { NavLink } from 'react-router-dom';
import { Layouts, Page, useFetchClient, useNotification, useRBAC, useAPIErrorHandler } from '@strapi/strapi/admin';

import type { Settings } from '../../../shared/contracts';
import { PERMISSIONS } from '../constants';
import { useT } from '../utils/useT';

/**
 * useRBAC names each answer after the last segment of the action: `settings.sandbox` → canSandbox,
 * `inbox.read` → canRead (so no two actions here may end the same).
 */
const HOME_PERMISSIONS = [...PERMISSIONS.toggleSandbox, ...PERMISSIONS.manageSettings, ...PERMISSIONS.readInbox];

/** What any administrator may see (GET /whatsapp/health); the settings need a settings permission. */
type Home = { sandbox: boolean; defaultCountry?: string };

const HomePage = () => {
  const t = useT();
  const { get, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const { allowedActions, isLoading } = useRBAC(HOME_PERMISSIONS);
  // Asked apart: `contacts.manage` would be named canManage, like `settings.manage`.
  const { allowedActions: contacts } = useRBAC(PERMISSIONS.manageContacts);
  const { allowedActions: campaignsManage } = useRBAC(PERMISSIONS.manageCampaigns);
  const { allowedActions: campaignsLaunch } = useRBAC(PERMISSIONS.launchCampaigns);
  const readsCampaigns = Boolean(campaignsManage.canManage || campaignsLaunch.canLaunch);
  // Asked apart too: `templates.manage` would also be named canManage.
  const { allowedActions: templates } = useRBAC(PERMISSIONS.manageTemplates);
  // Asked apart too: `messages.read` would be named canRead, like `inbox.read`.
  const { allowedActions: messagesLog } = useRBAC(PERMISSIONS.readMessages);
  // Asked apart too: `automations.manage` would also be named canManage.
  const { allowedActions: automations } = useRBAC(PERMISSIONS.manageAutomations);
  const { allowedActions: sending } = useRBAC(PERMISSIONS.sendMessages);
  const [settings, setSettings] = useState<Home | null>(null);
  const [error, setError] = useState(false);
  const readsSettings = allowedActions.canSandbox || allowedActions.canManage;

  useEffect(() => {
    if (isLoading) return;
    const load = readsSettings
      ? get<{ data: Settings }>('/whatsapp/settings').then(({ data }) => data.data)
      : get<{ data: { sandbox: boolean } }>('/whatsapp/health').then(({ data }) => ({ sandbox: data.data.sandbox }));
    load.then(setSettings).catch(() => setError(true));
  }, [get, isLoading, readsSettings]);

  const toggleSandbox = async (value: boolean) => {
    try {
      const { data } = await put<{ data: Settings }>('/whatsapp/settings', { data: { sandbox: value } });
      setSettings(data.data);
    } catch (e) {
      toggleNotification({ type: 'danger', message: formatAPIError(e as Parameters<typeof formatAPIError>[0]) });
    }
  };

  if (error) return <Page.Error />;
  if (!settings) return <Page.Loading />;

  return (
    <Page.Main>
      <Layouts.Header
        title={t('home.title', 'WhatsApp')}
        subtitle={t('home.subtitle', 'Send, schedule and receive WhatsApp messages from Strapi.')}
        primaryAction={
          allowedActions.canRead ? (
            <LinkButton tag={NavLink} to="inbox" startIcon={<Message />}>
              {t('home.inbox', 'Open the inbox')}
            </LinkButton>
          ) : undefined
        }
        secondaryAction={
          contacts.canManage ? (
            <LinkButton tag={NavLink} to="contacts-import" variant="secondary" startIcon={<Upload />}>
              {t('home.importContacts', 'Import contacts')}
            </LinkButton>
          ) : undefined
        }
      />
      <Layouts.Content>
        {contacts.canManage || templates.canManage || automations.canManage || readsSettings || messagesLog.canRead || sending.canSend ? (
          <Flex gap={2} marginBottom={6} wrap="wrap">
            {sending.canSend ? (
              <LinkButton tag={NavLink} to="messages/new" variant="tertiary" startIcon={<Pencil />}>
                {t('messages.new', 'New message')}
              </LinkButton>
            ) : null}
            {messagesLog.canRead ? (
              <LinkButton tag={NavLink} to="messages" variant="tertiary" startIcon={<Clock />}>
                {t('messages.home.link', 'Messages')}
              </LinkButton>
            ) : null}
            {contacts.canManage ? (
              <LinkButton tag={NavLink} to="contacts" variant="tertiary" startIcon={<User />}>
                {t('contacts.home.link', 'Contacts')}
              </LinkButton>
            ) : null}
            {templates.canManage ? (
              <LinkButton tag={NavLink} to="templates" variant="tertiary" startIcon={<PaperPlane />}>
                {t('templates.title', 'Templates')}
              </LinkButton>
            ) : null}
            {automations.canManage ? (
              <LinkButton tag={NavLink} to="automations" variant="tertiary" startIcon={<Lightning />}>
                {t('automations.home.link', 'Automations')}
              </LinkButton>
            ) : null}
            {readsSettings ? (
              <LinkButton tag={NavLink} to="settings" variant="tertiary" startIcon={<Cog />}>
                {t('settings.title', 'WhatsApp settings')}
              </LinkButton>
            ) : null}
          </Flex>
        ) : null}
        <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius marginBottom={6}>
          <Flex direction="column" alignItems="stretch" gap={2}>
            <Field.Root
              name="sandbox"
              hint={
                settings.sandbox
                  ? t('home.sandbox.on', 'Sandbox mode: nothing leaves this machine.')
                  : t('home.sandbox.off', 'Live mode: messages go to the provider.')
              }
            >
              <Field.Label>{t('home.sandbox.label', 'Sandbox mode')}</Field.Label>
              <Toggle
                checked={settings.sandbox}
                disabled={!allowedActions.canSandbox}
                onLabel={t('home.sandbox.toggle.on', 'On')}
                offLabel={t('home.sandbox.toggle.off', 'Off')}
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => toggleSandbox(e.target.checked)}
              />
              <Field.Hint />
            </Field.Root>
            {settings.defaultCountry ? (
              <Typography variant="pi" textColor="neutral600">
                {t('home.country', 'Default country')}: {settings.defaultCountry}
              </Typography>
            ) : null}
          </Flex>
        </Box>
        {readsCampaigns ? (
          <Box marginBottom={6}>
            <LinkButton tag={NavLink} to="campaigns" variant="secondary" startIcon={<Rocket />}>
              {t('campaigns.home.link', 'Campaigns')}
            </LinkButton>
          </Box>
        ) : null}
        <EmptyStateLayout
          content={t('home.empty', 'Nothing here yet. Messages, templates and conversations will appear here.')}
        />
      </Layouts.Content>
    </Page.Main>
  );
};

export { HomePage };
