import { ProviderError } from './errors';
import { explainFailure, planFailure, type FailureInput } from './failure';
import { classifyMetaError, metaCanFallBack } from './meta/errors';
import { classifyTwilioError, twilioCanFallBack } from './twilio/errors';

const DAY = 86_400;
const base: Omit<FailureInput, 'verdict' | 'canFallBack'> = { attempts: 1, maxAttempts: 4, retryDelays: [60, 300, 1800] };

/** The plan for a code as a status webhook reports it: no HTTP status, no Retry-After. */
const reported = (provider: 'meta' | 'twilio', code: string, attempts = 1) => {
  const error = new ProviderError(`reported ${code}`, { provider, code });
  const verdict = provider === 'meta' ? classifyMetaError(error) : classifyTwilioError(error);
  const canFallBack = provider === 'meta' ? metaCanFallBack(code) : twilioCanFallBack(code);
  return planFailure({ ...base, attempts, verdict, canFallBack });
};

describe('planFailure: one decision whatever way the failure arrives', () => {
  it.each([
    ['meta', '131000'],
    ['meta', '131016'],
    ['meta', '130429'],
    ['meta', '131056'],
    ['twilio', '30003'],
    ['twilio', '30008'],
    ['twilio', '63009'],
  ] as const)('%s %s reported by webhook is retried after the backoff', (provider, code) => {
    expect(reported(provider, code)).toEqual({ action: 'retry', outcome: 'retry', delaySeconds: 60 });
    expect(reported(provider, code, 2)).toMatchObject({ action: 'retry', delaySeconds: 300 });
    expect(reported(provider, code, 9)).toMatchObject({ action: 'fail', outcome: 'failed' });
  });

  it.each([
    ['meta', '131048'],
    ['meta', '131064'],
    ['twilio', '63018'],
    ['twilio', '63038'],
  ] as const)('%s %s ("wait a day") is retried a day later, never within minutes', (provider, code) => {
    expect(reported(provider, code)).toEqual({ action: 'retry', outcome: 'retry', delaySeconds: DAY });
  });

  it.each([
    ['meta', '131026'],
    ['meta', '130472'],
    ['twilio', '63003'],
    ['twilio', '63024'],
    ['twilio', '63032'],
  ] as const)('%s %s falls back to SMS / email', (provider, code) => {
    expect(reported(provider, code)).toEqual({ action: 'fallback', outcome: 'failed', revokeConsent: false });
  });

  it('outside the window falls back too (a template the fallback can carry); opted-out fails and revokes consent', () => {
    expect(reported('meta', '131047')).toEqual({ action: 'fallback', outcome: 'outside-window', revokeConsent: false });
    expect(reported('twilio', '63016')).toEqual({ action: 'fallback', outcome: 'outside-window', revokeConsent: false });
    expect(reported('meta', '131050')).toEqual({ action: 'fail', outcome: 'opted-out', revokeConsent: true });
    expect(reported('twilio', '21610')).toEqual({ action: 'fail', outcome: 'opted-out', revokeConsent: true });
  });

  it.each([
    ['meta', '131051'],
    ['meta', '132001'],
    ['meta', '131049'],
    ['twilio', '30005'],
    ['twilio', '63013'],
  ] as const)('%s %s is permanent: failed, not retried, no fallback', (provider, code) => {
    expect(reported(provider, code)).toEqual({ action: 'fail', outcome: 'failed', revokeConsent: false });
  });

  it('a code no table knows, reported without an HTTP status, is permanent', () => {
    expect(reported('meta', '999999')).toMatchObject({ action: 'fail' });
  });

  it("the send's Retry-After counts when the verdict has no wait; the verdict's wait wins", () => {
    expect(planFailure({ ...base, verdict: { kind: 'transient' }, canFallBack: false, retryAfterSeconds: 7 })).toMatchObject({ delaySeconds: 7 });
    expect(planFailure({ ...base, verdict: { kind: 'transient', retryAfterSeconds: DAY }, canFallBack: false, retryAfterSeconds: 7 })).toMatchObject({ delaySeconds: DAY });
    // Attempts beyond the configured delays keep the last one; none configured: a minute.
    expect(planFailure({ ...base, attempts: 3, maxAttempts: 10, retryDelays: [5], verdict: { kind: 'transient' }, canFallBack: false })).toMatchObject({ delaySeconds: 5 });
    expect(planFailure({ ...base, attempts: 0, retryDelays: [], verdict: { kind: 'transient' }, canFallBack: false })).toMatchObject({ delaySeconds: 60 });
  });
});

describe('explainFailure: a stored failure explained to staff', () => {
  it('explains a provider code in English and Spanish, from the table of the provider that reported it', () => {
    expect(explainFailure('meta', '131026', 'Message undeliverable')).toMatchObject({
      code: '131026',
      class: 'permanent',
      fallback: true,
      waitSeconds: null,
      reason: expect.stringMatching(/undeliverable/i),
      remedy: expect.stringMatching(/fallback/),
      es: { reason: expect.stringMatching(/No se pudo entregar/), remedy: expect.any(String) },
    });
    expect(explainFailure('twilio', '63018', null)).toMatchObject({ class: 'rate-limited', waitSeconds: DAY });
  });

  it('finds a Meta code on a message the SMS fallback carried (provider twilio-sms)', () => {
    expect(explainFailure('twilio-sms', '131026', null)).toMatchObject({ class: 'permanent', fallback: true });
    expect(explainFailure('sandbox', '63024', null)).toMatchObject({ class: 'permanent', fallback: true });
  });

  it("explains the plugin's own codes; an unknown one keeps the provider's words", () => {
    expect(explainFailure('sandbox', 'no-provider', null)).toMatchObject({ class: 'permanent', reason: expect.stringMatching(/Live mode/), es: { reason: expect.stringMatching(/Modo real/) } });
    expect(explainFailure('meta', 'ETIMEDOUT', null)).toMatchObject({ class: 'transient', reason: expect.stringMatching(/in time/) });
    expect(explainFailure('meta', 'ECONNRESET', null)).toMatchObject({ class: 'transient', reason: expect.stringMatching(/network/) });
    expect(explainFailure('meta', 'in-doubt', null)).toMatchObject({ class: 'permanent' });
    expect(explainFailure('email', 'EAUTH', 'Invalid login')).toEqual({ code: 'EAUTH', class: null, fallback: false, waitSeconds: null, reason: 'Invalid login', remedy: null, es: { reason: 'Invalid login', remedy: null } });
    expect(explainFailure('meta', null, 'x')).toBeNull();
  });
});
