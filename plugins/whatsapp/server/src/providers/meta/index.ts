/**
 * Meta's WhatsApp Cloud API: everything about it in this folder.
 *
 * - client.ts + payload.ts: send (`POST /{version}/{phone-number-id}/messages`);
 * - media-upload.ts: our media-library files uploaded (`POST …/media`) and sent by media id;
 * - errors.ts: the error table (code → class, meaning, remedy, fallback) and Meta's error body;
 * - template.ts: our variables → an approved template's parameters;
 * - signature.ts: X-Hub-Signature-256 and the subscription handshake;
 * - webhook.ts: status and inbound-message webhooks → events;
 * - media.ts: a customer's media file;
 * - templates.ts: the account's message templates with their approval (the template sync);
 * - settings.ts: every META_* setting, read once.
 */
import type { ProviderModule } from '../types';
import { createMetaProvider } from './client';
import { META_ERRORS, classifyMetaError, describeMetaError, metaCanFallBack } from './errors';
import { fetchMetaMedia } from './media';
import { verifyMetaSignature } from './signature';
import { metaTemplate } from './template';
import { metaSettings, type MetaSettings } from './settings';
import { listMetaTemplates, metaTemplateListingProblem } from './templates';
import { parseMetaWebhook } from './webhook';

export const metaProvider: ProviderModule<MetaSettings> = {
  name: 'meta',
  settings: metaSettings,
  configured: (settings) => Boolean(settings.accessToken && settings.phoneNumberId),
  create: (settings, common) =>
    createMetaProvider({
      accessToken: settings.accessToken,
      phoneNumberId: settings.phoneNumberId,
      graphBaseUrl: settings.graphBaseUrl,
      graphVersion: settings.graphVersion,
      timeoutMs: common.timeoutMs,
    }),
  errors: META_ERRORS,
  classify: classifyMetaError,
  describe: describeMetaError,
  canFallBack: metaCanFallBack,
  template: (template, variables, options) => {
    const meta = metaTemplate(template, variables, options);
    return meta ? { meta } : undefined;
  },
  verifySignature: verifyMetaSignature,
  parseWebhook: (request) => parseMetaWebhook(request.body),
  fetchMedia: (mediaId, options, settings) => fetchMetaMedia(mediaId, options, settings),
  templateListingProblem: metaTemplateListingProblem,
  listTemplates: (settings, common) => listMetaTemplates(settings, common),
};

export default metaProvider;
