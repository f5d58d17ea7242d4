import twilio from 'twilio';
import { errors } from '@strapi/utils';
import type { Core } from '@strapi/strapi';
import { parseForm } from '../services/webhook-parsers/twilio';
import { calledUrl, describeRequest, rawBody } from '../utils/webhook-request';

/**
 * Accepts a Twilio webhook only with a valid `X-Twilio-Signature`: HMAC-SHA1 with the auth token
 * over the URL Twilio called (PUBLIC_URL + path + query, so it also works behind a proxy) and
 * the posted parameters, checked by the twilio package itself. Missing → 401, wrong → 403.
 */
const twilioSignature: Core.PolicyHandler = (ctx, _config, { strapi }) => {
  const refuse = (reason: string, error: Error) => {
    strapi.log.warn(`[whatsapp] Twilio webhook refused: ${reason} (${describeRequest(ctx.request)})`);
    throw error;
  };
  const authToken = process.env.TWILIO_AUTH_TOKEN;
  if (!authToken) return refuse('TWILIO_AUTH_TOKEN is not set', new errors.UnauthorizedError('Twilio webhooks are not configured'));
  const signature = ctx.request.get('X-Twilio-Signature');
  if (!signature) return refuse('no X-Twilio-Signature header', new errors.UnauthorizedError('Missing X-Twilio-Signature'));
  const raw = rawBody(ctx.request);
  const params = raw ? parseForm(raw.toString('utf8')) : {};
  if (!twilio.validateRequest(authToken, signature, calledUrl(ctx), params)) {
    return refuse('the signature does not match (check PUBLIC_URL and TWILIO_AUTH_TOKEN)', new errors.ForbiddenError('Invalid X-Twilio-Signature'));
  }
  return true;
};

export default twilioSignature;
