import { errors } from '@strapi/utils';
import { UID } from '../constants';
import { RuleError } from './errors';

/**
 * Records that others point at by a plain integer column (the hot paths write raw SQL, so these
 * are not Strapi relations). Deleting one while something still points at it is refused, through
 * every door: the plugin's REST DELETE (409), the Content Manager and the Document Service (400),
 * any `strapi.db.query(...).delete` (a database lifecycle). The history stays whole: a contact's
 * messages and consent ledger are never orphaned (erasure anonymises instead: services/privacy.ts). See docs/data.md.
 */
export const REFERENCES: Record<string, { label: string; from: { uid: string; attribute: string; what: string }[] }> = {
  [UID.contact]: {
    label: 'Contact',
    from: [
      { uid: UID.message, attribute: 'contactId', what: 'messages' },
      { uid: UID.consent, attribute: 'contactId', what: 'consent records' },
      { uid: UID.conversation, attribute: 'contactId', what: 'conversations' },
      { uid: UID.followUp, attribute: 'contactId', what: 'follow-ups' },
    ],
  },
  [UID.sender]: {
    label: 'Sender',
    from: [
      { uid: UID.message, attribute: 'senderId', what: 'messages' },
      { uid: UID.conversation, attribute: 'senderId', what: 'conversations' },
    ],
  },
  // A queued message is sent with its template, and a failed one can be retried: kept.
  [UID.template]: { label: 'Template', from: [{ uid: UID.message, attribute: 'templateId', what: 'messages' }] },
  [UID.campaign]: { label: 'Campaign', from: [{ uid: UID.message, attribute: 'campaignId', what: 'messages' }] },
  [UID.conversation]: {
    label: 'Conversation',
    from: [
      { uid: UID.message, attribute: 'conversationId', what: 'messages' },
      { uid: UID.followUp, attribute: 'conversationId', what: 'follow-ups' },
    ],
  },
};

/** Why these records cannot be deleted, or null when nothing points at them. */
export const whyNotDeletable = async (uid: string, ids: number[]): Promise<string | null> => {
  const rule = REFERENCES[uid];
  if (!rule || !ids.length) return null;
  const found: string[] = [];
  for (const from of rule.from) {
    // strapi.db.query joins the caller's transaction (the Document Service deletes inside one).
    const n = await strapi.db.query(from.uid as any).count({ where: { [from.attribute]: { $in: ids } } });
    if (n > 0) found.push(`${n} ${from.what}`);
  }
  if (!found.length) return null;
  const which = ids.length === 1 ? `${rule.label} ${ids[0]}` : `${rule.label}s ${ids.join(', ')}`;
  return `${which} cannot be deleted: ${found.join(', ')} refer to it. History is kept, not orphaned.`;
};

/** For the plugin's REST API: 409 with the reason. */
export const assertDeletable = async (uid: string, id: number) => {
  const reason = await whyNotDeletable(uid, [id]);
  if (reason) throw new RuleError('id', 'in-use', reason, 409);
};

/** Every other door: a database lifecycle on the referenced types (Content Manager: 400). */
export const guardDeletes = () => {
  const refuse = async (uid: string, where: unknown) => {
    const rows: { id: number }[] = await strapi.db.query(uid as any).findMany({ where: where as any, select: ['id'] });
    const reason = await whyNotDeletable(uid, rows.map((r) => r.id));
    if (reason) {
      throw new errors.ValidationError(reason, { errors: [{ path: ['id'], message: reason, name: 'ValidationError', rule: 'in-use' }] });
    }
  };
  strapi.db.lifecycles.subscribe({
    models: Object.keys(REFERENCES),
    async beforeDelete(event: any) {
      await refuse(event.model.uid, event.params?.where);
    },
    async beforeDeleteMany(event: any) {
      await refuse(event.model.uid, event.params?.where);
    },
  } as any);
};
