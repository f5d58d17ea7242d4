/**
 * Settings every provider shares, read in one place. Kept tiny and pure: the plugin's typed
 * configuration will replace these reads.
 */
import type { CommonSettings } from './types';
import { publicUrl } from '../utils/webhook-request';

export function commonSettings(): CommonSettings {
  return {
    timeoutMs: Number(process.env.WHATSAPP_PROVIDER_TIMEOUT_MS) || 15_000,
    publicUrl: publicUrl(),
  };
}
