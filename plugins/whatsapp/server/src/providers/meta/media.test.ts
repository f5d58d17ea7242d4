import crypto from 'node:crypto';
import { sha256Matches } from './media';

describe('sha256Matches', () => {
  it('sha256 in hex or base64; none given passes', () => {
    const digest = crypto.createHash('sha256').update('hola').digest();
    expect(sha256Matches(digest.toString('hex').toUpperCase(), digest)).toBe(true);
    expect(sha256Matches(digest.toString('base64'), digest)).toBe(true);
    expect(sha256Matches(undefined, digest)).toBe(true);
    expect(sha256Matches('abc=', digest)).toBe(false);
  });
});
