/**
 * Meta webhook signature: `X-Hub-Signature-256: sha256=` + the hex HMAC-SHA256 of the RAW body
 * with the app secret. Always over the bytes received, never a re-serialization: Meta escapes `á`
 * as `\u00e1` and `/` as `\/`, and JSON.stringify would not. Compared in constant time.
 * Missing → 401, wrong → 403. Also the subscription handshake's verify token.
 */
import crypto from 'node:crypto';
import type { SignatureVerdict, SignedRequest } from '../types';
import type { MetaSettings } from './settings';

const HEADER = /^sha256=([0-9a-f]{64})$/i;

const refuse = (status: 401 | 403, reason: string, message: string): SignatureVerdict => ({ ok: false, status, reason, message });

export function verifyMetaSignature(request: SignedRequest, settings: Pick<MetaSettings, 'appSecret'>): SignatureVerdict {
  const secret = settings.appSecret;
  if (!secret) return refuse(401, 'META_APP_SECRET is not set', 'Meta webhooks are not configured');
  const header = request.header('X-Hub-Signature-256');
  if (!header) return refuse(401, 'no X-Hub-Signature-256 header', 'Missing X-Hub-Signature-256');
  const given = HEADER.exec(header.trim());
  const raw = request.rawBody;
  if (!given || !raw) return refuse(403, given ? 'no raw body to check' : 'malformed X-Hub-Signature-256', 'Invalid X-Hub-Signature-256');
  const expected = crypto.createHmac('sha256', secret).update(raw).digest();
  if (!crypto.timingSafeEqual(expected, Buffer.from(given[1], 'hex'))) {
    return refuse(403, 'the signature does not match (check META_APP_SECRET)', 'Invalid X-Hub-Signature-256');
  }
  return { ok: true };
}

const sameSecret = (given: string, expected: string) => {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
};

/** Meta's subscription handshake: the challenge to echo when mode and verify token are right, else null. */
export function metaSubscriptionChallenge(query: URLSearchParams, settings: Pick<MetaSettings, 'verifyToken'>): string | null {
  const expected = settings.verifyToken;
  const token = query.get('hub.verify_token');
  const challenge = query.get('hub.challenge');
  if (query.get('hub.mode') === 'subscribe' && expected && token !== null && challenge !== null && sameSecret(token, expected)) return challenge;
  return null;
}
