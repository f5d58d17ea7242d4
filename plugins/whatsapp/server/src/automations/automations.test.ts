import { failingCondition, holds } from './conditions';
import { dateWindow, fireAt, localDay } from './date-trigger';
import { populateFor, resolvePath, valueAt, type SchemaLookup } from './paths';
import { mayFire, runFor } from './hook';
import type { Automation } from '../services/automations';

const schemas: Record<string, { attributes: Record<string, any> }> = {
  'api::work-order.work-order': {
    attributes: {
      number: { type: 'string' },
      state: { type: 'enumeration', enum: ['IN_PROGRESS', 'COMPLETED'] },
      customer: { type: 'relation', relation: 'manyToOne', target: 'api::customer.customer' },
      vehicle: { type: 'relation', relation: 'manyToOne', target: 'api::vehicle.vehicle' },
      lines: { type: 'component', component: 'shared.line', repeatable: true },
      quotes: { type: 'relation', relation: 'oneToMany', target: 'api::quote.quote' },
    },
  },
  'api::customer.customer': { attributes: { name: { type: 'string' }, phone: { type: 'string' } } },
  'api::vehicle.vehicle': { attributes: { plate: { type: 'string' }, customer: { type: 'relation', relation: 'manyToOne', target: 'api::customer.customer' } } },
};
const schemaOf: SchemaLookup = (uid) => schemas[uid];
const WO = 'api::work-order.work-order';

describe('record paths', () => {
  it('follow single relations to a value, and say what is wrong otherwise', () => {
    expect(resolvePath(schemaOf, WO, 'customer.phone').attribute.type).toBe('string');
    expect(resolvePath(schemaOf, WO, 'vehicle.customer.name').ownerUid).toBe('api::customer.customer');
    expect(() => resolvePath(schemaOf, WO, 'customer.telefono')).toThrow('api::customer.customer has no field "telefono" (in "customer.telefono")');
    expect(() => resolvePath(schemaOf, WO, 'quotes.number')).toThrow('"quotes" holds many records');
    expect(() => resolvePath(schemaOf, WO, 'lines.description')).toThrow('"lines" is a list');
    expect(() => resolvePath(schemaOf, WO, 'number.length')).toThrow('"number" is a string, it has no field "length"');
    expect(() => resolvePath(schemaOf, WO, 'constructor')).toThrow('has no field "constructor"');
    expect(() => resolvePath(schemaOf, WO, '')).toThrow('is not a field path');
    expect(() => resolvePath(schemaOf, WO, 'a.b.c.d.e')).toThrow('at most 4 deep');
  });

  it('populate exactly the relations they read, and read values as own properties', () => {
    expect(populateFor(schemaOf, WO, ['customer.phone', 'vehicle.plate', 'vehicle.customer.name', 'number'])).toEqual({
      customer: true,
      vehicle: { populate: { customer: true } },
    });
    const record = { number: 'OT-1', customer: { phone: '+52', name: 'Ana' }, vehicle: null };
    expect(valueAt(record, 'customer.name')).toBe('Ana');
    expect(valueAt(record, 'vehicle.plate')).toBeUndefined();
    expect(valueAt(record, 'customer.toString')).toBeUndefined();
  });
});

describe('conditions', () => {
  const record = { state: 'COMPLETED', total: 10, done: false, customer: { phone: '' } };
  it.each([
    [{ field: 'state', op: 'eq', value: 'COMPLETED' }, true],
    [{ field: 'state', op: 'ne', value: 'COMPLETED' }, false],
    [{ field: 'state', op: 'in', value: ['DRAFT', 'COMPLETED'] }, true],
    [{ field: 'state', op: 'notIn', value: ['DRAFT', 'COMPLETED'] }, false],
    [{ field: 'total', op: 'eq', value: '10' }, true],
    [{ field: 'done', op: 'ne', value: true }, true],
    [{ field: 'customer.phone', op: 'empty' }, true],
    [{ field: 'customer.phone', op: 'notEmpty' }, false],
    [{ field: 'missing', op: 'eq', value: null }, false],
  ] as const)('%j → %s', (condition, expected) => {
    expect(holds(condition as any, record)).toBe(expected);
  });
  it('the first failing one is named for the run', () => {
    expect(failingCondition([{ field: 'state', op: 'eq', value: 'COMPLETED' }, { field: 'customer.phone', op: 'notEmpty' }], record)).toBe(
      'condition not met: customer.phone notEmpty (is "")'
    );
    expect(failingCondition(null, record)).toBeNull();
  });
});

