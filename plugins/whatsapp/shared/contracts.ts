/**
 * What crosses the wire between the plugin's server and its admin: the records its admin and REST
 * APIs answer (server/src/utils/serialize.ts and serialize-inbox.ts produce them) and the requests
 * the admin sends. Declared once, imported by both sides; the live events are in live-events.ts.
 *
 * These are the public shapes, not the database's: dates are ISO strings, links are `{ type, id }`,
 * and the word `status` is kept even where the stored attribute is named otherwise.
 * Types only (no runtime code), and no imports, so the server and admin builds both take it as is.
 */

/** A link to a record of the host app (a work order, a quote…). */
export interface Related {
  type: string;
  id: string;
}

/** Message life cycle. Outbound: scheduled → queued → sending → sent → delivered → read. */
export type MessageStatus =
  | 'scheduled'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'read'
  | 'failed'
  | 'cancelled'
  | 'undeliverable'
  | 'unknown'
  | 'received';

export type MessageDirection = 'in' | 'out';
export type MessageCategory = 'marketing' | 'utility' | 'authentication' | 'service';
export type MessageChannel = 'whatsapp' | 'sms' | 'email';

/** When the message reached each status (null: not yet, or never). */
export type StatusTimes = Record<'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'cancelled' | 'received', string | null>;

/** An inbound file as stored in the media library (`url` is under /uploads, `sizeKb` the library's KB). */
export interface MediaFile {
  id: number;
  name: string;
  mime: string;
  sizeKb: number;
  url: string;
}

/** Download of an inbound file: pending → stored (with `file`) | too-large | failed (`error`). */
export type MediaDownloadStatus = 'pending' | 'stored' | 'failed' | 'too-large';

/**
 * What a message carries besides its text, as received: a file kind (image, document, audio…),
 * a location, a button press, an interactive reply or a reaction (the fields of each kind), plus
 * for inbound files the download's `status`, `error` and stored `file`.
 */
export interface MessageMedia {
  kind?: string;
  status?: MediaDownloadStatus | null;
  error?: string | null;
  file?: MediaFile | null;
  type?: string;
  mime?: string;
  mediaId?: string;
  url?: string;
  filename?: string;
  caption?: string;
  latitude?: number;
  longitude?: number;
  name?: string;
  address?: string;
  text?: string;
  payload?: string;
  title?: string;
  id?: string;
  emoji?: string;
  [key: string]: unknown;
}

/** One try at handing a message to a provider (GET /messages/:id `attemptLog`). */
export interface MessageAttempt {
  number: number;
  at: string | null;
  provider: string | null;
  channel: string | null;
  httpStatus: number | null;
  providerCode: string | null;
  outcome: 'sent' | 'retry' | 'failed' | 'opted-out' | 'outside-window';
  errorText: string | null;
  durationMs: number | null;
}

/** What went wrong, for staff: the provider's code explained in English and Spanish. */
export interface MessageFailure {
  code: string;
  /** What the dispatcher does with it (null: a code no table knows). */
  class: 'transient' | 'rate-limited' | 'permanent' | 'opted-out' | 'outside-window' | null;
  /** Whether SMS / email may carry a message that failed this way (with the template's fallback). */
  fallback: boolean;
  /** The least wait before trying again, for codes that mean "wait" (seconds). */
  waitSeconds: number | null;
  reason: string;
  remedy: string | null;
  es: { reason: string; remedy: string | null };
}

