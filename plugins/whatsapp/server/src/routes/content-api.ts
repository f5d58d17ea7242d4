/**
 * REST for the business's own code: `/api/whatsapp/...`. Access follows users-permissions roles
 * and API tokens (action `plugin::whatsapp.<controller>.<action>`); a role without the
 * permission gets 403.
 */
const route = (method: string, path: string, handler: string, config: Record<string, unknown> = {}) => ({
  method,
  path,
  handler,
  config: { policies: [], ...config },
});

const IMPORT_ACTION = 'plugin::whatsapp.contacts.import';

export default {
  type: 'content-api',
  routes: [
    // Liveness of the plugin itself: public, answers without touching providers.
    route('GET', '/health', 'health.show', { auth: false }),
    // Prometheus: no users-permissions role reaches it; its own bearer token (WHATSAPP_METRICS_TOKEN), 404 without one.
    route('GET', '/metrics', 'metrics.show', { auth: false }),

    route('POST', '/messages', 'messages.create'),
    route('GET', '/messages', 'messages.find'),
    route('GET', '/messages/:id', 'messages.findOne'),
    route('POST', '/messages/:id/cancel', 'messages.cancel'),
    route('POST', '/messages/:id/retry', 'messages.retry'),

    route('GET', '/templates', 'templates.find'),
    // Reads the providers' templates and approvals now (the scheduler does it every WHATSAPP_TEMPLATE_SYNC_MINUTES).
    route('POST', '/templates/sync', 'templates.sync'),
    route('GET', '/templates/:id', 'templates.findOne'),
    route('POST', '/templates', 'templates.create'),
    route('PUT', '/templates/:id', 'templates.update'),
    route('DELETE', '/templates/:id', 'templates.delete'),
    route('POST', '/templates/:id/preview', 'templates.preview'),

    // The import's routes before /contacts/:id. Whoever may import may follow imports: the
    // status routes ask for the import action, not actions of their own.
    route('GET', '/contacts/import/sample', 'contacts.importSample'),
    route('POST', '/contacts/import', 'contacts.import'),
    route('GET', '/contacts/imports', 'contacts.imports', { auth: { scope: [IMPORT_ACTION] } }),
    route('GET', '/contacts/imports/:id', 'contacts.importStatus', { auth: { scope: [IMPORT_ACTION] } }),
    route('GET', '/contacts', 'contacts.find'),
    route('GET', '/contacts/:id', 'contacts.findOne'),
    route('POST', '/contacts', 'contacts.create'),
    route('PUT', '/contacts/:id', 'contacts.update'),
    route('DELETE', '/contacts/:id', 'contacts.delete'),
    route('POST', '/contacts/:id/consent', 'contacts.consent'),
    route('GET', '/contacts/:id/export', 'contacts.export'),
    route('POST', '/contacts/:id/erase', 'contacts.erase'),

    route('GET', '/automations', 'automations.find'),
    route('GET', '/automations/runs', 'automations.runs'),
    route('GET', '/automations/:id', 'automations.findOne'),
    route('POST', '/automations', 'automations.create'),
    route('PUT', '/automations/:id', 'automations.update'),
    route('DELETE', '/automations/:id', 'automations.delete'),
    route('POST', '/automations/:id/send', 'automations.send'),

    route('GET', '/campaigns', 'campaigns.find'),
    route('GET', '/campaigns/:id', 'campaigns.findOne'),
    route('GET', '/campaigns/:id/estimate', 'campaigns.estimate'),
    route('GET', '/campaigns/:id/stats', 'campaigns.stats'),
    route('GET', '/campaigns/:id/export', 'campaigns.export'),
    route('POST', '/campaigns', 'campaigns.create'),
    route('PUT', '/campaigns/:id', 'campaigns.update'),
    route('POST', '/campaigns/:id/launch', 'campaigns.launch'),
    route('POST', '/campaigns/:id/pause', 'campaigns.pause'),
    route('POST', '/campaigns/:id/resume', 'campaigns.resume'),
    route('POST', '/campaigns/:id/cancel', 'campaigns.cancel'),
    route('POST', '/campaigns/:id/retry-failed', 'campaigns.retryFailed'),

    // The campaign price table (settings): read, replace, back to Meta's published rates.
    route('GET', '/settings/prices', 'prices.show'),
    route('PUT', '/settings/prices', 'prices.update'),
    route('DELETE', '/settings/prices', 'prices.reset'),

    // Providers fetch attachments here with a signed, expiring token instead of credentials.
    route('GET', '/media/:token', 'media.download', { auth: false }),
  ],
};
