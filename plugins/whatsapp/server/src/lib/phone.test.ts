import { normalizePhone, PhoneError, sameWhatsAppNumber, toWhatsAppId, type CountryCode } from './phone';

const e164 = (input: string, country?: CountryCode) => normalizePhone(input, country).e164;

const errorOf = (input: string, country?: CountryCode): PhoneError => {
  try {
    normalizePhone(input, country);
  } catch (error) {
    if (error instanceof PhoneError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
};

describe('normalizePhone — Mexico (default country)', () => {
  it.each([
    ['55 1234 5678'],
    ['5512345678'],
    ['55-1234-5678'],
    ['(55) 1234 5678'],
    ['55\u20111234\u20115678'], // non-breaking hyphens from a copy-paste
    ['+52 55 1234 5678'],
    ['+525512345678'],
    ['0052 55 1234 5678'],
    ['whatsapp:+525512345678'],
    ['WhatsApp:+5215512345678'],
    ['5215512345678'], // wa_id as Meta reports it
    ['+5215512345678'],
    ['+52 1 55 1234 5678'],
    ['525512345678'],
    ['  +52 55 1234 5678  '],
    ['044 55 1234 5678'], // pre-2019 mobile prefix, still in old customer lists
    ['045 55 1234 5678'],
    ['01 55 1234 5678'],
  ])('%s → +525512345678', (input) => {
    expect(e164(input)).toBe('+525512345678');
  });

  it('reports country and type', () => {
    expect(normalizePhone('55 1234 5678')).toEqual({
      e164: '+525512345678',
      country: 'MX',
      type: 'FIXED_LINE_OR_MOBILE',
    });
  });

  it('handles other Mexican cities', () => {
    expect(e164('81 8123 4567')).toBe('+528181234567'); // Monterrey
    expect(e164('+52 (33) 3123-4567')).toBe('+523331234567'); // Guadalajara
    expect(e164('5213331234567')).toBe('+523331234567');
  });
});

describe('normalizePhone — Colombia', () => {
  it('reads national mobiles', () => {
    expect(normalizePhone('300 123 4567', 'CO')).toEqual({ e164: '+573001234567', country: 'CO', type: 'MOBILE' });
    expect(e164('310 123 4567', 'CO')).toBe('+573101234567');
  });
  it('reads international forms and wa_ids', () => {
    expect(e164('+57 310 123 4567')).toBe('+573101234567');
    expect(e164('573101234567')).toBe('+573101234567');
    expect(e164('00 57 300 123 4567', 'CO')).toBe('+573001234567');
  });
  it('keeps Bogotá landlines (WhatsApp Business can live on a landline)', () => {
    expect(normalizePhone('+57 601 234 5678')).toEqual({ e164: '+576012345678', country: 'CO', type: 'FIXED_LINE' });
  });
});

describe('normalizePhone — Argentina (mobiles always in the 9 form)', () => {
  it.each([
    ['011 15-2345-6789', 'AR'],
    ['11 15 2345 6789', 'AR'],
    ['11 2345-6789', 'AR'], // decision: typed without 15 → still the mobile form
    ['+54 11 15 2345 6789', undefined],
    ['+541123456789', undefined],
    ['+54 9 11 2345-6789', undefined],
    ['+5491123456789', undefined],
    ['5491123456789', undefined], // wa_id, default MX
    ['5491123456789', 'AR'],
    ['541123456789', undefined],
  ] as [string, CountryCode | undefined][])('%s (%s) → +5491123456789', (input, country) => {
    expect(e164(input, country)).toBe('+5491123456789');
  });

  it('handles three-digit area codes', () => {
    expect(normalizePhone('0351 15 412-3456', 'AR')).toEqual({ e164: '+5493514123456', country: 'AR', type: 'MOBILE' });
    expect(e164('+54 351 412-3456')).toBe('+5493514123456');
    expect(e164('+54 9 261 412-3456')).toBe('+5492614123456');
  });

  it('leaves toll-free numbers alone', () => {
    expect(normalizePhone('+54 800 123 4567')).toEqual({ e164: '+548001234567', country: 'AR', type: 'TOLL_FREE' });
  });
});

describe('normalizePhone — Brazil (ninth digit)', () => {
  it('keeps current mobiles', () => {
    expect(normalizePhone('+55 11 91234 5678')).toEqual({ e164: '+5511912345678', country: 'BR', type: 'MOBILE' });
    expect(e164('(21) 98765-4321', 'BR')).toBe('+5521987654321');
  });
  it('inserts the 9 in old-account wa_ids and old-style numbers', () => {
    expect(e164('551181234567')).toBe('+5511981234567');
    expect(e164('+55 11 8123 4567')).toBe('+5511981234567');
    expect(e164('552176543210')).toBe('+5521976543210');
    expect(e164('11 8123-4567', 'BR')).toBe('+5511981234567');
  });
  it('does not touch landlines (8 digits starting 2–5)', () => {
    expect(normalizePhone('+55 11 3123 4567')).toEqual({ e164: '+551131234567', country: 'BR', type: 'FIXED_LINE' });
    expect(e164('+55 21 3123 4567')).toBe('+552131234567');
  });
});

describe('normalizePhone — US and Spain', () => {
  it('reads US numbers', () => {
    expect(e164('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(e164('+1 212 555 0123')).toBe('+12125550123');
    expect(e164('1 (415) 555-2671', 'US')).toBe('+14155552671');
  });
  it('reads national digits as the default country first (415 is also a Mexican area code)', () => {
    expect(e164('4155552671')).toBe('+524155552671');
    expect(e164('+14155552671')).toBe('+14155552671');
  });
  it('reads Spanish mobiles and landlines', () => {
    expect(normalizePhone('612 34 56 78', 'ES')).toEqual({ e164: '+34612345678', country: 'ES', type: 'MOBILE' });
    expect(e164('+34 712 34 56 78')).toBe('+34712345678');
    expect(e164('0034 612 345 678')).toBe('+34612345678');
    expect(normalizePhone('+34 912 34 56 78').type).toBe('FIXED_LINE');
  });
});

describe('normalizePhone — rejects malformed input', () => {
  it.each([
    ['', 'required'],
    ['   ', 'required'],
    ['abc', 'invalid-characters'],
    ['55 1234 abcd', 'invalid-characters'],
    ['55 1234 5678 ext 2', 'invalid-characters'],
    ['+52 55+1234', 'invalid-characters'],
    ['55 12', 'too-short'],
    ['+5', 'too-short'],
    ['+', 'invalid'],
    ['()', 'invalid'],
    ['123456789012345678', 'too-long'],
    ['+52 55 1234 5678 9999', 'too-long'],
    ['1'.repeat(60), 'too-long'],
    ['+999 123456', 'unknown-country'],
    ['+52 55 1234 567', 'too-short'],
    ['(212) 555-0123', 'invalid'], // a US number typed nationally with MX as default country
  ])('%j → %s', (input, rule) => {
    expect(errorOf(input).rule).toBe(rule);
  });

  it('writes clear messages', () => {
    expect(errorOf('55 12').message).toBe('"55 12" is not a valid phone number for MX (too short)');
    expect(errorOf('300 12', 'CO').message).toBe('"300 12" is not a valid phone number for CO (too short)');
    expect(errorOf('').message).toBe('A phone number is required');
    expect(errorOf('abc').message).toBe('"abc" contains characters that are not part of a phone number');
    expect(errorOf('+999 123456').message).toBe('"+999 123456" does not start with a known country code');
    expect(errorOf('+44 7700 900123').message).toBe('"+44 7700 900123" is not a valid phone number for +44');
    expect(errorOf('+55 11 1234 5678').message).toBe('"+55 11 1234 5678" is not a valid phone number for BR');
  });

  it('keeps the input on the error and is an Error', () => {
    const error = errorOf('55 12');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PhoneError');
    expect(error.input).toBe('55 12');
  });

  it('treats non-strings from untyped callers as missing', () => {
    expect(() => normalizePhone(undefined as unknown as string)).toThrow('A phone number is required');
    expect(() => normalizePhone(null as unknown as string)).toThrow(PhoneError);
  });

  it('reads an unknown default country (a setting stored before it was checked) as Mexico, never a throw', () => {
    expect(normalizePhone('55 1234 5678', 'XX' as CountryCode).e164).toBe('+525512345678');
    expect(normalizePhone('55 1234 5678', { a: 1 } as unknown as CountryCode).e164).toBe('+525512345678');
    expect(() => normalizePhone('12', 'XX' as CountryCode)).toThrow(PhoneError);
  });
});

describe('toWhatsAppId', () => {
  it('uses 521 for Mexico', () => {
    expect(toWhatsAppId('+525512345678')).toBe('5215512345678');
    expect(toWhatsAppId('+5215512345678')).toBe('5215512345678');
  });
  it('does not add the 1 to Mexican toll-free numbers', () => {
    expect(toWhatsAppId('+528001234567')).toBe('528001234567');
  });
  it('uses 549 for Argentina', () => {
    expect(toWhatsAppId('+541123456789')).toBe('5491123456789');
    expect(toWhatsAppId('+5491123456789')).toBe('5491123456789');
  });
  it('uses the E.164 digits elsewhere', () => {
    expect(toWhatsAppId('+573001234567')).toBe('573001234567');
    expect(toWhatsAppId('+14155552671')).toBe('14155552671');
    expect(toWhatsAppId('+34612345678')).toBe('34612345678');
    expect(toWhatsAppId('+5511912345678')).toBe('5511912345678');
  });
  it('round-trips through normalizePhone', () => {
    for (const number of ['+525512345678', '+5491123456789', '+573001234567', '+5511912345678']) {
      expect(e164(toWhatsAppId(number))).toBe(number);
    }
  });
  it('rejects what is not a phone number', () => {
    expect(() => toWhatsAppId('nope')).toThrow(PhoneError);
  });
});

describe('sameWhatsAppNumber', () => {
  it('matches a wa_id with the stored number', () => {
    expect(sameWhatsAppNumber('5215512345678', '+52 55 1234 5678')).toBe(true);
    expect(sameWhatsAppNumber('whatsapp:+5491123456789', '+541123456789')).toBe(true);
    expect(sameWhatsAppNumber('551181234567', '+55 11 98123-4567')).toBe(true);
    expect(sameWhatsAppNumber('300 123 4567', '+573001234567', 'CO')).toBe(true);
  });
  it('tells different numbers apart', () => {
    expect(sameWhatsAppNumber('+525512345678', '+525512345679')).toBe(false);
    expect(sameWhatsAppNumber('+551131234567', '+5511931234567')).toBe(false); // landline ≠ mobile
  });
  it('is false (not a throw) for malformed input', () => {
    expect(sameWhatsAppNumber('', '')).toBe(false);
    expect(sameWhatsAppNumber('abc', 'abc')).toBe(false);
  });
});
