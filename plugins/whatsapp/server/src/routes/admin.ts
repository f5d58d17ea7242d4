export default {
  type: 'admin',
  routes: [
    {
      method: 'GET',
      path: '/health',
      handler: 'health.show',
      config: { policies: ['admin::isAuthenticatedAdmin'] },
    },
  ],
};
