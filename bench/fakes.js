/** Starts bench/fake-process.js and talks to it: the fake providers, out of the app's process. */
const path = require('path');
const { fork } = require('child_process');

function startFakeProcess() {
  const child = fork(path.join(__dirname, 'fake-process.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const waiting = new Map();
  const call = (cmd, ...args) =>
    new Promise((resolve) => {
      seq += 1;
      waiting.set(seq, resolve);
      child.send({ seq, cmd, args });
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message) => {
      if (message.ready) {
        resolve({
          env: message.env,
          delayNext: (ms, count) => call('delayNext', ms, count),
          reset: () => call('reset'),
          sentCount: () => call('sentCount'),
          sent: () => call('sent'),
          close: () => call('close'),
        });
        return;
      }
      const done = waiting.get(message.seq);
      waiting.delete(message.seq);
      done?.(message.result);
    });
  });
}

module.exports = { startFakeProcess };
