/**
 * A second app instance in its own process (same compiled app, same database), for the tests
 * that need several instances or a process killed with SIGKILL. The parent passes the whole
 * environment; this process reports 'ready' over IPC and stops cleanly on 'stop'.
 */
const path = require('path');
const { createStrapi } = require('@strapi/strapi');

const appDir = path.resolve(__dirname, '../..');

createStrapi({ appDir, distDir: path.join(appDir, 'dist'), serveAdminPanel: false, autoReload: false })
  .load()
  .then(async (app) => {
    // TEST_WORKER_HTTP=true: also answer HTTP on a free loopback port (sent back as `port`).
    let port = null;
    if (process.env.TEST_WORKER_HTTP === 'true') {
      app.server.mount();
      await new Promise((resolve) => app.server.httpServer.listen(0, '127.0.0.1', resolve));
      port = app.server.httpServer.address().port;
    }
    process.send?.({ type: 'ready', owner: app.plugin('whatsapp').service('dispatcher').owner, port });
    process.on('message', async (message) => {
      if (message === 'stop') {
        await app.destroy();
        process.exit(0);
      }
    });
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
