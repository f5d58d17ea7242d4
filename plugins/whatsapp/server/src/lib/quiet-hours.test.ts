import { isValidClock, quietUntil } from './quiet-hours';

describe('quietUntil', () => {
  const window = { start: '21:00', end: '08:00' };
  const mx = 'America/Mexico_City'; // UTC-6, no DST since 2022

  it('is null outside the window', () => {
    expect(quietUntil(new Date('2026-11-25T18:00:00Z'), window, mx)).toBeNull(); // 12:00 local
  });

  it('ends the window at 08:00 local when it is 23:30 local (crosses midnight)', () => {
    expect(quietUntil(new Date('2026-11-26T05:30:00Z'), window, mx)?.toISOString()).toBe('2026-11-26T14:00:00.000Z');
  });

  it('ends the window at 08:00 local when it is 03:15 local', () => {
    expect(quietUntil(new Date('2026-11-26T09:15:20Z'), window, mx)?.toISOString()).toBe('2026-11-26T14:00:00.000Z');
  });

  it('uses the contact time zone: 21:30 in Buenos Aires is quiet, the same instant in Mexico is not', () => {
    const at = new Date('2026-11-26T00:30:00Z'); // 21:30 in Buenos Aires (UTC-3), 18:30 in Mexico City
    expect(quietUntil(at, window, 'America/Argentina/Buenos_Aires')?.toISOString()).toBe('2026-11-26T11:00:00.000Z');
    expect(quietUntil(at, window, mx)).toBeNull();
  });

  it('reads a time zone Intl does not know (stored before it was checked) as Mexico City: still quiet, never a throw', () => {
    const at = new Date('2026-11-26T05:30:00Z'); // 23:30 in Mexico City
    expect(quietUntil(at, window, 'Mars/Olympus')?.toISOString()).toBe('2026-11-26T14:00:00.000Z');
    expect(quietUntil(at, window, '' as string)?.toISOString()).toBe('2026-11-26T14:00:00.000Z');
  });

  it('handles a same-day window and ignores empty or malformed ones', () => {
    expect(quietUntil(new Date('2026-11-25T19:00:00Z'), { start: '13:00', end: '14:00' }, mx)?.toISOString()).toBe('2026-11-25T20:00:00.000Z');
    expect(quietUntil(new Date('2026-11-25T19:00:00Z'), { start: '13:00', end: '13:00' }, mx)).toBeNull();
    expect(quietUntil(new Date('2026-11-25T19:00:00Z'), { start: '25:00', end: '08:00' }, mx)).toBeNull();
    expect(quietUntil(new Date(), null, mx)).toBeNull();
    expect(isValidClock('07:30')).toBe(true);
    expect(isValidClock('7:30')).toBe(false);
  });
});
