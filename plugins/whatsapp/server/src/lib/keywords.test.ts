import { matchKeyword, normalizeKeyword } from './keywords';

const OUT = ['STOP', 'BAJA', 'CANCELAR', 'NO MAS', 'UNSUBSCRIBE'];
const IN = ['START', 'ALTA'];

describe('normalizeKeyword', () => {
  it.each([
    [' Baja ', 'BAJA'],
    ['no más', 'NO MAS'],
    ['NO MAS!', 'NO MAS'],
    ['¡No   Más!', 'NO MAS'],
    ['Stop.', 'STOP'],
    ['STOP 🛑', 'STOP'],
    ['no-más', 'NO MAS'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeKeyword(input)).toBe(expected);
  });
});

describe('matchKeyword', () => {
  it.each(['stop', ' Baja ', 'no más', 'NO MAS!', 'NO MÁS', 'Cancelar', 'unsubscribe'])('%j opts out', (text) => {
    expect(matchKeyword([text], OUT, IN)).toBe('opt-out');
  });

  it.each(['start', 'Alta', '¡ALTA!'])('%j opts in', (text) => {
    expect(matchKeyword([text], OUT, IN)).toBe('opt-in');
  });

  it.each(['no me den de baja', 'stop please', 'baja la música', 'hola', '', '   '])('%j is not a keyword', (text) => {
    expect(matchKeyword([text], OUT, IN)).toBeNull();
  });

  it('reads a button payload too, and settings keywords written with accents', () => {
    expect(matchKeyword(['Ya no quiero promociones', 'STOP'], OUT, IN)).toBe('opt-out');
    expect(matchKeyword(['no mas'], ['NO MÁS'], IN)).toBe('opt-out');
  });

  it('opt-out wins when a text is in both lists', () => {
    expect(matchKeyword(['stop'], ['STOP'], ['STOP'])).toBe('opt-out');
  });
});
