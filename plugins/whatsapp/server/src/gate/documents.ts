import { isDeepStrictEqual } from 'node:util';
import type { Core } from '@strapi/strapi';
import { errors, validateYupSchema, yup } from '@strapi/utils';
import { PLUGIN_ID, UID } from '../constants';
import { getService } from '../utils';
import { RuleError } from '../utils/errors';
import type { ConsentMethod } from '../services/consent';
import type { Contact } from '../services/contacts';
import { configuredProviders } from '../services/senders';
import { updateContactSchema, updateTemplateSchema } from '../validation';
import { checkAttributes } from '../validation/attributes';

/**
 * The one gate every write of the plugin's types passes that does not come through the plugin's
 * own services: the Content Manager, GraphQL's generated mutations, and any code calling
 * `strapi.documents(uid)`. It applies the rules the REST API applies (docs/architecture.md,
 * "One gate for every write"), so no door is softer than another.
 */

/** History, written only by the plugin itself (raw queries): never edited through a document. */
const HISTORY = new Set<string>([UID.message, UID.attempt, UID.consent, UID.auditEntry, UID.webhookEvent, UID.automationRun, UID.contactImport]);
const WRITES = new Set(['create', 'update', 'delete', 'clone', 'publish', 'unpublish', 'discardDraft']);

/**
 * Contact fields the plugin keeps itself: the consent ledger, inbound traffic, and what the
 * provider told us about the person (their business-scoped user id and username, whether their
 * number is one our phone check knows, the numbers they moved from).
 */
const CONSENT_FIELDS = { marketingConsent: 'marketing', transactionalConsent: 'transactional' } as const;
const SYSTEM_CONTACT_FIELDS = ['consentUpdatedAt', 'optedOutAt', 'lastInboundAt', 'phoneUnverified', 'providerUserId', 'username', 'phoneHistory', 'erasedAt', 'erasedPhoneKey', 'erasedUserIdKey'];
/** WhatsApp's messaging limits: unique people a number may start conversations with in 24 hours. */
const MESSAGING_TIERS = [250, 1000, 10_000, 100_000];
/** Sender fields only the dispatcher writes. */
const SYSTEM_SENDER_FIELDS = ['nextFreeAt'];
/** Template fields the template sync and Meta's template webhooks keep: what the provider says. */
const SYSTEM_TEMPLATE_FIELDS = ['approvals', 'categoryAlert'];
/** Campaign fields that move only through launch, pause, resume and cancel, and the fan-out's counters. */
const SYSTEM_CAMPAIGN_FIELDS = ['state', 'launchedAt', 'fannedOutAt', 'completedAt', 'total', 'queuedCount', 'excluded', 'pausedReason', 'resumedAt', 'dailyPlan', 'nextFreeAt', 'audienceCursor'];

/** A rule error as the Content Manager and GraphQL show it: a validation error on the field. */
const asValidationError = (error: unknown) =>
  error instanceof RuleError
    ? new errors.ValidationError(error.message, { errors: [{ path: error.path.split('.'), message: error.message, name: 'ValidationError', rule: error.rule }] })
    : error;

/** Who is writing, from the request in flight (none for code running outside a request). */
const caller = (strapi: Core.Strapi): { method: ConsentMethod; actor: string | null } => {
  const ctx = strapi.requestContext.get() as any;
  const strategy: string | undefined = ctx?.state?.auth?.strategy?.name;
  const user = ctx?.state?.user;
  if (strategy === 'admin') return { method: 'admin', actor: user?.email ?? (user?.id ? `admin:${user.id}` : 'admin') };
  if (strategy === 'api-token') return { method: 'api', actor: `api-token:${ctx?.state?.auth?.credentials?.id ?? '?'}` };
  if (user) return { method: 'api', actor: user.email ?? `user:${user.id}` };
  return { method: 'api', actor: null };
};

/**
 * The REST validator's rules for the fields it knows (types, formats, locale, time zone, tags…);
 * the Content Manager also sends fields REST does not take, which the attribute check covers.
 */
const checkLikeRest = async (schema: yup.AnyObjectSchema, data: Record<string, any>) => {
  const known = Object.keys(data).filter((key) => Object.prototype.hasOwnProperty.call(schema.fields, key));
  await validateYupSchema(schema.pick(known), { strict: false, abortEarly: true })(Object.fromEntries(known.map((key) => [key, data[key]])));
};

