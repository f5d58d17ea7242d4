/**
 * Properties of the phone rules: any text, any default country (a setting stored before it was
 * checked included) gives E.164 or a PhoneError naming the rule, never another error; and what
 * comes out reads back as itself.
 */
import fc from 'fast-check';
import { normalizePhone, PhoneError, sameWhatsAppNumber, toWhatsAppId, type CountryCode } from './phone';
import { hostileString, hostileValue } from './test-support/hostile';

const phoneLike = () =>
  fc.oneof(
    hostileString(),
    fc.stringMatching(/^\+?[0-9 ()\-.]{0,24}$/),
    fc.tuple(fc.constantFrom('+52', '+54', '+55', '+57', '+1', '+34', '00', '52 1 ', '044 ', '', 'whatsapp:+', 'tel:'), fc.stringMatching(/^[0-9]{0,14}$/)).map(([a, b]) => a + b),
    // Close to real numbers, so that many are valid and the round trip is exercised.
    fc.tuple(fc.constantFrom('+52 55', '+52 1 33', '5215', '55', '+54 9 11', '+54 11', '+55 11 9', '+55 11', '+57 3', '+1 415', '+34 6'), fc.stringMatching(/^[0-9]{7,8}$/)).map(([a, b]) => a + b)
  );
const country = () => fc.oneof(fc.constantFrom('MX', 'AR', 'BR', 'CO', 'US', 'ES', 'XX', 'mx', '', 'ZZ'), fc.string({ maxLength: 3 }), hostileValue());

const onlyPhoneErrors = <T>(run: () => T): T | undefined => {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof PhoneError)) throw error;
    expect(typeof error.rule).toBe('string');
    return undefined;
  }
};

describe('normalizePhone never throws anything but a PhoneError', () => {
  it('any input, any default country', () => {
    fc.assert(
      fc.property(fc.oneof(phoneLike(), hostileValue()), country(), (input, defaultCountry) => {
        const phone = onlyPhoneErrors(() => normalizePhone(input as string, defaultCountry as CountryCode));
        if (!phone) return;
        expect(phone.e164).toMatch(/^\+[1-9]\d{6,14}$/);
        // E.164 in, the same E.164 out; and its WhatsApp id (as international digits) reads back as it.
        expect(normalizePhone(phone.e164).e164).toBe(phone.e164);
        expect(normalizePhone(`+${toWhatsAppId(phone.e164)}`).e164).toBe(phone.e164);
      }),
      { numRuns: 1000 }
    );
  });

  it('sameWhatsAppNumber answers, never throws', () => {
    fc.assert(
      fc.property(phoneLike(), phoneLike(), country(), (a, b, defaultCountry) => {
        expect(typeof sameWhatsAppNumber(a, b, defaultCountry as CountryCode)).toBe('boolean');
      }),
      { numRuns: 300 }
    );
  });
});
