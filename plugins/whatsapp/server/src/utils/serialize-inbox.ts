import type { Conversation, FollowUp } from '../../../shared/contracts';
import { serviceWindow } from '../queue/window';
import { toDate } from '.';

/** The public shape of conversations and follow-ups (dates as ISO strings, links as `{ type, id }`). */
const iso = (value: unknown) => toDate(value)?.toISOString() ?? null;

/** What the inbox shows for a message the customer deleted (its content is kept, not shown). */
export const DELETED_PREVIEW = '🚫 Mensaje eliminado';

/** One line of a message for the inbox list: whitespace squeezed, cut at `max` characters. */
export const preview = (text: string, max = 120) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

export interface ConversationContact {
  id: number;
  documentId?: string;
  /** Null for a customer known only by their business-scoped user id (a WhatsApp username user). */
  phone: string | null;
  name?: string | null;
  profileName?: string | null;
  isLead?: boolean | number | null;
  phoneUnverified?: boolean | number | null;
  providerUserId?: string | null;
  username?: string | null;
}

export const serializeConversation = (c: Record<string, any>, contact: ConversationContact | null, now = Date.now()): Conversation => {
  const lastInbound = toDate(c.lastInboundAt);
  const window = serviceWindow(lastInbound, now);
  return {
    id: c.id,
    documentId: c.documentId,
    // The attribute is `state` (Strapi 5 reserves `status`); the API keeps its word.
    status: c.state,
    unreadCount: Number(c.unreadCount ?? 0),
    assigneeId: c.assigneeId ?? null,
    contactId: c.contactId,
    senderId: c.senderId,
    contact: contact
      ? {
          id: contact.id,
          documentId: contact.documentId ?? null,
          phone: contact.phone,
          name: contact.name ?? null,
          profileName: contact.profileName ?? null,
          isLead: Boolean(contact.isLead),
          phoneUnverified: Boolean(contact.phoneUnverified),
          providerUserId: contact.providerUserId ?? null,
          username: contact.username ?? null,
        }
      : null,
    lastInboundAt: iso(c.lastInboundAt),
    lastMessageAt: iso(c.lastMessageAt),
    lastMessagePreview: c.lastMessagePreview ?? null,
    // Free text is allowed until then; after it only an approved template.
    windowOpen: window.open,
    windowClosesAt: window.closesAt?.toISOString() ?? null,
    related: c.relatedType ? { type: c.relatedType, id: c.relatedId } : null,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
};

export const serializeFollowUp = (f: Record<string, any>): FollowUp => ({
  id: f.id,
  documentId: f.documentId,
  title: f.title,
  kind: f.kind ?? null,
  excerpt: f.excerpt ?? null,
  replyCount: Number(f.replyCount ?? 1),
  lastReplyAt: iso(f.lastReplyAt),
  status: f.state,
  due: iso(f.due),
  assigneeId: f.assigneeId ?? null,
  contactId: f.contactId,
  conversationId: f.conversationId ?? null,
  messageId: f.messageId ?? null,
  replyToMessageId: f.replyToMessageId ?? null,
  related: f.relatedType ? { type: f.relatedType, id: f.relatedId } : null,
  doneAt: iso(f.doneAt),
  doneById: f.doneById ?? null,
  createdAt: iso(f.createdAt),
  updatedAt: iso(f.updatedAt),
});
