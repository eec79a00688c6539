#!/usr/bin/env node
// Benchmark 4: fetching one board's history through the readings API.
//
// Seeds 60,480 readings of one board, one every 10 s over 7 days, into a
// fresh DATA_DIR: the newest --api-seed readings through POST /v1/readings in
// batches of 500 (the API's batch rate is reported), the rest, older,
// straight into the same embedded store with DynamoReadingStore.storeBatch
// (500 a call, as ingest writes them). Then, through the API of the local
// stack on that DATA_DIR, GET /v1/devices/{id}/readings?limit=1000 following
// nextCursor for the last 24 h (8,640 readings) and the 7 days (60,480),
// --repeats times each, alternating.
// Baseline, same run: the same 7 days written in the v1 layout (one item per
// reading + the byTime LSI, kept here only as a writer and its query) into a
// table of the same store, read with v1's query (LSI, 1,000 a page, strongly
// consistent) against the packed layout's readRange, alternating.
// Also printed: bytes stored per reading in both layouts, and the write units
// of a post of 30 readings into one bucket (bucket + device item).
// Quiet posts, measured (ReturnConsumedCapacity, as the store bills them):
// 20 boards sampling every 10 s, each at its own offset, post for an hour
// at the instants of policy.uploadPhaseSeconds (the readings stamped before
// each instant), then for another hour every 300 s at an arbitrary phase
// (a board that ignores the field), beside the unaligned average worked out
// from the item sizes. The aligned figure is what bench/cost.mjs prices.
//
//   node bench/query.mjs [--repeats 2] [--api-seed 1000]
import { join } from 'node:path';
import {
  ADMIN_TOKEN, createClient, median, normalReading, numFlag, parseFlags, removeDir, requireBuilt, round, snapshotDist, startStack, table, tempDir,
  writeResult,
} from './lib/common.mjs';
import { loadStore } from './lib/store.mjs';
import { itemSize, valueSize, wru } from './lib/ddb-size.mjs';

const flags = parseFlags();
const repeats = numFlag(flags, 'repeats', 2, 1, 20);
const TOTAL = 60_480;
const apiSeed = Math.floor(numFlag(flags, 'api-seed', 1000, 0, TOTAL) / 500) * 500;
const STEP_MS = 10_000;
requireBuilt(['dist/server/local.mjs']);
await snapshotDist(['server/local.mjs']);

const t0 = performance.now();
const dir = tempDir('query');
const dataDir = join(dir, 'data');
const deviceId = 'query-0';
const lastTs = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const firstTs = lastTs - (TOTAL - 1) * STEP_MS;
const readingAt = (i) => normalReading(0, i, firstTs + i * STEP_MS);
const result = { parameters: { repeats, totalReadings: TOTAL, apiSeed, stepSeconds: 10, limit: 1000 } };

