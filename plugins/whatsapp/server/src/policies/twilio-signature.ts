import { providerSignature } from './provider-signature';

/** Twilio's X-Twilio-Signature, checked by providers/twilio/signature.ts. */
export default providerSignature('twilio', 'Twilio');
