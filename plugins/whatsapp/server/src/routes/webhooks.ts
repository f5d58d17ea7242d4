/**
 * Provider webhooks (`/api/whatsapp/webhooks/...`): no user or token, a valid provider signature
 * instead (policies/twilio-signature.ts, policies/meta-signature.ts). Meta's GET verification
 * handshake carries no signature; it proves the verify token instead.
 */
export default {
  type: 'content-api',
  routes: [
    {
      method: 'POST',
      path: '/webhooks/twilio',
      handler: 'webhooks.twilio',
      config: { auth: false, policies: ['plugin::whatsapp.twilio-signature'] },
    },
    {
      method: 'GET',
      path: '/webhooks/meta',
      handler: 'webhooks.metaVerify',
      config: { auth: false, policies: [] },
    },
    {
      method: 'POST',
      path: '/webhooks/meta',
      handler: 'webhooks.meta',
      config: { auth: false, policies: ['plugin::whatsapp.meta-signature'] },
    },
  ],
};
