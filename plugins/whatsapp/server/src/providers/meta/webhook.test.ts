import { parseMetaWebhook } from './webhook';
import { MalformedWebhookError, type InboundEvent, type StatusEvent } from '../webhook-events';

const value = (extra: Record<string, unknown>) => ({
  messaging_product: 'whatsapp',
  metadata: { display_phone_number: '15550001111', phone_number_id: '1234567890' },
  ...extra,
});
const payload = (...values: Record<string, unknown>[]) => ({
  object: 'whatsapp_business_account',
  entry: values.map((v) => ({ id: '102290129340398', changes: [{ value: value(v), field: 'messages' }] })),
});

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
    ['unsupported', { errors: [{ code: 131051, title: 'Message type unknown' }] }, '[unsupported]', { kind: 'other', type: 'unsupported' }],
  ])('reads a %s message', (type, part, text, content) => {
    const [event] = parseMetaWebhook(payload({ messages: [{ from: '5215512345678', id: 'wamid.T', timestamp: '1700000000', type, ...part }] })) as InboundEvent[];
    expect(event).toMatchObject({ type, text });
    expect(JSON.parse(JSON.stringify(event.content))).toEqual(content);
  });

  it('skips changes of other fields and other objects', () => {
    expect(parseMetaWebhook({ object: 'page', entry: [{ id: '1', changes: [] }] })).toEqual([]);
    const templateUpdate = { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }] }] };
    expect(parseMetaWebhook(templateUpdate)).toEqual([]);
  });

  it.each([
    ['not an object', 'x', 'body'],
    ['no object', { entry: [] }, 'object'],
    ['entry not an array', { object: 'whatsapp_business_account', entry: {} }, 'entry'],
    ['status without id', payload({ statuses: [{ status: 'read' }] }), 'entry[0].changes[0].value.statuses[0].id'],
    ['message without from', payload({ messages: [{ id: 'w', type: 'text', text: { body: 'x' } }] }), 'entry[0].changes[0].value.messages[0].from'],
    ['text without body', payload({ messages: [{ from: '1', id: 'w', type: 'text', text: {} }] }), 'entry[0].changes[0].value.messages[0].text.body'],
    ['bad timestamp', payload({ statuses: [{ id: 'w', status: 'read', timestamp: 'today' }] }), 'entry[0].changes[0].value.statuses[0].timestamp'],
    ['location without numbers', payload({ messages: [{ from: '1', id: 'w', type: 'location', location: { latitude: 'north' } }] }), 'entry[0].changes[0].value.messages[0].location.latitude'],
  ])('refuses a malformed body: %s', (_name, body, path) => {
    expect(() => parseMetaWebhook(body)).toThrow(MalformedWebhookError);
    try {
      parseMetaWebhook(body);
    } catch (error) {
      expect((error as MalformedWebhookError).path).toBe(path);
    }
  });
});
