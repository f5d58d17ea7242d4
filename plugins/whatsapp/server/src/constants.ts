/** Names used across the plugin, in one place. */
export const PLUGIN_ID = 'whatsapp' as const;

export const UID = {
  contact: 'plugin::whatsapp.contact',
  consent: 'plugin::whatsapp.consent',
  template: 'plugin::whatsapp.template',
  sender: 'plugin::whatsapp.sender',
  message: 'plugin::whatsapp.message',
  attempt: 'plugin::whatsapp.attempt',
  setting: 'plugin::whatsapp.setting',
  auditEntry: 'plugin::whatsapp.audit-entry',
  campaign: 'plugin::whatsapp.campaign',
  webhookEvent: 'plugin::whatsapp.webhook-event',
  conversation: 'plugin::whatsapp.conversation',
  followUp: 'plugin::whatsapp.follow-up',
  automation: 'plugin::whatsapp.automation',
  automationRun: 'plugin::whatsapp.automation-run',
  contactImport: 'plugin::whatsapp.contact-import',
  alert: 'plugin::whatsapp.alert',
} as const;

/** Message life cycle. Outbound: scheduled → queued → sending → sent → delivered → read. */
export const STATUS = {
  scheduled: 'scheduled',
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  cancelled: 'cancelled',
  undeliverable: 'undeliverable',
  unknown: 'unknown',
  received: 'received',
} as const;
export type MessageStatus = (typeof STATUS)[keyof typeof STATUS];

/** Statuses from which a message can still be cancelled (not yet handed to a provider). */
export const CANCELLABLE: MessageStatus[] = ['scheduled', 'queued'];
/** Statuses from which staff may ask for another try. */
export const RETRYABLE: MessageStatus[] = ['failed', 'undeliverable', 'unknown', 'cancelled'];

export const CATEGORIES = ['marketing', 'utility', 'authentication', 'service'] as const;
export type MessageCategory = (typeof CATEGORIES)[number];

export const PROVIDERS = ['twilio', 'meta', 'sandbox'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/**
 * Admin RBAC actions (registered in bootstrap, checked by admin routes and admin pages). Each one
 * guards a route or a screen; the dashboard is read with `readMessages`.
 */
export const ACTIONS = {
  send: 'plugin::whatsapp.messages.send',
  readMessages: 'plugin::whatsapp.messages.read',
  manageTemplates: 'plugin::whatsapp.templates.manage',
  manageContacts: 'plugin::whatsapp.contacts.manage',
  toggleSandbox: 'plugin::whatsapp.settings.sandbox',
  manageSettings: 'plugin::whatsapp.settings.manage',
  readInbox: 'plugin::whatsapp.inbox.read',
  replyInbox: 'plugin::whatsapp.inbox.reply',
  manageAutomations: 'plugin::whatsapp.automations.manage',
  manageCampaigns: 'plugin::whatsapp.campaigns.manage',
  launchCampaigns: 'plugin::whatsapp.campaigns.launch',
} as const;

/** A contacts import's life: queued (background, waiting for the runner) → running → completed | failed. */
export const IMPORT_STATES = ['queued', 'running', 'completed', 'failed'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

export const DEFAULT_OPT_OUT_KEYWORDS = ['STOP', 'BAJA', 'CANCELAR', 'NO MAS', 'UNSUBSCRIBE'];
export const DEFAULT_OPT_IN_KEYWORDS = ['START', 'ALTA'];


/** Server-sent events pushed to the admin inbox (services/live.ts): names and payloads in shared/. */
export { LIVE_EVENTS, type LiveEventType } from '../../shared/live-events';
