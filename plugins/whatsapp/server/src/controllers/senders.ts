import type { Core } from '@strapi/strapi';
import { getService } from '../utils';
import { malformed, notFound } from '../utils/errors';
import { serializeSender } from '../utils/serialize';
import { parseRowId } from '../utils/document-id';
import type { CheckedSender } from '../../../shared/contracts';

/**
 * The sending numbers, for the settings screen: list them, and check one with its provider (its
 * credentials, the number's quality rating and messaging limit tier; services/sender-health.ts).
 * A check sends nothing; it stores what the provider said on the sender row.
 */
export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: any) {
    const senders = await getService('senders').list();
    ctx.body = { data: senders.map(serializeSender) };
  },

  /**
   * 200 with the outcome whatever the provider answered (refused credentials, no answer: that is
   * what a check is for); 400 for an id that is not a whole number, 404 for a sender that does not exist.
   */
  async check(ctx: any) {
    const id = parseRowId(ctx.params.id);
    if (id === null) throw malformed('id', 'integer', `id must be a sender's numeric id (got "${String(ctx.params.id).slice(0, 40)}")`);
    const sender = id === 'out-of-range' ? null : await getService('senders').findById(id);
    if (!sender) throw notFound(`No sender ${ctx.params.id}`);
    const { sender: stored, check } = await getService('senderHealth').check(sender);
    ctx.body = { data: { ...serializeSender(stored), check } satisfies CheckedSender };
  },
});
