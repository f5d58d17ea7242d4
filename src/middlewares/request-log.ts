/**
 * The request log (in place of `strapi::logger`, same line: method, URL, time, status), with the
 * secrets that travel in URLs masked: Meta's verify token and challenge in the webhook handshake,
 * the signature of the expiring media links handed to providers, and any `token` / `signature` /
 * `access_token` query parameter.
 */
import type { Core } from '@strapi/strapi';

const SECRET_PARAMS = /^(hub\.verify_token|hub\.challenge|token|access_token|signature|sig)$/i;

/** `/api/whatsapp/media/<payload>.<signature>` → the signature masked; secret query values masked. */
export function maskUrl(url: string): string {
  const [path, query] = url.split(/\?(.*)/s, 2);
  const maskedPath = path.replace(/(\/api\/whatsapp\/media\/)[^/?#]+/, '$1***');
  if (!query) return maskedPath;
  const maskedQuery = query
    .split('&')
    .map((pair) => {
      const [key] = pair.split('=', 1);
      let name = key;
      try {
        name = decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: judged by its raw name
      }
      return SECRET_PARAMS.test(name) ? `${key}=***` : pair;
    })
    .join('&');
  return `${maskedPath}?${maskedQuery}`;
}

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: { method: string; url: string; status: number }, next: () => Promise<unknown>) => {
    const start = Date.now();
    await next();
    strapi.log.http(`${ctx.method} ${maskUrl(ctx.url)} (${Math.ceil(Date.now() - start)} ms) ${ctx.status}`);
  };
