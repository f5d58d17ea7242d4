import { ACTIONS } from '../constants';

/** The shared inbox (`/whatsapp/inbox/...`, admin panel): reading needs readInbox, acting replyInbox. */
const route = (method: string, path: string, handler: string, action: string) => ({
  method,
  path,
  handler,
  config: {
    policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [action] } }],
  },
});

export default {
  type: 'admin',
  routes: [
    route('GET', '/inbox/conversations', 'inbox.conversations', ACTIONS.readInbox),
    route('GET', '/inbox/conversations/:id', 'inbox.conversation', ACTIONS.readInbox),
    route('GET', '/inbox/conversations/:id/messages', 'inbox.thread', ACTIONS.readInbox),
    route('POST', '/inbox/conversations/:id/messages', 'inbox.reply', ACTIONS.replyInbox),
    route('PUT', '/inbox/conversations/:id/assignee', 'inbox.assign', ACTIONS.replyInbox),
    route('POST', '/inbox/conversations/:id/close', 'inbox.close', ACTIONS.replyInbox),
    route('POST', '/inbox/conversations/:id/reopen', 'inbox.reopen', ACTIONS.replyInbox),
    route('GET', '/inbox/assignees', 'inbox.assignees', ACTIONS.readInbox),
    route('GET', '/inbox/follow-ups', 'inbox.followUps', ACTIONS.readInbox),
    route('POST', '/inbox/follow-ups/:id/done', 'inbox.completeFollowUp', ACTIONS.replyInbox),
    // Sandbox mode only (409 otherwise): a customer's reply through the webhook's path.
    route('POST', '/inbox/simulate', 'inbox.simulate', ACTIONS.replyInbox),
    // Live updates (server-sent events); stays open, heartbeats every 15 s.
    route('GET', '/inbox/events', 'inbox.events', ACTIONS.readInbox),
  ],
};
