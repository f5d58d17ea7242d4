import type { Core } from '@strapi/strapi';

/**
 * Time limits of every HTTP request, enforced by Node's server (Strapi passes
 * `http.serverOptions` to http.createServer): a client that trickles its headers or its body
 * byte by byte (slowloris) is answered 408 and disconnected once they run out, instead of holding
 * a socket and a half-read body for as long as it likes. Headers: 20 s (a real client sends
 * them in milliseconds). Whole request: 120 s, room for the largest upload (the contacts import,
 * 20 MB) on a slow line; webhooks and media links are far smaller. Node checks the limits every
 * `connectionsCheckingInterval` (its default, 30 s, would let a slow client run 30 s over).
 */
const httpServerOptions = (env: Core.Config.Shared.ConfigParams['env']) => {
  const requestTimeout = Math.max(1000, env.int('HTTP_REQUEST_TIMEOUT_MS', 120_000));
  // Node refuses a headers limit above the request limit.
  const headersTimeout = Math.min(requestTimeout, Math.max(500, env.int('HTTP_HEADERS_TIMEOUT_MS', 20_000)));
  return { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(headersTimeout / 10))) };
};

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Server => ({
  host: env('HOST', '0.0.0.0'),
  port: env.int('PORT', 1337),
  // The public address providers call back to (webhooks, media links); also used by Strapi for
  // absolute URLs. Behind a proxy this is the proxy's address.
  url: env('PUBLIC_URL', ''),
  // Behind our own reverse proxy (IS_PROXIED): the client address is the one that proxy saw, the
  // last PROXY_HOPS entries of X-Forwarded-For (default 1: one proxy of ours). Entries further
  // left are whatever the client wrote and are not trusted (the per-source limits of the public
  // routes count by this address). Without IS_PROXIED the header is ignored: the socket's address.
  proxy: { koa: env.bool('IS_PROXIED', false), maxIpsCount: Math.max(1, env.int('PROXY_HOPS', 1)) },
  http: { serverOptions: httpServerOptions(env) },
  app: {
    keys: env.array('APP_KEYS')!,
  },
  webhooks: {
    populateRelations: env.bool('WEBHOOKS_POPULATE_RELATIONS', false),
  },
  // No update check: the product must not call outside hosts.
  logger: {
    updates: { enabled: false },
    startup: { enabled: env.bool('STRAPI_STARTUP_LOG', true) },
  },
});

export default config;
