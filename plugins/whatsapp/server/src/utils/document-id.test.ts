import { isCuid } from '@paralleldrive/cuid2';
import { documentId } from './document-id';

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
