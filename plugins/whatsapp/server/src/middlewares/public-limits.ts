/**
 * Limits per source on the plugin's public routes, so that one abusive caller cannot starve the
 * providers' signed traffic. Listed in config/middlewares.ts before `strapi::body`, so a refused
 * request is answered before its body is read.
 *
 * - Webhooks (/webhooks/twilio, /webhooks/meta): the signature is what tells a provider from
 *   anyone else, so it is the signature that is limited, not the traffic. Requests whose
 *   signature is refused (401/403 from policies/provider-signature.ts) are counted per source;
 *   past WHATSAPP_LIMIT_BAD_PER_MINUTE the source is answered 429 + Retry-After. A validly signed
 *   request is never limited, whoever sends it and however many: Meta and Twilio call from
 *   shared address pools, may batch bursts of thousands of statuses after a campaign, and retry
 *   (Meta for up to 7 days) what we refuse, so a 429 to a real provider only delays messages and
 *   invites a bigger retry wave. A limit on all traffic per address would also let a flooder
 *   behind the same proxy or NAT as a provider (or behind our own proxy when IS_PROXIED is
 *   unset) lock the provider out; this way the flooder only locks out its own bad requests.
 *   Once a source is over the limit, its requests without any signature header are refused
 *   here, before the body is read; those with one are still read and checked (a valid one must
 *   pass), a cost bounded by the webhook body limit (config/middlewares.ts) and the server's
 *   request time limit (config/server.ts).
 * - Media links (/media/:token): the same counting of refused tokens, plus a per-source ceiling
 *   on all downloads (WHATSAPP_LIMIT_MEDIA_PER_MINUTE, high: a provider fetches each attachment
 *   of a campaign), since each valid download streams a whole file.
 * - /health and /metrics: WHATSAPP_LIMIT_HEALTH_PER_MINUTE per source (a monitor polls a few
 *   times a minute); a refused metrics token also counts as a bad request.
 *
 * The source is the client address Koa reports: the socket's, or with IS_PROXIED the address our
 * own proxy saw (config/server.ts trusts only the last X-Forwarded-For hop); IPv6 by /64
 * (lib/rate-buckets.ts). The counts live in memory, per instance.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { readConfig } from '../config';
import { RateBuckets, sourceOf, type Verdict } from '../lib/rate-buckets';

type Koa = (ctx: any, next: () => Promise<unknown>) => Promise<unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any

type Route =
  | { kind: 'webhook'; signatureHeader: string | null }
  | { kind: 'media' }
  | { kind: 'health' }
  | { kind: 'metrics' };

/** The public route a request is for, or null for everything else (not limited here). */
export const classify = (method: string, path: string, base: string): Route | null => {
  if (!path.startsWith(`${base}/`)) return null;
  const rest = path.slice(base.length);
  if (rest === '/webhooks/twilio') return { kind: 'webhook', signatureHeader: method === 'POST' ? 'x-twilio-signature' : null };
  // GET /webhooks/meta is the subscription handshake: a verify token in the query, no signature.
  if (rest === '/webhooks/meta') return { kind: 'webhook', signatureHeader: method === 'POST' ? 'x-hub-signature-256' : null };
  if (rest.startsWith('/media/')) return { kind: 'media' };
  if (rest === '/health') return { kind: 'health' };
  if (rest === '/metrics') return { kind: 'metrics' };
  return null;
};

/** 401 and 403: a signature, a token or a verify token that did not hold. Thrown or answered. */
const REFUSED_ERRORS = new Set(['UnauthorizedError', 'ForbiddenError', 'PolicyError']);
const refusedError = (error: unknown) => error instanceof errors.ApplicationError && REFUSED_ERRORS.has(error.name);
const refusedStatus = (status: number) => status === 401 || status === 403;

const WHAT: Record<Route['kind'], string> = {
  webhook: 'webhook requests with an invalid signature',
  media: 'media link requests',
  health: 'health requests',
  metrics: 'metrics requests',
};

const tooMany = (ctx: any, verdict: Verdict, what: string) => {
  const seconds = verdict.retryAfterSeconds;
  ctx.set('Retry-After', String(seconds));
  const message = `Too many ${what} from this address; retry after ${seconds} s`;
  return new errors.RateLimitError(message, { retryAfterSeconds: seconds, errors: [{ path: [], message, name: 'RateLimitError', rule: 'rate-limit' }] });
};

/** Logs a blocked source once a minute at most, not once per refused request (a flood would flood the log). */
const quietLog = (strapi: Core.Strapi) => {
  const last = new Map<string, number>();
  return (source: string, what: string) => {
    const now = Date.now();
    if ((last.get(source) ?? 0) > now - 60_000) return;
    last.set(source, now);
    if (last.size > 10_000) last.clear();
    strapi.log.warn(`[whatsapp] ${source} is over its limit of ${what}; answered 429 (logged once a minute)`);
  };
};

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }): Koa => {
  const limits = readConfig().publicLimits;
  const base = `${strapi.config.get<string>('api.rest.prefix', '/api')}/whatsapp`;
  const bad = new RateBuckets(limits.badPerMinute);
  const health = new RateBuckets(limits.healthPerMinute);
  const media = new RateBuckets(limits.mediaPerMinute);
  const warn = quietLog(strapi);

  return async (ctx, next) => {
    const route = classify(ctx.method, ctx.path, base);
    if (!route) return next();
    const source = sourceOf(ctx.request.ip);

    // Plain per-source ceilings: health, metrics, media downloads.
    const ceiling = route.kind === 'health' || route.kind === 'metrics' ? health : route.kind === 'media' ? media : null;
    if (ceiling) {
      const verdict = ceiling.take(source);
      if (!verdict.ok) {
        warn(source, WHAT[route.kind]);
        throw tooMany(ctx, verdict, WHAT[route.kind]);
      }
      if (route.kind === 'health') return next();
    }

    // Credentialed routes: refused credentials are counted; valid ones never.
    const blocked = bad.peek(source);
    if (!blocked.ok && route.kind === 'webhook' && route.signatureHeader && !ctx.get(route.signatureHeader)) {
      // No signature at all cannot be a provider: refused without reading the body.
      warn(source, WHAT.webhook);
      throw tooMany(ctx, blocked, WHAT.webhook);
    }
    // Read by policies/provider-signature.ts: a source already over its limit is not logged per request.
    ctx.state.whatsappSourceBlocked = !blocked.ok;
    const counted = () => {
      const verdict = bad.take(source);
      if (verdict.ok) return null;
      warn(source, 'requests with refused credentials');
      return tooMany(ctx, verdict, route.kind === 'webhook' ? WHAT.webhook : 'requests with an invalid token');
    };
    try {
      await next();
    } catch (error) {
      // The client went away (or was cut off at the time limits) while its body was read: there
      // is no one left to answer and nothing went wrong here, so no error log either.
      if ((error as { type?: unknown })?.type === 'request.aborted') {
        ctx.respond = false;
        return;
      }
      if (!refusedError(error)) throw error;
      throw counted() ?? error;
    }
    if (refusedStatus(ctx.status)) {
      const limited = counted();
      if (limited) throw limited;
    }
  };
};
