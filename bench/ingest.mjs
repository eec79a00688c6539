#!/usr/bin/env node
// Benchmark 1: ingest throughput through the local stack, and its ceiling.
//
// For each configuration (N boards posting batches of B readings, one post in
// flight per board, as the agent does), two processes side by side, each on
// its own fresh DATA_DIR in bench/.cache:
//   API  the built local stack (dist/server/local.mjs) with default settings
//        (INFO logs, DEVICE_SERIES off: one log line a post, as in Lambda),
//        N simulated boards posting to it over keep-alive HTTP on 127.0.0.1;
//   raw  a dynalite started the same way (persisted), each reading written
//        alone with a conditional PutItem (16 in flight per batch, N loops) from
//        one process: the raw ceiling, bench/lib/raw-writer.entry.mjs.
// Phases alternate API, raw, API, raw (--seconds split in two API phases; each
// raw phase writes as many readings as the API phase before it stored, bounded
// in time), so that a change of machine load hits both sides alike. API/raw
// is the share of the store's ceiling the API keeps.
// With alerting (10 boards by default), 1% of readings carry co2 1500 and the
// next one is back to normal: each raises then resolves a co2 alert.
//
// Readings are --step-seconds apart (default 10, one reading every 10 s as
// the issue's fleet samples): a 5-minute bucket then holds 30 readings, as in
// use. At --step-seconds 1 a bucket grows to 300 readings (~20 KB) and each
// post rewrites it (the store reads and writes the whole item).
//
// --timestamps live (default): readings are stamped as a live fleet's are,
// within the last few minutes, so the API does what it does for boards
// posting as they sample. A board posting as fast as this benchmark does
// would run ahead of the clock, so each of the N posting loops moves on to a
// fresh registered device when its readings would pass 4 minutes ahead of
// now (each device starts 9 minutes back: never a "late" hour, which would
// cost its roll-up mark, docs/storage.md). A batch spanning more than that
// window (B x step > 13 min, e.g. 100 readings 10 s apart) is sent as
// history. --timestamps history: every loop is one device replaying 20-day-old
// readings (a backlog upload: each post also marks its hour's roll-up dirty).
//
//   node bench/ingest.mjs [--seconds 4] [--boards 1,10,50] [--batches 1,10,100]
//                         [--alert-boards 10] [--alert-batches 10,100] [--max-in-flight 1000]
//                         [--step-seconds 10] [--timestamps live|history]
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bundle, cacheDir, cpuSeconds, createClient, normalReading, numFlag, parseFlags, percentile, removeDir, requireBuilt, round,
  snapshotDist, startStack, table, tempDir, writeResult,
} from './lib/common.mjs';

const flags = parseFlags();
const seconds = numFlag(flags, 'seconds', 4, 0.5, 120);
// Readings in flight at once (N x B): past the store's few seconds of work, a phase is one slow round.
const maxInFlight = numFlag(flags, 'max-in-flight', 1000, 1, 100_000);
const stepMs = numFlag(flags, 'step-seconds', 10, 0.001, 3600) * 1000;
const timestamps = String(flags.timestamps ?? 'live');
if (!['live', 'history'].includes(timestamps)) {
  console.error('--timestamps: live or history');
  process.exit(2);
}
// A live device's readings stay within [now - 9 min, now + 4 min]: none late (10 min), none refused (5 min ahead).
const LIVE_BACK_MS = 9 * 60_000;
const LIVE_AHEAD_MS = 4 * 60_000;
const list = (name, def) => (flags[name] === undefined ? def : String(flags[name]).split(',').filter(Boolean).map(Number));
const boardsList = list('boards', [1, 10, 50]);
const batchList = list('batches', [1, 10, 30, 100]);
const alertBoards = list('alert-boards', [10]);
const alertBatches = list('alert-batches', [10, 30]);
for (const n of [...boardsList, ...batchList, ...alertBoards, ...alertBatches]) {
  if (!Number.isInteger(n) || n < 1 || n > 500) {
    console.error('--boards/--batches: integers from 1 to 500');
    process.exit(2);
  }
}

requireBuilt(['dist/server/local.mjs']);
await snapshotDist(['server/local.mjs']);
const rawWriter = await bundle(join('bench', 'lib', 'raw-writer.entry.mjs'), join(cacheDir, 'raw-writer.mjs'));

