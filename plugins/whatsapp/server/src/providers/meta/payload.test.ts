import { ProviderError } from '../errors';
import { buildMetaPayload } from './payload';
import type { OutboundMessage } from '../types';

const base = { id: 42, to: '+525512345678', from: '+15550001111' };
const envelope = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '525512345678',
  biz_opaque_callback_data: '42',
};
const pdf = { url: 'https://tienda.mx/f/abc.pdf?sig=1', mime: 'application/pdf', filename: 'Factura A-1024.pdf', kind: 'document' as const };
const jpg = { url: 'https://tienda.mx/f/abc.jpg', mime: 'image/jpeg', filename: 'foto.jpg', kind: 'image' as const };

describe('buildMetaPayload', () => {
  it('builds a text message without link previews', () => {
    expect(buildMetaPayload({ ...base, body: 'Hola José 🎉\nTu pedido ya salió' })).toEqual({
      ...envelope,
      type: 'text',
      text: { body: 'Hola José 🎉\nTu pedido ya salió', preview_url: false },
    });
  });

  it('sends the E.164 digits (not the 521 wa_id) and our id as opaque callback data', () => {
    const payload = buildMetaPayload({ ...base, id: 9, to: '+5491123456789', body: 'x' });
    expect(payload.to).toBe('5491123456789');
    expect(payload.biz_opaque_callback_data).toBe('9');
  });

  it('builds a positional template', () => {
    const message: OutboundMessage = {
      ...base,
      template: {
        meta: {
          name: 'pedido_enviado',
          language: 'es_MX',
          parameters: [
            { name: '1', value: 'José' },
            { name: '2', value: 'A-1024' },
          ],
        },
      },
    };
    expect(buildMetaPayload(message)).toEqual({
      ...envelope,
      type: 'template',
      template: {
        name: 'pedido_enviado',
        language: { code: 'es_MX' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'José' },
              { type: 'text', text: 'A-1024' },
            ],
          },
        ],
      },
    });
  });

  it('names parameters for a named template', () => {
    const payload = buildMetaPayload({
      ...base,
      template: { meta: { name: 't', language: 'es', parameterFormat: 'named', parameters: [{ name: 'nombre', value: 'Ana' }] } },
    });
    expect(payload).toMatchObject({
      template: { components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana', parameter_name: 'nombre' }] }] },
    });
  });

  it('puts media in the template header', () => {
    const payload = buildMetaPayload({
      ...base,
      media: pdf,
      template: { meta: { name: 'factura', language: 'es_MX', parameters: [{ name: '1', value: 'Ana' }] } },
    });
    expect(payload).toMatchObject({
      type: 'template',
      template: {
        components: [
          { type: 'header', parameters: [{ type: 'document', document: { link: pdf.url, filename: 'Factura A-1024.pdf' } }] },
          { type: 'body' },
        ],
      },
    });
    const image = buildMetaPayload({ ...base, media: jpg, template: { meta: { name: 'promo', language: 'es', parameters: [] } } });
    expect(image).toMatchObject({
      template: { components: [{ type: 'header', parameters: [{ type: 'image', image: { link: jpg.url } }] }] },
    });
  });

  it('omits components for a template without parameters or media', () => {
    const payload = buildMetaPayload({ ...base, template: { meta: { name: 'hello_world', language: 'en_US', parameters: [] } } });
    expect(payload).toEqual({ ...envelope, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
  });

  it('sends a bare document with filename and the body as caption', () => {
    expect(buildMetaPayload({ ...base, media: pdf, body: 'Tu factura' })).toEqual({
      ...envelope,
      type: 'document',
      document: { link: pdf.url, filename: 'Factura A-1024.pdf', caption: 'Tu factura' },
    });
  });

  it('sends a bare image, without filename, caption only when there is a body', () => {
    expect(buildMetaPayload({ ...base, media: jpg })).toEqual({ ...envelope, type: 'image', image: { link: jpg.url } });
    expect(buildMetaPayload({ ...base, media: jpg, body: ' ' })).toEqual({ ...envelope, type: 'image', image: { link: jpg.url } });
  });

  it('names an uploaded file by its media id instead of a link, in a header and in a bare message', () => {
    const options = { mediaId: '1037543291543636' };
    const template = buildMetaPayload({ ...base, media: pdf, template: { meta: { name: 'factura', language: 'es_MX', parameters: [] } } }, 'meta', options);
    expect(template).toMatchObject({
      template: { components: [{ type: 'header', parameters: [{ type: 'document', document: { id: '1037543291543636', filename: 'Factura A-1024.pdf' } }] }] },
    });
    expect(JSON.stringify(template)).not.toContain('link');
    const image = buildMetaPayload({ ...base, media: jpg, template: { meta: { name: 'promo', language: 'es', parameters: [] } } }, 'meta', options);
    expect(image).toMatchObject({ template: { components: [{ type: 'header', parameters: [{ type: 'image', image: { id: '1037543291543636' } }] }] } });
    expect(buildMetaPayload({ ...base, media: pdf, body: 'Tu factura' }, 'meta', options)).toEqual({
      ...envelope,
      type: 'document',
      document: { id: '1037543291543636', filename: 'Factura A-1024.pdf', caption: 'Tu factura' },
    });
    expect(buildMetaPayload({ ...base, media: jpg }, 'meta', options)).toEqual({ ...envelope, type: 'image', image: { id: '1037543291543636' } });
  });

  it('sends to a business-scoped user id with `recipient` instead of `to` (Meta, "Business-scoped user IDs")', () => {
    const { to: _to, ...withoutTo } = envelope;
    expect(buildMetaPayload({ ...base, to: 'US.13491208655302741918', body: 'Hola' })).toEqual({
      ...withoutTo,
      recipient: 'US.13491208655302741918',
      type: 'text',
      text: { body: 'Hola', preview_url: false },
    });
    // A parent BSUID too; never both fields.
    const parent = buildMetaPayload({ ...base, to: 'US.ENT.11815799212886844830', body: 'Hola' });
    expect(parent).toMatchObject({ recipient: 'US.ENT.11815799212886844830' });
    expect('to' in parent).toBe(false);
    expect('recipient' in buildMetaPayload({ ...base, body: 'Hola' })).toBe(false);
  });

  it('refuses a Twilio-only template, an empty message and a bad number', () => {
    expect(() => buildMetaPayload({ ...base, template: { twilio: { contentSid: 'HX1', variables: {} } } })).toThrow(
      'has a template without a Meta template name',
    );
    expect(() => buildMetaPayload({ ...base })).toThrow(ProviderError);
    expect(() => buildMetaPayload({ ...base, to: '55 1234 5678', body: 'x' })).toThrow('E.164');
  });
});
