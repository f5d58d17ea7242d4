/**
 * The fake providers in a process of their own, so a benchmark measures the app's process alone:
 * the fake's HTTP work does not run on the app's event loop. Driven over IPC by bench/fakes.js.
 */
require('./register-ts');
const { startFakes } = require('../tests/fakes');

startFakes().then((fakes) => {
  process.on('message', async ({ seq, cmd, args = [] }) => {
    let result = null;
    if (cmd === 'delayNext') fakes.meta.delayNext(...args);
    else if (cmd === 'reset') fakes.reset();
    else if (cmd === 'sentCount') result = fakes.meta.sent.length;
    else if (cmd === 'sent') result = fakes.meta.sent.map((s) => ({ at: s.at, ourId: Number(s.payload.biz_opaque_callback_data) }));
    else if (cmd === 'close') {
      await fakes.close();
      process.send({ seq, result });
      process.exit(0);
    }
    process.send({ seq, result });
  });
  process.send({ ready: true, env: fakes.env });
});
