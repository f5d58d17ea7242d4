import { blockKeyOf, confirmsContact, isPseudonym, phoneDigitForms, pseudonymOf, replacementsFor, scrubJson, scrubText } from './privacy';

const SECRET = 'unit-test-secret';

describe('pseudonyms', () => {
  it('are stable, short enough for the phone column, and differ per input and per secret', () => {
    const a = pseudonymOf(SECRET, '+525512345678');
    expect(a).toBe(pseudonymOf(SECRET, ' +525512345678 '));
    expect(a).toMatch(/^erased-[a-z2-7]{9}$/);
    expect(a.length).toBeLessThanOrEqual(16);
    expect(isPseudonym(a)).toBe(true);
    expect(pseudonymOf(SECRET, '+525512345679')).not.toBe(a);
    expect(pseudonymOf('another-secret', '+525512345678')).not.toBe(a);
    expect(a).not.toMatch(/5512345678/);
  });

  it('block keys are full-length keyed hashes, separate per kind and from the pseudonym', () => {
    const key = blockKeyOf(SECRET, 'phone', '+525512345678');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(blockKeyOf(SECRET, 'user-id', '+525512345678')).not.toBe(key);
    expect(key).not.toContain(pseudonymOf(SECRET, '+525512345678').slice(7));
    expect(isPseudonym('+525512345678')).toBe(false);
  });
});

describe('phone digit forms', () => {
  it('knows the WhatsApp ids that differ from E.164 (Mexico 521, Brazil without the 9)', () => {
    expect(phoneDigitForms('+525512345678')).toEqual(['525512345678', '5215512345678']);
    expect(phoneDigitForms('+5215512345678')).toEqual(['5215512345678', '525512345678']);
    expect(phoneDigitForms('+5511987654321')).toEqual(['5511987654321', '551187654321']);
    expect(phoneDigitForms('+14155550100')).toEqual(['14155550100']);
    expect(phoneDigitForms('+123')).toEqual([]);
  });
});

describe('scrubbing kept texts', () => {
  const identity = { phones: ['+525512345678'], userIds: ['MX.1234567890'], words: ['José Núñez', 'Ana', 'jose@example.com', 'Jo'] };
  const replacements = replacementsFor(SECRET, identity);
  const pseudonym = pseudonymOf(SECRET, '+525512345678');

  it('replaces every form of the number and the user id by their pseudonyms', () => {
    const text = 'To +525512345678 (whatsapp:+5215512345678, wa_id 5215512345678), recipient MX.1234567890';
    const out = scrubText(text, replacements);
    expect(out).toBe(`To ${pseudonym} (whatsapp:${pseudonym}, wa_id ${pseudonym}), recipient ${pseudonymOf(SECRET, 'MX.1234567890')}`);
  });

  it('removes names and e-mails as whole words only, accents and case included; short words stay', () => {
    const out = scrubText('Respuesta de josé núñez: Ana pidió el Análisis, escribe a jose@example.com. Jo', replacements, identity.words);
    expect(out).toBe('Respuesta de [erased]: [erased] pidió el Análisis, escribe a [erased]. Jo');
  });

  it('walks JSON values, keeping keys and non-text values', () => {
    const value = { rows: [{ row: 2, column: 'telefono', reason: '"+525512345678" ya existe' }], n: 3, ok: true, none: null };
    expect(scrubJson(value, (t) => scrubText(t, replacements))).toEqual({ rows: [{ row: 2, column: 'telefono', reason: `"${pseudonym}" ya existe` }], n: 3, ok: true, none: null });
  });
});

describe('erasure confirmation', () => {
  const contact = { id: 42, documentId: 'abc123', phone: '+525512345678', providerUserId: 'MX.99' };
  it('takes the id, documentId, number or user id; a typed number once normalised', () => {
    for (const given of ['42', ' abc123 ', '+525512345678', 'MX.99']) expect(confirmsContact(given, contact, null)).toBe(true);
    expect(confirmsContact('55 1234 5678', contact, '+525512345678')).toBe(true);
  });
  it('refuses anything else, and empty text', () => {
    expect(confirmsContact('43', contact, null)).toBe(false);
    expect(confirmsContact('', contact, null)).toBe(false);
    expect(confirmsContact('55 1234 5679', contact, '+525512345679')).toBe(false);
    expect(confirmsContact('x', { id: 1, phone: null }, null)).toBe(false);
  });
});
