/** What the inbox admin API answers (server/src/utils/serialize.ts and serialize-inbox.ts). */

export type ConversationStatus = 'open' | 'closed';

export interface ConversationContact {
  id: number;
  documentId: string | null;
  phone: string;
  name: string | null;
  profileName: string | null;
  isLead: boolean;
}

export interface Conversation {
  id: number;
  documentId: string;
  status: ConversationStatus;
  unreadCount: number;
  assigneeId: number | null;
  contactId: number;
  senderId: number;
  contact: ConversationContact | null;
  lastInboundAt: string | null;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  windowOpen: boolean;
  windowClosesAt: string | null;
  related: { type: string; id: string | number } | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/** Inbound media: a file kind, a location, a button press, an interactive reply or a reaction. */
/** An inbound file as stored in the media library. */
export interface MediaFile {
  id: number;
  name: string;
  mime: string;
  sizeKb: number;
  url: string;
}

export interface MessageMedia {
  kind?: string;
  /** Download of an inbound file: pending → stored (with `file`) | too-large | failed (`error`). */
  status?: 'pending' | 'stored' | 'failed' | 'too-large' | null;
  error?: string | null;
  file?: MediaFile | null;
  type?: string;
  mime?: string;
  mediaId?: string;
  url?: string;
  filename?: string;
  caption?: string;
  latitude?: number;
  longitude?: number;
  name?: string;
  address?: string;
  text?: string;
  payload?: string;
  title?: string;
  id?: string;
  emoji?: string;
  [key: string]: unknown;
}

export interface Message {
  id: number;
  documentId?: string;
  direction: 'in' | 'out';
  status: string;
  body: string | null;
  media: MessageMedia | null;
  template: string | null;
  channel: string | null;
  errorCode: string | null;
  errorText: string | null;
  conversationId: number | null;
  statusTimes?: Partial<Record<'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'cancelled' | 'received', string | null>>;
  createdAt: string | null;
  updatedAt?: string | null;
}

export interface FollowUp {
  id: number;
  documentId: string;
  title: string;
  status: 'open' | 'done';
  due: string | null;
  assigneeId: number | null;
  conversationId: number | null;
  doneAt: string | null;
}

export interface Template {
  id: number;
  name: string;
  body: string;
  variables: string[];
  category: string | null;
  active: boolean;
}

export interface Pagination {
  page: number;
  pageSize: number;
  pageCount: number;
  total: number;
}

/** The inbox list's filters, as the tabs and the search box set them. */
export interface ConversationFilters {
  view: 'all' | 'unread' | 'mine';
  status: ConversationStatus | 'all';
  search: string;
}

/** Events of GET /whatsapp/inbox/events (server/src/services/live.ts and its publishers). */
export type LiveEvent =
  | { type: 'conversation.updated'; data: Conversation }
  | { type: 'message.created'; data: { conversationId: number; message: Message } }
  /** An inbound file stored in the media library (or given up): the message with its `media.file`. */
  | { type: 'message.media'; data: { conversationId: number; message: Message } }
  | { type: 'message.status'; data: { id: number; status: string; reported?: string; contactId: number | null; conversationId: number | null } };
