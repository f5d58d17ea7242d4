import { parseForm, parseTwilioWebhook } from './webhook';
import { MalformedWebhookError, type InboundEvent, type StatusEvent } from '../webhook-events';

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

  it('refuses a form without MessageSid, an inbound without From, bad coordinates', () => {
    expect(() => parseTwilioWebhook({ MessageStatus: 'sent' }, null)).toThrow(MalformedWebhookError);
    const { From: _from, ...noFrom } = inbound();
    expect(() => parseTwilioWebhook(noFrom, null)).toThrow(MalformedWebhookError);
    expect(() => parseTwilioWebhook(inbound({ Latitude: 'x', Longitude: '1' }), null)).toThrow(MalformedWebhookError);
  });
});

describe('parseForm', () => {
  it('decodes + and %XX, keeps repeated names as arrays', () => {
    expect(parseForm('Body=Hola+Mar%C3%ADa&MediaUrl=a&MediaUrl=b&Empty=')).toEqual({ Body: 'Hola María', MediaUrl: ['a', 'b'], Empty: '' });
  });
});