describe('date triggers', () => {
  it('fire at the hour in the given zone, days before or after', () => {
    // Due 2026-03-10 (a date attribute): a day before at 09:00 in Mexico City (UTC−6) is 15:00 UTC on the 9th.
    expect(fireAt('2026-03-10', -1, '09:00', 'America/Mexico_City')?.toISOString()).toBe('2026-03-09T15:00:00.000Z');
    // A datetime counts on the contact's own calendar day: 02:00 UTC on the 10th is still the 9th in Bogotá.
    expect(localDay('2026-03-10T02:00:00.000Z', 'America/Bogota')).toBe('2026-03-09');
    expect(fireAt('2026-03-10T02:00:00.000Z', 0, '08:30', 'America/Bogota')?.toISOString()).toBe('2026-03-09T13:30:00.000Z');
    // Across a daylight-saving change (New York springs forward on 2026-03-08).
    expect(fireAt('2026-03-09', -1, '09:00', 'America/New_York')?.toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(fireAt('2026-03-07', 0, '09:00', 'America/New_York')?.toISOString()).toBe('2026-03-07T14:00:00.000Z');
    // No date, no moment; a zone Intl does not know reads as Mexico City.
    expect(fireAt(null, 0, '09:00', 'America/Mexico_City')).toBeNull();
    expect(fireAt('2026-03-10', 0, '09:00', 'Mars/Olympus')?.toISOString()).toBe('2026-03-10T15:00:00.000Z');
  });
  it('read a window of stored dates wide enough for every zone and the catch-up', () => {
    const now = new Date('2026-03-09T15:00:00.000Z');
    const { from, to } = dateWindow(now, -1, 24 * 60 * 60 * 1000);
    // A day before → the records due around the 10th.
    expect(from.getTime()).toBeLessThanOrEqual(Date.parse('2026-03-09T00:00:00.000Z'));
    expect(to.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-03-11T00:00:00.000Z'));
  });
});

describe('what a save fires', () => {
  const rule = { id: 7, trigger: 'field-change', field: 'state', toValue: 'COMPLETED', fromValue: null, delayMinutes: 0 } as unknown as Automation;
  const now = new Date('2026-03-09T15:00:00.000Z');
  const row = (state: string | null, updatedAt = '2026-03-09T14:00:00.000Z') => ({ id: 1, documentId: 'doc1', state, updatedAt });

  it('a transition into the value, keyed by the state it left', () => {
    const run = runFor(rule, WO, row('IN_PROGRESS'), row('COMPLETED'), now);
    expect(run).toMatchObject({ automationId: 7, recordId: 'doc1', change: 'state: IN_PROGRESS → COMPLETED', runKey: `7:doc1:state:${Date.parse('2026-03-09T14:00:00.000Z')}>COMPLETED` });
    // The same previous state gives the same key (two saves at once); another one a new key.
    expect(runFor(rule, WO, row('IN_PROGRESS'), row('COMPLETED'), now)?.runKey).toBe(run?.runKey);
    expect(runFor(rule, WO, row('IN_PROGRESS', '2026-03-09T14:05:00.000Z'), row('COMPLETED'), now)?.runKey).not.toBe(run?.runKey);
  });
  it('nothing when the value did not change, changed elsewhere, or came from another value than asked', () => {
    expect(runFor(rule, WO, row('COMPLETED'), row('COMPLETED'), now)).toBeNull();
    expect(runFor(rule, WO, row('COMPLETED'), row('IN_PROGRESS'), now)).toBeNull();
    expect(runFor({ ...rule, fromValue: 'DRAFT' }, WO, row('IN_PROGRESS'), row('COMPLETED'), now)).toBeNull();
  });
  it('a new record counts as coming from nothing; created rules fire once per record; delays move the due time', () => {
    expect(runFor(rule, WO, null, row('COMPLETED'), now)?.runKey).toBe('7:doc1:state:new>COMPLETED');
    const created = { ...rule, trigger: 'created', delayMinutes: 30 } as Automation;
    expect(runFor(created, WO, null, row(null), now)).toMatchObject({ runKey: '7:created:doc1', dueAt: new Date('2026-03-09T15:30:00.000Z') });
    expect(runFor(created, WO, row(null), row(null), now)).toBeNull();
  });
});

describe('saves that cannot fire cost nothing', () => {
  const rule = { id: 7, trigger: 'field-change', field: 'state', toValue: 'COMPLETED' } as unknown as Automation;
  it('an update that does not write the watched field is not read', () => {
    expect(mayFire(rule, 'update', { notes: 'cambio de aceite' })).toBe(false);
    expect(mayFire(rule, 'update', { state: 'COMPLETED' })).toBe(true);
    expect(mayFire(rule, 'update', undefined)).toBe(true);
    expect(mayFire(rule, 'publish', { notes: 'x' })).toBe(true);
    expect(mayFire(rule, 'create', {})).toBe(true);
    expect(mayFire({ ...rule, trigger: 'created' } as Automation, 'update', { notes: 'x' })).toBe(true);
  });
});
