/**
 * Step 7, failures that arrive later: a message the provider accepted, then reported failed by a
 * signed status webhook (Meta `failed` with `errors[]`, Twilio `undelivered` / `failed` with
 * `ErrorCode`), is retried, sent by its SMS / email fallback, or left failed, exactly as a failure
 * the send answered, and once however often the provider repeats the webhook. A later `delivered`
 * wins over the failure and clears it; a "wait a day" code waits a day.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createApiToken } from './helpers/auth';
import { messageRow, settle, UID, waitForStatus } from './helpers/whatsapp';
import { waitFor } from './helpers/wait';
import { metaPayload, metaStatus, postMeta, postTwilio, settleWebhooks, twilioStatus } from './helpers/webhooks';
import { startFakes, type Fakes, type MetaSentMessage, type TwilioSentMessage } from './fakes';

const PUBLIC_URL = 'https://taller.example.com';
const RETRY_SECONDS = 2;
const DAY_MS = 24 * 60 * 60 * 1000;

const opaqueId = (sent: MetaSentMessage) => Number((sent.payload as { biz_opaque_callback_data?: string }).biz_opaque_callback_data);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Meta's `errors[]` entry on a failed status (code, title, message, error_data.details). */
const metaError = (code: number, title: string, details = title) => ({ code, title, message: title, error_data: { details }, href: '/docs/whatsapp/cloud-api/support/error-codes/' });

