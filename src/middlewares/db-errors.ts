/**
 * The safety net under every route (the plugin's APIs, the Content Manager, the app's own): a
 * database error that reveals a mistake in the request (a string too long for its column, a NUL
 * character, a number or a date out of range, a duplicate of a unique value, a broken reference)
 * is answered 400 / 409 (404 when the culprit is an id in the URL), in the body shape of
 * `strapi::errors`, and logged at warn: it is the client's error, not the server's. The checks in
 * front of the database (the plugin's validation/attributes.ts) catch these first, the same on
 * SQLite and PostgreSQL; this catches whatever still gets through. Anything else (a lost
 * connection, a deadlock, a bug) is rethrown untouched for `strapi::errors` to answer 500.
 *
 * Registered right after 'strapi::errors' in config/middlewares.ts. The classification is a pure
 * function of the plugin (plugins/whatsapp/server/src/utils/db-errors.ts), unit-tested there.
 */
import type { Core } from '@strapi/strapi';
import { maskUrl } from './request-log';
import { classifyDbError, locate, type DbErrorClass, type Location } from '../../plugins/whatsapp/server/src/utils/db-errors';

interface Ctx {
  method: string;
  path: string;
  status: number;
  body: unknown;
  query?: unknown;
  request: { body?: unknown };
}

const segments = (path: string) =>
  path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });

/** The answer: Strapi's error body (`{ data: null, error: { status, name, message, details } }`). */
const answer = (classified: DbErrorClass, where: Location | null) => {
  if (where?.in === 'url') {
    return { status: 404, body: { data: null, error: { status: 404, name: 'NotFoundError', message: 'Not Found', details: {} } } };
  }
  const path = where ? where.path : classified.field ? [classified.field] : [];
  const field = path.join('.');
  let message = classified.message;
  if (field && classified.rule === 'max-length') message = `${field} is too long${classified.maxLength ? `: at most ${classified.maxLength} characters` : ''}`;
  else if (field && classified.rule === 'no-nul') message = `${field} must not contain the NUL character (\\u0000)`;
  else if (field && classified.rule === 'out-of-range') message = `${field} is out of range`;
  else if (field && classified.rule === 'date-range') message = `${field} must be a date between the years 1970 and 9999`;
  else if (field && classified.rule === 'unicode') message = `${field} contains characters that are not valid Unicode`;
  const errors = [{ path, message, name: 'ValidationError', rule: classified.rule }];
  return {
    status: classified.status,
    body: { data: null, error: { status: classified.status, name: classified.name, message, details: { errors } } },
  };
};

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Ctx, next: () => Promise<unknown>) => {
    try {
      await next();
    } catch (error) {
      const classified = classifyDbError(error);
      if (!classified) throw error;
      const where = locate(classified, { pathSegments: segments(ctx.path), query: ctx.query, body: ctx.request?.body });
      const { status, body } = answer(classified, where);
      const field = where?.in === 'url' ? 'an id in the URL' : where ? `${where.in} ${where.path.join('.')}` : classified.field ?? 'an unknown field';
      // The classification only: the driver's message can quote the SQL with the values sent
      // (phone numbers, message text), which do not belong in a log.
      strapi.log.warn(`${ctx.method} ${maskUrl(ctx.path)}: the database refused the request (${classified.code}, ${classified.rule}, ${field}): answered ${status}`);
      ctx.status = status;
      ctx.body = body;
    }
  };
