/**
 * Builds the app (plugin, server and admin) unless E2E_SKIP_BUILD=true, then starts it the way
 * production does (`strapi start`) on a fresh SQLite file with demo data, in sandbox mode, with a
 * first administrator; waits until it answers and records where it listens in .tmp/e2e/app.json.
 * The fake Meta, Twilio and SMTP servers run here (in jest's parent process, until the teardown),
 * so leaving sandbox mode finds a provider that answers, on 127.0.0.1 only.
 */
const { spawn, execSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { ADMIN, META_APP_SECRET, stateFile, workDir } = require('./settings');

const root = path.resolve(__dirname, '../..');

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function waitUntilUp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode} before answering`);
    try {
      const response = await fetch(`${url}/api/whatsapp/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the app did not answer at ${url} within ${timeoutMs / 1000} s`);
}

module.exports = async () => {
  require('../../bench/register-ts');
  const { startFakes } = require('../fakes');
  const fakes = await startFakes();
  globalThis.__E2E_FAKES__ = fakes;
  // E2E_KEEP_APP=true (while writing the walk): reuse the app a previous run left running.
  if (process.env.E2E_KEEP_APP === 'true' && fs.existsSync(stateFile)) {
    const { url } = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    if (await fetch(`${url}/api/whatsapp/health`).then((r) => r.ok, () => false)) return;
  }
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    ...fakes.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: url,
    APP_KEYS: 'e2eKeyOne,e2eKeyTwo,e2eKeyThree,e2eKeyFour',
    API_TOKEN_SALT: 'e2e-api-token-salt',
    ADMIN_JWT_SECRET: 'e2e-admin-jwt-secret',
    TRANSFER_TOKEN_SALT: 'e2e-transfer-token-salt',
    JWT_SECRET: 'e2e-jwt-secret',
    ENCRYPTION_KEY: 'e2e-encryption-key',
    DATABASE_CLIENT: 'sqlite',
    DATABASE_FILENAME: path.join(workDir, 'data.db'),
    WHATSAPP_DEMO_DATA: 'true',
    WHATSAPP_SANDBOX: 'true',
    WHATSAPP_DEFAULT_COUNTRY: 'MX',
    WHATSAPP_MEDIA_SECRET: 'e2e-media-secret',
    META_VERIFY_TOKEN: 'e2e-verify-token',
    META_APP_SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    STRAPI_TELEMETRY_DISABLED: 'true',
    LOG_LEVEL: 'warn',
    // The developer's .env must not leak in: this file does not exist.
    ENV_PATH: path.join(workDir, '.env'),
  };

  if (process.env.E2E_SKIP_BUILD !== 'true') {
    const started = Date.now();
    // .ci/run has just built the plugin for the tests: E2E_PLUGIN_BUILT=true skips doing it again.
    const steps = process.env.E2E_PLUGIN_BUILT === 'true' ? 'npx strapi build' : 'npm run build:plugin && npx strapi build';
    execSync(steps, { cwd: root, env, stdio: 'inherit' });
    console.log(`\n[e2e] built in ${Math.round((Date.now() - started) / 1000)} s`);
  }

  const log = fs.openSync(path.join(workDir, 'app.log'), 'a');
  const child = spawn(process.execPath, [path.join(root, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'), 'start'], {
    cwd: root,
    env,
    stdio: ['ignore', log, log],
    detached: true,
  });
  child.unref();
  fs.writeFileSync(stateFile, JSON.stringify({ url, pid: child.pid }));
  try {
    await waitUntilUp(url, child, 120000);
  } catch (error) {
    process.stderr.write(fs.readFileSync(path.join(workDir, 'app.log'), 'utf8').slice(-4000));
    throw error;
  }
  console.log(`[e2e] app up at ${url} (log: ${path.relative(root, path.join(workDir, 'app.log'))})`);
};
