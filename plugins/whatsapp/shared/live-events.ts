import type { Conversation, Message, MessageStatus } from './contracts';

/**
 * Server-sent events pushed to the admin inbox (GET /whatsapp/inbox/events, server/src/services/
 * live.ts): each frame's `event:` is one of these names and its `data:` the JSON payload below.
 */
export const LIVE_EVENTS = {
  conversationUpdated: 'conversation.updated',
  messageCreated: 'message.created',
  messageStatus: 'message.status',
  /** An inbound message's file was downloaded (or could not be): `{ conversationId, message }`. */
  messageMedia: 'message.media',
} as const;
export type LiveEventType = (typeof LIVE_EVENTS)[keyof typeof LIVE_EVENTS];

/** A provider's status update applied to an outbound message. */
export interface MessageStatusEvent {
  id: number;
  /** The message's status after the update. */
  status: MessageStatus;
  /** What the provider reported (may be behind `status`: a late "sent" after "read"). */
  reported?: string;
  contactId: number | null;
  conversationId: number | null;
}

/** The payload of each live event. */
export interface LiveEventData {
  [LIVE_EVENTS.conversationUpdated]: Conversation;
  [LIVE_EVENTS.messageCreated]: { conversationId: number; message: Message };
  [LIVE_EVENTS.messageStatus]: MessageStatusEvent;
  /** The message with its `media.file` (or its download `status` and `error`). */
  [LIVE_EVENTS.messageMedia]: { conversationId: number | null; message: Message };
}

/** One event as the admin reads it: a name and its payload. */
export type LiveEvent = { [K in LiveEventType]: { type: K; data: LiveEventData[K] } }[LiveEventType];
