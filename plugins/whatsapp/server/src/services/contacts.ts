import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { getService } from '../utils';
import { notFound, RuleError } from '../utils/errors';
import { assertDeletable } from '../utils/integrity';
import { isUniqueViolation } from '../utils/db-errors';
import { whereRef } from '../utils/document-id';
import { checkAttributes } from '../validation/attributes';

export interface ContactInput {
  phone: string;
  name?: string | null;
  email?: string | null;
  locale?: string | null;
  timeZone?: string | null;
  tags?: string[] | null;
  source?: 'manual' | 'csv' | 'inbound' | 'automation' | 'api';
  isLead?: boolean;
  profileName?: string | null;
  relatedType?: string | null;
  relatedId?: string | null;
  /** Per-contact values (an import's extra columns), for templates: `{ placa: 'ABC-123' }`. */
  fields?: Record<string, string | null> | null;
}

export type Contact = Record<string, any> & { id: number; documentId: string; phone: string };

const phoneTaken = (phone: string) => new RuleError('phone', 'unique', `A contact with phone ${phone} already exists`, 409);

/**
 * An erased contact is a tombstone: it keeps the counts and the block on the number, and takes
 * no new data, no consent and no deletion (which would lift the block).
 */
export const assertNotErased = (contact: Contact) => {
  if (contact.erasedAt) {
    throw new RuleError('id', 'erased', `Contact ${contact.id}'s personal data was erased: it can no longer be changed, given consent or deleted`, 409);
  }
};

/**
 * Contacts: one per WhatsApp number (E.164, unique). Consent fields on the row are the current
 * state; the ledger lives in the `consent` service.
 */
const createContactsService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async findByPhone(e164: string): Promise<Contact | null> {
    return strapi.db.query(UID.contact).findOne({ where: { phone: e164 } });
  },

  /** Accepts the numeric id or the documentId; an id beyond the integer column finds nothing. */
  async findOne(idOrDocumentId: string | number): Promise<Contact | null> {
    const where = whereRef(idOrDocumentId);
    return where ? strapi.db.query(UID.contact).findOne({ where }) : null;
  },

  async findOneOrFail(idOrDocumentId: string | number): Promise<Contact> {
    const contact = await this.findOne(idOrDocumentId);
    if (!contact) throw notFound(`Contact ${idOrDocumentId} not found`);
    return contact;
  },

  /**
   * Finds the contact for a number or creates it, safely under concurrency: two first messages
   * from the same new number race on the unique phone index and both end with the one row.
   */
  async findOrCreate(e164: string, defaults: Omit<ContactInput, 'phone'> = {}): Promise<{ contact: Contact; created: boolean }> {
    const existing = await this.findByPhone(e164);
    if (existing) return { contact: existing, created: false };
    try {
      const now = new Date();
      const contact = await strapi.db.query(UID.contact).create({
        data: { source: 'api', locale: 'es-MX', ...defaults, phone: e164, createdAt: now, updatedAt: now },
      });
      return { contact, created: true };
    } catch (error) {
      if (!isUniqueViolation(error, 'phone')) throw error;
      const contact = await this.findByPhone(e164);
      if (!contact) throw error;
      return { contact, created: false };
    }
  },

  /**
   * A new contact. The phone is normalised, every value checked against the schema (the same
   * 400 on SQLite and PostgreSQL), and a number already taken is a 409, also when two requests
   * race for it: the unique index decides, and the loser is told, not handed the winner's row.
   */
  async create(input: ContactInput): Promise<Contact> {
    const phone = await getService('phone').normalize(input.phone, 'phone');
    const data: Record<string, unknown> = { source: 'manual', locale: 'es-MX', ...input, phone };
    if (input.fields) data.fields = Object.fromEntries(Object.entries(input.fields).filter(([, v]) => v !== null));
    checkAttributes(UID.contact, data);
    if (await this.findByPhone(phone)) throw phoneTaken(phone);
    try {
      const now = new Date();
      return await strapi.db.query(UID.contact).create({ data: { ...data, createdAt: now, updatedAt: now } });
    } catch (error) {
      if (isUniqueViolation(error, 'phone')) throw phoneTaken(phone);
      throw error;
    }
  },

  async update(idOrDocumentId: string | number, input: Partial<ContactInput>): Promise<Contact> {
    const contact = await this.findOneOrFail(idOrDocumentId);
    assertNotErased(contact);
    const data: Record<string, unknown> = { ...input };
    if (input.fields) {
      // Merged into the contact's fields; a name given null is removed.
      const current = typeof contact.fields === 'string' ? JSON.parse(contact.fields) : contact.fields;
      const merged: Record<string, unknown> = { ...(current && typeof current === 'object' && !Array.isArray(current) ? current : {}), ...input.fields };
      data.fields = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== null));
    }
    if (input.phone !== undefined) data.phone = await getService('phone').normalize(input.phone, 'phone');
    checkAttributes(UID.contact, data, { partial: true });
    if (data.phone !== undefined) {
      const other = await this.findByPhone(data.phone as string);
      if (other && other.id !== contact.id) throw phoneTaken(data.phone as string);
    }
    try {
      return await strapi.db.query(UID.contact).update({ where: { id: contact.id }, data: { ...data, updatedAt: new Date() } });
    } catch (error) {
      if (isUniqueViolation(error, 'phone')) throw phoneTaken(data.phone as string);
      throw error;
    }
  },

  async delete(idOrDocumentId: string | number) {
    const contact = await this.findOneOrFail(idOrDocumentId);
    assertNotErased(contact);
    await assertDeletable(UID.contact, contact.id);
    await strapi.db.query(UID.contact).delete({ where: { id: contact.id } });
    return contact;
  },

  /**
   * Contacts carrying exactly this tag (not a tag that merely contains it). `tags` is a JSON
   * array: PostgreSQL tests containment on jsonb, SQLite walks the array with json_each.
   */
  async idsTagged(tag: string): Promise<number[]> {
    const table = strapi.db.metadata.get(UID.contact).tableName;
    const rows: Array<{ id: number }> =
      strapi.db.dialect.client === 'postgres'
        ? await strapi.db.connection(table).select('id').whereRaw('tags::jsonb @> ?::jsonb', [JSON.stringify([tag])])
        : await strapi.db.connection(table).select('id').whereRaw('EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)', [tag]);
    return rows.map((r) => Number(r.id));
  },

  async list(params: { page: number; pageSize: number; search?: string; tag?: string; lead?: boolean; consent?: boolean }) {
    const where: Record<string, unknown>[] = [];
    if (params.search) {
      where.push({ $or: [{ name: { $containsi: params.search } }, { phone: { $contains: params.search } }] });
    }
    if (params.lead !== undefined) where.push({ isLead: params.lead });
    if (params.consent !== undefined) where.push({ marketingConsent: params.consent });
    if (params.tag) where.push({ id: { $in: await this.idsTagged(params.tag) } });
    const query = { where: where.length ? { $and: where } : {} };
    const [results, total] = await Promise.all([
      strapi.db.query(UID.contact).findMany({
        ...query,
        orderBy: { id: 'desc' },
        offset: (params.page - 1) * params.pageSize,
        limit: params.pageSize,
      }),
      strapi.db.query(UID.contact).count(query),
    ]);
    return { results, total };
  },
});

export type ContactsService = ReturnType<typeof createContactsService>;
export default createContactsService;
