import type { ExtendableContext, Request } from 'koa';
import { readConfig } from '../config';

/**
 * What the signature checks need from a webhook request: the bytes the provider sent and the
 * address it sent them to. config/middlewares.ts keeps the unparsed body (`includeUnparsed`).
 */
const UNPARSED = Symbol.for('unparsedBody');

/** The body exactly as received, or null when the body parser kept none (no or unknown content type). */
export const rawBody = (request: Pick<Request, 'body'>): Buffer | null => {
  const body: unknown = request.body;
  if (typeof body !== 'object' || body === null) return null;
  const raw: unknown = Reflect.get(body, UNPARSED);
  if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
  return Buffer.isBuffer(raw) ? raw : null;
};

/**
 * The address providers reach this app at (PUBLIC_URL), without a trailing slash; when it is not
 * set, the address the app listens on (`http://localhost:$PORT`), not a fixed 1337. Behind a proxy
 * the Host header names the proxy's upstream, not what the provider signed, so it is never used.
 */
export const publicUrl = () => {
  const configured = readConfig().publicUrl || strapi.config.get<string>('server.url', '');
  const base = /^https?:\/\//.test(configured) ? configured : `http://localhost:${strapi.config.get('server.port', 1337)}`;
  return base.replace(/\/+$/, '');
};

/** The full URL the provider called: PUBLIC_URL + path + query string, as sent. */
export const calledUrl = (ctx: Pick<ExtendableContext, 'originalUrl'>) => `${publicUrl()}${ctx.originalUrl}`;

/**
 * For logs: who called and how much, never a signature, a secret or the content. Takes the
 * request: a policy's context is a copy of the Koa context without its delegating getters.
 */
export const describeRequest = (request: Pick<Request, 'ip' | 'path' | 'length'>) => `${request.path} from ${request.ip}, ${request.length ?? 0} bytes`;