export interface Message {
  id: number;
  documentId: string;
  direction: MessageDirection;
  status: MessageStatus;
  to: string | null;
  from: string | null;
  contactId: number | null;
  senderId: number | null;
  /** The template's name (null for free text). */
  template: string | null;
  templateId: number | null;
  variables: Record<string, unknown> | null;
  body: string | null;
  media: MessageMedia | null;
  category: MessageCategory | null;
  channel: MessageChannel | null;
  dueAt: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  provider: string | null;
  providerMessageId: string | null;
  errorCode: string | null;
  errorText: string | null;
  /** `errorCode` explained to staff (null without one). Always in the API's answers. */
  failure?: MessageFailure | null;
  idempotencyKey: string | null;
  campaignId: number | null;
  automationId: number | null;
  conversationId: number | null;
  related: Related | null;
  statusTimes: StatusTimes;
  /**
   * What an inbound message carries in structured form: shared contacts, an order, a WhatsApp
   * Flow's answer, a location, a button… (`kind` says which), and `referral`, the ad the
   * customer came from. Files are in `media`. Null for plain text. (This and the fields below
   * are always sent by the server; optional for messages kept from before they existed.)
   */
  content?: MessageContent | null;
  /** When the customer last edited it (null: never); `editHistory` holds every version, oldest first. */
  editedAt?: string | null;
  editHistory?: MessageVersion[] | null;
  /** When the customer deleted it for everyone: `body` then reads as deleted and nothing else is shown. */
  deletedAt?: string | null;
  /** The customer's reaction to this message (one per person; the latest counts). */
  reaction?: MessageReaction | null;
  /**
   * When its text, variables and content were removed (retention `messageBodyDays`, or the
   * contact's personal data erased): the row, its status and its times stay. Null: kept.
   */
  redactedAt?: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  /** Only in GET /messages/:id. */
  attemptLog?: MessageAttempt[];
}

