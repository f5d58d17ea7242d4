import { providerSignature } from './provider-signature';

/** Meta's X-Hub-Signature-256, checked by providers/meta/signature.ts. */
export default providerSignature('meta', 'Meta');
