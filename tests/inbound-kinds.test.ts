/**
 * Step 7, inbound fidelity (defect 4): every kind of message a provider delivers keeps its
 * content and shows readably, and the ones that change an earlier message change it instead of
 * adding a placeholder. Edits (Meta `edit`) rewrite the original with its history kept; deletions
 * (`revoke`) mark it, its content hidden in the inbox but kept; reactions attach to the message
 * reacted to; shared contacts, orders, a Flow's answer and an ad referral keep their structured
 * content (`content`); a `system` number change moves the contact to the new number, its thread
 * intact; every Twilio `MediaUrlN` is kept; provider timestamps far from ours never reorder the
 * thread. Payloads as Meta's webhooks reference and Twilio's incoming-message webhook show them.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt } from './helpers/auth';
import { count, UID } from './helpers/whatsapp';
import { TEST_CREDENTIALS } from './fakes';
import {
  INBOX_UID,
  metaInbound,
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

const env = {
  PUBLIC_URL: 'https://crm.example.com',
  WHATSAPP_SANDBOX: 'true',
  TWILIO_ACCOUNT_SID: TEST_CREDENTIALS.twilioAccountSid,
  TWILIO_AUTH_TOKEN: TEST_CREDENTIALS.twilioAuthToken,
  TWILIO_WHATSAPP_FROM: TEST_CREDENTIALS.twilioWhatsAppFrom,
  META_ACCESS_TOKEN: TEST_CREDENTIALS.metaAccessToken,
  META_PHONE_NUMBER_ID: TEST_CREDENTIALS.metaPhoneNumberId,
  META_WHATSAPP_NUMBER: TEST_CREDENTIALS.metaWhatsAppNumber,
};

describe('inbound message kinds', () => {
  let app: TestApp;
  let admin: string;
  let metaSender: any;
  let numbers = 20_000_000 + Math.floor(Math.random() * 70_000_000);
  /** A fresh Mexican mobile: E.164 and Meta's 521 wa_id. */
  const newNumber = () => {
    numbers += 1;
    return { e164: `+5255${numbers}`, waId: `52155${numbers}` };
  };

  const send = async (...values: object[]) => {
    await postMeta(app, metaRawPayload(...(values as Record<string, unknown>[]))).expect(200);
    await settleWebhooks(app.strapi);
  };
  const messageBy = (providerMessageId: string) => app.strapi.db.query(UID.message as any).findOne({ where: { providerMessageId } });
  const eventBy = (eventKey: string) => app.strapi.db.query(UID.webhookEvent as any).findOne({ where: { eventKey } });
  const conversation = (id: number) => app.strapi.db.query(INBOX_UID.conversation as any).findOne({ where: { id } });
  const thread = async (conversationId: number) =>
    (await app.http().get(`/whatsapp/inbox/conversations/${conversationId}/messages?pagination[pageSize]=100`).set('Authorization', admin).expect(200)).body.data;
  /** A customer's first text; returns the stored row. */
  const firstText = async (waId: string, body: string, at = new Date()) => {
    const value = metaInbound(waId, 'Paola Méndez', { type: 'text', text: { body }, timestamp: unix(at) });
    await send(value);
    return messageBy(String((value.messages as any)[0].id));
  };
  /** Reading the thread marks it read: the unread count is checked before. */
  const unread = async (conversationId: number) => (await conversation(conversationId)).unreadCount;

  beforeAll(async () => {
    app = await startStrapi({ env });
    admin = await createAdminJwt(app);
    metaSender = (await app.strapi.db.query(UID.sender as any).findMany({})).find((s: any) => s.provider === 'meta');
  });
  afterAll(async () => {
    await app?.stop();
  });

  describe('edits (Meta `edit`) and deletions (`revoke`) change the original message', () => {
    it('an edit rewrites the message, keeps every version, adds nothing unread', async () => {
      const { waId } = newNumber();
      const original = await firstText(waId, 'Llego a las 9', new Date(Date.now() - 60_000));
      const before = await count(app.strapi, UID.message, { conversationId: original.conversationId });
      const editId = wamid();
      const edit = { contacts: [{ profile: { name: 'Paola Méndez' }, wa_id: waId }], messages: [{ from: waId, id: editId, timestamp: unix(), type: 'edit', edit: { original_message_id: original.providerMessageId, message: { type: 'text', text: { body: 'Llego a las 10' } } } }] };
      await send(edit);

      const row = await messageBy(original.providerMessageId);
      expect(row).toMatchObject({ id: original.id, body: 'Llego a las 10' });
      expect(row.editedAt).toBeTruthy();
      expect(row.editHistory.map((v: any) => [v.body, v.editId])).toEqual([
        ['Llego a las 9', null],
        ['Llego a las 10', editId],
      ]);
      expect(await count(app.strapi, UID.message, { conversationId: original.conversationId })).toBe(before);
      expect(await messageBy(editId)).toBeNull();
      expect(await unread(original.conversationId)).toBe(1);
      expect(await eventBy(editId)).toMatchObject({ outcome: 'applied', messageId: original.id });
      expect((await conversation(original.conversationId)).lastMessagePreview).toBe('Llego a las 10');

      const [shown] = await thread(original.conversationId);
      expect(shown).toMatchObject({ id: original.id, body: 'Llego a las 10', editHistory: [expect.objectContaining({ body: 'Llego a las 9' }), expect.objectContaining({ body: 'Llego a las 10' })] });
      expect(shown.editedAt).toBeTruthy();
    });

    it('edits arriving out of order end on the latest; an edit of a message we never received is kept as a message', async () => {
      const { waId } = newNumber();
      const original = await firstText(waId, 'v1', new Date(Date.now() - 300_000));
      const editAt = (seconds: number, body: string) => ({
        messages: [{ from: waId, id: wamid(), timestamp: unix(new Date(Date.now() - seconds * 1000)), type: 'edit', edit: { original_message_id: original.providerMessageId, message: { type: 'text', text: { body } } } }],
      });
      await send(editAt(10, 'v3'));
      await send(editAt(100, 'v2'));
      const row = await messageBy(original.providerMessageId);
      expect(row.body).toBe('v3');
      expect(row.editHistory.map((v: any) => v.body)).toEqual(['v1', 'v2', 'v3']);

      const orphan = { messages: [{ from: waId, id: wamid(), timestamp: unix(), type: 'edit', edit: { original_message_id: 'wamid.NEVER_SEEN', message: { type: 'text', text: { body: 'Texto corregido' } } } }] };
      await send(orphan);
      const kept = await messageBy(orphan.messages[0].id);
      expect(kept).toMatchObject({ direction: 'in', body: 'Texto corregido', conversationId: original.conversationId });
      expect(kept.editedAt).toBeTruthy();
    });

    it('a deletion marks the message: hidden in the inbox, kept in the database; nothing unread is added', async () => {
      const { waId } = newNumber();
      const original = await firstText(waId, 'Mi tarjeta es 4111 1111 1111 1111');
      await thread(original.conversationId); // read
      const revokeId = wamid();
      await send({ messages: [{ from: waId, id: revokeId, timestamp: unix(), type: 'revoke', revoke: { original_message_id: original.providerMessageId } }] });

      const row = await messageBy(original.providerMessageId);
      expect(row.deletedAt).toBeTruthy();
      expect(row.body).toBe('Mi tarjeta es 4111 1111 1111 1111');
      expect(await messageBy(revokeId)).toBeNull();
      expect(await unread(original.conversationId)).toBe(0);
      expect((await conversation(original.conversationId)).lastMessagePreview).toBe('🚫 Mensaje eliminado');
      const [shown] = await thread(original.conversationId);
      expect(shown).toMatchObject({ id: original.id, body: '🚫 Mensaje eliminado', content: null, media: null });
      expect(shown.deletedAt).toBeTruthy();

      // A deletion of a message we never had: recorded as unmatched.
      const stray = wamid();
      await send({ messages: [{ from: waId, id: stray, timestamp: unix(), type: 'revoke', revoke: { original_message_id: 'wamid.NEVER_SEEN' } }] });
      expect(await eventBy(stray)).toMatchObject({ outcome: 'unmatched', messageId: null });
    });
  });

  describe('reactions attach to the message reacted to', () => {
    it('on one of our messages: kept on it (the latest wins, an empty emoji takes it back), no new bubble', async () => {
      const { waId, e164 } = newNumber();
      const first = await firstText(waId, 'Hola');
      const now = new Date();
      const ourId = wamid();
      const ours = await app.strapi.db.query(UID.message as any).create({
        data: { direction: 'out', contactId: first.contactId, conversationId: first.conversationId, senderId: metaSender.id, to: e164, from: metaSender.number, body: 'Su auto está listo', category: 'utility', channel: 'whatsapp', deliveryStatus: 'read', attempts: 1, provider: 'meta', providerMessageId: ourId, dueAt: now, sentAt: now, createdAt: now, updatedAt: now },
      });
      await thread(first.conversationId);
      const before = await count(app.strapi, UID.message, { conversationId: first.conversationId });
      const react = (emoji: string, at: Date) => ({ contacts: [{ profile: { name: 'Paola' }, wa_id: waId }], messages: [{ from: waId, id: wamid(), timestamp: unix(at), type: 'reaction', reaction: { message_id: ourId, emoji } }] });

      const thumbs = react('👍', new Date(Date.now() - 20_000));
      await send(thumbs);
      let row = await messageBy(ourId);
      expect(row.reaction).toMatchObject({ emoji: '👍', providerMessageId: thumbs.messages[0].id });
      expect(await count(app.strapi, UID.message, { conversationId: first.conversationId })).toBe(before);
      expect(await unread(first.conversationId)).toBe(0);
      expect(await eventBy(thumbs.messages[0].id)).toMatchObject({ outcome: 'applied', messageId: ours.id });

      // An older reaction arriving late does not replace it; a removal (empty emoji) does.
      await send(react('😮', new Date(Date.now() - 60_000)));
      expect((await messageBy(ourId)).reaction.emoji).toBe('👍');
      await send(react('', new Date()));
      row = await messageBy(ourId);
      expect(row.reaction.emoji).toBe('');
      const shown = (await thread(first.conversationId)).find((m: any) => m.id === ours.id);
      expect(shown.reaction).toMatchObject({ emoji: '' });
    });
  });

  describe('contacts, orders, Flow answers and ad referrals keep their content', () => {
    it.each([
      [
        'shared contacts',
        {
          type: 'contacts',
          contacts: [{ name: { formatted_name: 'Juan Pérez', first_name: 'Juan', last_name: 'Pérez' }, phones: [{ phone: '+52 55 1234 5678', wa_id: '5215512345678', type: 'CELL' }], emails: [{ email: 'juan@example.com', type: 'WORK' }] }],
        },
        '📇 Contacto: Juan Pérez +52 55 1234 5678',
        { kind: 'contacts', contacts: [expect.objectContaining({ name: expect.objectContaining({ formatted_name: 'Juan Pérez' }) })] },
      ],
      [
        'an order',
        { type: 'order', order: { catalog_id: '194836987003835', text: 'Para recoger', product_items: [{ product_retailer_id: 'balatas-del', quantity: 2, item_price: 650, currency: 'MXN' }] } },
        '🛒 Pedido: 2 artículos (1300.00 MXN) — Para recoger',
        { kind: 'order', catalogId: '194836987003835', text: 'Para recoger', items: [{ productRetailerId: 'balatas-del', quantity: 2, itemPrice: 650, currency: 'MXN' }] },
      ],
      [
        "a Flow's answer",
        { type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"AQAAAAACS5FpgQ_cAAAAAD0QI3s.","servicio":"afinación","fecha":"2026-03-14"}' } } },
        '📋 Formulario: servicio: afinación, fecha: 2026-03-14',
        { kind: 'flow', name: 'flow', body: 'Sent', response: { flow_token: 'AQAAAAACS5FpgQ_cAAAAAD0QI3s.', servicio: 'afinación', fecha: '2026-03-14' } },
      ],
      [
        'a text from an ad (referral)',
        {
          type: 'text',
          text: { body: '¿Me dan más información?' },
          referral: { source_url: 'https://fb.me/3cr4Wqqkv', source_id: '120226305854810726', source_type: 'ad', body: 'Afinación 20% menos', headline: 'Servicio de temporada', media_type: 'image', image_url: 'https://scontent.xx.fbcdn.net/v/t45.1', ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ' },
        },
        '¿Me dan más información?\n📣 Desde anuncio: Servicio de temporada',
        { kind: 'text', referral: expect.objectContaining({ source_id: '120226305854810726', headline: 'Servicio de temporada', ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ' }) },
      ],
    ])('%s', async (_name, message, body, content) => {
      const { waId } = newNumber();
      const value = metaInbound(waId, 'Ramiro', message);
      await send(value);
      const row = await messageBy(String((value.messages as any)[0].id));
      expect(row).toMatchObject({ direction: 'in', body, content });
      expect(await unread(row.conversationId)).toBe(1);
      const [shown] = await thread(row.conversationId);
      expect(shown).toMatchObject({ body, content });
      expect((await conversation(row.conversationId)).lastMessagePreview).toBe(body.replace(/\s+/g, ' '));
    });
  });

  describe('a number change (Meta `system`, user_changed_number)', () => {
    it('moves the contact to the new number, keeps the old one in its history and the thread together', async () => {
      const old = newNumber();
      const now = newNumber();
      const first = await firstText(old.waId, 'Hola, soy Paola');
      await thread(first.conversationId);
      const systemId = wamid();
      await send({
        messages: [
          {
            from: old.waId,
            id: systemId,
            timestamp: unix(),
            type: 'system',
            system: { body: `User Paola Méndez changed from ${old.waId} to ${now.waId}`, wa_id: now.waId, type: 'user_changed_number' },
          },
        ],
      });
      const contact = await app.strapi.db.query(UID.contact as any).findOne({ where: { id: first.contactId } });
      expect(contact.phone).toBe(now.e164);
      expect(contact.phoneHistory).toEqual([expect.objectContaining({ phone: old.e164, reason: 'user_changed_number' })]);
      const notice = await messageBy(systemId);
      expect(notice).toMatchObject({ conversationId: first.conversationId, body: `🔄 Cambió su número de WhatsApp de ${old.e164} a ${now.e164}`, content: { kind: 'system', systemType: 'user_changed_number', waId: now.waId } });
      expect(await unread(first.conversationId)).toBe(0);

      // The customer writes from the new number: the same contact and conversation.
      const next = await firstText(now.waId, 'Ya con el número nuevo');
      expect(next).toMatchObject({ contactId: first.contactId, conversationId: first.conversationId });
      expect(await count(app.strapi, UID.contact, { phone: { $in: [old.e164, now.e164] } })).toBe(1);
    });
  });

  describe('Twilio: every file of a message', () => {
    it('NumMedia 3: MediaUrl0…2 each kept, one row each, all waiting for download', async () => {
      const { e164 } = newNumber();
      const media = (i: number) => `https://api.twilio.com/2010-04-01/Accounts/${TEST_CREDENTIALS.twilioAccountSid}/Messages/MM${i}/Media/ME${i}`;
      const form = twilioInbound(e164, {
        NumMedia: '3',
        MessageType: 'image',
        Body: 'Las fotos del golpe',
        MediaUrl0: media(0),
        MediaContentType0: 'image/jpeg',
        MediaUrl1: media(1),
        MediaContentType1: 'image/jpeg',
        MediaUrl2: media(2),
        MediaContentType2: 'application/pdf',
      });
      await postTwilio(app, form).expect(200);
      await settleWebhooks(app.strapi);
      const sid = String(form.MessageSid);
      const rows = await app.strapi.db.query(UID.message as any).findMany({ where: { providerMessageId: { $in: [sid, `${sid}#1`, `${sid}#2`] } }, orderBy: { id: 'asc' } });
      expect(rows.map((r: any) => [r.providerMessageId, r.body, r.media.kind, r.media.url, r.mediaStatus])).toEqual([
        [sid, 'Las fotos del golpe', 'image', media(0), 'pending'],
        [`${sid}#1`, '[image]', 'image', media(1), 'pending'],
        [`${sid}#2`, '[document]', 'document', media(2), 'pending'],
      ]);
      expect(new Set(rows.map((r: any) => r.conversationId)).size).toBe(1);
      expect(await unread(rows[0].conversationId)).toBe(3);
    });
  });

  describe('provider timestamps far from ours', () => {
    it('are stored as given and never reorder the thread (it follows our own receive and send order)', async () => {
      const { waId, e164 } = newNumber();
      const first = await firstText(waId, 'Primero');
      const now = new Date();
      const ourId = wamid();
      const ours = await app.strapi.db.query(UID.message as any).create({
        data: { direction: 'out', contactId: first.contactId, conversationId: first.conversationId, senderId: metaSender.id, to: e164, from: metaSender.number, body: 'Segundo (nuestro)', category: 'service', channel: 'whatsapp', deliveryStatus: 'sent', attempts: 1, provider: 'meta', providerMessageId: ourId, dueAt: now, sentAt: now, createdAt: now, updatedAt: now },
      });
      // Delivered "three days ago" by the provider's clock, before we even sent it.
      const threeDaysAgo = new Date(Math.floor((Date.now() - 3 * 86_400_000) / 1000) * 1000);
      await postMeta(app, metaPayload({ statuses: [metaStatus(ourId, 'delivered', { at: threeDaysAgo })] })).expect(200);
      // And a customer message stamped five days ago, arriving now.
      const fiveDaysAgo = new Date(Math.floor((Date.now() - 5 * 86_400_000) / 1000) * 1000);
      const late = metaText(waId, 'Paola', 'Tercero (con reloj atrasado)', { timestamp: unix(fiveDaysAgo) });
      await postMeta(app, metaPayload(late)).expect(200);
      await settleWebhooks(app.strapi);

      const delivered = await app.strapi.db.query(UID.message as any).findOne({ where: { id: ours.id } });
      expect(delivered.deliveryStatus).toBe('delivered');
      expect(new Date(delivered.deliveredAt).getTime()).toBe(threeDaysAgo.getTime());
      const lateRow = await messageBy(String((late.messages as any)[0].id));
      expect(new Date(lateRow.receivedAt).getTime()).toBe(fiveDaysAgo.getTime());
      expect((await thread(first.conversationId)).map((m: any) => m.body)).toEqual(['Primero', 'Segundo (nuestro)', 'Tercero (con reloj atrasado)']);
    });
  });
  describe('marketing preferences set in WhatsApp (Meta `user_preferences`) reach the consent ledger', () => {
    /** Meta's user_preferences webhook, as its reference shows it (field `user_preferences`). */
    const preference = (waId: string, value: 'stop' | 'resume', timestamp: number, category = 'marketing_messages') => ({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: TEST_CREDENTIALS.metaPhoneNumberId },
                contacts: [{ wa_id: waId }],
                user_preferences: [{ wa_id: waId, detail: `User requested to ${value} marketing messages`, category, value, timestamp }],
              },
              field: 'user_preferences',
            },
          ],
        },
      ],
    });
    const ledger = (contactId: number) => app.strapi.db.query(UID.consent as any).findMany({ where: { contactId }, orderBy: { id: 'asc' } });

    it('a stop revokes marketing consent (once, however often Meta repeats it); a resume grants it back', async () => {
      const { e164, waId } = newNumber();
      const contact = await app.strapi.db.query(UID.contact as any).create({ data: { phone: e164, name: 'Lucía', locale: 'es-MX', marketingConsent: true } });
      const at = Math.floor(Date.now() / 1000);
      for (let i = 0; i < 2; i += 1) await postMeta(app, preference(waId, 'stop', at)).expect(200);
      await settleWebhooks(app.strapi);
      const stopped = await app.strapi.db.query(UID.contact as any).findOne({ where: { id: contact.id } });
      expect({ marketingConsent: stopped.marketingConsent, optedOut: Boolean(stopped.optedOutAt) }).toEqual({ marketingConsent: false, optedOut: true });
      expect((await ledger(contact.id)).map((e: any) => [e.purpose, e.granted, e.method, e.evidence])).toEqual([
        ['marketing', false, 'provider', `WhatsApp settings: User requested to stop marketing messages (Meta user_preferences, ${new Date(at * 1000).toISOString()})`],
      ]);
      const events = await app.strapi.db.query(UID.webhookEvent as any).findMany({ where: { kind: 'preference', eventKey: `preference:${waId}:marketing_messages:stop:${at}` } });
      expect(events.map((e: any) => e.outcome)).toEqual(['applied']);

      await postMeta(app, preference(waId, 'resume', at + 60)).expect(200);
      await settleWebhooks(app.strapi);
      const resumed = await app.strapi.db.query(UID.contact as any).findOne({ where: { id: contact.id } });
      expect({ marketingConsent: resumed.marketingConsent, optedOutAt: resumed.optedOutAt }).toEqual({ marketingConsent: true, optedOutAt: null });
      expect((await ledger(contact.id)).map((e: any) => [e.granted, e.method])).toEqual([
        [false, 'provider'],
        [true, 'provider'],
      ]);
    });

    it('an unknown number or another category is kept and ignored, never refused', async () => {
      const { waId } = newNumber();
      const at = Math.floor(Date.now() / 1000);
      await postMeta(app, preference(waId, 'stop', at)).expect(200);
      await postMeta(app, preference(waId, 'stop', at, 'service_messages')).expect(200);
      await settleWebhooks(app.strapi);
      const events = await app.strapi.db.query(UID.webhookEvent as any).findMany({ where: { kind: 'preference', eventKey: { $startsWith: `preference:${waId}:` } }, orderBy: { id: 'asc' } });
      expect(events.map((e: any) => [e.outcome, e.error])).toEqual([
        ['ignored', `no contact for WhatsApp user ${waId}`],
        ['ignored', 'preference service_messages=stop is not one this product applies'],
      ]);
    });
  });
});
