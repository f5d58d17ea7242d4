/**
 * The small interface every WhatsApp (or fallback) provider implements. The dispatcher only
 * knows this file: adding 360dialog or another BSP is one new file plus a config entry.
 */

/** What a provider needs to send one message. Built by the dispatcher from a message row. */
export interface OutboundMessage {
  /** Our message id: travels with the request so status callbacks can be matched to it. */
  id: number;
  /** Recipient, E.164 (`+525512345678`). */
  to: string;
  /** Sender number, E.164 (Twilio `From`; informational for Meta, which sends from its phone number id). */
  from: string;
  /** Free text (already rendered), when no provider template is used. */
  body?: string;
  /** An approved provider template, with its parameters already rendered. */
  template?: {
    /** Meta: approved template name + language code + body parameters in order. */
    meta?: {
      name: string;
      language: string;
      /** Body parameters in order ({{1}}, {{2}} …) or by name when `parameterFormat` is `named`. */
      parameters: { name: string; value: string }[];
      parameterFormat?: 'positional' | 'named';
    };
    /** Twilio: Content SID + ContentVariables (`{"1": "Ana"}`). */
    twilio?: { contentSid: string; variables: Record<string, string> };
  };
  /** A document or image, fetched by the provider from a signed, expiring URL. */
  media?: { url: string; mime: string; filename?: string; kind: 'image' | 'document' };
}

export interface SendResult {
  providerMessageId: string;
  /** HTTP status of the provider's answer (for the attempt log). */
  httpStatus?: number;
}

export type ErrorClass =
  | { kind: 'transient' }
  | { kind: 'rate-limited'; retryAfterSeconds?: number }
  | { kind: 'permanent' }
  | { kind: 'opted-out' }
  | { kind: 'outside-window' };

export interface WhatsAppProvider {
  /** `sandbox`, `twilio`, `meta`, … (stored on the message and the attempt). */
  readonly name: string;
  send(message: OutboundMessage): Promise<SendResult>;
  /** Decides what an error means for the message: retry, fail, fall back, revoke consent. */
  classify(error: unknown): ErrorClass;
}
