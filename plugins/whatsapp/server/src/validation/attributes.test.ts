import { errors } from '@strapi/utils';
import contact from '../content-types/contact/schema.json';
import template from '../content-types/template/schema.json';
import setting from '../content-types/setting/schema.json';
import conversation from '../content-types/conversation/schema.json';
import campaign from '../content-types/campaign/schema.json';
import sender from '../content-types/sender/schema.json';
import { checkAttributes, type Attributes } from './attributes';

const schemas: Record<string, Attributes> = {
  contact: contact.attributes as unknown as Attributes,
  template: template.attributes as unknown as Attributes,
  setting: setting.attributes as unknown as Attributes,
  conversation: conversation.attributes as unknown as Attributes,
  campaign: campaign.attributes as unknown as Attributes,
  sender: sender.attributes as unknown as Attributes,
};

/** The error `checkAttributes` throws (or null): its path and rule, as the API answers them. */
const refusal = (type: keyof typeof schemas, data: Record<string, unknown>, partial = true) => {
  try {
    checkAttributes(`plugin::whatsapp.${type}`, data, { partial, attributes: schemas[type] });
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(errors.ValidationError);
    const detail = (error as errors.ValidationError).details as { errors: Array<{ path: string[]; rule: string }> };
    return { path: detail.errors[0].path.join('.'), rule: detail.errors[0].rule, message: (error as Error).message };
  }
};

