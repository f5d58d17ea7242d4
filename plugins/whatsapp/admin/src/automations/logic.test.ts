import type { Automation, AutomationContentType, AutomationField } from '../../../shared/automations';
import {
  choicesOf,
  EMPTY_FORM,
  errorUnder,
  fieldErrors,
  fieldLabel,
  formOf,
  guessPath,
  phoneFields,
  problemField,
  problemReason,
  recordPath,
  recordsQuery,
  recordTitle,
  runReason,
  runsQuery,
  syncVariables,
  toInput,
  triggerFields,
  triggerSummary,
  typeOptions,
  withContentType,
  writeBackFields,
} from './logic';

const fields: AutomationField[] = [
  { name: 'number', type: 'string' },
  { name: 'state', type: 'enumeration', enum: ['DRAFT', 'COMPLETED'] },
  { name: 'notes', type: 'text' },
  { name: 'paid', type: 'boolean' },
  { name: 'dueDate', type: 'datetime' },
  { name: 'whatsappNotifiedAt', type: 'datetime' },
  { name: 'customer.name', type: 'string' },
  { name: 'customer.email', type: 'email' },
  { name: 'customer.phone', type: 'string' },
  { name: 'vehicle.placa', type: 'string' },
];

const workOrder: AutomationContentType = { uid: 'api::work-order.work-order', kind: 'collectionType', displayName: 'Work order', draftAndPublish: false, pdf: false, mainField: 'number', fields };
const quote: AutomationContentType = { ...workOrder, uid: 'api::quote.quote', displayName: 'Quote', pdf: true };

const stored: Automation = {
  id: 3,
  documentId: 'abc',
  name: 'Vehículo listo',
  enabled: true,
  contentType: workOrder.uid,
  trigger: 'field-change',
  field: 'state',
  fromValue: null,
  toValue: 'COMPLETED',
  offsetDays: 0,
  atTime: '09:00',
  conditions: [
    { field: 'customer.country', op: 'in', value: ['MX', 'CO'] },
    { field: 'customer.phone', op: 'notEmpty' },
  ],
  recipient: 'customer.phone',
  template: 'vehiculo_listo',
  variables: { nombre: 'customer.name', taller: { value: 'Taller Ruiz' } },
  attachment: 'none',
  delayMinutes: 5,
  category: 'utility',
  writeBack: 'whatsappNotifiedAt',
  createdAt: null,
  updatedAt: null,
};

describe('automation form', () => {
  it('round-trips a stored rule into the request the API takes', () => {
    expect(toInput(formOf(stored))).toEqual({
      name: 'Vehículo listo',
      enabled: true,
      contentType: workOrder.uid,
      trigger: 'field-change',
      field: 'state',
      fromValue: null,
      toValue: 'COMPLETED',
      offsetDays: 0,
      atTime: null,
      delayMinutes: 5,
      conditions: [
        { field: 'customer.country', op: 'in', value: ['MX', 'CO'] },
        { field: 'customer.phone', op: 'notEmpty' },
      ],
      recipient: 'customer.phone',
      template: 'vehiculo_listo',
      variables: { nombre: 'customer.name', taller: { value: 'Taller Ruiz' } },
      attachment: 'none',
      category: 'utility',
      writeBack: 'whatsappNotifiedAt',
    });
  });

  it('signs a date rule’s days by their direction, and reads them back', () => {
    const date = { ...EMPTY_FORM, trigger: 'date' as const, field: 'dueDate', days: '2', direction: 'before' as const, atTime: '08:30' };
    expect(toInput(date)).toMatchObject({ trigger: 'date', field: 'dueDate', offsetDays: -2, atTime: '08:30', toValue: null, delayMinutes: 0 });
    expect(toInput({ ...date, direction: 'after' })).toMatchObject({ offsetDays: 2 });
    expect(toInput({ ...date, direction: 'on', days: '7' })).toMatchObject({ offsetDays: 0 });
    expect(formOf({ ...stored, trigger: 'date', offsetDays: -3 })).toMatchObject({ days: '3', direction: 'before' });
    expect(formOf({ ...stored, trigger: 'date', offsetDays: 0 })).toMatchObject({ days: '0', direction: 'on' });
  });

  it('sends what is not a whole number as typed, for the server to refuse by name', () => {
    expect(toInput({ ...EMPTY_FORM, trigger: 'date', days: 'dos' }).offsetDays).toBe('dos');
    expect(toInput({ ...EMPTY_FORM, delayMinutes: '1.5' }).delayMinutes).toBe('1.5');
    expect(toInput({ ...EMPTY_FORM, delayMinutes: '' }).delayMinutes).toBe(0);
  });

  it('sends only what the trigger reads', () => {
    const form = { ...formOf(stored), trigger: 'created' as const };
    expect(toInput(form)).toMatchObject({ field: null, fromValue: null, toValue: null, atTime: null, delayMinutes: 5 });
    expect(toInput({ ...form, trigger: 'manual' })).toMatchObject({ field: null, delayMinutes: 0 });
  });

  it('writes conditions as the server compares them: lists from commas, no value for empty', () => {
    const form = {
      ...EMPTY_FORM,
      conditions: [
        { field: ' customer.country ', op: 'notIn' as const, value: 'US, , CA ' },
        { field: 'notes', op: 'empty' as const, value: 'ignored' },
        { field: 'state', op: 'eq' as const, value: ' COMPLETED ' },
      ],
    };
    expect(toInput(form).conditions).toEqual([
      { field: 'customer.country', op: 'notIn', value: ['US', 'CA'] },
      { field: 'notes', op: 'empty' },
      { field: 'state', op: 'eq', value: 'COMPLETED' },
    ]);
  });
});

