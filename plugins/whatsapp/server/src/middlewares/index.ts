import publicLimits from './public-limits';

/** `plugin::whatsapp.<name>`, listed in the app's config/middlewares.ts. */
export default {
  'public-limits': publicLimits,
};
