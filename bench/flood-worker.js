/**
 * An abusive client for bench/abuse, in a worker thread: keeps `connections` keep-alive requests
 * in flight, cycling through `requests`, as fast as the app answers, until the parent posts
 * `stop`; then posts how many it sent, the rate and the statuses it got.
 */
const http = require('http');
const { parentPort, workerData } = require('worker_threads');

const { port, requests, connections } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const statuses = {};
let sent = 0;
let stopped = false;
const started = Date.now();

const one = ({ method, path, headers, body }) =>
  new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        resolve();
      });
    });
    req.on('error', () => {
      statuses.error = (statuses.error ?? 0) + 1;
      resolve();
    });
    req.end(body);
  });

parentPort.once('message', () => {
  stopped = true;
});

Promise.all(
  Array.from({ length: connections }, async () => {
    while (!stopped) await one(requests[sent++ % requests.length]);
  })
).then(() => {
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  parentPort.postMessage({ sent, perSecond: Math.round(sent / seconds), statuses });
});
