import { ERROR_KINDS, type ErrorKind } from '../classify';
import { ProviderError } from '../errors';
import { explainError } from '../explain';
import { META_ERRORS, classifyMetaError, describeMetaError, metaCanFallBack, parseMetaError } from './errors';
import { META_ERRORS as TABLE_FILE } from './error-codes';

const rows = Object.entries(META_ERRORS);
const error = (code: string, status = 400, retryAfterSeconds?: number) => new ProviderError(`(#${code}) Meta`, { provider: 'meta', status, code, retryAfterSeconds });
const body = (code: number | string) => JSON.stringify({ error: { message: `(#${code}) Meta`, type: 'OAuthException', code: Number(code) } });

describe('META_ERRORS, every row', () => {
  it('is the data of error-codes.ts, re-exported by errors.ts', () => {
    expect(META_ERRORS).toBe(TABLE_FILE);
    expect(Object.isFrozen(META_ERRORS)).toBe(true);
    expect(rows.length).toBeGreaterThanOrEqual(65);
  });

  it.each(rows)('%s: a valid class, English and Spanish words, a sane wait', (code, rule) => {
    expect(code).toMatch(/^\d+$/);
    expect(ERROR_KINDS).toContain(rule.kind);
    for (const text of [rule.reason, rule.remedy, rule.es.reason, rule.es.remedy]) {
      expect(typeof text).toBe('string');
      expect(text.trim().length).toBeGreaterThan(5);
    }
    expect(rule.es.reason).not.toBe(rule.reason);
    if (rule.waitSeconds !== undefined) {
      expect(Number.isInteger(rule.waitSeconds)).toBe(true);
      expect(rule.waitSeconds).toBeGreaterThan(0);
    }
    if (rule.fallback) expect(rule.kind).toBe('permanent'); // the dispatcher falls back from permanent failures only
  });

  it.each(rows)('%s: classified by its code, whatever the HTTP status', (code, rule) => {
    for (const status of [400, 403, 429, 500]) expect(classifyMetaError(error(code, status)).kind).toBe(rule.kind);
    expect(classifyMetaError(parseMetaError(400, {}, body(code))).kind).toBe(rule.kind);
  });

  it.each(rows)('%s: never retried before its minimum wait, and Retry-After still counts', (code, rule) => {
    const plain = classifyMetaError(error(code));
    if (rule.waitSeconds === undefined) {
      expect(plain).toEqual({ kind: rule.kind });
      return;
    }
    expect(plain.retryAfterSeconds).toBeGreaterThanOrEqual(rule.waitSeconds);
    expect(classifyMetaError(error(code, 429, 5)).retryAfterSeconds).toBe(rule.waitSeconds);
    expect(classifyMetaError(error(code, 429, rule.waitSeconds + 60)).retryAfterSeconds).toBe(rule.waitSeconds + 60);
  });

  it.each(rows)('%s: falls back to SMS / email exactly when the row says so', (code, rule) => {
    expect(metaCanFallBack(code)).toBe(rule.fallback === true);
  });

  it.each(rows)('%s: described and explained in English and Spanish', (code, rule) => {
    expect(describeMetaError(error(code))).toBe(rule.reason);
    expect(describeMetaError(error(code), 'es')).toBe(rule.es.reason);
    expect(explainError('meta', code, 'en')).toMatchObject({ code, kind: rule.kind, fallback: rule.fallback === true, reason: rule.reason, remedy: rule.remedy });
    expect(explainError('meta', code, 'es')).toMatchObject({ code, kind: rule.kind, reason: rule.es.reason, remedy: rule.es.remedy });
  });
});

describe('META_ERRORS, the codes pinned by the product', () => {
  it.each<[string, ErrorKind]>([
    ['131064', 'rate-limited'],
    ['132069', 'rate-limited'],
    ['470', 'outside-window'],
    ['131047', 'outside-window'],
    ['131030', 'permanent'],
    ['131044', 'permanent'],
    ['131062', 'permanent'],
    ['131063', 'permanent'],
    ['132008', 'permanent'],
    ['132068', 'permanent'],
    ['133005', 'permanent'],
    ['133006', 'permanent'],
    ['133007', 'permanent'],
    ['133008', 'rate-limited'],
    ['133009', 'rate-limited'],
    ['133015', 'rate-limited'],
    ['133016', 'rate-limited'],
    ['130403', 'permanent'],
    ['131001', 'permanent'],
    ['131002', 'permanent'],
    ['132001', 'permanent'],
    ['131048', 'rate-limited'],
    ['131056', 'rate-limited'],
    ['130429', 'rate-limited'],
    ['131026', 'permanent'],
    ['131049', 'permanent'],
    ['131050', 'opted-out'],
  ])('%s is in the table as %s', (code, kind) => {
    expect(META_ERRORS[code]?.kind).toBe(kind);
  });

  it('131048 (spam rate limit) is never retried within a day, even with a short Retry-After', () => {
    expect(classifyMetaError(error('131048'))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 86_400 });
    expect(classifyMetaError(error('131048', 400, 30))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 86_400 });
  });

  it('131049 (per-user marketing limit) stays permanent and still says "not within a day"', () => {
    expect(classifyMetaError(error('131049'))).toEqual({ kind: 'permanent', retryAfterSeconds: 86_400 });
    expect(metaCanFallBack('131049')).toBe(false);
  });

  it('short limits keep no minimum: 130429 throughput and 131056 pair rate follow Retry-After or the backoff', () => {
    expect(classifyMetaError(error('130429'))).toEqual({ kind: 'rate-limited' });
    expect(classifyMetaError(error('131056'))).toEqual({ kind: 'rate-limited' });
    expect(classifyMetaError(error('131056', 429, 9))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 9 });
  });

  it('132069 (throttled Flow) waits an hour, 133016 (registration attempts) 72 hours, 133015 five minutes', () => {
    expect(classifyMetaError(error('132069')).retryAfterSeconds).toBe(3_600);
    expect(classifyMetaError(error('133016')).retryAfterSeconds).toBe(259_200);
    expect(classifyMetaError(error('133015')).retryAfterSeconds).toBe(300);
  });

  it('470 (legacy code) means outside the 24-hour window, as 131047', () => {
    expect(classifyMetaError(parseMetaError(400, {}, body(470)))).toEqual({ kind: 'outside-window' });
  });

  it('131026 is permanent and may go out by SMS / email', () => {
    expect(classifyMetaError(error('131026'))).toEqual({ kind: 'permanent' });
    expect(metaCanFallBack('131026')).toBe(true);
    expect(explainError('meta', '131026', 'es')).toMatchObject({ kind: 'permanent', fallback: true });
  });

  it('the fallback rows are 131026 (the number cannot receive WhatsApp) and 130472 (in an experiment, as Twilio 63032)', () => {
    expect(rows.filter(([, rule]) => rule.fallback).map(([code]) => code).sort()).toEqual(['130472', '131026']);
  });

  it('an unknown code is left to the HTTP status', () => {
    expect(META_ERRORS['131059']).toBeUndefined();
    expect(classifyMetaError(error('131059', 503)).kind).toBe('transient');
    expect(classifyMetaError(error('131059', 400)).kind).toBe('permanent');
    expect(explainError('meta', '131059', 'es')).toBeUndefined();
  });
});
