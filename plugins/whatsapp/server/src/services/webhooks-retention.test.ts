import { retentionDays } from './webhooks';

describe('retentionDays (WHATSAPP_WEBHOOK_RETENTION_DAYS)', () => {
  it('defaults to 30 days when unset or empty', () => {
    expect(retentionDays(undefined)).toEqual({ days: 30 });
    expect(retentionDays(' ')).toEqual({ days: 30 });
  });
  it('takes whole days; 0 keeps events forever', () => {
    expect(retentionDays('90')).toEqual({ days: 90 });
    expect(retentionDays('0')).toEqual({ days: 0 });
  });
  it('raises fewer than 7 days to 7, saying why', () => {
    expect(retentionDays('3')).toEqual({ days: 7, warning: expect.stringMatching(/providers still repeat; using 7/) });
  });
  it('refuses what is not a whole number of days, naming the variable', () => {
    for (const bad of ['abc', '-1', '2.5']) {
      expect(retentionDays(bad)).toEqual({ days: 30, warning: expect.stringMatching(/^WHATSAPP_WEBHOOK_RETENTION_DAYS must be a whole number/) });
    }
  });
});
