/** Stops the app and the fake providers the global setup started. */
const fs = require('fs');
const { stateFile } = require('./settings');

module.exports = async () => {
  await globalThis.__E2E_FAKES__?.close();
  if (!fs.existsSync(stateFile) || process.env.E2E_KEEP_APP === 'true') return;
  const { pid } = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
