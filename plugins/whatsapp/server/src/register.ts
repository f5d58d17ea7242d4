import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { UID } from './constants';
import { registerGraphql } from './graphql';
import { getService } from './utils';
import { RuleError } from './utils/errors';

/** Written only by the plugin itself (raw queries), never through the Document Service. */
const READ_ONLY = new Set<string>([UID.message, UID.attempt, UID.consent, UID.auditEntry, UID.webhookEvent]);
const WRITES = new Set(['create', 'update', 'delete', 'clone', 'publish', 'unpublish', 'discardDraft']);

/** A rule error as the Content Manager shows it (a validation error on the field). */
const asValidationError = (error: unknown) =>
  error instanceof RuleError
    ? new errors.ValidationError(error.message, { errors: [{ path: error.path.split('.'), message: error.message, name: 'ValidationError', rule: error.rule }] })
    : error;

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  strapi.documents.use(async (context, next) => {
    if (!context.uid.startsWith('plugin::whatsapp.')) return next();

    // Messages, attempts, the consent ledger and the audit trail are history: staff can read
    // them in the Content Manager but not edit them there.
    if (READ_ONLY.has(context.uid) && WRITES.has(context.action)) {
      throw new errors.ForbiddenError('This is a history record written by the WhatsApp plugin; it cannot be edited');
    }

    // Staff edit templates and contacts in the Content Manager: apply the same rules as the API.
    const params = context.params as { data?: Record<string, any> };
    if ((context.action === 'create' || context.action === 'update') && params?.data) {
      try {
        if (context.uid === UID.template && params.data.body !== undefined) {
          params.data.variables = getService('templates').check(params.data);
        }
        if (context.uid === UID.contact && params.data.phone) {
          params.data.phone = await getService('phone').normalize(params.data.phone, 'phone');
        }
      } catch (error) {
        throw asValidationError(error);
      }
    }
    return next();
  });

  if (strapi.plugin('graphql')) registerGraphql(strapi);
};

export default register;
