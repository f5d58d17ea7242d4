/**
 * Body limits per route. Strapi has one body parser for every route, `strapi::body` (koa-body),
 * and requires it by that name in config/middlewares.ts, so a route cannot bring its own. Its
 * config may list `routes: [{ prefix, jsonLimit?, formLimit?, textLimit? }]`: requests whose path
 * starts with a prefix are read by a second instance of the same middleware with those limits,
 * every other request by the first, with the limits everyone gets. Used for provider webhooks,
 * which Meta batches into bodies larger than anything else the API takes.
 *
 * Registered from the app's `register` (src/index.ts): the middleware registry's `extend` wraps
 * the built-in factory before the middlewares are built at bootstrap.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

interface RouteLimits {
  prefix: string;
  jsonLimit?: string | number;
  formLimit?: string | number;
  textLimit?: string | number;
  /** Largest multipart upload for these routes, bytes (formidable's maxFileSize). */
  maxFileSize?: number;
  /** The form field the upload comes in, named when it is too large (default `files`). */
  fileField?: string;
}

type MiddlewareFactory = (config: Record<string, unknown>, context: { strapi: Core.Strapi }) => Koa | undefined;
type Koa = (ctx: any, next: () => Promise<unknown>) => Promise<unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface MiddlewareRegistry {
  extend(uid: string, extend: (factory: MiddlewareFactory) => MiddlewareFactory): unknown;
}

const readRoutes = (value: unknown): RouteLimits[] =>
  Array.isArray(value) ? value.filter((r): r is RouteLimits => typeof r === 'object' && r !== null && typeof (r as RouteLimits).prefix === 'string' && (r as RouteLimits).prefix.startsWith('/')) : [];

/** A body over a route's own limit: 413 naming that limit (src/middlewares/body-errors.ts passes it on as is). */
const tooLarge = (route: RouteLimits, ctx: { is(type: string): string | false | null }) => {
  const limit = ctx.is('urlencoded') ? route.formLimit : ctx.is('json') ? route.jsonLimit : route.textLimit;
  const message = `The request body is larger than the limit${limit ? ` of ${limit}` : ''} for ${route.prefix}`;
  return new errors.PayloadTooLargeError(message, { errors: [{ path: [], message, name: 'PayloadTooLargeError', rule: 'max-size' }] });
};

const route413 = (body: unknown) => (body as { error?: { message?: unknown } } | undefined)?.error?.message === 'FileTooBig';

const uploadTooLarge = (route: RouteLimits) => {
  const field = route.fileField ?? 'files';
  const limit = route.maxFileSize ? ` of ${Math.round((route.maxFileSize / (1024 * 1024)) * 10) / 10} MB` : '';
  const message = `The upload is larger than the limit${limit} for ${route.prefix}`;
  return new errors.PayloadTooLargeError(message, { errors: [{ path: [field], message, name: 'PayloadTooLargeError', rule: 'max-size' }] });
};

export function registerRouteBodyLimits(strapi: Core.Strapi) {
  const registry = strapi.get('middlewares') as unknown as MiddlewareRegistry;
  registry.extend('strapi::body', (body) => (config, context) => {
    const { routes, ...shared } = config ?? {};
    const standard = body(shared, context);
    const special = readRoutes(routes).map((route) => {
      const limits: Record<string, unknown> = Object.fromEntries(Object.entries({ jsonLimit: route.jsonLimit, formLimit: route.formLimit, textLimit: route.textLimit }).filter(([, v]) => v !== undefined));
      if (route.maxFileSize !== undefined) limits.formidable = { ...((shared as { formidable?: object }).formidable ?? {}), maxFileSize: route.maxFileSize };
      return { route, handler: body({ ...shared, ...limits }, context) };
    });
    if (!standard) return standard;
    if (!special.length) return standard;
    return async (ctx, next) => {
      const match = special.find(({ route }) => typeof ctx.path === 'string' && ctx.path.startsWith(route.prefix));
      if (!match?.handler) return standard(ctx, next);
      let parsed = false;
      try {
        const answer = await match.handler(ctx, () => {
          parsed = true;
          return next();
        });
        // Strapi's body middleware answers an upload over maxFileSize itself ("FileTooBig"): named here.
        if (!parsed && ctx.status === 413 && route413(ctx.body)) {
          const error = uploadTooLarge(match.route);
          ctx.status = 413;
          ctx.body = { data: null, error: { status: 413, name: error.name, message: error.message, details: error.details } };
        }
        return answer;
      } catch (error) {
        // Only the parser's own refusal is renamed; whatever the route itself throws goes on as it is.
        const status = (error as { status?: unknown })?.status;
        if (!parsed && status === 413 && !(error instanceof errors.ApplicationError)) throw tooLarge(match.route, ctx);
        throw error;
      }
    };
  });
}
