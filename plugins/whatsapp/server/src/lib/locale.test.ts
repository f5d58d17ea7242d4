import fc from 'fast-check';
import { formatOptionsFor, isValidLocale, isValidTimeZone, localeOr, timeZoneOr } from './locale';
import { hostileValue } from './test-support/hostile';

describe('locales and time zones', () => {
  it('tells valid BCP 47 tags and IANA zones from anything else', () => {
    expect(['es-MX', 'en', 'pt-BR', 'zh-Hant-TW'].every(isValidLocale)).toBe(true);
    expect(['not a locale!', '', 'es_MX!', 'x', 42, null, {}].some(isValidLocale)).toBe(false);
    expect(['America/Mexico_City', 'UTC', 'Europe/Madrid'].every(isValidTimeZone)).toBe(true);
    expect(['Mars/Olympus', '', 'America/Nowhere', 7, null].some(isValidTimeZone)).toBe(false);
  });

  it('falls back to es-MX / the next valid zone / America/Mexico_City', () => {
    expect(localeOr('not a locale!')).toBe('es-MX');
    expect(localeOr(undefined, 'en-US')).toBe('en-US');
    expect(timeZoneOr('Mars/Olympus', 'Europe/Madrid')).toBe('Europe/Madrid');
    expect(timeZoneOr('Mars/Olympus', 'Venus/Base')).toBe('America/Mexico_City');
    expect(formatOptionsFor({ locale: 'not a locale!', timeZone: 'Mars/Olympus' })).toEqual({ locale: undefined, timeZone: undefined });
    expect(formatOptionsFor({ locale: 'en-US', timeZone: 'UTC' })).toEqual({ locale: 'en-US', timeZone: 'UTC' });
  });

  it('never throws, and what it accepts Intl accepts', () => {
    fc.assert(
      fc.property(hostileValue(), (value) => {
        if (isValidLocale(value)) expect(() => new Intl.DateTimeFormat(value).format(0)).not.toThrow();
        if (isValidTimeZone(value)) expect(() => new Intl.DateTimeFormat('es-MX', { timeZone: value }).format(0)).not.toThrow();
        const options = formatOptionsFor({ locale: value, timeZone: value });
        expect(() => new Intl.DateTimeFormat(localeOr(options.locale), { timeZone: timeZoneOr(options.timeZone) }).format(0)).not.toThrow();
      }),
      { numRuns: 500 }
    );
  });
});
