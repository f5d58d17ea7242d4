import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getService } from '../utils';
import { malformed } from '../utils/errors';
import { describeRequest, rawBody } from '../utils/webhook-request';
import { metaProvider } from '../providers/meta';
import { metaSubscriptionChallenge } from '../providers/meta/signature';
import { twilioProvider } from '../providers/twilio';
import type { ProviderModule } from '../providers/types';
import { MalformedWebhookError, type WebhookEvent } from '../providers/webhook-events';

/** An empty TwiML answer: Twilio expects XML from a messaging webhook, and we reply later, not here. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * Provider webhooks. The signature policies have already run: here the request is read into
 * events, stored (one row per event, repeats ignored), answered at once, and applied after the
 * answer. A signed body that does not read as the provider documents is a 400, nothing stored.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** The provider's own parser (providers/<name>/webhook.ts) over the request. */
  const read = (provider: string, ctx: Context, module: ProviderModule<unknown>): WebhookEvent[] => {
    try {
      return module.parseWebhook?.({ body: ctx.request.body, rawBody: rawBody(ctx.request) ?? undefined, query: new URLSearchParams(ctx.querystring) }) ?? [];
    } catch (error) {
      if (!(error instanceof MalformedWebhookError)) throw error;
      strapi.log.warn(`[whatsapp] ${provider} webhook refused: malformed body at ${error.path} (${describeRequest(ctx.request)})`);
      throw malformed(error.path, 'malformed', `Malformed ${provider} webhook: ${error.message}`);
    }
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
      strapi.log.warn(`[whatsapp] Meta webhook verification refused: wrong mode or verify token (${describeRequest(ctx.request)})`);
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
