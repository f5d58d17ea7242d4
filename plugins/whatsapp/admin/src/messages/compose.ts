import type { Contact, RecipientCheck, Template } from '../../../shared/contracts';
import { apiErrorOf, placeholderFor, toVariables } from '../templates/logic';

/**
 * The New message form's pure logic: who it goes to, which fields the chosen template asks for,
 * whether free text is allowed (the 24-hour window) and for how long, the checks made before
 * sending, the POST /whatsapp/messages body, and the server's refusals put back on their fields.
 */

export type ComposeMode = 'template' | 'text';

/** A media-library file as the Media Library dialog hands it over (only what the form keeps). */
export interface PickedMedia {
  id: number;
  name: string;
  mime: string;
}

export interface ComposeForm {
  mode: ComposeMode;
  templateId: number | null;
  /** One typed value per template variable (`cliente.nombre` dotted). */
  values: Record<string, string>;
  body: string;
  schedule: 'now' | 'later';
  /** ISO instant, when `schedule` is `later`. */
  sendAt: string | null;
  media: PickedMedia | null;
}

export const EMPTY_COMPOSE: ComposeForm = { mode: 'template', templateId: null, values: {}, body: '', schedule: 'now', sendAt: null, media: null };

/** What the form needs of a template (the admin list's answer). */
export type ComposeTemplate = Pick<Template, 'id' | 'name' | 'category' | 'variables' | 'mediaHeader' | 'active'>;

/** The contact search's query (GET /whatsapp/contacts): name, phone or email, a short first page. */
export const contactSearchQuery = (text: string, pageSize = 8) => ({ search: text.trim(), page: 1, pageSize });

/** Characters people write numbers with, an optional `whatsapp:` / `tel:` prefix, a leading `+`. */
const PHONE_CHARS = /^\+?[\d\s().\-/]*$/;
const PREFIX = /^(?:whatsapp|tel):/i;
/**
 * The fewest and most digits a typed number can have. Deliberately loose: the server reads the
 * number with WhatsApp's own rules (Mexico's `521…`, Argentina's `9`, Brazil's ninth digit, trunk
 * prefixes such as `044` or `15`), which a stricter check here would contradict. It has the last
 * word, asked as the number is typed (GET /whatsapp/messages/recipient).
 */
const MIN_DIGITS = 7;
const MAX_DIGITS = 17;

export type PhoneProblem = 'required' | 'invalid-characters' | 'too-short' | 'too-long';

/** What is certainly wrong with a typed number, before asking the server (null: worth asking). */
export const phoneProblem = (typed: string): PhoneProblem | null => {
  const text = typed.replace(PREFIX, '').trim();
  if (!text) return 'required';
  if (!PHONE_CHARS.test(text)) return 'invalid-characters';
  const digits = text.replace(/\D/g, '').length;
  if (digits < MIN_DIGITS) return 'too-short';
  if (digits > MAX_DIGITS) return 'too-long';
  return null;
};

/** Whether the text typed in the recipient field is meant as a number (else it searches contacts by name). */
export const looksLikePhone = (typed: string) => /\d/.test(typed) && PHONE_CHARS.test(typed.replace(PREFIX, '').trim());

/** What `to` the message goes to: the picked contact's number (or WhatsApp user id), else the typed number. */
export const recipientOf = (picked: Pick<Contact, 'phone' | 'providerUserId'> | null, typed: string): string =>
  picked ? (picked.phone ?? picked.providerUserId ?? '') : typed.trim();

export interface WindowLeft {
  open: boolean;
  hours: number;
  minutes: number;
  /** Epoch ms the window closes (closed) at; null when the contact never wrote. */
  closesAt: number | null;
}

/**
 * The contact's 24-hour window at `now`, with the time left in whole hours and minutes. Reckoned
 * from `closesAt`, so a page left open counts down (the server's `open` is as of its answer).
 */
export const windowLeft = (window: Pick<RecipientCheck['window'], 'closesAt'> | null | undefined, now: number): WindowLeft => {
  const closes = window?.closesAt ? Date.parse(window.closesAt) : NaN;
  if (Number.isNaN(closes)) return { open: false, hours: 0, minutes: 0, closesAt: null };
  if (closes <= now) return { open: false, hours: 0, minutes: 0, closesAt: closes };
  const left = Math.floor((closes - now) / 60_000);
  return { open: true, hours: Math.floor(left / 60), minutes: left % 60, closesAt: closes };
};

