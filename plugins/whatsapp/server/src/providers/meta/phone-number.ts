/**
 * Meta: the WhatsApp Business phone number's health.
 *
 *   GET {graph}/{version}/{phone-number-id}?fields=display_phone_number,verified_name,quality_rating,
 *       messaging_limit_tier,throughput,name_status,code_verification_status,platform_type,status
 *
 * (Graph API "WhatsApp Business Phone Number" reference): `quality_rating` is GREEN, YELLOW, RED,
 * UNKNOWN or NA; `messaging_limit_tier` TIER_50 … TIER_UNLIMITED. Both kept as Meta words them.
 *
 * Meta answers errors as `{ error: { message, type, code, error_subcode, fbtrace_id } }`:
 * HTTP 401 / code 190 (bad or expired token) and the permission codes mean the credentials were
 * refused; 404 or code 100 subcode 33 (no such object) that the phone number id is unknown;
 * 5xx, 429 and no answer that Meta could not be asked now.
 */
import { parseMetaError } from './errors';
import { DEFAULT_GRAPH_BASE_URL } from './client';
import type { MetaSettings } from './settings';
import { field, healthGet, jsonObject, withoutSecrets, type SenderHealthReading } from '../sender-health';

export const META_PHONE_FIELDS = [
  'display_phone_number',
  'verified_name',
  'quality_rating',
  'messaging_limit_tier',
  'throughput',
  'name_status',
  'code_verification_status',
  'platform_type',
  'status',
].join(',');

/** Meta codes that mean "these credentials may not read this number": token invalid or expired, no permission. */
const REFUSED_CODES = new Set(['190', '102', '104', '10', '200', '3']);

export function metaPhoneNumberUrl(settings: MetaSettings): string {
  const base = (settings.graphBaseUrl || DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
  return `${base}/${settings.graphVersion || 'v21.0'}/${encodeURIComponent(settings.phoneNumberId)}?fields=${META_PHONE_FIELDS}`;
}

export async function readMetaPhoneNumber(settings: MetaSettings, timeoutMs: number): Promise<SenderHealthReading> {
  const answer = await healthGet(metaPhoneNumberUrl(settings), { authorization: `Bearer ${settings.accessToken}`, accept: 'application/json' }, timeoutMs);
  const blank = { qualityRating: null, messagingTier: null, providerStatus: null };
  if ('reason' in answer) return { ...blank, status: 'unreachable', detail: `Meta ${answer.reason}` };
  if (answer.status >= 300) {
    const error = parseMetaError(answer.status, Object.fromEntries(answer.headers.entries()), answer.text);
    const said = withoutSecrets(error.message, [settings.accessToken]);
    const subcode = String((error.details as { error_subcode?: unknown } | undefined)?.error_subcode ?? '');
    if (answer.status === 401 || answer.status === 403 || REFUSED_CODES.has(error.code ?? '')) {
      return { ...blank, status: 'credentials-refused', detail: `Meta refused the credentials (HTTP ${answer.status}: ${said}); check META_ACCESS_TOKEN` };
    }
    if (answer.status === 404 || (error.code === '100' && subcode === '33')) {
      return { ...blank, status: 'not-found', detail: `Meta does not know phone number id ${settings.phoneNumberId} (HTTP ${answer.status}: ${said}); check META_PHONE_NUMBER_ID` };
    }
    return { ...blank, status: 'unreachable', detail: `Meta could not answer now (HTTP ${answer.status}: ${said})` };
  }
  const number = jsonObject(answer.text) ?? {};
  const qualityRating = field(number.quality_rating);
  const messagingTier = field(number.messaging_limit_tier);
  const providerStatus = field(number.status);
  const parts = [
    `Meta answered for ${field(number.display_phone_number) ?? settings.phoneNumberId}${field(number.verified_name) ? ` (${field(number.verified_name)})` : ''}`,
    `quality ${qualityRating ?? 'not given'}`,
    `messaging limit ${messagingTier ?? 'not given'}`,
    ...(providerStatus ? [`status ${providerStatus}`] : []),
  ];
  return { status: 'ok', qualityRating, messagingTier, providerStatus, detail: parts.join(', ') };
}
