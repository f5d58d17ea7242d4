import type { Context } from 'koa';
import { malformed } from './errors';

/**
 * The idempotency key of a sending request: the `Idempotency-Key` header or `data.idempotencyKey`
 * (both may be given only if they agree), or undefined when neither is.
 */
export const idempotencyKeyOf = (ctx: Pick<Context, 'get'>, data: { idempotencyKey?: string | null }): string | undefined => {
  const headerKey = ctx.get('Idempotency-Key');
  if (headerKey && data.idempotencyKey && headerKey !== data.idempotencyKey) {
    throw malformed('idempotencyKey', 'match', 'The Idempotency-Key header and data.idempotencyKey differ');
  }
  return data.idempotencyKey || headerKey || undefined;
};
