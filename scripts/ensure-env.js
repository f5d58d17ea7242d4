#!/usr/bin/env node
/**
 * First-run helper: on a fresh clone there is no `.env`, so create one from `.env.example`
 * with fresh random secrets, and make sure the SQLite folder exists. Never overwrites an
 * existing `.env`. Runs before `develop`, `start` and `build`.
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const root = path.resolve(__dirname, '..');
const envFile = path.join(root, '.env');
const example = path.join(root, '.env.example');

const secret = () => crypto.randomBytes(16).toString('base64');

// Values replaced by fresh random ones when `.env` is generated.
const generated = {
  APP_KEYS: () => [secret(), secret(), secret(), secret()].join(','),
  API_TOKEN_SALT: secret,
  ADMIN_JWT_SECRET: secret,
  TRANSFER_TOKEN_SALT: secret,
  JWT_SECRET: secret,
  ENCRYPTION_KEY: secret,
  WHATSAPP_MEDIA_SECRET: secret,
  WHATSAPP_PSEUDONYM_SECRET: secret,
  META_VERIFY_TOKEN: () => crypto.randomBytes(12).toString('hex'),
};

if (!fs.existsSync(envFile) && !process.env.CI_SKIP_ENV) {
  const lines = fs.readFileSync(example, 'utf8').split('\n').map((line) => {
    const match = /^([A-Z0-9_]+)=/.exec(line);
    if (match && generated[match[1]]) return `${match[1]}=${generated[match[1]]()}`;
    return line;
  });
  fs.writeFileSync(envFile, lines.join('\n'));
  console.log('[whatsapp] created .env from .env.example with fresh secrets');
}

fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
