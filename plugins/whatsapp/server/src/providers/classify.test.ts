import { canFallBackWith, classifyWith, describeWith, explainWith, lookupCode, type CodeTable } from './classify';
import { ProviderError } from './errors';
import { META_ERRORS, classifyMetaError, describeMetaError, parseMetaError } from './meta/errors';
import { TWILIO_ERRORS, classifyTwilioError, describeTwilioError, parseTwilioError } from './twilio/errors';
import type { ErrorClass } from './types';

const twilio = (code: number, status = 400, headers: Record<string, string> = {}) =>
  parseTwilioError(status, headers, JSON.stringify({ code, message: `Twilio ${code}`, status }));
const meta = (code: number, status = 400) =>
  parseMetaError(status, {}, JSON.stringify({ error: { message: `(#${code}) Meta`, type: 'OAuthException', code } }));

describe('Twilio codes', () => {
  it.each<[number, ErrorClass['kind']]>([
    [21211, 'permanent'],
    [21610, 'opted-out'],
    [21614, 'permanent'],
    [63003, 'permanent'],
    [63016, 'outside-window'],
    [63018, 'rate-limited'],
    [20429, 'rate-limited'],
    [20003, 'permanent'],
    [63024, 'permanent'],
    [63032, 'permanent'],
    [63049, 'permanent'],
    [20503, 'transient'],
    [30003, 'transient'],
  ])('%i → %s', (code, kind) => {
    expect(classifyTwilioError(twilio(code)).kind).toBe(kind);
  });

  it('classifies by code even when the status says otherwise', () => {
    expect(classifyTwilioError(twilio(63016, 500)).kind).toBe('outside-window');
    expect(classifyTwilioError(twilio(20003, 401)).kind).toBe('permanent');
  });

  it('passes Retry-After on with rate limits; a daily limit waits at least a day', () => {
    expect(classifyTwilioError(twilio(20429, 429, { 'retry-after': '12' }))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 12 });
    expect(classifyTwilioError(twilio(20429))).toEqual({ kind: 'rate-limited' });
    expect(classifyTwilioError(twilio(63018))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 86_400 });
    expect(classifyTwilioError(twilio(63017))).toEqual({ kind: 'rate-limited' });
  });

  it("classifies twilio-node's RestException directly", () => {
    expect(classifyTwilioError(Object.assign(new Error('x'), { status: 400, code: 21610 })).kind).toBe('opted-out');
  });

  it('has a reason text for each code', () => {
    expect(describeTwilioError(twilio(63016))).toBe('Outside the 24-hour window: use an approved template');
    for (const entry of Object.values(TWILIO_ERRORS)) expect(entry.reason.length).toBeGreaterThan(5);
  });
});

describe('Meta codes', () => {
  it.each<[number, ErrorClass['kind']]>([
    [130429, 'rate-limited'],
    [131056, 'rate-limited'],
    [131048, 'rate-limited'],
    [4, 'rate-limited'],
    [80007, 'rate-limited'],
    [131026, 'permanent'],
    [131047, 'outside-window'],
    [131049, 'permanent'],
    [131050, 'opted-out'],
    [132012, 'permanent'],
    [132000, 'permanent'],
    [132001, 'permanent'],
    [131008, 'permanent'],
    [131009, 'permanent'],
    [131021, 'permanent'],
    [133010, 'permanent'],
    [190, 'permanent'],
    [1, 'transient'],
    [2, 'transient'],
    [131000, 'transient'],
    [131016, 'transient'],
  ])('%i → %s', (code, kind) => {
    expect(classifyMetaError(meta(code)).kind).toBe(kind);
  });

  it('a rate limit answered with HTTP 400 is still a rate limit', () => {
    expect(classifyMetaError(meta(130429, 400)).kind).toBe('rate-limited');
  });

  it('a transient code answered with HTTP 400 is still transient', () => {
    expect(classifyMetaError(meta(131016, 400)).kind).toBe('transient');
  });

  it('has a reason text for each code', () => {
    expect(describeMetaError(meta(131050))).toBe('The user stopped marketing messages from this business');
    expect(describeMetaError(parseMetaError(503, {}, 'oops'))).toBe('[HTTP 503] oops');
    for (const entry of Object.values(META_ERRORS)) expect(entry.reason.length).toBeGreaterThan(5);
  });
});

describe('unknown codes fall back to the status', () => {
  it.each<[number, ErrorClass['kind']]>([
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [408, 'transient'],
    [429, 'rate-limited'],
    [400, 'permanent'],
    [401, 'permanent'],
    [404, 'permanent'],
    [200, 'permanent'],
  ])('HTTP %i → %s', (status, kind) => {
    expect(classifyMetaError(parseMetaError(status, {}, '<html>')).kind).toBe(kind);
    expect(classifyTwilioError(parseTwilioError(status, {}, JSON.stringify({ code: 99999, message: 'new' }))).kind).toBe(kind);
  });

  it('429 with Retry-After keeps the delay', () => {
    expect(classifyMetaError(parseMetaError(429, { 'retry-after': '3' }, ''))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 3 });
  });
});

