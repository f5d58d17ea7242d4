/**
 * The load generator of bench/webhooks, in a worker thread: keeps CONNECTIONS keep-alive requests
 * in flight until every request has been answered, then posts rate and latency percentiles.
 */
const http = require('http');
const { parentPort, workerData } = require('worker_threads');

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function load({ port, requests, connections, rate }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let failures = 0;
  const statuses = {};
  const one = ({ method, path, headers, body }) =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode >= 300) failures += 1;
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
          resolve();
        });
      });
      req.on('error', () => {
        failures += 1;
        resolve();
      });
      req.end(body);
    });
  let next = 0;
  const started = Date.now();
  if (rate) {
    // Open loop: request i leaves at started + i / rate, answered or not (a steady arrival rate).
    const inFlight = [];
    for (let i = 0; i < requests.length; i += 1) {
      const wait = started + (i * 1000) / rate - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(one(requests[i]));
    }
    await Promise.all(inFlight);
  } else {
    await Promise.all(Array.from({ length: connections }, async () => { while (next < requests.length) await one(requests[next++]); }));
  }
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  return { perSecond: Math.round(requests.length / seconds), p50Ms: Number(percentile(latencies, 50).toFixed(1)), p99Ms: Number(percentile(latencies, 99).toFixed(1)), failures, statuses };
}

load(workerData).then((result) => parentPort.postMessage(result));
