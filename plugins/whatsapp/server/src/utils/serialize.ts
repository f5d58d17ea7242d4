import type { CampaignSender, Consent, Contact, ContactImport, Message, MessageAttempt, MessageMedia, Sender, Template } from '../../../shared/contracts';
import { toDate } from '.';
import { explainFailure } from '../providers/failure';
import { DELETED_PREVIEW } from './serialize-inbox';
import { approvalsOf } from '../providers/template-approval';

/** The public shape of plugin records: no lease internals, dates as ISO strings. */
const iso = (value: unknown) => toDate(value)?.toISOString() ?? null;
const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value ?? null);

/**
 * The media JSON as received, plus, for inbound files we download (services/inbound-media.ts),
 * `status` (pending | stored | failed | too-large), `error`, and `file`: the media-library copy
 * when the caller attached it as `mediaFile` (null when not stored or deleted since). Its `url`
 * is under /uploads, public like every media-library file; `sizeKb` is the library's KB.
 */
const mediaOf = (m: Record<string, any>): MessageMedia | null => {
  const media = json(m.media);
  if (!m.mediaStatus || typeof media !== 'object' || media === null) return media;
  const file = m.mediaFile;
  return {
    ...media,
    status: m.mediaStatus,
    error: m.mediaError ?? null,
    file: file ? { id: file.id, name: file.name, mime: file.mime, sizeKb: Number(file.size), url: file.url } : null,
  };
};

/**
 * A message the customer deleted for everyone (`deletedAt`) keeps its row and content in the
 * database; the API shows it as deleted, without its text, files, content or edit history.
 */
const deletedFields = (m: Record<string, unknown>): Partial<Message> =>
  m.deletedAt ? { body: DELETED_PREVIEW, media: null, content: null, editHistory: null, reaction: null } : {};

export const serializeMessage = (m: Record<string, any>, extra: Pick<Message, 'attemptLog'> = {}): Message => ({
  id: m.id,
  documentId: m.documentId,
  direction: m.direction,
  // The attribute is `deliveryStatus` (Strapi 5 reserves `status`); the API keeps its word.
  status: m.deliveryStatus,
  to: m.to,
  from: m.from,
  contactId: m.contactId,
  senderId: m.senderId,
  template: m.templateName ?? null,
  templateId: m.templateId ?? null,
  variables: json(m.variables),
  body: m.body,
  media: mediaOf(m),
  category: m.category,
  channel: m.channel,
  dueAt: iso(m.dueAt),
  attempts: Number(m.attempts ?? 0),
  nextAttemptAt: iso(m.nextAttemptAt),
  provider: m.provider ?? null,
  providerMessageId: m.providerMessageId ?? null,
  errorCode: m.errorCode ?? null,
  errorText: m.errorText ?? null,
  // The error explained to staff (English, and Spanish under `es`): class, reason, remedy.
  failure: explainFailure(m.provider, m.errorCode, m.errorText),
  idempotencyKey: m.idempotencyKey ?? null,
  campaignId: m.campaignId ?? null,
  automationId: m.automationId ?? null,
  conversationId: m.conversationId ?? null,
  related: m.relatedType ? { type: m.relatedType, id: m.relatedId } : null,
  statusTimes: {
    queued: iso(m.queuedAt),
    sent: iso(m.sentAt),
    delivered: iso(m.deliveredAt),
    read: iso(m.readAt),
    failed: iso(m.failedAt),
    cancelled: iso(m.cancelledAt),
    received: iso(m.receivedAt),
  },
  // What the message carries in structured form (contacts, an order, a flow's answer, the ad it came from…).
  content: json(m.content),
  editedAt: iso(m.editedAt),
  editHistory: json(m.editHistory),
  deletedAt: iso(m.deletedAt),
  reaction: json(m.reaction),
  redactedAt: iso(m.redactedAt),
  createdAt: iso(m.createdAt),
  updatedAt: iso(m.updatedAt),
  ...deletedFields(m),
  ...extra,
});

export const serializeAttempt = (a: Record<string, any>): MessageAttempt => ({
  number: a.number,
  at: iso(a.at),
  provider: a.provider,
  channel: a.channel,
  httpStatus: a.httpStatus ?? null,
  providerCode: a.providerCode ?? null,
  outcome: a.outcome,
  errorText: a.errorText ?? null,
  durationMs: a.durationMs ?? null,
});

