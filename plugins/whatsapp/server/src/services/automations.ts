import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { getService } from '../utils';
import { notFound, RuleError } from '../utils/errors';
import { whereRef } from '../utils/document-id';
import { PathError, resolvePath, type SchemaLookup } from '../automations/paths';
import type { Condition } from '../automations/conditions';
import { hasPdf } from '../pdf/record-types';
import { fieldsOf, guessMainField } from '../automations/fields';
import type { AutomationContentType } from '../../../shared/automations';

/**
 * Automations: rules as data. "When a work order's `state` becomes COMPLETED, send the template
 * `vehiculo_listo` to `customer.phone` with `nombre` = `customer.name`". Admins write them in
 * the Content Manager, the admin API or REST; this service checks them against the host's
 * schemas and the templates when they are saved, and keeps the enabled rules of each content
 * type in memory, so a save of a type without rules costs nothing (automations/hook.ts).
 */
export interface Automation {
  id: number;
  documentId: string;
  name: string;
  enabled: boolean;
  contentType: string;
  trigger: 'field-change' | 'created' | 'date' | 'manual';
  field: string | null;
  fromValue: string | null;
  toValue: string | null;
  offsetDays: number | null;
  atTime: string | null;
  conditions: Condition[] | null;
  recipient: string;
  template: string;
  variables: Record<string, string | { value: string | number | boolean }> | null;
  attachment: 'none' | 'pdf';
  delayMinutes: number | null;
  category: string;
  writeBack: string | null;
  createdAt?: string;
  updatedAt?: string;
}
export type AutomationInput = Partial<Omit<Automation, 'id' | 'documentId' | 'createdAt' | 'updatedAt'>>;

/** Attribute types a field-change trigger can watch (compared as text). */
const WATCHABLE = new Set(['enumeration', 'string', 'boolean', 'integer', 'biginteger', 'decimal', 'float', 'date', 'datetime', 'email', 'uid']);
const DATES = new Set(['date', 'datetime']);

/** Host content types: what an automation may watch (the plugin's own and Strapi's are not). */
export const isHostType = (strapi: Core.Strapi, uid: string) =>
  typeof uid === 'string' && uid.startsWith('api::') && Boolean(strapi.contentTypes[uid as keyof typeof strapi.contentTypes]);

export const schemaLookup =
  (strapi: Core.Strapi): SchemaLookup =>
  (uid: string) =>
    (strapi.contentTypes[uid as keyof typeof strapi.contentTypes] ?? strapi.components[uid as keyof typeof strapi.components]) as ReturnType<SchemaLookup>;

