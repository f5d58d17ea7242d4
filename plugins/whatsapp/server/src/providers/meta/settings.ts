import { readConfig } from '../../config';

/** Every Meta setting, from the plugin's typed configuration (config/index.ts). */
export interface MetaSettings {
  accessToken: string;
  phoneNumberId: string;
  /** Default https://graph.facebook.com; tests point it at a local fake. */
  graphBaseUrl: string | undefined;
  graphVersion: string | undefined;
  /** The WhatsApp Business Account whose message templates are synchronised. */
  wabaId: string | undefined;
  /** Signs webhooks (X-Hub-Signature-256). */
  appSecret: string | undefined;
  /** Echoed in the webhook subscription handshake. */
  verifyToken: string | undefined;
  /** Our number, shown on the sender (else `meta:<phone number id>`). */
  whatsappNumber: string | undefined;
}

export function metaSettings(): MetaSettings {
  const { accessToken, phoneNumberId, graphBaseUrl, graphVersion, wabaId, appSecret, verifyToken, whatsappNumber } = readConfig().meta;
  return {
    accessToken,
    phoneNumberId,
    graphBaseUrl,
    graphVersion,
    wabaId: wabaId ?? undefined,
    appSecret: appSecret ?? undefined,
    verifyToken: verifyToken ?? undefined,
    whatsappNumber: whatsappNumber ?? undefined,
  };
}
