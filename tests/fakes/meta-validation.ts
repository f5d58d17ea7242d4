/**
 * The request checks the WhatsApp Cloud API applies to `POST /{phone-number-id}/messages`,
 * with the errors it answers. Reference:
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 * https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 *
 * Graph reports parameter problems as HTTP 400, code 100, `message: "(#100) …"`, with the
 * reason repeated in `error_data.details`. Messages follow Graph's own phrasing:
 * "The parameter X is required.", "Param X must be at most N characters long.",
 * "Param X must be one of {A, B} - got \"y\".", or "Invalid parameter" plus details.
 */

/** An error the fake answers with (also what tests script with failNext / failFor). */
export interface MetaFailure {
  /** HTTP status; Meta answers nearly every error with 400, whatever it means. */
  status?: number;
  code: number;
  /** Without the `(#code) ` prefix, which the fake adds. */
  message: string;
  /** `error_data.details`; defaults to the message. */
  details?: string;
  subcode?: number;
  /** Graph's `error.type`; defaults to `OAuthException` as on the real API. */
  type?: string;
  /** Seconds; sets a `Retry-After` header (Meta itself does not send one; useful to test the header path). */
  retryAfter?: number;
}

/** An approved template the fake knows, to check names, languages and parameter counts. */
export interface MetaTemplateSpec {
  name: string;
  /** Language code, e.g. `es_MX`. */
  language: string;
  /** Body parameters: their count (positional {{1}}…) or their names (named {{first_name}}). */
  bodyParameters?: number | string[];
}

export const MESSAGE_TYPES = ['text', 'template', 'image', 'document', 'audio', 'video', 'interactive', 'location', 'reaction'] as const;
export type MetaMessageType = (typeof MESSAGE_TYPES)[number];

const COMPONENT_TYPES = ['header', 'body', 'button'];
const PARAMETER_TYPES = ['text', 'currency', 'date_time', 'image', 'document', 'video', 'location', 'payload', 'action', 'coupon_code'];
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const MAX_CALLBACK_DATA = 512;

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function paramError(text: string, code = 100): MetaFailure {
  return { status: 400, code, message: text, details: text };
}
function invalid(details: string): MetaFailure {
  return { status: 400, code: 100, message: 'Invalid parameter', details };
}
function required(param: string): MetaFailure {
  return paramError(`The parameter ${param} is required.`);
}
function tooLong(param: string, max: number): MetaFailure {
  return paramError(`Param ${param} must be at most ${max} characters long.`);
}
function notOneOf(param: string, allowed: readonly string[], got: unknown): MetaFailure {
  return paramError(`Param ${param} must be one of {${allowed.map((a) => a.toUpperCase()).join(', ')}} - got ${JSON.stringify(got)}.`);
}

/** Length in characters (code points), computed only when it could matter. */
function longerThan(text: string, max: number): boolean {
  return text.length > max && Array.from(text).length > max;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Validates a message; returns the error Meta would answer, or undefined when it would accept it. */
export function validateMessage(body: unknown, templates: MetaTemplateSpec[] | undefined): MetaFailure | undefined {
  if (!isObject(body)) return invalid('The request body must be a JSON object.');

  if (body.messaging_product === undefined) return required('messaging_product');
  if (body.messaging_product !== 'whatsapp') return notOneOf('messaging_product', ['whatsapp'], body.messaging_product);
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    return notOneOf('recipient_type', ['individual'], body.recipient_type);
  }

  // `to` (a phone number) or `recipient` (a business-scoped user id, `US.1349…`, or a parent
  // one, `US.ENT.1181…`); with both, `to` takes precedence (Meta, "Business-scoped user IDs").
  if ((body.to === undefined || body.to === '') && body.recipient !== undefined) {
    if (typeof body.recipient !== 'string' || !/^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/.test(body.recipient)) {
      return invalid(`Param recipient must be a business-scoped user ID - got ${JSON.stringify(body.recipient)}.`);
    }
  } else {
    if (body.to === undefined || body.to === '') return required('to');
    if (typeof body.to !== 'string' || !/^\+?\d{7,15}$/.test(body.to)) {
      return invalid(`Param to must be a phone number or WhatsApp ID (digits, optionally a leading +) - got ${JSON.stringify(body.to)}.`);
    }
  }

  const type = body.type ?? 'text';
  if (typeof type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(type)) return notOneOf('type', MESSAGE_TYPES, type);

  if (body.biz_opaque_callback_data !== undefined) {
    if (typeof body.biz_opaque_callback_data !== 'string') return invalid('Param biz_opaque_callback_data must be a string.');
    if (longerThan(body.biz_opaque_callback_data, MAX_CALLBACK_DATA)) return tooLong('biz_opaque_callback_data', MAX_CALLBACK_DATA);
  }
  if (body.context !== undefined && !(isObject(body.context) && nonEmptyString(body.context.message_id))) {
    return required("context['message_id']");
  }

  switch (type as MetaMessageType) {
    case 'text':
      return validateText(body.text);
    case 'template':
      return validateTemplate(body.template, templates);
    case 'interactive':
      return validateInteractive(body.interactive);
    case 'location':
      return validateLocation(body.location);
    case 'reaction':
      return validateReaction(body.reaction);
    default:
      return validateMedia(type, body[type]);
  }
}

