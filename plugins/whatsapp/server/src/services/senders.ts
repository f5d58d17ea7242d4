import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { ProviderName } from '../constants';
import { RuleError } from '../utils/errors';
import { getService } from '../utils';
import { metaSettings } from '../providers/meta/settings';
import { twilioSettings } from '../providers/twilio/settings';

export type Sender = Record<string, any> & {
  id: number;
  name: string;
  provider: ProviderName;
  number: string;
  messagesPerSecond: number;
};

/** The sandbox's own sender: always there, so sandbox mode works with nothing configured. */
export const SANDBOX_NUMBER = 'sandbox';

/** The providers this server holds credentials for (the sandbox always). */
export const configuredProviders = (): Set<ProviderName> => {
  const twilio = twilioSettings();
  const meta = metaSettings();
  const names = new Set<ProviderName>(['sandbox']);
  if (twilio.accountSid && twilio.authToken && twilio.whatsappFrom) names.add('twilio');
  if (meta.accessToken && meta.phoneNumberId) names.add('meta');
  return names;
};

/** True when this server holds credentials for Twilio or Meta (not only the sandbox). */
export const hasRealProvider = () => [...configuredProviders()].some((name) => name !== 'sandbox');

/** What the environment must set for each provider, in words for the one who configures it. */
export const MISSING_PROVIDER =
  'no Twilio or Meta sender is configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM (Twilio), ' +
  'or META_ACCESS_TOKEN and META_PHONE_NUMBER_ID (Meta), then restart';

/** Why live mode cannot be switched on (rule and words), or null when a configured sender answers. */
export interface LiveModeProblem {
  rule: 'no-provider' | 'provider-unreachable';
  message: string;
}

/** Sending numbers. Secrets stay in the environment; a sender row only says which provider. */
const createSendersService = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** At boot: one sender per configured provider, created or updated from the environment. */
  async syncFromEnv() {
    const twilio = twilioSettings();
    const meta = metaSettings();
    const configured = configuredProviders();
    const wanted: Array<Pick<Sender, 'name' | 'provider' | 'number'> & { messagesPerSecond: number }> = [
      { name: 'Sandbox', provider: 'sandbox', number: SANDBOX_NUMBER, messagesPerSecond: 1000 },
    ];
    if (configured.has('twilio')) {
      wanted.push({ name: 'Twilio WhatsApp', provider: 'twilio', number: twilio.whatsappFrom.replace(/^whatsapp:/, ''), messagesPerSecond: 80 });
    }
    if (configured.has('meta')) {
      wanted.push({ name: 'Meta WhatsApp', provider: 'meta', number: meta.whatsappNumber || `meta:${meta.phoneNumberId}`, messagesPerSecond: 80 });
    }
    const now = new Date();
    for (const sender of wanted) {
      const existing = await strapi.db.query(UID.sender).findOne({ where: { number: sender.number } });
      if (existing) {
        await strapi.db.query(UID.sender).update({ where: { id: existing.id }, data: { provider: sender.provider, active: true, updatedAt: now } });
      } else {
        await strapi.db.query(UID.sender).create({ data: { ...sender, credentials: 'default', active: true, createdAt: now, updatedAt: now } });
      }
    }
    // Providers no longer configured stop being used, but their history stays.
    const all: Sender[] = await strapi.db.query(UID.sender).findMany({});
    for (const sender of all) {
      if (!configured.has(sender.provider) && sender.active) {
        await strapi.db.query(UID.sender).update({ where: { id: sender.id }, data: { active: false, updatedAt: now } });
      }
    }
  },

  /**
   * Whether live mode has a sender to send with: a configured provider (credentials in the
   * environment) that answers a cheap authenticated read now (Twilio's Account, Meta's phone
   * number; a few seconds at most). Null when at least one does.
   */
  async liveModeProblem(): Promise<LiveModeProblem | null> {
    const configured = [...configuredProviders()].filter((name): name is 'twilio' | 'meta' => name !== 'sandbox');
    if (!configured.length) return { rule: 'no-provider', message: `Sandbox mode stays on: ${MISSING_PROVIDER}` };
    const answers = await Promise.all(configured.map((name) => getService('providers').probe(name)));
    if (answers.some((answer) => answer.ok)) return null;
    return { rule: 'provider-unreachable', message: `Sandbox mode stays on: no configured sender answered (${answers.map((a) => a.detail).join('; ')})` };
  },

  async list(): Promise<Sender[]> {
    return strapi.db.query(UID.sender).findMany({ orderBy: { id: 'asc' } });
  },

  async findById(id: number): Promise<Sender | null> {
    return strapi.db.query(UID.sender).findOne({ where: { id } });
  },

  /**
   * The numbers a campaign may go from, for the wizard: the active senders; in live mode without
   * the sandbox's (it sends nothing there: its messages fail with `no-provider`). `defaultId` is
   * the one `resolve()` picks for a campaign that names none. In sandbox mode every message is
   * simulated whatever the number, which the wizard says (`sandbox`).
   */
  async forCampaigns(): Promise<{ senders: Sender[]; sandbox: boolean; defaultId: number | null }> {
    const sandbox = await getService('settings').isSandbox();
    const active: Sender[] = await strapi.db.query(UID.sender).findMany({ where: { active: true }, orderBy: { id: 'asc' } });
    const senders = sandbox ? active : active.filter((s) => s.provider !== 'sandbox');
    const resolved = await this.resolve().catch(() => null);
    const defaultId = senders.find((s) => s.id === resolved?.id)?.id ?? senders[0]?.id ?? null;
    return { senders, sandbox, defaultId };
  },

  /**
   * The sender a message goes from: the one named (id, number or provider name), else the one
   * flagged default, else the first configured real provider (Meta, then Twilio), else the sandbox.
   */
  async resolve(ref?: string | number | null): Promise<Sender> {
    const active: Sender[] = await strapi.db.query(UID.sender).findMany({ where: { active: true }, orderBy: { id: 'asc' } });
    if (ref !== undefined && ref !== null && ref !== '') {
      const key = String(ref);
      const found = active.find(
        (s) => String(s.id) === key || s.documentId === key || s.number === key || s.provider === key || s.name === key
      );
      if (!found) throw new RuleError('sender', 'unknown', `No active sender "${key}"`);
      return found;
    }
    const byPreference =
      active.find((s) => s.isDefault) ??
      active.find((s) => s.provider === 'meta') ??
      active.find((s) => s.provider === 'twilio') ??
      active.find((s) => s.provider === 'sandbox');
    if (!byPreference) throw new RuleError('sender', 'unknown', 'No sender is configured');
    return byPreference;
  },
});

export type SendersService = ReturnType<typeof createSendersService>;
export default createSendersService;