describe('checkAttributes', () => {
  it('accepts what the schema allows', () => {
    expect(refusal('contact', { phone: '+525512345678', name: 'Ana', email: 'ana@example.com', tags: ['vip'], source: 'api', isLead: false }, false)).toBeNull();
    expect(refusal('template', { name: 'cita', body: 'Hola {{nombre}}', category: 'utility', metaParameters: ['nombre'], twilioVariables: { 1: 'nombre' } }, false)).toBeNull();
    expect(refusal('setting', { optOutKeywords: ['STOP'], failureRateThreshold: 0.25, quietHoursStart: '21:00', sandbox: true })).toBeNull();
    expect(refusal('contact', { lastInboundAt: new Date(), consentUpdatedAt: '2031-02-01T10:00:00Z', name: null })).toBeNull();
    // 255 characters, even when each is an emoji (two UTF-16 units): PostgreSQL counts characters.
    expect(refusal('contact', { name: '😀'.repeat(255) })).toBeNull();
    // text has no length limit here (the template rules count WhatsApp's 4,096).
    expect(refusal('template', { body: 'x'.repeat(10_000) })).toBeNull();
  });

  it('NUL anywhere in text: string, text, email, JSON values and keys', () => {
    expect(refusal('contact', { name: 'An\u0000a' })).toMatchObject({ path: 'name', rule: 'no-nul' });
    expect(refusal('template', { body: 'Hola\u0000' })).toMatchObject({ path: 'body', rule: 'no-nul' });
    expect(refusal('contact', { email: 'a\u0000@example.com' })).toMatchObject({ path: 'email', rule: 'no-nul' });
    expect(refusal('contact', { tags: ['ok', 'v\u0000ip'] })).toMatchObject({ path: 'tags.1', rule: 'no-nul' });
    expect(refusal('setting', { optOutKeywords: ['STOP\u0000'] })).toMatchObject({ path: 'optOutKeywords.0', rule: 'no-nul' });
    expect(refusal('template', { twilioVariables: { 'k\u0000': 'nombre' } })).toMatchObject({ rule: 'no-nul' });
  });

  it('a lone UTF-16 surrogate is refused (PostgreSQL refuses it in JSON)', () => {
    expect(refusal('contact', { tags: ['\uD800'] })).toMatchObject({ path: 'tags.0', rule: 'unicode' });
    expect(refusal('contact', { name: 'ok 😀' })).toBeNull();
  });

  it('strings over maxLength or 255 characters', () => {
    expect(refusal('contact', { name: 'x'.repeat(256) })).toMatchObject({ path: 'name', rule: 'max-length' });
    expect(refusal('contact', { name: 'x'.repeat(256) })?.message).toMatch(/255/);
    expect(refusal('contact', { phone: '+5255123456789012' })).toMatchObject({ path: 'phone', rule: 'max-length' });
    expect(refusal('contact', { phone: '+5255123456789012' })?.message).toMatch(/16/);
    expect(refusal('template', { metaName: 'm'.repeat(256) })).toMatchObject({ path: 'metaName', rule: 'max-length' });
  });

  it('ids and integers: ids within 1..2³¹−1, other integers within 32 bits, schema min/max', () => {
    expect(refusal('conversation', { contactId: 2_147_483_648 })).toMatchObject({ path: 'contactId', rule: 'out-of-range' });
    expect(refusal('conversation', { contactId: 0 })).toMatchObject({ path: 'contactId', rule: 'out-of-range' });
    expect(refusal('conversation', { contactId: '2147483647' })).toBeNull();
    expect(refusal('conversation', { unreadCount: -5 })).toBeNull();
    expect(refusal('conversation', { unreadCount: 2 ** 31 })).toMatchObject({ path: 'unreadCount', rule: 'out-of-range' });
    expect(refusal('conversation', { unreadCount: 1.5 })).toMatchObject({ path: 'unreadCount', rule: 'type' });
    expect(refusal('contact', { id: 99_999_999_999 })).toMatchObject({ path: 'id', rule: 'out-of-range' });
    expect(refusal('sender', { messagesPerSecond: 0 })).toMatchObject({ path: 'messagesPerSecond', rule: 'min' });
  });

  it('biginteger within 64 bits, decimal below 10⁸', () => {
    expect(refusal('sender', { nextFreeAt: '9223372036854775807' })).toBeNull();
    expect(refusal('sender', { nextFreeAt: '9223372036854775808' })).toMatchObject({ path: 'nextFreeAt', rule: 'out-of-range' });
    expect(refusal('campaign', { pacingSeconds: 1e8 })).toMatchObject({ path: 'pacingSeconds', rule: 'out-of-range' });
    expect(refusal('campaign', { pacingSeconds: -1 })).toMatchObject({ path: 'pacingSeconds', rule: 'min' });
  });

  it('dates within the years 1970–9999', () => {
    for (const value of ['-271821-04-20', '+275760-09-13', '0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '+010000-01-01T00:00:00Z']) {
      expect(refusal('contact', { optedOutAt: value })).toMatchObject({ path: 'optedOutAt', rule: 'date-range' });
    }
    expect(refusal('contact', { optedOutAt: new Date(8.64e15) })).toMatchObject({ rule: 'date-range' });
    expect(refusal('contact', { optedOutAt: 'tomorrow' })).toMatchObject({ rule: 'date' });
    expect(refusal('contact', { optedOutAt: '9999-12-31T23:59:59Z' })).toBeNull();
  });

  it('enumerations: only their values', () => {
    expect(refusal('template', { category: 'spam' })).toMatchObject({ path: 'category', rule: 'one-of' });
    expect(refusal('contact', { source: 'api' })).toBeNull();
  });

  it('the JavaScript type the attribute expects', () => {
    expect(refusal('contact', { name: { $ne: null } })).toMatchObject({ path: 'name', rule: 'type' });
    expect(refusal('contact', { name: ['Ana'] })).toMatchObject({ path: 'name', rule: 'type' });
    expect(refusal('contact', { isLead: 'yes' })).toMatchObject({ path: 'isLead', rule: 'type' });
    expect(refusal('template', { category: 3 })).toMatchObject({ path: 'category', rule: 'type' });
    expect(refusal('setting', { failureRateThreshold: 'high' })).toMatchObject({ path: 'failureRateThreshold', rule: 'type' });
  });

  it('required: missing on create, null ever; a default fills in', () => {
    expect(refusal('template', { name: 'cita' }, false)).toMatchObject({ path: 'body', rule: 'required' });
    expect(refusal('template', { name: 'cita' }, true)).toBeNull();
    expect(refusal('template', { body: null }, true)).toMatchObject({ path: 'body', rule: 'required' });
    // category and language are required with a default: not needed on create.
    expect(refusal('template', { name: 'cita', body: 'Hola' }, false)).toBeNull();
  });

  it('keys the schema does not know are left to the caller (except id and documentId)', () => {
    expect(refusal('contact', { colour: { deep: 'x\u0000' } })).toBeNull();
    expect(refusal('contact', { documentId: 'd'.repeat(300) })).toMatchObject({ path: 'documentId', rule: 'max-length' });
  });
});
