/**
 * Twilio webhook signature: `X-Twilio-Signature`, HMAC-SHA1 with the auth token over the URL
 * Twilio called (PUBLIC_URL + path + query, so it also works behind a proxy) and the posted
 * parameters, checked by the twilio package itself. Missing → 401, wrong → 403.
 */
import twilio from 'twilio';
import type { SignatureVerdict, SignedRequest } from '../types';
import type { TwilioSettings } from './settings';
import { parseForm } from './webhook';

const refuse = (status: 401 | 403, reason: string, message: string): SignatureVerdict => ({ ok: false, status, reason, message });

export function verifyTwilioSignature(request: SignedRequest, settings: Pick<TwilioSettings, 'authToken'>): SignatureVerdict {
  const { authToken } = settings;
  if (!authToken) return refuse(401, 'TWILIO_AUTH_TOKEN is not set', 'Twilio webhooks are not configured');
  const signature = request.header('X-Twilio-Signature');
  if (!signature) return refuse(401, 'no X-Twilio-Signature header', 'Missing X-Twilio-Signature');
  const params = request.rawBody ? parseForm(request.rawBody.toString('utf8')) : {};
  if (!twilio.validateRequest(authToken, signature, request.url, params)) {
    return refuse(403, 'the signature does not match (check PUBLIC_URL and TWILIO_AUTH_TOKEN)', 'Invalid X-Twilio-Signature');
  }
  return { ok: true };
}
