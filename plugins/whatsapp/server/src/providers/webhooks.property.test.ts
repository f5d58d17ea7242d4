/**
 * Properties of the webhook parsers: whatever a provider (or anyone holding its signature) posts,
 * the parser returns events (what does not read becomes an `unreadable` event naming the path)
 * or a MalformedWebhookError, never another error (a 500 the provider would retry forever). Unusual input that
 * still reads (an unknown message type or status, extra fields, prototype names as keys) is
 * kept as events.
 */
import fc from 'fast-check';
import { parseMetaWebhook } from './meta/webhook';
import { parseForm, parseTwilioWebhook } from './twilio/webhook';
import { MalformedWebhookError, type WebhookEvent } from './webhook-events';
import { hostileKey, hostileString, hostileValue, objectOf } from '../lib/test-support/hostile';

const eventsOrMalformed = (run: () => WebhookEvent[]) => {
  try {
    const events = run();
    expect(Array.isArray(events)).toBe(true);
    for (const event of events) {
      expect(typeof event.key).toBe('string');
      // What does not read as documented is an `unreadable` event (stored, answered 200), not a throw.
      expect(['status', 'message', 'unreadable', 'error', 'template-status', 'template-quality', 'template-category', 'number-quality', 'account-update']).toContain(event.kind);
    }
  } catch (error) {
    if (!(error instanceof MalformedWebhookError)) throw error;
    expect(typeof error.path).toBe('string');
  }
};

/** Meta's envelope, with anything where its parts go (so the parser reads deep, not only the top). */
const metaLike = () => {
  const anything = hostileValue();
  const field = (names: string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: hostileKey() });
  const message = objectOf(field(['id', 'from', 'type', 'timestamp', 'text', 'image', 'location', 'button', 'interactive', 'reaction', 'context', 'document']), fc.oneof(anything, objectOf(field(['body', 'id', 'caption', 'filename', 'mime_type', 'latitude', 'longitude', 'type', 'title', 'payload', 'emoji']), anything)));
  const typed = fc.tuple(message, fc.constantFrom('text', 'image', 'location', 'button', 'interactive', 'reaction', 'order', 'constructor', '__proto__', 'toString'), hostileString()).map(([m, type, id]) => ({ ...m, type, id, from: '5215512345678' }));
  const status = objectOf(field(['id', 'status', 'timestamp', 'recipient_id', 'errors', 'biz_opaque_callback_data']), anything);
  const value = fc.record({
    messages: fc.oneof(fc.array(fc.oneof(message, typed), { maxLength: 3 }), anything),
    statuses: fc.oneof(fc.array(status, { maxLength: 3 }), anything),
    contacts: fc.oneof(fc.array(objectOf(field(['wa_id', 'profile']), anything), { maxLength: 2 }), anything),
    metadata: anything,
  });
  return fc.record({
    object: fc.oneof(fc.constant('whatsapp_business_account'), hostileString()),
    entry: fc.oneof(fc.array(fc.record({ id: anything, changes: fc.oneof(fc.array(fc.record({ field: fc.oneof(fc.constant('messages'), hostileString()), value }), { maxLength: 3 }), anything) }), { maxLength: 3 }), anything),
  });
};

describe('webhook parsers never throw anything but MalformedWebhookError', () => {
  it('Meta: any JSON body', () => {
    fc.assert(
      fc.property(hostileValue(), (body) => eventsOrMalformed(() => parseMetaWebhook(body))),
      { numRuns: 500 }
    );
  });

  it("Meta: anything inside Meta's envelope", () => {
    fc.assert(
      fc.property(metaLike(), (body) => eventsOrMalformed(() => parseMetaWebhook(body))),
      { numRuns: 1000 }
    );
  });

  it('Twilio: any form body, any callback id', () => {
    const names = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('MessageSid', 'SmsSid', 'MessageStatus', 'From', 'To', 'Body', 'NumMedia', 'MediaUrl0', 'MediaContentType0', 'Latitude', 'Longitude', 'ButtonText', 'ButtonPayload', 'ListTitle', 'ListId', 'ErrorCode', 'ErrorMessage', 'MessageType') },
      { weight: 1, arbitrary: hostileKey() }
    );
    const form = fc
      .array(fc.tuple(names, fc.oneof(hostileString(), fc.constantFrom('received', 'delivered', 'failed', 'NaN', '1e400', '-1', '3'))), { maxLength: 10 })
      .map((pairs) => new URLSearchParams(pairs).toString());
    fc.assert(
      fc.property(fc.oneof(form, fc.string({ unit: 'binary', maxLength: 200 })), fc.option(hostileString()), (raw, ourId) => {
        const params = parseForm(raw);
        eventsOrMalformed(() => parseTwilioWebhook(params, ourId));
      }),
      { numRuns: 1000 }
    );
  });

  it('keeps unusual but readable input: prototype names are ordinary form fields and message types', () => {
    const params = parseForm('constructor=x&__proto__=y&toString=z&MessageSid=SM1&From=whatsapp%3A%2B5215512345678&Body=hola');
    expect(Object.keys(params)).toEqual(['constructor', '__proto__', 'toString', 'MessageSid', 'From', 'Body']);
    expect(parseTwilioWebhook(params, null)).toMatchObject([{ kind: 'message', key: 'SM1', text: 'hola' }]);
    const meta = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { messages: [{ id: 'wamid.1', from: '5215512345678', type: 'constructor', timestamp: '1' }] } }] }],
    };
    expect(parseMetaWebhook(meta)).toMatchObject([{ kind: 'message', key: 'wamid.1', type: 'constructor', content: { kind: 'other', type: 'constructor' } }]);
  });
});
