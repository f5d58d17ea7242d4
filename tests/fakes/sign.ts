/**
 * Signing webhook requests the way the providers do, to test our checks against the real thing:
 * Twilio with the `twilio` package's own function, Meta with an HMAC-SHA256 of the raw body.
 */
import crypto from 'crypto';
import twilio from 'twilio';

export type FormParams = Record<string, string | string[]>;

/** `X-Twilio-Signature` for a POST of `params` to `url` (the full URL Twilio was configured with). */
export function signTwilio(authToken: string, url: string, params: FormParams): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** `X-Hub-Signature-256` for exactly these bytes. */
export function signMeta(appSecret: string, rawBody: string | Buffer): string {
  return `sha256=${crypto.createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * JSON as Meta writes it: every non-ASCII character as `\uXXXX` (an emoji as its surrogate pair)
 * and `/` as `\/`. The signature is over these bytes, not over what JSON.stringify would give.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

/** application/x-www-form-urlencoded, as Twilio posts it. */
export function formBody(params: FormParams): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, one);
  }
  return search.toString();
}
