import { BLOCK_HELPERS, HELPERS, HelperValueError, RESERVED_NAMES, isHelperName, type FormatSettings } from './template-helpers';

const mx: FormatSettings = { locale: 'es-MX', timeZone: 'America/Mexico_City' };
const plain = (text: string) => text.replace(/\s/gu, ' ');
const run = (name: string, args: unknown[], settings: FormatSettings = mx) => plain(HELPERS[name].format(args, settings));

function valueError(run: () => unknown): HelperValueError {
  try {
    run();
  } catch (error) {
    if (error instanceof HelperValueError) return error;
    throw error;
  }
  throw new Error('expected a HelperValueError');
}

describe('fecha / date', () => {
  it('formats ISO dates, timestamps and Date objects, long by default', () => {
    expect(run('fecha', ['2025-03-14'])).toBe('14 de marzo de 2025');
    expect(run('date', [new Date('2025-03-14T18:00:00Z')])).toBe('14 de marzo de 2025');
    expect(run('fecha', [Date.UTC(2025, 2, 14, 18)])).toBe('14 de marzo de 2025');
    expect(run('fecha', ['2025-03-14 12:00'])).toBe('14 de marzo de 2025');
  });
  it('keeps a calendar day on its day whatever the time zone', () => {
    expect(run('fecha', ['2025-03-14'], { locale: 'es-MX', timeZone: 'Pacific/Honolulu' })).toBe('14 de marzo de 2025');
    expect(run('fecha', ['2025-03-14'], { locale: 'es-MX', timeZone: 'Pacific/Kiritimati' })).toBe('14 de marzo de 2025');
  });
  it('accepts the four styles, in English or Spanish', () => {
    expect(run('fecha', ['2025-03-14', 'short'])).toBe('14/03/25');
    expect(run('fecha', ['2025-03-14', 'medium'])).toBe('14 mar 2025');
    expect(run('fecha', ['2025-03-14', 'full'])).toBe('viernes, 14 de marzo de 2025');
    expect(run('fecha', ['2025-03-14', 'Corta'])).toBe('14/03/25');
    expect(run('fecha', ['2025-03-14', 'completa'])).toBe('viernes, 14 de marzo de 2025');
  });
  it.each([['mañana'], ['03/04/2025'], ['2025-13-45'], [''], [NaN], [new Date('x')], [{}], [true]])(
    'rejects %p',
    (value) => {
      const error = valueError(() => run('fecha', [value]));
      expect(error.argIndex).toBe(0);
      expect(error.message).toMatch(/^is not a date/);
    },
  );
  it('rejects an unknown style given through a variable', () => {
    expect(valueError(() => run('fecha', ['2025-03-14', 'enorme'])).argIndex).toBe(1);
  });
  it('checks literal styles at compile time', () => {
    expect(HELPERS.fecha.checkLiteral?.(1, 'short')).toBeUndefined();
    expect(HELPERS.fecha.checkLiteral?.(1, 'enorme')).toContain('is not a style');
    expect(HELPERS.fecha.checkLiteral?.(1, 3)).toContain('is not a style');
  });
});

describe('hora / time', () => {
  it('formats the time in the shop time zone, short by default', () => {
    expect(run('hora', ['2025-03-14T18:30:00Z'])).toBe('12:30 p.m.');
    expect(run('time', ['2025-03-14T18:30:00Z'], { locale: 'en-US', timeZone: 'America/New_York' })).toBe('2:30 PM');
    expect(run('hora', ['2025-03-14T18:30:45Z', 'medium'])).toBe('12:30:45 p.m.');
  });
});

describe('moneda / currency', () => {
  it('formats MXN by default and other currencies when asked', () => {
    expect(run('moneda', [1234.5])).toBe('$1,234.50');
    expect(run('currency', ['99.9', 'USD'])).toBe('USD 99.90');
    expect(run('moneda', [1234.5, 'eur'], { locale: 'es-ES', timeZone: 'Europe/Madrid' })).toBe('1234,50 €');
    expect(run('moneda', [-5])).toBe('-$5.00');
    expect(run('moneda', [BigInt(7)])).toBe('$7.00');
  });
  it.each([['mucho'], ['1,234.50'], [''], [Infinity], [null], [{}]])('rejects the amount %p', (value) => {
    expect(valueError(() => run('moneda', [value])).message).toBe('is not a number');
  });
  it('rejects a bad currency code', () => {
    expect(valueError(() => run('moneda', [1, 'PESOS'])).argIndex).toBe(1);
    expect(valueError(() => run('moneda', [1, 5])).argIndex).toBe(1);
    expect(HELPERS.moneda.checkLiteral?.(1, 'MXN')).toBeUndefined();
    expect(HELPERS.moneda.checkLiteral?.(1, 'XX')).toContain('not an ISO currency code');
  });
});

describe('numero / number', () => {
  it('groups digits the local way and fixes decimals when asked', () => {
    expect(run('numero', [1234567.891])).toBe('1,234,567.891');
    expect(run('number', ['1234.5', 2])).toBe('1,234.50');
    expect(run('numero', [1234.5], { locale: 'es-ES', timeZone: 'UTC' })).toBe('1234,5');
    expect(run('numero', [2.5, 0])).toBe('3');
  });
  it('rejects bad decimals', () => {
    expect(valueError(() => run('numero', [1, -1])).argIndex).toBe(1);
    expect(valueError(() => run('numero', [1, 1.5])).argIndex).toBe(1);
    expect(HELPERS.numero.checkLiteral?.(1, 21)).toContain('decimals');
  });
});

describe('mayusculas / minusculas', () => {
  it('changes case with accents', () => {
    expect(run('mayusculas', ['ñandú señor'])).toBe('ÑANDÚ SEÑOR');
    expect(run('lower', ['ÁRBOL'])).toBe('árbol');
    expect(run('upper', [42])).toBe('42');
  });
  it('uses the locale (Turkish dotted i)', () => {
    expect(run('upper', ['istanbul'], { locale: 'tr-TR', timeZone: 'UTC' })).toBe('İSTANBUL');
  });
  it('rejects non-text', () => {
    expect(valueError(() => run('upper', [{}])).message).toBe('is not text');
  });
});

describe('registry', () => {
  it('knows each helper by both names', () => {
    for (const name of ['fecha', 'date', 'hora', 'time', 'moneda', 'currency', 'numero', 'number', 'mayusculas', 'upper', 'minusculas', 'lower']) {
      expect(isHelperName(name)).toBe(true);
    }
    expect(HELPERS.fecha).toBe(HELPERS.date);
  });
  it('does not mistake prototype names for helpers', () => {
    expect(isHelperName('constructor')).toBe(false);
    expect(isHelperName('toString')).toBe(false);
  });
  it('lists the block helpers and reserved names', () => {
    expect([...BLOCK_HELPERS]).toEqual(['if', 'unless', 'each', 'with']);
    expect(RESERVED_NAMES.has('lookup')).toBe(true);
  });
});