describe('asynchronous failures (status webhooks) are decided like the send\'s own answer', () => {
  let app: TestApp;
  let fakes: Fakes;
  let token: string;

  const send = (data: Record<string, unknown>) =>
    app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data }).expect(201).then((r) => r.body.data as { id: number });
  const attemptsOf = async (id: number) =>
    (await app.strapi.db.query(UID.attempt as any).findMany({ where: { messageId: id }, orderBy: { id: 'asc' } })).map((a: any) => [a.number, a.channel, a.outcome, a.providerCode]);
  const metaSendsOf = (id: number) => fakes.meta.sent.filter((s) => opaqueId(s) === id);
  const twilioSendsOf = (id: number) => fakes.twilio.sent.filter((s) => s.statusCallback?.endsWith(`message=${id}`));

  /** Sends through Meta and waits until the row records the wamid Meta returned. */
  const sentByMeta = async (data: Record<string, unknown>) => {
    const message = await send({ to: '+525512345678', template: 'aviso', variables: { nombre: 'Ana' }, ...data });
    const sent = await waitFor(async () => metaSendsOf(message.id)[0]);
    await waitForStatus(app.strapi, message.id, ['sent']);
    return { id: message.id, wamid: sent.id, waId: sent.waId };
  };

  /** Sends through Twilio and waits until the row records the SID Twilio returned. */
  const sentByTwilio = async (data: Record<string, unknown>) => {
    const message = await send({ to: '+525512345678', sender: 'twilio', template: 'aviso', variables: { nombre: 'Ana' }, ...data });
    const sent: TwilioSentMessage = await waitFor(async () => twilioSendsOf(message.id)[0]);
    await waitForStatus(app.strapi, message.id, ['sent']);
    return { id: message.id, sid: sent.sid, callback: sent.statusCallback! };
  };

  /** The same signed Meta status webhook, delivered `times` times at once; returns how many events were new. */
  const metaFailed = async (message: { id: number; wamid: string; waId: string }, error: Record<string, unknown>, times = 1) => {
    const payload = metaPayload({ statuses: [metaStatus(message.wamid, 'failed', { ourId: message.id, recipient: message.waId, errors: [error] })] });
    const answers = await Promise.all(Array.from({ length: times }, () => postMeta(app, payload).expect(200)));
    await settleWebhooks(app.strapi);
    return answers.reduce((sum, answer) => sum + answer.body.data.stored, 0);
  };

  const twilioStatusOf = async (message: { sid: string; callback: string }, status: string, params: Record<string, string>, times = 1) => {
    const callback = new URL(message.callback);
    const answers = await Promise.all(
      Array.from({ length: times }, () =>
        postTwilio(app, twilioStatus(message.sid, status, '+525512345678', params), { query: callback.search.slice(1), signedUrl: message.callback }).expect(200)
      )
    );
    expect(answers).toHaveLength(times);
    await settleWebhooks(app.strapi);
    // Twilio is answered with empty TwiML: count what was stored.
    return app.strapi.db.query(UID.webhookEvent as any).count({ where: { eventKey: `${message.sid}:${status}` } });
  };

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, PUBLIC_URL, WHATSAPP_SANDBOX: 'false', WHATSAPP_RETRY_DELAYS: `${RETRY_SECONDS},${RETRY_SECONDS},${RETRY_SECONDS}` } });
    token = await createApiToken(app.strapi);
    const templates = app.strapi.plugin('whatsapp').service('templates');
    const mapping = { metaName: 'aviso', metaLanguage: 'es_MX', metaParameters: ['nombre'], twilioContentSid: 'HX0123456789abcdef0123456789abcdef', twilioVariables: { '1': 'nombre' } };
    await templates.create({ name: 'aviso', category: 'utility', body: 'Hola {{nombre}}, su pedido está listo.', ...mapping });
    await templates.create({ name: 'aviso_sms', category: 'utility', body: 'Hola {{nombre}}, su auto está listo.', fallbackChannel: 'sms', ...mapping });
    await templates.create({ name: 'aviso_email', category: 'utility', body: 'Hola {{nombre}}, su cotización está lista.', fallbackChannel: 'email', ...mapping });
  });
  afterEach(async () => {
    await settleWebhooks(app.strapi);
    await settle(app.strapi);
    fakes.reset();
  });
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  it('Meta 131000 by webhook, delivered three times: queued again with the backoff, and Meta gets exactly one more send', async () => {
    const message = await sentByMeta({});
    const reportedAt = Date.now();
    expect(await metaFailed(message, metaError(131000, 'Something went wrong'), 3)).toBe(1);

    // Queued for the first retry delay, the error kept (as a retry after the send's own answer).
    const queued = await messageRow(app.strapi, message.id);
    expect(queued).toMatchObject({ deliveryStatus: 'queued', errorCode: '131000', attempts: 1, failedAt: null });
    expect(new Date(queued.dueAt).getTime()).toBeGreaterThanOrEqual(reportedAt + (RETRY_SECONDS - 1) * 1000);
    expect(new Date(queued.nextAttemptAt).getTime()).toBe(new Date(queued.dueAt).getTime());

    const [, resent] = await waitFor(async () => (metaSendsOf(message.id).length >= 2 ? metaSendsOf(message.id) : null), 20_000);
    const row = await waitFor(async () => {
      const r = await messageRow(app.strapi, message.id);
      return r.deliveryStatus === 'sent' && r.providerMessageId === resent.id ? r : null;
    });
    expect(row).toMatchObject({ attempts: 2, errorCode: null, errorText: null, channel: 'whatsapp' });
    expect(await attemptsOf(message.id)).toEqual([
      [1, 'whatsapp', 'sent', null],
      [1, 'whatsapp', 'retry', '131000'],
      [2, 'whatsapp', 'sent', null],
    ]);
    // The repeats changed nothing later either: still two sends, one stored event.
    await metaFailed(message, metaError(131000, 'Something went wrong'), 2);
    await sleep((RETRY_SECONDS + 1) * 1000);
    expect(metaSendsOf(message.id)).toHaveLength(2);
    expect(await app.strapi.db.query(UID.webhookEvent as any).count({ where: { eventKey: `${message.wamid}:failed` } })).toBe(1);
  });

  it('Meta 131026 by webhook (not on WhatsApp), delivered three times: the SMS fallback goes out exactly once', async () => {
    const message = await sentByMeta({ template: 'aviso_sms' });
    expect(await metaFailed(message, metaError(131026, 'Message undeliverable', 'Unable to deliver message'), 3)).toBe(1);
    const [sms] = await fakes.twilio.waitForSent(1, 15_000);
    expect(sms).toMatchObject({ to: '+525512345678', from: fakes.env.TWILIO_SMS_FROM, body: 'Hola Ana, su auto está listo.' });
    const row = await waitFor(async () => {
      const r = await messageRow(app.strapi, message.id);
      return r.deliveryStatus === 'sent' && r.channel === 'sms' ? r : null;
    });
    // As after a send that answered 131026: sent by SMS, the WhatsApp error kept to say why.
    expect(row).toMatchObject({ provider: 'twilio-sms', providerMessageId: sms.sid, errorCode: '131026', attempts: 2 });
    expect(await attemptsOf(message.id)).toEqual([
      [1, 'whatsapp', 'sent', null],
      [1, 'whatsapp', 'failed', '131026'],
      [2, 'sms', 'sent', null],
    ]);
    await metaFailed(message, metaError(131026, 'Message undeliverable', 'Unable to deliver message'), 2);
    await sleep(1500);
    expect(fakes.twilio.sent).toHaveLength(1);
    expect(metaSendsOf(message.id)).toHaveLength(1);
  });

  it('a permanent code by webhook (131051, 132001): failed with the reason, never retried, no fallback', async () => {
    const unsupported = await sentByMeta({ template: 'aviso_sms' });
    const template = await sentByMeta({});
    await metaFailed(unsupported, metaError(131051, 'Unsupported message type'));
    await metaFailed(template, metaError(132001, 'Template name does not exist in the translation'));
    await sleep((RETRY_SECONDS + 1) * 1000);
    for (const [message, code] of [[unsupported, '131051'], [template, '132001']] as const) {
      const row = await messageRow(app.strapi, message.id);
      expect(row).toMatchObject({ deliveryStatus: 'failed', errorCode: code, attempts: 1, nextAttemptAt: null });
      expect(row.failedAt).toBeTruthy();
      expect(metaSendsOf(message.id)).toHaveLength(1);
      expect(await attemptsOf(message.id)).toEqual([
        [1, 'whatsapp', 'sent', null],
        [1, 'whatsapp', 'failed', code],
      ]);
    }
    expect(fakes.twilio.sent).toHaveLength(0);

    // Staff see why, in English and Spanish.
    const shown = await app.http().get(`/api/whatsapp/messages/${template.id}`).set('Authorization', token).expect(200);
    expect(shown.body.data).toMatchObject({
      status: 'failed',
      errorCode: '132001',
      failure: {
        code: '132001',
        class: 'permanent',
        fallback: false,
        reason: expect.stringMatching(/template/i),
        remedy: expect.any(String),
        es: { reason: expect.stringMatching(/plantilla/i), remedy: expect.any(String) },
      },
    });
  });

  it('Twilio undelivered 30003 by status callback, delivered three times: retried once', async () => {
    const message = await sentByTwilio({});
    expect(await twilioStatusOf(message, 'undelivered', { ErrorCode: '30003', ErrorMessage: 'Unreachable destination handset' }, 3)).toBe(1);
    expect(await messageRow(app.strapi, message.id)).toMatchObject({ deliveryStatus: 'queued', errorCode: '30003' });
    await waitFor(async () => (twilioSendsOf(message.id).length >= 2 ? true : null), 20_000);
    await waitFor(async () => ((await messageRow(app.strapi, message.id)).attempts === 2 && (await messageRow(app.strapi, message.id)).deliveryStatus === 'sent'));
    await sleep((RETRY_SECONDS + 1) * 1000);
    expect(twilioSendsOf(message.id)).toHaveLength(2);
    expect(await attemptsOf(message.id)).toEqual([
      [1, 'whatsapp', 'sent', null],
      [1, 'whatsapp', 'retry', '30003'],
      [2, 'whatsapp', 'sent', null],
    ]);
  });

  it('Twilio failed 63024 (invalid WhatsApp recipient) by status callback: the email fallback goes out exactly once', async () => {
    await app.strapi.db.query(UID.contact as any).create({ data: { phone: '+525577778888', email: 'cliente@example.com' } });
    const message = await sentByTwilio({ to: '+525577778888', template: 'aviso_email' });
    expect(await twilioStatusOf(message, 'failed', { ErrorCode: '63024', ErrorMessage: 'Invalid message recipient' }, 3)).toBe(1);
    const [mail] = await fakes.smtp.waitForMails(1, 15_000);
    expect(mail.to).toEqual(['cliente@example.com']);
    expect(mail.text).toContain('Hola Ana, su cotización está lista.');
    const row = await waitForStatus(app.strapi, message.id, ['sent']);
    expect(row).toMatchObject({ channel: 'email', provider: 'email', errorCode: '63024' });
    await sleep(1500);
    expect(fakes.smtp.mails).toHaveLength(1);
    expect(twilioSendsOf(message.id)).toHaveLength(1);
  });

  it('delivered after failed: the message is delivered and the failure it superseded is cleared; the attempt log keeps it', async () => {
    const message = await sentByMeta({});
    await metaFailed(message, metaError(131051, 'Unsupported message type'));
    const failed = await app.http().get(`/api/whatsapp/messages/${message.id}`).set('Authorization', token).expect(200);
    expect(failed.body.data).toMatchObject({ status: 'failed', errorCode: '131051', failure: { code: '131051', class: 'permanent' } });

    await postMeta(app, metaPayload({ statuses: [metaStatus(message.wamid, 'delivered', { ourId: message.id, recipient: message.waId })] })).expect(200);
    await settleWebhooks(app.strapi);
    const row = await messageRow(app.strapi, message.id);
    expect(row).toMatchObject({ deliveryStatus: 'delivered', errorCode: null, errorText: null, failedAt: null });
    expect(row.deliveredAt).toBeTruthy();
    const shown = await app.http().get(`/api/whatsapp/messages/${message.id}`).set('Authorization', token).expect(200);
    expect(shown.body.data).toMatchObject({ status: 'delivered', errorCode: null, errorText: null, failure: null, statusTimes: { failed: null } });
    expect(shown.body.data.attemptLog.map((a: any) => [a.outcome, a.providerCode])).toEqual([
      ['sent', null],
      ['failed', '131051'],
    ]);
  });

  it('a failed and a delivered racing (one payload): delivered wins, the retry is off; failed after delivered or read is not retried', async () => {
    const raced = await sentByMeta({});
    const statuses = [
      metaStatus(raced.wamid, 'failed', { ourId: raced.id, recipient: raced.waId, errors: [metaError(131000, 'Something went wrong')] }),
      metaStatus(raced.wamid, 'delivered', { ourId: raced.id, recipient: raced.waId }),
    ];
    await postMeta(app, metaPayload({ statuses })).expect(200);
    await settleWebhooks(app.strapi);
    expect(await messageRow(app.strapi, raced.id)).toMatchObject({ deliveryStatus: 'delivered', errorCode: null, nextAttemptAt: null, channel: 'whatsapp' });

    const read = await sentByMeta({});
    await postMeta(app, metaPayload({ statuses: [metaStatus(read.wamid, 'read', { ourId: read.id, recipient: read.waId })] })).expect(200);
    await settleWebhooks(app.strapi);
    // Out of order: the failure arrives after the message was read.
    await metaFailed(read, metaError(131000, 'Something went wrong'));
    expect(await messageRow(app.strapi, read.id)).toMatchObject({ deliveryStatus: 'read', errorCode: null });

    await sleep((RETRY_SECONDS + 1) * 1000);
    expect(metaSendsOf(raced.id)).toHaveLength(1);
    expect(metaSendsOf(read.id)).toHaveLength(1);
    expect((await messageRow(app.strapi, raced.id)).deliveryStatus).toBe('delivered');
  });

  it('"wait a day" codes are not retried within minutes: Meta 131048 by webhook, Twilio 63018 and 30450 answering the send', async () => {
    const spam = await sentByMeta({});
    const reportedAt = Date.now();
    await metaFailed(spam, metaError(131048, 'Spam rate limit hit'));
    const queued = await messageRow(app.strapi, spam.id);
    expect(queued).toMatchObject({ deliveryStatus: 'queued', errorCode: '131048' });
    expect(new Date(queued.dueAt).getTime()).toBeGreaterThanOrEqual(reportedAt + DAY_MS);
    expect(new Date(queued.nextAttemptAt).getTime()).toBe(new Date(queued.dueAt).getTime());

    // Synchronous answers: a day for 63018 (rate-limited), half an hour for 30450 (transient with a wait).
    const before = Date.now();
    fakes.twilio.failNext({ status: 400, code: 63018, message: 'Rate limit exceeded for Channel' });
    const capped = await send({ to: '+525512345678', sender: 'twilio', template: 'aviso', variables: { nombre: 'Ana' } });
    const cappedRow = await waitFor(async () => {
      const r = await messageRow(app.strapi, capped.id);
      return r.deliveryStatus === 'queued' && r.attempts === 1 ? r : null;
    });
    expect(new Date(cappedRow.dueAt).getTime()).toBeGreaterThanOrEqual(before + DAY_MS);
    fakes.twilio.failNext({ status: 400, code: 30450, message: 'Message delivery blocked' });
    const blocked = await send({ to: '+525512345678', sender: 'twilio', template: 'aviso', variables: { nombre: 'Ana' } });
    const blockedRow = await waitFor(async () => {
      const r = await messageRow(app.strapi, blocked.id);
      return r.deliveryStatus === 'queued' && r.attempts === 1 ? r : null;
    });
    expect(new Date(blockedRow.dueAt).getTime()).toBeGreaterThanOrEqual(before + 1800_000);

    await sleep((RETRY_SECONDS + 1) * 1000);
    expect(metaSendsOf(spam.id)).toHaveLength(1);
    expect(twilioSendsOf(capped.id)).toHaveLength(0);
    expect(twilioSendsOf(blocked.id)).toHaveLength(0);
    expect((await messageRow(app.strapi, spam.id)).deliveryStatus).toBe('queued');
  });
});
