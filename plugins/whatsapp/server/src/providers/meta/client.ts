/**
 * WhatsApp through Meta's Cloud API (Graph API), over plain HTTPS with keep-alive: one
 * `POST /{version}/{phone-number-id}/messages` per message, JSON built by payload.ts. A message
 * with a media-library file first uploads it (`POST /{version}/{phone-number-id}/media`, once
 * per file content, media-upload.ts) and names it by its media id.
 */
import { ProviderError, toProviderError } from '../errors';
import { createJsonHttpClient } from '../http';
import type { OutboundMessage, SendResult, WhatsAppProvider } from '../types';
import { classifyMetaError, metaCanFallBack, parseMetaError } from './errors';
import { createMetaMediaUploader } from './media-upload';
import { buildMetaPayload } from './payload';

export interface MetaProviderOptions {
  accessToken: string;
  phoneNumberId: string;
  graphBaseUrl?: string;
  graphVersion?: string;
  timeoutMs?: number;
}

export interface MetaProvider extends WhatsAppProvider {
  /** Closes idle keep-alive sockets (shutdown, tests). */
  close(): void;
}

const NAME = 'meta';

/** Meta's Graph API host: the default only; META_GRAPH_BASE_URL configures it. */
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';

export function createMetaProvider(options: MetaProviderOptions): MetaProvider {
  const base = (options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
  const phoneNumber = `${base}/${options.graphVersion ?? 'v21.0'}/${encodeURIComponent(options.phoneNumberId)}`;
  const url = `${phoneNumber}/messages`;
  const timeoutMs = options.timeoutMs ?? 15000;
  const http = createJsonHttpClient({ provider: NAME, timeoutMs });
  const headers = { authorization: `Bearer ${options.accessToken}` };
  // One per client, so a media id is only reused with the phone number (and token) it was uploaded for.
  const uploader = createMetaMediaUploader({ url: `${phoneNumber}/media`, accessToken: options.accessToken, timeoutMs, provider: NAME });

  /** The media id of the message's file, uploaded (or cached); undefined when it has no loader. */
  async function uploadMedia(message: OutboundMessage): Promise<string | undefined> {
    const media = message.media;
    if (!media?.load) return undefined;
    let bytes: Buffer;
    try {
      bytes = await media.load();
    } catch (error) {
      // A network failure reading a cloud-stored file stays transient; a missing file is permanent.
      const cause = toProviderError(NAME, error);
      const name = media.filename ? ` ${media.filename}` : '';
      throw new ProviderError(`The media file${name} could not be read: ${cause.message}`, {
        provider: NAME,
        status: cause.status,
        code: cause.code,
        timeout: cause.timeout,
        cause: error,
      });
    }
    return uploader.upload(bytes, media.mime, media.filename);
  }

  return {
    name: NAME,
    async send(message: OutboundMessage): Promise<SendResult> {
      // Built once before the upload so an invalid message fails without uploading anything.
      let payload = buildMetaPayload(message, NAME);
      const mediaId = await uploadMedia(message);
      if (mediaId !== undefined) payload = buildMetaPayload(message, NAME, { mediaId });
      const response = await http.postJson(url, payload, headers);
      if (response.status < 200 || response.status >= 300) {
        throw parseMetaError(response.status, response.headers, response.text, NAME);
      }
      const id = messageId(response.text);
      if (id === undefined) {
        // Probably sent: a retry could duplicate it, so this is not transient.
        throw new ProviderError('Meta accepted the request but returned no message id', {
          provider: NAME,
          status: response.status,
          code: 'NO_MESSAGE_ID',
          details: response.text.slice(0, 200),
        });
      }
      return { providerMessageId: id, httpStatus: response.status };
    },
    classify: classifyMetaError,
    canFallBack: metaCanFallBack,
    close: () => http.close(),
  };
}

/** `{"messaging_product":"whatsapp","contacts":[…],"messages":[{"id":"wamid.…"}]}` → the wamid. */
function messageId(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    const messages: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, 'messages') : undefined;
    const first: unknown = Array.isArray(messages) ? messages[0] : undefined;
    const id: unknown = typeof first === 'object' && first !== null ? Reflect.get(first, 'id') : undefined;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}
