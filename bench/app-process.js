/**
 * The app in a process of its own, for bench/campaign: boots the compiled app with the
 * environment the parent passes, answers HTTP on a free loopback port, creates a full-access API
 * token and sends `{ ready, port, token, pid }` over IPC. Commands: `rss`, `memory`, `senderRate`,
 * `stop`. BENCH_CAMPAIGN_CPU_PROF=<dir>: a CPU profile from boot to `stop`, written there.
 */
const fs = require('fs');
const inspector = require('inspector');
const path = require('path');
const { createStrapi } = require('@strapi/strapi');

const appDir = path.resolve(process.env.BENCH_APP_DIR || path.join(__dirname, '..'));

createStrapi({ appDir, distDir: path.join(appDir, 'dist'), serveAdminPanel: false, autoReload: false })
  .load()
  .then(async (app) => {
    app.server.mount();
    await new Promise((resolve) => app.server.httpServer.listen(0, '127.0.0.1', resolve));
    const { port } = app.server.httpServer.address();
    const profileDir = process.env.BENCH_CAMPAIGN_CPU_PROF;
    const session = profileDir ? new inspector.Session() : null;
    const post = (method) => new Promise((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
    if (session) {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.start');
    }
    const token = await app.service('admin::api-token').create({ name: `bench-${Date.now().toString(36)}`, type: 'full-access', lifespan: null, permissions: [] });
    process.on('message', async ({ seq, cmd, args = [] }) => {
      let result = null;
      if (cmd === 'rss') result = process.memoryUsage().rss;
      else if (cmd === 'memory') {
        // `memory` with `gc`: after a full collection, what is retained rather than not yet collected.
        if (args[0] === 'gc') {
          const gc = session ?? new inspector.Session();
          if (!session) gc.connect();
          await new Promise((resolve) => gc.post('HeapProfiler.collectGarbage', resolve));
          if (!session) gc.disconnect();
        }
        result = process.memoryUsage();
      }
      else if (cmd === 'senderRate') {
        // The sender's messages per second (default 80), raised so the bench measures the app, not the pacing.
        result = (await app.db.query('plugin::whatsapp.sender').updateMany({ where: { provider: 'meta' }, data: { messagesPerSecond: args[0] } }))?.count ?? 0;
      } else if (cmd === 'stop') {
        if (session) {
          const { profile } = await post('Profiler.stop');
          fs.mkdirSync(profileDir, { recursive: true });
          fs.writeFileSync(path.join(profileDir, `app-${process.pid}.cpuprofile`), JSON.stringify(profile));
        }
        await app.destroy();
        process.send({ seq, result });
        process.exit(0);
      }
      process.send({ seq, result });
    });
    process.send({ ready: true, port, token: token.accessKey, pid: process.pid });
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
