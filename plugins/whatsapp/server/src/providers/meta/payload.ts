/**
 * The JSON body of a Cloud API `POST /{phone-number-id}/messages` for one of our messages.
 * Pure, so the exact shape Meta receives is unit-tested without a network.
 *
 * `to` is the E.164 digits (Meta maps them to the wa_id itself, including Mexico's 521 and
 * Argentina's 549), and `biz_opaque_callback_data` carries our message id back in status webhooks.
 * A customer known only by their business-scoped user id (the message row's `to` is a BSUID,
 * `US.13491208655302741918`) is addressed with `recipient` instead of `to`, as Meta documents
 * ("Business-scoped user IDs": `to` for a phone number, `recipient` for a BSUID or parent BSUID;
 * when both are given `to` wins, so only one is sent).
 */
import { businessScopedUserId } from '../../lib/bsuid';
import { assertSendable, e164Digits, invalidMessage } from '../outbound';
import type { OutboundMessage } from '../types';

type Media = NonNullable<OutboundMessage['media']>;

/** An uploaded file by its media id (meta/media-upload.ts), or a link Meta fetches itself. */
export type MetaMediaObject = ({ id: string; link?: never } | { link: string; id?: never }) & { filename?: string; caption?: string };

/** What the client learnt before building the payload. */
export interface MetaPayloadOptions {
  /** The Meta media id of `message.media`, when the client uploaded it: sent instead of its link. */
  mediaId?: string;
}

export type MetaTextParameter = { type: 'text'; text: string; parameter_name?: string };

export type MetaHeaderParameter =
  | { type: 'document'; document: MetaMediaObject }
  | { type: 'image'; image: MetaMediaObject };

export type MetaComponent =
  | { type: 'header'; parameters: MetaHeaderParameter[] }
  | { type: 'body'; parameters: MetaTextParameter[] };

type MetaBase = {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  biz_opaque_callback_data: string;
} & ({ to: string; recipient?: never } | { recipient: string; to?: never });

export type MetaMessagePayload = MetaBase &
  (
    | { type: 'text'; text: { body: string; preview_url: boolean } }
    | { type: 'template'; template: { name: string; language: { code: string }; components?: MetaComponent[] } }
    | { type: 'document'; document: MetaMediaObject }
    | { type: 'image'; image: MetaMediaObject }
  );

export function buildMetaPayload(message: OutboundMessage, provider = 'meta', options: MetaPayloadOptions = {}): MetaMessagePayload {
  assertSendable(provider, message);
  const bsuid = businessScopedUserId(message.to);
  const base: MetaBase = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...(bsuid ? { recipient: bsuid } : { to: e164Digits(provider, message.to, 'to') }),
    biz_opaque_callback_data: String(message.id),
  };

  if (message.template) {
    const template = message.template.meta;
    if (!template) throw invalidMessage(provider, `Message ${message.id} has a template without a Meta template name`);
    const named = template.parameterFormat === 'named';
    const components: MetaComponent[] = [];
    if (message.media) components.push({ type: 'header', parameters: [headerParameter(message.media, options.mediaId)] });
    if (template.parameters.length > 0) {
      components.push({
        type: 'body',
        parameters: template.parameters.map((parameter) =>
          named ? { type: 'text', text: parameter.value, parameter_name: parameter.name } : { type: 'text', text: parameter.value },
        ),
      });
    }
    return {
      ...base,
      type: 'template',
      template: {
        name: template.name,
        language: { code: template.language },
        ...(components.length > 0 ? { components } : {}),
      },
    };
  }

  if (message.media) {
    const caption = message.body !== undefined && message.body.trim() !== '' ? message.body : undefined;
    const object = mediaObject(message.media, options.mediaId, caption);
    return message.media.kind === 'document'
      ? { ...base, type: 'document', document: object }
      : { ...base, type: 'image', image: object };
  }

  // assertSendable guarantees a non-empty body here.
  return { ...base, type: 'text', text: { body: message.body ?? '', preview_url: false } };
}

function mediaObject(media: Media, mediaId: string | undefined, caption?: string): MetaMediaObject {
  const object: MetaMediaObject = mediaId !== undefined ? { id: mediaId } : { link: media.url };
  // Meta ignores (and may reject) a filename on images: only documents carry one.
  if (media.kind === 'document' && media.filename) object.filename = media.filename;
  if (caption !== undefined) object.caption = caption;
  return object;
}

function headerParameter(media: Media, mediaId: string | undefined): MetaHeaderParameter {
  return media.kind === 'document'
    ? { type: 'document', document: mediaObject(media, mediaId) }
    : { type: 'image', image: mediaObject(media, mediaId) };
}
