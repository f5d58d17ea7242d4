/**
 * WhatsApp through Meta's Cloud API (Graph API), over plain HTTPS with keep-alive: one
 * `POST /{version}/{phone-number-id}/messages` per message, JSON built by payload.ts.
 */
import { ProviderError } from '../errors';
import { createJsonHttpClient } from '../http';
import type { OutboundMessage, SendResult, WhatsAppProvider } from '../types';
import { classifyMetaError, metaCanFallBack, parseMetaError } from './errors';
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
  const url = `${base}/${options.graphVersion ?? 'v21.0'}/${encodeURIComponent(options.phoneNumberId)}/messages`;
  const http = createJsonHttpClient({ provider: NAME, timeoutMs: options.timeoutMs ?? 15000 });
  const headers = { authorization: `Bearer ${options.accessToken}` };

  return {
    name: NAME,
    async send(message: OutboundMessage): Promise<SendResult> {
      const payload = buildMetaPayload(message, NAME);
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
