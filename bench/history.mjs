#!/usr/bin/env node
// Benchmark: history at chart and report scale (issue 16).
//
// (a) A 7-day chart of one board (60,480 readings, one every 10 s): through
//     GET /v1/devices/{id}/aggregates?step=900 (672 buckets, the dashboard's
//     step for 7 days: 300 s would be 2,016 buckets, over the 2,000 limit)
//     against the same range through GET .../readings pages of 1,000,
//     alternating, --repeats times each, in the same run: the ratio is printed
//     (target >= 10x). The first aggregates read is cold (the seed's readings
//     all arrived "late", so every hour's roll-up is a dirty stub: this read
//     rebuilds them from the buckets); the alternating reads after it are
//     warm (the hourly roll-ups are read). Both are printed against the raw
//     pages.
// (b) GET /v1/reports/air-quality over --days (30) for --boards boards at the
//     boards' own rate, one reading every --interval (10) seconds: the time
//     through the local stack, and the read units it costs, counted
//     in-process: the same use case over the same store, every Query's items
//     sized as DynamoDB bills them (bench/lib/ddb-size.mjs), 1 RRU per 4 KB
//     per call, strongly consistent as the store reads. Seeding costs one
//     UpdateItem per board and 5-minute bucket (8,640 a board-month, about
//     300/s in dynalite here), so 100 boards (864,000) would take most of an
//     hour: by default 2 boards are measured and the 100-board figures are
//     those per board times 100 (each board is read on its own: the work is
//     linear in boards). --boards 100 measures it whole.
// Seeding goes straight into the embedded store with DynamoReadingStore.storeBatch
// (as ingest writes). The report's range ends where the chart's 7 days start,
// so the chart board adds nothing to it.
//
//   node bench/history.mjs [--boards 2] [--days 30] [--interval 10] [--repeats 3]
import { join } from 'node:path';
import { ADMIN_TOKEN, bundle, cacheDir, createClient, median, normalReading, numFlag, parseFlags, removeDir, requireBuilt, round, snapshotDist, startStack, table, tempDir, writeResult } from './lib/common.mjs';
import { createDevice, loadStore } from './lib/store.mjs';
import { itemSize, rruStrong } from './lib/ddb-size.mjs';
import { pathToFileURL } from 'node:url';

const flags = parseFlags();
const boards = numFlag(flags, 'boards', 2, 1, 1000);
const days = numFlag(flags, 'days', 30, 1, 366);
const interval = numFlag(flags, 'interval', 10, 10, 3600);
const repeats = numFlag(flags, 'repeats', 3, 1, 20);
requireBuilt(['dist/server/local.mjs']);
await snapshotDist(['server/local.mjs']);

const t0 = performance.now();
const dir = tempDir('history');
const dataDir = join(dir, 'data');
const DAY = 86_400_000;
const end = Math.floor(Date.now() / 300_000) * 300_000 - 300_000;
const chart = { deviceId: 'chart-0', from: end - 7 * DAY, to: end, step: 10_000 };
const report = { from: chart.from - days * DAY, to: chart.from };
const result = { parameters: { boards, days, intervalSeconds: interval, repeats, chartReadings: 7 * DAY / chart.step } };

const seedBoard = async (readings, deviceId, board, fromMs, toMs, stepMs) => {
  const receivedAt = new Date().toISOString();
  let batch = [];
  let n = 0;
  for (let ts = fromMs, seq = 0; ts < toMs; ts += stepMs, seq++) {
    const r = normalReading(board, seq, ts);
    // Some rooms get stuffy in class hours, so that hours above and ICONE are not all zero.
    if (board % 3 === 1 && new Date(ts).getUTCHours() >= 8 && new Date(ts).getUTCHours() < 16) r.co2 += 700 + (seq % 40) * 20;
    batch.push(r);
    if (batch.length === 500) {
      await readings.storeBatch(deviceId, batch, receivedAt, 400);
      n += batch.length;
      batch = [];
    }
  }
  if (batch.length) await readings.storeBatch(deviceId, batch, receivedAt, 400);
  return n + batch.length;
};