describe('pickers', () => {
  it('offer the fields each part of the rule can use', () => {
    expect(triggerFields(fields, 'field-change').map((f) => f.name)).toEqual(['number', 'state', 'paid', 'dueDate', 'whatsappNotifiedAt']);
    expect(triggerFields(fields, 'date').map((f) => f.name)).toEqual(['dueDate', 'whatsappNotifiedAt']);
    expect(phoneFields(fields).map((f) => f.name)).toEqual(['customer.phone', 'number', 'notes', 'customer.name', 'customer.email', 'vehicle.placa']);
    expect(writeBackFields(fields).map((f) => f.name)).toEqual(['dueDate', 'whatsappNotifiedAt']);
    expect(choicesOf(fields[1])).toEqual(['DRAFT', 'COMPLETED']);
    expect(choicesOf(fields[3])).toEqual(['true', 'false']);
    expect(choicesOf(fields[0])).toBeNull();
    expect(fieldLabel('customer.phone')).toBe('customer › phone');
  });

  it('guess a variable’s field by its name, keeping what was chosen', () => {
    expect(guessPath('number', fields)).toBe('number');
    expect(guessPath('placa', fields)).toBe('vehicle.placa');
    expect(guessPath('nombre', fields)).toBe('');
    const current = { number: { source: 'fixed' as const, value: 'x' }, viejo: { source: 'field' as const, path: 'notes' } };
    expect(syncVariables(current, ['number', 'placa', 'nombre'], fields)).toEqual({
      number: { source: 'fixed', value: 'x' },
      placa: { source: 'field', path: 'vehicle.placa' },
      nombre: { source: 'field', path: '' },
    });
  });

  it('clear what named the old type’s fields when the type changes', () => {
    const next = withContentType({ ...formOf(stored), attachment: 'pdf', variables: { placa: { source: 'field', path: 'x.y' }, taller: { source: 'fixed', value: 'T' } } }, workOrder);
    expect(next).toMatchObject({ contentType: workOrder.uid, field: '', toValue: '', conditions: [], recipient: 'customer.phone', attachment: 'none', writeBack: '' });
    expect(next.variables).toEqual({ placa: { source: 'field', path: 'vehicle.placa' }, taller: { source: 'fixed', value: 'T' } });
    expect(withContentType({ ...EMPTY_FORM, attachment: 'pdf' }, quote).attachment).toBe('pdf');
    expect(withContentType(EMPTY_FORM, null)).toMatchObject({ contentType: '', recipient: '' });
  });

  it('list a rule’s type that no longer exists by its uid', () => {
    expect(typeOptions([workOrder], workOrder.uid)).toEqual([{ uid: workOrder.uid, label: 'Work order' }]);
    expect(typeOptions([workOrder], 'api::gone.gone')).toEqual([{ uid: workOrder.uid, label: 'Work order' }, { uid: 'api::gone.gone', label: 'api::gone.gone' }]);
  });
});

