import { logLine, maskPhone } from './mask';

describe('maskPhone', () => {
  it('keeps the country code, a few digits and the last four', () => {
    expect(maskPhone('+5215512345678')).toBe('+52155****5678');
    expect(maskPhone('whatsapp:+525512345678')).toBe('+5255****5678');
    expect(maskPhone('+57 300 123 4567')).toBe('+5730****4567');
  });

  it('hides at least four digits of a short number, and anything that is not a number', () => {
    expect(maskPhone('+12345678')).toBe('+****5678');
    expect(maskPhone('MX.1234567890')).toBe('****');
    expect(maskPhone('ana@example.com')).toBe('****');
    expect(maskPhone(null)).toBe('-');
  });
});

describe('logLine', () => {
  it('writes key=value pairs, quoting values with spaces and dashing empty ones', () => {
    expect(logLine('send', { message: 12, provider: 'meta', code: null, error: 'Too many' })).toBe('[whatsapp] send message=12 provider=meta code=- error="Too many"');
  });
});
