import type { Settings } from '../../../shared/contracts';
import { auditChanges, changedOnly, emptyRow, errorsByField, generalChanges, generalFormOf, generalPatch, parseDecimal, parseKeywords, ratesOf, rowsOf } from './logic';

const settings: Settings = {
  sandbox: true,
  defaultCountry: 'MX',
  transactionalConsent: 'implicit',
  optOutKeywords: ['STOP', 'BAJA'],
  optInKeywords: ['START'],
  failureRateThreshold: 0.07,
  defaultTimeZone: 'America/Mexico_City',
  quietHoursStart: '21:00',
  quietHoursEnd: null,
  quietHoursTransactional: false,
  businessName: 'Taller',
  businessAddress: null,
  businessTaxId: null,
  businessLogo: 3,
  currency: 'MXN',
  taxRate: null,
  alertEmail: null,
  alertQueueAgeMinutes: 15,
  alertWebhookSilenceMinutes: 60,
  priceTable: null,
  retention: { messageBodyDays: 0, webhookEventDays: 30 },
};

describe('general settings form', () => {
  it('round-trips the settings, the threshold shown as a percent', () => {
    const form = generalFormOf(settings);
    expect(form.failureRatePercent).toBe('7');
    const patch = generalPatch(form);
    expect(patch).toMatchObject({ failureRateThreshold: 0.07, quietHoursStart: '21:00', quietHoursEnd: null, businessLogo: 3, taxRate: null, optOutKeywords: ['STOP', 'BAJA'] });
    expect(changedOnly(patch, generalPatch(form))).toEqual({});
  });

  it('sends only what changed, normalised', () => {
    const form = { ...generalFormOf(settings), defaultCountry: ' co ', optOutKeywords: 'stop, baja\nSTOP\n\nalto', taxRate: '16,5' };
    expect(changedOnly(generalPatch(form), generalPatch(generalFormOf(settings)))).toEqual({ defaultCountry: 'CO', optOutKeywords: ['STOP', 'BAJA', 'ALTO'], taxRate: 16.5 });
  });

  it('sends what is not a number as typed, for the server to name', () => {
    const patch = generalPatch({ ...generalFormOf(settings), failureRatePercent: 'diez', taxRate: '1e3', businessLogo: 'logo.png' });
    expect(patch).toMatchObject({ failureRateThreshold: 'diez', taxRate: '1e3', businessLogo: 'logo.png' });
  });

  it('sends the alert settings: an empty address as null, minutes as numbers, anything else as typed', () => {
    const form = generalFormOf(settings);
    expect(form).toMatchObject({ alertEmail: '', alertQueueAgeMinutes: '15', alertWebhookSilenceMinutes: '60' });
    const patch = generalPatch({ ...form, alertEmail: ' ops@taller.mx ', alertQueueAgeMinutes: ' 30 ', alertWebhookSilenceMinutes: 'una hora' });
    expect(patch).toMatchObject({ alertEmail: 'ops@taller.mx', alertQueueAgeMinutes: 30, alertWebhookSilenceMinutes: 'una hora' });
    expect(generalPatch(form).alertEmail).toBeNull();
  });

  it('reads decimals with a comma or a point', () => {
    expect([parseDecimal(''), parseDecimal('0,5'), parseDecimal('12.25'), parseDecimal('-1')]).toEqual([null, 0.5, 12.25, -1]);
    expect(parseDecimal('1.2.3')).toBeNaN();
    expect(parseKeywords(' , ')).toEqual([]);
  });
});

describe('retention settings', () => {
  it('shows the periods as days and sends only the one that changed', () => {
    const form = generalFormOf(settings);
    expect([form.retentionMessageBodyDays, form.retentionWebhookEventDays]).toEqual(['0', '30']);
    expect(generalChanges(form, settings)).toEqual({});
    expect(generalChanges({ ...form, retentionMessageBodyDays: ' 90 ' }, settings)).toEqual({ retention: { messageBodyDays: 90 } });
    expect(generalChanges({ ...form, retentionWebhookEventDays: '', businessName: 'Taller Ruiz' }, settings)).toEqual({ businessName: 'Taller Ruiz', retention: { webhookEventDays: 0 } });
  });

  it('sends what is not a whole number as typed, for the server to name', () => {
    expect(generalChanges({ ...generalFormOf(settings), retentionMessageBodyDays: '1,5' }, settings)).toEqual({ retention: { messageBodyDays: '1,5' } });
  });

  it('reads the server’s errors by field and by nested path', () => {
    expect(errorsByField([{ path: ['retention', 'webhookEventDays'], message: 'at least 7' }, { path: ['taxRate'], message: 'max 100' }, { message: 'no path' }])).toEqual({
      retention: 'at least 7',
      'retention.webhookEventDays': 'at least 7',
      taxRate: 'max 100',
    });
  });

  it('audits a retention change as its own line, without the period that did not move', () => {
    expect(auditChanges({ before: { retention: { messageBodyDays: 0, webhookEventDays: 30 } }, after: { retention: { messageBodyDays: 90, webhookEventDays: 30 } } })).toEqual([
      { field: 'retention.messageBodyDays', before: '0', after: '90' },
    ]);
  });
});

describe('price table rows', () => {
  it('lists countries alphabetically with other last, and reads them back', () => {
    const rows = rowsOf({ rates: { other: { marketing: 0.05, utility: 0.01, authentication: 0.01 }, MX: { marketing: 0.0253, utility: 0.0071, authentication: 0.0071 }, CO: { marketing: 0.01, utility: 0, authentication: 0 } } });
    expect(rows.map((r) => r.country)).toEqual(['CO', 'MX', 'other']);
    expect(new Set(rows.map((r) => r.key)).size).toBe(3);
    expect(ratesOf(rows)).toEqual({
      rates: { CO: { marketing: 0.01, utility: 0, authentication: 0 }, MX: { marketing: 0.0253, utility: 0.0071, authentication: 0.0071 }, other: { marketing: 0.05, utility: 0.01, authentication: 0.01 } },
      problems: [],
    });
  });

  it('names empty and repeated countries and rates that are not numbers', () => {
    const blank = emptyRow();
    const rows = [
      { ...emptyRow(), country: 'mx', rates: { marketing: '0,02', utility: 'x', authentication: '' } },
      { ...emptyRow(), country: 'MX', rates: { marketing: '1', utility: '1', authentication: '1' } },
      blank,
    ];
    expect(ratesOf(rows).problems).toEqual([
      { path: 'rates.MX.utility', rule: 'number' },
      { path: 'rates.MX.authentication', rule: 'number' },
      { path: 'rates.MX', rule: 'duplicate' },
      { path: `rows.${blank.key}.country`, rule: 'country' },
    ]);
    expect(ratesOf(rows).rates.MX.marketing).toBe(0.02);
  });
});

describe('audit entries', () => {
  it('lists each changed setting from → to', () => {
    expect(auditChanges({ before: { sandbox: true, optOutKeywords: ['STOP'] }, after: { sandbox: false, optOutKeywords: ['STOP', 'BAJA'] } })).toEqual([
      { field: 'sandbox', before: 'true', after: 'false' },
      { field: 'optOutKeywords', before: 'STOP', after: 'STOP, BAJA' },
    ]);
    expect(auditChanges({ before: null, after: { priceTable: { currency: 'USD' }, taxRate: null } })).toEqual([
      { field: 'priceTable', before: '—', after: '{…}' },
      { field: 'taxRate', before: '—', after: '—' },
    ]);
  });
});
