import type { Core } from '@strapi/strapi';
import { UID } from './constants';
import { getService } from './utils';
import { toApplicationError } from './utils/errors';
import { sendMessageSchema, validateData } from './validation';
import type { CreateMessageInput } from './services/messages';

/**
 * GraphQL, added only when the graphql plugin is present: messages, templates and contacts are
 * queryable through shadow CRUD (messages read-only), internal tables are hidden, and one
 * mutation sends a message through the same service as REST.
 */
/**
 * A message's attribute is `deliveryStatus` (Strapi 5 reserves `status`); GraphQL keeps the word
 * `status` as the REST API does: a field, and a filter renamed before the query runs.
 */
const renameStatusFilter = (filters: unknown): unknown => {
  if (Array.isArray(filters)) return filters.map(renameStatusFilter);
  if (!filters || typeof filters !== 'object') return filters;
  return Object.fromEntries(
    Object.entries(filters).map(([key, value]) =>
      key === 'status' ? ['deliveryStatus', value] : ['and', 'or', 'not'].includes(key) ? [key, renameStatusFilter(value)] : [key, value]
    )
  );
};
const statusFilterMiddleware = (next: any, parent: unknown, args: Record<string, any>, context: unknown, info: unknown) =>
  next(parent, args?.filters ? { ...args, filters: renameStatusFilter(args.filters) } : args, context, info);

export const registerGraphql = (strapi: Core.Strapi) => {
  const extension = strapi.plugin('graphql').service('extension');

  for (const uid of [UID.attempt, UID.setting, UID.auditEntry, UID.consent, UID.sender, UID.webhookEvent, UID.conversation, UID.followUp, UID.contactImport]) {
    extension.shadowCRUD(uid).disable();
  }
  extension.shadowCRUD(UID.message).disableMutations();
  // Automations are read and written through GraphQL too (checked by the document gate); their runs are history.
  extension.shadowCRUD(UID.automationRun).disableMutations();
  // Campaigns are read through GraphQL; they are launched and stopped through REST and the admin.
  extension.shadowCRUD(UID.campaign).disableMutations();

  extension.use(({ nexus }: { nexus: any }) => ({
    types: [
      nexus.inputObjectType({
        name: 'WhatsAppMessageInput',
        definition(t: any) {
          t.nonNull.string('to');
          t.string('template');
          t.field('variables', { type: 'JSON' });
          t.string('body');
          t.string('sendAt');
          t.string('sender');
          t.string('category');
          t.int('media');
          t.string('idempotencyKey');
          t.string('relatedType');
          t.string('relatedId');
        },
      }),
      nexus.extendType({
        type: 'WhatsappMessage',
        definition(t: any) {
          t.string('status', { resolve: (parent: { deliveryStatus?: string }) => parent.deliveryStatus ?? null });
        },
      }),
      nexus.extendInputType({
        type: 'WhatsappMessageFiltersInput',
        definition(t: any) {
          t.field('status', { type: 'StringFilterInput' });
        },
      }),
      nexus.objectType({
        name: 'WhatsAppSendResult',
        definition(t: any) {
          t.nonNull.int('id');
          t.nonNull.string('documentId');
          t.nonNull.string('status');
          t.nonNull.string('to');
          t.string('body');
          t.string('dueAt');
          t.string('category');
          t.string('templateName');
          t.nonNull.boolean('created');
        },
      }),
      nexus.extendType({
        type: 'Query',
        definition(t: any) {
          // The same figures as REST's GET /campaigns/:id/stats (JSON: they have many shapes).
          t.field('whatsappCampaignStats', {
            type: 'JSON',
            args: { id: nexus.nonNull('ID'), lang: 'String' },
            async resolve(_parent: unknown, args: { id: string; lang?: string | null }) {
              try {
                return await getService('campaigns').stats(args.id, String(args.lang ?? '').startsWith('es') ? 'es' : 'en');
              } catch (error) {
                throw toApplicationError(error);
              }
            },
          });
        },
      }),
      nexus.extendType({
        type: 'Mutation',
        definition(t: any) {
          t.field('sendWhatsAppMessage', {
            type: 'WhatsAppSendResult',
            args: { data: nexus.nonNull('WhatsAppMessageInput') },
            async resolve(_parent: unknown, args: { data: Record<string, any> }) {
              const { relatedType, relatedId, ...rest } = args.data;
              // Exactly what REST accepts: the same validator (category, template or body, ids…),
              // fields GraphQL passes as null counted as absent.
              const given = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== null && value !== undefined));
              const related = relatedType || relatedId ? { related: { type: relatedType, id: relatedId } } : {};
              const data = await validateData<CreateMessageInput>(sendMessageSchema, { data: { ...given, ...related } });
              try {
                const { message, created } = await getService('messages').create(data, { source: 'api' });
                return { ...message, status: message.deliveryStatus, dueAt: message.dueAt ? new Date(message.dueAt).toISOString() : null, created };
              } catch (error) {
                throw toApplicationError(error);
              }
            },
          });
        },
      }),
    ],
    resolversConfig: {
      'Mutation.sendWhatsAppMessage': { auth: { scope: ['plugin::whatsapp.messages.create'] } },
      'Query.whatsappCampaignStats': { auth: { scope: ['plugin::whatsapp.campaigns.stats'] } },
      'Query.whatsappMessages': { middlewares: [statusFilterMiddleware] },
      'Query.whatsappMessages_connection': { middlewares: [statusFilterMiddleware] },
    },
  }));
};
