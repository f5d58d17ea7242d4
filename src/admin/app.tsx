import type { StrapiApp } from '@strapi/strapi/admin';

export default {
  config: {
    // Our users speak Spanish: offer it beside English in the admin.
    locales: ['es'],
    tutorials: false,
    notifications: { releases: false },
  },
  bootstrap(_app: StrapiApp) {},
};
