import crypto from 'crypto';
import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getService } from '../utils';
import { malformed } from '../utils/errors';
import { describeRequest, rawBody } from '../utils/webhook-request';
import { parseMetaWebhook } from '../services/webhook-parsers/meta';
import { parseForm, parseTwilioWebhook } from '../services/webhook-parsers/twilio';
import { MalformedWebhookError, type WebhookEvent } from '../services/webhook-parsers/types';

/** An empty TwiML answer: Twilio expects XML from a messaging webhook, and we reply later, not here. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const sameSecret = (given: string, expected: string) => {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
};

/**
 * Provider webhooks. The signature policies have already run: here the request is read into
 * events, stored (one row per event, repeats ignored), answered at once, and applied after the
 * answer. A signed body that does not read as the provider documents is a 400, nothing stored.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const read = (provider: string, ctx: Context, parse: () => WebhookEvent[]) => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof MalformedWebhookError)) throw error;
      strapi.log.warn(`[whatsapp] ${provider} webhook refused: malformed body at ${error.path} (${describeRequest(ctx.request)})`);
      throw malformed(error.path, 'malformed', `Malformed ${provider} webhook: ${error.message}`);
    }
  };

  return {
    /** Meta's subscription handshake: echo `hub.challenge` when the verify token is ours. */
    async metaVerify(ctx: Context) {
      const query = new URLSearchParams(ctx.querystring);
      const expected = process.env.META_VERIFY_TOKEN;
      const token = query.get('hub.verify_token');
      const challenge = query.get('hub.challenge');
      if (query.get('hub.mode') === 'subscribe' && expected && token !== null && challenge !== null && sameSecret(token, expected)) {
        ctx.type = 'text/plain';
        ctx.body = challenge;
        return;
      }
      strapi.log.warn(`[whatsapp] Meta webhook verification refused: wrong mode or verify token (${describeRequest(ctx.request)})`);
      throw new errors.ForbiddenError('Webhook verification failed');
    },

    async meta(ctx: Context) {
      const events = read('Meta', ctx, () => parseMetaWebhook(ctx.request.body));
      const stored = await getService('webhooks').store('meta', events);
      ctx.body = { data: { received: events.length, stored } };
      getService('webhooks').applyLater();
    },

    async twilio(ctx: Context) {
      const raw = rawBody(ctx.request);
      const params = raw ? parseForm(raw.toString('utf8')) : {};
      const ourMessageId = new URLSearchParams(ctx.querystring).get('message');
      const events = read('Twilio', ctx, () => parseTwilioWebhook(params, ourMessageId));
      await getService('webhooks').store('twilio', events);
      ctx.type = 'text/xml';
      ctx.body = EMPTY_TWIML;
      getService('webhooks').applyLater();
    },
  };
};
