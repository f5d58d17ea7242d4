/** Every Meta setting, read in ONE place (the plugin's typed config will replace these reads). */
export interface MetaSettings {
  accessToken: string;
  phoneNumberId: string;
  /** Default https://graph.facebook.com; tests point it at a local fake. */
  graphBaseUrl: string | undefined;
  graphVersion: string | undefined;
  /** Signs webhooks (X-Hub-Signature-256). */
  appSecret: string | undefined;
  /** Echoed in the webhook subscription handshake. */
  verifyToken: string | undefined;
  /** Our number, shown on the sender (else `meta:<phone number id>`). */
  whatsappNumber: string | undefined;
}

export function metaSettings(env: NodeJS.ProcessEnv = process.env): MetaSettings {
  return {
    accessToken: env.META_ACCESS_TOKEN || '',
    phoneNumberId: env.META_PHONE_NUMBER_ID || '',
    graphBaseUrl: env.META_GRAPH_BASE_URL || undefined,
    graphVersion: env.META_GRAPH_VERSION || undefined,
    appSecret: env.META_APP_SECRET || undefined,
    verifyToken: env.META_VERIFY_TOKEN || undefined,
    whatsappNumber: env.META_WHATSAPP_NUMBER || undefined,
  };
}
