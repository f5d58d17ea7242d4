import { ACTIONS } from '../constants';

/** The admin panel's API (`/whatsapp/...`), every route guarded by the plugin's RBAC actions. */
const route = (method: string, path: string, handler: string, actions: string[] = [], anyOf = false) => ({
  method,
  path,
  handler,
  config: {
    policies: [
      'admin::isAuthenticatedAdmin',
      ...(actions.length ? [{ name: anyOf ? 'plugin::whatsapp.has-any-permission' : 'admin::hasPermissions', config: { actions } }] : []),
    ],
  },
});
const SETTINGS = [ACTIONS.toggleSandbox, ACTIONS.manageSettings];

export default {
  type: 'admin',
  routes: [
    // Any administrator: the health and the alerts that stand (the home page's banner).
    route('GET', '/health', 'health.admin'),

    // Settings: read with either settings permission; on write the controller checks
    // toggle-sandbox vs manage-settings per field.
    route('GET', '/settings', 'settings.show', SETTINGS, true),
    route('PUT', '/settings', 'settings.update', SETTINGS, true),
    route('GET', '/settings/audit', 'settings.audit', [ACTIONS.manageSettings]),
    // The campaign price table: read by whoever runs campaigns or settings, changed with the settings permission.
    route('GET', '/settings/prices', 'prices.show', [ACTIONS.manageSettings, ACTIONS.manageCampaigns, ACTIONS.launchCampaigns], true),
    route('PUT', '/settings/prices', 'prices.update', [ACTIONS.manageSettings]),
    route('DELETE', '/settings/prices', 'prices.reset', [ACTIONS.manageSettings]),
    // The sending numbers and whether each one's provider answers now: read by either settings permission.
    route('GET', '/senders', 'senders.find', SETTINGS, true),
    route('POST', '/senders/:id/check', 'senders.check', SETTINGS, true),

    // The dashboard: the period's numbers, for whoever may read the messages.
    route('GET', '/dashboard', 'dashboard.show', [ACTIONS.readMessages]),

    route('POST', '/messages', 'messages.create', [ACTIONS.send]),
    route('GET', '/messages', 'messages.find', [ACTIONS.readMessages]),
    // Before `/messages/:id`: the New message form's check of a number and its 24-hour window.
    route('GET', '/messages/recipient', 'messages.recipient', [ACTIONS.send]),
    route('GET', '/messages/:id', 'messages.findOne', [ACTIONS.readMessages]),
    route('POST', '/messages/:id/cancel', 'messages.cancel', [ACTIONS.send]),
    route('POST', '/messages/:id/retry', 'messages.retry', [ACTIONS.send]),

    route('GET', '/templates', 'templates.find', [ACTIONS.manageTemplates]),
    route('POST', '/templates/sync', 'templates.sync', [ACTIONS.manageTemplates]),
    route('GET', '/templates/:id', 'templates.findOne', [ACTIONS.manageTemplates]),
    route('POST', '/templates', 'templates.create', [ACTIONS.manageTemplates]),
    route('PUT', '/templates/:id', 'templates.update', [ACTIONS.manageTemplates]),
    route('DELETE', '/templates/:id', 'templates.delete', [ACTIONS.manageTemplates]),
    route('POST', '/templates/preview', 'templates.previewDraft', [ACTIONS.manageTemplates]),
    route('POST', '/templates/:id/preview', 'templates.preview', [ACTIONS.manageTemplates]),
    route('DELETE', '/templates/:id/category-alert', 'templates.dismissCategoryAlert', [ACTIONS.manageTemplates]),

    route('GET', '/contacts/import/sample', 'contacts.importSample', [ACTIONS.manageContacts]),
    route('POST', '/contacts/import', 'contacts.import', [ACTIONS.manageContacts]),
    route('GET', '/contacts/imports', 'contacts.imports', [ACTIONS.manageContacts]),
    route('GET', '/contacts/imports/:id', 'contacts.importStatus', [ACTIONS.manageContacts]),
    route('GET', '/contacts', 'contacts.find', [ACTIONS.manageContacts]),
    route('GET', '/contacts/:id', 'contacts.findOne', [ACTIONS.manageContacts]),
    route('POST', '/contacts/:id/consent', 'contacts.consent', [ACTIONS.manageContacts]),
    // Data protection: everything held about a person (a JSON file), and erasing it. Audited.
    route('GET', '/contacts/:id/export', 'contacts.export', [ACTIONS.manageContacts]),
    route('POST', '/contacts/:id/erase', 'contacts.erase', [ACTIONS.manageContacts]),

    route('GET', '/automations', 'automations.find', [ACTIONS.manageAutomations]),
    route('GET', '/automations/runs', 'automations.runs', [ACTIONS.manageAutomations]),
    route('GET', '/automations/content-types', 'automations.contentTypes', [ACTIONS.manageAutomations]),
    // Previews read the record and render the message; they write and send nothing.
    route('POST', '/automations/preview', 'automations.previewDraft', [ACTIONS.manageAutomations]),
    route('POST', '/automations/:id/preview', 'automations.preview', [ACTIONS.manageAutomations]),
    route('GET', '/automations/record/:uid/:documentId', 'automations.record', [ACTIONS.readMessages]),
    route('GET', '/automations/:id', 'automations.findOne', [ACTIONS.manageAutomations]),
    route('POST', '/automations', 'automations.create', [ACTIONS.manageAutomations]),
    route('PUT', '/automations/:id', 'automations.update', [ACTIONS.manageAutomations]),
    route('DELETE', '/automations/:id', 'automations.delete', [ACTIONS.manageAutomations]),
    route('POST', '/automations/:id/send', 'automations.send', [ACTIONS.send]),

    route('GET', '/campaigns', 'campaigns.find', [ACTIONS.manageCampaigns, ACTIONS.launchCampaigns], true),
    // Before `/campaigns/:id`: the numbers a campaign may go from, for the wizard's picker (no settings permission needed).
    route('GET', '/campaigns/senders', 'campaigns.senders', [ACTIONS.manageCampaigns, ACTIONS.launchCampaigns], true),
    route('GET', '/campaigns/:id', 'campaigns.findOne', [ACTIONS.manageCampaigns, ACTIONS.launchCampaigns], true),
    route('GET', '/campaigns/:id/estimate', 'campaigns.estimate', [ACTIONS.manageCampaigns, ACTIONS.launchCampaigns], true),
    route('GET', '/campaigns/:id/stats', 'campaigns.stats', [ACTIONS.manageCampaigns, ACTIONS.launchCampaigns], true),
    route('GET', '/campaigns/:id/export', 'campaigns.export', [ACTIONS.manageCampaigns, ACTIONS.launchCampaigns], true),
    route('POST', '/campaigns', 'campaigns.create', [ACTIONS.manageCampaigns]),
    route('PUT', '/campaigns/:id', 'campaigns.update', [ACTIONS.manageCampaigns]),
    route('POST', '/campaigns/:id/launch', 'campaigns.launch', [ACTIONS.launchCampaigns]),
    route('POST', '/campaigns/:id/pause', 'campaigns.pause', [ACTIONS.launchCampaigns]),
    route('POST', '/campaigns/:id/resume', 'campaigns.resume', [ACTIONS.launchCampaigns]),
    route('POST', '/campaigns/:id/cancel', 'campaigns.cancel', [ACTIONS.launchCampaigns]),
    route('POST', '/campaigns/:id/retry-failed', 'campaigns.retryFailed', [ACTIONS.launchCampaigns]),
  ],
};
