#!/usr/bin/env node
// Benchmark: the sweep at fleet scale (issue 12, item 6).
//
// Seeds --devices boards (default 20,000) straight into the devices table of a
// fresh embedded store, in the item shape DynamoDeviceStore writes, every one
// seen a minute ago (nothing due), plus --offline boards silent for an hour
// (their offline alert is due). Runs the real sweep (src/app/alerts/sweep.ts:
// a parallel Scan in SWEEP_SEGMENTS segments, page by page) --repeats times,
// and prints the cost per board with nothing due and per board with work.
// Extrapolation to 1,000,000 boards: the scan is the only cost that grows
// with the fleet; its segments are read in parallel, by one invocation or
// split across invocations (sweep(deps, {segments})), so the time is
// boards x (measured ms per idle board) / (segments read in parallel).
//
//   node bench/sweep-scale.mjs [--devices 20000] [--offline 200] [--repeats 2]
import { join } from 'node:path';
import { median, numFlag, parseFlags, removeDir, round, tempDir, writeResult } from './lib/common.mjs';
import { loadStore } from './lib/store.mjs';

const flags = parseFlags();
const devices = numFlag(flags, 'devices', 20_000, 10, 500_000);
const offline = numFlag(flags, 'offline', 200, 0, 10_000);
const repeats = numFlag(flags, 'repeats', 2, 1, 10);
const store = await loadStore();
const dir = tempDir('sweep');
const result = { parameters: { devices, offline, repeats, segments: store.SWEEP_SEGMENTS } };
try {
  const dyn = await store.startDynalite(join(dir, 'data'));
  const { base, db } = store.createLocalClients(dyn.endpoint);
  const tables = store.tableNamesForPrefix('local');
  await store.ensureTables(base, tables);
  const now = Date.now();
  const item = (i, silentMs) => ({
    deviceId: `sw-${String(i).padStart(7, '0')}`, sk: 'device', name: `room ${i}`, createdAt: new Date(now - 86_400_000).toISOString(),
    keyHash: 'f'.repeat(64), lastSeenAt: new Date(now - silentMs).toISOString(), latest: { id: `r${i}`, ts: new Date(now - silentMs).toISOString(), co2: 600, temperature: 21.5 },
    v: 3, et: new Date(now - silentMs).toISOString(), as: { active: {}, nextSeq: 0 }, pending: {},
  });
  const seedStart = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < devices + offline) {
      const items = [];
      for (let k = 0; k < 25 && next < devices + offline; k++, next++) items.push(item(next, next < devices ? 60_000 : 3_600_000));
      let request = { [tables.devices]: items.map((Item) => ({ PutRequest: { Item } })) };
      while (request && Object.keys(request).length > 0) request = (await db.send(new store.BatchWriteCommand({ RequestItems: request }))).UnprocessedItems;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  result.seedSeconds = round((performance.now() - seedStart) / 1000, 1);
  const published = [];
  const deps = {
    devices: new store.DynamoDeviceStore(db, tables.devices),
    alertStates: new store.DynamoAlertStateStore(db, tables.devices),
    alerts: new store.DynamoAlertStore(db, tables.alerts),
    notifier: { publish: async (n) => void published.push(n) },
    clock: { now: () => Date.now() },
    settings: store.parseSettings({}),
    log: { debug() {}, info() {}, warn() {}, error() {} },
    telemetry: { count() {}, measure() {}, series() {} },
    newAlertId: () => `al_${Math.random().toString(36).slice(2)}`,
    instanceId: 'bench',
  };
  const runs = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const report = await store.sweep(deps);
    runs.push({ ms: performance.now() - started, report });
  }
  const first = runs[0];
  const idle = runs.slice(1).map((r) => r.ms);
  const idleMs = idle.length ? median(idle) : first.ms;
  const perIdleBoardMs = idleMs / (devices + offline);
  result.firstRunMs = round(first.ms, 0);
  result.firstRunRaised = first.report.raised;
  result.idleRunMs = round(idleMs, 0);
  result.perIdleBoardMs = round(perIdleBoardMs, 4);
  result.perOfflineBoardMs = round(Math.max(0, first.ms - idleMs) / Math.max(1, offline), 2);
  // 1,000,000 boards: the scan's segments read in parallel (one invocation reading all of them, or one per invocation).
  const million = 1_000_000;
  result.extrapolated = {
    oneProcessSequentialSeconds: round((million * perIdleBoardMs) / 1000, 0),
    segments16Seconds: round((million * perIdleBoardMs) / 1000 / 16, 1),
    segments64Seconds: round((million * perIdleBoardMs) / 1000 / 64, 1),
  };
  base.destroy();
  await dyn.close();
} finally {
  removeDir(dir);
}
console.log(`sweep: ${devices} idle + ${offline} offline boards; first run ${result.firstRunMs} ms (raised ${result.firstRunRaised}), idle run ${result.idleRunMs} ms`);
console.log(`  ${result.perIdleBoardMs} ms per board with nothing due (embedded store, every segment in this one process), ${result.perOfflineBoardMs} ms per board raised`);
console.log(`  1,000,000 boards: ${result.extrapolated.oneProcessSequentialSeconds} s at this per-board cost read by one worker; ${result.extrapolated.segments16Seconds} s with 16 segments read in parallel, ${result.extrapolated.segments64Seconds} s with 64 (target: within 60 s)`);
const file = writeResult('sweep-scale', result);
console.log(`sweep-scale: results in ${file}`);
