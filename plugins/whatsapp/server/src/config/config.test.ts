import { env } from '@strapi/utils';
import config, { configProblems, fromEnv } from './index';

/** Runs `fn` with these variables set (and the rest of the environment as it is). */
const withEnv = <T>(vars: Record<string, string | undefined>, fn: () => T): T => {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  try {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
};

describe('the plugin configuration', () => {
  it('reads every setting once, with the documented defaults', () => {
    const c = withEnv({ WHATSAPP_BATCH_SIZE: undefined, WHATSAPP_RETRY_DELAYS: undefined, WHATSAPP_IN_DOUBT: undefined, META_GRAPH_VERSION: undefined, PUBLIC_URL: undefined }, () => fromEnv(env));
    expect(c.dispatcher).toMatchObject({ batchSize: 200, retryDelays: [60, 300, 1800], inDoubt: 'hold' });
    expect(c.meta.graphVersion).toBe('v21.0');
    expect(c.publicUrl).toBeNull();
    expect(c.sandboxFailure).toBeNull();
    expect(configProblems(c)).toEqual([]);
  });

  it('reads the template sync settings: every 30 minutes, Twilio\'s Content API, the WhatsApp Business Account', () => {
    const unset = { WHATSAPP_TEMPLATE_SYNC_MINUTES: undefined, TWILIO_CONTENT_BASE_URL: undefined, META_WABA_ID: undefined };
    const c = withEnv(unset, () => fromEnv(env));
    expect(c.templateSyncMinutes).toBe(30);
    expect(c.twilio.contentBaseUrl).toBe('https://content.twilio.com');
    expect(c.meta.wabaId).toBeNull();
    const bad = withEnv({ WHATSAPP_TEMPLATE_SYNC_MINUTES: '-5', TWILIO_CONTENT_BASE_URL: 'content.twilio.com', META_WABA_ID: 'my-waba' }, () => fromEnv(env));
    expect(configProblems(bad)).toEqual([
      expect.stringMatching(/^WHATSAPP_TEMPLATE_SYNC_MINUTES must be a whole number of minutes from 0 to 10080/),
      expect.stringMatching(/^TWILIO_CONTENT_BASE_URL must be an http\(s\) URL/),
      expect.stringMatching(/^META_WABA_ID must be the numeric id of a WhatsApp Business Account/),
    ]);
    expect(withEnv({ ...unset, WHATSAPP_TEMPLATE_SYNC_MINUTES: '0', META_WABA_ID: '102290129340398' }, () => configProblems(fromEnv(env)))).toEqual([]);
  });

  it('reads how live events travel between instances: LISTEN by default, a direct URL, a declared pooler', () => {
    const unset = { DATABASE_DIRECT_URL: undefined, DATABASE_POOLER: undefined, WHATSAPP_LIVE_POLL_MS: undefined };
    expect(withEnv(unset, () => fromEnv(env)).live).toEqual({ directUrl: null, pooler: 'none', pollMs: 500 });
    const set = withEnv({ DATABASE_DIRECT_URL: 'postgres://u:p@db.example.com:5432/app', DATABASE_POOLER: 'Transaction', WHATSAPP_LIVE_POLL_MS: '250' }, () => fromEnv(env));
    expect(set.live).toEqual({ directUrl: 'postgres://u:p@db.example.com:5432/app', pooler: 'transaction', pollMs: 250 });
    expect(configProblems(set)).toEqual([]);
    const bad = withEnv({ DATABASE_DIRECT_URL: 'db.example.com:5432', DATABASE_POOLER: 'statement', WHATSAPP_LIVE_POLL_MS: '10' }, () => fromEnv(env));
    expect(configProblems(bad)).toEqual([
      expect.stringMatching(/^DATABASE_DIRECT_URL must be a postgres:\/\/ or postgresql:\/\/ URL/),
      expect.stringMatching(/^DATABASE_POOLER must be "none" or "transaction"/),
      expect.stringMatching(/^WHATSAPP_LIVE_POLL_MS must be a whole number of milliseconds from 50 to 60000/),
    ]);
  });

  it('refuses at boot a bad value, naming the variable and the rule', () => {
    const bad = withEnv(
      { WHATSAPP_BATCH_SIZE: 'abc', WHATSAPP_LEASE_SECONDS: '0', WHATSAPP_IN_DOUBT: 'maybe', WHATSAPP_DEFAULT_TIME_ZONE: 'Mars/Base', PUBLIC_URL: 'example.com', WHATSAPP_RETRY_DELAYS: '60,soon', WHATSAPP_DEFAULT_COUNTRY: 'XX' },
      () => fromEnv(env)
    );
    const problems = configProblems(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^WHATSAPP_BATCH_SIZE must be a whole number from 1 to 5000/),
        expect.stringMatching(/^WHATSAPP_LEASE_SECONDS must be a whole number of seconds ≥ 1/),
        expect.stringMatching(/^WHATSAPP_IN_DOUBT must be "hold" or "resend"/),
        expect.stringMatching(/^WHATSAPP_DEFAULT_TIME_ZONE must be an IANA time zone/),
        expect.stringMatching(/^PUBLIC_URL must be an http\(s\) URL/),
        expect.stringMatching(/^WHATSAPP_RETRY_DELAYS must be comma-separated whole seconds/),
        expect.stringMatching(/^WHATSAPP_DEFAULT_COUNTRY must be a two-letter ISO country code libphonenumber knows/),
      ])
    );
    expect(problems).toHaveLength(7);
    expect(() => config.validator(bad)).toThrow(/^Invalid WhatsApp plugin configuration:\n {2}- [\s\S]*WHATSAPP_BATCH_SIZE must be a whole number from 1 to 5000 \(got "not a number"/);
  });
});
