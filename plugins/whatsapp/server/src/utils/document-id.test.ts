import { isCuid } from '@paralleldrive/cuid2';
import { documentId, parseRowId, whereRef } from './document-id';

describe('documentId', () => {
  it('has the shape of Strapi document ids (cuid2: 24 chars, a letter first, then [a-z0-9])', () => {
    for (let i = 0; i < 1000; i += 1) {
      const id = documentId();
      expect(id).toMatch(/^[a-z][a-z0-9]{23}$/);
      expect(isCuid(id)).toBe(true);
    }
  });

  it('does not repeat in 100,000 draws', () => {
    const seen = new Set(Array.from({ length: 100_000 }, documentId));
    expect(seen.size).toBe(100_000);
  });
});

describe('parseRowId / whereRef', () => {
  it('digits within 1..2³¹−1 are a row id; beyond that no row can match; anything else is not an id', () => {
    expect(parseRowId('42')).toBe(42);
    expect(parseRowId(42)).toBe(42);
    expect(parseRowId('2147483647')).toBe(2_147_483_647);
    expect(parseRowId('2147483648')).toBe('out-of-range');
    expect(parseRowId('99999999999')).toBe('out-of-range');
    expect(parseRowId('9'.repeat(400))).toBe('out-of-range');
    expect(parseRowId(9_999_999_999)).toBe('out-of-range');
    expect(parseRowId('0')).toBe('out-of-range');
    expect(parseRowId('000042')).toBe(42);
    expect(parseRowId('abc123')).toBeNull();
    expect(parseRowId('-1')).toBeNull();
    expect(parseRowId(1.5)).toBeNull();
  });

  it('whereRef: by id, by documentId (or the caller\'s lookup), or null when nothing can match', () => {
    expect(whereRef('42')).toEqual({ id: 42 });
    expect(whereRef('x1y2')).toEqual({ documentId: 'x1y2' });
    expect(whereRef('cita', (key) => ({ name: key }))).toEqual({ name: 'cita' });
    expect(whereRef('2147483648')).toBeNull();
  });
});
