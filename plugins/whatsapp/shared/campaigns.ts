import type { CampaignCost } from './contracts';

/**
 * The campaigns API (`/whatsapp/campaigns`, REST `/api/whatsapp/campaigns`): a campaign as
 * server/src/controllers/campaigns.ts serializes it, its estimate before launch and its stats.
 */
export type CampaignState = 'draft' | 'launching' | 'scheduled' | 'running' | 'paused' | 'cancelled' | 'completed';

/** Why a person named by the audience gets no message. */
export type CampaignExclusionReason = 'no-consent' | 'opted-out' | 'invalid-phone' | 'duplicate' | 'template' | 'no-phone';

export type CampaignAudience =
  | { kind: 'consent' }
  | { kind: 'tags'; tags: string[] }
  | { kind: 'phones'; phones: string[] }
  | { kind: 'query'; contentType: string; filters?: Record<string, unknown>; phonePath: string };

/** Each template variable: `contact.<field>`, `record.<path>` or a fixed value. */
export type CampaignVariableSource = string | { value: string | number | boolean };

export interface Campaign {
  id: number;
  documentId: string;
  name: string;
  state: CampaignState;
  template: string | null;
  senderId: number | null;
  audience: CampaignAudience | null;
  variables: Record<string, CampaignVariableSource>;
  scheduledAt: string | null;
  /** Seconds between two messages of the campaign; null or 0 = the sender's rate. */
  pacingSeconds: number | null;
  launchedAt: string | null;
  completedAt: string | null;
  /** How far the fan-out read the audience. */
  audienceRead: number;
  /** Messages written so far. */
  queued: number;
  excluded: Partial<Record<CampaignExclusionReason, number>>;
  pausedReason: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/** POST / PUT body's `data`. */
export type CampaignInput = Partial<Pick<Campaign, 'name' | 'template' | 'senderId' | 'audience' | 'variables' | 'scheduledAt' | 'pacingSeconds'>>;

/** GET …/campaigns/:id/estimate (a draft; writes nothing). */
export interface CampaignEstimate {
  campaign: number;
  audience: number;
  recipients: number;
  excluded: Partial<Record<CampaignExclusionReason, number>>;
  /** A live query's customers who are not contacts yet (counted, not written). */
  newContacts: number;
  cost: CampaignCost;
  messagesPerSecond: number;
  /** Sending time on the busiest day. */
  estimatedSeconds: number;
  dailyLimit: number | null;
  leftToday: number | null;
  daysNeeded: number;
  startsAt: string;
  lastDueAt: string | null;
  lastDayRecipients: number;
  sample: Array<{ to: string; body: string }>;
}

/** A failure code of the campaign's messages, explained in the `lang` asked for. */
export interface CampaignFailure {
  code: string | null;
  count: number;
  reason: string | null;
  remedy: string | null;
}

/** GET …/campaigns/:id/stats?lang=es|en. */
export interface CampaignStats {
  campaign: number;
  state: CampaignState;
  sentLastMinute: number;
  estimatedSecondsLeft: number;
  pausedReason: string | null;
  audience: number;
  excluded: Partial<Record<CampaignExclusionReason, number>>;
  messages: number;
  waiting: number;
  /** Sent, delivered or read. */
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  cancelled: number;
  replied: number;
  optedOut: number;
  replyWindowHours: number;
  lastDueAt: string | null;
  daysNeeded: number;
  dailyLimit: number | null;
  cost: CampaignCost;
  failures: CampaignFailure[];
}
