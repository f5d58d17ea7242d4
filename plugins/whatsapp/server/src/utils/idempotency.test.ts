import { idempotencyKeyOf } from './idempotency';

const ctx = (header: string) => ({ get: (name: string) => (name === 'Idempotency-Key' ? header : '') });

describe('idempotencyKeyOf', () => {
  it('takes the header or the field, and undefined when neither is given', () => {
    expect(idempotencyKeyOf(ctx('order-77'), {})).toBe('order-77');
    expect(idempotencyKeyOf(ctx(''), { idempotencyKey: 'order-78' })).toBe('order-78');
    expect(idempotencyKeyOf(ctx('order-79'), { idempotencyKey: 'order-79' })).toBe('order-79');
    expect(idempotencyKeyOf(ctx(''), { idempotencyKey: null })).toBeUndefined();
  });

  it('refuses a header and a field that differ, naming the field and the rule', () => {
    expect(() => idempotencyKeyOf(ctx('a'), { idempotencyKey: 'b' })).toThrow('The Idempotency-Key header and data.idempotencyKey differ');
    try {
      idempotencyKeyOf(ctx('a'), { idempotencyKey: 'b' });
    } catch (error: any) {
      expect(error.details.errors[0]).toMatchObject({ path: ['idempotencyKey'], rule: 'match' });
    }
  });
});
