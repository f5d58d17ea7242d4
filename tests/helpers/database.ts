/**
 * A fresh database per booted Strapi: a SQLite file under .tmp/, or a PostgreSQL database
 * created on the server named by TEST_DATABASE_URL and dropped afterwards.
 */
import fs from 'fs';
import path from 'path';
import { Client } from 'pg';

export const isPostgres = () => process.env.DATABASE_CLIENT === 'postgres';

const appDir = path.resolve(__dirname, '../..');
const adminUrl = () => process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
let counter = 0;

export interface TestDatabase {
  name: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

const withAdminClient = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
};

export async function createTestDatabase(): Promise<TestDatabase> {
  counter += 1;
  const name = `wa_test_${process.pid}_${Date.now().toString(36)}_${counter}`;
  if (isPostgres()) {
    await withAdminClient((c) => c.query(`CREATE DATABASE "${name}"`));
    const url = new URL(adminUrl());
    url.pathname = `/${name}`;
    return {
      name,
      env: { DATABASE_CLIENT: 'postgres', DATABASE_URL: url.toString() },
      drop: () =>
        withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
    };
  }
  const file = path.join(appDir, '.tmp', 'tests', `${name}.db`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return {
    name,
    env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: file },
    drop: async () => {
      for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
    },
  };
}