try {
  // 1. The older readings straight into the store (dynalite started as the stack starts it).
  const store = await loadStore();
  const seedStart = performance.now();
  {
    const dyn = await store.startDynalite(dataDir);
    const { base, db } = store.createLocalClients(dyn.endpoint);
    const tables = store.tableNamesForPrefix('local');
    await store.ensureTables(base, tables);
    const direct = TOTAL - apiSeed;
    const receivedAt = new Date().toISOString();
    const readings = new store.DynamoReadingStore(db, tables.readings);
    for (let i = 0; i < direct; i += 500) {
      const batch = Array.from({ length: Math.min(500, direct - i) }, (_, j) => readingAt(i + j));
      const out = await readings.storeBatch(deviceId, batch, receivedAt, 90);
      if (out.stored.length !== batch.length) throw new Error('seed: not all stored');
    }
    base.destroy();
    await dyn.close();
    result.directSeed = { readings: direct, seconds: round((performance.now() - seedStart) / 1000, 1) };
    result.directSeed.readingsPerSecond = round(direct / result.directSeed.seconds, 0);
  }

  // 1b. The v1 layout as baseline, in the same store: write 7 days, then read them both ways, alternating.
  {
    const dyn = await store.startDynalite(dataDir);
    const { base, db } = store.createLocalClients(dyn.endpoint);
    const tables = store.tableNamesForPrefix('local');
    const legacy = 'local-readings-v1';
    await base.send(new store.CreateTableCommand({
      TableName: legacy, BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'deviceId', KeyType: 'HASH' }, { AttributeName: 'readingKey', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'deviceId', AttributeType: 'S' }, { AttributeName: 'readingKey', AttributeType: 'S' }, { AttributeName: 'timeKey', AttributeType: 'S' }],
      LocalSecondaryIndexes: [{ IndexName: 'byTime', KeySchema: [{ AttributeName: 'deviceId', KeyType: 'HASH' }, { AttributeName: 'timeKey', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
    }));
    const receivedAt = new Date().toISOString();
    const legacyItem = (r) => ({ ...r, deviceId, readingKey: store.readingKey(r), timeKey: store.timeKey(r), receivedAt, expiresAt: Math.floor(Date.parse(r.ts) / 1000) + 90 * 86_400 });
    const legacyStart = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < TOTAL) {
        const items = [];
        for (let i = 0; i < 25 && next < TOTAL; i++) items.push(legacyItem(readingAt(next++)));
        let request = { [legacy]: items.map((Item) => ({ PutRequest: { Item } })) };
        while (request && Object.keys(request).length > 0) request = (await db.send(new store.BatchWriteCommand({ RequestItems: request }))).UnprocessedItems;
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const legacySeedSeconds = (performance.now() - legacyStart) / 1000;
    const from = new Date(firstTs).toISOString();
    const to = new Date(lastTs + 1).toISOString();
    const v1Read = async () => {
      let n = 0;
      let start;
      do {
        const out = await db.send(new store.QueryCommand({
          TableName: legacy, IndexName: 'byTime', ConsistentRead: true, Limit: 1001, ExclusiveStartKey: start,
          KeyConditionExpression: 'deviceId = :d AND timeKey BETWEEN :f AND :t', ExpressionAttributeValues: { ':d': deviceId, ':f': from, ':t': to },
        }));
        n += (out.Items ?? []).length;
        start = out.LastEvaluatedKey;
      } while (start);
      return n;
    };
    const readings = new store.DynamoReadingStore(db, tables.readings);
    const v2Read = async () => {
      let n = 0;
      for await (const _ of readings.readRange(deviceId, from, to)) n++;
      return n;
    };
    const times = { v1: [], v2: [] };
    for (let i = 0; i < repeats; i++) {
      for (const name of i % 2 === 0 ? ['v1', 'v2'] : ['v2', 'v1']) {
        const started = performance.now();
        const n = await (name === 'v1' ? v1Read() : v2Read());
        times[name].push(performance.now() - started);
        if (n < TOTAL - apiSeed) throw new Error(`${name}: ${n} readings`);
      }
    }
    // Bytes kept per reading: item bytes + 100 bytes of overhead per item (DynamoDB's storage rule); v1 twice (the LSI copy).
    const scanAll = async (TableName) => {
      const items = [];
      let start;
      do {
        const out = await db.send(new store.ScanCommand({ TableName, ExclusiveStartKey: start }));
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    };
    // Bucket items only: the seed is a backlog (received now), so each of its hours also has a roll-up stub (key h<hour>, no '#').
    const buckets = (await scanAll(tables.readings)).filter((i) => i.deviceId === deviceId && String(i.bucket).includes('#'));
    const packedReadings = buckets.reduce((n, b) => n + Object.keys(b).filter((k) => k.startsWith('id#') || k.startsWith('ts#')).length, 0);
    const packedBytes = buckets.reduce((n, b) => n + itemSize(b) + 100, 0);
    const v1Sample = legacyItem(readingAt(0));
    const fullBucket = buckets.map((b) => itemSize(b)).sort((a, b) => a - b)[Math.floor(buckets.length / 2)];
    // A quiet board posts every 300 s, a bucket spans 300 s, and the two are not aligned (the bucket's
    // phase comes from the device id): a post of 30 readings usually ends one bucket (its update is
    // billed on the whole item after it, DynamoDB's rule) and starts the next. Averaged over the 30
    // places the boundary can fall, from the measured bytes of a bucket's attributes.
    const sample = buckets.find((b) => itemSize(b) === fullBucket) ?? buckets[0];
    const readingNames = Object.keys(sample).filter((k) => k.startsWith('id#') || k.startsWith('ts#'));
    const readingBytes = readingNames.reduce((n, k) => n + Buffer.byteLength(k) + valueSize(sample[k]), 0) / readingNames.length;
    const bucketOverhead = itemSize(sample) - readingBytes * readingNames.length;
    const straddle = Array.from({ length: 30 }, (_, j) => (j > 0 ? wru(bucketOverhead + 30 * readingBytes) : 0) + wru(bucketOverhead + (30 - j) * readingBytes));
    const bucketWru300s = straddle.reduce((a, b) => a + b, 0) / straddle.length;
    result.layout = {
      v1SeedSeconds: round(legacySeedSeconds, 1),
      v1ReadMedianMs: round(median(times.v1), 0),
      v2ReadMedianMs: round(median(times.v2), 0),
      speedup: round(median(times.v1) / median(times.v2), 2),
      bytesPerReading: { v2: round(packedBytes / packedReadings, 1), v1: 2 * (itemSize(v1Sample) + 100) },
      fullBucketBytes: fullBucket,
      bucketWru30: wru(fullBucket),
      bucketWruPost300sAverage: round(bucketWru300s, 2),
    };
    base.destroy();
    await dyn.close();
  }

  // 1c. Quiet posts as boards make them, aligned and not, their bucket writes counted as the store bills them.
  {
    const dyn = await store.startDynalite(dataDir);
    const { base, db } = store.createLocalClients(dyn.endpoint);
    const tables = store.tableNamesForPrefix('local');
    let units = 0;
    let writes = 0;
    db.middlewareStack.add((next) => async (args) => {
      if (!args.input.UpdateExpression) return next(args);
      args.input.ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      units += out.output.ConsumedCapacity?.CapacityUnits ?? Number.NaN;
      writes++;
      return out;
    }, { step: 'initialize' });
    const readings = new store.DynamoReadingStore(db, tables.readings);
    const INTERVAL_MS = 300_000;
    const BOARDS = 20;
    const POSTS = 12;
    const quiet = { aligned: { posts: 0, units: 0, writes: 0, twoItemPosts: 0 }, unaligned: { posts: 0, units: 0, writes: 0, twoItemPosts: 0 } };
    for (let b = 0; b < BOARDS; b++) {
      const id = `quiet-${b}`;
      const phaseMs = readings.uploadPhaseSeconds(id, INTERVAL_MS / 1000) * 1000;
      // Its own sampling offset in the 10-s step (ms, spread evenly over the boards) and, unaligned, its own posting phase.
      const offsetMs = Math.floor(((b + 0.5) * STEP_MS) / BOARDS) + (b * 37) % 10;
      const wrongPhaseMs = (phaseMs + 7_000 + Math.floor(((b + 0.5) * INTERVAL_MS) / BOARDS)) % INTERVAL_MS;
      for (const [kind, phase, startMs] of [['aligned', phaseMs, firstTs - 8 * 3_600_000], ['unaligned', wrongPhaseMs, firstTs - 4 * 3_600_000]]) {
        const first = startMs - ((((startMs - phase) % INTERVAL_MS) + INTERVAL_MS) % INTERVAL_MS);
        for (let k = 0; k < POSTS; k++) {
          const from = first + k * INTERVAL_MS;
          // What the agent sends at this instant: the readings stamped since the last one.
          const post = Array.from({ length: INTERVAL_MS / STEP_MS }, (_, i) => normalReading(b + 1, k * 30 + i + (kind === 'aligned' ? 0 : 100_000), from + offsetMs + i * STEP_MS));
          const before = { units, writes };
          const out = await readings.storeBatch(id, post, new Date(from + INTERVAL_MS + 2_000).toISOString(), 90);
          if (out.stored.length !== post.length) throw new Error('quiet post: not all stored');
          const q = quiet[kind];
          q.posts++;
          q.units += units - before.units;
          q.writes += writes - before.writes;
          if (writes - before.writes > 1) q.twoItemPosts++;
        }
      }
    }
    base.destroy();
    await dyn.close();
    result.quietPosts = Object.fromEntries(Object.entries(quiet).map(([k, q]) => [k, {
      posts: q.posts, bucketWruPerPost: round(q.units / q.posts, 2), bucketItemsPerPost: round(q.writes / q.posts, 2), postsWritingTwoItems: q.twoItemPosts,
    }]));
  }

  // 2. The local stack on that DATA_DIR: the newest readings through the API, then the queries.
  const stack = await startStack(dataDir);
  const client = createClient(stack.url, 4);
  try {
    const key = await client.registerDevice(deviceId);
    const apiStart = performance.now();
    const postMs = [];
    for (let i = TOTAL - apiSeed; i < TOTAL; i += 500) {
      const readings = Array.from({ length: 500 }, (_, j) => readingAt(i + j));
      const r = await client.request('POST', '/v1/readings', { token: key, body: { deviceId, readings } });
      if (r.status !== 200 || r.body.accepted !== 500) throw new Error(`seed post: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      postMs.push(r.ms);
    }
    if (apiSeed > 0) {
      const s = (performance.now() - apiStart) / 1000;
      result.apiSeed = { readings: apiSeed, posts: postMs.length, seconds: round(s, 1), readingsPerSecond: round(apiSeed / s, 0), postMsMedian: round(median(postMs), 0) };
      result.apiSeed.projectedSecondsForAll = round(TOTAL / result.apiSeed.readingsPerSecond, 0);
    }

    const iso = (ms) => new Date(ms).toISOString();
    const ranges = {
      '24h': { from: iso(lastTs - 24 * 3_600_000 + STEP_MS), to: iso(lastTs + 1), expected: 8_640 },
      '7d': { from: iso(firstTs), to: iso(lastTs + 1), expected: TOTAL },
    };
    const fetchAll = async ({ from, to }) => {
      const started = performance.now();
      let cursor;
      let items = 0;
      let pages = 0;
      let bytes = 0;
      const pageMs = [];
      do {
        const q = new URLSearchParams({ from, to, limit: '1000', ...(cursor ? { cursor } : {}) });
        const r = await client.request('GET', `/v1/devices/${deviceId}/readings?${q}`, { token: ADMIN_TOKEN });
        if (r.status !== 200) throw new Error(`readings: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        items += r.body.items.length;
        bytes += JSON.stringify(r.body).length;
        pages++;
        pageMs.push(r.ms);
        cursor = r.body.nextCursor;
      } while (cursor && pages < 200);
      return { ms: performance.now() - started, items, pages, bytes, pageMsMedian: median(pageMs) };
    };
    const samples = { '24h': [], '7d': [] };
    for (let i = 0; i < repeats; i++) {
      for (const name of i % 2 === 0 ? ['24h', '7d'] : ['7d', '24h']) {
        const r = await fetchAll(ranges[name]);
        if (r.items !== ranges[name].expected) throw new Error(`${name}: ${r.items} readings, expected ${ranges[name].expected}`);
        samples[name].push(r);
      }
    }
    result.ranges = {};
    for (const [name, runs] of Object.entries(samples)) {
      const ms = runs.map((r) => r.ms);
      result.ranges[name] = {
        readings: runs[0].items,
        pages: runs[0].pages,
        responseBytes: runs[0].bytes,
        firstMs: round(ms[0], 0),
        medianMs: round(median(ms), 0),
        minMs: round(Math.min(...ms), 0),
        pageMsMedian: round(median(runs.map((r) => r.pageMsMedian)), 1),
        readingsPerSecond: round(runs[0].items / (median(ms) / 1000), 0),
      };
    }
    result.ratio7dOver24h = round(result.ranges['7d'].medianMs / result.ranges['24h'].medianMs, 2);
  } finally {
    client.close();
    await stack.stop();
  }
  // The device item after the API's posts: its write units per post.
  {
    const dyn = await store.startDynalite(dataDir);
    const { base, db } = store.createLocalClients(dyn.endpoint);
    const tables = store.tableNamesForPrefix('local');
    const item = (await db.send(new store.GetCommand({ TableName: tables.devices, Key: { deviceId, sk: 'device' } }))).Item;
    result.layout.deviceItemBytes = item ? itemSize(item) : null;
    result.layout.deviceWru = item ? wru(itemSize(item)) : null;
    result.layout.writeUnitsPost30 = result.layout.bucketWru30 + (result.layout.deviceWru ?? 1);
    result.layout.writeUnitsPost300sAverage = round(result.layout.bucketWruPost300sAverage + (result.layout.deviceWru ?? 1), 2);
    for (const q of Object.values(result.quietPosts)) q.writeUnitsPerPost = round(q.bucketWruPerPost + (result.layout.deviceWru ?? 1), 2);
    base.destroy();
    await dyn.close();
  }
} finally {
  removeDir(dir);
}

const rows = [['range', 'readings', 'pages', 'MiB', 'median ms', 'first ms', 'ms/page', 'readings/s']];
for (const [name, r] of Object.entries(result.ranges)) rows.push([name, r.readings, r.pages, round(r.responseBytes / 2 ** 20, 1), r.medianMs, r.firstMs, r.pageMsMedian, r.readingsPerSecond]);
console.log(`\n${table(rows)}\n`);
console.log(`7d/24h time ratio ${result.ratio7dOver24h} (readings ratio 7.0)`);
const L = result.layout;
console.log(`7 days from the store: packed layout ${L.v2ReadMedianMs} ms, v1 layout (LSI, item per reading) ${L.v1ReadMedianMs} ms: ${L.speedup}x (target >= 3x)`);
console.log(`bytes stored per reading: ${L.bytesPerReading.v2} (v1: ${L.bytesPerReading.v1}); a post of 30 readings into one bucket: ${L.bucketWru30} WRU bucket (${L.fullBucketBytes} B) + ${L.deviceWru} WRU device item (${L.deviceItemBytes} B) = ${L.writeUnitsPost30} WRU, 1 read (target <= 3 WRU)`);
const Q = result.quietPosts;
console.log(`a quiet board's post every 300 s (30 readings, buckets not aligned with the uploads): ${L.bucketWruPost300sAverage} WRU of buckets on average + ${L.deviceWru} device = ${L.writeUnitsPost300sAverage} WRU (from the item sizes)`);
console.log(`quiet posts measured (consumed capacity, ${Q.aligned.posts} posts each): aligned with policy.uploadPhaseSeconds ${Q.aligned.writeUnitsPerPost} WRU a post (${Q.aligned.bucketWruPerPost} bucket + ${L.deviceWru} device; ${Q.aligned.bucketItemsPerPost} bucket items, ${Q.aligned.postsWritingTwoItems} posts wrote two) (what bench/cost.mjs prices); unaligned ${Q.unaligned.writeUnitsPerPost} WRU (${Q.unaligned.bucketItemsPerPost} items, ${Q.unaligned.postsWritingTwoItems} wrote two) (target 3)`);
if (result.apiSeed) console.log(`seed: ${result.apiSeed.readings} through the API at ${result.apiSeed.readingsPerSecond} readings/s (batches of 500, ${result.apiSeed.postMsMedian} ms a post), ${result.directSeed.readings} direct at ${result.directSeed.readingsPerSecond}/s`);
// What bench/cost.mjs reads instead of its assumptions (measured here).
result.costInputs = {
  readingsPerPost: 30, writeUnitsPerPost: Q.aligned.writeUnitsPerPost, readUnitsPerPost: 1, bytesStoredPerReading: L.bytesPerReading.v2,
  // A board that ignores policy.uploadPhaseSeconds (an older agent): bench/cost.mjs prices it beside.
  writeUnitsPerPostUnaligned: L.writeUnitsPost300sAverage,
};
const file = writeResult('query', { ...result, totalSeconds: round((performance.now() - t0) / 1000, 1) });
console.log(`query: results in ${file}`);
