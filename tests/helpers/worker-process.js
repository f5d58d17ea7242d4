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
  .then((app) => {
    process.send?.({ type: 'ready', owner: app.plugin('whatsapp').service('dispatcher').owner });
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
