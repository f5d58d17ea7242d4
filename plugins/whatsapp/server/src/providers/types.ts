/**
 * The small interfaces every provider implements. The dispatcher, the webhooks and the media
 * downloads only know this file and registry.ts: adding 360dialog or another BSP is one new
 * folder (providers/<name>/) plus an entry in registry.ts. See docs/providers.md.
 */
import type { ErrorTable } from './classify';
import type { FetchedMedia, MediaFetchOptions } from './media';
import type { WebhookEvent } from './webhook-events';

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
  /**
   * A document or image from the media library. Twilio fetches it from `url` (a signed, expiring
   * link to this app); Meta gets the bytes from `load` and uploads them (meta/media-upload.ts),
   * so `load` is only called by providers that need the file itself.
   */
  media?: {
    url: string;
    mime: string;
    filename?: string;
    kind: 'image' | 'document';
    /** Reads the file's bytes (from the upload folder or the upload provider's URL). */
    load?: () => Promise<Buffer>;
  };
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
  /** Whether a permanent failure with this provider code may go out by SMS / email instead. */
  canFallBack(code: string | undefined): boolean;
}

/** What a signature check decided: accepted, or refused with the HTTP status and a log reason. */
export type SignatureVerdict = { ok: true } | { ok: false; status: 401 | 403; reason: string; message: string };

/** The parts of an HTTP request a signature check needs (no Koa types in provider folders). */
export interface SignedRequest {
  header(name: string): string | undefined;
  /** The exact bytes received. */
  rawBody: Buffer | undefined;
  /** The URL the provider called (PUBLIC_URL + path + query). */
  url: string;
}

/** A webhook as the provider sent it: the parsed body, the exact bytes and the query string. */
export interface WebhookRequest {
  body: unknown;
  rawBody: Buffer | undefined;
  query: URLSearchParams;
}

/**
 * Everything about one provider, in its folder (providers/<name>/index.ts). Only `name`,
 * `create`, `errors` and `canFallBack` are required: a provider without webhooks or inbound
 * media leaves those out.
 */
export interface ProviderModule<Settings = unknown> {
  /** `meta`, `twilio`, `sandbox`, … (the sender's `provider` column). */
  readonly name: string;
  /** Its settings, read in ONE place (providers/<name>/settings.ts). */
  settings(): Settings;
  /** True when the settings are enough to send. */
  configured(settings: Settings): boolean;
  /** The sending client (kept for the life of the process by the registry). */
  create(settings: Settings, common: CommonSettings): WhatsAppProvider;
  /** Code → class, meaning, remedy, fallback: data. */
  readonly errors: ErrorTable;
  classify(error: unknown): ErrorClass;
  /** A human reason for a failure (the table's meaning, else the error's message). */
  describe(error: unknown): string;
  canFallBack(code: string | undefined): boolean;
  /**
   * Our template (a template row) and the message's variables → this provider's part of
   * `OutboundMessage['template']`, through the one mapper (template-parameters.ts).
   */
  template?(template: TemplateFields, variables: Record<string, unknown>, options: { locale?: string; timeZone?: string }): OutboundMessage['template'];
  /** Checks a webhook's signature. */
  verifySignature?(request: SignedRequest, settings: Settings): SignatureVerdict;
  /** A signed webhook → events (throws MalformedWebhookError). */
  parseWebhook?(request: WebhookRequest): WebhookEvent[];
  /** Downloads a customer's media file (a Meta media id, a Twilio media URL). */
  fetchMedia?(reference: string, options: MediaFetchOptions, settings: Settings): Promise<FetchedMedia>;
  /**
   * Why this server cannot read the provider's message templates (a setting missing, in words
   * for whoever configures it), or null when it can. Providers without templates leave it out.
   */
  templateListingProblem?(settings: Settings): string | null;
  /**
   * Every message template the provider holds, with its approval (all pages read before anything
   * is returned). Throws a ProviderError that says what to check when the provider refuses.
   */
  listTemplates?(settings: Settings, common: CommonSettings): Promise<ProviderTemplate[]>;
}

/**
 * A message template as the provider holds it, read for the template sync
 * (services/template-sync.ts). Status, category and quality in the provider's own words, upper case.
 */
export interface ProviderTemplate {
  /** Meta's template id; Twilio's Content SID (`HX…`). */
  id: string;
  name: string;
  /** As the provider writes it: `es_MX`, `en_US` (Meta), `es` (Twilio). */
  language: string;
  /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL…; null when there is none (a Twilio content never submitted to WhatsApp). */
  status: string | null;
  /** Why it was rejected or paused, in the provider's words; null when it says nothing (Meta's `NONE`). */
  reason: string | null;
  /** Meta's quality score: GREEN, YELLOW, RED or UNKNOWN; null when the provider has none (Twilio). */
  quality: string | null;
  /** MARKETING, UTILITY or AUTHENTICATION as the provider reports it (null: not said). */
  category: string | null;
  /** The body's text with the provider's own placeholders (`{{1}}`, `{{first_name}}`); null when it has none. */
  body: string | null;
  /** How the body's placeholders are named: `{{1}}` (positional) or `{{first_name}}` (named). */
  parameterFormat: 'positional' | 'named';
  /** A document or image header the message must carry; `none` otherwise (text and other headers). */
  header: 'none' | 'document' | 'image';
}

/** A template row, as the providers' template mappings read it. */
export type TemplateFields = { body: string } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Settings every provider shares. */
export interface CommonSettings {
  /** How long a provider request may take before it counts as a (transient) timeout. */
  timeoutMs: number;
  /** The app's public URL (status callbacks, media links). */
  publicUrl: string;
}

/** A fallback channel (SMS, email): a message that WhatsApp could not carry, as plain text. */
export interface FallbackMessage {
  /** Our message id. */
  id: number;
  /** The recipient's number (E.164) and email, when known. */
  to: string;
  email?: string | null;
  /** Our WhatsApp sender's number (a default SMS `From`). */
  from: string;
  /** The rendered text. */
  text: string;
}

export interface ChannelResult {
  /** Provider recorded on the message and the attempt (`twilio-sms`, `email`, `sandbox`). */
  provider: string;
  providerMessageId: string;
}

export interface Channel {
  readonly name: 'sms' | 'email';
  /** False when this channel cannot reach the person (no email address) or is not configured. */
  canReach(message: FallbackMessage): boolean;
  send(message: FallbackMessage): Promise<ChannelResult>;
}
