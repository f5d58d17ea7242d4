/**
 * Boots a real Strapi (the compiled app in dist/, admin panel not served) on its own fresh
 * database, for supertest to talk to over HTTP.
 */
import fs from 'fs';
import path from 'path';
import dotenv from 'dotenv';
import request from 'supertest';
import type { Core } from '@strapi/strapi';
import { createTestDatabase, type TestDatabase } from './database';

const appDir = path.resolve(__dirname, '../..');
const distDir = path.join(appDir, 'dist');

// The suite's own environment, never the developer's .env: tests/.env.test wins over both.
process.env.ENV_PATH = path.join(__dirname, '..', '.env.test');
const testEnv = dotenv.parse(fs.readFileSync(process.env.ENV_PATH));

export interface TestApp {
  strapi: Core.Strapi;
  db: TestDatabase;
  http: () => ReturnType<typeof request>;
  /** Stops Strapi; drops the database unless `keepDatabase`. */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a database (e.g. to boot twice on the same data). */
  db?: TestDatabase;
}

const touchedKeys = new Set<string>();

export async function startStrapi(options: StartOptions = {}): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const env = { ...testEnv, ...db.env, ...options.env };
  for (const [key, value] of Object.entries(env)) {
    process.env[key] = value;
    touchedKeys.add(key);
  }

  // Required here, after the environment above is set, not at the top of the file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createStrapi } = require('@strapi/strapi');
  const instance: Core.Strapi = await createStrapi({
    appDir,
    distDir,
    serveAdminPanel: false,
    autoReload: false,
  }).load();
  instance.server.mount();

  return {
    strapi: instance,
    db,
    http: () => request(instance.server.httpServer),
    async stop({ keepDatabase = false } = {}) {
      await instance.destroy();
      for (const key of touchedKeys) delete process.env[key];
      touchedKeys.clear();
      if (!keepDatabase) await db.drop();
    },
  };
}
