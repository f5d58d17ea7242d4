/** Settings every provider shares, from the plugin's typed configuration (config/index.ts). */
import type { CommonSettings } from './types';
import { publicUrl } from '../utils/webhook-request';
import { readConfig } from '../config';

export function commonSettings(): CommonSettings {
  return {
    timeoutMs: readConfig().dispatcher.providerTimeoutMs,
    publicUrl: publicUrl(),
  };
}