try {
  const store = await loadStore();
  const lib = await import(pathToFileURL(await bundle(join('bench', 'lib', 'report.entry.mjs'), join(cacheDir, 'report.mjs'))).href);
  // 1. Seed, then count the report's read units in-process.
  {
    const dyn = await store.startDynalite(dataDir);
    const { base, db } = store.createLocalClients(dyn.endpoint);
    const tables = store.tableNamesForPrefix('local');
    await store.ensureTables(base, tables);
    const readings = new store.DynamoReadingStore(db, tables.readings);
    const seedStart = performance.now();
    await createDevice(store, db, tables, chart.deviceId);
    let seeded = await seedBoard(readings, chart.deviceId, 0, chart.from, chart.to, chart.step);
    const ids = Array.from({ length: boards }, (_, i) => `room-${String(i).padStart(3, '0')}`);
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < ids.length) {
        const i = next++;
        await createDevice(store, db, tables, ids[i]);
        seeded += await seedBoard(readings, ids[i], i + 1, report.from, report.to, interval * 1000);
      }
    }));
    const seedSeconds = (performance.now() - seedStart) / 1000;
    result.seed = { readings: seeded, seconds: round(seedSeconds, 1), readingsPerSecond: round(seeded / seedSeconds, 0) };
    console.log(`seeded ${seeded} readings in ${result.seed.seconds} s`);

    // Every store call of the report, sized: a Query's RRU is its items' bytes rounded up to 4 KB, per call.
    const calls = { queries: 0, items: 0, bytes: 0, rru: 0 };
    const counting = {
      send: async (command) => {
        const out = await db.send(command);
        if (Array.isArray(out.Items)) {
          const bytes = out.Items.reduce((n, item) => n + itemSize(item), 0);
          calls.queries++;
          calls.items += out.Items.length;
          calls.bytes += bytes;
          calls.rru += rruStrong(bytes);
        }
        return out;
      },
    };
    const deps = { devices: new lib.DynamoDeviceStore(counting, tables.devices), readings: new lib.DynamoReadingStore(counting, tables.readings), settings: lib.parseSettings({}) };
    const started = performance.now();
    const answer = await lib.airQualityReport(deps, { from: new Date(report.from).toISOString(), to: new Date(report.to).toISOString() });
    result.reportInProcess = {
      ms: round(performance.now() - started, 0),
      rooms: answer.items.length,
      readings: answer.items.reduce((n, i) => n + i.readings, 0),
      ...calls,
      rruPerBoard: round(calls.rru / boards, 1),
      rruPer100Boards: round((calls.rru / boards) * 100, 0),
      msPer100Boards: round(((performance.now() - started) / boards) * 100, 0),
      sample: answer.items.slice(0, 3).map((i) => ({ deviceId: i.deviceId, coverage: round(i.coverage, 3), co2: i.co2, icone: i.icone })),
    };
    base.destroy();
    await dyn.close();
  }

  // 2. Through the local stack: the chart both ways, alternating, then the report.
  const stack = await startStack(dataDir);
  const client = createClient(stack.url, 4);
  try {
    const iso = (ms) => new Date(ms).toISOString();
    const viaAggregates = async () => {
      const r = await client.request('GET', `/v1/devices/${chart.deviceId}/aggregates?from=${iso(chart.from)}&to=${iso(chart.to)}&step=900`, { token: ADMIN_TOKEN });
      if (r.status !== 200) throw new Error(`aggregates: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      return { readings: r.body.items.reduce((n, b) => n + b.count, 0), points: r.body.items.length, bytes: JSON.stringify(r.body).length, calls: 1 };
    };
    const viaReadings = async () => {
      let cursor;
      let readings = 0;
      let bytes = 0;
      let calls = 0;
      do {
        const q = new URLSearchParams({ from: iso(chart.from), to: iso(chart.to), limit: '1000', ...(cursor ? { cursor } : {}) });
        const r = await client.request('GET', `/v1/devices/${chart.deviceId}/readings?${q}`, { token: ADMIN_TOKEN });
        if (r.status !== 200) throw new Error(`readings: ${r.status}`);
        readings += r.body.items.length;
        bytes += JSON.stringify(r.body).length;
        calls++;
        cursor = r.body.nextCursor;
      } while (cursor);
      return { readings, points: readings, bytes, calls };
    };
    const runs = { aggregates: [], readings: [] };
    const coldStarted = performance.now();
    const cold = await viaAggregates();
    cold.ms = performance.now() - coldStarted;
    if (cold.readings !== result.parameters.chartReadings) throw new Error(`cold aggregates: ${cold.readings} readings, expected ${result.parameters.chartReadings}`);
    for (let i = 0; i < repeats; i++) {
      for (const name of i % 2 === 0 ? ['readings', 'aggregates'] : ['aggregates', 'readings']) {
        const started = performance.now();
        const r = await (name === 'aggregates' ? viaAggregates() : viaReadings());
        r.ms = performance.now() - started;
        if (r.readings !== result.parameters.chartReadings) throw new Error(`${name}: ${r.readings} readings, expected ${result.parameters.chartReadings}`);
        runs[name].push(r);
      }
    }
    const summary = (list) => ({ medianMs: round(median(list.map((r) => r.ms)), 0), requests: list[0].calls, points: list[0].points, responseBytes: list[0].bytes });
    result.chart7d = { aggregatesCold: { ...summary([cold]), medianMs: round(cold.ms, 0) }, aggregates: summary(runs.aggregates), readings: summary(runs.readings) };
    result.chart7d.speedup = round(result.chart7d.readings.medianMs / result.chart7d.aggregates.medianMs, 1);
    result.chart7d.speedupCold = round(result.chart7d.readings.medianMs / result.chart7d.aggregatesCold.medianMs, 1);

    const reportMs = [];
    for (let i = 0; i < Math.min(repeats, 2); i++) {
      const started = performance.now();
      const r = await client.request('GET', `/v1/reports/air-quality?from=${iso(report.from)}&to=${iso(report.to)}`, { token: ADMIN_TOKEN });
      if (r.status !== 200 || r.body.items.length !== boards + 1) throw new Error(`report: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      reportMs.push(performance.now() - started);
    }
    result.reportHttp = { medianMs: round(median(reportMs), 0), runs: reportMs.map((m) => round(m, 0)), msPerBoard: round(median(reportMs) / boards, 0) };
    // One room, as the dashboard asks for it (the largest request of a large fleet's report).
    const started = performance.now();
    const one = await client.request('GET', `/v1/reports/air-quality?from=${iso(report.from)}&to=${iso(report.to)}&deviceId=room-000`, { token: ADMIN_TOKEN });
    if (one.status !== 200) throw new Error(`report of one room: ${one.status}`);
    result.reportHttp.oneRoomMs = round(performance.now() - started, 0);
  } finally {
    client.close();
    await stack.stop();
  }
} finally {
  removeDir(dir);
}

