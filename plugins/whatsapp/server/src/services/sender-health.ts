import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { getService } from '../utils';
import { readConfig } from '../config';
import { configuredProviders, MISSING_PROVIDER, type Sender } from './senders';
import { metaSettings } from '../providers/meta/settings';
import { twilioSettings } from '../providers/twilio/settings';
import { readMetaPhoneNumber } from '../providers/meta/phone-number';
import { readTwilioSender } from '../providers/twilio/senders';
import { HEALTH_TIMEOUT_MS, SANDBOX_HEALTH, type SenderHealthReading } from '../providers/sender-health';
import type { AccountUpdateEvent, NumberQualityEvent } from '../providers/webhook-events';
import type { SenderCheck } from '../../../shared/contracts';

/** Ratings that mean "people are blocking or reporting this number": Meta RED, Twilio LOW. */
const LOW_QUALITY = new Set(['RED', 'LOW']);
export const isLowQuality = (rating: string | null | undefined) => LOW_QUALITY.has(String(rating ?? '').toUpperCase());

/**
 * `phone_number_quality_update` events (Meta's words): a flag or a lowered limit alerts staff;
 * an unflag or a raised limit may end the alert; the others only carry limits.
 */
const QUALITY_EVENTS = {
  alerting: new Set(['FLAGGED', 'DOWNGRADE']),
  easing: new Set(['UNFLAGGED', 'UPGRADE']),
  informational: new Set(['ONBOARDING', 'THROUGHPUT_UPGRADE']),
};

/**
 * `account_update` events that restrict or end the account's messaging (Meta's account_update
 * reference): a policy violation, a restriction, a deletion, a ban (DISABLED_UPDATE, unless its
 * ban state is REINSTATE, which lifts it).
 */
const RESTRICTING_ACCOUNT_EVENTS = new Set(['ACCOUNT_VIOLATION', 'ACCOUNT_RESTRICTION', 'ACCOUNT_DELETED', 'DISABLED_UPDATE']);
/** Account events Meta documents that change nothing here: kept for the record. */
const INFORMATIONAL_ACCOUNT_EVENTS = new Set([
  'PARTNER_ADDED',
  'PARTNER_REMOVED',
  'PARTNER_APP_INSTALLED',
  'PARTNER_APP_UNINSTALLED',
  'BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE',
  'AUTH_INTL_PRICE_ELIGIBILITY_UPDATE',
  'VOLUME_BASED_PRICING_TIER_UPDATE',
  'MM_LITE_TERMS_SIGNED',
  'ACCOUNT_OFFBOARDED',
  'ACCOUNT_RECONNECTED',
  'BUSINESS_VERIFICATION_STATUS_UPDATE',
  'AD_ACCOUNT_LINKED',
  'VERIFIED_ACCOUNT',
]);

interface Applied {
  outcome: 'applied' | 'unmatched' | 'recorded';
  error?: string;
}

const digits = (value: string | null | undefined) => String(value ?? '').replace(/\D/g, '');

/**
 * A sending number's health: checked with its provider on demand (POST /senders/:id/check), and
 * kept current by Meta's `phone_number_quality_update` and `account_update` webhooks. What the
 * provider says is stored on the sender row (qualityRating, messagingTier, checkedAt, checkStatus,
 * checkError) in its own words; a low rating, a flag, a downgrade or an account restriction raises
 * a staff alert (services/alerts.ts). Credentials stay in the environment: nothing secret is read
 * from or written to the row.
 */
