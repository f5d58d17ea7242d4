import { countCharacters } from './text-length';

describe('countCharacters', () => {
  it('counts plain and accented text by character', () => {
    expect(countCharacters('')).toBe(0);
    expect(countCharacters('Hola, José')).toBe(10);
    expect(countCharacters('ñandú')).toBe(5);
  });
  it('counts an emoji (surrogate pair) once', () => {
    expect('🎉'.length).toBe(2);
    expect(countCharacters('🎉')).toBe(1);
    expect(countCharacters('¡Listo! 🎉🛍️')).toBe(11); // 🛍️ is a pair + variation selector
  });
  it('counts lone surrogates (malformed UTF-16) as one each', () => {
    expect(countCharacters('\ud83c')).toBe(1);
    expect(countCharacters('a\udf89b')).toBe(3);
    expect(countCharacters('\udf89\ud83c')).toBe(2);
  });
});
