import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { extractVariables, renderTemplate, TemplateError, MAX_TEXT_LENGTH } from '../lib/template';
import { countCharacters } from '../lib/text-length';
import { malformed, notFound, RuleError } from '../utils/errors';
import { PROVIDERS } from '../providers/registry';
import { assertDeletable } from '../utils/integrity';
import { isUniqueViolation } from '../utils/db-errors';
import { parseRowId } from '../utils/document-id';
import { checkAttributes } from '../validation/attributes';
import type { OutboundMessage } from '../providers/types';

export type Template = Record<string, any> & {
  id: number;
  documentId: string;
  name: string;
  body: string;
  category: 'marketing' | 'utility' | 'authentication';
};

export interface TemplateInput {
  name: string;
  category?: Template['category'];
  language?: string;
  body: string;
  mediaHeader?: 'none' | 'document' | 'image';
  metaName?: string | null;
  metaLanguage?: string | null;
  metaParameters?: string[] | null;
  metaParameterFormat?: 'positional' | 'named';
  twilioContentSid?: string | null;
  twilioVariables?: Record<string, string> | null;
  fallbackChannel?: 'none' | 'sms' | 'email';
  createsFollowUp?: boolean;
  active?: boolean;
}

type Variables = Record<string, unknown>;

/** A TemplateError as the API reports it: the field path names the variable. */
const asRuleError = (error: unknown, basePath: string) => {
  if (!(error instanceof TemplateError)) return error;
  if (error.rule === 'missing-variable' || error.rule === 'invalid-variable') {
    return new RuleError(`variables.${error.variable}`, error.rule === 'missing-variable' ? 'required' : 'invalid', error.message);
  }
  if (error.rule === 'too-long') return new RuleError(basePath, 'max-length', error.message);
  if (error.rule === 'reserved-variable') return new RuleError(basePath, 'reserved-variable', error.message);
  return new RuleError(basePath, 'template-syntax', error.message);
};

const nameTaken = (name: unknown) => new RuleError('name', 'unique', `A template named "${name}" already exists`, 409);

/** A template says something: a body that is empty or only spaces is refused, not stored. */
const assertBody = (body: unknown) => {
  if (typeof body !== 'string' || body.trim() === '') throw malformed('body', 'required', 'body is required: a template needs text');
};

/**
 * Templates: strict Handlebars bodies (a missing variable is an error naming it), the variables
 * they use, WhatsApp's 4,096-character limit, and the mapping to the provider's approved
 * template (Meta name + language + ordered parameters; Twilio Content SID + variables).
 */
