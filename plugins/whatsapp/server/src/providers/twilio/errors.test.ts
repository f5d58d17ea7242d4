import { ERROR_KINDS, type ErrorKind } from '../classify';
import { ProviderError } from '../errors';
import { explainError } from '../explain';
import { TWILIO_ERRORS, classifyTwilioError, describeTwilioError, parseTwilioError, twilioCanFallBack } from './errors';
import { TWILIO_ERRORS as TABLE_FILE } from './error-codes';

const rows = Object.entries(TWILIO_ERRORS);
const error = (code: string, status = 400, retryAfterSeconds?: number) => new ProviderError(`Twilio ${code}`, { provider: 'twilio', status, code, retryAfterSeconds });
const body = (code: number | string, status = 400) => JSON.stringify({ code: Number(code), message: `Twilio ${code}`, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

describe('TWILIO_ERRORS, every row', () => {
  it('is the data of error-codes.ts, re-exported by errors.ts', () => {
    expect(TWILIO_ERRORS).toBe(TABLE_FILE);
    expect(Object.isFrozen(TWILIO_ERRORS)).toBe(true);
    expect(rows.length).toBeGreaterThanOrEqual(80);
  });

  it.each(rows)('%s: a valid class, English and Spanish words, a sane wait', (code, rule) => {
    expect(code).toMatch(/^\d{5}$/);
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
    for (const status of [400, 404, 429, 500]) expect(classifyTwilioError(error(code, status)).kind).toBe(rule.kind);
    expect(classifyTwilioError(parseTwilioError(400, {}, body(code))).kind).toBe(rule.kind);
    // twilio-node's RestException (status + numeric code) too
    expect(classifyTwilioError(Object.assign(new Error('x'), { status: 400, code: Number(code) })).kind).toBe(rule.kind);
  });

  it.each(rows)('%s: never retried before its minimum wait, and Retry-After still counts', (code, rule) => {
    const plain = classifyTwilioError(error(code));
    if (rule.waitSeconds === undefined) {
      expect(plain).toEqual({ kind: rule.kind });
      return;
    }
    expect(plain.retryAfterSeconds).toBeGreaterThanOrEqual(rule.waitSeconds);
    expect(classifyTwilioError(error(code, 429, 5)).retryAfterSeconds).toBe(rule.waitSeconds);
    expect(classifyTwilioError(error(code, 429, rule.waitSeconds + 60)).retryAfterSeconds).toBe(rule.waitSeconds + 60);
  });

  it.each(rows)('%s: falls back to SMS / email exactly when the row says so', (code, rule) => {
    expect(twilioCanFallBack(code)).toBe(rule.fallback === true);
  });

  it.each(rows)('%s: described and explained in English and Spanish', (code, rule) => {
    expect(describeTwilioError(error(code))).toBe(rule.reason);
    expect(describeTwilioError(error(code), 'es')).toBe(rule.es.reason);
    expect(explainError('twilio', code, 'en')).toMatchObject({ code, kind: rule.kind, fallback: rule.fallback === true, reason: rule.reason, remedy: rule.remedy });
    expect(explainError('twilio-sms', code, 'es')).toMatchObject({ code, kind: rule.kind, reason: rule.es.reason, remedy: rule.es.remedy });
  });
});

describe('TWILIO_ERRORS, the codes pinned by the product', () => {
  it.each<[string, ErrorKind]>([
    ['63003', 'permanent'],
    ['63005', 'permanent'],
    ['63006', 'permanent'],
    ['63008', 'permanent'],
    ['63011', 'permanent'],
    ['63012', 'transient'],
    ['63015', 'permanent'],
    ['63016', 'outside-window'],
    ['63017', 'rate-limited'],
    ['63018', 'rate-limited'],
    ['63022', 'permanent'],
    ['63023', 'transient'],
    ['63024', 'permanent'],
    ['63025', 'permanent'],
    ['63029', 'transient'],
    ['63032', 'permanent'],
    ['63033', 'opted-out'],
    ['63038', 'rate-limited'],
    ['63040', 'permanent'],
    ['63041', 'permanent'],
    ['63042', 'permanent'],
    ['63049', 'permanent'],
    ['30003', 'transient'],
    ['30004', 'permanent'],
    ['30005', 'permanent'],
    ['30006', 'permanent'],
    ['30007', 'permanent'],
    ['30008', 'transient'],
    ['30034', 'permanent'],
    ['21211', 'permanent'],
    ['21408', 'permanent'],
    ['21610', 'opted-out'],
    ['21614', 'permanent'],
  ])('%s is in the table as %s', (code, kind) => {
    expect(TWILIO_ERRORS[code]?.kind).toBe(kind);
  });

  it('63017 (account rate limit) answered with HTTP 400 is rate-limited, with no day-long wait', () => {
    expect(classifyTwilioError(parseTwilioError(400, {}, body(63017)))).toEqual({ kind: 'rate-limited' });
    expect(classifyTwilioError(parseTwilioError(400, { 'retry-after': '3' }, body(63017)))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 3 });
  });

  it.each(['63018', '63038'])('%s (daily WhatsApp / account limit) is never retried within a day', (code) => {
    expect(classifyTwilioError(parseTwilioError(400, {}, body(code)))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 86_400 });
    expect(classifyTwilioError(parseTwilioError(429, { 'retry-after': '60' }, body(code, 429)))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 86_400 });
  });

  it('63016 is outside the 24-hour window, whatever the status', () => {
    expect(classifyTwilioError(error('63016', 500))).toEqual({ kind: 'outside-window' });
  });

  it('the numbers that cannot receive WhatsApp fall back: 63003, 63024, 63032, and only those', () => {
    expect(rows.filter(([, rule]) => rule.fallback).map(([code]) => code)).toEqual(['63003', '63024', '63032']);
    for (const code of ['63003', '63024', '63032']) expect(explainError('twilio', code, 'es')).toMatchObject({ kind: 'permanent', fallback: true });
    expect(twilioCanFallBack('21610')).toBe(false);
  });

  it('21610 (STOP) revokes consent; a status callback code as a number is found too', () => {
    expect(classifyTwilioError(error('21610'))).toEqual({ kind: 'opted-out' });
    expect(explainError('twilio', 21610, 'en')).toMatchObject({ code: '21610', kind: 'opted-out' });
  });

  it('an unknown code is left to the HTTP status', () => {
    expect(TWILIO_ERRORS['63099']).toBeUndefined();
    expect(classifyTwilioError(error('63099', 502)).kind).toBe('transient');
    expect(classifyTwilioError(error('63099', 429, 4))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 4 });
    expect(explainError('twilio', '63099', 'en')).toBeUndefined();
  });
});