const createSenderHealthService = ({ strapi }: { strapi: Core.Strapi }) => {
  const senders = () => strapi.db.query(UID.sender);

  const read = async (sender: Sender): Promise<SenderHealthReading> => {
    if (sender.provider === 'sandbox') return SANDBOX_HEALTH;
    const blank = { qualityRating: null, messagingTier: null, providerStatus: null };
    if (!configuredProviders().has(sender.provider)) return { ...blank, status: 'credentials-refused', detail: MISSING_PROVIDER };
    const timeoutMs = Math.min(HEALTH_TIMEOUT_MS, readConfig().dispatcher.providerTimeoutMs);
    if (sender.provider === 'meta') return readMetaPhoneNumber(metaSettings(), timeoutMs);
    return readTwilioSender(twilioSettings(), sender.number, timeoutMs);
  };

  /**
   * The sender-quality alert follows the stored ratings: it stands while an active sender is
   * rated low and clears once none is. (One alert row for all numbers; its words name them.)
   */
  const settleQualityAlert = async (now: Date, reason?: string) => {
    const active: Sender[] = await senders().findMany({ where: { active: true } });
    const low = active.filter((s) => isLowQuality(s.qualityRating));
    if (low.length) {
      const words = low.map((s) => `${s.name} (${s.number}) is rated ${s.qualityRating}`).join('; ');
      await getService('alerts').raise('sender-quality', reason ? `${reason}; ${words}` : words, now);
    } else {
      await getService('alerts').clear('sender-quality', now);
    }
  };

  return {
    /** Asks the sender's provider now, stores what it said, and returns the sender as stored with the check. */
    async check(sender: Sender, now = new Date()): Promise<{ sender: Sender; check: SenderCheck }> {
      const reading = await read(sender);
      const ok = reading.status === 'ok';
      const data: Record<string, unknown> = {
        checkedAt: now,
        checkStatus: reading.status,
        checkError: ok ? null : reading.detail.slice(0, 2000),
        updatedAt: now,
      };
      // A failed check says nothing about the number: the last known rating and tier stay.
      if (ok) Object.assign(data, { qualityRating: reading.qualityRating, messagingTier: reading.messagingTier });
      const updated: Sender = await senders().update({ where: { id: sender.id }, data });
      if (ok) await settleQualityAlert(now);
      return {
        sender: updated,
        check: {
          status: reading.status,
          ok,
          detail: reading.detail,
          qualityRating: reading.qualityRating,
          messagingTier: reading.messagingTier,
          providerStatus: reading.providerStatus,
          checkedAt: now.toISOString(),
        },
      };
    },

    /** A webhook about a number's quality or the account's standing, applied at once. */
    async applyWebhook(event: NumberQualityEvent | AccountUpdateEvent, now = new Date()): Promise<Applied> {
      return event.kind === 'number-quality' ? this.applyNumberQuality(event, now) : this.applyAccountUpdate(event, now);
    },

    async applyNumberQuality(event: NumberQualityEvent, now: Date): Promise<Applied> {
      const all: Sender[] = await senders().findMany({ where: { provider: 'meta' } });
      const wanted = digits(event.number);
      const sender = all.find((s) => wanted && digits(s.number) === wanted);
      if (!sender) return { outcome: 'unmatched', error: `No Meta sender has the number ${event.number}` };
      const known = QUALITY_EVENTS.alerting.has(event.event) || QUALITY_EVENTS.easing.has(event.event) || QUALITY_EVENTS.informational.has(event.event);
      const data: Record<string, unknown> = { updatedAt: now };
      // The number's own limit first; the business portfolio's when it is all Meta sends.
      const tier = event.phoneLimit ?? event.currentLimit ?? event.businessLimit;
      if (tier) data.messagingTier = tier;
      // Meta flags a number when its rating reaches low (RED); an unflag says it is no longer low,
      // not which rating it has: unknown until the next check reads it.
      if (event.qualityRating) data.qualityRating = event.qualityRating;
      else if (event.event === 'FLAGGED') data.qualityRating = 'RED';
      else if (event.event === 'UNFLAGGED') data.qualityRating = null;
      await senders().update({ where: { id: sender.id }, data });

      const limits = [event.oldLimit && `from ${event.oldLimit}`, tier && `to ${tier}`].filter(Boolean).join(' ');
      const said = `Meta: ${sender.name} (${sender.number}) ${event.event}${limits ? ` ${limits}` : ''}`;
      if (QUALITY_EVENTS.alerting.has(event.event) || isLowQuality(event.qualityRating)) {
        await getService('alerts').raise('sender-quality', said, now);
      } else if (QUALITY_EVENTS.easing.has(event.event)) {
        await settleQualityAlert(now);
      }
      if (!known) return { outcome: 'recorded', error: `Unknown phone_number_quality_update event ${event.event}: kept${tier ? `, limit ${tier} stored` : ''}` };
      return { outcome: 'applied' };
    },

    async applyAccountUpdate(event: AccountUpdateEvent, now: Date): Promise<Applied> {
      if (event.event === 'DISABLED_UPDATE' && event.banState === 'REINSTATE') {
        await getService('alerts').clear('account-restricted', now);
        return { outcome: 'applied' };
      }
      if (RESTRICTING_ACCOUNT_EVENTS.has(event.event)) {
        const what = [
          event.violationType && `violation ${event.violationType}`,
          event.banState && `ban state ${event.banState}${event.banDate ? ` (${event.banDate})` : ''}`,
          ...event.restrictions.map((r) => `${r.type}${r.expiration ? ` until ${r.expiration}` : ''}`),
        ].filter(Boolean);
        await getService('alerts').raise('account-restricted', `${event.event}${what.length ? `: ${what.join(', ')}` : ''}`, now);
        return { outcome: 'applied' };
      }
      if (INFORMATIONAL_ACCOUNT_EVENTS.has(event.event)) return { outcome: 'recorded' };
      return { outcome: 'recorded', error: `Unknown account_update event ${event.event}: kept for review` };
    },
  };
};

export type SenderHealthService = ReturnType<typeof createSenderHealthService>;
export default createSenderHealthService;
