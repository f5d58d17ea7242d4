import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { MessageCategory } from '../constants';
import { getService } from '../utils';
import type { Contact } from './contacts';

export type ConsentPurpose = 'marketing' | 'transactional';
export type ConsentMethod = 'form' | 'csv' | 'keyword' | 'admin' | 'api' | 'provider';

export interface ConsentChange {
  purpose: ConsentPurpose;
  granted: boolean;
  method: ConsentMethod;
  evidence?: string | null;
  actor?: string | null;
  at?: Date;
}

/**
 * The consent ledger: rows are only ever appended. The contact carries the current state so
 * the send path reads one row.
 */
const createConsentService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async record(contact: Contact, change: ConsentChange) {
    const at = change.at ?? new Date();
    const field = change.purpose === 'marketing' ? 'marketingConsent' : 'transactionalConsent';
    return strapi.db.transaction(async () => {
      const entry = await strapi.db.query(UID.consent).create({
        data: {
          contactId: contact.id,
          phone: contact.phone,
          purpose: change.purpose,
          granted: change.granted,
          method: change.method,
          evidence: change.evidence ?? null,
          actor: change.actor ?? null,
          at,
          createdAt: at,
          updatedAt: at,
        },
      });
      const updated = await strapi.db.query(UID.contact).update({
        where: { id: contact.id },
        data: {
          [field]: change.granted,
          consentUpdatedAt: at,
          ...(change.purpose === 'marketing' ? { optedOutAt: change.granted ? null : at } : {}),
          updatedAt: at,
        },
      });
      // The person agreed to hear from the business again: a block left by an earlier erasure of
      // their number is lifted (imports never get here for a blocked number: they skip it).
      if (change.granted) await getService('privacy').unblock(updated as Contact, change.actor ?? null);
      return { entry, contact: updated as Contact };
    });
  },

  /**
   * Many changes at once (a contacts import): the ledger rows inserted in bulk, the contacts'
   * current state updated per outcome, in one transaction. The same entries `record` writes.
   */
  async recordMany(changes: Array<{ contact: Contact; change: ConsentChange }>) {
    if (!changes.length) return;
    await strapi.db.transaction(async () => {
      await strapi.db.query(UID.consent).createMany({
        data: changes.map(({ contact, change }) => {
          const at = change.at ?? new Date();
          return {
            contactId: contact.id,
            phone: contact.phone,
            purpose: change.purpose,
            granted: change.granted,
            method: change.method,
            evidence: change.evidence ?? null,
            actor: change.actor ?? null,
            at,
            createdAt: at,
            updatedAt: at,
          };
        }),
      });
      // One update per (purpose, outcome, time): the contacts' current state.
      const groups = new Map<string, { change: ConsentChange; at: Date; ids: number[] }>();
      for (const { contact, change } of changes) {
        const at = change.at ?? new Date();
        const key = `${change.purpose}|${change.granted}|${at.getTime()}`;
        const group = groups.get(key) ?? { change, at, ids: [] };
        group.ids.push(contact.id);
        groups.set(key, group);
      }
      for (const { change, at, ids } of groups.values()) {
        const field = change.purpose === 'marketing' ? 'marketingConsent' : 'transactionalConsent';
        await strapi.db.query(UID.contact).updateMany({
          where: { id: { $in: ids } },
          data: {
            [field]: change.granted,
            consentUpdatedAt: at,
            ...(change.purpose === 'marketing' ? { optedOutAt: change.granted ? null : at } : {}),
            updatedAt: at,
          },
        });
      }
    });
  },

  async history(contactId: number) {
    return strapi.db.query(UID.consent).findMany({ where: { contactId }, orderBy: { id: 'asc' } });
  },

  /**
   * Whether a message of this category may go to this contact (null contact = a number we do
   * not know yet, so no consent on record). Marketing always needs marketing consent;
   * transactional follows the `transactionalConsent` setting.
   */
  async allows(contact: Contact | null, category: MessageCategory): Promise<{ ok: boolean; reason?: string }> {
    if (category === 'marketing') {
      return contact?.marketingConsent
        ? { ok: true }
        : { ok: false, reason: 'Marketing messages need the contact\'s marketing consent, and there is none on record' };
    }
    const { transactionalConsent } = await getService('settings').get();
    if (transactionalConsent === 'required' && category !== 'service' && !contact?.transactionalConsent) {
      return { ok: false, reason: 'Transactional messages need consent (setting transactionalConsent=required), and there is none on record' };
    }
    return { ok: true };
  },
});

export type ConsentService = ReturnType<typeof createConsentService>;
export default createConsentService;