function startRawWriter(dataDir) {
  const child = fork(rawWriter, [dataDir], { cwd: cacheDir, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const replies = [];
  const waiters = [];
  child.on('message', (m) => (waiters.length ? waiters.shift()(m) : replies.push(m)));
  const next = () => new Promise((r) => (replies.length ? r(replies.shift()) : waiters.push(r)));
  const exited = new Promise((r) => child.once('exit', r));
  return {
    pid: child.pid,
    ready: next(),
    async write(job) {
      child.send({ write: job });
      const r = await next();
      if (r.error) throw new Error(`raw writer: ${r.error}`);
      return r;
    },
    async stop() {
      if (child.connected) child.send({ exit: true });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

async function runConfig({ boards, batch, alerting }) {
  const apiDir = tempDir('ingest-api');
  const rawDir = tempDir('ingest-raw');
  const raw = startRawWriter(rawDir);
  const stack = await startStack(apiDir);
  const client = createClient(stack.url, boards + 4);
  try {
    await raw.ready;
    const postsPerDevice = Math.floor((LIVE_BACK_MS + LIVE_AHEAD_MS) / (batch * stepMs));
    const live = timestamps === 'live' && postsPerDevice >= 1;
    // Devices registered before the clock starts: enough for the posts a loop can make (a few more are registered if not).
    const postsPerLoop = Math.ceil(seconds * Math.min(70, 250 / boards)) + 2;
    const perLoop = live ? Math.ceil(postsPerLoop / postsPerDevice) + 1 : 1;
    const pools = [];
    for (let b = 0; b < boards; b++) {
      const ids = Array.from({ length: perLoop }, (_, n) => `bench-${b}-${n}`);
      const pool = [];
      for (let i = 0; i < ids.length; i += 16) pool.push(...(await Promise.all(ids.slice(i, i + 16).map(async (deviceId) => ({ deviceId, key: await client.registerDevice(deviceId) })))));
      pools.push(pool);
    }
    let extraDevices = 0;
    const historyBaseMs = Date.now() - 20 * 86_400_000;
    // Per loop: its device, the device's first ts, the next reading's seq (ids stay unique per loop).
    const loops = pools.map((pool) => ({ pool, at: 0, startMs: live ? Date.now() - LIVE_BACK_MS : historyBaseMs, seq: 0, deviceSeq: 0 }));
    const nextPost = async (b, size = batch) => {
      const loop = loops[b];
      if (live && loop.startMs + (loop.deviceSeq + size) * stepMs > Date.now() + LIVE_AHEAD_MS) {
        loop.at++;
        if (loop.at >= loop.pool.length) {
          const deviceId = `bench-${b}-${loop.at}`;
          loop.pool.push({ deviceId, key: await client.registerDevice(deviceId) });
          extraDevices++;
        }
        loop.startMs = Date.now() - LIVE_BACK_MS;
        loop.deviceSeq = 0;
      }
      const { deviceId, key } = loop.pool[loop.at];
      const readings = [];
      for (let i = 0; i < size; i++) {
        const seq = loop.seq++;
        const r = normalReading(b, seq, loop.startMs + loop.deviceSeq++ * stepMs);
        if (alerting && seq % 100 === 50) r.co2 = 1500; // raises co2 (>= 1000); the next reading (< 900) resolves it
        readings.push(r);
      }
      return { token: key, body: JSON.stringify({ deviceId, readings }) };
    };
    // Warm-up, not counted: one small post per board on each side.
    await Promise.all(loops.map(async (_, b) => client.request('POST', '/v1/readings', await nextPost(b, Math.min(batch, 10)))));
    await raw.write({ boards, batch: Math.min(batch, 10), total: boards * Math.min(batch, 10), maxSeconds: 10, stepMs });

    const api = { readings: 0, seconds: 0, latencies: [], statuses: {}, cpu: 0, logBytes: 0 };
    const rawTotals = { readings: 0, seconds: 0, batchMs: [] };
    for (let phase = 0; phase < 2; phase++) {
      const cpu0 = cpuSeconds(stack.pid);
      const log0 = stack.logBytes();
      const started = performance.now();
      const deadline = started + (seconds / 2) * 1000;
      let accepted = 0;
      await Promise.all(
        loops.map(async (_, b) => {
          while (performance.now() < deadline) {
            const r = await client.request('POST', '/v1/readings', await nextPost(b));
            api.latencies.push(r.ms);
            api.statuses[r.status] = (api.statuses[r.status] ?? 0) + 1;
            if (r.status === 200) accepted += r.body.accepted;
          }
        }),
      );
      api.seconds += (performance.now() - started) / 1000;
      api.readings += accepted;
      api.cpu += cpuSeconds(stack.pid) - cpu0;
      api.logBytes += stack.logBytes() - log0;
      // The same number of readings straight into the store, same pattern, bounded in time.
      const r = await raw.write({ boards, batch, total: accepted, maxSeconds: Math.max(5, seconds * 2), stepMs });
      rawTotals.readings += r.written;
      rawTotals.seconds += r.seconds;
      rawTotals.batchMs.push(...r.batchMs);
    }
    client.close(); // first: the server waits for idle keep-alive sockets when it stops
    await stack.stop();
    const notificationsFile = join(apiDir, 'notifications.jsonl');
    const notifications = existsSync(notificationsFile) ? readFileSync(notificationsFile, 'utf8').split('\n').filter(Boolean).length : 0;
    const lat = api.latencies;
    const apiRate = api.readings / api.seconds;
    const rawRate = rawTotals.readings / rawTotals.seconds;
    return {
      timestamps: live ? 'live' : 'history',
      devices: loops.reduce((n, l) => n + l.at + 1, 0),
      extraDevices,
      api: {
        readings: api.readings,
        posts: lat.length,
        seconds: round(api.seconds, 3),
        readingsPerSecond: round(apiRate, 0),
        postsPerSecond: round(lat.length / api.seconds, 1),
        latencyMs: { p50: round(percentile(lat, 50), 1), p95: round(percentile(lat, 95), 1), p99: round(percentile(lat, 99), 1), max: round(Math.max(...lat), 1) },
        statuses: api.statuses,
        stackCpuShare: round(api.cpu / api.seconds, 2),
        stackLogBytesPerReading: api.readings > 0 ? round(api.logBytes / api.readings, 0) : null,
        notifications,
      },
      raw: {
        readings: rawTotals.readings,
        seconds: round(rawTotals.seconds, 3),
        readingsPerSecond: round(rawRate, 0),
        batchLatencyMs: { p50: round(percentile(rawTotals.batchMs, 50), 1), p95: round(percentile(rawTotals.batchMs, 95), 1), p99: round(percentile(rawTotals.batchMs, 99), 1) },
      },
      apiOverRaw: round(apiRate / rawRate, 2),
    };
  } finally {
    client.close();
    await Promise.all([stack.stop(), raw.stop()]);
    removeDir(apiDir);
    removeDir(rawDir);
    removeDir(`${apiDir}.stack.log`);
  }
}

const configs = [];
const skipped = [];
for (const boards of boardsList) {
  for (const batch of batchList) {
    if (boards * batch > maxInFlight) skipped.push(`${boards} boards x batch ${batch}`);
    else configs.push({ boards, batch, alerting: false });
  }
}
for (const boards of alertBoards) for (const batch of alertBatches) if (boards * batch <= maxInFlight) configs.push({ boards, batch, alerting: true });

const runs = [];
const t0 = performance.now();
for (const cfg of configs) {
  const label = `${cfg.boards} boards x batch ${cfg.batch}${cfg.alerting ? ' +1% alerting' : ''}`;
  process.stdout.write(`ingest: ${label} ... `);
  const r = await runConfig(cfg);
  // A batch too long for a live window is sent as history: say so where its figures are read.
  const shown = r.timestamps === timestamps ? label : `${label} (${r.timestamps})`;
  runs.push({ ...cfg, label: shown, ...r });
  console.log(
    `${r.api.readingsPerSecond} readings/s (p50 ${r.api.latencyMs.p50} ms, p99 ${r.api.latencyMs.p99} ms); raw ${r.raw.readingsPerSecond}/s; API/raw ${r.apiOverRaw}; ${r.timestamps} timestamps, ${r.devices} devices${r.extraDevices ? ` (${r.extraDevices} registered during the phases)` : ''}`,
  );
}
if (skipped.length) console.log(`ingest: not run (more than --max-in-flight ${maxInFlight} readings in flight): ${skipped.join(', ')}`);
// Alerting against the same configuration without alerts (each measured against its own raw phases).
for (const run of runs.filter((r) => r.alerting)) {
  const plain = runs.find((r) => !r.alerting && r.boards === run.boards && r.batch === run.batch);
  if (plain) run.alertingOverPlain = round(run.apiOverRaw / plain.apiOverRaw, 2);
}

const rows = [['configuration', 'API readings/s', 'posts/s', 'p50 ms', 'p95 ms', 'p99 ms', 'raw readings/s', 'API/raw', 'stack CPU', 'alerting/plain', 'notifications', 'non-200']];
for (const r of runs) {
  const bad = Object.entries(r.api.statuses).filter(([s]) => s !== '200').reduce((n, [, c]) => n + c, 0);
  rows.push([r.label, r.api.readingsPerSecond, r.api.postsPerSecond, r.api.latencyMs.p50, r.api.latencyMs.p95, r.api.latencyMs.p99, r.raw.readingsPerSecond, r.apiOverRaw, r.api.stackCpuShare, r.alertingOverPlain ?? '', r.api.notifications, bad]);
}
console.log(`\n${table(rows)}\n`);
console.log('alerting/plain compares API/raw ratios (each against the raw phases run beside it), so machine load cancels out.');
const file = writeResult('ingest', {
  parameters: { seconds, phases: 2, maxInFlight, stepSeconds: stepMs / 1000, boards: boardsList, batches: batchList, alertBoards, alertBatches, writeConcurrency: 16, skipped },
  totalSeconds: round((performance.now() - t0) / 1000, 1),
  runs,
});
console.log(`ingest: results in ${file}`);
