import { yup } from '@strapi/utils';
import { filterBool, filterId, filterOneOf, filterText, idLike, rawText, text, variables } from '.';

/** Inputs of the inbox API (unknown keys refused by validateData; rules answered 422 by the service). */

export const inboxReplySchema = yup
  .object({
    body: rawText().optional(),
    template: idLike().optional(),
    variables: variables.optional().default(undefined),
    media: yup.number().integer().positive().optional().nullable(),
    idempotencyKey: text().max(200).optional(),
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

/** Sandbox mode's simulated customer reply: who writes (a number or a contact) and what. */
export const simulateSchema = yup
  .object({
    phone: text().max(40).optional(),
    contactId: yup.number().integer().positive().optional(),
    name: text().max(100).optional(),
    body: rawText().max(4096).required('body is required'),
  })
  .noUnknown(true, 'unknown field: ${unknown}')
  .test('phone-or-contact', 'give either phone or contactId, not both', (value) => !(value?.phone !== undefined && value?.contactId !== undefined))
  .test('phone-or-contact-required', 'give the phone the customer writes from, or a contactId', (value) => value?.phone !== undefined || value?.contactId !== undefined);

// Query strings: `filters[unread]=true&filters[assigned]=me&filters[status]=open&filters[search]=ana`.
// Each filter takes one value; an operator (`filters[status][$ne]=open`) is a 400 naming it.

export { filtersOf } from '.';

export const queryBool = (value: unknown, field: string): boolean | undefined => filterBool(value, field, { digits: true });

export const queryOneOf = <T extends string>(value: unknown, field: string, allowed: readonly T[]): T | undefined => filterOneOf(value, field, allowed);

export const queryId = (value: unknown, field: string): number | undefined => filterId(value, field);

export const queryText = (value: unknown, field: string): string | undefined => filterText(value, field)?.slice(0, 100);