export const serializeContact = (c: Record<string, any>): Contact => ({
  id: c.id,
  documentId: c.documentId,
  phone: c.phone ?? null,
  phoneUnverified: Boolean(c.phoneUnverified),
  phoneHistory: json(c.phoneHistory) ?? [],
  providerUserId: c.providerUserId ?? null,
  username: c.username ?? null,
  name: c.name ?? null,
  email: c.email ?? null,
  locale: c.locale ?? null,
  timeZone: c.timeZone ?? null,
  tags: json(c.tags) ?? [],
  fields: json(c.fields) ?? {},
  source: c.source,
  isLead: Boolean(c.isLead),
  profileName: c.profileName ?? null,
  marketingConsent: Boolean(c.marketingConsent),
  transactionalConsent: Boolean(c.transactionalConsent),
  consentUpdatedAt: iso(c.consentUpdatedAt),
  optedOutAt: iso(c.optedOutAt),
  lastInboundAt: iso(c.lastInboundAt),
  related: c.relatedType ? { type: c.relatedType, id: c.relatedId } : null,
  erasedAt: iso(c.erasedAt),
  createdAt: iso(c.createdAt),
  updatedAt: iso(c.updatedAt),
});

export const serializeTemplate = (t: Record<string, any>): Template => ({
  id: t.id,
  documentId: t.documentId,
  name: t.name,
  category: t.category,
  language: t.language,
  body: t.body,
  variables: json(t.variables) ?? [],
  mediaHeader: t.mediaHeader ?? 'none',
  meta: t.metaName
    ? { name: t.metaName, language: t.metaLanguage ?? t.language, parameters: json(t.metaParameters) ?? [], parameterFormat: t.metaParameterFormat ?? 'positional' }
    : null,
  twilio: t.twilioContentSid ? { contentSid: t.twilioContentSid, variables: json(t.twilioVariables) ?? {} } : null,
  fallbackChannel: t.fallbackChannel ?? 'none',
  createsFollowUp: Boolean(t.createsFollowUp),
  active: t.active !== false,
  approvals: approvalsOf(t.approvals),
  categoryAlert: json(t.categoryAlert) ?? null,
  createdAt: iso(t.createdAt),
  updatedAt: iso(t.updatedAt),
});

export const serializeConsent = (c: Record<string, any>): Consent => ({
  id: c.id,
  purpose: c.purpose,
  granted: Boolean(c.granted),
  method: c.method,
  evidence: c.evidence ?? null,
  actor: c.actor ?? null,
  at: iso(c.at),
});

/** A contacts import: `state` shown as `status`; the stored file, host and lease stay inside. */
export const serializeContactImport = (i: Record<string, any>): ContactImport => ({
  id: i.id,
  documentId: i.documentId,
  status: i.state,
  background: Boolean(i.background),
  fileName: i.fileName ?? null,
  fileSize: i.fileSize === null || i.fileSize === undefined ? null : Number(i.fileSize),
  bytesRead: Number(i.bytesRead ?? 0),
  rowsRead: Number(i.rowsRead ?? 0),
  created: Number(i.created ?? 0),
  updated: Number(i.updated ?? 0),
  skipped: Number(i.skipped ?? 0),
  duplicates: Number(i.duplicates ?? 0),
  errors: json(i.rowErrors) ?? [],
  errorCount: Number(i.errorCount ?? 0),
  reason: i.reason ?? null,
  actor: i.actor ?? null,
  attempts: Number(i.attempts ?? 0),
  startedAt: iso(i.startedAt),
  finishedAt: iso(i.finishedAt),
  createdAt: iso(i.createdAt),
});

/** A sending number: which provider, its number, throughput and tier; no credentials, no pacing internals. */
export const serializeSender = (s: Record<string, any>): Sender => ({
  id: s.id,
  documentId: s.documentId,
  name: s.name,
  provider: s.provider,
  number: s.number,
  messagesPerSecond: Number(s.messagesPerSecond ?? 0),
  dailyLimit: s.dailyLimit === null || s.dailyLimit === undefined ? null : Number(s.dailyLimit),
  isDefault: Boolean(s.isDefault),
  active: s.active !== false,
  qualityRating: s.qualityRating ?? null,
  messagingTier: s.messagingTier ?? null,
  checkedAt: s.checkedAt ? new Date(s.checkedAt).toISOString() : null,
  checkStatus: s.checkStatus ?? null,
  checkError: s.checkError ?? null,
});

/** A sender as the campaign wizard's picker needs it: the sender's public fields, fewer of them. */
export const serializeCampaignSender = (s: Record<string, any>): CampaignSender => {
  const { id, name, number, provider, isDefault, messagesPerSecond, dailyLimit, qualityRating, messagingTier } = serializeSender(s);
  return { id, name, number, provider, isDefault, messagesPerSecond, dailyLimit, qualityRating, messagingTier };
};
