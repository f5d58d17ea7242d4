import { parseMetaWebhook } from './webhook';
import type { InboundEvent, ProviderErrorEvent, StatusEvent, UnreadableEvent } from '../webhook-events';

const value = (extra: Record<string, unknown>) => ({
  messaging_product: 'whatsapp',
  metadata: { display_phone_number: '15550001111', phone_number_id: '1234567890' },
  ...extra,
});
const payload = (...values: Record<string, unknown>[]) => ({
  object: 'whatsapp_business_account',
  entry: values.map((v) => ({ id: '102290129340398', changes: [{ value: value(v), field: 'messages' }] })),
});
const contact = { profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' };
/** One customer message, as Meta's messages webhook reference shows it. */
const message = (part: Record<string, unknown>) => payload({ contacts: [contact], messages: [{ from: '16505551234', id: 'wamid.T', timestamp: '1739321024', ...part }] });
const only = <T>(events: unknown[]): T => {
  expect(events).toHaveLength(1);
  return events[0] as T;
};
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('parseMetaWebhook', () => {
  it('reads a status with our id, the time and the pricing ignored', () => {
    const [event] = parseMetaWebhook(
      payload({
        statuses: [
          {
            id: 'wamid.A',
            status: 'delivered',
            timestamp: '1700000000',
            recipient_id: '5215512345678',
            biz_opaque_callback_data: '42',
            conversation: { id: 'c', origin: { type: 'utility' } },
            pricing: { billable: true, pricing_model: 'CBP', category: 'utility' },
          },
        ],
      })
    ) as StatusEvent[];
    expect(event).toEqual({
      kind: 'status',
      key: 'wamid.A:delivered',
      providerMessageId: 'wamid.A',
      providerStatus: 'delivered',
      status: 'delivered',
      at: '2023-11-14T22:13:20.000Z',
      ourMessageId: 42,
      recipient: '5215512345678',
      recipientUserId: null,
      error: null,
    });
  });

  it("reads a failed status's error: code, title, message and details, each once", () => {
    const [event] = parseMetaWebhook(
      payload({
        statuses: [
          {
            id: 'wamid.B',
            status: 'failed',
            timestamp: '1700000000',
            recipient_id: '5215512345678',
            errors: [{ code: 131050, title: 'Unable to deliver', message: 'Unable to deliver', error_data: { details: 'User stopped marketing messages' } }],
          },
        ],
      })
    ) as StatusEvent[];
    expect(event.error).toEqual({ code: '131050', text: 'Unable to deliver: User stopped marketing messages' });
    expect(event.status).toBe('failed');
  });

  it('keeps deleted / warning statuses with nothing to apply, and ignores callback data that is not our id', () => {
    const events = parseMetaWebhook(
      payload({ statuses: [{ id: 'wamid.C', status: 'deleted', timestamp: '1700000000' }, { id: 'wamid.C', status: 'warning', biz_opaque_callback_data: 'crm-7' }] })
    ) as StatusEvent[];
    expect(events.map((e) => [e.key, e.status, e.ourMessageId])).toEqual([
      ['wamid.C:deleted', null, null],
      ['wamid.C:warning', null, null],
    ]);
  });

  it('reads every entry, change, status and message, in order, with the profile of each sender', () => {
    const events = parseMetaWebhook(
      payload(
        {
          contacts: [{ profile: { name: 'María' }, wa_id: '5215512345678' }],
          messages: [{ from: '5215512345678', id: 'wamid.M1', timestamp: '1700000000', type: 'text', text: { body: 'Hola' } }],
          statuses: [{ id: 'wamid.S1', status: 'sent', timestamp: '1700000000' }],
        },
        {
          contacts: [
            { profile: { name: 'Lucas' }, wa_id: '5491123456789' },
            { profile: { name: 'Camila' }, wa_id: '573001234567' },
          ],
          messages: [
            { from: '5491123456789', id: 'wamid.M2', timestamp: '1700000001', type: 'text', text: { body: 'Che' } },
            { from: '573001234567', id: 'wamid.M3', timestamp: '1700000002', type: 'text', text: { body: 'Hola' }, context: { from: '15550001111', id: 'wamid.OURS' } },
          ],
        }
      )
    );
    expect(events.map((e) => e.key)).toEqual(['wamid.S1:sent', 'wamid.M1', 'wamid.M2', 'wamid.M3']);
    const messages = events.filter((e): e is InboundEvent => e.kind === 'message');
    expect(messages.map((m) => m.profileName)).toEqual(['María', 'Lucas', 'Camila']);
    expect(messages[2].replyTo).toBe('wamid.OURS');
    expect(messages[0]).toMatchObject({ to: '15550001111', phoneNumberId: '1234567890', at: '2023-11-14T22:13:20.000Z', keywordCandidates: ['Hola'] });
  });

  it.each([
    ['image', { image: { caption: 'Foto', mime_type: 'image/jpeg', id: '1' } }, 'Foto', { kind: 'image', mime: 'image/jpeg', mediaId: '1', caption: 'Foto' }],
    ['document', { document: { filename: 'f.pdf', mime_type: 'application/pdf', id: '2' } }, 'f.pdf', { kind: 'document', mime: 'application/pdf', mediaId: '2', filename: 'f.pdf' }],
    ['audio', { audio: { mime_type: 'audio/ogg', id: '3', voice: true } }, '[audio]', { kind: 'audio', mime: 'audio/ogg', mediaId: '3' }],
    ['location', { location: { latitude: 1.5, longitude: -2 } }, '📍 1.5, -2', { kind: 'location', latitude: 1.5, longitude: -2 }],
    ['button', { button: { text: 'Sí', payload: 'YES' } }, 'Sí', { kind: 'button', text: 'Sí', payload: 'YES' }],
    ['interactive', { interactive: { type: 'button_reply', button_reply: { id: 'b1', title: 'Confirmar' } } }, 'Confirmar', { kind: 'interactive', replyType: 'button_reply', id: 'b1', title: 'Confirmar' }],
    ['reaction', { reaction: { message_id: 'wamid.X', emoji: '❤️' } }, '❤️', { kind: 'reaction', emoji: '❤️', messageId: 'wamid.X' }],
  ])('reads a %s message', (type, part, text, content) => {
    const [event] = parseMetaWebhook(payload({ messages: [{ from: '5215512345678', id: 'wamid.T', timestamp: '1700000000', type, ...part }] })) as InboundEvent[];
    expect(event).toMatchObject({ type, text });
    expect(plain(event.content)).toEqual(content);
  });

  it('skips changes of other fields and other objects', () => {
    expect(parseMetaWebhook({ object: 'page', entry: [{ id: '1', changes: [] }] })).toEqual([]);
    const other = { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'business_capability_update', value: { max_daily_conversation_per_phone: 1000 } }] }] };
    expect(parseMetaWebhook(other)).toEqual([]);
  });

  // Meta's webhooks reference, phone_number_quality_update and account_update (the documented shapes).
  const wabaChange = (field: string, value: Record<string, unknown>, time = 1739321024) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', time, changes: [{ value, field }] }],
  });

  it('reads a number quality update: the event and the limits as Meta words them', () => {
    const [event] = parseMetaWebhook(
      wabaChange('phone_number_quality_update', { display_phone_number: '15550783881', event: 'DOWNGRADE', old_limit: 'TIER_10K', current_limit: 'TIER_1K', max_daily_conversations_per_business: 'TIER_2K' })
    );
    expect(event).toEqual({
      kind: 'number-quality',
      key: expect.stringMatching(/^number-quality:15550783881:DOWNGRADE:/),
      number: '15550783881',
      event: 'DOWNGRADE',
      currentLimit: 'TIER_1K',
      oldLimit: 'TIER_10K',
      businessLimit: 'TIER_2K',
      phoneLimit: null,
      qualityRating: null,
      at: '2025-02-12T00:43:44.000Z',
    });
    const [broken] = parseMetaWebhook(wabaChange('phone_number_quality_update', { event: 'FLAGGED' }));
    expect(broken).toMatchObject({ kind: 'unreadable', reason: expect.stringMatching(/display_phone_number/) });
  });

  it('keeps every account update, the restrictions and ban read, unknown events too', () => {
    const [restricted] = parseMetaWebhook(
      wabaChange('account_update', {
        event: 'ACCOUNT_RESTRICTION',
        restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: '2026-04-19T13:59:20+0000' }],
      })
    );
    expect(restricted).toMatchObject({ kind: 'account-update', accountId: '102290129340398', event: 'ACCOUNT_RESTRICTION', restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: '2026-04-19T13:59:20+0000' }] });
    const [banned] = parseMetaWebhook(wabaChange('account_update', { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE', waba_ban_date: 'October 9, 2023' } }));
    expect(banned).toMatchObject({ event: 'DISABLED_UPDATE', banState: 'DISABLE', banDate: 'October 9, 2023' });
    const [novel] = parseMetaWebhook(wabaChange('account_update', { event: 'SOMETHING_NEW', extra: { a: 1 } }));
    expect(novel).toMatchObject({ kind: 'account-update', event: 'SOMETHING_NEW', value: { event: 'SOMETHING_NEW', extra: { a: 1 } } });
  });

  const templateChange = (field: string, value: Record<string, unknown>) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', time: 1739321024, changes: [{ field, value }] }],
  });

  it('reads a template status update; one without its name is kept as unreadable', () => {
    const update = (value: Record<string, unknown>) => templateChange('message_template_status_update', value);
    expect(
      parseMetaWebhook(
        update({ event: 'DISABLED', message_template_id: 806312974732579, message_template_name: 'promo', message_template_language: 'es_MX', reason: 'INCORRECT_CATEGORY', disable_info: { disable_date: 1751234563 } })
      )
    ).toEqual([
      { kind: 'template-status', key: 'template:806312974732579:es_MX:DISABLED:1739321024', event: 'DISABLED', templateId: '806312974732579', name: 'promo', language: 'es_MX', reason: 'INCORRECT_CATEGORY', description: null, category: null },
    ]);
    // Meta's reference: the category travels along, and a rejection for INVALID_FORMAT says why in rejection_info.
    expect(
      parseMetaWebhook(
        update({
          event: 'REJECTED',
          message_template_id: 1689556908129835,
          message_template_name: 'abandoned_cart',
          message_template_language: 'en',
          reason: 'INVALID_FORMAT',
          message_template_category: 'MARKETING',
          rejection_info: { reason: 'Variable parameters are not formatted correctly.', recommendation: 'Use {{1}}' },
        })
      )
    ).toEqual([expect.objectContaining({ event: 'REJECTED', reason: 'INVALID_FORMAT', description: 'Variable parameters are not formatted correctly.', category: 'MARKETING' })]);
    expect(parseMetaWebhook(update({ event: 'APPROVED' }))).toEqual([expect.objectContaining({ kind: 'unreadable', path: 'entry[0].changes[0].value' })]);
  });

  it('reads a template quality update (message_template_quality_update), as Meta documents it', () => {
    const value = { previous_quality_score: 'GREEN', new_quality_score: 'YELLOW', message_template_id: 806312974732579, message_template_name: 'welcome_template', message_template_language: 'en-US' };
    expect(parseMetaWebhook(templateChange('message_template_quality_update', value))).toEqual([
      {
        kind: 'template-quality',
        key: 'template-quality:806312974732579:en-US:YELLOW:1739321024',
        templateId: '806312974732579',
        name: 'welcome_template',
        language: 'en-US',
        previous: 'GREEN',
        quality: 'YELLOW',
      },
    ]);
    expect(parseMetaWebhook(templateChange('message_template_quality_update', { new_quality_score: 'RED' }))).toEqual([expect.objectContaining({ kind: 'unreadable' })]);
  });

  it('reads a template category update: a change done, and one announced 24 hours ahead (correct_category)', () => {
    const done = { message_template_id: 278077987957091, message_template_name: 'welcome_template', message_template_language: 'en-US', previous_category: 'UTILITY', new_category: 'MARKETING' };
    expect(parseMetaWebhook(templateChange('template_category_update', done))).toEqual([
      {
        kind: 'template-category',
        key: 'template-category:278077987957091:en-US:UTILITY:MARKETING::1739321024',
        templateId: '278077987957091',
        name: 'welcome_template',
        language: 'en-US',
        previous: 'UTILITY',
        category: 'MARKETING',
        correct: null,
        effectiveAt: null,
      },
    ]);
    const announced = { message_template_id: 278077987957091, message_template_name: 'welcome_template', message_template_language: 'en-US', correct_category: 'MARKETING', new_category: 'UTILITY', category_update_timestamp: 1760711433 };
    expect(parseMetaWebhook(templateChange('template_category_update', announced))).toEqual([
      expect.objectContaining({ kind: 'template-category', previous: null, category: 'UTILITY', correct: 'MARKETING', effectiveAt: '2025-10-17T14:30:33.000Z' }),
    ]);
    expect(parseMetaWebhook(templateChange('template_category_update', { message_template_name: 'x' }))).toEqual([expect.objectContaining({ kind: 'unreadable' })]);
  });

  describe('item by item: what does not read is kept as unreadable, the rest still reads', () => {
    it.each([
      ['not an object', 'x', 'body'],
      ['no object', { entry: [] }, 'object'],
      ['entry not an array', { object: 'whatsapp_business_account', entry: {} }, 'entry'],
      ['status without id', payload({ statuses: [{ status: 'read' }] }), 'entry[0].changes[0].value.statuses[0].id'],
      ['message without a sender', payload({ messages: [{ id: 'w', type: 'text', text: { body: 'x' } }] }), 'entry[0].changes[0].value.messages[0].from'],
      ['text without body', payload({ messages: [{ from: '1', id: 'w', type: 'text', text: {} }] }), 'entry[0].changes[0].value.messages[0].text.body'],
      ['bad timestamp', payload({ statuses: [{ id: 'w', status: 'read', timestamp: 'today' }] }), 'entry[0].changes[0].value.statuses[0].timestamp'],
      ['location without numbers', payload({ messages: [{ from: '1', id: 'w', type: 'location', location: { latitude: 'north' } }] }), 'entry[0].changes[0].value.messages[0].location.latitude'],
      ['interactive without its object', payload({ messages: [{ from: '1', id: 'w', timestamp: '1', type: 'interactive' }] }), 'entry[0].changes[0].value.messages[0].interactive'],
      ['statuses not an array', payload({ statuses: { id: 'w' } }), 'entry[0].changes[0].value.statuses'],
    ])('%s', (_name, body, path) => {
      const event = only<UnreadableEvent>(parseMetaWebhook(body));
      expect(event).toMatchObject({ kind: 'unreadable', path });
      expect(event.key).toMatch(/^unreadable:[0-9a-f]{40}$/);
      expect(event.reason).toContain(path);
    });

    it('a batch with an unreadable message: the valid status and message before and after it are read, the bad one kept as delivered', () => {
      const bad = { from: '16505551234', id: 'wamid.BAD', timestamp: '1739321024', type: 'interactive' };
      const events = parseMetaWebhook(
        payload({
          contacts: [contact],
          statuses: [{ id: 'wamid.S', status: 'read', timestamp: '1739321024', recipient_id: '16505551234' }],
          messages: [
            { from: '16505551234', id: 'wamid.OK1', timestamp: '1739321024', type: 'text', text: { body: 'uno' } },
            bad,
            { from: '16505551234', id: 'wamid.OK2', timestamp: '1739321025', type: 'text', text: { body: 'dos' } },
          ],
          errors: [{ code: 131051, title: 'Unsupported message type', message: 'Unsupported message type', error_data: { details: 'Message type is not currently supported' } }],
        })
      );
      expect(events.map((e) => e.kind)).toEqual(['status', 'message', 'unreadable', 'message', 'error']);
      expect(events[2]).toMatchObject({ path: 'entry[0].changes[0].value.messages[1].interactive', raw: bad, providerId: 'wamid.BAD' });
    });

    it('the same unreadable item gets the same key (a repeated delivery is stored once); another item another key', () => {
      const [a] = parseMetaWebhook(payload({ statuses: [{ status: 'read' }] }));
      const [b] = parseMetaWebhook(payload({ statuses: [{ status: 'read' }] }));
      const [c] = parseMetaWebhook(payload({ statuses: [{ status: 'sent' }] }));
      expect(a.key).toBe(b.key);
      expect(c.key).not.toBe(a.key);
    });

    it('a very large unreadable item is kept cut at 64 KB, marked truncated', () => {
      const [event] = parseMetaWebhook(payload({ statuses: [{ status: 'read', note: 'x'.repeat(100_000) }] })) as UnreadableEvent[];
      expect(event.truncated).toBe(true);
      expect(typeof event.raw).toBe('string');
      expect((event.raw as string).length).toBe(64 * 1024);
    });
  });

  it("a value holding only errors[] is one provider-error event (Meta's errors webhook reference)", () => {
    const error = { code: 130429, title: 'Rate limit hit', message: 'Rate limit hit', error_data: { details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time' }, href: '/docs/whatsapp/cloud-api/support/error-codes/' };
    const event = only<ProviderErrorEvent>(parseMetaWebhook(payload({ errors: [error] })));
    expect(event).toMatchObject({
      kind: 'error',
      phoneNumberId: '1234567890',
      errors: [{ code: '130429', title: 'Rate limit hit', message: 'Rate limit hit', details: error.error_data.details }],
    });
    expect(event.key).toMatch(/^errors:[0-9a-f]{40}$/);
    expect(parseMetaWebhook(payload({ errors: [error] }))[0].key).toBe(event.key);
  });

  describe('business-scoped user ids (Meta, "Business-scoped user IDs")', () => {
    it('a message from a username user: no wa_id, no from, the BSUID in contacts[].user_id and from_user_id', () => {
      const event = only<InboundEvent>(
        parseMetaWebhook(
          payload({
            contacts: [{ profile: { name: 'Sheena Nelson', username: '@sheena' }, user_id: 'US.13491208655302741918' }],
            messages: [{ from_user_id: 'US.13491208655302741918', id: 'wamid.U', timestamp: '1739321024', type: 'text', text: { body: 'Hola' } }],
          })
        )
      );
      expect(event).toMatchObject({ from: null, userId: 'US.13491208655302741918', username: '@sheena', profileName: 'Sheena Nelson', text: 'Hola' });
    });

    it('a message naming nobody takes the sender from contacts[] (the contacts example: user_id only)', () => {
      const event = only<InboundEvent>(
        parseMetaWebhook(
          payload({
            contacts: [{ profile: { name: 'Sheena Nelson', username: '@sheena' }, user_id: 'US.13491208655302741918' }],
            messages: [{ id: 'wamid.C', timestamp: '1739321024', type: 'contacts', origin: 'contact_request/other', contacts: [{ vcard: 'BEGIN:VCARD…', phones: [{ phone: '+1 650-555-1234' }] }] }],
          })
        )
      );
      expect(event).toMatchObject({ from: null, userId: 'US.13491208655302741918', type: 'contacts', text: '📇 Contacto: +1 650-555-1234' });
    });

    it('both identifiers: the phone and the BSUID are read', () => {
      const event = only<InboundEvent>(
        parseMetaWebhook(
          payload({
            contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234', user_id: 'US.13491208655302741918' }],
            messages: [{ from: '16505551234', from_user_id: 'US.13491208655302741918', id: 'wamid.B', timestamp: '1739321024', type: 'text', text: { body: 'Hola' } }],
          })
        )
      );
      expect(event).toMatchObject({ from: '16505551234', userId: 'US.13491208655302741918' });
    });

    it('a status of a message sent to a BSUID: recipient_user_id, no recipient_id', () => {
      const event = only<StatusEvent>(parseMetaWebhook(payload({ statuses: [{ id: 'wamid.S', status: 'delivered', timestamp: '1739321024', recipient_user_id: 'US.13491208655302741918', biz_opaque_callback_data: '7' }] })));
      expect(event).toMatchObject({ status: 'delivered', recipient: null, recipientUserId: 'US.13491208655302741918', ourMessageId: 7 });
    });
  });

  describe('message kinds kept in structured form', () => {
    it('shared contacts (contacts messages webhook reference)', () => {
      const shared = {
        addresses: [{ city: 'Menlo Park', country: 'United States', country_code: 'us', state: 'CA', street: '1 Hacker Way', type: 'WORK', zip: '94025' }],
        birthday: '1999-01-23',
        emails: [{ email: 'juan@example.com', type: 'WORK' }],
        name: { formatted_name: 'Juan Pérez', first_name: 'Juan', last_name: 'Pérez' },
        org: { company: 'Taller Centro', department: 'Servicio', title: 'Asesor' },
        phones: [{ phone: '+52 55 1234 5678', wa_id: '5215512345678', type: 'CELL' }],
        urls: [{ url: 'https://example.com', type: 'WORK' }],
      };
      const event = only<InboundEvent>(parseMetaWebhook(message({ type: 'contacts', contacts: [shared] })));
      expect(event.text).toBe('📇 Contacto: Juan Pérez +52 55 1234 5678');
      expect(plain(event.content)).toEqual({ kind: 'contacts', contacts: [shared] });
      const two = only<InboundEvent>(parseMetaWebhook(message({ type: 'contacts', contacts: [shared, { name: { formatted_name: 'Ana' } }] })));
      expect(two.text).toBe('📇 2 contactos: Juan Pérez +52 55 1234 5678; Ana');
    });

    it('an order (order messages webhook reference)', () => {
      const order = {
        catalog_id: '194836987003835',
        text: 'Para el sábado',
        product_items: [
          { product_retailer_id: 'di9ozbzfi4', quantity: 2, item_price: 30, currency: 'MXN' },
          { product_retailer_id: 'nqryix03ez', quantity: 1, item_price: 25.5, currency: 'MXN' },
        ],
      };
      const event = only<InboundEvent>(parseMetaWebhook(message({ type: 'order', order })));
      expect(event.text).toBe('🛒 Pedido: 3 artículos (85.50 MXN) — Para el sábado');
      expect(plain(event.content)).toEqual({
        kind: 'order',
        catalogId: '194836987003835',
        text: 'Para el sábado',
        items: [
          { productRetailerId: 'di9ozbzfi4', quantity: 2, itemPrice: 30, currency: 'MXN' },
          { productRetailerId: 'nqryix03ez', quantity: 1, itemPrice: 25.5, currency: 'MXN' },
        ],
      });
    });

    it("a Flow's answer: interactive.nfm_reply with its response_json parsed", () => {
      const nfm = { name: 'flow', body: 'Sent', response_json: '{"flow_token":"AQAAAAACS5FpgQ_cAAAAAD0QI3s.","nombre":"Ana","fecha":"2026-03-14"}' };
      const event = only<InboundEvent>(parseMetaWebhook(message({ type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: nfm } })));
      expect(event.text).toBe('📋 Formulario: nombre: Ana, fecha: 2026-03-14');
      expect(plain(event.content)).toEqual({ kind: 'flow', name: 'flow', body: 'Sent', response: { flow_token: 'AQAAAAACS5FpgQ_cAAAAAD0QI3s.', nombre: 'Ana', fecha: '2026-03-14' } });
    });

    it('an ad referral on a text message (click-to-WhatsApp): kept as delivered, one readable line', () => {
      const referral = {
        source_url: 'https://fb.me/3cr4Wqqkv',
        source_id: '120226305854810726',
        source_type: 'ad',
        body: 'Summer succulents are here!',
        headline: 'Chat with us',
        media_type: 'image',
        image_url: 'https://scontent.xx.fbcdn.net/v/t45.1',
        ctwa_clid: 'Aff-n8ZTODiE79d22KtAwQKj9e_mIEOOj27vDVwFjN80dp4_0NiNhEgpGo0AHemvuSoifXaytfTzcchptiErTKCqTrJ5nW1h7IHYeYymGb5K5J5iu',
        welcome_message: { text: 'Hi there! Let us know how we can help!' },
      };
      const event = only<InboundEvent>(parseMetaWebhook(message({ type: 'text', text: { body: 'Can I learn more about your business?' }, referral })));
      expect(event.text).toBe('Can I learn more about your business?\n📣 Desde anuncio: Chat with us');
      expect(event.referral).toEqual(referral);
      expect(event.keywordCandidates).toEqual(['Can I learn more about your business?']);
    });

    it('a number change (system messages webhook reference: no contacts array)', () => {
      const body = 'User Sheena Nelson changed from 16505551234 to 12195555358';
      const event = only<InboundEvent>(
        parseMetaWebhook(payload({ messages: [{ from: '16505551234', id: 'wamid.SYS', timestamp: '1739321024', type: 'system', system: { body, wa_id: '12195555358', type: 'user_changed_number' } }] }))
      );
      expect(event).toMatchObject({ from: '16505551234', type: 'system' });
      expect(plain(event.content)).toEqual({ kind: 'system', systemType: 'user_changed_number', body, waId: '12195555358' });
    });

    it('an unsupported message keeps its errors', () => {
      const event = only<InboundEvent>(
        parseMetaWebhook(message({ type: 'unsupported', unsupported: { type: 'edit' }, errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }] }))
      );
      expect(event.text).toBe('⚠️ Mensaje que WhatsApp no puede mostrar (edit): Message type is currently not supported.');
      expect(plain(event.content)).toEqual({ kind: 'unsupported', type: 'edit', errors: [{ code: '131051', title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.' }] });
    });

    it('a type not known yet keeps its part of the payload', () => {
      const event = only<InboundEvent>(parseMetaWebhook(message({ type: 'request_welcome' })));
      expect(plain(event.content)).toEqual({ kind: 'other', type: 'request_welcome' });
      const poll = only<InboundEvent>(parseMetaWebhook(message({ type: 'poll', poll: { question: '¿Lunes?' } })));
      expect(plain(poll.content)).toEqual({ kind: 'other', type: 'poll', data: { question: '¿Lunes?' } });
    });
  });

  describe('edits and deletions apply to the original message (edit / revoke webhook references)', () => {
    it('an edited text', () => {
      const event = only<InboundEvent>(
        parseMetaWebhook(message({ id: 'wamid.EDIT', type: 'edit', edit: { original_message_id: 'wamid.ORIG', message: { type: 'text', text: { body: 'Mañana a las 10, no a las 9' } } } }))
      );
      expect(event).toMatchObject({ key: 'wamid.EDIT', type: 'edit', text: 'Mañana a las 10, no a las 9', keywordCandidates: [] });
      expect(plain(event.action)).toEqual({ kind: 'edit', targetId: 'wamid.ORIG', text: 'Mañana a las 10, no a las 9', content: null });
    });

    it("an edited image caption, as Meta's example shows it", () => {
      const image = { caption: 'La defensa, de cerca', mime_type: 'image/jpeg', sha256: 'abc', id: '1190', url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1190' };
      const event = only<InboundEvent>(parseMetaWebhook(message({ type: 'edit', edit: { original_message_id: 'wamid.IMG', message: { context: { id: 'wamid.CTX' }, type: 'image', image } } })));
      expect(event.action).toMatchObject({ kind: 'edit', targetId: 'wamid.IMG', text: 'La defensa, de cerca', content: { kind: 'image', mediaId: '1190', caption: 'La defensa, de cerca' } });
    });

    it('a deletion', () => {
      const event = only<InboundEvent>(parseMetaWebhook(message({ id: 'wamid.REV', type: 'revoke', revoke: { original_message_id: 'wamid.ORIG' } })));
      expect(plain(event.action)).toEqual({ kind: 'revoke', targetId: 'wamid.ORIG' });
    });

    it('an edit without the original id is unreadable', () => {
      expect(only<UnreadableEvent>(parseMetaWebhook(message({ type: 'edit', edit: { message: { type: 'text', text: { body: 'x' } } } })))).toMatchObject({
        kind: 'unreadable',
        path: 'entry[0].changes[0].value.messages[0].edit.original_message_id',
      });
    });
  });
});
