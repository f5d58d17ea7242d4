/** Mirrors server/src/constants.ts ACTIONS: what the admin pages check with useRBAC. */
export const PERMISSIONS = {
  toggleSandbox: [{ action: 'plugin::whatsapp.settings.sandbox', subject: null }],
  manageSettings: [{ action: 'plugin::whatsapp.settings.manage', subject: null }],
  readInbox: [{ action: 'plugin::whatsapp.inbox.read', subject: null }],
  replyInbox: [{ action: 'plugin::whatsapp.inbox.reply', subject: null }],
  readMessages: [{ action: 'plugin::whatsapp.messages.read', subject: null }],
  sendMessages: [{ action: 'plugin::whatsapp.messages.send', subject: null }],
  manageContacts: [{ action: 'plugin::whatsapp.contacts.manage', subject: null }],
  manageCampaigns: [{ action: 'plugin::whatsapp.campaigns.manage', subject: null }],
  launchCampaigns: [{ action: 'plugin::whatsapp.campaigns.launch', subject: null }],
  /** Either campaigns permission reads the campaigns (Page.Protect lets in whoever has any one). */
  readCampaigns: [
    { action: 'plugin::whatsapp.campaigns.manage', subject: null },
    { action: 'plugin::whatsapp.campaigns.launch', subject: null },
  ],
  manageTemplates: [{ action: 'plugin::whatsapp.templates.manage', subject: null }],
  manageAutomations: [{ action: 'plugin::whatsapp.automations.manage', subject: null }],
  /** Either settings permission opens the settings page (Page.Protect: any of them). */
  readSettings: [
    { action: 'plugin::whatsapp.settings.sandbox', subject: null },
    { action: 'plugin::whatsapp.settings.manage', subject: null },
  ],
};
