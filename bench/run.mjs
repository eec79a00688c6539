#!/usr/bin/env node
// Runs the benchmarks in order, each as its own process, then prints one
// summary table from their results (bench/results/<name>.json).
//
//   node bench/run.mjs                      # all: ingest coldstart device alarm-latency query history sweep-scale backpressure cost
//   node bench/run.mjs device query         # some of them
//   node bench/run.mjs device --seconds 120 # flags go to the one benchmark named
//   node bench/run.mjs --device.seconds 120 --ingest.seconds 5   # or name.flag for any
//   node bench/run.mjs --summary            # only the table, from the last results
//
// Needs `node build.mjs` first (make bench does it). Traffic goes to 127.0.0.1 only.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, machine, readResult, round, table, writeResult } from './lib/common.mjs';

const ALL = ['ingest', 'coldstart', 'device', 'alarm-latency', 'query', 'history', 'sweep-scale', 'backpressure', 'cost'];
// node:util parseArgs in its lenient mode (the flags belong to the benchmarks): options, and the
// positionals that are benchmark names or the value of the option just before them.
const { tokens } = parseArgs({ args: process.argv.slice(2), strict: false, allowPositionals: true, tokens: true });
const names = [];
const unknown = [];
/** [flag, value?] in the order given. */
const options = [];
for (const t of tokens) {
  if (t.kind === 'option') options.push([t.name, t.value]);
  else if (t.kind === 'positional') {
    const last = options[options.length - 1];
    const prev = tokens[t.index - 1];
    if (ALL.includes(t.value)) names.push(t.value);
    else if (prev?.kind === 'option' && prev.value === undefined && last && last[1] === undefined) last[1] = t.value;
    else unknown.push(t.value);
  }
}
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')} (known: ${ALL.join(', ')})`);
  process.exit(2);
}
const summaryOnly = options.some(([name]) => name === 'summary');
const selected = names.length ? ALL.filter((n) => names.includes(n)) : ALL;

/** Flags of one benchmark: `--<name>.<flag> v` always; plain `--flag v` when only one benchmark is named. */
function flagsFor(name) {
  const out = [];
  for (const [flag, value] of options) {
    if (flag === 'summary') continue;
    const extra = value !== undefined ? [value] : [];
    if (flag.startsWith(`${name}.`)) out.push(`--${flag.slice(name.length + 1)}`, ...extra);
    else if (!flag.includes('.') && selected.length === 1) out.push(`--${flag}`, ...extra);
  }
  return out;
}

function runOne(name) {
  const script = join(benchDir, `${name}.mjs`);
  const extra = name === 'cost' ? ['--json'] : [];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...extra, ...flagsFor(name)], { stdio: 'inherit' });
    child.once('exit', (code) => resolve(code));
  });
}

const started = performance.now();
const timings = {};
const failed = [];
if (!summaryOnly) {
  for (const name of selected) {
    console.log(`\n=== ${name} ${'='.repeat(70 - name.length)}`);
    const t = performance.now();
    const code = await runOne(name);
    timings[name] = round((performance.now() - t) / 1000, 1);
    if (code !== 0) failed.push(`${name} (exit ${code})`);
  }
}
const total = round((performance.now() - started) / 1000, 1);

// --- summary ------------------------------------------------------------------