const c = result.chart7d;
console.log(`\n${table([
  ['7-day chart of one board (step 900 s)', 'requests', 'points', 'KiB', 'median ms'],
  ['aggregates, cold (roll-ups built)', c.aggregatesCold.requests, c.aggregatesCold.points, round(c.aggregatesCold.responseBytes / 1024, 0), c.aggregatesCold.medianMs],
  ['aggregates, warm (roll-ups read)', c.aggregates.requests, c.aggregates.points, round(c.aggregates.responseBytes / 1024, 0), c.aggregates.medianMs],
  ['raw readings pages', c.readings.requests, c.readings.points, round(c.readings.responseBytes / 1024, 0), c.readings.medianMs],
])}\n`);
console.log(`7-day chart through aggregates vs raw readings pages: warm ${c.speedup}x faster (target >= 10x), cold (first read, roll-ups being built) ${c.speedupCold}x`);
const R = result.reportInProcess;
console.log(`${days}-day report, ${boards} boards, a reading every ${interval} s: ${result.reportHttp.medianMs} ms through the API (one room ${result.reportHttp.oneRoomMs} ms; in-process ${R.ms} ms), ${R.readings} readings, ${R.queries} queries, ${round(R.bytes / 2 ** 20, 1)} MiB read = ${R.rru} RRU (${R.rruPerBoard} a board)`);
console.log(`${days}-day report of 100 boards (${boards === 100 ? 'measured' : `${boards} measured, x ${round(100 / boards, 1)}`}): ${round((result.reportHttp.msPerBoard * 100) / 1000, 0)} s through the API, ${R.rruPer100Boards} RRU`);
const file = writeResult('history', { ...result, totalSeconds: round((performance.now() - t0) / 1000, 1) });
console.log(`history: results in ${file}`);
