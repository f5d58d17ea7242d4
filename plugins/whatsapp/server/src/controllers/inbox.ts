import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import { getService, handle } from '../utils';
import { idempotencyKeyOf } from '../utils/idempotency';
import { serializeMessage } from '../utils/serialize';
import { serializeFollowUp } from '../utils/serialize-inbox';
import { pagination, paginationMeta, validateData } from '../validation';
import { assignSchema, filtersOf, inboxReplySchema, queryBool, queryId, queryOneOf, queryText, simulateSchema, type AssignInput } from '../validation/inbox';
import type { InboxReply } from '../services/inbox';
import type { SimulateInput } from '../services/simulator';

type Ctx = Context & { params: Record<string, string> };

/** The admin user behind the request (admin routes are guarded by isAuthenticatedAdmin). */
const adminId = (ctx: Ctx): number | null => {
  const id: unknown = ctx.state.user?.id;
  return typeof id === 'number' ? id : null;
};

/** `assigned=me` or an administrator's id. */
const assigneeFilter = (value: unknown, ctx: Ctx) => (value === 'me' ? adminId(ctx) ?? undefined : queryId(value, 'assigned'));

export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => {
  const inbox = () => getService('inbox');

  return {
    async conversations(ctx: Ctx) {
      const { page, pageSize } = pagination(ctx.query);
      const filters = filtersOf(ctx.query);
      const { results, total } = await inbox().list({
        page,
        pageSize,
        unread: queryBool(filters.unread, 'unread'),
        assigneeId: assigneeFilter(filters.assigned ?? filters.assignee, ctx),
        status: queryOneOf(filters.status, 'status', ['open', 'closed'] as const),
        search: queryText(filters.search, 'search'),
      });
      // `sandbox`: the screen offers "simulate a customer reply" only then.
      ctx.body = { data: results, meta: { ...paginationMeta(page, pageSize, total), sandbox: await getService('settings').isSandbox() } };
    },

    /** The administrators a conversation can be assigned to, by name. */
    async assignees(ctx: Ctx) {
      ctx.body = { data: await inbox().assignees() };
    },

    async conversation(ctx: Ctx) {
      const conversation = await inbox().findConversationOrFail(ctx.params.id);
      ctx.body = { data: await inbox().view(conversation) };
    },

    /** The thread, oldest first; reading it marks the conversation read. */
    async thread(ctx: Ctx) {
      const { page, pageSize } = pagination(ctx.query);
      const { conversation, messages, total } = await inbox().thread(ctx.params.id, { page, pageSize });
      const withFiles = await getService('inboundMedia').withFiles(messages);
      ctx.body = {
        data: withFiles.map((message) => serializeMessage(message)),
        meta: { ...paginationMeta(page, pageSize, total), conversation: await inbox().view(conversation) },
      };
    },

    async reply(ctx: Ctx) {
      const data = await validateData<InboxReply>(inboxReplySchema, ctx.request.body);
      const idempotencyKey = idempotencyKeyOf(ctx, data);
      const { message, created, conversation } = await handle(() => inbox().reply(ctx.params.id, { ...data, idempotencyKey }));
      ctx.status = created ? 201 : 200;
      ctx.body = {
        data: serializeMessage(message),
        meta: { sandbox: await getService('settings').isSandbox(), idempotentReplay: !created, conversation: await inbox().view(conversation) },
      };
    },

    async assign(ctx: Ctx) {
      const { assignee } = await validateData<AssignInput>(assignSchema, ctx.request.body);
      const conversation = await handle(() => inbox().assign(ctx.params.id, assignee === 'me' ? adminId(ctx) : assignee));
      ctx.body = { data: await inbox().view(conversation) };
    },

    async close(ctx: Ctx) {
      ctx.body = { data: await inbox().view(await inbox().setStatus(ctx.params.id, 'closed')) };
    },

    async reopen(ctx: Ctx) {
      ctx.body = { data: await inbox().view(await inbox().setStatus(ctx.params.id, 'open')) };
    },

    async followUps(ctx: Ctx) {
      const { page, pageSize } = pagination(ctx.query);
      const filters = filtersOf(ctx.query);
      const { results, total } = await inbox().followUps({
        page,
        pageSize,
        status: queryOneOf(filters.status, 'status', ['open', 'done'] as const),
        assigneeId: assigneeFilter(filters.assigned ?? filters.assignee, ctx),
        conversationId: queryId(filters.conversation, 'conversation'),
      });
      ctx.body = { data: results.map(serializeFollowUp), meta: paginationMeta(page, pageSize, total) };
    },

    async completeFollowUp(ctx: Ctx) {
      const followUp = await inbox().completeFollowUp(ctx.params.id, adminId(ctx));
      ctx.body = { data: serializeFollowUp(followUp) };
    },

    /**
     * Sandbox mode: a customer's reply, simulated through the path a signed Meta webhook takes
     * (409 naming `sandbox` outside sandbox mode). 201 with the inbound message and its
     * conversation; 202 when another instance applies webhooks (WHATSAPP_WORKER=false here).
     */
    async simulate(ctx: Ctx) {
      const data = await validateData<SimulateInput>(simulateSchema, ctx.request.body);
      const { message } = await handle(() => getService('simulator').simulate(data));
      if (!message) {
        ctx.status = 202;
        ctx.body = { data: null, meta: { applied: false } };
        return;
      }
      const conversation = message.conversationId ? await inbox().findConversation(message.conversationId) : null;
      ctx.status = 201;
      ctx.body = { data: serializeMessage(message), meta: { applied: true, conversation: conversation ? await inbox().view(conversation) : null } };
    },

    /** Server-sent events: conversation.updated, message.created, message.status. */
    async events(ctx: Ctx) {
      getService('live').stream(ctx);
    },
  };
};
