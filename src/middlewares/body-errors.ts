/**
 * What the body parser refuses, answered as what it is instead of a 500: Strapi's body middleware
 * (koa-body + formidable) throws formidable's errors as they are (a `httpCode`, which Koa does
 * not read), and answers a file over `maxFileSize` with a bare 413 "FileTooBig". Here:
 * - too big (a file, the fields of a form, a JSON or text body over its limit): 413
 *   PayloadTooLargeError naming the field and the rule `max-size`;
 * - any other unreadable multipart body (an empty file, too many fields, a broken boundary): 400
 *   ValidationError naming `files` and the rule `multipart`.
 * Placed just before `strapi::body` in config/middlewares.ts.
 */
import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

interface Limits {
  /** Largest upload per request, bytes (formidable's maxFileSize counts every file of the request). */
  maxFileSize?: number;
  /** Largest JSON body, as koa-body writes it (`1mb`). */
  jsonLimit?: string;
}

type HttpLikeError = Error & { httpCode?: unknown; status?: unknown; statusCode?: unknown; code?: unknown; type?: unknown };

const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

const tooLarge = (path: string[], message: string) =>
  new errors.PayloadTooLargeError(message, { errors: [{ path, message, name: 'PayloadTooLargeError', rule: 'max-size' }] });

const isMultipart = (ctx: Pick<Context, 'is'>) => Boolean(ctx.is('multipart'));

export default (config: Limits = {}, _context: { strapi: Core.Strapi }) => {
  const fileLimit = config.maxFileSize ? `the limit of ${megabytes(config.maxFileSize)}` : 'the upload limit';
  const fileTooLarge = () => tooLarge(['files'], `The upload is larger than ${fileLimit} per request`);

  return async (ctx: Context, next: () => Promise<unknown>) => {
    try {
      await next();
    } catch (caught) {
      const error = caught as HttpLikeError;
      // formidable: a FormidableError carries its HTTP status as `httpCode` (and a numeric `code`).
      const httpCode = typeof error?.httpCode === 'number' ? error.httpCode : undefined;
      if (httpCode !== undefined && typeof error.code === 'number' && isMultipart(ctx)) {
        if (httpCode === 413) throw tooLarge(['files'], `The multipart body is too large: ${error.message}`);
        throw new errors.ValidationError(`The multipart body could not be read: ${error.message}`, {
          errors: [{ path: ['files'], message: error.message, name: 'ValidationError', rule: 'multipart' }],
        });
      }
      // co-body (JSON, form, text over jsonLimit / formLimit / textLimit): an http-error with 413.
      const status = typeof error?.status === 'number' ? error.status : typeof error?.statusCode === 'number' ? error.statusCode : undefined;
      if (status === 413 && !(error instanceof errors.ApplicationError)) {
        if (isMultipart(ctx)) throw fileTooLarge();
        const limit = config.jsonLimit && ctx.is('json') ? ` of ${config.jsonLimit}` : '';
        throw tooLarge([], `The request body is larger than the limit${limit}`);
      }
      if (error instanceof errors.PayloadTooLargeError && !(error.details as { errors?: unknown })?.errors) {
        throw tooLarge(['files'], error.message);
      }
      throw caught;
    }
    // Strapi's body middleware answers a file over maxFileSize itself, with a bare "FileTooBig".
    if (ctx.status === 413 && (ctx.body as { error?: { message?: unknown } } | undefined)?.error?.message === 'FileTooBig') {
      const error = fileTooLarge();
      ctx.status = 413;
      ctx.body = { data: null, error: { status: 413, name: error.name, message: error.message, details: error.details } };
    }
  };
};
