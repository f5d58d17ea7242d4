/**
 * Step 4, replies and the shared inbox: inbound messages of every type land in conversations
 * with unread counts; a new number becomes a lead once; Mexico's 521 wa_id finds the +52 contact;
 * opt-out / opt-in keywords; follow-ups from replies about business records; the inbox API
 * (list, thread, reply inside / outside the 24-hour window, assign, close); live events; RBAC.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { count, messageRow, UID } from './helpers/whatsapp';
import { openEventStream } from './helpers/sse';
import { TEST_CREDENTIALS } from './fakes';
import {
  INBOX_UID,
  metaInbound,
  metaPayload,
  metaText,
  postMeta,
  postTwilio,
  settleWebhooks,
  twilioInbound,
  twilioSid,
  wamid,
} from './helpers/webhooks';

const promo = { name: 'promo_buen_fin', category: 'marketing', body: '¡{{nombre}}, 20% de descuento en servicio este fin!' };

const env = {
  PUBLIC_URL: 'https://crm.example.com',
  WHATSAPP_SANDBOX: 'true',
  WHATSAPP_LEAD_CONTENT_TYPE: 'api::customer.customer',
  TWILIO_ACCOUNT_SID: TEST_CREDENTIALS.twilioAccountSid,
  TWILIO_AUTH_TOKEN: TEST_CREDENTIALS.twilioAuthToken,
  TWILIO_WHATSAPP_FROM: TEST_CREDENTIALS.twilioWhatsAppFrom,
  META_ACCESS_TOKEN: TEST_CREDENTIALS.metaAccessToken,
  META_PHONE_NUMBER_ID: TEST_CREDENTIALS.metaPhoneNumberId,
  META_WHATSAPP_NUMBER: TEST_CREDENTIALS.metaWhatsAppNumber,
};

describe('inbound messages and the inbox', () => {
  let app: TestApp;
  let admin: string;
  let token: string;
  let metaSender: any;
  let twilioSender: any;
  let numbers = 10_000_000;
  /** A fresh Mexican mobile: the E.164 number and Meta's 521 wa_id. */
  const newNumber = () => {
    numbers += 1;
    const national = `55${numbers}`;
    return { e164: `+52${national}`, waId: `521${national}` };
  };

  const contactByPhone = (phone: string) => app.strapi.db.query(UID.contact as any).findOne({ where: { phone } });
  const conversationOf = async (phone: string, senderId = metaSender.id) => {
    const contact = await contactByPhone(phone);
    return contact ? app.strapi.db.query(INBOX_UID.conversation as any).findOne({ where: { contactId: contact.id, senderId } }) : null;
  };
  const inboundBy = (providerMessageId: string) => app.strapi.db.query(UID.message as any).findOne({ where: { providerMessageId } });
  const sendMeta = async (...values: Parameters<typeof metaPayload>) => {
    await postMeta(app, metaPayload(...values)).expect(200);
    await settleWebhooks(app.strapi);
  };
  const adminApi = (method: 'get' | 'post' | 'put', path: string, auth = admin) => app.http()[method](`/whatsapp${path}`).set('Authorization', auth);

  /** One of our messages to this contact as the dispatcher leaves it after sending. */
  const sentMessage = async (contactId: number, data: Record<string, unknown>) => {
    const now = new Date();
    return app.strapi.db.query(UID.message as any).create({
      data: { direction: 'out', contactId, senderId: metaSender.id, to: '', from: metaSender.number, body: 'Hola', category: 'utility', channel: 'whatsapp', deliveryStatus: 'delivered', attempts: 1, dueAt: now, sentAt: now, createdAt: now, updatedAt: now, ...data },
    });
  };

  beforeAll(async () => {
    app = await startStrapi({ env });
    admin = await createAdminJwt(app);
    token = await createApiToken(app.strapi);
    const senders = await app.strapi.db.query(UID.sender as any).findMany({});
    metaSender = senders.find((s: any) => s.provider === 'meta');
    twilioSender = senders.find((s: any) => s.provider === 'twilio');
    // Every test may use these two templates, whichever runs first.
    await app.http().post('/api/whatsapp/templates').set('Authorization', token).send({ data: promo }).expect(201);
    await app.http().post('/api/whatsapp/templates').set('Authorization', token).send({ data: { name: 'recordatorio', category: 'utility', body: 'Hola {{nombre}}, le recordamos su cita.' } }).expect(201);
  });
  afterAll(async () => {
    await app?.stop();
  });

  describe('inbound of each type', () => {
    const { e164, waId } = newNumber();
    const metaCases: Array<[string, Record<string, unknown>, string, Record<string, unknown> | null]> = [
      ['text', { type: 'text', text: { body: 'Hola, ¿tienen cita mañana?' } }, 'Hola, ¿tienen cita mañana?', null],
      ['image', { type: 'image', image: { caption: 'Así quedó la defensa', mime_type: 'image/jpeg', sha256: 'abc=', id: '1190' } }, 'Así quedó la defensa', { kind: 'image', mime: 'image/jpeg', mediaId: '1190', caption: 'Así quedó la defensa' }],
      ['document', { type: 'document', document: { filename: 'factura.pdf', mime_type: 'application/pdf', sha256: 'def=', id: '1191' } }, 'factura.pdf', { kind: 'document', mime: 'application/pdf', mediaId: '1191', filename: 'factura.pdf' }],
      ['audio', { type: 'audio', audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'ghi=', id: '1192', voice: true } }, '[audio]', { kind: 'audio', mime: 'audio/ogg; codecs=opus', mediaId: '1192' }],
      ['video', { type: 'video', video: { mime_type: 'video/mp4', sha256: 'jkl=', id: '1193' } }, '[video]', { kind: 'video', mime: 'video/mp4', mediaId: '1193' }],
      ['location', { type: 'location', location: { latitude: 19.4326, longitude: -99.1332, name: 'Taller Centro', address: 'Av. Juárez 10, CDMX' } }, '📍 19.4326, -99.1332 — Taller Centro — Av. Juárez 10, CDMX', { kind: 'location', latitude: 19.4326, longitude: -99.1332, name: 'Taller Centro', address: 'Av. Juárez 10, CDMX' }],
      ['button', { type: 'button', button: { text: 'Confirmar cita', payload: 'CONFIRM_APPT' } }, 'Confirmar cita', { kind: 'button', text: 'Confirmar cita', payload: 'CONFIRM_APPT' }],
      ['interactive button', { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes-1', title: 'Sí, adelante' } } }, 'Sí, adelante', { kind: 'interactive', replyType: 'button_reply', id: 'yes-1', title: 'Sí, adelante' }],
      ['interactive list', { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'slot-10', title: '10:00', description: 'Lunes' } } }, '10:00', { kind: 'interactive', replyType: 'list_reply', id: 'slot-10', title: '10:00', description: 'Lunes' }],
      ['reaction', { type: 'reaction', reaction: { message_id: 'wamid.ours', emoji: '👍' } }, '👍', { kind: 'reaction', emoji: '👍', messageId: 'wamid.ours' }],
    ];

    it.each(metaCases)('Meta %s', async (_type, message, body, media) => {
      const value = metaInbound(waId, 'Rosa Díaz', message);
      await sendMeta(value);
      const row = await inboundBy((value.messages as any)[0].id);
      expect(row).toMatchObject({ direction: 'in', deliveryStatus: 'received', provider: 'meta', from: e164, senderId: metaSender.id, body });
      expect(row.receivedAt).toBeTruthy();
      expect(row.media).toEqual(media);
      const conversation = await conversationOf(e164);
      expect(row.conversationId).toBe(conversation.id);
    });

    it('every one of them counted unread in one conversation; the contact is a lead with the profile name', async () => {
      // Its own number, so it does not depend on the cases above having run.
      const own = newNumber();
      for (const [, message] of metaCases) await sendMeta(metaInbound(own.waId, 'Rosa Díaz', message));
      const conversation = await conversationOf(own.e164);
      expect(conversation).toMatchObject({ unreadCount: metaCases.length, state: 'open', lastMessagePreview: '👍' });
      expect(conversation.lastInboundAt).toBeTruthy();
      const contact = await contactByPhone(own.e164);
      expect(contact).toMatchObject({ isLead: true, source: 'inbound', profileName: 'Rosa Díaz', name: 'Rosa Díaz' });
      expect(contact.lastInboundAt).toBeTruthy();
    });

    const twilioNumber = newNumber();
    const twilioCases: Array<[string, Record<string, string>, string, Record<string, unknown> | null]> = [
      ['text', { Body: 'Buenas tardes, ¿ya está mi camioneta?' }, 'Buenas tardes, ¿ya está mi camioneta?', null],
      ['image', { NumMedia: '1', MediaContentType0: 'image/jpeg', MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages/MM1/Media/ME1', MessageType: 'image', Body: '' }, '[image]', { kind: 'image', mime: 'image/jpeg', url: 'https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages/MM1/Media/ME1' }],
      ['document', { NumMedia: '1', MediaContentType0: 'application/pdf', MediaUrl0: 'https://api.twilio.com/media/ME2', MessageType: 'document', Body: 'Mi póliza' }, 'Mi póliza', { kind: 'document', mime: 'application/pdf', url: 'https://api.twilio.com/media/ME2', caption: 'Mi póliza' }],
      ['location', { Latitude: '-34.6037', Longitude: '-58.3816', Address: 'Av. Corrientes 1234', Label: 'Sucursal', MessageType: 'location' }, '📍 -34.6037, -58.3816 — Sucursal — Av. Corrientes 1234', { kind: 'location', latitude: -34.6037, longitude: -58.3816, name: 'Sucursal', address: 'Av. Corrientes 1234' }],
      ['button', { ButtonText: 'Reagendar', ButtonPayload: 'RESCHEDULE', MessageType: 'button', Body: 'Reagendar' }, 'Reagendar', { kind: 'button', text: 'Reagendar', payload: 'RESCHEDULE' }],
    ];

    it.each(twilioCases)('Twilio %s', async (_type, params, body, media) => {
      const form = twilioInbound(twilioNumber.e164, { ProfileName: 'Pedro', ...params });
      await postTwilio(app, form).expect(200);
      await settleWebhooks(app.strapi);
      const row = await inboundBy(String(form.MessageSid));
      expect(row).toMatchObject({ direction: 'in', deliveryStatus: 'received', provider: 'twilio', from: twilioNumber.e164, senderId: twilioSender.id, body });
      expect(row.media).toEqual(media);
    });

    it('a repeated inbound delivery is one message', async () => {
      const value = metaText(waId, 'Rosa Díaz', 'Perdón, lo mando otra vez');
      const before = await count(app.strapi, UID.message);
      await sendMeta(value);
      await sendMeta(value);
      const form = twilioInbound(twilioNumber.e164, { Body: 'repetido' });
      await postTwilio(app, form).expect(200);
      await postTwilio(app, form).expect(200);
      await settleWebhooks(app.strapi);
      expect(await count(app.strapi, UID.message)).toBe(before + 2);
    });
  });

  describe('phone numbers and new leads', () => {
    it("Meta's 521 wa_id lands on the contact known as 55 1234 5678; Twilio's whatsapp:+52 1 too", async () => {
      const created = await app.http().post('/api/whatsapp/contacts').set('Authorization', token).send({ data: { phone: '55 1234 5678', name: 'María López' } }).expect(201);
      expect(created.body.data.phone).toBe('+525512345678');
      await sendMeta(metaText('5215512345678', 'Mari', 'Hola, soy María'));
      await postTwilio(app, twilioInbound('+5215512345678', { Body: 'Y por Twilio también', ProfileName: 'Mari' })).expect(200);
      await settleWebhooks(app.strapi);
      expect(await count(app.strapi, UID.contact, { phone: { $contains: '5512345678' } })).toBe(1);
      const contact = await contactByPhone('+525512345678');
      // Known contacts keep their name and are not turned into leads.
      expect(contact).toMatchObject({ id: created.body.data.id, name: 'María López', profileName: 'Mari', isLead: false, source: 'api' });
      expect(contact.lastInboundAt).toBeTruthy();
      expect(await count(app.strapi, UID.message, { contactId: contact.id, direction: 'in' })).toBe(2);
    });

    it("Argentina's 549 wa_id lands on the +549 contact", async () => {
      await app.http().post('/api/whatsapp/contacts').set('Authorization', token).send({ data: { phone: '+54 11 2345-6789', name: 'Lucas' } }).expect(201);
      await sendMeta(metaText('5491123456789', 'Lucas', 'Che, ¿cuánto sale?'));
      expect(await count(app.strapi, UID.contact, { phone: '+5491123456789' })).toBe(1);
      expect((await contactByPhone('+5491123456789')).lastInboundAt).toBeTruthy();
    });

    it('two first messages from a new number at the same moment: one contact, one lead record, both messages', async () => {
      const { e164, waId } = newNumber();
      const first = metaText(waId, 'Andrea Ruiz', 'Hola');
      const second = metaText(waId, 'Andrea Ruiz', '¿Me pueden cotizar un servicio?');
      const twilioFirst = twilioInbound(e164, { Body: 'También por aquí', ProfileName: 'Andrea Ruiz' });
      await Promise.all([postMeta(app, metaPayload(first)).expect(200), postMeta(app, metaPayload(second)).expect(200), postTwilio(app, twilioFirst).expect(200)]);
      await settleWebhooks(app.strapi);
      expect(await count(app.strapi, UID.contact, { phone: e164 })).toBe(1);
      const contact = await contactByPhone(e164);
      expect(contact).toMatchObject({ isLead: true, source: 'inbound', profileName: 'Andrea Ruiz', relatedType: 'api::customer.customer' });
      expect(await count(app.strapi, UID.message, { contactId: contact.id, direction: 'in' })).toBe(3);
      expect((await conversationOf(e164)).unreadCount).toBe(2);
      // WHATSAPP_LEAD_CONTENT_TYPE: one record in the host application, linked from the contact.
      const customers = await app.strapi.documents('api::customer.customer' as any).findMany({ filters: { phone: e164 } });
      expect(customers).toEqual([expect.objectContaining({ name: 'Andrea Ruiz', phone: e164, documentId: contact.relatedId })]);
    });
  });

  // One process, two concurrent calls: the race two instances would run on the shared database
  // (the unique phone index and the conversation's), without a second process. Several real
  // processes on one database are in dispatcher-instances.test.ts and live-instances.test.ts.
  it('two concurrent applies of first messages from one new number: still one contact, conversation and lead record', async () => {
    const { e164, waId } = newNumber();
    const inbound = app.strapi.plugin('whatsapp').service('inbound');
    const event = (text: string) => {
      const id = wamid();
      return {
        kind: 'message',
        key: id,
        providerMessageId: id,
        from: waId,
        profileName: 'Gael Torres',
        to: '15550001111',
        phoneNumberId: '1234567890',
        at: new Date().toISOString(),
        type: 'text',
        text,
        keywordCandidates: [text],
        content: null,
        replyTo: null,
      };
    };
    // Straight to the service, concurrently.
    const results = await Promise.all([inbound.receive('meta', event('Hola'), new Date()), inbound.receive('meta', event('¿Hay alguien?'), new Date())]);
    expect(results.every((r: any) => r.created)).toBe(true);
    expect(await count(app.strapi, UID.contact, { phone: e164 })).toBe(1);
    const contact = await contactByPhone(e164);
    expect(await count(app.strapi, INBOX_UID.conversation, { contactId: contact.id })).toBe(1);
    expect((await conversationOf(e164)).unreadCount).toBe(2);
    expect(await app.strapi.documents('api::customer.customer' as any).count({ filters: { phone: e164 } })).toBe(1);
    expect(contact.relatedId).toBeTruthy();
  });

  describe('opt-out and opt-in keywords', () => {
    it.each([['stop'], [' Baja '], ['no más'], ['NO MAS!'], ['Cancelar.'], ['unsubscribe']])('"%s" revokes marketing consent, cancels pending marketing and confirms', async (text) => {
      const { e164, waId } = newNumber();
      const created = await app.http().post('/api/whatsapp/contacts').set('Authorization', token).send({ data: { phone: e164, name: 'Cliente' } }).expect(201);
      await app.http().post(`/api/whatsapp/contacts/${created.body.data.id}/consent`).set('Authorization', token).send({ data: { purpose: 'marketing', granted: true, method: 'form' } }).expect(201);
      const later = new Date(Date.now() + 3600_000).toISOString();
      const marketing = await app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data: { to: e164, template: 'promo_buen_fin', variables: { nombre: 'Cliente' }, sendAt: later } }).expect(201);
      const utility = await app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data: { to: e164, template: 'recordatorio', variables: { nombre: 'Cliente' }, sendAt: later } }).expect(201);

      const value = metaText(waId, 'Cliente', text);
      await sendMeta(value);
      const inbound = await inboundBy((value.messages as any)[0].id);
      const contact = await contactByPhone(e164);
      expect(contact.marketingConsent).toBe(false);
      expect(contact.optedOutAt).toBeTruthy();
      const ledger = await app.strapi.db.query(UID.consent as any).findMany({ where: { contactId: contact.id }, orderBy: { id: 'desc' } });
      expect(ledger[0]).toMatchObject({ purpose: 'marketing', granted: false, method: 'keyword' });
      expect(ledger[0].evidence).toContain(`message ${inbound.id}`);
      expect(ledger[0].evidence).toContain(text);

      expect(await messageRow(app.strapi, marketing.body.data.id)).toMatchObject({ deliveryStatus: 'cancelled' });
      expect((await messageRow(app.strapi, utility.body.data.id)).deliveryStatus).toBe('scheduled');

      const confirmations = await app.strapi.db.query(UID.message as any).findMany({ where: { contactId: contact.id, direction: 'out', idempotencyKey: { $notNull: true } } });
      expect(confirmations).toEqual([
        expect.objectContaining({ category: 'service', conversationId: inbound.conversationId, body: expect.stringMatching(/ya no te enviaremos promociones.*ALTA/) }),
      ]);
    });

    it('START / ALTA opt back in, also confirmed; a sentence that merely contains a keyword does nothing', async () => {
      const { e164, waId } = newNumber();
      await sendMeta(metaText(waId, 'Jorge', 'BAJA'));
      const contact = await contactByPhone(e164);
      expect(contact.marketingConsent).toBe(false);

      await sendMeta(metaText(waId, 'Jorge', 'por favor no me den de baja'));
      expect((await contactByPhone(e164)).marketingConsent).toBe(false);
      expect(await count(app.strapi, UID.consent, { contactId: contact.id })).toBe(1);

      await sendMeta(metaText(waId, 'Jorge', 'Alta'));
      expect((await contactByPhone(e164)).marketingConsent).toBe(true);
      const ledger = await app.strapi.db.query(UID.consent as any).findMany({ where: { contactId: contact.id }, orderBy: { id: 'asc' } });
      expect(ledger.map((e: any) => [e.granted, e.method])).toEqual([
        [false, 'keyword'],
        [true, 'keyword'],
      ]);
      const replies = await app.strapi.db.query(UID.message as any).findMany({ where: { contactId: contact.id, direction: 'out' }, orderBy: { id: 'asc' } });
      expect(replies.map((m: any) => m.body)).toEqual([expect.stringMatching(/ya no te enviaremos/), expect.stringMatching(/Volverás a recibir/)]);
    });

    it('a quick-reply button whose payload is STOP counts too (Twilio)', async () => {
      const { e164 } = newNumber();
      await postTwilio(app, twilioInbound(e164, { ButtonText: 'Ya no quiero promociones', ButtonPayload: 'STOP', MessageType: 'button', Body: 'Ya no quiero promociones' })).expect(200);
      await settleWebhooks(app.strapi);
      const contact = await contactByPhone(e164);
      expect(contact.optedOutAt).toBeTruthy();
      expect(await count(app.strapi, UID.message, { contactId: contact.id, direction: 'out' })).toBe(1);
    });
  });

  describe('follow-ups', () => {
    it('a reply quoting our message about a work order (Meta context.id) creates one follow-up linked to the record and the conversation', async () => {
      const { e164, waId } = newNumber();
      await sendMeta(metaText(waId, 'Sofía', 'Hola'));
      const contact = await contactByPhone(e164);
      const ours = await sentMessage(contact.id, { to: e164, provider: 'meta', providerMessageId: wamid(), relatedType: 'api::work-order.work-order', relatedId: 'wo-doc-1001', body: 'Su vehículo está listo' });

      const reply = metaText(waId, 'Sofía', 'Paso por él a las 5', { context: { from: '15550001111', id: ours.providerMessageId } });
      await sendMeta(reply);
      const inbound = await inboundBy((reply.messages as any)[0].id);
      const conversation = await conversationOf(e164);
      const followUps = await app.strapi.db.query(INBOX_UID.followUp as any).findMany({ where: { contactId: contact.id } });
      expect(followUps).toEqual([
        expect.objectContaining({
          state: 'open',
          conversationId: conversation.id,
          messageId: inbound.id,
          replyToMessageId: ours.id,
          relatedType: 'api::work-order.work-order',
          relatedId: 'wo-doc-1001',
          title: expect.stringContaining('Paso por él a las 5'),
        }),
      ]);
      expect(followUps[0].due).toBeTruthy();
      expect(conversation).toMatchObject({ relatedType: 'api::work-order.work-order', relatedId: 'wo-doc-1001' });
      expect(inbound).toMatchObject({ relatedType: 'api::work-order.work-order', relatedId: 'wo-doc-1001' });

      // Another reply to the same message while the task is open: still one task.
      await sendMeta(metaText(waId, 'Sofía', '¿Cuánto fue al final?', { context: { from: '15550001111', id: ours.providerMessageId } }));
      expect(await count(app.strapi, INBOX_UID.followUp, { contactId: contact.id })).toBe(1);
    });

    it('without a quote: the latest recent message tied to a record is the one answered', async () => {
      const { e164, waId } = newNumber();
      await sendMeta(metaText(waId, 'Iván', 'Hola'));
      const contact = await contactByPhone(e164);
      await sentMessage(contact.id, { to: e164, provider: 'meta', providerMessageId: wamid(), relatedType: 'api::quote.quote', relatedId: 'quote-old', createdAt: new Date(Date.now() - 8 * 86400_000) });
      const ours = await sentMessage(contact.id, { to: e164, provider: 'meta', providerMessageId: wamid(), relatedType: 'api::quote.quote', relatedId: 'quote-77' });
      await sentMessage(contact.id, { to: e164, provider: 'meta', providerMessageId: wamid() });
      await sendMeta(metaText(waId, 'Iván', 'Acepto la cotización'));
      const followUps = await app.strapi.db.query(INBOX_UID.followUp as any).findMany({ where: { contactId: contact.id } });
      expect(followUps).toEqual([expect.objectContaining({ replyToMessageId: ours.id, relatedType: 'api::quote.quote', relatedId: 'quote-77' })]);
    });

    it('no follow-up for a reply to nothing linked, or older than 7 days', async () => {
      const { e164, waId } = newNumber();
      await sendMeta(metaText(waId, 'Raúl', 'Hola'));
      const contact = await contactByPhone(e164);
      await sentMessage(contact.id, { to: e164, provider: 'meta', providerMessageId: wamid(), relatedType: 'api::quote.quote', relatedId: 'q-1', createdAt: new Date(Date.now() - 8 * 86400_000) });
      await sendMeta(metaText(waId, 'Raúl', 'Gracias'));
      expect(await count(app.strapi, INBOX_UID.followUp, { contactId: contact.id })).toBe(0);
    });

    it('a reply to a template marked createsFollowUp (Twilio OriginalRepliedMessageSid) creates one; staff list it and mark it done', async () => {
      const template = await app.http().post('/api/whatsapp/templates').set('Authorization', token).send({ data: { name: 'encuesta', category: 'utility', body: '¿Cómo calificaría el servicio?', createsFollowUp: true } }).expect(201);
      const { e164 } = newNumber();
      await postTwilio(app, twilioInbound(e164, { Body: 'hola' })).expect(200);
      await settleWebhooks(app.strapi);
      const contact = await contactByPhone(e164);
      const sid = twilioSid();
      const ours = await sentMessage(contact.id, { to: e164, senderId: twilioSender.id, provider: 'twilio', providerMessageId: sid, templateId: template.body.data.id, templateName: 'encuesta' });
      await postTwilio(app, twilioInbound(e164, { Body: 'Excelente, gracias', OriginalRepliedMessageSid: sid, OriginalRepliedMessageSender: 'whatsapp:+14155238886' })).expect(200);
      await settleWebhooks(app.strapi);

      const list = await adminApi('get', '/inbox/follow-ups?filters[status]=open&pagination[pageSize]=100').expect(200);
      const mine = list.body.data.filter((f: any) => f.contactId === contact.id);
      expect(mine).toEqual([expect.objectContaining({ status: 'open', replyToMessageId: ours.id, related: null, title: expect.stringContaining('Excelente, gracias') })]);
      expect(list.body.meta.pagination.total).toBeGreaterThanOrEqual(1);

      const done = await adminApi('post', `/inbox/follow-ups/${mine[0].id}/done`).expect(200);
      expect(done.body.data).toMatchObject({ status: 'done', doneById: expect.any(Number) });
      expect(done.body.data.doneAt).toBeTruthy();
      const open = await adminApi('get', '/inbox/follow-ups?filters[status]=open&pagination[pageSize]=100').expect(200);
      expect(open.body.data.find((f: any) => f.id === mine[0].id)).toBeUndefined();
    });
  });

  describe('the inbox API', () => {
    let older: { e164: string; waId: string };
    let newer: { e164: string; waId: string };
    let read: { e164: string; waId: string };

    /** Unique per test: the names searched for below belong to this test's conversations only. */
    let tag = '';
    let serial = 0;

    beforeEach(async () => {
      // Three fresh conversations per test: "read" is the most recent but read; unread ones come first anyway.
      serial += 1;
      tag = `${Date.now().toString(36)}${serial}`;
      [older, newer, read] = [newNumber(), newNumber(), newNumber()];
      await sendMeta(metaText(older.waId, `Beatriz Olmos ${tag}`, 'Primero'));
      await sendMeta(metaText(newer.waId, `Carlos Núñez ${tag}`, 'Segundo'));
      await sendMeta(metaText(read.waId, `Diana Pérez ${tag}`, 'Tercero'));
      const conversation = await conversationOf(read.e164);
      await adminApi('get', `/inbox/conversations/${conversation.id}/messages`).expect(200);
    });

    it('lists unread first, then the most recent, with contact, unread count, window and pagination', async () => {
      const res = await adminApi('get', '/inbox/conversations?pagination[pageSize]=100').expect(200);
      const phones = res.body.data.map((c: any) => c.contact.phone);
      const position = (phone: string) => phones.indexOf(phone);
      expect(position(newer.e164)).toBeLessThan(position(older.e164));
      expect(position(older.e164)).toBeLessThan(position(read.e164));
      const firstRead = res.body.data.findIndex((c: any) => c.unreadCount === 0);
      expect(res.body.data.slice(firstRead).every((c: any) => c.unreadCount === 0)).toBe(true);
      expect(res.body.data[position(newer.e164)]).toMatchObject({ unreadCount: 1, status: 'open', windowOpen: true, lastMessagePreview: 'Segundo', contact: { name: `Carlos Núñez ${tag}`, isLead: true } });
      expect(res.body.meta.pagination).toMatchObject({ page: 1, pageSize: 100, total: res.body.data.length });

      const paged = await adminApi('get', '/inbox/conversations?pagination[page]=2&pagination[pageSize]=2').expect(200);
      expect(paged.body.data).toHaveLength(2);
      expect(paged.body.data[0].id).toBe(res.body.data[2].id);
    });

    it('filters: unread, search by name or phone, open / closed, assigned to me', async () => {
      const unread = await adminApi('get', '/inbox/conversations?filters[unread]=true&pagination[pageSize]=100').expect(200);
      expect(unread.body.data.every((c: any) => c.unreadCount > 0)).toBe(true);
      expect(unread.body.data.map((c: any) => c.contact.phone)).not.toContain(read.e164);

      const byName = await adminApi('get', `/inbox/conversations?filters[search]=${encodeURIComponent(`núñez ${tag}`)}`).expect(200);
      expect(byName.body.data.map((c: any) => c.contact.phone)).toEqual([newer.e164]);
      const byPhone = await adminApi('get', `/inbox/conversations?filters[search]=${encodeURIComponent(older.e164.slice(-8))}`).expect(200);
      expect(byPhone.body.data.map((c: any) => c.contact.phone)).toEqual([older.e164]);
      // Digits inside a word are part of a name, not a phone number to match.
      const mixed = await adminApi('get', `/inbox/conversations?filters[search]=${encodeURIComponent(`olmos${older.e164.slice(-4)}`)}&pagination[pageSize]=100`).expect(200);
      expect(mixed.body.data.map((c: any) => c.contact.phone)).not.toContain(older.e164);

      const conversation = await conversationOf(older.e164);
      const closed = await adminApi('post', `/inbox/conversations/${conversation.id}/close`).expect(200);
      expect(closed.body.data.status).toBe('closed');
      const closedList = await adminApi('get', '/inbox/conversations?filters[status]=closed&pagination[pageSize]=100').expect(200);
      expect(closedList.body.data.map((c: any) => c.id)).toContain(conversation.id);
      expect(closedList.body.data.every((c: any) => c.status === 'closed')).toBe(true);
      const openList = await adminApi('get', '/inbox/conversations?filters[status]=open&pagination[pageSize]=100').expect(200);
      expect(openList.body.data.map((c: any) => c.id)).not.toContain(conversation.id);
      // The customer writing again reopens it.
      await sendMeta(metaText(older.waId, 'Beatriz Olmos', '¿Siguen ahí?'));
      expect((await conversationOf(older.e164)).state).toBe('open');
      await adminApi('post', `/inbox/conversations/${conversation.id}/close`).expect(200);
      await adminApi('post', `/inbox/conversations/${conversation.id}/reopen`).expect(200);
      expect((await conversationOf(older.e164)).state).toBe('open');

      const mine = await adminApi('get', '/inbox/conversations?filters[assigned]=me&pagination[pageSize]=100').expect(200);
      expect(mine.body.data.map((c: any) => c.id)).not.toContain(conversation.id);
      const assigned = await adminApi('put', `/inbox/conversations/${conversation.id}/assignee`).send({ data: { assignee: 'me' } }).expect(200);
      expect(assigned.body.data.assigneeId).toEqual(expect.any(Number));
      const mineNow = await adminApi('get', '/inbox/conversations?filters[assigned]=me&pagination[pageSize]=100').expect(200);
      expect(mineNow.body.data.map((c: any) => c.id)).toContain(conversation.id);
      expect(mineNow.body.data.every((c: any) => c.assigneeId === assigned.body.data.assigneeId)).toBe(true);
      const unknown = await adminApi('put', `/inbox/conversations/${conversation.id}/assignee`).send({ data: { assignee: 999999 } }).expect(422);
      expect(unknown.body.error.details.errors[0]).toMatchObject({ path: ['assignee'], rule: 'unknown' });
      await adminApi('put', `/inbox/conversations/${conversation.id}/assignee`).send({ data: { assignee: 'someone' } }).expect(400);
      await adminApi('put', `/inbox/conversations/${conversation.id}/assignee`).send({ data: { assignee: null } }).expect(200);
      expect((await conversationOf(older.e164)).assigneeId).toBeNull();
      const mineAfter = await adminApi('get', '/inbox/conversations?filters[assigned]=me&pagination[pageSize]=100').expect(200);
      expect(mineAfter.body.data.map((c: any) => c.id)).not.toContain(conversation.id);

      await adminApi('get', '/inbox/conversations?filters[status]=archived').expect(400);
    });

    it('reads a thread oldest first, paginated, and marks it read', async () => {
      const conversation = await conversationOf(newer.e164);
      await sendMeta(metaText(newer.waId, 'Carlos Núñez', 'Otra cosa'));
      await sendMeta(metaText(newer.waId, 'Carlos Núñez', 'Y una más'));
      expect((await conversationOf(newer.e164)).unreadCount).toBe(3);
      const page1 = await adminApi('get', `/inbox/conversations/${conversation.id}/messages?pagination[pageSize]=2`).expect(200);
      expect(page1.body.data.map((m: any) => m.body)).toEqual(['Segundo', 'Otra cosa']);
      expect(page1.body.meta.pagination).toMatchObject({ total: 3, pageCount: 2 });
      expect(page1.body.meta.conversation).toMatchObject({ id: conversation.id, unreadCount: 0 });
      const page2 = await adminApi('get', `/inbox/conversations/${conversation.id}/messages?pagination[page]=2&pagination[pageSize]=2`).expect(200);
      expect(page2.body.data.map((m: any) => m.body)).toEqual(['Y una más']);
      expect((await conversationOf(newer.e164)).unreadCount).toBe(0);
      await adminApi('get', '/inbox/conversations/999999/messages').expect(404);
    });

    it('replies with free text inside the 24-hour window, through the conversation\'s number', async () => {
      const conversation = await conversationOf(newer.e164);
      const res = await adminApi('post', `/inbox/conversations/${conversation.id}/messages`).send({ data: { body: 'Hola Carlos, con gusto le ayudo.' } }).expect(201);
      expect(res.body.data).toMatchObject({ direction: 'out', to: newer.e164, senderId: metaSender.id, conversationId: conversation.id, category: 'service', body: 'Hola Carlos, con gusto le ayudo.' });
      expect(['queued', 'sending', 'sent']).toContain(res.body.data.status);
      expect(res.body.meta.conversation).toMatchObject({ lastMessagePreview: 'Hola Carlos, con gusto le ayudo.', unreadCount: 0 });
      const thread = await adminApi('get', `/inbox/conversations/${conversation.id}/messages?pagination[pageSize]=100`).expect(200);
      expect(thread.body.data.at(-1)).toMatchObject({ id: res.body.data.id, direction: 'out' });
    });

    it('outside the window: free text is refused with the reason (422, nothing written), a template goes', async () => {
      const conversation = await conversationOf(older.e164);
      const longAgo = new Date(Date.now() - 25 * 3600_000);
      await app.strapi.db.query(INBOX_UID.conversation as any).update({ where: { id: conversation.id }, data: { lastInboundAt: longAgo } });
      const before = await count(app.strapi, UID.message);
      const refused = await adminApi('post', `/inbox/conversations/${conversation.id}/messages`).send({ data: { body: '¿Sigue interesada?' } }).expect(422);
      expect(refused.body.error.details.errors[0]).toMatchObject({ path: ['body'], rule: 'service-window' });
      expect(refused.body.error.message).toMatch(/24 hours.*template/);
      expect(await count(app.strapi, UID.message)).toBe(before);

      const template = await adminApi('post', `/inbox/conversations/${conversation.id}/messages`).send({ data: { template: 'recordatorio', variables: { nombre: 'Beatriz' } } }).expect(201);
      expect(template.body.data).toMatchObject({ template: 'recordatorio', conversationId: conversation.id, body: 'Hola Beatriz, le recordamos su cita.' });
      await adminApi('post', `/inbox/conversations/${conversation.id}/messages`).send({ data: { body: 'x', colour: 'red' } }).expect(400);
      await adminApi('post', `/inbox/conversations/${conversation.id}/messages`).send({ data: {} }).expect(400);
    });
  });

  describe('live updates (server-sent events)', () => {
    it('an admin with readInbox gets message.created and conversation.updated as soon as a webhook is applied', async () => {
      const stream = await openEventStream(app, '/whatsapp/inbox/events', admin);
      try {
        expect(stream.status).toBe(200);
        expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
        const { waId, e164 } = newNumber();
        const value = metaText(waId, 'Elena', '¿Está abierto hoy?');
        const started = Date.now();
        await postMeta(app, metaPayload(value)).expect(200);
        // Pushed, not polled: it arrives well within the time a poll-based inbox would take
        // (10 s of margin for a busy machine; the stream itself has no timer that could deliver it).
        const created = await stream.next('message.created', (data) => data.message.providerMessageId === (value.messages as any)[0].id, 10_000);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(created.data.message).toMatchObject({ direction: 'in', body: '¿Está abierto hoy?', from: e164 });
        const updated = await stream.next('conversation.updated', (data) => data.contact?.phone === e164);
        expect(updated.data).toMatchObject({ unreadCount: 1, lastMessagePreview: '¿Está abierto hoy?' });

        // Statuses too.
        const contact = await contactByPhone(e164);
        const id = wamid();
        const ours = await sentMessage(contact.id, { to: e164, provider: 'meta', providerMessageId: id, deliveryStatus: 'sent' });
        await postMeta(app, metaPayload({ statuses: [{ id, status: 'read', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: waId }] })).expect(200);
        const status = await stream.next('message.status', (data) => data.id === ours.id);
        expect(status.data).toMatchObject({ status: 'read' });
        await settleWebhooks(app.strapi);
      } finally {
        stream.close();
      }
    });

    it('streams end when Strapi shuts the bus down (destroy), so nothing is left open', async () => {
      const stream = await openEventStream(app, '/whatsapp/inbox/events', admin);
      expect(stream.comments).toContain('connected');
      const live = app.strapi.plugin('whatsapp').service('live');
      expect(live.connections()).toBeGreaterThanOrEqual(1);
      try {
        live.close();
        await stream.ended;
        expect(live.connections()).toBe(0);
      } finally {
        // Back as at boot, for the tests that run after this one.
        await live.start();
      }
    });
  });

  describe('access', () => {
    it('an editor without the inbox permissions gets 403 on every inbox route; no token gets 401', async () => {
      const editor = await createAdminJwt(app, 'strapi-editor');
      const { e164, waId } = newNumber();
      await sendMeta(metaText(waId, 'Tomás', 'Hola'));
      const conversation = await conversationOf(e164);
      const calls: Array<['get' | 'post' | 'put', string, unknown?]> = [
        ['get', '/inbox/conversations'],
        ['get', `/inbox/conversations/${conversation.id}`],
        ['get', `/inbox/conversations/${conversation.id}/messages`],
        ['post', `/inbox/conversations/${conversation.id}/messages`, { data: { body: 'hola' } }],
        ['put', `/inbox/conversations/${conversation.id}/assignee`, { data: { assignee: 'me' } }],
        ['post', `/inbox/conversations/${conversation.id}/close`],
        ['get', '/inbox/follow-ups'],
        ['post', '/inbox/follow-ups/1/done'],
      ];
      const before = await count(app.strapi, UID.message);
      for (const [method, path, body] of calls) {
        await adminApi(method, path, editor).send(body as object).expect(403);
        await app.http()[method](`/whatsapp${path}`).send(body as object).expect(401);
      }
      const stream = await openEventStream(app, '/whatsapp/inbox/events', editor);
      expect(stream.status).toBe(403);
      stream.close();
      expect(await count(app.strapi, UID.message)).toBe(before);
      // Reading does not mark anything read for someone who may not read.
      expect((await app.strapi.db.query(INBOX_UID.conversation as any).findOne({ where: { id: conversation.id } })).unreadCount).toBe(conversation.unreadCount);
    });
  });
});