const createAutomationsService = ({ strapi }: { strapi: Core.Strapi }) => {
  /** The Content Manager's title field for a type's records (its list view's setting), if it has one. */
  const configuredMainField = async (uid: string): Promise<string | null> => {
    try {
      const service = strapi.plugin('content-manager')?.service('content-types') as { findConfiguration?: (ct: { uid: string }) => Promise<{ settings?: { mainField?: unknown } }> } | undefined;
      const mainField = (await service?.findConfiguration?.({ uid }))?.settings?.mainField;
      return typeof mainField === 'string' && mainField ? mainField : null;
    } catch {
      return null;
    }
  };

  let byType = new Map<string, Automation[]>();
  /** What the rules looked like when last read (ids and update times), to tell a change. */
  let version = '';
  let loading: Promise<void> | null = null;

  const load = async () => {
    const rules: Automation[] = await strapi.db.query(UID.automation).findMany({ where: { enabled: true }, orderBy: { id: 'asc' } });
    const next = new Map<string, Automation[]>();
    for (const rule of rules) next.set(rule.contentType, [...(next.get(rule.contentType) ?? []), rule]);
    byType = next;
  };

  const path = (uid: string, field: string, value: string) => {
    try {
      return resolvePath(schemaLookup(strapi), uid, value);
    } catch (error) {
      if (error instanceof PathError) throw new RuleError(field, 'path', error.message);
      throw error;
    }
  };

  return {
    /** Loads the enabled rules (bootstrap) and keeps them fresh. */
    async refresh() {
      loading ??= load().finally(() => {
        loading = null;
      });
      await loading;
    },

    /**
     * The enabled rules of a type. Before answering, one small query reads every rule's id and
     * `updatedAt` (a handful of rows): when they differ from what is in memory, the rules are
     * read again. So a rule created, changed or switched off on another instance applies to the
     * very next save here (answered from a list a few seconds old, a save on the second instance
     * was a transition without a message). Only writes ask (the save hook), and a failed check
     * keeps the rules in memory.
     */
    async rulesFor(uid: string): Promise<Automation[]> {
      try {
        const rows: { id: number; updatedAt: unknown; enabled: unknown }[] = await strapi.db.query(UID.automation).findMany({ select: ['id', 'updatedAt', 'enabled'], orderBy: { id: 'asc' } });
        const seen = rows.map((r) => `${r.id}@${new Date(r.updatedAt as string).getTime()}${r.enabled ? '' : '-'}`).join(',');
        if (seen !== version) {
          await this.refresh();
          version = seen;
        }
      } catch (error) {
        strapi.log.warn(`[whatsapp] automations not reloaded: ${(error as Error).message}`);
      }
      return byType.get(uid) ?? [];
    },

    /** Checks a rule as it will be stored; throws RuleError (422) naming the field and the rule. */
    async check(rule: AutomationInput): Promise<void> {
      const uid = String(rule.contentType ?? '');
      if (!isHostType(strapi, uid)) {
        throw new RuleError('contentType', 'unknown', `"${uid}" is not a content type of this application (e.g. api::work-order.work-order)`);
      }
      const trigger = rule.trigger ?? 'field-change';
      if (trigger === 'field-change' || trigger === 'date') {
        if (!rule.field) throw new RuleError('field', 'required', trigger === 'date' ? 'A date trigger needs the date field (e.g. dueDate)' : 'A field-change trigger needs the field to watch (e.g. state)');
        const { attribute } = path(uid, 'field', rule.field);
        if (rule.field.includes('.')) throw new RuleError('field', 'own-field', `The trigger watches a field of ${uid} itself, not "${rule.field}"`);
        if (trigger === 'date' && !DATES.has(attribute.type)) throw new RuleError('field', 'date', `"${rule.field}" is a ${attribute.type}, not a date or datetime`);
        if (trigger === 'field-change') {
          if (!WATCHABLE.has(attribute.type)) throw new RuleError('field', 'watchable', `"${rule.field}" is a ${attribute.type}; a trigger watches a value (text, enumeration, number, boolean, date)`);
          if (rule.toValue === undefined || rule.toValue === null || rule.toValue === '') throw new RuleError('toValue', 'required', 'A field-change trigger needs the value it changes to (e.g. COMPLETED)');
          for (const key of ['fromValue', 'toValue'] as const) {
            const value = rule[key];
            if (attribute.enum && value !== undefined && value !== null && value !== '' && !attribute.enum.includes(String(value))) {
              throw new RuleError(key, 'enum', `"${value}" is not a value of ${rule.field} (${attribute.enum.join(', ')})`);
            }
          }
        }
      }
      const { attribute: to } = path(uid, 'recipient', String(rule.recipient ?? ''));
      if (!['string', 'text', 'email'].includes(to.type)) throw new RuleError('recipient', 'phone-field', `"${rule.recipient}" is a ${to.type}; the recipient is a phone number field (e.g. customer.phone)`);

      const template = await getService('templates').findOne(String(rule.template ?? ''));
      if (!template) throw new RuleError('template', 'unknown', `No template "${rule.template}"`);
      const mapping = rule.variables ?? {};
      for (const [name, source] of Object.entries(mapping)) {
        if (typeof source === 'string') path(uid, `variables.${name}`, source);
      }
      const unmapped = (template.variables ?? []).filter((name: string) => !Object.prototype.hasOwnProperty.call(mapping, name));
      if (unmapped.length) {
        throw new RuleError(`variables.${unmapped[0]}`, 'unmapped', `Template "${template.name}" uses ${unmapped.map((n: string) => `{{${n}}}`).join(', ')}: map each to a field of the record or a fixed value`);
      }
      if (rule.category && template.category !== rule.category) {
        throw new RuleError('category', 'template-category', `Template "${template.name}" is ${template.category}, not ${rule.category}`);
      }
      if (rule.attachment === 'pdf' && !hasPdf(uid)) throw new RuleError('attachment', 'pdf', `No PDF document is made for ${uid} (quotes and purchase orders have one)`);
      if (rule.writeBack) {
        const { attribute } = path(uid, 'writeBack', rule.writeBack);
        if (rule.writeBack.includes('.') || !DATES.has(attribute.type)) throw new RuleError('writeBack', 'datetime', `"${rule.writeBack}" must be a date or datetime field of ${uid} itself (e.g. whatsappNotifiedAt)`);
      }
    },

    /**
     * The content types a rule may watch (the ones `check` accepts), with the fields the editor
     * offers and the field the Content Manager titles their records with.
     */
    async contentTypes(): Promise<AutomationContentType[]> {
      const lookup = schemaLookup(strapi);
      const uids = Object.keys(strapi.contentTypes).filter((uid) => isHostType(strapi, uid));
      const answer: AutomationContentType[] = [];
      for (const uid of uids) {
        const schema = strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as unknown as {
          kind?: string;
          info?: { displayName?: string };
          options?: { draftAndPublish?: boolean };
        };
        const fields = fieldsOf(lookup, uid);
        answer.push({
          uid,
          kind: schema.kind === 'singleType' ? 'singleType' : 'collectionType',
          displayName: schema.info?.displayName ?? uid,
          draftAndPublish: Boolean(schema.options?.draftAndPublish),
          pdf: hasPdf(uid),
          mainField: (await configuredMainField(uid)) ?? guessMainField(fields),
          fields,
        });
      }
      return answer.sort((a, b) => a.displayName.localeCompare(b.displayName));
    },

    /**
     * Checks an edit as it will be stored (the stored rule with the change over it). Switching a
     * rule off needs no check: a rule broken since it was saved (its template deleted, a field
     * renamed) must still be switched off.
     */
    async checkChange(stored: AutomationInput | null, change: AutomationInput): Promise<void> {
      const onlyDisables = Object.keys(change).length > 0 && Object.keys(change).every((key) => key === 'enabled') && change.enabled === false;
      if (stored && onlyDisables) return;
      await this.check({ ...(stored ?? {}), ...change });
    },

    async list({ page, pageSize, contentType }: { page: number; pageSize: number; contentType?: string }) {
      const where = contentType ? { contentType } : {};
      const [results, total] = await Promise.all([
        strapi.db.query(UID.automation).findMany({ where, orderBy: { id: 'asc' }, offset: (page - 1) * pageSize, limit: pageSize }),
        strapi.db.query(UID.automation).count({ where }),
      ]);
      return { results: results as Automation[], total };
    },

    async findOneOrFail(ref: string | number): Promise<Automation> {
      const where = whereRef(ref);
      const rule = where ? await strapi.db.query(UID.automation).findOne({ where }) : null;
      if (!rule) throw notFound(`Automation ${ref} not found`);
      return rule;
    },

    async create(input: AutomationInput): Promise<Automation> {
      const data = { enabled: true, trigger: 'field-change', attachment: 'none', category: 'utility', offsetDays: 0, atTime: '09:00', delayMinutes: 0, ...input } as AutomationInput;
      await this.check(data);
      const rule = await strapi.documents(UID.automation as any).create({ data: data as any });
      await this.refresh();
      return this.findOneOrFail(rule.documentId);
    },

    async update(ref: string | number, input: AutomationInput): Promise<Automation> {
      const stored = await this.findOneOrFail(ref);
      await this.checkChange(stored, input);
      await strapi.documents(UID.automation as any).update({ documentId: stored.documentId, data: input as any });
      await this.refresh();
      return this.findOneOrFail(stored.id);
    },

    async delete(ref: string | number): Promise<Automation> {
      const stored = await this.findOneOrFail(ref);
      await strapi.documents(UID.automation as any).delete({ documentId: stored.documentId });
      await this.refresh();
      return stored;
    },
  };
};

export type AutomationsService = ReturnType<typeof createAutomationsService>;
export default createAutomationsService;
