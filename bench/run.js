#!/usr/bin/env node
/**
 * `npm run bench`: compiles the app, runs each benchmark on PostgreSQL and SQLite, prints a
 * table and writes bench/results/<name>-<date>.json and bench/results/latest.json.
 * BENCH_N (default 5000) sets the number of messages; BENCH_DATABASES=postgres,sqlite.
 * BENCH_ONLY=campaign (not in the default list: minutes at 100,000) runs bench/campaign.js with
 * BENCH_CAMPAIGN_N recipients (default 100000). BENCH_ONLY=abuse (or `node bench/run.js abuse`)
 * runs bench/abuse.js alone: signed webhooks beside abusive clients, BENCH_ABUSE_N per phase.
 */
require('./register-ts');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { appDir } = require('./app');

async function main() {
  const { compileStrapi } = require('@strapi/strapi');
  process.env.ENV_PATH = path.join(appDir, 'tests', '.env.test');
  await compileStrapi({ appDir });
  const { runDispatchBench } = require('./dispatch');
  const { runWebhookBench } = require('./webhooks');
  const { runAutomationBench } = require('./automations');
  const { runCampaignBench } = require('./campaign');
  const { runAbuseBench } = require('./abuse');

  const n = Number(process.env.BENCH_N || 5000);
  const databases = (process.env.BENCH_DATABASES || 'postgres,sqlite').split(',');
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 1024 ** 3), node: process.version, platform: `${os.platform()} ${os.release()}` };
  const results = { date: new Date().toISOString(), machine, dispatch: [], webhooks: [], automations: [], campaign: [], abuse: [] };
  // The scenarios: `node bench/run.js abuse` (an argument) or BENCH_ONLY=abuse, comma-separated.
  const only = (process.argv[2] || process.env.BENCH_ONLY || 'dispatch,webhooks,automations,abuse').split(',');

  for (const database of only.includes('dispatch') ? databases : []) {
    console.log(`\n[bench] dispatch on ${database}: ${n} messages, provider latency ${process.env.BENCH_PROVIDER_LATENCY_MS || 20} ms`);
    const r = await runDispatchBench(database, { n, steadySeconds: Number(process.env.BENCH_STEADY_SECONDS || 10) });
    results.dispatch.push(r);
    console.log(r);
  }

  console.log('\n| database | messages | sent/s end to end | fake provider raw/s | ratio | p50 / p99 lateness at 100 msg/s | peak RSS |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results.dispatch) {
    console.log(`| ${r.database} | ${r.messages} | ${r.sentPerSecond} | ${r.providerRawPerSecond} | ${r.ratioToRaw} | ${r.steady.latenessP50Ms} ms / ${r.steady.latenessP99Ms} ms | ${r.peakRssMb} MB |`);
  }
  // Webhooks: on PostgreSQL (the production database), as the issue asks.
  if (only.includes('webhooks')) {
    const webhookN = Number(process.env.BENCH_WEBHOOKS_N || 3000);
    console.log(`\n[bench] webhooks on postgres: ${webhookN} signed Meta status webhooks, 32 connections`);
    const r = await runWebhookBench('postgres', { n: webhookN });
    results.webhooks.push(r);
    console.log(r);
    console.log('\n| database | requests | webhooks/s | p50 / p99 | /_health/s | /_health p50 / p99 | ratio | stored / applied / delivered | applied during the burst | last applied after the burst |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    const during = `${r.appliedDuringLoad} (${Math.round((100 * r.appliedDuringLoad) / r.requests)} %)`;
    console.log(`| ${r.database} | ${r.requests} | ${r.webhooks.perSecond} | ${r.webhooks.p50Ms} / ${r.webhooks.p99Ms} ms | ${r.health.perSecond} | ${r.health.p50Ms} / ${r.health.p99Ms} ms | ${r.ratioToHealth} | ${r.stored} / ${r.applied} / ${r.delivered} | ${during} | ${r.applyLagMs} ms |`);
  }
  if (only.includes('automations')) {
    const saves = Number(process.env.BENCH_SAVES_N || 200);
    const rate = Number(process.env.BENCH_SAVES_RATE || 20);
    const modes = [{ worker: false }, { worker: true }, { worker: true, rate }];
    for (const database of databases) {
      for (const { worker, rate: paced } of modes) {
        console.log(`\n[bench] automations on ${database}: ${saves} saves per round, 3 rounds each way, worker ${worker ? 'on' : 'off'}, ${paced ? `${paced} saves/s` : 'saturated'}`);
        const r = await runAutomationBench(database, { n: saves, rounds: 3, worker, rate: paced });
        results.automations.push(r);
        console.log(r);
      }
    }
    console.log('\n| database | worker | load | saves | without rules p50 / p99 | with a rule p50 / p99 | ratio p50 | saves/s without / with | runs written |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of results.automations) {
      console.log(`| ${r.database} | ${r.worker ? 'on' : 'off'} | ${r.rate ? `${r.rate}/s` : '8 connections'} | ${r.saves} | ${r.without.p50Ms} / ${r.without.p99Ms} ms | ${r.withRule.p50Ms} / ${r.withRule.p99Ms} ms | ${r.ratioP50} | ${r.without.perSecond} / ${r.withRule.perSecond} | ${r.runs} |`);
    }
  }
  if (only.includes('campaign')) {
    const campaignN = Number(process.env.BENCH_CAMPAIGN_N || 100000);
    for (const database of databases) {
      console.log(`\n[bench] campaign on ${database}: ${campaignN} recipients imported from CSV, one campaign launched, app in its own process, provider latency ${process.env.BENCH_PROVIDER_LATENCY_MS || 20} ms`);
      const r = await runCampaignBench(database, { n: campaignN });
      results.campaign.push(r);
      console.log(r);
    }
    console.log('\n| database | recipients | import | import peak RSS | fully queued | queue peak RSS | all sent (rate) | completed | send peak RSS | peak RSS |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const r of results.campaign) {
      const sent = r.send.allSent ? `${r.send.seconds} s (${r.send.perSecond}/s)` : `${r.send.sent} in ${r.send.seconds} s (${r.send.perSecond}/s), not all`;
      console.log(`| ${r.database} | ${r.recipients} | ${r.import.seconds} s (${r.import.rowsPerSecond} rows/s) | ${r.import.peakRssMb} MB | ${r.queue.seconds} s (${r.queue.perSecond}/s) | ${r.queue.peakRssMb} MB | ${sent} | ${r.send.completedSeconds ?? '—'} s | ${r.send.peakRssMb} MB | ${r.peakRssMb} MB |`);
    }
  }
  if (only.includes('abuse')) {
    const abuseN = Number(process.env.BENCH_ABUSE_N || 1000);
    console.log(`\n[bench] abuse on postgres: ${abuseN} signed Meta webhooks per phase, alone then beside a bad-signature flood, 200 slowloris connections, a health + media link flood`);
    const r = await runAbuseBench('postgres', { n: abuseN });
    results.abuse.push(r);
    console.log(JSON.stringify(r, null, 2));
    const row = (label, s, ratio, attacker) => `| ${label} | ${s.perSecond} | ${s.p50Ms} / ${s.p99Ms} ms | ${ratio} | ${JSON.stringify(s.statuses)} | ${attacker} |`;
    const flood = (f) => `${f.flood.perSecond}/s answered: ${JSON.stringify(f.flood.statuses)}`;
    console.log('\n| signed Meta webhooks | webhooks/s | p50 / p99 | ratio to alone | signed statuses | attacker |');
    console.log('|---|---|---|---|---|---|');
    console.log(row('alone', r.baseline, 1, '—'));
    console.log(row('bad-signature flood, 64 connections', r.flood.signed, r.flood.ratio, flood(r.flood)));
    const s = r.slowloris;
    console.log(row(`${s.connections} slowloris connections`, s.signed, s.ratio, `${s.cutOff} of ${s.connections} cut off; headers (limit ${s.headersTimeoutMs} ms) p50 / max ${s.headersCutP50Ms} / ${s.headersCutMaxMs} ms, body (limit ${s.requestTimeoutMs} ms) ${s.bodyCutP50Ms} / ${s.bodyCutMaxMs} ms`));
    console.log(row('health + media link flood, 64 connections', r.healthMedia.signed, r.healthMedia.ratio, flood(r.healthMedia)));
  }
  console.log(`\nmachine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GiB, Node ${machine.node}`);

  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${results.date.slice(0, 10)}.json`);
  // BENCH_LABEL (e.g. `previous` when BENCH_APP_DIR points at the previous commit) names the file
  // instead of the date and `latest`.
  const label = process.env.BENCH_LABEL;
  if (label) results.label = label;
  fs.writeFileSync(label ? path.join(dir, `${label}.json`) : file, JSON.stringify(results, null, 2) + '\n');
  if (!label) fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`written: ${label ? `bench/results/${label}.json` : path.relative(appDir, file)}`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
