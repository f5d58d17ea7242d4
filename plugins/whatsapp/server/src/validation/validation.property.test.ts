/**
 * Properties of the validators: whatever JSON a client sends as `data` (lists and objects where
 * text goes, `constructor` or `__proto__` as a key, NUL, nesting thousands of levels deep), the
 * answer is the value or a ValidationError naming a field and a rule, never another error (a
 * TypeError or a stack overflow is a 500).
 */
import fc from 'fast-check';
import { errors } from '@strapi/utils';
import {
  consentSchema,
  createContactSchema,
  createTemplateSchema,
  eraseSchema,
  filterBool,
  filterDate,
  filterId,
  filterList,
  filterOneOf,
  filterText,
  pagination,
  previewSchema,
  sendMessageSchema,
  settingsSchema,
  updateContactSchema,
  updateTemplateSchema,
  validateData,
} from '.';
import { assignSchema, inboxReplySchema } from './inbox';
import { hostileData, hostileValue, nested } from '../lib/test-support/hostile';

const fieldsOf = (schema: unknown) => Object.keys((schema as { fields: Record<string, unknown> }).fields);

/** Resolves, or rejects with a 400 that names a path and a rule. */
const answersCleanly = async (run: () => Promise<unknown> | unknown) => {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof errors.ValidationError)) throw error;
    const [first] = (error.details as { errors: Array<{ path: unknown; rule: unknown; message: unknown }> }).errors;
    expect(Array.isArray(first.path)).toBe(true);
    expect(typeof first.rule).toBe('string');
    expect(typeof first.message).toBe('string');
  }
};

const SCHEMAS = {
  send: sendMessageSchema,
  createTemplate: createTemplateSchema,
  updateTemplate: updateTemplateSchema,
  preview: previewSchema,
  createContact: createContactSchema,
  updateContact: updateContactSchema,
  consent: consentSchema,
  settings: settingsSchema,
  erase: eraseSchema,
  inboxReply: inboxReplySchema,
  assign: assignSchema,
};

describe('validateData never fails with anything but a 400 naming the field and the rule', () => {
  it.each(Object.entries(SCHEMAS))('%s', async (_name, schema) => {
    await fc.assert(
      fc.asyncProperty(hostileData(fieldsOf(schema)), async (data) => {
        await answersCleanly(() => validateData(schema, { data }));
      }),
      { numRuns: 500 }
    );
  });

  it('whatever the envelope is', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue(), async (body) => {
        await answersCleanly(() => validateData(sendMessageSchema, body));
        await answersCleanly(() => validateData(sendMessageSchema, { data: body }));
      }),
      { numRuns: 300 }
    );
  });

  it('names the field when text is not a string, and refuses deep nesting without recursion', async () => {
    await expect(validateData(sendMessageSchema, { data: { to: ['+525512345678'], body: 'x' } })).rejects.toMatchObject({
      message: 'to must be a string, not a list',
      details: { errors: [{ path: ['to'], rule: 'string' }] },
    });
    await expect(validateData(sendMessageSchema, { data: { to: 'x', body: 'x', variables: nested(10_000) } })).rejects.toMatchObject({
      details: { errors: [{ path: ['variables'], rule: 'depth' }] },
    });
    // An object whose own toString is not a function, where yup would cast a number or a boolean.
    await expect(validateData(sendMessageSchema, { data: JSON.parse('{"to":"x","body":"y","media":{"toString":""}}') })).rejects.toMatchObject({
      details: { errors: [{ path: ['media'], rule: 'type' }] },
    });
    await expect(validateData(createTemplateSchema, { data: JSON.parse('{"name":"x","body":"y","active":{"toString":"x"}}') })).rejects.toMatchObject({
      details: { errors: [{ path: ['active'], rule: 'type' }] },
    });
    await expect(validateData(sendMessageSchema, { data: JSON.parse('{"to":"x","body":"y","constructor":1}') })).rejects.toMatchObject({
      details: { errors: [{ path: ['constructor'], rule: 'unknown' }] },
    });
    // Prototype names are ordinary variable names.
    const data = await validateData<{ variables: Record<string, unknown> }>(sendMessageSchema, {
      data: JSON.parse('{"to":"x","template":"t","variables":{"constructor":"a","toString":"b","__proto__":{"x":1},"valueOf":2}}'),
    });
    expect(Object.keys(data.variables)).toEqual(['constructor', 'toString', '__proto__', 'valueOf']);
  });
});

describe('query strings never fail with anything but a 400', () => {
  it('filters and pagination', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue(), async (value) => {
        for (const read of [
          () => filterText(value, 'x'),
          () => filterList(value, 'x'),
          () => filterBool(value, 'x'),
          () => filterId(value, 'x'),
          () => filterDate(value, 'x'),
          () => filterOneOf(value, 'x', ['a', 'b'] as const),
          () => pagination({ pagination: value }),
          () => pagination({ page: value, pageSize: value }),
        ]) {
          await answersCleanly(read);
        }
      }),
      { numRuns: 300 }
    );
  });

  it('an unknown operator is named', () => {
    expect(() => filterText({ $foo: '1' }, 'direction')).toThrow(expect.objectContaining({ details: { errors: [expect.objectContaining({ path: ['filters', 'direction', '$foo'], rule: 'operator' })] } }));
    expect(filterText({ $eq: 'in' }, 'direction')).toBe('in');
    expect(filterList({ $in: ['sent', 'read'] }, 'status')).toEqual(['sent', 'read']);
    expect(filterList('sent,read', 'status')).toEqual(['sent', 'read']);
  });
});