/** The moment the message is handed over: the chosen time when scheduled, else now. */
export const sendingAt = (form: Pick<ComposeForm, 'schedule' | 'sendAt'>, now: number): number => {
  const at = form.schedule === 'later' && form.sendAt ? Date.parse(form.sendAt) : NaN;
  return Number.isNaN(at) ? now : Math.max(at, now);
};

/**
 * Free text is allowed only while the window is open when the message goes: the server checks it
 * at the scheduled time, so a message scheduled after the window closes must be a template.
 */
export const freeTextAllowed = (window: Pick<RecipientCheck['window'], 'closesAt'> | null | undefined, form: Pick<ComposeForm, 'schedule' | 'sendAt'>, now: number) => {
  const closes = window?.closesAt ? Date.parse(window.closesAt) : NaN;
  return !Number.isNaN(closes) && sendingAt(form, now) < closes;
};

/**
 * The variables the form asks for, in the template's order: those the template lists, then any the
 * server's preview detected in the body that the list lacks. Empty names and repeats are dropped.
 */
export const variablesFor = (template: Pick<Template, 'variables'> | null | undefined, detected: string[] = []): string[] =>
  [...new Set([...(template?.variables ?? []), ...detected].map((name) => name.trim()).filter(Boolean))];

/** The typed values for a new list of variables: the ones still used are kept, new ones start empty. */
export const valuesFor = (variables: string[], current: Record<string, string>): Record<string, string> =>
  Object.fromEntries(variables.map((name) => [name, current[name] ?? '']));

/** The preview's variables: what was typed, and `[name]` where nothing was yet, so the preview shows where it goes. */
export const previewVariables = (variables: string[], values: Record<string, string>): Record<string, unknown> =>
  toVariables(Object.fromEntries(variables.map((name) => [name, values[name]?.trim() ? values[name] : placeholderFor(name)])));

export type MediaUse = 'none' | 'optional' | 'required';

/**
 * Whether the message may carry a file: a template only as its header (then it must), free text as
 * an image or a document with the text as its caption.
 */
export const mediaUse = (mode: ComposeMode, template: Pick<Template, 'mediaHeader'> | null | undefined): MediaUse => {
  if (mode === 'text') return 'optional';
  return template && template.mediaHeader !== 'none' ? 'required' : 'none';
};

/** The Media Library dialog's `allowedTypes` for the message (the upload plugin's names). */
export const mediaTypesFor = (mode: ComposeMode, template: Pick<Template, 'mediaHeader'> | null | undefined): Array<'images' | 'files'> => {
  if (mode === 'template' && template?.mediaHeader === 'image') return ['images'];
  if (mode === 'template' && template?.mediaHeader === 'document') return ['files'];
  return ['images', 'files'];
};

/** WhatsApp sends media-library files as a PDF document or a JPEG / PNG image (the server refuses the rest). */
export const mediaKind = (mime: string): 'image' | 'document' | null =>
  mime === 'application/pdf' ? 'document' : /^image\/(jpeg|png)$/.test(mime) ? 'image' : null;

/** Why a picked file does not fit the message (null: it fits). */
export const mediaProblem = (media: Pick<PickedMedia, 'mime'>, mode: ComposeMode, template: Pick<Template, 'mediaHeader'> | null | undefined): 'type' | 'header-type' | null => {
  const kind = mediaKind(media.mime);
  if (!kind) return 'type';
  if (mode === 'template' && template && template.mediaHeader !== 'none' && template.mediaHeader !== kind) return 'header-type';
  return null;
};

/** Marketing templates reach only contacts with marketing consent: worth saying before sending. */
export const needsMarketingConsent = (template: Pick<Template, 'category'> | null | undefined, check: Pick<RecipientCheck, 'marketingConsent'> | null | undefined) =>
  template?.category === 'marketing' && check !== null && check !== undefined && !check.marketingConsent;

/** A problem the form finds before sending: the field (`to`, `variables.nombre`…) and the rule broken. */
export interface FormProblem {
  field: string;
  rule: 'required' | 'phone' | 'service-window' | 'future' | 'media-type' | PhoneProblem;
}

