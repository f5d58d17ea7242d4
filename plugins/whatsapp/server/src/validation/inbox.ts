import { yup } from '@strapi/utils';
import { malformed } from '../utils/errors';
import { idLike, variables } from '.';

/** Inputs of the inbox API (unknown keys refused by validateData; rules answered 422 by the service). */

export const inboxReplySchema = yup
  .object({
    body: yup.string().optional(),
    template: idLike().optional(),
    variables: variables.optional().default(undefined),
    media: yup.number().integer().positive().optional().nullable(),
    idempotencyKey: yup.string().trim().max(200).optional(),
  })
  .noUnknown(true, 'unknown field: ${unknown}')
  .test('template-or-body', 'give either template or body, not both', (value) => !(value?.template !== undefined && value?.body !== undefined))
  .test('template-or-body-required', 'give a template or a body', (value) => value?.template !== undefined || value?.body !== undefined);

/** `assignee`: an administrator's id, `"me"`, or null to unassign. */
export const assignSchema = yup
  .object({
    assignee: yup
      .mixed()
      .test('assignee', 'assignee must be an administrator id, "me" or null', (v) => v === null || v === 'me' || (typeof v === 'number' && Number.isInteger(v) && v > 0))
      .test('assignee-required', 'assignee is required (null to unassign)', (v) => v !== undefined),
  })
  .noUnknown(true, 'unknown field: ${unknown}');

export type AssignInput = { assignee: number | 'me' | null };

// Query strings: `filters[unread]=true&filters[assigned]=me&filters[status]=open&filters[search]=ana`.

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Strapi parses `filters[x]` into an object; plain `x=` is accepted too. */
export const filtersOf = (query: unknown): Record<string, unknown> => {
  if (!isRecord(query)) return {};
  return isRecord(query.filters) ? query.filters : query;
};

export const queryBool = (value: unknown, field: string): boolean | undefined => {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === true || value === '1') return true;
  if (value === 'false' || value === false || value === '0') return false;
  throw malformed(field, 'boolean', `${field} must be true or false`);
};

export const queryOneOf = <T extends string>(value: unknown, field: string, allowed: readonly T[]): T | undefined => {
  if (value === undefined || value === '') return undefined;
  const found = allowed.find((option) => option === value);
  if (!found) throw malformed(field, 'one-of', `${field} must be one of ${allowed.join(', ')}`);
  return found;
};

export const queryId = (value: unknown, field: string): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw malformed(field, 'integer', `${field} must be a positive integer id`);
  return n;
};

export const queryText = (value: unknown, field: string): string | undefined => {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw malformed(field, 'string', `${field} must be text`);
  return value.slice(0, 100);
};