const createTemplatesService = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** By id, documentId or name; digits beyond the integer column are looked up as a name only. */
  async findOne(ref: string | number): Promise<Template | null> {
    const key = String(ref);
    const id = parseRowId(ref);
    const where = typeof id === 'number' ? { id } : { $or: [{ documentId: key }, { name: key }] };
    return strapi.db.query(UID.template).findOne({ where });
  },

  async findOneOrFail(ref: string | number): Promise<Template> {
    const template = await this.findOne(ref);
    if (!template) throw notFound(`Template ${ref} not found`);
    return template;
  },

  /** Checks a body and its provider mapping; returns the variables the body uses. */
  check(input: Partial<TemplateInput>): string[] {
    let variables: string[] = [];
    if (input.body !== undefined) {
      try {
        variables = extractVariables(input.body);
      } catch (error) {
        throw asRuleError(error, 'body');
      }
      if (countCharacters(input.body) > MAX_TEXT_LENGTH) {
        throw new RuleError('body', 'max-length', `The body is ${countCharacters(input.body)} characters; WhatsApp allows ${MAX_TEXT_LENGTH}`);
      }
    }
    const known = new Set(variables);
    for (const [i, name] of (input.metaParameters ?? []).entries()) {
      if (!known.has(name)) {
        throw new RuleError(`metaParameters.${i}`, 'unknown-variable', `Meta parameter ${i + 1} uses "${name}", which the body does not use`);
      }
    }
    // An explicit order must name every variable of the body: Meta's template has one parameter
    // per variable, and a count that differs is Meta's error 132000 at send time (after our 201).
    // No order at all is fine: the body's variables are sent in order of appearance.
    const order = input.metaParameters ?? [];
    if (input.body !== undefined && order.length > 0 && order.length !== variables.length) {
      throw new RuleError(
        'metaParameters',
        'parameter-count',
        `metaParameters lists ${order.length} parameter(s) but the body uses ${variables.length} variable(s) (${variables.join(', ') || 'none'}): give one per variable, in the approved template's order, or leave it empty to use the body's order`
      );
    }
    for (const [key, name] of Object.entries(input.twilioVariables ?? {})) {
      if (!known.has(name)) {
        throw new RuleError(`twilioVariables.${key}`, 'unknown-variable', `Twilio variable ${key} uses "${name}", which the body does not use`);
      }
    }
    return variables;
  },

  /**
   * Values checked against the schema first (the same 400 on SQLite and PostgreSQL), then the
   * template's own rules; a name already taken is a 409, also when two requests race for it
   * (the unique index decides).
   */
  async create(input: TemplateInput): Promise<Template> {
    assertBody(input.body);
    checkAttributes(UID.template, { ...input });
    const variables = this.check(input);
    if (await strapi.db.query(UID.template).findOne({ where: { name: input.name } })) throw nameTaken(input.name);
    const now = new Date();
    try {
      return await strapi.db.query(UID.template).create({ data: { ...input, variables, createdAt: now, updatedAt: now } });
    } catch (error) {
      if (isUniqueViolation(error, 'name')) throw nameTaken(input.name);
      throw error;
    }
  },

  async update(ref: string | number, input: Partial<TemplateInput>): Promise<Template> {
    const template = await this.findOneOrFail(ref);
    if (input.body !== undefined) assertBody(input.body);
    checkAttributes(UID.template, { ...input }, { partial: true });
    const merged = { ...template, ...input };
    const variables = this.check({ body: merged.body, metaParameters: merged.metaParameters, twilioVariables: merged.twilioVariables });
    if (input.name && input.name !== template.name) {
      const other = await strapi.db.query(UID.template).findOne({ where: { name: input.name } });
      if (other) throw nameTaken(input.name);
    }
    try {
      return await strapi.db.query(UID.template).update({
        where: { id: template.id },
        data: { ...input, variables, updatedAt: new Date() },
      });
    } catch (error) {
      if (isUniqueViolation(error, 'name')) throw nameTaken(input.name);
      throw error;
    }
  },

  async delete(ref: string | number) {
    const template = await this.findOneOrFail(ref);
    await assertDeletable(UID.template, template.id);
    await strapi.db.query(UID.template).delete({ where: { id: template.id } });
    return template;
  },

  async list(params: { page: number; pageSize: number; search?: string; category?: string }) {
    const where: Record<string, unknown> = {};
    if (params.search) where.name = { $containsi: params.search };
    if (params.category) where.category = params.category;
    const [results, total] = await Promise.all([
      strapi.db.query(UID.template).findMany({ where, orderBy: { name: 'asc' }, offset: (params.page - 1) * params.pageSize, limit: params.pageSize }),
      strapi.db.query(UID.template).count({ where }),
    ]);
    return { results, total };
  },

  /** Renders strictly; the error names the missing variable. */
  render(template: Pick<Template, 'body'>, variables: Variables, options: { locale?: string; timeZone?: string } = {}) {
    try {
      return renderTemplate(template.body, variables, options);
    } catch (error) {
      throw asRuleError(error, 'body');
    }
  },

  /**
   * The provider's approved template with its parameters filled in, for the dispatcher: each
   * provider's mapping (providers/<name>/template.ts) through the one mapper, so a parameter is
   * the text the stored body shows, cleaned as WhatsApp requires.
   */
  providerTemplate(template: Template, variables: Variables, options: { locale?: string; timeZone?: string } = {}): OutboundMessage['template'] {
    const result: NonNullable<OutboundMessage['template']> = {};
    try {
      for (const provider of Object.values(PROVIDERS)) Object.assign(result, provider.template?.(template, variables, options));
    } catch (error) {
      throw asRuleError(error, 'body');
    }
    return result.meta || result.twilio ? result : undefined;
  },
});

export type TemplatesService = ReturnType<typeof createTemplatesService>;
export default createTemplatesService;
