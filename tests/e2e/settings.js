/** What the setup, the teardown and the walk share: where the app's state lives and who logs in. */
const path = require('path');

const workDir = path.resolve(__dirname, '../../.tmp/e2e');

module.exports = {
  workDir,
  stateFile: path.join(workDir, 'app.json'),
  screenshotsDir: path.resolve(__dirname, '../../docs/screenshots'),
  ADMIN: { email: 'admin@taller.example', password: 'Admin-e2e-2026', firstname: 'Ana' },
  EDITOR: { email: 'editor@taller.example', password: 'Editor-e2e-2026', firstname: 'Eduardo' },
  META_APP_SECRET: 'e2e-meta-app-secret',
};
