export default {
  type: 'content-api',
  routes: [
    {
      // Liveness of the plugin itself: public, answers without touching providers.
      method: 'GET',
      path: '/health',
      handler: 'health.show',
      config: { auth: false },
    },
  ],
};
