/**
 * Boots the real app (compiled dist/) in this process for a benchmark, on a fresh SQLite file
 * or PostgreSQL database, with the given environment. Nothing reads the developer's .env.
 */
const fs = require('fs');
const path = require('path');
const { Client } = require('pg');

// BENCH_APP_DIR: another checkout's compiled app (e.g. the previous commit), driven by this
// bench, so two builds are compared in one run on one machine.
const appDir = path.resolve(process.env.BENCH_APP_DIR || path.join(__dirname, '..'));
const adminUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const baseEnv = {
  NODE_ENV: 'test',
  ENV_PATH: path.join(appDir, 'tests', '.env.test'),
  APP_KEYS: 'benchKeyOne,benchKeyTwo',
  API_TOKEN_SALT: 'bench',
  ADMIN_JWT_SECRET: 'bench',
  TRANSFER_TOKEN_SALT: 'bench',
  JWT_SECRET: 'bench',
  ENCRYPTION_KEY: 'bench',
  STRAPI_TELEMETRY_DISABLED: 'true',
  LOG_LEVEL: 'error',
  WHATSAPP_DEMO_DATA: 'false',
};

async function createDatabase(client) {
  const name = `wa_bench_${Date.now().toString(36)}`;
  if (client === 'postgres') {
    const pg = new Client({ connectionString: adminUrl });
    await pg.connect();
    await pg.query(`CREATE DATABASE "${name}"`);
    await pg.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_CLIENT: 'postgres', DATABASE_URL: url.toString() },
      async drop() {
        const c = new Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const file = path.join(appDir, '.tmp', 'bench', `${name}.db`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return {
    env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: file },
    async drop() {
      for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
    },
  };
}

async function bootApp(env) {
  Object.assign(process.env, baseEnv, env);
  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir, distDir: path.join(appDir, 'dist'), serveAdminPanel: false, autoReload: false }).load();
  return strapi;
}

module.exports = { createDatabase, bootApp, appDir, baseEnv };
