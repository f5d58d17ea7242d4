import type { Core } from '@strapi/strapi';
import { getService } from '../utils';
import { notFound } from '../utils/errors';
import { serializeSender } from '../utils/serialize';
import { parseRowId } from '../utils/document-id';
import { configuredProviders, MISSING_PROVIDER } from '../services/senders';
import type { SenderCheck } from '../../../shared/contracts';

/**
 * The sending numbers, for the settings screen: list them, and check one's connection (the same
 * cheap authenticated read live mode asks before switching on: Twilio's Account, Meta's phone
 * number). Nothing is sent and nothing is written.
 */
export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: any) {
    const senders = await getService('senders').list();
    ctx.body = { data: senders.map(serializeSender) };
  },

  async check(ctx: any) {
    const id = parseRowId(ctx.params.id);
    const sender = typeof id !== 'number' ? null : await getService('senders').findById(id);
    if (!sender) throw notFound(`No sender ${ctx.params.id}`);
    const answer = async (): Promise<Pick<SenderCheck, 'ok' | 'detail'>> => {
      if (sender.provider === 'sandbox') return { ok: true, detail: 'The sandbox answers: nothing leaves this machine' };
      if (!configuredProviders().has(sender.provider)) return { ok: false, detail: MISSING_PROVIDER };
      const probe = await getService('providers').probe(sender.provider);
      return { ok: probe.ok, detail: probe.detail };
    };
    const result = await answer();
    ctx.body = { data: { senderId: sender.id, provider: sender.provider, ...result, checkedAt: new Date().toISOString() } satisfies SenderCheck };
  },
});