const sameValue = (given: unknown, stored: unknown) => {
  if (given === undefined) return true;
  // The Content Manager sends every field back, defaults and JSON included.
  if ((given === null || given === '' || given === false) && (stored === null || stored === undefined || stored === false)) return true;
  if (typeof given === 'object' && given !== null && isDeepStrictEqual(given, stored)) return true;
  const time = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'string' || typeof v === 'number' ? new Date(v).getTime() : NaN);
  if (stored !== null && stored !== undefined && given !== null) {
    const [a, b] = [time(given), time(stored)];
    if (Number.isFinite(a) && a === b) return true;
  }
  return given === stored;
};

const currentRow = async (strapi: Core.Strapi, uid: string, documentId: unknown) =>
  typeof documentId === 'string' ? strapi.db.query(uid).findOne({ where: { documentId } }) : null;

/**
 * Contacts: the phone is normalised (E.164, unique), fields the plugin owns are not writable,
 * and consent moves only through the ledger: a consent box changed in the Content Manager (or
 * a GraphQL mutation) is taken out of the write and recorded as a ledger entry naming who.
 */
const contactRules = async (strapi: Core.Strapi, action: string, data: Record<string, any>, documentId: unknown) => {
  const stored = action === 'update' ? await currentRow(strapi, UID.contact, documentId) : null;
  // An erased contact is a tombstone (services/privacy.ts): typing a number back in would undo the erasure.
  if (stored?.erasedAt) throw new RuleError('id', 'erased', 'This contact’s personal data was erased: it can no longer be changed');
  for (const field of SYSTEM_CONTACT_FIELDS) {
    if (!sameValue(data[field], stored?.[field])) {
      throw new RuleError(field, 'read-only', `${field} is kept by the WhatsApp plugin and cannot be set`);
    }
    delete data[field];
  }
  const consent: Array<{ purpose: 'marketing' | 'transactional'; granted: boolean }> = [];
  for (const [field, purpose] of Object.entries(CONSENT_FIELDS)) {
    if (data[field] === undefined) continue;
    if (data[field] !== null && typeof data[field] !== 'boolean') throw new RuleError(field, 'boolean', `${field} must be true or false`);
    const granted = Boolean(data[field]);
    if (granted !== Boolean(stored?.[field])) consent.push({ purpose, granted });
    delete data[field];
  }
  // A contact is reached by its number, or (inbound only) by Meta's user id: one of them must stay.
  const emptied = data.phone === null || (typeof data.phone === 'string' && data.phone.trim() === '');
  const { phone, ...rest } = data;
  await checkLikeRest(updateContactSchema, emptied ? rest : data);
  if ((action === 'create' && (data.phone === undefined || emptied)) || (action === 'update' && emptied && !stored?.providerUserId)) {
    throw new RuleError('phone', 'required', 'phone is required');
  }
  if (emptied) {
    data.phone = null;
  } else if (data.phone !== undefined) {
    data.phone = await getService('phone').normalize(data.phone, 'phone');
    // A number staff typed passed our phone check: it is no longer the provider's unverified one.
    if (data.phone !== stored?.phone) data.phoneUnverified = false;
  }
  return consent;
};

/** After the write: each consent change becomes a ledger entry (which also sets the contact's state). */
const recordConsent = async (strapi: Core.Strapi, result: any, changes: Array<{ purpose: 'marketing' | 'transactional'; granted: boolean }>) => {
  if (!changes.length || !result?.documentId) return result;
  let contact: Contact = await strapi.db.query(UID.contact).findOne({ where: { documentId: result.documentId } });
  const { method, actor } = caller(strapi);
  for (const change of changes) {
    ({ contact } = await getService('consent').record(contact, {
      ...change,
      method,
      actor,
      evidence: method === 'admin' ? 'Changed in the Content Manager' : 'Changed through the Document Service (GraphQL or code)',
    }));
  }
  return { ...result, marketingConsent: contact.marketingConsent, transactionalConsent: contact.transactionalConsent, consentUpdatedAt: contact.consentUpdatedAt, optedOutAt: contact.optedOutAt };
};

/**
 * Templates: the REST rules (a body that renders, within WhatsApp's length, provider mapping
 * consistent with the body's variables), checked on the template as it will be after the edit.
 */
const templateRules = async (strapi: Core.Strapi, action: string, data: Record<string, any>, documentId: unknown) => {
  for (const field of SYSTEM_TEMPLATE_FIELDS) delete data[field];
  await checkLikeRest(updateTemplateSchema, data);
  if (data.body !== undefined && (typeof data.body !== 'string' || data.body.trim() === '')) {
    throw new RuleError('body', 'required', 'A template needs a body');
  }
  const stored = action === 'update' ? await currentRow(strapi, UID.template, documentId) : null;
  const variables = getService('templates').check({ ...(stored ?? {}), ...data });
  if (data.body !== undefined) data.variables = variables;
};

