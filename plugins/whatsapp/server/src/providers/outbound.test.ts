import { ProviderError } from './errors';
import { INVALID_MESSAGE, assertSendable, e164Digits } from './outbound';
import type { OutboundMessage } from './types';

const message = (extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id: 7,
  to: '+525512345678',
  from: '+14155238886',
  ...extra,
});

function failure(run: () => unknown): ProviderError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

describe('e164Digits', () => {
  it.each([
    ['+525512345678', '525512345678'],
    ['525512345678', '525512345678'],
    ['whatsapp:+5491123456789', '5491123456789'],
    [' +14155238886 ', '14155238886'],
  ])('%j → %s', (input, digits) => {
    expect(e164Digits('meta', input, 'to')).toBe(digits);
  });

  it.each([[''], ['+52 55 1234 5678'], ['+0525512345678'], ['+12345'], ['+1234567890123456'], ['abc']])('rejects %j', (input) => {
    const error = failure(() => e164Digits('meta', input, 'to'));
    expect(error.code).toBe(INVALID_MESSAGE);
    expect(error.status).toBeUndefined();
    expect(error.message).toContain('"to" must be an E.164 number');
  });

  it('rejects non-strings from untyped callers', () => {
    expect(failure(() => e164Digits('meta', undefined as unknown as string, 'from')).message).toContain('"from"');
  });
});

describe('assertSendable', () => {
  it('accepts text, a template or media', () => {
    expect(() => assertSendable('meta', message({ body: 'Hola' }))).not.toThrow();
    expect(() => assertSendable('meta', message({ template: { meta: { name: 't', language: 'es', parameters: [] } } }))).not.toThrow();
    expect(() => assertSendable('meta', message({ media: { url: 'https://x/y.pdf', mime: 'application/pdf', kind: 'document' } }))).not.toThrow();
  });

  it('rejects a message with nothing to send', () => {
    expect(failure(() => assertSendable('meta', message())).message).toBe('Message 7 has no text, template or media to send');
    expect(failure(() => assertSendable('meta', message({ body: '  \n' }))).code).toBe(INVALID_MESSAGE);
    expect(failure(() => assertSendable('meta', message({ template: {} }))).code).toBe(INVALID_MESSAGE);
  });
});
