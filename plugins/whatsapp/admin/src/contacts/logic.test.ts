import type { Consent } from '../../../shared/contracts';
import { consentBody, conversationOf, displayName, displayPhone, eraseBody, erasureConfirmed, exportFileName, listParams, pageRange, PAGE_SIZE, sortHistory } from './logic';

const entry = (id: number, at: string | null): Consent => ({ id, purpose: 'marketing', granted: true, method: 'admin', evidence: null, actor: null, at });

describe('contacts screen logic', () => {
  it('asks for the page with only the filters given', () => {
    expect(listParams({ page: 1, search: '', tag: '' })).toEqual({ page: 1, pageSize: PAGE_SIZE });
    expect(listParams({ page: 3, search: '  José ', tag: ' cliente ' })).toEqual({ page: 3, pageSize: PAGE_SIZE, search: 'José', tag: 'cliente' });
    expect(listParams({ page: 0, search: ' ', tag: '' })).toEqual({ page: 1, pageSize: PAGE_SIZE });
  });

  it('names and numbers', () => {
    expect(displayName({ name: 'Ana', profileName: 'ana_wa', username: null })).toBe('Ana');
    expect(displayName({ name: ' ', profileName: 'ana_wa', username: null })).toBe('ana_wa');
    expect(displayName({ name: null, profileName: null, username: null })).toBeNull();
    expect(displayPhone({ phone: null, providerUserId: 'US.1' })).toBe('US.1');
    expect(displayPhone({ phone: '+525512345678', providerUserId: 'US.1' })).toBe('+525512345678');
  });

  it('consent needs evidence, recorded by the admin for marketing', () => {
    expect(consentBody(true, '  ')).toBeNull();
    expect(consentBody(true, 'x'.repeat(2001))).toBeNull();
    expect(consentBody(false, ' Pidió la baja por teléfono ')).toEqual({ purpose: 'marketing', granted: false, method: 'admin', evidence: 'Pidió la baja por teléfono' });
  });

  it('ledger most recent first', () => {
    const sorted = sortHistory([entry(1, '2026-01-01T00:00:00Z'), entry(2, null), entry(3, '2026-02-01T00:00:00Z'), entry(4, '2026-02-01T00:00:00Z')]);
    expect(sorted.map((e) => e.id)).toEqual([4, 3, 1, 2]);
  });

  it('page range', () => {
    expect(pageRange({ page: 2, pageSize: 25, total: 60 })).toEqual({ from: 26, to: 50 });
    expect(pageRange({ page: 3, pageSize: 25, total: 60 })).toEqual({ from: 51, to: 60 });
    expect(pageRange({ page: 1, pageSize: 25, total: 0 })).toEqual({ from: 0, to: 0 });
  });

  it('finds the contact conversation', () => {
    expect(conversationOf([{ id: 7, contactId: 2 }, { id: 8, contactId: 3 }], 3)).toEqual({ id: 8, contactId: 3 });
    expect(conversationOf([{ id: 7, contactId: 2 }], 5)).toBeNull();
  });

  it('names the data export without the person in it', () => {
    expect(exportFileName(12, new Date('2026-05-04T23:30:00Z'))).toBe('contacto-12-2026-05-04.json');
  });

  it('enables the erasure only once the number (or the id) is typed', () => {
    const contact = { id: 12, phone: '+525512345678', providerUserId: null };
    for (const typed of ['+525512345678', '55 1234 5678', '+52 55-1234-5678', '(55) 1234 5678', ' 12 ']) expect({ typed, ok: erasureConfirmed(contact, typed) }).toEqual({ typed, ok: true });
    for (const typed of ['', '5678', '1234 5678', '55 1234 5679', 'Ana', '13']) expect({ typed, ok: erasureConfirmed(contact, typed) }).toEqual({ typed, ok: false });
    const byUserId = { id: 7, phone: null, providerUserId: 'MX.123456789' };
    expect(erasureConfirmed(byUserId, 'MX.123456789')).toBe(true);
    expect(erasureConfirmed(byUserId, '123456789')).toBe(false);
    expect(eraseBody(' 55 1234 5678 ')).toEqual({ data: { confirm: '55 1234 5678' } });
  });
});