const rows = [['benchmark', 'figure', 'value', 'measured side by side']];
const show = (name) => summaryOnly || (selected.includes(name) && !failed.some((f) => f.startsWith(name)));
const ms = (v) => `${v} ms`;
const ingest = readResult('ingest');
if (ingest && show('ingest')) {
  for (const r of ingest.runs) {
    rows.push(['ingest', `${r.label}`, `${r.api.readingsPerSecond} readings/s, p50 ${r.api.latencyMs.p50} / p95 ${r.api.latencyMs.p95} / p99 ${r.api.latencyMs.p99} ms`,
      `raw store ${r.raw.readingsPerSecond}/s, API/raw ${r.apiOverRaw}${r.alertingOverPlain !== undefined ? `, alerting/plain ${r.alertingOverPlain} (${r.api.notifications} notifications)` : ''}`]);
  }
}
const cs = readResult('coldstart');
if (cs && show('coldstart')) {
  for (const [n, h] of Object.entries(cs.handlers)) {
    rows.push(['coldstart', `${n}: zip / unzipped`, `${round(h.sizes.lean.zipBytes / 1024, 1)} / ${round(h.sizes.lean.unzippedBytes / 1024, 0)} KiB (map beside: ${round(h.sizes.lean.mapBesideBytes / 1024, 0)} KiB)`, `old layout: ${round(h.sizes.baseline.zipBytes / 1024, 1)} / ${round(h.sizes.baseline.unzippedBytes / 1024, 0)} KiB; target <= ${n === 'api' ? 150 : 110} KiB`]);
    rows.push(['coldstart', `${n}: import + first call`, `${ms(h.lean.importMs.median)} + ${ms(h.lean.firstInvocationMs.median)} (warm ${ms(h.lean.warmInvocationMs.median)})`, `old layout: ${ms(h.baseline.importMs.median)} + ${ms(h.baseline.firstInvocationMs.median)}; lean/old ${h.ratios.coldLeanOverBaseline}`]);
  }
  rows.push(['coldstart', 'sweep per device (warm)', `${cs.lambda.sweepMsPerDevice} ms`, `${cs.lambda.sweepDevices} devices`]);
}
const dev = readResult('device');
if (dev && show('device')) {
  for (const [n, a] of Object.entries(dev.agents)) {
    // Disk bytes per reading mean something only over a window that holds group commits and an upload (the 0.1 Hz agents).
    const wear = a.windowSeconds >= 300 ? `${a.writeBytesPerReading} disk bytes/reading (queue record ${a.queueBytesPerReading} B)` : 'for RSS and CPU (the SD wear rows are below)';
    rows.push(['device', `agent ${n}, 5 sensors`, `peak RSS ${round(a.peakRssKiB / 1024, 1)} MiB, CPU ${round(a.cpuShare * 100, 2)}%`, wear]);
  }
  if (dev.sdWear) {
    const w = dev.sdWear.bytesPerReading;
    rows.push(['device', 'SD wear at 0.1 Hz, staged, 60-s commit (target <= 2048 B/reading)', `${w['staged in RAM, commit 60 s']} B/reading: ${dev.sdWear.met ? 'met' : 'NOT met'}`,
      `300-s commit ${w['staged in RAM, commit 300 s']} B; before staging ${w['before: no staging, fsync 300 s']} B (${dev.sdWear.beforeOverAfter}x)`]);
  }
  if (typeof dev.qemu === 'string' && dev.qemu.startsWith('SKIPPED')) rows.push(['device', 'qemu-arm', dev.qemu, '']);
  const q = dev.queue;
  rows.push(['device', 'queue appends/s', `${q.pageCache.appendsPerSecond} (page cache)`, `fsync every 5: ${q.fsyncEvery5.appendsPerSecond}/s; fsync each: ${q.fsyncEach.appendsPerSecond}/s (fsync p50 ${q.fsyncEach.fsyncMs?.p50} ms)`]);
}
const al = readResult('alarm-latency');
if (al && show('alarm-latency')) {
  const s = al.sampleToStoredSeconds;
  const f = al.flameToStoredSeconds;
  rows.push(['alarm-latency', `flame readings, sample to stored (${al.parameters.boards} agents, adaptive policy)`, `p50 ${s.p50} / p95 ${s.p95} / max ${s.max} s (${s.count} readings)`,
    `flame lit to stored p95 ${f.p95} s (${f.count} episodes); quiet readings p50 ${al.quietReadingsSeconds.p50} s; target p95 <= 3 s: ${al.targetMet ? 'met' : 'NOT met'}`]);
}
const qr = readResult('query');
if (qr && show('query')) {
  for (const [n, r] of Object.entries(qr.ranges)) rows.push(['query', `${n} of one board (${r.readings} readings, ${r.pages} pages)`, `${ms(r.medianMs)} (first ${ms(r.firstMs)})`, `${r.readingsPerSecond} readings/s, ${r.pageMsMedian} ms a page`]);
  rows.push(['query', '7d / 24h time', `${qr.ratio7dOver24h}`, 'readings ratio 7.0']);
  if (qr.layout) {
    rows.push(['query', '7d from the store: packed vs v1 layout', `${qr.layout.speedup}x`, `${ms(qr.layout.v2ReadMedianMs)} vs ${ms(qr.layout.v1ReadMedianMs)} (target >= 3x)`]);
    rows.push(['storage', 'bytes per reading / WRU of a 30-reading post', `${qr.layout.bytesPerReading.v2} B (v1 ${qr.layout.bytesPerReading.v1}) / ${qr.layout.writeUnitsPost30} WRU`, `bucket ${qr.layout.bucketWru30} + device ${qr.layout.deviceWru} (target <= 3)`]);
  }
}
const hi = readResult('history');
if (hi && show('history')) {
  const c = hi.chart7d;
  rows.push(['history', '7-day chart of one board: aggregates (warm roll-ups) vs raw pages', `${c.speedup}x (${ms(c.aggregates.medianMs)} vs ${ms(c.readings.medianMs)})`, `1 request of ${c.aggregates.points} buckets vs ${c.readings.requests} pages of readings; ${c.aggregatesCold ? `cold (roll-ups built) ${c.speedupCold}x, ${ms(c.aggregatesCold.medianMs)}; ` : ''}target >= 10x warm: ${c.speedup >= 10 ? 'met' : 'NOT met'}`]);
  const R = hi.reportInProcess;
  const p = hi.parameters;
  rows.push(['history', `${p.days}-day report, 100 boards (a reading every ${p.intervalSeconds} s)`, `${round((hi.reportHttp.msPerBoard * 100) / 1000, 0)} s, ${R.rruPer100Boards} RRU`, `${p.boards === 100 ? 'measured' : `${p.boards} boards measured (${ms(hi.reportHttp.medianMs)}, ${R.rru} RRU), x ${round(100 / p.boards, 1)}`}; one room ${ms(hi.reportHttp.oneRoomMs)}`]);
}
const sw = readResult('sweep-scale');
if (sw && show('sweep-scale')) {
  rows.push(['sweep', `${sw.parameters.devices} boards, nothing due`, ms(sw.idleRunMs), `${sw.perIdleBoardMs} ms a board; 1,000,000 boards: ${sw.extrapolated.segments16Seconds} s with 16 parallel segments`]);
}
const bp = readResult('backpressure');
if (bp && show('backpressure')) {
  rows.push(['backpressure', `${bp.clients} concurrent ${bp.readingsPerBatch}-reading batches`, `peak RSS ${bp.peakRssMiB} MiB, slowest answer ${bp.answerSeconds.max} s (${bp.ok} x 200, ${bp.busy} x 503, ${bp.other} other)`,
    `targets < 512 MiB: ${bp.targets.rssUnder512MiB ? 'met' : 'NOT met'}, all answered <= 30 s: ${bp.targets.allAnsweredWithin30s ? 'met' : 'NOT met'}; /healthz ${bp.healthzDuring.join(',')} (max ${bp.healthzMaxMs} ms)`]);
}
const cost = readResult('cost');
if (cost && show('cost') && cost.targets) {
  for (const f of cost.fleets) rows.push(['cost', `${f.boards} boards, serverless`, `$${round(f.perBoardMonth, 4)}/board-month ($${round(f.fleetMonth, 0)}/month)`, `old $${round(f.oldPerBoardMonth, 3)}; leanest $${round(f.leanestPerBoardMonth, 4)}; IoT Basic Ingest $${round(f.iotPerBoardMonth, 4)}; floor $${round(f.floorPerBoardMonth, 4)}`]);
  const t = cost.targets;
  rows.push(['cost', 'target <= $0.05 (1,000 boards, defaults)', `${t.defaults.value <= 0.05 ? 'met' : 'NOT met'} ($${round(t.defaults.value, 4)})`, `leanest (<= $0.03): ${t.leanest.value <= 0.03 ? 'met' : 'NOT met'} ($${round(t.leanest.value, 4)})`]);
  const assumed = Object.entries(cost.parameters).filter(([, p]) => p.kind === 'assumed').map(([k]) => k);
  rows.push(['cost', 'model parameters assumed', assumed.join(', ') || 'none', 'the rest measured in this run or given']);
}
console.log(`\n=== summary ${'='.repeat(62)}`);
const m = machine();
console.log(`${m.cpuModel}, ${m.nproc} CPUs, ${m.ramGiB} GiB, Node ${m.node}; load average at the end ${m.loadAvgAtStart?.join(' ') ?? '?'}`);
console.log(table(rows));
if (!summaryOnly) {
  console.log(`\ntimes: ${Object.entries(timings).map(([n, t]) => `${n} ${t} s`).join(', ')}; total ${total} s`);
  writeResult('run', { selected, timings, totalSeconds: total, failed });
}
if (failed.length) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
