/**
 * Sender health (Step 11, provider depth): POST /whatsapp/senders/:id/check asks the sender's
 * provider for its credentials, the number's quality rating and its messaging limit tier (Meta's
 * phone number object, Twilio's Senders API), stores what it said on the sender row and answers
 * 200 whatever the provider said. Meta's `phone_number_quality_update` and `account_update`
 * webhooks (the documented payloads, signed) update the sender and raise or clear staff alerts.
 * The fakes speak the providers' wire formats, their 401 bodies included.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt } from './helpers/auth';
import { UID } from './helpers/whatsapp';
import { INBOX_UID, postMeta, settleWebhooks, META_BUSINESS } from './helpers/webhooks';
import { startFakes, TEST_CREDENTIALS, twilioSenderRecord, type Fakes } from './fakes';

const ALERT_UID = 'plugin::whatsapp.alert';

describe('sender health', () => {
  let app: TestApp;
  let fakes: Fakes;
  let admin: string;
  let editor: string;
  const ids: Record<'meta' | 'twilio' | 'sandbox', number> = { meta: 0, twilio: 0, sandbox: 0 };

  const api = (method: 'get' | 'post', path: string, auth = admin) => app.http()[method](path).set('Authorization', auth);
  const check = (provider: keyof typeof ids) => api('post', `/whatsapp/senders/${ids[provider]}/check`).expect(200);
  const row = (provider: keyof typeof ids) => app.strapi.db.query(UID.sender as any).findOne({ where: { id: ids[provider] } });
  const config = (path: string, value: unknown) => app.strapi.config.set(`plugin::whatsapp.${path}`, value);
  const alerts = async () => (await api('get', '/whatsapp/health').expect(200)).body.data.alerts as Array<{ kind: string; detail?: string }>;
  const alertOf = async (kind: string) => (await alerts()).find((a) => a.kind === kind);

  /** A signed Meta webhook with one WhatsApp Business Account change, as Meta's webhooks reference shows it. */
  let time = 1739321024;
  const wabaChange = (field: string, value: Record<string, unknown>) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: META_BUSINESS.wabaId, time: (time += 1), changes: [{ value, field }] }],
  });
  const deliver = async (payload: unknown) => {
    await postMeta(app, payload).expect(200);
    await settleWebhooks(app.strapi);
  };
  const eventRows = (kind: string) => app.strapi.db.query(INBOX_UID.webhookEvent as any).findMany({ where: { kind }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, WHATSAPP_SANDBOX: 'true' } });
    admin = await createAdminJwt(app);
    editor = await createAdminJwt(app, 'strapi-editor');
    const senders = await app.strapi.db.query(UID.sender as any).findMany({});
    for (const provider of ['meta', 'twilio', 'sandbox'] as const) ids[provider] = senders.find((s: any) => s.provider === provider).id;
  });
  afterEach(() => fakes.reset());
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  describe('POST /whatsapp/senders/:id/check', () => {
    it('Meta: reads the phone number with the documented fields and stores quality and tier as Meta words them', async () => {
      const res = await check('meta');
      expect(res.body.data).toMatchObject({
        id: ids.meta,
        provider: 'meta',
        qualityRating: 'GREEN',
        messagingTier: 'TIER_1K',
        checkStatus: 'ok',
        checkError: null,
        checkedAt: expect.any(String),
        check: { status: 'ok', ok: true, qualityRating: 'GREEN', messagingTier: 'TIER_1K', providerStatus: 'CONNECTED', detail: expect.stringMatching(/^Meta answered/) },
      });
      const [request] = fakes.meta.requests;
      expect(request.path).toBe(`/${TEST_CREDENTIALS.metaGraphVersion}/${TEST_CREDENTIALS.metaPhoneNumberId}`);
      expect(request.headers.authorization).toBe(`Bearer ${TEST_CREDENTIALS.metaAccessToken}`);
      expect(fakes.meta.sent).toHaveLength(0);
      expect(await row('meta')).toMatchObject({ qualityRating: 'GREEN', messagingTier: 'TIER_1K', checkStatus: 'ok', checkError: null });
      // The list shows what was stored.
      const listed = (await api('get', '/whatsapp/senders').expect(200)).body.data.find((s: any) => s.id === ids.meta);
      expect(listed).toMatchObject({ qualityRating: 'GREEN', messagingTier: 'TIER_1K', checkStatus: 'ok' });
    });

    it('Meta: a value we do not know is kept; a RED rating raises the quality alert and a better one clears it', async () => {
      fakes.meta.setPhoneNumber({ quality_rating: 'RED', messaging_limit_tier: 'TIER_NEW_SOMETHING' });
      expect((await check('meta')).body.data).toMatchObject({ qualityRating: 'RED', messagingTier: 'TIER_NEW_SOMETHING', checkStatus: 'ok' });
      expect(await alertOf('sender-quality')).toMatchObject({ detail: expect.stringContaining('is rated RED') });

      fakes.meta.setPhoneNumber({ quality_rating: 'YELLOW', messaging_limit_tier: 'TIER_250' });
      expect((await check('meta')).body.data).toMatchObject({ qualityRating: 'YELLOW', messagingTier: 'TIER_250' });
      expect(await alertOf('sender-quality')).toBeUndefined();
    });

    it('Meta: refused credentials (401, code 190) → credentials-refused with Meta’s words and no secret; the last rating stays', async () => {
      config('meta.accessToken', 'wrong-token-123456');
      try {
        const res = await check('meta');
        expect(res.body.data.check).toMatchObject({ status: 'credentials-refused', ok: false, detail: expect.stringMatching(/HTTP 401: Invalid OAuth access token/) });
        expect(JSON.stringify(res.body)).not.toContain('wrong-token-123456');
        expect(await row('meta')).toMatchObject({ checkStatus: 'credentials-refused', checkError: expect.stringMatching(/Invalid OAuth access token/), qualityRating: 'YELLOW', messagingTier: 'TIER_250' });
      } finally {
        config('meta.accessToken', TEST_CREDENTIALS.metaAccessToken);
      }
    });

    it('Meta: a 5xx or an unknown phone number id → unreachable / not-found, still answered 200', async () => {
      fakes.meta.failPhoneNumberNext({ raw: { status: 503, body: '<html>Service Unavailable</html>', headers: { 'content-type': 'text/html' } } });
      expect((await check('meta')).body.data.check).toMatchObject({ status: 'unreachable', ok: false, detail: expect.stringMatching(/HTTP 503/) });

      fakes.meta.failPhoneNumberNext({
        status: 400,
        code: 100,
        subcode: 33,
        type: 'GraphMethodException',
        message: `Unsupported get request. Object with ID '${TEST_CREDENTIALS.metaPhoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      });
      expect((await check('meta')).body.data).toMatchObject({ checkStatus: 'not-found', check: { status: 'not-found', detail: expect.stringMatching(/META_PHONE_NUMBER_ID/) } });
    });

    it('Twilio: finds our sender in the Senders API (across pages, on the configured base) and keeps its words', async () => {
      fakes.twilio.setSenders([twilioSenderRecord('+15005550001'), twilioSenderRecord(TEST_CREDENTIALS.twilioWhatsAppFrom, { qualityRating: 'MEDIUM', messagingLimit: '1K Customers/24hr' })], { pageSize: 1 });
      const res = await check('twilio');
      expect(res.body.data).toMatchObject({ provider: 'twilio', qualityRating: 'MEDIUM', messagingTier: '1K Customers/24hr', checkStatus: 'ok', check: { providerStatus: 'ONLINE' } });
      expect(fakes.twilio.requests.map((r) => r.path)).toEqual(['/v2/Channels/Senders', '/v2/Channels/Senders']);
      expect(fakes.twilio.requests[0].auth).toEqual({ user: TEST_CREDENTIALS.twilioAccountSid, pass: TEST_CREDENTIALS.twilioAuthToken });
      expect(fakes.twilio.sent).toHaveLength(0);
    });

    it('Twilio: 401 (20003 Authenticate) → credentials-refused; 500 → unreachable; a number it does not list → not-found', async () => {
      config('twilio.authToken', 'wrong-twilio-token');
      try {
        const refused = await check('twilio');
        expect(refused.body.data.check).toMatchObject({ status: 'credentials-refused', detail: expect.stringMatching(/HTTP 401, error 20003: Authenticate/) });
        expect(JSON.stringify(refused.body)).not.toContain('wrong-twilio-token');
      } finally {
        config('twilio.authToken', TEST_CREDENTIALS.twilioAuthToken);
      }
      fakes.twilio.failNext({ status: 500, code: 20500, message: 'Internal Server Error' });
      expect((await check('twilio')).body.data.check).toMatchObject({ status: 'unreachable' });

      fakes.twilio.setSenders([twilioSenderRecord('+15005550001')]);
      expect((await check('twilio')).body.data).toMatchObject({ checkStatus: 'not-found', checkError: expect.stringMatching(/TWILIO_WHATSAPP_FROM/), qualityRating: 'MEDIUM' });
    });

    it('the sandbox answers a healthy fixed result and asks nobody', async () => {
      expect((await check('sandbox')).body.data).toMatchObject({ provider: 'sandbox', qualityRating: 'GREEN', messagingTier: 'TIER_UNLIMITED', checkStatus: 'ok' });
      expect(fakes.meta.requests).toHaveLength(0);
      expect(fakes.twilio.requests).toHaveLength(0);
    });

    it('400 for an id that is not a number (naming the field), 404 for an unknown sender, 403 without settings permissions; nothing written', async () => {
      const before = await row('sandbox');
      const bad = await api('post', '/whatsapp/senders/abc/check').expect(400);
      expect(bad.body.error.details.errors[0]).toMatchObject({ path: ['id'], rule: 'integer' });
      await api('post', '/whatsapp/senders/999999/check').expect(404);
      await api('post', '/whatsapp/senders/99999999999999/check').expect(404);
      await api('post', `/whatsapp/senders/${ids.sandbox}/check`, editor).expect(403);
      expect(await row('sandbox')).toEqual(before);
    });
  });

  describe('Meta webhooks about the number and the account', () => {
    const number = META_BUSINESS.display; // 15550001111: the Meta sender's number (META_WHATSAPP_NUMBER) in digits

    it('phone_number_quality_update FLAGGED marks the number RED with its limit and alerts; UNFLAGGED clears it', async () => {
      await deliver(wabaChange('phone_number_quality_update', { display_phone_number: number, event: 'FLAGGED', current_limit: 'TIER_10K', max_daily_conversations_per_business: 'TIER_10K' }));
      expect(await row('meta')).toMatchObject({ qualityRating: 'RED', messagingTier: 'TIER_10K' });
      expect(await alertOf('sender-quality')).toMatchObject({ detail: expect.stringContaining('FLAGGED') });

      await deliver(wabaChange('phone_number_quality_update', { display_phone_number: number, event: 'UNFLAGGED', current_limit: 'TIER_10K' }));
      expect(await row('meta')).toMatchObject({ qualityRating: null, messagingTier: 'TIER_10K' });
      expect(await alertOf('sender-quality')).toBeUndefined();
      expect((await eventRows('number-quality')).map((e: any) => e.outcome)).toEqual(['applied', 'applied']);
    });

    it('a DOWNGRADE stores the lower limit and alerts; an unknown number is unmatched; an unknown event is kept and flagged', async () => {
      await deliver(wabaChange('phone_number_quality_update', { display_phone_number: number, event: 'DOWNGRADE', old_limit: 'TIER_10K', current_limit: 'TIER_1K' }));
      expect(await row('meta')).toMatchObject({ messagingTier: 'TIER_1K' });
      expect(await alertOf('sender-quality')).toMatchObject({ detail: expect.stringMatching(/DOWNGRADE from TIER_10K to TIER_1K/) });

      await deliver(wabaChange('phone_number_quality_update', { display_phone_number: '15550783881', event: 'UPGRADE', current_limit: 'TIER_100K' }));
      await deliver(wabaChange('phone_number_quality_update', { display_phone_number: number, event: 'SOMETHING_NEW', max_daily_conversation_per_phone: 'TIER_2K' }));
      const events = await eventRows('number-quality');
      expect(events.slice(-2).map((e: any) => [e.outcome, e.error])).toEqual([
        ['unmatched', 'No Meta sender has the number 15550783881'],
        ['recorded', 'Unknown phone_number_quality_update event SOMETHING_NEW: kept, limit TIER_2K stored'],
      ]);
      expect(await row('meta')).toMatchObject({ messagingTier: 'TIER_2K' });
      await app.strapi.db.query(ALERT_UID as any).updateMany({ where: { kind: 'sender-quality' }, data: { active: false } });
    });

    it('account_update: a restriction or a ban alerts with Meta’s words, a reinstatement clears it; others are kept, unknown ones flagged', async () => {
      const restriction = wabaChange('account_update', {
        event: 'ACCOUNT_RESTRICTION',
        restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: '2026-04-19T13:59:20+0000' }],
      });
      await deliver(restriction);
      await deliver(restriction); // Meta repeats a delivery: stored once
      expect(await alertOf('account-restricted')).toMatchObject({ detail: 'ACCOUNT_RESTRICTION: RESTRICTED_BIZ_INITIATED_MESSAGING until 2026-04-19T13:59:20+0000' });

      await deliver(wabaChange('account_update', { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE', waba_ban_date: 'October 9, 2023' } }));
      expect(await alertOf('account-restricted')).toMatchObject({ detail: 'DISABLED_UPDATE: ban state DISABLE (October 9, 2023)' });

      await deliver(wabaChange('account_update', { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'REINSTATE', waba_ban_date: 'October 10, 2023' } }));
      expect(await alertOf('account-restricted')).toBeUndefined();

      await deliver(wabaChange('account_update', { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'SCAM' } }));
      expect(await alertOf('account-restricted')).toMatchObject({ detail: 'ACCOUNT_VIOLATION: violation SCAM' });

      await deliver(wabaChange('account_update', { event: 'BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE', country: 'MX' }));
      await deliver(wabaChange('account_update', { event: 'A_NEW_KIND_OF_EVENT', something: { nested: true } }));
      const rows = await eventRows('account-update');
      expect(rows.map((e: any) => [e.outcome, e.error ?? null])).toEqual([
        ['applied', null],
        ['applied', null],
        ['applied', null],
        ['applied', null],
        ['recorded', null],
        ['recorded', 'Unknown account_update event A_NEW_KIND_OF_EVENT: kept for review'],
      ]);
      const stored = typeof rows[5].payload === 'string' ? JSON.parse(rows[5].payload) : rows[5].payload;
      expect(stored.value).toEqual({ event: 'A_NEW_KIND_OF_EVENT', something: { nested: true } });
    });
  });
});
