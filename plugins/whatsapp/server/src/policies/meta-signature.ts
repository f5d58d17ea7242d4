import crypto from 'crypto';
import { errors } from '@strapi/utils';
import type { Core } from '@strapi/strapi';
import { describeRequest, rawBody } from '../utils/webhook-request';

const HEADER = /^sha256=([0-9a-f]{64})$/i;

/**
 * Accepts a Meta webhook only with a valid `X-Hub-Signature-256`: `sha256=` + the hex HMAC-SHA256
 * of the RAW body with the app secret. Always over the bytes received, never a re-serialization:
 * Meta escapes `á` as `\u00e1` and `/` as `\/`, and JSON.stringify would not. Compared in
 * constant time. Missing → 401, wrong → 403.
 */
const metaSignature: Core.PolicyHandler = (ctx, _config, { strapi }) => {
  const refuse = (reason: string, error: Error) => {
    strapi.log.warn(`[whatsapp] Meta webhook refused: ${reason} (${describeRequest(ctx.request)})`);
    throw error;
  };
  const secret = process.env.META_APP_SECRET;
  if (!secret) return refuse('META_APP_SECRET is not set', new errors.UnauthorizedError('Meta webhooks are not configured'));
  const header = ctx.request.get('X-Hub-Signature-256');
  if (!header) return refuse('no X-Hub-Signature-256 header', new errors.UnauthorizedError('Missing X-Hub-Signature-256'));
  const given = HEADER.exec(header.trim());
  const raw = rawBody(ctx.request);
  if (!given || !raw) return refuse(given ? 'no raw body to check' : 'malformed X-Hub-Signature-256', new errors.ForbiddenError('Invalid X-Hub-Signature-256'));
  const expected = crypto.createHmac('sha256', secret).update(raw).digest();
  if (!crypto.timingSafeEqual(expected, Buffer.from(given[1], 'hex'))) {
    return refuse('the signature does not match (check META_APP_SECRET)', new errors.ForbiddenError('Invalid X-Hub-Signature-256'));
  }
  return true;
};

export default metaSignature;
