import { ACTIONS, PLUGIN_ID } from './constants';

/** The admin RBAC actions this plugin registers (Settings → Roles → Plugins → WhatsApp). */
const section = 'plugins' as const;
const action = (uid: string, displayName: string, subCategory: string) => ({
  section,
  displayName,
  uid: uid.replace(`plugin::${PLUGIN_ID}.`, ''),
  subCategory,
  pluginName: PLUGIN_ID,
});

export const actions = [
  action(ACTIONS.send, 'Send and schedule messages', 'messages'),
  action(ACTIONS.readMessages, 'Read messages and their history', 'messages'),
  action(ACTIONS.manageTemplates, 'Manage templates', 'templates'),
  action(ACTIONS.manageContacts, 'Manage contacts and consent', 'contacts'),
  action(ACTIONS.toggleSandbox, 'Toggle sandbox mode', 'settings'),
  action(ACTIONS.manageSettings, 'Change settings', 'settings'),
  action(ACTIONS.readInbox, 'Read the inbox', 'inbox'),
  action(ACTIONS.replyInbox, 'Reply from the inbox', 'inbox'),
  action(ACTIONS.manageAutomations, 'Manage automations', 'automations'),
  action(ACTIONS.manageCampaigns, 'Manage campaigns', 'campaigns'),
  action(ACTIONS.launchCampaigns, 'Launch, pause and cancel campaigns', 'campaigns'),
];
