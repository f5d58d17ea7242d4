import { parseForm, parseTwilioWebhook } from './webhook';
import type { InboundEvent, StatusEvent, UnreadableEvent } from '../webhook-events';

const status = (MessageStatus: string, extra: Record<string, string> = {}) => ({
  MessageSid: 'SM0123456789abcdef0123456789abcdef',
  SmsSid: 'SM0123456789abcdef0123456789abcdef',
  MessageStatus,
  SmsStatus: MessageStatus,
  To: 'whatsapp:+525512345678',
  From: 'whatsapp:+14155238886',
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  ...extra,
});
const inbound = (extra: Record<string, string> = {}) => ({
  MessageSid: 'SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  SmsStatus: 'received',
  From: 'whatsapp:+5215512345678',
  To: 'whatsapp:+14155238886',
  ProfileName: 'María',
  NumMedia: '0',
  Body: 'Hola',
  ...extra,
});

describe('parseTwilioWebhook', () => {
  it.each([
    ['queued', 'sending'],
    ['accepted', 'sending'],
    ['sending', 'sending'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'read'],
    ['failed', 'failed'],
    ['undelivered', 'undeliverable'],
    ['canceled', null],
  ])('status %s → %s, keyed MessageSid:status, with our id from the callback URL', (twilioStatus, ours) => {
    const [event] = parseTwilioWebhook(status(twilioStatus), '42') as StatusEvent[];
    expect(event).toMatchObject({ kind: 'status', key: `SM0123456789abcdef0123456789abcdef:${twilioStatus}`, status: ours, ourMessageId: 42, at: null, error: null });
  });

  it('reads the error code and message, with our reason when Twilio gives no message', () => {
    const [withMessage] = parseTwilioWebhook(status('failed', { ErrorCode: '21610', ErrorMessage: 'Unsubscribed recipient' }), null) as StatusEvent[];
    expect(withMessage.error).toEqual({ code: '21610', text: 'Unsubscribed recipient' });
    const [withoutMessage] = parseTwilioWebhook(status('failed', { ErrorCode: '63016' }), null) as StatusEvent[];
    expect(withoutMessage.error?.text).toMatch(/24-hour/);
    expect(withoutMessage.ourMessageId).toBeNull();
  });

  it('reads an incoming text, keyed by MessageSid', () => {
    const [event] = parseTwilioWebhook(inbound({ OriginalRepliedMessageSid: 'SMours' }), null) as InboundEvent[];
    expect(event).toMatchObject({ kind: 'message', key: 'SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', from: 'whatsapp:+5215512345678', to: 'whatsapp:+14155238886', profileName: 'María', text: 'Hola', type: 'text', content: null, replyTo: 'SMours', keywordCandidates: ['Hola'] });
  });

  it('reads media, location and buttons', () => {
    const [media] = parseTwilioWebhook(inbound({ NumMedia: '1', MediaContentType0: 'image/png', MediaUrl0: 'https://media.example.test/m/1', Body: '' }), null) as InboundEvent[];
    expect(media).toMatchObject({ type: 'image', text: '[image]', content: { kind: 'image', mime: 'image/png', url: 'https://media.example.test/m/1' } });
    const [location] = parseTwilioWebhook(inbound({ Latitude: '19.43', Longitude: '-99.13', Body: '' }), null) as InboundEvent[];
    expect(location.content).toEqual({ kind: 'location', latitude: 19.43, longitude: -99.13, name: undefined, address: undefined });
    const [button] = parseTwilioWebhook(inbound({ ButtonText: 'Baja', ButtonPayload: 'STOP' }), null) as InboundEvent[];
    expect(button).toMatchObject({ type: 'button', text: 'Baja', keywordCandidates: ['Baja', 'STOP'] });
  });

  it('a form that does not read is kept as unreadable, not refused: no MessageSid, no sender, bad coordinates', () => {
    const [noSid] = parseTwilioWebhook({ MessageStatus: 'sent' }, null) as UnreadableEvent[];
    expect(noSid).toMatchObject({ kind: 'unreadable', path: 'MessageSid', raw: { MessageStatus: 'sent' } });
    const { From: _from, ...noFrom } = inbound();
    const [sender] = parseTwilioWebhook(noFrom, null) as UnreadableEvent[];
    expect(sender).toMatchObject({ kind: 'unreadable', path: 'From', providerId: 'SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
    const [coordinates] = parseTwilioWebhook(inbound({ Latitude: 'x', Longitude: '1' }), null) as UnreadableEvent[];
    expect(coordinates).toMatchObject({ kind: 'unreadable', path: 'Latitude' });
    // Same form, same key: Twilio retrying it stores it once.
    expect(parseTwilioWebhook({ MessageStatus: 'sent' }, null)[0].key).toBe(noSid.key);
  });

  it('WaId is the sender when From is missing', () => {
    const { From: _from, ...noFrom } = inbound({ WaId: '5215512345678' });
    const [event] = parseTwilioWebhook(noFrom, null) as InboundEvent[];
    expect(event).toMatchObject({ kind: 'message', from: 'whatsapp:+5215512345678', waId: '5215512345678' });
  });

  it('NumMedia > 1 keeps every MediaUrlN / MediaContentTypeN: the first as the content, the others as attachments', () => {
    const [event] = parseTwilioWebhook(
      inbound({
        NumMedia: '3',
        Body: 'Las tres fotos',
        MediaUrl0: 'http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME0',
        MediaContentType0: 'image/jpeg',
        MediaUrl1: 'http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
        MediaContentType1: 'image/png',
        MediaUrl2: 'http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2',
        MediaContentType2: 'application/pdf',
      }),
      null
    ) as InboundEvent[];
    expect(event).toMatchObject({ type: 'image', text: 'Las tres fotos', content: { kind: 'image', mime: 'image/jpeg', url: expect.stringMatching(/ME0$/), caption: 'Las tres fotos' } });
    expect(event.attachments).toEqual([
      { kind: 'image', mime: 'image/png', url: expect.stringMatching(/ME1$/) },
      { kind: 'document', mime: 'application/pdf', url: expect.stringMatching(/ME2$/) },
    ]);
  });

  it('a click-to-WhatsApp ad (Referral* parameters) is kept under Meta\'s names, with a readable line', () => {
    const [event] = parseTwilioWebhook(
      inbound({
        Body: 'Hola, vi su anuncio',
        ReferralBody: 'Afinación completa 20% menos',
        ReferralHeadline: 'Servicio de temporada',
        ReferralSourceId: '120210000000000001',
        ReferralSourceType: 'ad',
        ReferralSourceUrl: 'https://fb.me/taller-ad',
        ReferralMediaId: '1234',
        ReferralMediaContentType: 'image/jpeg',
        ReferralMediaUrl: 'https://cdn.example.test/ad.jpg',
        ReferralNumMedia: '1',
        ReferralCtwaClid: 'ARAkLkA8rmlFeiCktEJQ',
      }),
      null
    ) as InboundEvent[];
    expect(event.text).toBe('Hola, vi su anuncio\n📣 Desde anuncio: Servicio de temporada');
    expect(event.referral).toEqual({
      source_id: '120210000000000001',
      source_type: 'ad',
      source_url: 'https://fb.me/taller-ad',
      headline: 'Servicio de temporada',
      body: 'Afinación completa 20% menos',
      media_id: '1234',
      media_content_type: 'image/jpeg',
      media_url: 'https://cdn.example.test/ad.jpg',
      ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ',
    });
    expect(event.keywordCandidates).toEqual(['Hola, vi su anuncio']);
  });
});

describe('parseForm', () => {
  it('decodes + and %XX, keeps repeated names as arrays', () => {
    expect(parseForm('Body=Hola+Mar%C3%ADa&MediaUrl=a&MediaUrl=b&Empty=')).toEqual({ Body: 'Hola María', MediaUrl: ['a', 'b'], Empty: '' });
  });
});
