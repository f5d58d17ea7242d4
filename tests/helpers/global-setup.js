/**
 * Runs once before the whole suite: compiles the app's TypeScript into dist/ (the plugin is
 * built by `npm test` before jest starts). compileStrapi is called here, outside the test
 * workers, because it exits the process on a type error.
 */
const path = require('path');

module.exports = async () => {
  // Loaded by Strapi's configuration module instead of the developer's .env.
  process.env.ENV_PATH = path.join(__dirname, '..', '.env.test');
  const { compileStrapi } = require('@strapi/strapi');
  const started = Date.now();
  await compileStrapi({ appDir: path.resolve(__dirname, '../..') });
  console.log(`\n[tests] app compiled in ${Date.now() - started} ms; database: ${process.env.DATABASE_CLIENT || 'sqlite'}`);
};
