/**
 * Twilio (WhatsApp, and SMS for the fallback channel): everything about it in this folder.
 *
 * - client.ts + request-client.ts: send, with the official twilio-node client;
 * - errors.ts: the error table (code → class, meaning, remedy, fallback) and Twilio's error body;
 * - template.ts: our variables → a Content template's ContentVariables;
 * - signature.ts: X-Twilio-Signature;
 * - webhook.ts: status callbacks and inbound messages → events;
 * - media.ts: a customer's media file (MediaUrl0);
 * - templates.ts: the Content templates with their WhatsApp approval (the template sync);
 * - settings.ts: every TWILIO_* setting, read once.
 */
import type { ProviderModule } from '../types';
import { createTwilioProvider } from './client';
import { TWILIO_ERRORS, classifyTwilioError, describeTwilioError, twilioCanFallBack } from './errors';
import { fetchTwilioMedia } from './media';
import { verifyTwilioSignature } from './signature';
import { twilioTemplate } from './template';
import { twilioSettings, type TwilioSettings } from './settings';
import { listTwilioTemplates, twilioTemplateListingProblem } from './templates';
import { parseForm, parseTwilioWebhook } from './webhook';

export const twilioProvider: ProviderModule<TwilioSettings> = {
  name: 'twilio',
  settings: twilioSettings,
  configured: (settings) => Boolean(settings.accountSid && settings.authToken && settings.whatsappFrom),
  create: (settings, common) =>
    createTwilioProvider({
      accountSid: settings.accountSid,
      authToken: settings.authToken,
      apiBaseUrl: settings.apiBaseUrl,
      statusCallbackBaseUrl: common.publicUrl,
      timeoutMs: common.timeoutMs,
      channel: 'whatsapp',
    }),
  errors: TWILIO_ERRORS,
  classify: classifyTwilioError,
  describe: describeTwilioError,
  canFallBack: twilioCanFallBack,
  template: (template, variables, options) => {
    const twilio = twilioTemplate(template, variables, options);
    return twilio ? { twilio } : undefined;
  },
  verifySignature: verifyTwilioSignature,
  parseWebhook: (request) => parseTwilioWebhook(request.rawBody ? parseForm(request.rawBody.toString('utf8')) : {}, request.query.get('message')),
  fetchMedia: (url, options, settings) => fetchTwilioMedia(url, options, settings),
  templateListingProblem: twilioTemplateListingProblem,
  listTemplates: (settings, common) => listTwilioTemplates(settings, common),
};

/** Twilio's SMS client, for the SMS fallback channel (channels/sms.ts). */
export const createTwilioSmsClient = (settings: TwilioSettings, common: { timeoutMs: number; publicUrl: string }) =>
  createTwilioProvider({
    accountSid: settings.accountSid,
    authToken: settings.authToken,
    apiBaseUrl: settings.apiBaseUrl,
    statusCallbackBaseUrl: common.publicUrl,
    timeoutMs: common.timeoutMs,
    channel: 'sms',
  });

export default twilioProvider;