function validateText(text: unknown): MetaFailure | undefined {
  if (!isObject(text) || !nonEmptyString(text.body)) return required("text['body']");
  if (longerThan(text.body, MAX_TEXT)) return tooLong("text['body']", MAX_TEXT);
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') return invalid("Param text['preview_url'] must be a boolean.");
  return undefined;
}

/** image / document / audio / video objects: an uploaded media `id` or a public `link`. */
function validateMedia(type: string, media: unknown, param = type): MetaFailure | undefined {
  if (!isObject(media)) return required(param);
  if (media.id === undefined && media.link === undefined) return invalid(`Param ${param} must contain either 'id' or 'link'.`);
  if (media.id !== undefined && !nonEmptyString(media.id)) return invalid(`Param ${param}['id'] must be a non-empty string.`);
  if (media.link !== undefined && !isHttpUrl(media.link)) return invalid(`Param ${param}['link'] must be a valid http(s) URL.`);
  if (media.caption !== undefined) {
    if (type === 'audio') return invalid(`Param ${param}['caption'] is not supported for audio.`);
    if (typeof media.caption !== 'string') return invalid(`Param ${param}['caption'] must be a string.`);
    if (longerThan(media.caption, MAX_CAPTION)) return tooLong(`${param}['caption']`, MAX_CAPTION);
  }
  if (media.filename !== undefined && (type !== 'document' || typeof media.filename !== 'string')) {
    return invalid(`Param ${param}['filename'] is only a string on documents.`);
  }
  return undefined;
}

function validateTemplate(template: unknown, templates: MetaTemplateSpec[] | undefined): MetaFailure | undefined {
  if (!isObject(template) || !nonEmptyString(template.name)) return required("template['name']");
  if (!isObject(template.language) || !nonEmptyString(template.language.code)) return required("template['language']['code']");

  const components = template.components ?? [];
  if (!Array.isArray(components)) return invalid("Param template['components'] must be an array.");
  const bodyTexts: { name?: string }[] = [];
  for (let c = 0; c < components.length; c++) {
    const component: unknown = components[c];
    const at = `template['components'][${c}]`;
    if (!isObject(component)) return invalid(`Param ${at} must be an object.`);
    if (!COMPONENT_TYPES.includes(String(component.type))) return notOneOf(`${at}['type']`, COMPONENT_TYPES, component.type);
    if (component.type === 'button') {
      if (!nonEmptyString(component.sub_type)) return required(`${at}['sub_type']`);
      if (component.index === undefined) return required(`${at}['index']`);
    }
    const parameters = component.parameters ?? [];
    if (!Array.isArray(parameters)) return invalid(`Param ${at}['parameters'] must be an array.`);
    for (let p = 0; p < parameters.length; p++) {
      const parameter: unknown = parameters[p];
      const error = validateTemplateParameter(parameter, `${at}['parameters'][${p}]`, component.type !== 'button');
      if (error) return error;
      if (component.type === 'body' && isObject(parameter)) {
        bodyTexts.push({ name: typeof parameter.parameter_name === 'string' ? parameter.parameter_name : undefined });
      }
    }
  }

  if (templates) return checkAgainstRegistry(template.name, template.language.code, bodyTexts, templates);
  return undefined;
}

