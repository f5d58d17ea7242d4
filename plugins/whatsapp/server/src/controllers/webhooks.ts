import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getService } from '../utils';
import { describeRequest, rawBody } from '../utils/webhook-request';
import { metaProvider } from '../providers/meta';
import { metaSubscriptionChallenge } from '../providers/meta/signature';
import { twilioProvider } from '../providers/twilio';
import type { ProviderModule } from '../providers/types';
import { MalformedWebhookError, unreadable, type WebhookEvent } from '../providers/webhook-events';

/** An empty TwiML answer: Twilio expects XML from a messaging webhook, and we reply later, not here. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * Provider webhooks. The signature policies have already run: here the request is read into
 * events, stored (one row per event, repeats ignored), answered at once, and applied after the
 * answer. A signed request is always answered 200: what does not read as the provider documents
 * is stored as an unreadable event with its reason (never refused, which would make the provider
 * retry it for days and lose the valid items delivered with it).
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** The provider's own parser (providers/<name>/webhook.ts) over the request. */
  const read = (provider: string, ctx: Context, module: ProviderModule<unknown>): WebhookEvent[] => {
    const raw = rawBody(ctx.request);
    let events: WebhookEvent[];
    try {
      events = module.parseWebhook?.({ body: ctx.request.body, rawBody: raw ?? undefined, query: new URLSearchParams(ctx.querystring) }) ?? [];
    } catch (error) {
      // The parsers read item by item and do not throw; should one still fail, the request is
      // kept whole rather than lost.
      const path = error instanceof MalformedWebhookError ? error.path : 'body';
      const reason = error instanceof MalformedWebhookError ? error.message : `The ${provider} webhook could not be read: ${(error as Error)?.message ?? error}`;
      events = [unreadable(path, reason, raw ? raw.toString('utf8') : ctx.request.body)];
    }
    const unread = events.filter((event) => event.kind === 'unreadable');
    if (unread.length) {
      const where = unread.map((event) => `${event.path}: ${event.reason}`).slice(0, 5).join('; ');
      strapi.log.warn(`[whatsapp] ${provider} webhook: ${unread.length} item(s) stored unread (${where}) (${describeRequest(ctx.request)})`);
    }
    return events;
  };

  return {
    /** Meta's subscription handshake: echo `hub.challenge` when the verify token is ours. */
    async metaVerify(ctx: Context) {
      const challenge = metaSubscriptionChallenge(new URLSearchParams(ctx.querystring), metaProvider.settings());
      if (challenge !== null) {
        ctx.type = 'text/plain';
        ctx.body = challenge;
        return;
      }
      // A source already over its limit of bad requests is logged once a minute by middlewares/public-limits.ts.
      if (!ctx.state?.whatsappSourceBlocked) strapi.log.warn(`[whatsapp] Meta webhook verification refused: wrong mode or verify token (${describeRequest(ctx.request)})`);
      throw new errors.ForbiddenError('Webhook verification failed');
    },

    async meta(ctx: Context) {
      const events = read('Meta', ctx, metaProvider);
      const stored = await getService('webhooks').store('meta', events);
      ctx.body = { data: { received: events.length, stored } };
      getService('webhooks').applyLater();
    },

    async twilio(ctx: Context) {
      const events = read('Twilio', ctx, twilioProvider);
      await getService('webhooks').store('twilio', events);
      ctx.type = 'text/xml';
      ctx.body = EMPTY_TWIML;
      getService('webhooks').applyLater();
    },
  };
};
