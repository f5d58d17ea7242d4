import { errors } from '@strapi/utils';
import type { Core } from '@strapi/strapi';
import { providerModule } from '../providers/registry';
import type { SignatureVerdict } from '../providers/types';
import { calledUrl, describeRequest, rawBody } from '../utils/webhook-request';

/**
 * A Strapi policy that accepts a webhook only when its provider's signature check does
 * (providers/<name>/signature.ts). Refused: 401 (not configured, no signature) or 403 (wrong).
 */
export const providerSignature =
  (name: 'meta' | 'twilio', label: string): Core.PolicyHandler =>
  (ctx, _config, { strapi }) => {
    const provider = providerModule(name);
    if (!provider?.verifySignature) throw new errors.UnauthorizedError(`${label} webhooks are not supported`);
    const verdict = provider.verifySignature(
      { header: (header) => ctx.request.get(header) || undefined, rawBody: rawBody(ctx.request) ?? undefined, url: calledUrl(ctx) },
      provider.settings(),
    );
    if (verdict.ok === true) return true;
    const refused = verdict as Extract<SignatureVerdict, { ok: false }>;
    // A source already over its limit of bad requests is logged once a minute by middlewares/public-limits.ts.
    if (!(ctx as { state?: Record<string, unknown> }).state?.whatsappSourceBlocked) strapi.log.warn(`[whatsapp] ${label} webhook refused: ${refused.reason} (${describeRequest(ctx.request)})`);
    throw refused.status === 401 ? new errors.UnauthorizedError(refused.message) : new errors.ForbiddenError(refused.message);
  };
