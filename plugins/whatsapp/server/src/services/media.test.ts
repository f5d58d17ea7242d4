/**
 * Signed media links: a token made by `sign` opens its file until it expires; anything else
 * (forged, truncated, non-ASCII, any text at all) is refused with null, never an exception
 * (crypto.timingSafeEqual throws on buffers of different byte lengths).
 */
import fc from 'fast-check';
import type { Core } from '@strapi/strapi';
import createMediaService from './media';

const media = createMediaService({ strapi: {} as Core.Strapi });

describe('media.verify', () => {
  it('opens a signed token, refuses a forged or expired one', () => {
    const token = media.sign(42);
    expect(media.verify(token)).toBe(42);
    const [payload, signature] = token.split('.');
    const other = signature.endsWith('A') ? 'B' : 'A';
    expect(media.verify(`${payload}.${signature.slice(0, -1)}${other}`)).toBeNull();
    expect(media.verify(`${Buffer.from('43.9999999999').toString('base64url')}.${signature}`)).toBeNull();
    expect(media.verify(media.sign(42, -10))).toBeNull();
  });

  it('a non-ASCII signature of the same length in characters is refused, not a crash', () => {
    const [payload, signature] = media.sign(7).split('.');
    const forged = `${payload}.${signature.slice(0, -2)}ñé`;
    expect(forged.length).toBe(media.sign(7).length);
    expect(media.verify(forged)).toBeNull();
  });

  it('any text (or no text) is null or a file id, never an exception', () => {
    const [payload, signature] = media.sign(9).split('.');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 120 }),
          fc.string({ unit: 'binary', minLength: signature.length, maxLength: signature.length }).map((s) => `${payload}.${s}`),
          fc.anything()
        ),
        (token) => {
          const id = media.verify(token);
          expect(id === null || id === 9).toBe(true);
        }
      ),
      { numRuns: 1000 }
    );
  });
});
