import { fieldsOf, guessMainField } from './fields';
import { resolvePath, type SchemaLookup } from './paths';

const schemas: Record<string, { attributes: Record<string, any> }> = {
  'api::work-order.work-order': {
    attributes: {
      number: { type: 'string' },
      state: { type: 'enumeration', enum: ['IN_PROGRESS', 'COMPLETED'] },
      notes: { type: 'text' },
      secret: { type: 'string', private: true },
      extra: { type: 'json' },
      photo: { type: 'media' },
      customer: { type: 'relation', relation: 'manyToOne', target: 'api::customer.customer' },
      quotes: { type: 'relation', relation: 'oneToMany', target: 'api::quote.quote' },
      address: { type: 'component', component: 'shared.address', repeatable: false },
      lines: { type: 'component', component: 'shared.line', repeatable: true },
      createdBy: { type: 'relation', relation: 'oneToOne', target: 'admin::user' },
      createdAt: { type: 'datetime' },
      publishedAt: { type: 'datetime' },
    },
  },
  'api::customer.customer': {
    attributes: {
      name: { type: 'string' },
      phone: { type: 'string' },
      vehicles: { type: 'relation', relation: 'oneToMany', target: 'api::vehicle.vehicle' },
      company: { type: 'relation', relation: 'manyToOne', target: 'api::company.company' },
    },
  },
  'shared.address': { attributes: { city: { type: 'string' } } },
  'shared.line': { attributes: { description: { type: 'string' } } },
};
const schemaOf: SchemaLookup = (uid) => schemas[uid];
const WO = 'api::work-order.work-order';

describe('the fields a rule can name', () => {
  it('are the own values, then those one single relation or component away', () => {
    expect(fieldsOf(schemaOf, WO)).toEqual([
      { name: 'number', type: 'string' },
      { name: 'state', type: 'enumeration', enum: ['IN_PROGRESS', 'COMPLETED'] },
      { name: 'notes', type: 'text' },
      { name: 'createdAt', type: 'datetime' },
      { name: 'customer.name', type: 'string' },
      { name: 'customer.phone', type: 'string' },
      { name: 'address.city', type: 'string' },
    ]);
  });

  it('are each a path the rule check accepts', () => {
    for (const field of fieldsOf(schemaOf, WO)) expect(resolvePath(schemaOf, WO, field.name).attribute.type).toBe(field.type);
  });

  it('are none for a type that does not exist', () => {
    expect(fieldsOf(schemaOf, 'api::nothing.nothing')).toEqual([]);
  });

  it('title a record by its name, title or number, else its first text', () => {
    expect(guessMainField(fieldsOf(schemaOf, WO))).toBe('number');
    expect(guessMainField([{ name: 'plate', type: 'string' }, { name: 'name', type: 'string' }])).toBe('name');
    expect(guessMainField([{ name: 'customer.name', type: 'string' }, { name: 'label', type: 'string' }])).toBe('label');
    expect(guessMainField([{ name: 'total', type: 'decimal' }])).toBe('documentId');
  });
});
