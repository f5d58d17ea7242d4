import createHttpError from 'http-errors';
import { errors } from '@strapi/utils';

/**
 * A request that has a valid shape but breaks a rule (invalid phone, unknown template, missing
 * variable, outside the 24-hour window, no consent…). Answered 422 with Strapi's error shape,
 * naming the field path and the rule.
 */
export class RuleError extends Error {
  readonly status: number;
  constructor(
    readonly path: string,
    readonly rule: string,
    message: string,
    status = 422
  ) {
    super(message);
    this.name = 'UnprocessableEntityError';
    this.status = status;
  }
}

/** Malformed input (wrong type, unknown key): 400 with the field path and the rule. */
export const malformed = (path: string, rule: string, message: string) =>
  new errors.ValidationError(message, { errors: [{ path: path.split('.'), message, name: 'ValidationError', rule }] });

export const notFound = (message: string) => new errors.NotFoundError(message);
export const conflict = (path: string, rule: string, message: string) => new RuleError(path, rule, message, 409);

const NAMES: Record<number, string> = { 400: 'ValidationError', 404: 'NotFoundError', 409: 'ConflictError', 422: 'UnprocessableEntityError', 502: 'BadGatewayError' };

/**
 * Turns a RuleError into the HTTP error Strapi's error middleware formats (an http-errors
 * HttpError: answered with its status and details, not logged as a server fault); others pass
 * through.
 */
export const toHttpError = (error: unknown) => {
  if (error instanceof RuleError) {
    return createHttpError(error.status, error.message, {
      name: NAMES[error.status] ?? 'UnprocessableEntityError',
      details: {
        errors: [{ path: error.path.split('.'), message: error.message, name: 'ValidationError', rule: error.rule }],
      },
    });
  }
  return error;
};

/** For GraphQL: Strapi's GraphQL error formatter knows ApplicationErrors, not HTTP errors. */
export const toApplicationError = (error: unknown) => {
  if (error instanceof RuleError) {
    return new errors.ValidationError(error.message, {
      errors: [{ path: error.path.split('.'), message: error.message, name: 'ValidationError', rule: error.rule }],
    });
  }
  return error;
};
