/**
 * Step 7, inbound fidelity: nothing a provider delivers is dropped.
 * 1. A number our phone check does not know still reaches the inbox (as WhatsApp gave it, the
 *    contact flagged `phoneUnverified`), and can be answered.
 * 2. One item that does not read costs no other: the rest of the batch is stored and applied,
 *    the unreadable item is kept with its reason, Meta's `errors[]` are recorded; a signed
 *    request is answered 200.
 * 3. Customers known only by Meta's business-scoped user id (no number): a contact of their
 *    own, replies through `recipient`, statuses by `recipient_user_id`.
 * 5. Webhook bodies up to 5 MB (Meta documents payloads of up to 3 MB); every other route keeps
 *    its 1 MB.
 * Payloads as Meta's webhooks reference and Twilio's incoming-message webhook document them,
 * over the signed webhook routes of a real Strapi, with the fake Cloud API on loopback.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { count, messageRow, UID, waitForStatus } from './helpers/whatsapp';
import { startFakes, type Fakes } from './fakes';
import { metaJson, signMeta } from './fakes/sign';
import {
  INBOX_UID,
  bsuid,
  metaFromUserId,
  metaPayload,
  metaRawPayload,
  metaStatus,
  metaText,
  postMeta,
  postTwilio,
  settleWebhooks,
  twilioInbound,
  unix,
  wamid,
} from './helpers/webhooks';

const PUBLIC_URL = 'https://crm.example.com';

describe('inbound fidelity', () => {
  let app: TestApp;
  let fakes: Fakes;
  let admin: string;
  let token: string;
  let metaSender: any;
  let numbers = 100_000 + Math.floor(Math.random() * 800_000);
  /**
   * A Mexican number in a range libphonenumber does not allocate (area 88): our parser refuses
   * it, WhatsApp delivers it. Meta's wa_id keeps the mobile's 1 (`521…`).
   */
  const unknownRange = () => {
    numbers += 1;
    return { waId: `52188000${numbers}`, digits: `5288000${numbers}` };
  };

  const events = (where: Record<string, unknown>) => app.strapi.db.query(UID.webhookEvent as any).findMany({ where, orderBy: { id: 'asc' } });
  const contactWhere = (where: Record<string, unknown>) => app.strapi.db.query(UID.contact as any).findOne({ where });
  const inboundBy = (providerMessageId: string) => app.strapi.db.query(UID.message as any).findOne({ where: { providerMessageId } });
  const adminApi = (method: 'get' | 'post', path: string) => app.http()[method](`/whatsapp${path}`).set('Authorization', admin);
  /** One of our messages as the dispatcher leaves it (a fixture row: no provider needed). */
  const outbound = async (data: Record<string, unknown>) => {
    const now = new Date();
    return app.strapi.db.query(UID.message as any).create({
      data: { direction: 'out', to: '+525512345678', from: metaSender.number, senderId: metaSender.id, body: 'Hola', category: 'utility', channel: 'whatsapp', attempts: 1, dueAt: now, sentAt: now, deliveryStatus: 'sent', provider: 'meta', createdAt: now, updatedAt: now, ...data },
    });
  };

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, PUBLIC_URL, WHATSAPP_SANDBOX: 'false' } });
    admin = await createAdminJwt(app);
    token = await createApiToken(app.strapi);
    metaSender = (await app.strapi.db.query(UID.sender as any).findMany({})).find((s: any) => s.provider === 'meta');
  });
  afterEach(async () => {
    await settleWebhooks(app.strapi);
    fakes.reset();
  });
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  describe('1. a number our phone check does not know', () => {
    it('Meta: the message reaches the inbox from the wa_id as delivered; the contact is flagged phoneUnverified', async () => {
      const { waId } = unknownRange();
      const value = metaText(waId, 'Noemí Vidal', 'Hola, ¿tienen servicio el sábado?');
      await postMeta(app, metaPayload(value)).expect(200);
      await settleWebhooks(app.strapi);
      const id = (value.messages as any)[0].id;
      const [event] = await events({ eventKey: id });
      expect(event).toMatchObject({ outcome: 'applied', error: null });
      const contact = await contactWhere({ phone: `+${waId}` });
      expect(contact).toMatchObject({ phoneUnverified: true, source: 'inbound', isLead: true, profileName: 'Noemí Vidal' });
      const message = await inboundBy(id);
      expect(message).toMatchObject({ direction: 'in', contactId: contact.id, from: `+${waId}`, body: 'Hola, ¿tienen servicio el sábado?' });
      expect(event.messageId).toBe(message.id);
      const conversation = await app.strapi.db.query(INBOX_UID.conversation as any).findOne({ where: { contactId: contact.id } });
      expect(conversation.unreadCount).toBe(1);

      // Shown where staff look: the inbox list and the contacts API.
      const list = await adminApi('get', `/inbox/conversations?filters[search]=${encodeURIComponent('Noemí')}`).expect(200);
      expect(list.body.data.find((c: any) => c.id === conversation.id).contact).toMatchObject({ phone: `+${waId}`, phoneUnverified: true, providerUserId: null });
      const rest = await app.http().get(`/api/whatsapp/contacts/${contact.id}`).set('Authorization', token).expect(200);
      expect(rest.body.data).toMatchObject({ phone: `+${waId}`, phoneUnverified: true });
    });

    it('Twilio: From / WaId as delivered; the staff reply goes out to that number', async () => {
      const { digits } = unknownRange();
      const form = twilioInbound(`+${digits}`, { Body: 'Buenas, quiero una cita', ProfileName: 'Rubén' });
      await postTwilio(app, form).expect(200);
      await settleWebhooks(app.strapi);
      const message = await inboundBy(String(form.MessageSid));
      expect(message).toMatchObject({ direction: 'in', provider: 'twilio', from: `+${digits}`, body: 'Buenas, quiero una cita' });
      expect(await contactWhere({ id: message.contactId })).toMatchObject({ phone: `+${digits}`, phoneUnverified: true });

      // Answered from the inbox through Meta (the Meta number's conversation): the number as stored.
      const { waId } = unknownRange();
      const value = metaText(waId, 'Rubén', 'Y por aquí también');
      await postMeta(app, metaPayload(value)).expect(200);
      await settleWebhooks(app.strapi);
      const inbound = await inboundBy((value.messages as any)[0].id);
      const reply = await adminApi('post', `/inbox/conversations/${inbound.conversationId}/messages`).send({ data: { body: 'Con gusto, ¿a qué hora?' } }).expect(201);
      const [sent] = await fakes.meta.waitForSent(1);
      expect(sent.payload).toMatchObject({ to: waId, type: 'text', text: { body: 'Con gusto, ¿a qué hora?' } });
      expect(await waitForStatus(app.strapi, reply.body.data.id, ['sent'])).toMatchObject({ to: `+${waId}`, providerMessageId: sent.id });
    });

    it('a status whose recipient_id our parser does not know applies like any other', async () => {
      const { waId } = unknownRange();
      const id = wamid();
      const message = await outbound({ to: `+${waId}`, providerMessageId: id });
      await postMeta(app, metaPayload({ statuses: [metaStatus(id, 'delivered', { recipient: waId })] })).expect(200);
      await settleWebhooks(app.strapi);
      expect(await messageRow(app.strapi, message.id)).toMatchObject({ deliveryStatus: 'delivered' });
    });

    it('what has no shape of a number at all still cannot be applied: marked failed with the reason, the rest applied', async () => {
      const id = wamid();
      const message = await outbound({ providerMessageId: id });
      const broken = metaText('123', 'Nadie', 'hola');
      await postMeta(app, metaPayload({ ...broken, statuses: [metaStatus(id, 'delivered')] })).expect(200);
      await settleWebhooks(app.strapi);
      const [event] = await events({ eventKey: (broken.messages as any)[0].id });
      expect(event).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/not a phone number/) });
      expect((await messageRow(app.strapi, message.id)).deliveryStatus).toBe('delivered');
    });
  });

  describe('2. one unreadable item does not cost the others', () => {
    it("a Meta batch with an interactive message missing its interactive object, flagged in value.errors: 200, the status and the other message applied, the bad item kept with its reason, Meta's errors recorded", async () => {
      const statusId = wamid();
      const ours = await outbound({ providerMessageId: statusId });
      const { waId } = unknownRange();
      const good = { from: waId, id: wamid(), timestamp: unix(), type: 'text', text: { body: 'Este sí se lee' } };
      const bad = { from: waId, id: wamid(), timestamp: unix(), type: 'interactive' };
      const errors = [{ code: 131051, title: 'Unsupported message type', message: 'Unsupported message type', error_data: { details: 'Message type is not currently supported' } }];
      const body = metaRawPayload({ contacts: [{ profile: { name: 'Inés' }, wa_id: waId }], statuses: [metaStatus(statusId, 'read')], messages: [good, bad], errors });
      const res = await postMeta(app, body).expect(200);
      expect(res.body.data).toEqual({ received: 4, stored: 4 });
      await settleWebhooks(app.strapi);

      expect(await messageRow(app.strapi, ours.id)).toMatchObject({ deliveryStatus: 'read' });
      expect(await inboundBy(good.id)).toMatchObject({ direction: 'in', body: 'Este sí se lee' });
      expect(await inboundBy(bad.id)).toBeNull();

      const [unreadable] = (await events({ kind: 'unreadable' })).filter((r: any) => r.payload.providerId === bad.id);
      expect(unreadable).toMatchObject({ provider: 'meta', outcome: 'unreadable', error: expect.stringContaining('entry[0].changes[0].value.messages[1].interactive must be an object') });
      expect(unreadable.appliedAt).toBeTruthy();
      expect(unreadable.payload).toMatchObject({ kind: 'unreadable', raw: bad, providerId: bad.id });
      const [recorded] = (await events({ kind: 'error' })).filter((r: any) => r.error.includes('131051'));
      expect(recorded).toMatchObject({ outcome: 'recorded', error: '131051 Unsupported message type: Message type is not currently supported' });
      expect(recorded.payload.errors).toEqual([{ code: '131051', title: 'Unsupported message type', message: 'Unsupported message type', details: 'Message type is not currently supported' }]);

      // Meta repeating the delivery changes nothing.
      const again = await postMeta(app, body).expect(200);
      expect(again.body.data).toEqual({ received: 4, stored: 0 });
    });

    it("a value holding only errors[] (Meta's errors webhook) is recorded, not discarded", async () => {
      const error = { code: 130429, title: 'Rate limit hit', message: 'Rate limit hit', error_data: { details: `Message failed to send because there were too many messages sent from this phone number in a short period of time (${wamid()})` } };
      const res = await postMeta(app, metaRawPayload({ errors: [error] })).expect(200);
      expect(res.body.data).toEqual({ received: 1, stored: 1 });
      const [recorded] = (await events({ kind: 'error' })).filter((r: any) => r.error.includes(error.error_data.details));
      expect(recorded).toMatchObject({ provider: 'meta', outcome: 'recorded', payload: { phoneNumberId: '1234567890', errors: [{ code: '130429', title: 'Rate limit hit' }] } });
      expect(recorded.appliedAt).toBeTruthy();
    });

    it('a signed envelope that does not read at all is kept whole, 200', async () => {
      const body = { object: 'whatsapp_business_account', entry: `not a list (${wamid()})` };
      await postMeta(app, body).expect(200);
      const [kept] = (await events({ kind: 'unreadable' })).filter((r: any) => r.payload.raw?.entry === body.entry);
      expect(kept).toMatchObject({ outcome: 'unreadable', payload: { path: 'entry', raw: body } });
    });

    it('Twilio: a signed form without MessageSid is stored and flagged, answered with TwiML', async () => {
      const { MessageSid: _m, SmsMessageSid: _s, SmsSid: _t, ...form } = twilioInbound('+5215512345678', { Body: `sin id ${wamid()}` });
      const res = await postTwilio(app, form).expect(200);
      expect(res.text).toContain('<Response>');
      const [kept] = (await events({ provider: 'twilio', kind: 'unreadable' })).filter((r: any) => r.payload.raw?.Body === form.Body);
      expect(kept).toMatchObject({ outcome: 'unreadable', error: 'MessageSid: MessageSid is required', payload: { raw: form } });
    });

    it('an unsigned or wrongly signed request is still refused, nothing stored', async () => {
      const before = await count(app.strapi, UID.webhookEvent);
      await postMeta(app, metaRawPayload({ errors: [{ code: 1, title: 'x' }] }), { signature: null }).expect(401);
      await postMeta(app, metaRawPayload({ errors: [{ code: 1, title: 'x' }] }), { signature: `sha256=${'0'.repeat(64)}` }).expect(403);
      expect(await count(app.strapi, UID.webhookEvent)).toBe(before);
    });
  });

  describe('3. customers known only by their business-scoped user id', () => {
    it('a message with only a BSUID: a contact of its own (no number), its conversation and message; replies go to `recipient`; statuses by recipient_user_id apply', async () => {
      const userId = bsuid('MX');
      const value = metaFromUserId(userId, 'Valeria Ortiz', { type: 'text', text: { body: 'Hola, vi su catálogo' } }, '@valeria.ortiz');
      await postMeta(app, metaRawPayload(value)).expect(200);
      await settleWebhooks(app.strapi);
      const contact = await contactWhere({ providerUserId: userId });
      expect(contact).toMatchObject({ phone: null, username: '@valeria.ortiz', profileName: 'Valeria Ortiz', source: 'inbound', isLead: true });
      const message = await inboundBy(value.messages[0].id);
      expect(message).toMatchObject({ contactId: contact.id, from: userId, body: 'Hola, vi su catálogo' });

      // A second message: the same contact and conversation.
      const second = metaFromUserId(userId, 'Valeria Ortiz', { type: 'text', text: { body: '¿Tienen envío?' } }, '@valeria.ortiz');
      await postMeta(app, metaRawPayload(second)).expect(200);
      await settleWebhooks(app.strapi);
      expect(await count(app.strapi, UID.contact, { providerUserId: userId })).toBe(1);
      expect((await inboundBy(second.messages[0].id)).conversationId).toBe(message.conversationId);

      // The inbox and the contacts API show them.
      const list = await adminApi('get', `/inbox/conversations?filters[search]=${encodeURIComponent('@valeria')}`).expect(200);
      expect(list.body.data.find((c: any) => c.id === message.conversationId).contact).toMatchObject({ phone: null, providerUserId: userId, username: '@valeria.ortiz', name: 'Valeria Ortiz' });
      const rest = await app.http().get(`/api/whatsapp/contacts/${contact.id}`).set('Authorization', token).expect(200);
      expect(rest.body.data).toMatchObject({ phone: null, providerUserId: userId });
      await app.http().get('/api/whatsapp/contacts?pagination[pageSize]=100').set('Authorization', token).expect(200);

      // The reply: Meta's `recipient`, no `to`.
      const reply = await adminApi('post', `/inbox/conversations/${message.conversationId}/messages`).send({ data: { body: 'Sí, a todo el país' } }).expect(201);
      expect(reply.body.data).toMatchObject({ to: userId, contactId: contact.id });
      const [sent] = await fakes.meta.waitForSent(1);
      expect(sent.payload).toMatchObject({ recipient: userId, type: 'text', text: { body: 'Sí, a todo el país' }, biz_opaque_callback_data: String(reply.body.data.id) });
      expect('to' in sent.payload).toBe(false);
      await waitForStatus(app.strapi, reply.body.data.id, ['sent']);

      // Meta's statuses for it carry recipient_user_id and no recipient_id.
      const { recipient_id: _r, ...delivered } = metaStatus(sent.id, 'delivered', { ourId: reply.body.data.id });
      await postMeta(app, metaPayload({ statuses: [{ ...delivered, recipient_user_id: userId }] })).expect(200);
      await settleWebhooks(app.strapi);
      expect(await messageRow(app.strapi, reply.body.data.id)).toMatchObject({ deliveryStatus: 'delivered', providerMessageId: sent.id });
    });

    it('the number arriving later (wa_id and user_id together) completes the same contact', async () => {
      const userId = bsuid('AR');
      await postMeta(app, metaRawPayload(metaFromUserId(userId, 'Tomás', { type: 'text', text: { body: 'Hola' } }))).expect(200);
      await settleWebhooks(app.strapi);
      const waId = `54911${String(numbers++).padStart(8, '0').slice(-8)}`;
      const both = {
        contacts: [{ profile: { name: 'Tomás' }, wa_id: waId, user_id: userId }],
        messages: [{ from: waId, from_user_id: userId, id: wamid(), timestamp: unix(), type: 'text', text: { body: 'Soy yo otra vez' } }],
      };
      await postMeta(app, metaRawPayload(both)).expect(200);
      await settleWebhooks(app.strapi);
      const contact = await contactWhere({ providerUserId: userId });
      expect(contact.phone).toBe(`+${waId}`);
      expect(await count(app.strapi, UID.message, { contactId: contact.id, direction: 'in' })).toBe(2);
    });

    it('a message naming nobody but a contacts[] user_id (Meta\'s shared-contact example) still finds its sender', async () => {
      const userId = bsuid('US');
      const value = {
        contacts: [{ profile: { name: 'Sheena Nelson', username: '@sheena' }, user_id: userId }],
        messages: [{ id: wamid(), timestamp: unix(), type: 'contacts', origin: 'contact_request/other', contacts: [{ vcard: 'BEGIN:VCARD\nVERSION:3.0\nTEL:+16505551234\nEND:VCARD', phones: [{ phone: '+16505551234' }] }] }],
      };
      await postMeta(app, metaRawPayload(value)).expect(200);
      await settleWebhooks(app.strapi);
      const message = await inboundBy(value.messages[0].id);
      expect(message).toMatchObject({ from: userId, body: '📇 Contacto: +16505551234', content: { kind: 'contacts', contacts: value.messages[0].contacts } });
      expect(await contactWhere({ id: message.contactId })).toMatchObject({ providerUserId: userId, phone: null });
    });
  });

  describe('5. body limits: webhooks up to 5 MB, every other route 1 MB', () => {
    /** Changes of a field Meta sends to the same webhook that the parser skips (a display-name review), to make a body big. */
    const padding = (bytes: number) =>
      Array.from({ length: Math.ceil(bytes / 10_000) }, (_, i) => ({
        id: '102290129340398',
        changes: [
          {
            field: 'phone_number_name_update',
            value: { display_phone_number: '15550001111', decision: 'APPROVED', requested_verified_name: 'x'.repeat(9_900), rejection_reason: null, sequence: i },
          },
        ],
      }));

    it('a signed Meta webhook of 2.5 MB is read, stored and applied', async () => {
      const id = wamid();
      const message = await outbound({ providerMessageId: id });
      const body = metaPayload({ statuses: [metaStatus(id, 'delivered')] });
      (body.entry as unknown[]).push(...padding(2_500_000));
      const raw = metaJson(body);
      expect(raw.length).toBeGreaterThan(2_500_000);
      const res = await postMeta(app, body, { raw }).expect(200);
      expect(res.body.data).toEqual({ received: 1, stored: 1 });
      await settleWebhooks(app.strapi);
      expect((await messageRow(app.strapi, message.id)).deliveryStatus).toBe('delivered');
    });

    it('over 5 MB: 413 naming the webhook limit; nothing stored', async () => {
      const body = metaPayload({ statuses: [metaStatus(wamid(), 'delivered')] });
      (body.entry as unknown[]).push(...padding(5_300_000));
      const raw = metaJson(body);
      const before = await count(app.strapi, UID.webhookEvent);
      const res = await app.http().post('/api/whatsapp/webhooks/meta').set('Content-Type', 'application/json').set('X-Hub-Signature-256', signMeta(process.env.META_APP_SECRET!, raw)).send(raw);
      expect(res.status).toBe(413);
      expect(res.body.error.message).toContain('5mb');
      expect(await count(app.strapi, UID.webhookEvent)).toBe(before);
    });

    it('a Twilio form over 56 KB (koa-body\'s form default) is read on the webhook route: a 4,096-character text from an ad', async () => {
      // WhatsApp's longest text, every character 12 bytes once percent-encoded, with the ad's fields.
      const text = '🚗'.repeat(4096);
      const form = twilioInbound('+5215512345678', {
        Body: text,
        ReferralHeadline: 'Afinación de temporada',
        ReferralBody: 'Revisión de frenos, suspensión y dirección; cambio de aceite sintético; alineación y balanceo. '.repeat(80),
        ReferralSourceType: 'ad',
        ReferralSourceId: '120210000000000001',
        ReferralSourceUrl: 'https://fb.me/taller-ad',
        ReferralCtwaClid: 'ARAkLkA8rmlFeiCktEJQ',
      });
      expect(new URLSearchParams(form as Record<string, string>).toString().length).toBeGreaterThan(56 * 1024);
      await postTwilio(app, form).expect(200);
      await settleWebhooks(app.strapi);
      expect((await inboundBy(String(form.MessageSid))).body).toBe(`${text}\n📣 Desde anuncio: Afinación de temporada`);
    });

    it('the rest of the API keeps its 1 MB limit', async () => {
      const res = await app
        .http()
        .post('/api/whatsapp/contacts')
        .set('Authorization', token)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ data: { phone: '+525512349999', name: 'x'.repeat(1_100_000) } }));
      expect(res.status).toBe(413);
    });
  });
});