export interface ComposeContext {
  /** The recipient as it will be sent (recipientOf). */
  to: string;
  /** A contact was picked (its number is not re-checked). */
  picked: boolean;
  /** The server's check of `to`; null while not (yet) answered. */
  check: RecipientCheck | null;
  /** The server could not read `to` as a number (its 422 is shown on the field). */
  checkFailed: boolean;
  template: ComposeTemplate | null;
  variables: string[];
  now: number;
}

/**
 * Everything the form can tell is wrong before sending, each on its field. The server checks it
 * all again (and more: consent, the provider mapping), and its refusals land on the same fields.
 */
export const formProblems = (form: ComposeForm, ctx: ComposeContext): FormProblem[] => {
  const problems: FormProblem[] = [];
  if (!ctx.to) problems.push({ field: 'to', rule: 'required' });
  else if (ctx.checkFailed) problems.push({ field: 'to', rule: 'phone' });
  else if (!ctx.picked && !ctx.check) {
    const phone = phoneProblem(ctx.to);
    if (phone) problems.push({ field: 'to', rule: phone });
  }
  if (form.mode === 'template') {
    if (!ctx.template) problems.push({ field: 'template', rule: 'required' });
    else for (const name of ctx.variables) if (!form.values[name]?.trim()) problems.push({ field: `variables.${name}`, rule: 'required' });
  } else {
    if (!form.body.trim()) problems.push({ field: 'body', rule: 'required' });
    else if (ctx.check && !freeTextAllowed(ctx.check.window, form, ctx.now)) problems.push({ field: 'body', rule: 'service-window' });
  }
  if (form.schedule === 'later') {
    const at = form.sendAt ? Date.parse(form.sendAt) : NaN;
    if (Number.isNaN(at)) problems.push({ field: 'sendAt', rule: 'required' });
    else if (at <= ctx.now) problems.push({ field: 'sendAt', rule: 'future' });
  }
  const use = mediaUse(form.mode, ctx.template);
  if (use === 'required' && !form.media) problems.push({ field: 'media', rule: 'required' });
  if (use !== 'none' && form.media && mediaProblem(form.media, form.mode, ctx.template)) problems.push({ field: 'media', rule: 'media-type' });
  return problems;
};

/** POST /whatsapp/messages `data` (without the idempotency key). */
export interface SendBody {
  to: string;
  template?: number;
  variables?: Record<string, unknown>;
  body?: string;
  sendAt?: string;
  media?: number;
}

/**
 * The request the form sends: a template with its variables (trimmed, nested by their dots) or
 * the free text as typed; the file only where the message may carry one; `sendAt` only when
 * scheduled for later.
 */
export const buildSendBody = (form: ComposeForm, to: string, template: ComposeTemplate | null, variables: string[]): SendBody => {
  const out: SendBody = { to: to.trim() };
  if (form.mode === 'template' && template) {
    out.template = template.id;
    if (variables.length) out.variables = toVariables(Object.fromEntries(variables.map((name) => [name, (form.values[name] ?? '').trim()])));
  } else {
    out.body = form.body;
  }
  if (form.media && mediaUse(form.mode, template) !== 'none') out.media = form.media.id;
  if (form.schedule === 'later' && form.sendAt) out.sendAt = new Date(form.sendAt).toISOString();
  return out;
};

/**
 * The server's refusal by field: `variables.nombre` keeps its variable, other paths their first
 * segment (`to`, `body`, `sendAt`…); an error naming no field goes under `_`. In template mode a
 * `body` error is the template's own text at fault: shown on the template.
 */
export const sendErrors = (error: unknown, mode: ComposeMode): Record<string, string> => {
  const body = apiErrorOf(error);
  const out: Record<string, string> = {};
  for (const e of body?.details?.errors ?? []) {
    const path = (e.path ?? []).map(String);
    let key = !path.length ? '_' : path[0] === 'variables' && path.length > 1 ? path.join('.') : path[0];
    if (key === 'body' && mode === 'template') key = 'template';
    out[key] ??= e.message;
  }
  if (!Object.keys(out).length && body?.message) out._ = body.message;
  return out;
};
