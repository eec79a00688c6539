#!/usr/bin/env node
// Backpressure of the Node edge (issue 13): N concurrent batches of 500
// readings against the built local stack (`npm start`'s bundle) in its own
// process. Target: peak RSS under 512 MiB and every request answered (200 or
// 503 with Retry-After) within 30 s; /healthz answers during the storm.
//
//   node bench/backpressure.mjs [--clients 400] [--readings 500] [--devices 40]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { ADMIN_TOKEN, numFlag, parseFlags, percentile, removeDir, requireBuilt, round, snapshotDist, tempDir, writeResult } from './lib/common.mjs';

const flags = parseFlags();
const clients = numFlag(flags, 'clients', 400, 1, 5000);
const perBatch = numFlag(flags, 'readings', 500, 1, 500);
const deviceCount = numFlag(flags, 'devices', 40, 1, 1000);
requireBuilt(['dist/server/local.mjs']);
const dist = await snapshotDist(['server']);

const dataDir = tempDir('backpressure');
const child = spawn(process.execPath, [join(dist, 'server', 'local.mjs')], {
  env: { ...process.env, PORT: '0', DATA_DIR: dataDir, ADMIN_TOKEN, POWERTOOLS_LOG_LEVEL: 'WARN', SWEEP_INTERVAL_SECONDS: '3600' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.once('exit', (code) => reject(new Error(`local stack exited with ${code}`)));
});
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

function call(method, path, token, body) {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const started = performance.now();
    const req = request(`${url}${path}`, { method, agent, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], ms: performance.now() - started, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (error) => resolve({ status: 0, error: error.message, ms: performance.now() - started }));
    req.end(payload);
  });
}

/** Peak resident set of the server process (VmHWM), in MiB. */
const peakRssMiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

const keys = [];
for (let d = 0; d < deviceCount; d++) {
  const answer = await call('POST', '/v1/devices', ADMIN_TOKEN, { deviceId: `bp-${d}` });
  if (answer.status !== 201) throw new Error(`register: ${answer.status} ${answer.body}`);
  keys.push(JSON.parse(answer.body).key);
}
const rssBefore = peakRssMiB();
const now = Date.now();
const batches = Array.from({ length: clients }, (_, c) => {
  const d = c % deviceCount;
  return { d, readings: Array.from({ length: perBatch }, (_, i) => ({ id: `c${c}-r${i}`, ts: new Date(now - (c * perBatch + i) * 1000).toISOString(), co2: 400 + (i % 500), temperature: 21, smoke: 0.01 })) };
});
console.log(`${clients} concurrent batches of ${perBatch} readings (${deviceCount} devices) against ${url}`);
const started = performance.now();
let healthDuring = [];
const storm = Promise.all(batches.map(({ d, readings }) => call('POST', '/v1/readings', keys[d], { deviceId: `bp-${d}`, readings })));
// /healthz while the storm is on.
const health = (async () => {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 200));
    healthDuring.push(await call('GET', '/healthz', ADMIN_TOKEN));
  }
})();
const answers = await storm;
const wallS = (performance.now() - started) / 1000;
await health;
const peak = peakRssMiB();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
removeDir(dataDir);

const count = (s) => answers.filter((a) => a.status === s).length;
const other = answers.filter((a) => a.status !== 200 && a.status !== 503);
const times = answers.map((a) => a.ms);
const maxS = Math.max(...times) / 1000;
const result = {
  clients,
  readingsPerBatch: perBatch,
  ok: count(200),
  busy: count(503),
  busyWithoutRetryAfter: answers.filter((a) => a.status === 503 && !a.retryAfter).length,
  other: other.length,
  otherSample: other.slice(0, 3).map((a) => a.error ?? `${a.status} ${a.body?.slice(0, 120)}`),
  readingsStored: count(200) * perBatch,
  wallSeconds: round(wallS, 1),
  answerSeconds: { p50: round(percentile(times, 50) / 1000, 2), p95: round(percentile(times, 95) / 1000, 2), max: round(maxS, 2) },
  healthzDuring: healthDuring.map((h) => h.status),
  healthzMaxMs: round(Math.max(...healthDuring.map((h) => h.ms)), 0),
  peakRssMiB: round(peak, 0),
  rssBeforeStormMiB: round(rssBefore, 0),
  targets: { rssUnder512MiB: peak < 512, allAnsweredWithin30s: other.length === 0 && maxS <= 30 },
};
writeResult('backpressure', result);
console.log(JSON.stringify(result, null, 2));
