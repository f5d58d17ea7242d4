import { explainError, type ExplainProvider } from './explain';
import { META_ERRORS } from './meta/errors';
import { TWILIO_ERRORS } from './twilio/errors';

describe('explainError', () => {
  it('explains a Meta code to staff in Spanish and in English', () => {
    expect(explainError('meta', '131026', 'es')).toEqual({
      code: '131026',
      kind: 'permanent',
      fallback: true,
      reason: META_ERRORS['131026'].es.reason,
      remedy: META_ERRORS['131026'].es.remedy,
    });
    expect(explainError('meta', '131026', 'en')).toMatchObject({ reason: META_ERRORS['131026'].reason, remedy: META_ERRORS['131026'].remedy });
  });

  it('says how long to wait when the code means "wait"', () => {
    expect(explainError('meta', '131048', 'es')).toMatchObject({ kind: 'rate-limited', waitSeconds: 86_400 });
    expect(explainError('twilio', '63038', 'en')).toMatchObject({ kind: 'rate-limited', waitSeconds: 86_400 });
    expect(explainError('twilio', '63017', 'en')).not.toHaveProperty('waitSeconds');
  });

  it('reads the Twilio table for the SMS fallback provider too', () => {
    expect(explainError('twilio-sms', '21610', 'es')).toEqual(explainError('twilio', '21610', 'es'));
    expect(explainError('twilio', '63016', 'es')).toMatchObject({ kind: 'outside-window', reason: TWILIO_ERRORS['63016'].es.reason });
  });

  it('answers undefined for no code, an unknown code or an unknown provider', () => {
    expect(explainError('meta', undefined, 'es')).toBeUndefined();
    expect(explainError('meta', '', 'es')).toBeUndefined();
    expect(explainError('meta', '63016', 'es')).toBeUndefined();
    expect(explainError('twilio', 'constructor', 'en')).toBeUndefined();
    expect(explainError('sandbox' as ExplainProvider, '131026', 'en')).toBeUndefined();
    expect(explainError('toString' as ExplainProvider, '131026', 'en')).toBeUndefined();
  });
});
