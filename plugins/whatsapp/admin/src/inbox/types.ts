/** The inbox's types: what the API answers is declared once in shared/ (server and admin); the rest is this screen's. */
import type { ConversationStatus, Template } from '../../../shared/contracts';

export type {
  Assignee,
  Conversation,
  ConversationsAnswer,
  ConversationContact,
  FollowUp,
  InboxReply,
  InboxReplyAnswer,
  ListAnswer,
  Message,
  SimulateReply,
  SimulateReplyAnswer,
  MessageMedia,
  Pagination,
  ThreadAnswer,
} from '../../../shared/contracts';
export type { LiveEvent } from '../../../shared/live-events';

/**
 * A template in the reply box's picker, read from the plugin's admin list or, without access to
 * it, from the Content Manager (inbox/format.ts `toTemplate`), so only what both answer.
 */
export type TemplateOption = Pick<Template, 'id' | 'name' | 'body' | 'variables' | 'active'> & { category: string | null };

/** The inbox list's filters, as the tabs and the search box set them. */
export interface ConversationFilters {
  view: 'all' | 'unread' | 'mine';
  status: ConversationStatus | 'all';
  search: string;
}