describe('server errors', () => {
  it('key field errors by their whole path, without the preview’s `automation.`', () => {
    const body = {
      details: {
        errors: [
          { path: ['automation', 'variables', 'placa'], message: 'unmapped' },
          { path: ['conditions', '1', 'op'], message: 'op' },
          { path: ['toValue'], message: 'enum' },
          { path: ['toValue'], message: 'second' },
          { path: [], message: 'whole' },
        ],
      },
    };
    const errors = fieldErrors(body);
    expect(errors).toEqual({ 'variables.placa': 'unmapped', 'conditions.1.op': 'op', toValue: 'enum', _: 'whole' });
    expect(errorUnder(errors, 'conditions.1')).toBe('op');
    expect(errorUnder(errors, 'variables.placa')).toBe('unmapped');
    expect(errorUnder(errors, 'conditions.0')).toBeUndefined();
    expect(fieldErrors({ message: 'Not found' })).toEqual({ _: 'Not found' });
    expect(fieldErrors(null)).toEqual({});
    expect(problemField('to')).toBe('recipient');
    expect(problemField('variables.x')).toBe('variables.x');
    expect(runReason(problemReason({ path: 'recipient', rule: 'empty', message: 'customer.phone is empty: there is no number to send to' }))).toEqual({ kind: 'no-number', path: 'customer.phone' });
    expect(runReason(problemReason({ path: 'template', rule: 'unknown', message: 'No active template "x"' }))).toEqual({ kind: 'template', name: 'x' });
  });
});

describe('the list and the runs', () => {
  it('summarise a trigger', () => {
    expect(triggerSummary(stored)).toEqual({ kind: 'field-change', field: 'state', from: null, to: 'COMPLETED' });
    expect(triggerSummary({ ...stored, trigger: 'date', field: 'dueDate', offsetDays: -1, atTime: '10:00' })).toEqual({ kind: 'date', field: 'dueDate', days: 1, direction: 'before', at: '10:00' });
    expect(triggerSummary({ ...stored, trigger: 'created' })).toEqual({ kind: 'created' });
    expect(triggerSummary({ ...stored, trigger: 'manual' })).toEqual({ kind: 'manual' });
  });

  it('ask for one rule’s runs or everyone’s, a page at a time', () => {
    expect(runsQuery(3, 2)).toEqual({ filters: { automation: '3' }, pagination: { page: 2, pageSize: 10 } });
    expect(runsQuery(null, 0, 25)).toEqual({ pagination: { page: 1, pageSize: 25 } });
  });

  it('read the reasons the server writes', () => {
    expect(runReason('condition not met: customer.country in ["MX","CO"] (is "US")')).toEqual({ kind: 'condition', field: 'customer.country', op: 'in', expected: 'MX, CO', actual: 'US' });
    expect(runReason('condition not met: customer.phone notEmpty (is null)')).toEqual({ kind: 'condition', field: 'customer.phone', op: 'notEmpty', expected: '', actual: '' });
    expect(runReason('customer.phone is empty: there is no number to send to')).toEqual({ kind: 'no-number', path: 'customer.phone' });
    expect(runReason('The automation is disabled')).toEqual({ kind: 'disabled' });
    expect(runReason('The automation was deleted')).toEqual({ kind: 'deleted' });
    expect(runReason('The api::quote.quote record abc no longer exists')).toEqual({ kind: 'record-gone' });
    expect(runReason('template: No active template "entregado"')).toEqual({ kind: 'template', name: 'entregado' });
    expect(runReason("to: Marketing messages need the contact's marketing consent, and there is none on record")).toMatchObject({ kind: 'consent' });
    expect(runReason('to: "12" is not a valid phone number')).toEqual({ kind: 'phone', detail: '"12" is not a valid phone number' });
    expect(runReason('The message failed: 131026 Message undeliverable')).toEqual({ kind: 'message', status: 'failed', detail: '131026 Message undeliverable' });
    expect(runReason('sent; whatsappNotifiedAt not written back: boom')).toEqual({ kind: 'write-back', field: 'whatsappNotifiedAt', detail: 'boom' });
    expect(runReason('body: something else')).toEqual({ kind: 'other', text: 'body: something else' });
    expect(runReason(null)).toBeNull();
    expect(runReason('  ')).toBeNull();
  });
});

describe('test on a record', () => {
  it('asks the Content Manager for the latest records, searched', () => {
    expect(recordsQuery('  OT-1 ')).toEqual({ page: 1, pageSize: 10, sort: 'updatedAt:DESC', _q: 'OT-1' });
    expect(recordsQuery('')).toEqual({ page: 1, pageSize: 10, sort: 'updatedAt:DESC' });
  });

  it('titles a record by its main field, else its documentId, and links to it', () => {
    expect(recordTitle({ documentId: 'd1', number: 'OT-7' }, 'number')).toBe('OT-7');
    expect(recordTitle({ documentId: 'd1', number: null }, 'number')).toBe('d1');
    expect(recordTitle({ documentId: 'd1', total: 12 }, 'total')).toBe('12');
    expect(recordPath('api::quote.quote', 'd1')).toBe('/content-manager/collection-types/api::quote.quote/d1');
    expect(recordPath('api::home.home', 'd1', 'singleType')).toBe('/content-manager/single-types/api::home.home');
  });
});
