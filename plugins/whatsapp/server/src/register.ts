import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { UID } from './constants';
import { registerGraphql } from './graphql';

/** Written only by the plugin itself (raw queries), never through the Document Service. */
const READ_ONLY = new Set<string>([UID.message, UID.attempt, UID.consent, UID.auditEntry]);
const WRITES = new Set(['create', 'update', 'delete', 'clone', 'publish', 'unpublish', 'discardDraft']);

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // Messages, attempts, the consent ledger and the audit trail are history: staff can read
  // them in the Content Manager but not edit them there.
  strapi.documents.use(async (context, next) => {
    if (READ_ONLY.has(context.uid) && WRITES.has(context.action)) {
      throw new errors.ForbiddenError('This is a history record written by the WhatsApp plugin; it cannot be edited');
    }
    return next();
  });

  if (strapi.plugin('graphql')) registerGraphql(strapi);
};

export default register;
