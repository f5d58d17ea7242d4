import { retentionDays } from './webhooks';
import { configProblems, fromEnv } from '../config';
import { env } from '@strapi/utils';

describe('retentionDays (WHATSAPP_WEBHOOK_RETENTION_DAYS)', () => {
  it('takes whole days; 0 keeps events forever', () => {
    expect(retentionDays(90)).toEqual({ days: 90 });
    expect(retentionDays(0)).toEqual({ days: 0 });
  });
  it('raises fewer than 7 days to 7, saying why', () => {
    expect(retentionDays(3)).toEqual({ days: 7, warning: expect.stringMatching(/providers still repeat; using 7/) });
  });
  it('defaults to 30 days; refuses at boot what is not a whole number of days, naming the variable', () => {
    const saved = process.env.WHATSAPP_WEBHOOK_RETENTION_DAYS;
    try {
      delete process.env.WHATSAPP_WEBHOOK_RETENTION_DAYS;
      expect(fromEnv(env).webhookRetentionDays).toBe(30);
      for (const bad of ['abc', '-1', '2.5']) {
        process.env.WHATSAPP_WEBHOOK_RETENTION_DAYS = bad;
        expect(configProblems(fromEnv(env))).toEqual([expect.stringMatching(/^WHATSAPP_WEBHOOK_RETENTION_DAYS must be a whole number of days/)]);
      }
    } finally {
      if (saved === undefined) delete process.env.WHATSAPP_WEBHOOK_RETENTION_DAYS;
      else process.env.WHATSAPP_WEBHOOK_RETENTION_DAYS = saved;
    }
  });
});