/**
 * Senders: the number is a WhatsApp number in E.164 (or the sandbox's / a Meta phone-number id),
 * the provider must be configured in the environment (a sender nobody can send from is a trap),
 * and at most one sender is the default: marking one unmarks the others.
 */
const senderRules = async (strapi: Core.Strapi, action: string, data: Record<string, any>, documentId: unknown) => {
  for (const field of SYSTEM_SENDER_FIELDS) delete data[field];
  const stored = action === 'update' ? await currentRow(strapi, UID.sender, documentId) : null;
  const provider = data.provider ?? stored?.provider;
  if (data.provider !== undefined && data.provider !== stored?.provider && !configuredProviders().has(provider)) {
    throw new RuleError('provider', 'configured', `Provider "${provider}" has no credentials configured on this server; set them in the environment first`);
  }
  if (data.number !== undefined && !(provider === 'sandbox' && data.number === 'sandbox') && !(provider === 'meta' && /^meta:\d+$/.test(String(data.number)))) {
    data.number = await getService('phone').normalize(String(data.number).replace(/^whatsapp:/, ''), 'number');
  }
  if (data.dailyLimit !== undefined && data.dailyLimit !== null && data.dailyLimit !== '' && !MESSAGING_TIERS.includes(Number(data.dailyLimit))) {
    throw new RuleError('dailyLimit', 'tier', `dailyLimit must be a WhatsApp messaging tier (${MESSAGING_TIERS.join(', ')}) or empty for unlimited`);
  }
  if (data.messagesPerSecond !== undefined && data.messagesPerSecond !== null) {
    const rate = Number(data.messagesPerSecond);
    if (!Number.isInteger(rate) || rate < 1 || rate > 1000) throw new RuleError('messagesPerSecond', 'range', 'messagesPerSecond must be a whole number from 1 to 1000');
  }
};

const unmarkOtherDefaults = async (strapi: Core.Strapi, result: any) => {
  if (!result?.isDefault || !result?.documentId) return;
  await strapi.db.query(UID.sender).updateMany({ where: { isDefault: true, documentId: { $ne: result.documentId } }, data: { isDefault: false } });
};

export const registerDocumentGate = (strapi: Core.Strapi) => {
  strapi.documents.use(async (context, next) => {
    if (!context.uid.startsWith(`plugin::${PLUGIN_ID}.`)) return next();

    if (HISTORY.has(context.uid) && WRITES.has(context.action)) {
      throw new errors.ForbiddenError('This is a history record written by the WhatsApp plugin; it cannot be edited');
    }
    // Settings change through the settings screen / PUT /whatsapp/settings, which check each
    // value and audit who changed what.
    if (context.uid === UID.setting && WRITES.has(context.action)) {
      throw new errors.ForbiddenError('WhatsApp settings change through the plugin\'s settings (PUT /whatsapp/settings), which validates and audits them');
    }
    if (context.uid === UID.automation && context.action === 'delete') {
      const result = await next();
      await getService('automations').refresh();
      return result;
    }
    if (context.action !== 'create' && context.action !== 'update') return next();

    const params = context.params as { data?: Record<string, any>; documentId?: string };
    const data = params?.data;
    if (!data || typeof data !== 'object') return next();
    try {
      checkAttributes(context.uid, data, { partial: context.action === 'update' });
      if (context.uid === UID.template) await templateRules(strapi, context.action, data, params.documentId);
      if (context.uid === UID.sender) await senderRules(strapi, context.action, data, params.documentId);
      if (context.uid === UID.campaign) {
        for (const field of SYSTEM_CAMPAIGN_FIELDS) delete data[field];
        const stored = context.action === 'update' ? await currentRow(strapi, UID.campaign, params.documentId) : null;
        if (stored && stored.state !== 'draft') throw new RuleError('state', 'not-draft', `This campaign is ${stored.state}: only a draft can be edited`);
        await getService('campaigns').check({ ...(stored ?? {}), ...data });
      }
      if (context.uid === UID.automation) {
        // Checked as it will be stored (an edit of one field is checked with the others).
        const stored = context.action === 'update' ? await currentRow(strapi, UID.automation, params.documentId) : null;
        await getService('automations').checkChange(stored, data);
        const result = await next();
        await getService('automations').refresh();
        return result;
      }
      if (context.uid === UID.contact) {
        const consent = await contactRules(strapi, context.action, data, params.documentId);
        const result = await next();
        return recordConsent(strapi, result, consent);
      }
    } catch (error) {
      throw asValidationError(error);
    }
    const result = await next();
    if (context.uid === UID.sender) await unmarkOtherDefaults(strapi, result);
    return result;
  });
};
