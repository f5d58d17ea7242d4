/**
 * Step 4, provider webhooks: signatures (Meta over the raw bytes, Twilio over PUBLIC_URL with the
 * twilio package), store-first with one row per event, repeats applied once, statuses that only
 * move forward, in-doubt sends settled by our id, multi-entry Meta payloads, the startup sweep.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createApiToken } from './helpers/auth';
import { isPostgres } from './helpers/database';
import { count, messageRow, UID, waitForStatus } from './helpers/whatsapp';
import { startFakes, TEST_CREDENTIALS, type Fakes } from './fakes';
import { metaJson, signMeta, signTwilio } from './fakes/sign';
import {
  INBOX_UID,
  metaPayload,
  metaStatus,
  metaText,
  postMeta,
  postTwilio,
  settleWebhooks,
  twilioInbound,
  twilioSid,
  twilioStatus,
  unix,
  wamid,
} from './helpers/webhooks';

const PUBLIC_URL = 'https://crm.example.com';
const env = {
  PUBLIC_URL,
  WHATSAPP_SANDBOX: 'true',
  TWILIO_ACCOUNT_SID: TEST_CREDENTIALS.twilioAccountSid,
  TWILIO_AUTH_TOKEN: TEST_CREDENTIALS.twilioAuthToken,
  TWILIO_WHATSAPP_FROM: TEST_CREDENTIALS.twilioWhatsAppFrom,
  META_ACCESS_TOKEN: TEST_CREDENTIALS.metaAccessToken,
  META_PHONE_NUMBER_ID: TEST_CREDENTIALS.metaPhoneNumberId,
  META_WHATSAPP_NUMBER: TEST_CREDENTIALS.metaWhatsAppNumber,
};

describe('provider webhooks', () => {
  let app: TestApp;
  let contactId: number;
  let metaSenderId: number;
  let twilioSenderId: number;

  const events = () => count(app.strapi, INBOX_UID.webhookEvent);
  const eventRows = (where: Record<string, unknown> = {}) => app.strapi.db.query(INBOX_UID.webhookEvent as any).findMany({ where, orderBy: { id: 'asc' } });
  const stored = async () => ({ events: await events(), messages: await count(app.strapi, UID.message), contacts: await count(app.strapi, UID.contact) });

  /** One of our messages as the dispatcher leaves it (a fixture row, so no provider is needed). */
  const outbound = async (data: Record<string, unknown>) => {
    const now = new Date();
    return app.strapi.db.query(UID.message as any).create({
      data: {
        direction: 'out',
        contactId,
        to: '+525512345678',
        from: '+15550001111',
        senderId: metaSenderId,
        body: 'Hola María, su vehículo está listo.',
        category: 'utility',
        channel: 'whatsapp',
        attempts: 1,
        dueAt: now,
        queuedAt: now,
        createdAt: now,
        updatedAt: now,
        ...data,
      },
    });
  };

  beforeAll(async () => {
    app = await startStrapi({ env });
    const contact = await app.strapi.db.query(UID.contact as any).create({ data: { phone: '+525512345678', name: 'María', marketingConsent: true, source: 'manual' } });
    contactId = contact.id;
    const senders = await app.strapi.db.query(UID.sender as any).findMany({});
    metaSenderId = senders.find((s: any) => s.provider === 'meta').id;
    twilioSenderId = senders.find((s: any) => s.provider === 'twilio').id;
  });
  afterAll(async () => {
    await app?.stop();
  });
  afterEach(async () => {
    await settleWebhooks(app.strapi);
  });

  describe('Meta verification handshake', () => {
    const verify = (query: string) => app.http().get(`/api/whatsapp/webhooks/meta?${query}`);

    it('echoes hub.challenge as text/plain when the verify token is ours', async () => {
      const res = await verify('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=test-verify-token').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toBe('1158201444');
    });

    it('refuses a wrong token or mode with 403', async () => {
      await verify('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess').expect(403);
      await verify('hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token=test-verify-token').expect(403);
      await verify('hub.challenge=1158201444').expect(403);
    });
  });

  describe('Meta signatures (X-Hub-Signature-256 over the raw body)', () => {
    // Meta escapes non-ASCII and slashes; the signature is over those exact bytes.
    const payload = metaPayload(metaText('5215512345678', 'María José', '¿Está listo mi coche? Vi https://taller.example.com/ot/1001'));
    const raw = metaJson(payload);

    it('the raw body really has Meta\'s escapes', () => {
      expect(raw).toContain('\\u00bf');
      expect(raw).toContain('\\u00e1');
      expect(raw).toContain('https:\\/\\/taller.example.com\\/ot\\/1001');
      expect(raw).not.toBe(JSON.stringify(payload));
    });

    it('refuses a missing signature (401), a wrong one and one over re-serialized JSON (403): nothing stored', async () => {
      const before = await stored();
      await postMeta(app, payload, { raw, signature: null }).expect(401);
      await postMeta(app, payload, { raw, signature: `sha256=${'0'.repeat(64)}` }).expect(403);
      await postMeta(app, payload, { raw, signature: 'sha256=not-hex' }).expect(403);
      await postMeta(app, payload, { raw, secret: 'someone-elses-secret' }).expect(403);
      // Signed over JSON.stringify(parsed) while the bytes sent are Meta's: refused.
      await postMeta(app, payload, { raw, signature: signMeta(process.env.META_APP_SECRET!, JSON.stringify(payload)) }).expect(403);
      await settleWebhooks(app.strapi);
      expect(await stored()).toEqual(before);
    });

    it('accepts the payload signed over its raw bytes, \\u00e1 and \\/ escapes included, and stores the decoded text', async () => {
      const res = await postMeta(app, payload, { raw }).expect(200);
      expect(res.body.data).toEqual({ received: 1, stored: 1 });
      await settleWebhooks(app.strapi);
      const id = (payload.entry[0].changes[0].value.messages as any)[0].id;
      const message = await app.strapi.db.query(UID.message as any).findOne({ where: { providerMessageId: id } });
      expect(message).toMatchObject({ direction: 'in', deliveryStatus: 'received', provider: 'meta', contactId, body: '¿Está listo mi coche? Vi https://taller.example.com/ot/1001' });
    });

    it('a valid signature on a body that does not read: 200, each unreadable part kept with its reason, the readable rest applied (tests/inbound-fidelity.test.ts)', async () => {
      const before = await stored();
      const unreadBefore = await count(app.strapi, INBOX_UID.webhookEvent, { kind: 'unreadable' });
      const goodId = wamid();
      const good = await outbound({ deliveryStatus: 'sent', provider: 'meta', providerMessageId: goodId, sentAt: new Date() });
      const bad = [
        { object: 'whatsapp_business_account', entry: 'nope' },
        { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { statuses: [{ status: 'delivered', timestamp: unix() }] } }] }] },
        // The first status is fine and applies; the second has no id and is kept unread.
        metaPayload({ statuses: [metaStatus(goodId, 'delivered'), { status: 'read', timestamp: unix() }] }),
        metaPayload({ messages: [{ from: '5215512345678', id: wamid(), timestamp: 'yesterday', type: 'text', text: { body: 'hola' } }] }),
      ];
      for (const body of bad) await postMeta(app, body).expect(200);
      // Not JSON at all: the body parser's 400, before any signature or parser.
      const notJson = '{"object":"whatsapp_business_account","entry":[';
      await postMeta(app, null, { raw: notJson }).expect(400);
      await settleWebhooks(app.strapi);
      const after = await stored();
      expect(after).toEqual({ ...before, events: before.events + 5, messages: before.messages + 1 });
      expect(await count(app.strapi, INBOX_UID.webhookEvent, { kind: 'unreadable', outcome: 'unreadable' })).toBe(unreadBefore + 4);
      expect((await messageRow(app.strapi, good.id)).deliveryStatus).toBe('delivered');
    });
  });

  describe('Twilio signatures (X-Twilio-Signature over PUBLIC_URL + path + params)', () => {
    const params = () => twilioInbound('+5215512345678', { Body: 'Hola, ¿a qué hora abren?' });

    it('refuses a missing (401) or wrong (403) signature, or one signed with another token: nothing stored', async () => {
      const before = await stored();
      await postTwilio(app, params(), { signature: null }).expect(401);
      await postTwilio(app, params(), { signature: 'c2lnbmF0dXJl' }).expect(403);
      await postTwilio(app, params(), { token: 'another-auth-token' }).expect(403);
      // A signature over other parameters than those posted.
      const posted = params();
      const signature = signTwilio(process.env.TWILIO_AUTH_TOKEN!, `${PUBLIC_URL}/api/whatsapp/webhooks/twilio`, { ...posted, Body: 'otra cosa' });
      await postTwilio(app, posted, { signature }).expect(403);
      await settleWebhooks(app.strapi);
      expect(await stored()).toEqual(before);
    });

    it('behind a proxy: the Host differs from PUBLIC_URL and the request is still valid; a signature over the Host URL is not', async () => {
      const proxied = { Host: 'strapi.internal:1337', 'X-Forwarded-Host': 'crm.example.com', 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '54.172.60.1' };
      const ok = await postTwilio(app, params(), { headers: proxied }).expect(200);
      expect(ok.headers['content-type']).toMatch(/xml/);
      expect(ok.text).toContain('<Response>');

      const before = await stored();
      await postTwilio(app, params(), { headers: proxied, signedUrl: 'http://strapi.internal:1337/api/whatsapp/webhooks/twilio' }).expect(403);
      await settleWebhooks(app.strapi);
      expect((await stored()).events).toBe(before.events);
    });

    it('a signed form without MessageSid is kept as unreadable, answered with TwiML (tests/inbound-fidelity.test.ts)', async () => {
      const before = await stored();
      const { MessageSid: _m, SmsMessageSid: _s, SmsSid: _t, ...rest } = params();
      await postTwilio(app, rest).expect(200);
      expect(await stored()).toEqual({ ...before, events: before.events + 1 });
    });
  });

  describe('statuses', () => {
    it('in order: sent → delivered → read, each time from the provider', async () => {
      const id = wamid();
      const sentAt = new Date(Date.now() - 60_000);
      const message = await outbound({ deliveryStatus: 'sent', provider: 'meta', providerMessageId: id, sentAt });
      const t1 = new Date(Date.now() - 50_000);
      const t2 = new Date(Date.now() - 40_000);
      const t3 = new Date(Date.now() - 30_000);
      await postMeta(app, metaPayload({ statuses: [metaStatus(id, 'sent', { at: t1, ourId: message.id })] })).expect(200);
      await postMeta(app, metaPayload({ statuses: [metaStatus(id, 'delivered', { at: t2, ourId: message.id })] })).expect(200);
      await settleWebhooks(app.strapi);
      expect(await messageRow(app.strapi, message.id)).toMatchObject({ deliveryStatus: 'delivered' });
      await postMeta(app, metaPayload({ statuses: [metaStatus(id, 'read', { at: t3, ourId: message.id })] })).expect(200);
      await settleWebhooks(app.strapi);
      const row = await messageRow(app.strapi, message.id);
      expect(row.deliveryStatus).toBe('read');
      // The dispatcher's send time is kept; delivered and read are the provider's (whole seconds).
      expect(new Date(row.sentAt).getTime()).toBe(sentAt.getTime());
      expect(new Date(row.deliveredAt).getTime()).toBe(Math.floor(t2.getTime() / 1000) * 1000);
      expect(new Date(row.readAt).getTime()).toBe(Math.floor(t3.getTime() / 1000) * 1000);
      const applied = await eventRows({ messageId: message.id });
      expect(applied.map((e: any) => [e.eventKey, e.outcome])).toEqual([
        [`${id}:sent`, 'applied'],
        [`${id}:delivered`, 'applied'],
        [`${id}:read`, 'applied'],
      ]);
    });

    it('out of order (read, delivered, sent in one payload): ends at read, each time filled once, lease untouched', async () => {
      const id = wamid();
      const leaseUntil = new Date(Date.now() + 60_000);
      const message = await outbound({ deliveryStatus: 'sending', provider: 'meta', providerMessageId: id, leaseOwner: 'worker-a', leaseUntil });
      const [t1, t2, t3] = [90, 80, 70].map((s) => new Date(Math.floor(Date.now() / 1000 - s) * 1000));
      await postMeta(
        app,
        metaPayload({ statuses: [metaStatus(id, 'read', { at: t3 }), metaStatus(id, 'delivered', { at: t2 }), metaStatus(id, 'sent', { at: t1 })] })
      ).expect(200);
      await settleWebhooks(app.strapi);
      const row = await messageRow(app.strapi, message.id);
      expect(row).toMatchObject({ deliveryStatus: 'read', leaseOwner: 'worker-a' });
      expect(new Date(row.leaseUntil).getTime()).toBe(leaseUntil.getTime());
      expect([row.sentAt, row.deliveredAt, row.readAt].map((d) => new Date(d).getTime())).toEqual([t1, t2, t3].map((d) => d.getTime()));
    });

    it('repeated deliveries are stored and applied once', async () => {
      const id = wamid();
      const message = await outbound({ deliveryStatus: 'sent', provider: 'meta', providerMessageId: id, sentAt: new Date() });
      const payload = metaPayload({ statuses: [metaStatus(id, 'delivered')] });
      const first = await postMeta(app, payload).expect(200);
      await settleWebhooks(app.strapi);
      const after = await messageRow(app.strapi, message.id);
      const again = await postMeta(app, payload).expect(200);
      const twice = await postMeta(app, payload).expect(200);
      await settleWebhooks(app.strapi);
      expect([first.body.data.stored, again.body.data.stored, twice.body.data.stored]).toEqual([1, 0, 0]);
      expect(await count(app.strapi, INBOX_UID.webhookEvent, { eventKey: `${id}:delivered` })).toBe(1);
      expect(await messageRow(app.strapi, message.id)).toEqual(after);
    });

    it('failed after sent is kept (with Meta\'s error); failed after delivered is ignored', async () => {
      const failedId = wamid();
      const sent = await outbound({ deliveryStatus: 'sent', provider: 'meta', providerMessageId: failedId, sentAt: new Date() });
      const deliveredId = wamid();
      const delivered = await outbound({ deliveryStatus: 'delivered', provider: 'meta', providerMessageId: deliveredId, sentAt: new Date(), deliveredAt: new Date() });
      const error = { code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Message Undeliverable.' } };
      await postMeta(app, metaPayload({ statuses: [metaStatus(failedId, 'failed', { errors: [error] }), metaStatus(deliveredId, 'failed', { errors: [error] })] })).expect(200);
      await settleWebhooks(app.strapi);
      const failedRow = await messageRow(app.strapi, sent.id);
      expect(failedRow).toMatchObject({ deliveryStatus: 'failed', errorCode: '131026', errorText: 'Message undeliverable: Message Undeliverable.' });
      expect(failedRow.failedAt).toBeTruthy();
      const kept = await messageRow(app.strapi, delivered.id);
      expect(kept).toMatchObject({ deliveryStatus: 'delivered', errorCode: null, failedAt: null });
    });

    it('settles an in-doubt send by our id: a "sending" row whose worker died takes the status and the wamid', async () => {
      const message = await outbound({ deliveryStatus: 'sending', provider: null, providerMessageId: null, leaseOwner: 'crashed-worker', leaseUntil: new Date(Date.now() + 30_000) });
      const id = wamid();
      await postMeta(app, metaPayload({ statuses: [metaStatus(id, 'sent', { ourId: message.id })] })).expect(200);
      await settleWebhooks(app.strapi);
      expect(await messageRow(app.strapi, message.id)).toMatchObject({ deliveryStatus: 'sent', provider: 'meta', providerMessageId: id, leaseOwner: 'crashed-worker' });
    });

    it('settles an "unknown" message by our id through Twilio\'s callback URL', async () => {
      const message = await outbound({
        deliveryStatus: 'unknown',
        senderId: twilioSenderId,
        provider: null,
        providerMessageId: null,
        errorCode: 'in-doubt',
        errorText: 'The worker stopped while sending',
      });
      const sid = twilioSid();
      await postTwilio(app, twilioStatus(sid, 'delivered', '+525512345678'), { query: `message=${message.id}` }).expect(200);
      await settleWebhooks(app.strapi);
      const row = await messageRow(app.strapi, message.id);
      expect(row).toMatchObject({ deliveryStatus: 'delivered', provider: 'twilio', providerMessageId: sid, errorCode: null, errorText: null });
      expect(row.deliveredAt).toBeTruthy();
    });

    it('cannot move a message that was never sent: our id naming a scheduled message changes nothing', async () => {
      const dueAt = new Date(Date.now() + 3600_000);
      const scheduled = await outbound({ deliveryStatus: 'scheduled', attempts: 0, dueAt, sentAt: null, provider: null, providerMessageId: null });
      const queued = await outbound({ deliveryStatus: 'queued', attempts: 0, dueAt, sentAt: null, provider: null, providerMessageId: null });
      const ids = [wamid(), wamid()];
      await postMeta(app, metaPayload({ statuses: [metaStatus(ids[0], 'read', { ourId: scheduled.id }), metaStatus(ids[1], 'delivered', { ourId: queued.id })] })).expect(200);
      await settleWebhooks(app.strapi);
      expect(await messageRow(app.strapi, scheduled.id)).toMatchObject({ deliveryStatus: 'scheduled', providerMessageId: null, readAt: null });
      expect(await messageRow(app.strapi, queued.id)).toMatchObject({ deliveryStatus: 'queued', providerMessageId: null, deliveredAt: null });
      const events = await eventRows({ eventKey: { $in: [`${ids[0]}:read`, `${ids[1]}:delivered`] } });
      expect(events.map((e: any) => e.outcome)).toEqual(['unmatched', 'unmatched']);
    });

    it('settles by our id a message queued again after a timeout: the provider had it after all', async () => {
      const message = await outbound({ deliveryStatus: 'queued', attempts: 1, dueAt: new Date(Date.now() + 60_000), provider: 'meta', providerMessageId: null, errorCode: 'timeout' });
      const id = wamid();
      await postMeta(app, metaPayload({ statuses: [metaStatus(id, 'delivered', { ourId: message.id })] })).expect(200);
      await settleWebhooks(app.strapi);
      expect(await messageRow(app.strapi, message.id)).toMatchObject({ deliveryStatus: 'delivered', providerMessageId: id });
    });

    it('an unknown message id is recorded on the event, not an error', async () => {
      const id = wamid();
      await postMeta(app, metaPayload({ statuses: [metaStatus(id, 'delivered', { ourId: 99999999 })] })).expect(200);
      await postTwilio(app, twilioStatus(twilioSid(), 'delivered', '+525512345678')).expect(200);
      await settleWebhooks(app.strapi);
      const [event] = await eventRows({ eventKey: `${id}:delivered` });
      expect(event).toMatchObject({ outcome: 'unmatched', messageId: null, error: null });
      expect(event.appliedAt).toBeTruthy();
    });

    it('Meta "deleted" and "warning" statuses are stored and safely ignored', async () => {
      const id = wamid();
      const message = await outbound({ deliveryStatus: 'delivered', provider: 'meta', providerMessageId: id, sentAt: new Date(), deliveredAt: new Date() });
      const before = await messageRow(app.strapi, message.id);
      await postMeta(app, metaPayload({ statuses: [metaStatus(id, 'deleted'), metaStatus(id, 'warning')] })).expect(200);
      await settleWebhooks(app.strapi);
      expect((await eventRows({ messageId: message.id })).map((e: any) => e.outcome)).toEqual(['ignored', 'ignored']);
      expect(await messageRow(app.strapi, message.id)).toEqual(before);
    });

    it('Twilio: queued/sending never move a sent message back; undelivered (a permanent code) becomes undeliverable with the error', async () => {
      const sid = twilioSid();
      const message = await outbound({ deliveryStatus: 'sent', senderId: twilioSenderId, provider: 'twilio', providerMessageId: sid, sentAt: new Date() });
      await postTwilio(app, twilioStatus(sid, 'queued', '+525512345678'), { query: `message=${message.id}` }).expect(200);
      await postTwilio(app, twilioStatus(sid, 'sending', '+525512345678'), { query: `message=${message.id}` }).expect(200);
      await settleWebhooks(app.strapi);
      expect((await messageRow(app.strapi, message.id)).deliveryStatus).toBe('sent');
      // 30005 (unknown destination) is permanent; a transient code would be retried (async-failures.test.ts).
      await postTwilio(app, twilioStatus(sid, 'undelivered', '+525512345678', { ErrorCode: '30005', ErrorMessage: 'Unknown destination handset' }), { query: `message=${message.id}` }).expect(200);
      await settleWebhooks(app.strapi);
      expect(await messageRow(app.strapi, message.id)).toMatchObject({ deliveryStatus: 'undeliverable', errorCode: '30005', errorText: 'Unknown destination handset' });
    });

    it('Twilio: sent, delivered, read in order, repeats ignored', async () => {
      const sid = twilioSid();
      const message = await outbound({ deliveryStatus: 'sending', senderId: twilioSenderId, provider: 'twilio', providerMessageId: sid, leaseOwner: 'w', leaseUntil: new Date(Date.now() + 60_000) });
      for (const status of ['sent', 'delivered', 'delivered', 'read', 'sent']) {
        await postTwilio(app, twilioStatus(sid, status, '+525512345678'), { query: `message=${message.id}` }).expect(200);
      }
      await settleWebhooks(app.strapi);
      const row = await messageRow(app.strapi, message.id);
      expect(row.deliveryStatus).toBe('read');
      expect(row.sentAt && row.deliveredAt && row.readAt).toBeTruthy();
      expect(await count(app.strapi, INBOX_UID.webhookEvent, { messageId: message.id })).toBe(3);
    });

    describe('opted-out and permanent failures', () => {
      const consentOf = async (id: number) => (await app.strapi.db.query(UID.contact as any).findOne({ where: { id } })).marketingConsent;
      let other: number;
      beforeEach(async () => {
        const contact = await app.strapi.db.query(UID.contact as any).create({ data: { phone: `+5255${Math.floor(10000000 + Math.random() * 89999999)}`, marketingConsent: true } });
        other = contact.id;
      });

      it('Meta 131050 records the error and revokes marketing consent (method provider)', async () => {
        const id = wamid();
        const message = await outbound({ contactId: other, deliveryStatus: 'sent', provider: 'meta', providerMessageId: id, category: 'marketing' });
        const error = { code: 131050, title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.', message: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.', error_data: { details: 'User stopped marketing messages' } };
        await postMeta(app, metaPayload({ statuses: [metaStatus(id, 'failed', { errors: [error] })] })).expect(200);
        await settleWebhooks(app.strapi);
        expect(await messageRow(app.strapi, message.id)).toMatchObject({ deliveryStatus: 'failed', errorCode: '131050' });
        expect(await consentOf(other)).toBe(false);
        const ledger = await app.strapi.db.query(UID.consent as any).findMany({ where: { contactId: other } });
        expect(ledger).toEqual([expect.objectContaining({ purpose: 'marketing', granted: false, method: 'provider' })]);
      });

      it('Twilio 21610 revokes consent; 63016 (outside the window) only records the code', async () => {
        const sid = twilioSid();
        const message = await outbound({ contactId: other, senderId: twilioSenderId, deliveryStatus: 'sent', provider: 'twilio', providerMessageId: sid });
        await postTwilio(app, twilioStatus(sid, 'failed', '+525512345678', { ErrorCode: '63016' }), { query: `message=${message.id}` }).expect(200);
        await settleWebhooks(app.strapi);
        expect(await messageRow(app.strapi, message.id)).toMatchObject({ deliveryStatus: 'failed', errorCode: '63016', errorText: expect.stringMatching(/24-hour/) });
        expect(await consentOf(other)).toBe(true);

        const sid2 = twilioSid();
        const second = await outbound({ contactId: other, senderId: twilioSenderId, deliveryStatus: 'sent', provider: 'twilio', providerMessageId: sid2 });
        await postTwilio(app, twilioStatus(sid2, 'failed', '+525512345678', { ErrorCode: '21610', ErrorMessage: 'Attempt to send to unsubscribed recipient' }), { query: `message=${second.id}` }).expect(200);
        await settleWebhooks(app.strapi);
        expect(await messageRow(app.strapi, second.id)).toMatchObject({ deliveryStatus: 'failed', errorCode: '21610' });
        expect(await consentOf(other)).toBe(false);
      });
    });
  });

  it('a multi-entry Meta payload (2 entries × statuses and messages) is stored one row per event and applied whole', async () => {
    const ids = [wamid(), wamid(), wamid(), wamid()];
    const rows = [];
    for (const id of ids) rows.push(await outbound({ deliveryStatus: 'sent', provider: 'meta', providerMessageId: id, sentAt: new Date() }));
    const first = metaText('5215512345678', 'María', 'Gracias, ahí estaré');
    const second = metaText('573001234567', 'Camila', 'Hola, quiero una cotización');
    const payload = metaPayload(
      { ...first, statuses: [metaStatus(ids[0], 'delivered'), metaStatus(ids[1], 'read'), metaStatus(ids[2], 'delivered')] },
      { ...second, statuses: [metaStatus(ids[3], 'failed', { errors: [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.' }] }), metaStatus(ids[2], 'read')] }
    );
    const res = await postMeta(app, payload).expect(200);
    expect(res.body.data).toEqual({ received: 7, stored: 7 });
    await settleWebhooks(app.strapi);
    const statuses = await Promise.all(rows.map(async (r) => (await messageRow(app.strapi, r.id)).deliveryStatus));
    expect(statuses).toEqual(['delivered', 'read', 'read', 'failed']);
    const inbound = await app.strapi.db.query(UID.message as any).findMany({
      where: { providerMessageId: { $in: [(first.messages as any)[0].id, (second.messages as any)[0].id] } },
      orderBy: { id: 'asc' },
    });
    expect(inbound.map((m: any) => [m.from, m.body, m.deliveryStatus])).toEqual([
      ['+525512345678', 'Gracias, ahí estaré', 'received'],
      ['+573001234567', 'Hola, quiero una cotización', 'received'],
    ]);
  });

  it('an event that can never apply (a sender that is no phone number) is marked failed; the others still apply', async () => {
    const id = wamid();
    const message = await outbound({ deliveryStatus: 'sent', provider: 'meta', providerMessageId: id, sentAt: new Date() });
    const broken = metaText('123', 'Nadie', 'hola');
    await postMeta(app, metaPayload({ ...broken, statuses: [metaStatus(id, 'delivered')] })).expect(200);
    await settleWebhooks(app.strapi);
    const [event] = await eventRows({ eventKey: (broken.messages as any)[0].id });
    expect(event).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/not a phone number/) });
    expect(event.appliedAt).toBeTruthy();
    expect((await messageRow(app.strapi, message.id)).deliveryStatus).toBe('delivered');
  });

  it('concurrent requests (sharing inserts) each count their own new events; a repeat across requests is stored and applied once', async () => {
    const ids = Array.from({ length: 12 }, () => wamid());
    const messages = await Promise.all(ids.map((id) => outbound({ deliveryStatus: 'sent', provider: 'meta', providerMessageId: id, sentAt: new Date() })));
    const before = await events();
    // 24 requests at once: each status twice, plus one for a message we never sent.
    const stranger = wamid();
    const payloads = [...ids, ...ids].map((id) => metaPayload({ statuses: [metaStatus(id, 'delivered')] }));
    payloads.push(metaPayload({ statuses: [metaStatus(stranger, 'delivered')] }));
    const answers = await Promise.all(payloads.map((payload) => postMeta(app, payload).expect(200)));
    await settleWebhooks(app.strapi);

    const storedCounts = answers.map((a) => a.body.data.stored);
    expect(storedCounts.reduce((a: number, b: number) => a + b, 0)).toBe(13);
    // Each pair of identical requests: exactly one of them stored the event.
    for (let i = 0; i < ids.length; i += 1) expect(storedCounts[i] + storedCounts[i + ids.length]).toBe(1);
    expect(await events()).toBe(before + 13);
    const rows = await eventRows({ eventKey: { $in: [...ids, stranger].map((id) => `${id}:delivered`) } });
    expect(rows).toHaveLength(13);
    for (const [i, id] of ids.entries()) {
      expect(rows.find((r: any) => r.eventKey === `${id}:delivered`)).toMatchObject({ outcome: 'applied', messageId: messages[i].id });
      const row = await messageRow(app.strapi, messages[i].id);
      expect(row.deliveryStatus).toBe('delivered');
      expect(row.deliveredAt).toBeTruthy();
    }
    expect(rows.find((r: any) => r.eventKey === `${stranger}:delivered`)).toMatchObject({ outcome: 'unmatched', messageId: null });
    expect(rows.every((r: any) => r.appliedAt && r.lockedBy === null)).toBe(true);
  });

  describe('an apply that fails is retried, then given up', () => {
    // The cause is a fault in the database itself (a trigger that refuses the inbound message's
    // insert, as a full disk or a lost connection would), not an event that can never apply,
    // which is marked failed at once (above). Nothing of the product is stubbed.
    const FAULT = 'injected fault: the database refused the write';
    const failWrites = async () => {
      const knex = app.strapi.db.connection;
      if (isPostgres()) {
        await knex.raw(`CREATE OR REPLACE FUNCTION wa_test_fault() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '${FAULT}'; END $$ LANGUAGE plpgsql`);
        await knex.raw(`CREATE TRIGGER wa_test_fault BEFORE INSERT ON whatsapp_messages FOR EACH ROW WHEN (NEW.direction = 'in') EXECUTE FUNCTION wa_test_fault()`);
      } else {
        await knex.raw(`CREATE TRIGGER wa_test_fault BEFORE INSERT ON whatsapp_messages WHEN NEW.direction = 'in' BEGIN SELECT RAISE(ABORT, '${FAULT}'); END`);
      }
    };
    const healWrites = async () => {
      const knex = app.strapi.db.connection;
      await knex.raw(isPostgres() ? 'DROP TRIGGER IF EXISTS wa_test_fault ON whatsapp_messages' : 'DROP TRIGGER IF EXISTS wa_test_fault');
    };
    const eventOf = async (key: string) => (await eventRows({ eventKey: key }))[0];
    /** Ends the back-off now (instead of waiting 30 s, 60 s, …) and lets the applier run. */
    const retryNow = async (id: number) => {
      await app.strapi.db.query(INBOX_UID.webhookEvent as any).update({ where: { id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
      app.strapi.plugin('whatsapp').service('webhooks').wake();
      await settleWebhooks(app.strapi);
    };
    afterEach(healWrites);

    it('a failed apply is kept with its error and a back-off, and applied once the cause is gone', async () => {
      await failWrites();
      const value = metaText('5215512345678', 'María', 'Hola, ¿me confirman la cita?');
      const key = (value.messages as any)[0].id;
      await postMeta(app, metaPayload(value)).expect(200);
      await settleWebhooks(app.strapi);
      const failed = await eventOf(key);
      expect(failed).toMatchObject({ appliedAt: null, outcome: null, attempts: 1, error: expect.stringContaining(FAULT) });
      // Not tried again before its back-off (30 s for the first retry).
      expect(new Date(failed.lockedUntil).getTime()).toBeGreaterThan(Date.now() + 20_000);
      app.strapi.plugin('whatsapp').service('webhooks').wake();
      await settleWebhooks(app.strapi);
      expect((await eventOf(key)).attempts).toBe(1);

      await healWrites();
      await retryNow(failed.id);
      const applied = await eventOf(key);
      expect(applied).toMatchObject({ outcome: 'applied', attempts: 2 });
      expect(applied.appliedAt).toBeTruthy();
      expect(await app.strapi.db.query(UID.message as any).findOne({ where: { providerMessageId: key } })).toMatchObject({ direction: 'in', body: 'Hola, ¿me confirman la cita?' });
    });

    it('after five failed attempts the event is given up: marked failed, never claimed again, kept for someone to look at', async () => {
      await failWrites();
      const value = metaText('5215512345678', 'María', 'Esto nunca se aplica');
      const key = (value.messages as any)[0].id;
      await postMeta(app, metaPayload(value)).expect(200);
      await settleWebhooks(app.strapi);
      const first = await eventOf(key);
      expect(first.attempts).toBe(1);
      for (let attempt = 2; attempt <= 5; attempt += 1) {
        await retryNow(first.id);
        const row = await eventOf(key);
        expect(row.attempts).toBe(attempt);
        expect(row.outcome).toBe(attempt === 5 ? 'failed' : null);
      }
      // A sixth chance never comes, even with the lock long expired.
      await retryNow(first.id);
      const givenUp = await eventOf(key);
      expect(givenUp).toMatchObject({ outcome: 'failed', attempts: 5, appliedAt: null, error: expect.stringContaining(FAULT) });
      expect(await count(app.strapi, UID.message, { providerMessageId: key })).toBe(0);
      // Retention keeps what was never applied, whatever its age.
      await app.strapi.db.query(INBOX_UID.webhookEvent as any).update({ where: { id: first.id }, data: { receivedAt: new Date(Date.now() - 90 * 24 * 3600_000) } });
      await app.strapi.plugin('whatsapp').service('webhooks').prune();
      expect(await eventOf(key)).toBeTruthy();
    });
  });

  describe('retention (WHATSAPP_WEBHOOK_RETENTION_DAYS)', () => {
    const DAY = 24 * 60 * 60 * 1000;
    afterEach(() => {
      delete process.env.WHATSAPP_WEBHOOK_RETENTION_DAYS;
    });

    /** Three stored events: applied 40 and 10 days ago, and one never applied from 40 days ago. */
    const agedEvents = async () => {
      const ids = [wamid(), wamid(), wamid()];
      await postMeta(app, metaPayload({ statuses: ids.map((id) => metaStatus(id, 'delivered')) })).expect(200);
      await settleWebhooks(app.strapi);
      const [old, recent, pending] = await eventRows({ eventKey: { $in: ids.map((id) => `${id}:delivered`) } });
      const now = Date.now();
      const query = app.strapi.db.query(INBOX_UID.webhookEvent as any);
      await query.update({ where: { id: old.id }, data: { appliedAt: new Date(now - 40 * DAY), receivedAt: new Date(now - 40 * DAY) } });
      await query.update({ where: { id: recent.id }, data: { appliedAt: new Date(now - 10 * DAY), receivedAt: new Date(now - 10 * DAY) } });
      // Never applied (it ran out of attempts): kept whatever its age, for someone to look at.
      await query.update({ where: { id: pending.id }, data: { appliedAt: null, attempts: 5, receivedAt: new Date(now - 40 * DAY) } });
      return { old, recent, pending };
    };
    const remaining = async (rows: Record<string, any>) =>
      (await eventRows({ id: { $in: Object.values(rows).map((r: any) => r.id) } })).map((r: any) => r.id);
    const prune = (days?: number) => app.strapi.plugin('whatsapp').service('webhooks').prune(new Date(), days);

    it('by default (30 days) deletes applied events older than that, keeps recent and unapplied ones', async () => {
      const rows = await agedEvents();
      const before = await events();
      expect(await prune()).toEqual({ deleted: 1, days: 30 });
      expect(await events()).toBe(before - 1);
      expect(await remaining(rows)).toEqual([rows.recent.id, rows.pending.id]);
    });

    it('a period under 7 days is raised to 7 (providers repeat for that long); 0 keeps everything', async () => {
      const rows = await agedEvents();
      expect(await prune(0)).toEqual({ deleted: 0, days: 0 });
      expect(await remaining(rows)).toHaveLength(3);
      const olderThanAWeek = { appliedAt: { $lt: new Date(Date.now() - 7 * DAY) } };
      const due = await count(app.strapi, INBOX_UID.webhookEvent, olderThanAWeek);
      expect(due).toBeGreaterThanOrEqual(2); // ours, and any left by the test before
      expect(await prune(2)).toEqual({ deleted: due, days: 7 });
      expect(await count(app.strapi, INBOX_UID.webhookEvent, olderThanAWeek)).toBe(0);
      expect(await remaining(rows)).toEqual([rows.pending.id]);
    });
  });

  it('answers fast: the request returns before the events are applied', async () => {
    const id = wamid();
    const message = await outbound({ deliveryStatus: 'sent', provider: 'meta', providerMessageId: id, sentAt: new Date() });
    // With the applier stopped the request is still answered: the answer waits for the stored
    // row only, never for applying it (no elapsed-time bound a busy machine could break).
    const webhooks = app.strapi.plugin('whatsapp').service('webhooks');
    await webhooks.stop();
    try {
      const res = await postMeta(app, metaPayload({ statuses: [metaStatus(id, 'delivered')] })).expect(200);
      expect(res.body.data).toEqual({ received: 1, stored: 1 });
      const [pending] = await eventRows({ eventKey: `${id}:delivered` });
      expect(pending.appliedAt).toBeNull();
      expect((await messageRow(app.strapi, message.id)).deliveryStatus).toBe('sent');
    } finally {
      webhooks.start();
    }
    await settleWebhooks(app.strapi);
    expect((await messageRow(app.strapi, message.id)).deliveryStatus).toBe('delivered');
  });

  it('a sweep at startup applies what was stored but not applied before a stop', async () => {
    const id = wamid();
    const message = await outbound({ deliveryStatus: 'sent', provider: 'meta', providerMessageId: id, sentAt: new Date() });
    // Stop applying, as if the process died right after answering.
    await app.strapi.plugin('whatsapp').service('webhooks').stop();
    await postMeta(app, metaPayload({ statuses: [metaStatus(id, 'read')] })).expect(200);
    const [pending] = await eventRows({ eventKey: `${id}:read` });
    expect(pending.appliedAt).toBeNull();
    expect((await messageRow(app.strapi, message.id)).deliveryStatus).toBe('sent');

    await app.stop({ keepDatabase: true });
    app = await startStrapi({ env, db: app.db });
    await settleWebhooks(app.strapi);
    const [applied] = await eventRows({ eventKey: `${id}:read` });
    expect(applied).toMatchObject({ outcome: 'applied', messageId: message.id });
    expect((await messageRow(app.strapi, message.id)).deliveryStatus).toBe('read');
  });
});

describe('provider webhooks end to end (dispatcher → fake provider → status webhook)', () => {
  let app: TestApp;
  let fakes: Fakes;
  let token: string;

  const send = (data: Record<string, unknown>) =>
    app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data }).expect(201).then((r) => r.body.data);

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, PUBLIC_URL, WHATSAPP_SANDBOX: 'false' } });
    token = await createApiToken(app.strapi);
    await app.strapi.plugin('whatsapp').service('templates').create({
      name: 'listo',
      category: 'utility',
      body: 'Hola {{nombre}}, su vehículo está listo.',
      metaName: 'vehiculo_listo',
      metaLanguage: 'es_MX',
      metaParameters: ['nombre'],
      twilioContentSid: 'HX0123456789abcdef0123456789abcdef',
      twilioVariables: { '1': 'nombre' },
    });
  });
  afterEach(() => fakes.reset());
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  it('Meta: the wamid Meta returned, then delivered and read, matched by it and by biz_opaque_callback_data', async () => {
    const message = await send({ to: '55 1234 5678', template: 'listo', variables: { nombre: 'María' } });
    const [sent] = await fakes.meta.waitForSent(1);
    await waitForStatus(app.strapi, message.id, ['sent']);
    const ourId = Number((sent.payload as { biz_opaque_callback_data: string }).biz_opaque_callback_data);
    expect(ourId).toBe(message.id);
    await postMeta(app, metaPayload({ statuses: [metaStatus(sent.id, 'delivered', { ourId, recipient: sent.waId })] })).expect(200);
    await postMeta(app, metaPayload({ statuses: [metaStatus(sent.id, 'read', { ourId, recipient: sent.waId })] })).expect(200);
    await settleWebhooks(app.strapi);
    const row = await messageRow(app.strapi, message.id);
    expect(row).toMatchObject({ deliveryStatus: 'read', provider: 'meta', providerMessageId: sent.id });
    expect(row.sentAt && row.deliveredAt && row.readAt).toBeTruthy();
  });

  it("Twilio: the status callback URL the message carried is the URL Twilio signs, and it finds the message", async () => {
    const message = await send({ to: '+5491123456789', sender: 'twilio', template: 'listo', variables: { nombre: 'Lucas' } });
    const [sent] = await fakes.twilio.waitForSent(1);
    await waitForStatus(app.strapi, message.id, ['sent']);
    const callback = new URL(sent.statusCallback!);
    expect(callback.origin).toBe(PUBLIC_URL);
    await postTwilio(app, twilioStatus(sent.sid, 'delivered', '+5491123456789'), { query: callback.search.slice(1), signedUrl: sent.statusCallback! }).expect(200);
    await settleWebhooks(app.strapi);
    expect(await messageRow(app.strapi, message.id)).toMatchObject({ deliveryStatus: 'delivered', provider: 'twilio', providerMessageId: sent.sid });
  });
});