describe('errors without an HTTP answer', () => {
  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE'])('%s → transient', (code) => {
    expect(classifyMetaError(Object.assign(new Error(code), { code })).kind).toBe('transient');
    expect(classifyTwilioError(Object.assign(new Error(code), { code })).kind).toBe('transient');
  });

  it('timeouts → transient', () => {
    expect(classifyMetaError(new ProviderError('slow', { provider: 'meta', timeout: true })).kind).toBe('transient');
  });

  it('bugs and invalid messages → permanent', () => {
    expect(classifyMetaError(new TypeError('x is undefined')).kind).toBe('permanent');
    expect(classifyMetaError(new ProviderError('no text', { provider: 'meta', code: 'INVALID_MESSAGE' })).kind).toBe('permanent');
    expect(classifyMetaError('weird').kind).toBe('permanent');
    expect(classifyMetaError(undefined).kind).toBe('permanent');
  });
});

describe('lookupCode', () => {
  it('ignores prototype names', () => {
    expect(lookupCode(META_ERRORS, 'constructor')).toBeUndefined();
    expect(lookupCode(META_ERRORS, undefined)).toBeUndefined();
    expect(lookupCode(META_ERRORS, '131047')?.kind).toBe('outside-window');
  });
});

describe('lookupCode', () => {
  it('accepts a number and surrounding spaces', () => {
    expect(lookupCode(META_ERRORS, 131047)?.kind).toBe('outside-window');
    expect(lookupCode(TWILIO_ERRORS, ' 63016 ')?.kind).toBe('outside-window');
    expect(lookupCode(TWILIO_ERRORS, '__proto__')).toBeUndefined();
  });
});

describe('minimum waits (waitSeconds)', () => {
  const table: CodeTable = {
    daily: { kind: 'rate-limited', waitSeconds: 86_400, reason: 'Daily limit', remedy: 'Wait a day', es: { reason: 'Límite diario', remedy: 'Espera un día' } },
    flow: { kind: 'permanent', waitSeconds: 3_600, reason: 'Do not resend soon', remedy: 'Wait an hour', es: { reason: 'No reenviar pronto', remedy: 'Espera una hora' } },
    maintenance: { kind: 'transient', waitSeconds: 300, reason: 'Maintenance', remedy: 'Wait 5 minutes', es: { reason: 'Mantenimiento', remedy: 'Espera 5 minutos' } },
    throughput: { kind: 'rate-limited', reason: 'Throughput', remedy: 'Slow down', es: { reason: 'Rendimiento', remedy: 'Más despacio' } },
    gone: { kind: 'permanent', fallback: true, reason: 'Not on WhatsApp', remedy: 'Use SMS', es: { reason: 'Sin WhatsApp', remedy: 'Usa SMS' } },
  };
  const failure = (code: string, retryAfterSeconds?: number, status = 400) => new ProviderError('x', { provider: 'p', status, code, retryAfterSeconds });

  it('answer max(Retry-After, waitSeconds), whatever the kind', () => {
    expect(classifyWith(table, 'p', failure('daily'))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 86_400 });
    expect(classifyWith(table, 'p', failure('daily', 60))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 86_400 });
    expect(classifyWith(table, 'p', failure('daily', 90_000))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 90_000 });
    expect(classifyWith(table, 'p', failure('flow'))).toEqual({ kind: 'permanent', retryAfterSeconds: 3_600 });
    expect(classifyWith(table, 'p', failure('maintenance', 10, 503))).toEqual({ kind: 'transient', retryAfterSeconds: 300 });
  });

  it('leave rows without a wait as before: Retry-After only on rate limits', () => {
    expect(classifyWith(table, 'p', failure('throughput'))).toEqual({ kind: 'rate-limited' });
    expect(classifyWith(table, 'p', failure('throughput', 7))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 7 });
    expect(classifyWith(table, 'p', failure('gone', 7))).toEqual({ kind: 'permanent' });
  });

  it('explain the row in either language, with its fallback and wait', () => {
    expect(explainWith(table, 'daily', 'es')).toEqual({ code: 'daily', kind: 'rate-limited', fallback: false, reason: 'Límite diario', remedy: 'Espera un día', waitSeconds: 86_400 });
    expect(explainWith(table, 'gone', 'en')).toEqual({ code: 'gone', kind: 'permanent', fallback: true, reason: 'Not on WhatsApp', remedy: 'Use SMS' });
    expect(explainWith(table, 'nope', 'en')).toBeUndefined();
    expect(explainWith(table, undefined, 'es')).toBeUndefined();
    expect(canFallBackWith(table, 'gone')).toBe(true);
    expect(describeWith(table, 'p', failure('gone'), 'es')).toBe('Sin WhatsApp');
    expect(describeWith(table, 'p', failure('nope'))).toBe('x');
  });
});