function validateTemplateParameter(parameter: unknown, at: string, isHeaderOrBody: boolean): MetaFailure | undefined {
  if (!isObject(parameter)) return invalid(`Param ${at} must be an object.`);
  if (!PARAMETER_TYPES.includes(String(parameter.type))) return notOneOf(`${at}['type']`, PARAMETER_TYPES, parameter.type);
  if (parameter.parameter_name !== undefined && !(typeof parameter.parameter_name === 'string' && /^[a-z0-9_]+$/.test(parameter.parameter_name))) {
    return invalid(`Param ${at}['parameter_name'] must contain only lowercase letters, digits and underscores.`);
  }
  switch (parameter.type) {
    case 'text':
      if (typeof parameter.text !== 'string' || parameter.text.length === 0) return required(`${at}['text']`);
      // A well-known Cloud API rule that trips up rendered values (addresses, multi-line notes).
      if (isHeaderOrBody && /[\r\n\t]| {5,}/.test(parameter.text)) {
        return {
          status: 400,
          code: 132018,
          message: 'There was an issue with the parameters in your template.',
          details: 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces',
        };
      }
      return undefined;
    case 'image':
    case 'document':
    case 'video':
      return validateMedia(parameter.type, parameter[parameter.type], `${at}['${parameter.type}']`);
    case 'payload':
      return nonEmptyString(parameter.payload) ? undefined : required(`${at}['payload']`);
    default:
      return isObject(parameter[String(parameter.type)]) ? undefined : required(`${at}['${String(parameter.type)}']`);
  }
}

function checkAgainstRegistry(
  name: string,
  language: string,
  bodyParameters: { name?: string }[],
  templates: MetaTemplateSpec[],
): MetaFailure | undefined {
  const spec = templates.find((t) => t.name === name && t.language === language);
  if (!spec) {
    return {
      status: 400,
      code: 132001,
      message: 'Template name does not exist in the translation',
      details: `template name (${name}) does not exist in ${language}`,
    };
  }
  if (spec.bodyParameters === undefined) return undefined;
  const expected = typeof spec.bodyParameters === 'number' ? spec.bodyParameters : spec.bodyParameters.length;
  const mismatch: MetaFailure = {
    status: 400,
    code: 132000,
    message: 'Number of parameters does not match the expected number of params',
    details: `body: number of localizable_params (${bodyParameters.length}) does not match the expected number of params (${expected})`,
  };
  if (bodyParameters.length !== expected) return mismatch;
  if (Array.isArray(spec.bodyParameters)) {
    const expectedNames = new Set(spec.bodyParameters);
    const missing = bodyParameters.find((p) => p.name === undefined || !expectedNames.has(p.name));
    if (missing) {
      return {
        status: 400,
        code: 132012,
        message: 'Parameter format does not match format in the created template',
        details: `body: expected named parameters {${spec.bodyParameters.join(', ')}}`,
      };
    }
  }
  return undefined;
}

function validateInteractive(interactive: unknown): MetaFailure | undefined {
  if (!isObject(interactive) || !nonEmptyString(interactive.type)) return required("interactive['type']");
  if (!isObject(interactive.action)) return required("interactive['action']");
  return undefined;
}

function validateLocation(location: unknown): MetaFailure | undefined {
  if (!isObject(location)) return required('location');
  for (const key of ['latitude', 'longitude']) {
    const value = location[key];
    if (value === undefined) return required(`location['${key}']`);
    if (!Number.isFinite(Number(value))) return invalid(`Param location['${key}'] must be a number.`);
  }
  return undefined;
}

function validateReaction(reaction: unknown): MetaFailure | undefined {
  if (!isObject(reaction) || !nonEmptyString(reaction.message_id)) return required("reaction['message_id']");
  // An empty emoji removes a reaction, so only its absence is an error.
  if (typeof reaction.emoji !== 'string') return required("reaction['emoji']");
  return undefined;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