/** A message's structured content (see `Message.content`). */
export interface MessageContent {
  kind: string;
  referral?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One version of an edited message. */
export interface MessageVersion {
  body: string | null;
  content: MessageContent | null;
  at: string;
  /** The provider's id of the edit that wrote this version (null: the original). */
  editId: string | null;
}

export interface MessageReaction {
  /** Empty when the customer took their reaction back. */
  emoji: string;
  at: string;
  providerMessageId: string;
}

/**
 * GET /whatsapp/messages/recipient?to=…: who a message to `to` reaches, before sending it. The
 * number read the way POST /messages reads it (default country, WhatsApp's own forms), the contact
 * it belongs to (none yet: the first message creates it) and the contact's 24-hour window.
 */
export interface RecipientCheck {
  /** E.164, or the business-scoped user id of a contact known without a number. */
  to: string;
  /** The settings' default country, which numbers typed without `+` are read in. */
  defaultCountry: string;
  contact: { id: number; name: string | null } | null;
  /** Marketing templates go only to contacts with marketing consent. */
  marketingConsent: boolean;
  /**
   * Free text may be sent until `closesAt` (24 h after the contact's last message); `open` as of
   * the answer. Closed with `closesAt: null` when the contact never wrote.
   */
  window: { open: boolean; closesAt: string | null; lastInboundAt: string | null };
}

export interface Contact {
  id: number;
  documentId: string;
  /** E.164; null for a customer known only by their business-scoped user id. */
  phone: string | null;
  /** The number came from WhatsApp but our phone parser does not know it: kept as delivered. */
  phoneUnverified: boolean;
  /** Numbers (and user ids) the contact had before WhatsApp reported a change, oldest first. */
  phoneHistory: Array<{ phone: string | null; providerUserId: string | null; until: string; reason: string }>;
  /** Meta's business-scoped user id (`US.13491208655302741918`): replies go to it when there is no number. */
  providerUserId: string | null;
  /** The customer's WhatsApp username, when they have one. */
  username: string | null;
  name: string | null;
  email: string | null;
  locale: string | null;
  timeZone: string | null;
  tags: string[];
  /** Per-contact values from imported files' extra columns (`{ placa: 'ABC-123' }`), for templates. */
  fields: Record<string, string>;
  source: 'manual' | 'csv' | 'inbound' | 'automation' | 'api';
  isLead: boolean;
  profileName: string | null;
  marketingConsent: boolean;
  transactionalConsent: boolean;
  consentUpdatedAt: string | null;
  optedOutAt: string | null;
  lastInboundAt: string | null;
  related: Related | null;
  /**
   * When the contact's personal data was erased (POST /contacts/:id/erase): name, number and
   * the rest are gone, `phone` holds a pseudonym (`erased-…`), and nothing is sent to the number.
   */
  erasedAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/** A row of a contacts file that was not imported: the row as the spreadsheet numbers it (header = 1). */
export interface ContactImportRowError {
  row: number;
  column: string;
  reason: string;
}

/** POST /contacts/import, answered at once (`200`): what the file did. */
export interface ContactImportResult {
  created: number;
  updated: number;
  skipped: number;
  duplicates: number;
  rows: number;
  /** The first 200 problems; `errorCount` counts them all. */
  errors: ContactImportRowError[];
  errorCount: number;
}

/** queued (background, waiting for the runner) → running → completed | failed. */
export type ContactImportStatus = 'queued' | 'running' | 'completed' | 'failed';

/**
 * One import as stored (GET /contacts/imports/:id, the `202` answer of a background import, and
 * the recent list): the counts grow while it runs (written after the first batch, then at most
 * once a second).
 */
export interface ContactImport {
  id: number;
  documentId: string;
  status: ContactImportStatus;
  /** true: answered 202 and run by the background runner. */
  background: boolean;
  fileName: string | null;
  /** Bytes. */
  fileSize: number | null;
  /**
   * Bytes of the file read so far: `bytesRead / fileSize` is the progress (a little ahead of the
   * rows written, by the reader's buffer); equal to `fileSize` once completed.
   */
  bytesRead: number;
  /** Data rows read so far (blank rows not counted). */
  rowsRead: number;
  created: number;
  updated: number;
  skipped: number;
  duplicates: number;
  errors: ContactImportRowError[];
  errorCount: number;
  /** Why it failed (status `failed`). */
  reason: string | null;
  /** Who imported: `user:ana@example.com`, `token:crm`. */
  actor: string | null;
  /** Runs so far: more than 1 after a restart re-ran it from the start. */
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string | null;
}

/** One row of a contact's consent ledger (GET /contacts/:id `consentHistory`). */
export interface Consent {
  id: number;
  purpose: 'marketing' | 'transactional';
  granted: boolean;
  method: 'form' | 'csv' | 'keyword' | 'admin' | 'api' | 'provider';
  evidence: string | null;
  actor: string | null;
  at: string | null;
}

export type TemplateCategory = 'marketing' | 'utility' | 'authentication';

export interface Template {
  id: number;
  documentId: string;
  name: string;
  category: TemplateCategory;
  language: string;
  body: string;
  /** The variables the body uses, in order of appearance (`cliente.nombre`). */
  variables: string[];
  mediaHeader: 'none' | 'document' | 'image';
  /** How the template is sent through Meta's API (null: not mapped). */
  meta: { name: string; language: string; parameters: string[]; parameterFormat: 'positional' | 'named' } | null;
  /** Twilio's Content API mapping (null: not mapped). */
  twilio: { contentSid: string; variables: Record<string, string> } | null;
  fallbackChannel: 'none' | 'sms' | 'email';
  createsFollowUp: boolean;
  active: boolean;
  /** What each provider says of the template (filled by the template sync and Meta's template webhooks). */
  approvals: TemplateApprovals;
  /** A category the provider changed, until staff dismiss it (null: none). */
  categoryAlert: TemplateCategoryAlert | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export type ApprovalProvider = 'meta' | 'twilio';

/** The provider's view of one template, as last read (sync) or told (webhook). Words are the provider's, upper case. */
export interface TemplateApproval {
  /** Meta's template id, Twilio's Content SID. */
  id: string | null;
  /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, PENDING_DELETION, DELETED, NOT_FOUND…; null: not known. */
  status: string | null;
  /** Why it was rejected, paused or disabled (`INVALID_FORMAT`, Meta's pause notice…). */
  reason: string | null;
  /** Meta's quality score: GREEN, YELLOW, RED, UNKNOWN. */
  quality: string | null;
  /** The category as the provider reports it: MARKETING, UTILITY, AUTHENTICATION. */
  category: string | null;
  /** The last template webhook event that changed nothing else (FLAGGED, LOCKED…), when there was one. */
  event?: string | null;
  /** The last full sync that read this template (ISO), null when only webhooks told us. */
  syncedAt: string | null;
  /** The last change from any source (ISO). */
  updatedAt: string;
}

export type TemplateApprovals = Partial<Record<ApprovalProvider, TemplateApproval>>;

/**
 * A category changed by the provider (Meta's `template_category_update`, or a sync that found
 * another category): it changes the price and, for marketing, the consent a message needs.
 */
export interface TemplateCategoryAlert {
  provider: ApprovalProvider;
  /** Our category before (lower case). */
  from: TemplateCategory | null;
  /** The provider's category (lower case): ours now, or soon when `pending`. */
  to: TemplateCategory;
  /** Meta announced it (`correct_category`): it takes effect at `effectiveAt`, ours is unchanged until then. */
  pending: boolean;
  effectiveAt: string | null;
  at: string;
}

/** POST /whatsapp/templates/sync (and /api/whatsapp/templates/sync): what each provider's sync did. */
export interface TemplateSyncResult {
  provider: ApprovalProvider;
  /** `synced`; `skipped` (not configured, with `detail`); `failed` (the provider refused or could not be reached: `detail`, nothing written). */
  outcome: 'synced' | 'skipped' | 'failed';
  detail: string | null;
  /** Templates the provider listed. */
  listed: number;
  /** Local templates created for provider templates nobody had mapped (inactive unless approved). */
  created: number;
  /** Local templates whose approval, quality or category changed. */
  updated: number;
  /** Mapped local templates the provider no longer lists (now NOT_FOUND). */
  missing: number;
  /** Provider templates that could not be created locally, with why. */
  skipped: { name: string; language: string; reason: string }[];
  /** Running campaigns paused because their template is now paused or disabled. */
  campaignsPaused: number;
  /** Templates whose category the provider changed (each alerts staff). */
  categoryChanges: number;
}

export interface TemplateSyncAnswer {
  at: string;
  results: TemplateSyncResult[];
}

export type ConversationStatus = 'open' | 'closed';

/** The contact as shown in the inbox list. */
export interface ConversationContact {
  id: number;
  documentId: string | null;
  /** Null for a customer known only by their business-scoped user id. */
  phone: string | null;
  name: string | null;
  profileName: string | null;
  isLead: boolean;
  /** The number came from WhatsApp but our phone parser does not know it (always sent by the server). */
  phoneUnverified?: boolean;
  /** Meta's business-scoped user id, for a customer known without a number. */
  providerUserId?: string | null;
  username?: string | null;
}

export interface Conversation {
  id: number;
  documentId: string;
  status: ConversationStatus;
  unreadCount: number;
  assigneeId: number | null;
  contactId: number;
  senderId: number;
  contact: ConversationContact | null;
  lastInboundAt: string | null;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  /** Free text is allowed until `windowClosesAt` (24 h after the contact's last message); after it only an approved template. */
  windowOpen: boolean;
  windowClosesAt: string | null;
  related: Related | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export type FollowUpStatus = 'open' | 'done';

/** GET /whatsapp/inbox/assignees: an administrator a conversation can be assigned to. */
export interface Assignee {
  id: number;
  name: string;
}

/** Why a follow-up exists: `reply`, a customer's reply waits for an answer (null: written before kinds). */
export type FollowUpKind = 'reply';

export interface FollowUp {
  id: number;
  documentId: string;
  /** In English, for API clients; the admin writes its own from `kind` and `excerpt` in the user's language. */
  title: string;
  kind: FollowUpKind | null;
  /** The latest reply's words (one line, at most 120 characters). */
  excerpt: string | null;
  /** Customer replies it stands for: one open follow-up per conversation takes every reply. */
  replyCount: number;
  lastReplyAt: string | null;
  status: FollowUpStatus;
  due: string | null;
  assigneeId: number | null;
  contactId: number;
  conversationId: number | null;
  messageId: number | null;
  replyToMessageId: number | null;
  related: Related | null;
  doneAt: string | null;
  doneById: number | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/** GET / PUT /whatsapp/settings (PUT takes any part of it). */
export interface Settings {
  sandbox: boolean;
  defaultCountry: string;
  transactionalConsent: 'implicit' | 'required';
  optOutKeywords: string[];
  optInKeywords: string[];
  failureRateThreshold: number;
  /** Time zone of contacts that have none (quiet hours are local time). */
  defaultTimeZone: string;
  /** Quiet hours ('HH:MM', local to the contact); null = none. */
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
  /** Whether transactional messages also wait out quiet hours (marketing always does). */
  quietHoursTransactional: boolean;
  /** The business as quotes and purchase orders show it (PDF documents); null = not set. */
  businessName: string | null;
  businessAddress: string | null;
  /** RFC, NIT, CUIT…: printed under the business's name. */
  businessTaxId: string | null;
  /** Media library file id of a PNG or JPEG logo; null = none. */
  businessLogo: number | null;
  /** ISO 4217 code the documents' amounts are in (MXN by default). */
  currency: string;
  /** Tax percent added to the documents' subtotal (16, Mexico's IVA, by default); null = no tax line. */
  taxRate: number | null;
  /** Where the alert channel writes when a threshold is passed; null = the admin banner only. */
  alertEmail: string | null;
  /** Alert when the oldest due message has waited this many minutes (0 = never). */
  alertQueueAgeMinutes: number;
  /** Alert when no webhook came this many minutes after a message a real provider accepted (0 = never; not in sandbox mode). */
  alertWebhookSilenceMinutes: number;
  /**
   * The campaign price table as administrators replaced it (`PUT /whatsapp/settings/prices`);
   * null = Meta's published rates (server/src/pricing/meta-rates.ts). Not writable through
   * `PUT /whatsapp/settings`.
   */
  priceTable: PriceTable | null;
  /** How long personal data is kept (the daily retention job). */
  retention: RetentionSettings;
}

/**
 * `messageBodyDays`: message texts, variables and structured content older than this many days
 * are blanked (rows, statuses and times stay); 0 keeps them. `webhookEventDays`: applied
 * webhook events older than this are deleted; 0 keeps them; at least 7 otherwise (Meta repeats
 * a delivery for up to 7 days). Until an administrator sets it, WHATSAPP_WEBHOOK_RETENTION_DAYS.
 */
export interface RetentionSettings {
  messageBodyDays: number;
  webhookEventDays: number;
}

/** Template categories Meta charges for (service messages are free). */
export type PricedCategory = 'marketing' | 'utility' | 'authentication';

/** One country's price per delivered template message, by category (up to 4 decimals). */
export type CountryRates = Record<PricedCategory, number>;

/**
 * GET / PUT /whatsapp/settings/prices: the price per delivered template message, by the
 * recipient's country (ISO 3166 alpha-2, `other` for every country not listed) and category.
 */
export interface PriceTable {
  /** ISO 4217 code of every rate in the table. */
  currency: string;
  /** The date the rates took effect (YYYY-MM-DD). */
  effectiveFrom: string;
  /** Where the rates come from (a URL, a contract), or null. */
  source: string | null;
  rates: Record<string, CountryRates>;
}

/** GET …/settings/prices answers the table in use, and whether administrators edited it. */
export interface PriceTableAnswer extends PriceTable {
  /** false: Meta's published rates, as shipped with the plugin. */
  edited: boolean;
}

/** `cost` of GET /whatsapp/campaigns/:id/stats. Amounts in `currency`, at most 4 decimals. */
export interface CampaignCost {
  currency: string;
  /** The template's category, which sets the rate; marketing (and `categoryAssumed`) when unknown. */
  category: PricedCategory;
  categoryAssumed: boolean;
  /** effectiveFrom of the price table used. */
  ratesDate: string;
  /** Every message written and not cancelled or failed, at its country's rate. */
  estimated: number;
  /** Messages Meta reported delivered (or read): what Meta charges for. */
  spent: number;
  /** false while the fan-out is still writing the messages (the estimate grows until then). */
  estimateComplete: boolean;
  /** Messages counted in `estimated` whose country has no rate (and no `other`), or is unknown. */
  unpricedRecipients: number;
  perCountry: Array<{ country: string | null; rate: number | null; recipients: number; estimated: number; delivered: number; spent: number }>;
}

export interface Pagination {
  page: number;
  pageSize: number;
  pageCount: number;
  total: number;
}

/** A list answer: `{ data: [...], meta: { pagination, ...more } }`. */
export interface ListAnswer<T, M extends object = object> {
  data: T[];
  meta: { pagination: Pagination } & M;
}

/** GET /whatsapp/inbox/conversations/:id/messages: a page of the thread (oldest first) and the conversation, now read. */
export type ThreadAnswer = ListAnswer<Message, { conversation: Conversation }>;

/** POST /whatsapp/inbox/conversations/:id/messages: free text within the 24-hour window, else a template. */
export type InboxReply = { body: string } | { template: number; variables: Record<string, unknown> };

/** Its answer: the queued message and the conversation after it. */
export interface InboxReplyAnswer {
  data: Message;
  meta: { sandbox: boolean; idempotentReplay: boolean; conversation: Conversation };
}

/** One entry of the settings' audit history (GET /whatsapp/settings/audit, newest first). */
export interface AuditEntry {
  id: number;
  actorId: number | null;
  actorEmail: string | null;
  /** `settings.update`, `prices.replace`, `prices.reset`… */
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
}

/** A sending number (GET /whatsapp/senders). Credentials stay in the environment: never here. */
export interface Sender {
  id: number;
  documentId: string;
  name: string;
  provider: 'twilio' | 'meta' | 'sandbox';
  number: string;
  /** The provider's throughput for this number. */
  messagesPerSecond: number;
  /** The messaging tier: messages to new customers per 24 h (null: not set). */
  dailyLimit: number | null;
  isDefault: boolean;
  /** false: its provider is no longer configured; kept for the history. */
  active: boolean;
  /** The number's quality rating as the provider last said it (Meta GREEN/YELLOW/RED/UNKNOWN/NA, Twilio HIGH/MEDIUM/LOW); null: never said. */
  qualityRating: string | null;
  /** The messaging limit tier as the provider last said it (Meta TIER_1K…, Twilio "10K Customers/24hr"); null: never said. */
  messagingTier: string | null;
  /** When the sender was last checked with its provider (ISO 8601); null: never. */
  checkedAt: string | null;
  /** The last check's outcome; null: never checked. */
  checkStatus: SenderCheckStatus | null;
  /** Why the last check did not pass, in plain words; null when it passed. */
  checkError: string | null;
}

/** `ok`; the provider refused the credentials; it could not be asked (5xx, timeout); it does not know the number. */
export type SenderCheckStatus = 'ok' | 'credentials-refused' | 'unreachable' | 'not-found';

/** POST /whatsapp/senders/:id/check → `{ data: Sender & { check: SenderCheck } }`: the sender as stored after the check. */
export interface SenderCheck {
  status: SenderCheckStatus;
  ok: boolean;
  /** What the provider answered, in words for staff. */
  detail: string;
  qualityRating: string | null;
  messagingTier: string | null;
  /** The provider's own state of the number (Twilio ONLINE/OFFLINE, Meta's `status`), when it says. */
  providerStatus: string | null;
  checkedAt: string;
}

export type CheckedSender = Sender & { check: SenderCheck };

/**
 * A number a campaign may go from (GET /whatsapp/campaigns/senders): what the wizard's picker
 * shows and warns about, nothing of the check's internals and never credentials.
 */
export type CampaignSender = Pick<Sender, 'id' | 'name' | 'number' | 'provider' | 'isDefault' | 'messagesPerSecond' | 'dailyLimit' | 'qualityRating' | 'messagingTier'>;

/** GET /whatsapp/campaigns/senders → `{ data: CampaignSender[], meta: CampaignSendersMeta }`. */
export interface CampaignSendersMeta {
  /** Sandbox mode is on: every message is simulated, whichever number is chosen. */
  sandbox: boolean;
  /** The sender a campaign without `senderId` goes from; null when none is usable. */
  defaultId: number | null;
}

/**
 * POST /whatsapp/templates/:id/preview and POST /whatsapp/templates/preview (a body not saved yet):
 * `{ data: { body?, variables } }`. A 422 names the field at fault (`variables.nombre`, `body`) in
 * `error.details.errors`, and lists the body's variables in `error.details.variables` when the body reads.
 */
export interface TemplatePreview {
  text: string;
  length: number;
  /** The variables the body uses, in order of appearance. */
  variables: string[];
  /** What the provider's approved template receives (null: the template is not mapped). */
  provider: Record<string, unknown> | null;
}

/** GET /whatsapp/inbox/conversations: a page of conversations; `sandbox` says whether replies can be simulated. */
export type ConversationsAnswer = ListAnswer<Conversation, { sandbox: boolean }>;

/** POST /whatsapp/inbox/simulate (sandbox mode only): a customer's reply, through the webhook's path. */
export interface SimulateReply {
  phone?: string;
  contactId?: number;
  name?: string;
  body: string;
}

/** Its answer: the inbound message and its conversation (201), or `applied: false` when another instance applies webhooks (202). */
export interface SimulateReplyAnswer {
  data: Message | null;
  meta: { applied: boolean; conversation?: Conversation | null };
}

/** How GET /whatsapp/dashboard cuts its period into points of the chart. */
export type DashboardBucket = 'day' | 'hour';

/**
 * Outbound messages counted by where they stand now. `sent` counts the messages the provider
 * took (sent, delivered or read), `delivered` those delivered or read, `failed` failed or
 * undeliverable. Rates are fractions (0.25 = 25 %), null when there is nothing to divide by:
 * delivery = delivered / sent, read = read / delivered, failure = failed / (sent + failed).
 */
export interface DashboardCounts {
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  deliveryRate: number | null;
  readRate: number | null;
  failureRate: number | null;
}

/** What the period's delivered template messages cost by the price table (service messages are free). */
export interface DashboardSpend {
  amount: number;
  currency: string;
  /** effectiveFrom of the price table used. */
  ratesDate: string;
  /** Delivered template messages with no rate (unknown country, no `other` row): not in `amount`. */
  unpricedMessages: number;
}

/** One point of the chart: the bucket [start, end). */
export interface DashboardPoint {
  start: string;
  end: string;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  /** Messages customers wrote to us. */
  replies: number;
}

/** A line of the per-campaign, per-template and per-automation tables. */
export interface DashboardGroup extends DashboardCounts {
  /** The campaign or automation id; null for templates (named by `name`). */
  id: number | null;
  /** Null when the campaign or automation no longer exists. */
  name: string | null;
  /** sent + failed: what the table is ordered by. */
  messages: number;
}

/** A failure reason of the period, explained to staff (English, and Spanish under `failure.es`). */
export interface DashboardFailure {
  /** Null: the message failed without a code. */
  code: string | null;
  provider: string | null;
  count: number;
  failure: MessageFailure | null;
}

/** The queue now (whatever the period). */
export interface DashboardQueue {
  /** Waiting messages whose time has come (not those of a paused campaign). */
  due: number;
  /** How long the oldest of them has been due; null when none is. */
  oldestDueAgeSeconds: number | null;
  /** Sends nobody can confirm: a worker stopped mid-send (lease expired), or held as unknown after that. */
  inDoubt: number;
}

/** GET /whatsapp/dashboard?from=&to=&bucket=day|hour&tz= → `{ data: Dashboard }`. */
export interface Dashboard {
  period: { from: string; to: string; bucket: DashboardBucket; timeZone: string };
  totals: DashboardCounts & {
    /** Inbound messages received in the period. */
    replies: number;
    /** People who withdrew marketing consent in the period (the consent ledger). */
    optOuts: number;
    spend: DashboardSpend;
  };
  series: DashboardPoint[];
  /** The 10 with the most messages in the period, most first. */
  byCampaign: DashboardGroup[];
  byTemplate: DashboardGroup[];
  byAutomation: DashboardGroup[];
  /** The 10 most frequent failure codes of the period, most first. */
  topFailures: DashboardFailure[];
  /** The `failureRateThreshold` setting (a fraction; 0 = no alert). */
  failureThreshold: number;
  /** The period's failure rate is above the threshold. */
  failureAlert: boolean;
  sandbox: boolean;
  queue: DashboardQueue;
  generatedAt: string;
}

/** A webhook event as a contact's export shows it: what the provider sent, as stored. */
export interface ExportedWebhookEvent {
  id: number;
  provider: string;
  kind: string;
  eventKey: string;
  receivedAt: string | null;
  appliedAt: string | null;
  outcome: string | null;
  messageId: number | null;
  payload: unknown;
}

/** A file of the contact's messages: one they sent (downloaded into the media library) or one sent to them. */
export interface ExportedMedia {
  messageId: number;
  direction: MessageDirection;
  kind: string | null;
  fileId: number | null;
  name: string | null;
  mime: string | null;
  sizeKb: number | null;
  url: string | null;
  status: string | null;
}

export interface ExportedAutomationRun {
  id: number;
  automationId: number;
  contentType: string;
  recordId: string;
  trigger: string | null;
  state: string;
  reason: string | null;
  messageId: number | null;
  dueAt: string | null;
  createdAt: string | null;
}

/** An earlier export or erasure of this contact (the audit entries about them). */
export interface PrivacyLogEntry {
  action: string;
  at: string | null;
  actorEmail: string | null;
}

/**
 * GET /contacts/:id/export: everything the plugin holds about one person, as one JSON document
 * (downloaded as a file). Messages carry their status times; `attempts` are every try of the
 * messages sent to them; `webhookEvents` the provider's reports that concern them.
 */
export interface ContactExport {
  format: 'whatsapp-contact-export';
  version: 1;
  exportedAt: string;
  contact: Contact;
  consent: Consent[];
  conversations: Conversation[];
  messages: Message[];
  attempts: Array<MessageAttempt & { messageId: number }>;
  followUps: FollowUp[];
  webhookEvents: ExportedWebhookEvent[];
  media: ExportedMedia[];
  automationRuns: ExportedAutomationRun[];
  privacyLog: PrivacyLogEntry[];
}

/** POST /contacts/:id/erase: what was removed or anonymised. */
export interface ContactErasure {
  contact: Contact;
  /** The contact had been erased before: this run only finished what was left (files, new rows). */
  alreadyErased: boolean;
  counts: {
    messages: number;
    cancelled: number;
    attempts: number;
    conversations: number;
    followUps: number;
    consents: number;
    webhookEvents: number;
    automationRuns: number;
    files: number;
  };
  /** Files of the media library that could not be deleted now (an erasure run again retries them). */
  filesLeft: number;
}

/** GET /api/whatsapp/health (public) → `{ data: Health }`. */
export interface Health {
  plugin: string;
  sandbox: boolean;
  database: string;
  /** Due messages, the oldest one's wait, the sends in doubt (as the dashboard shows them). */
  queue: DashboardQueue;
  /** When the latest webhook event was stored (ISO 8601); null when none ever came. */
  lastWebhookAt: string | null;
  /**
   * How this instance receives the other instances' live events: `listen` (LISTEN / NOTIFY),
   * `poll` (behind a transaction pooler without DATABASE_DIRECT_URL), `local` (SQLite: one
   * instance); `connected` is false while the listening connection is down or polls fail.
   */
  live: { mode: 'listen' | 'poll' | 'local'; connected: boolean };
}

/**
 * Threshold alerts (failure-rate, queue-age, webhook-silence: measured every few minutes) and
 * event alerts raised by the provider's webhooks or a sender check (sender-quality: a number
 * flagged, downgraded or rated RED; account-restricted: the WhatsApp Business Account restricted,
 * in violation or banned). Event alerts carry `detail` and stand until the provider says better.
 */
export type AlertKind = 'failure-rate' | 'queue-age' | 'webhook-silence' | 'sender-quality' | 'account-restricted';

/** A threshold passed and not yet cleared: the admin's banner, and one email when it began. */
export interface ActiveAlert {
  kind: AlertKind;
  /** When it began (ISO 8601). */
  since: string;
  /** What was measured at the latest check: a fraction (failure-rate) or minutes (the others). */
  value: number;
  /** The setting it passed: a fraction (failure-rate) or minutes. */
  threshold: number;
  /** When the email went out (ISO 8601); null when there is no address or it could not be sent. */
  emailedAt: string | null;
  /** Event alerts: what the provider said, in words for staff; null for threshold alerts. */
  detail?: string | null;
}

/** GET /whatsapp/health (administrators) → `{ data: AdminHealth }`. */
export interface AdminHealth extends Health {
  alerts: ActiveAlert[];
}
