#!/usr/bin/env node
// Benchmark 2: Lambda cold start proxies, lean bundles vs the old layout.
//
// For each built zip (dist/lambda/{api,ingest,sweep}.zip; web.zip, the dashboard, by size only): zipped and unzipped
// size; then, in a fresh Node process per run (bench/lib/coldstart-child.mjs),
// the time to import the bundle as ESM and the handler's first and second
// (warm) invocation against dynalite on 127.0.0.1 (AWS_ENDPOINT_URL_DYNAMODB,
// dummy credentials in the environment, as Lambda gives them). Side by side,
// the baseline: the same handlers built as before the lean bundles (source map
// inside the zip, the SSM and SNS clients and the SDK's whole default
// credential chain in every function: bench/lib/baseline-clients.mjs), from
// bench/.cache. Runs alternate between the two variants, so machine load hits
// both alike; medians of --runs.
// Last, the sweep's time per device (a warm sweep over --sweep-devices boards).
//
//   node bench/coldstart.mjs [--runs 15] [--sweep-devices 300]
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { lambdas, selfContained, writeZip } from '../build.mjs';
import { cacheDir, median, numFlag, parseFlags, percentile, removeDir, requireBuilt, root, round, snapshotDist, table, tempDir, writeResult } from './lib/common.mjs';
import { itemSize } from './lib/ddb-size.mjs';
import { createDevice, loadStore } from './lib/store.mjs';

const flags = parseFlags();
const runs = numFlag(flags, 'runs', 15, 1, 200);
const sweepDevices = numFlag(flags, 'sweep-devices', 300, 1, 5000);
const names = ['api', 'ingest', 'sweep'];
requireBuilt(names.map((n) => `dist/lambda/${n}.zip`).concat(['dist/web/assets.json']));
const dist = await snapshotDist([...names.map((n) => `lambda/${n}`), 'web/assets.json']);

// --- sizes ------------------------------------------------------------------

const dirSize = (dir) => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
/** Uncompressed size of the entries of a zip, from its central directory. */
function zipEntries(zipPath) {
  const buf = readFileSync(zipPath);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let off = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const nameLen = buf.readUInt16LE(off + 28);
    const extraLen = buf.readUInt16LE(off + 30);
    const commentLen = buf.readUInt16LE(off + 32);
    entries.push({ name: buf.toString('utf8', off + 46, off + 46 + nameLen), compressed: buf.readUInt32LE(off + 20), size: buf.readUInt32LE(off + 24) });
    off += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

// --- the baseline: the old layout, rebuilt from today's sources ------------------

const variantDir = join(cacheDir, 'coldstart-baseline');
removeDir(variantDir);
function embedWebAssets() {
  // As build.mjs: src/web/assets.ts becomes the manifest of dist/web itself.
  const source = join(root, 'src', 'web', 'assets.ts');
  return {
    name: 'embed-web-assets',
    setup(b) {
      b.onLoad({ filter: /[\\/]web[\\/]assets\.ts$/ }, (args) => {
        if (args.path !== source) return undefined;
        return { contents: `export function loadWebAssets() { return ${readFileSync(join(dist, 'web/assets.json'), 'utf8')}; }\n`, loader: 'js' };
      });
    },
  };
}
const sizes = {};
for (const name of names) {
  const outdir = join(variantDir, name);
  const entry = join(variantDir, `${name}-entry.mjs`);
  mkdirSync(variantDir, { recursive: true });
  writeFileSync(entry, `import ${JSON.stringify(join(root, 'bench/lib/baseline-clients.mjs'))};\nexport * from ${JSON.stringify(join(root, lambdas[name]))};\n`);
  await build({
    ...selfContained(),
    absWorkingDir: root,
    // Not lambdaBuildOptions(): no environment-only credentials, map written for the zip, every client injected.
    plugins: [embedWebAssets()],
    sourcemap: 'external',
    entryPoints: [entry],
    outfile: join(outdir, 'index.mjs'),
  });
  const baselineZip = join(variantDir, `${name}.zip`);
  await writeZip(outdir, baselineZip, readdirSync(outdir).sort());
  const zipPath = join(dist, 'lambda', `${name}.zip`);
  const zipped = zipEntries(zipPath);
  sizes[name] = {
    lean: {
      zipBytes: statSync(zipPath).size,
      unzippedBytes: zipped.reduce((n, e) => n + e.size, 0),
      indexMjsBytes: statSync(join(dist, 'lambda', name, 'index.mjs')).size,
      mapBesideBytes: statSync(join(dist, 'lambda', name, 'index.mjs.map')).size,
      entries: zipped.map((e) => e.name),
    },
    baseline: {
      zipBytes: statSync(baselineZip).size,
      unzippedBytes: dirSize(outdir),
      indexMjsBytes: statSync(join(outdir, 'index.mjs')).size,
      entries: zipEntries(baselineZip).map((e) => e.name),
    },
  };
}
const sdkVersion = JSON.parse(readFileSync(join(root, 'node_modules/@aws-sdk/client-dynamodb/package.json'), 'utf8')).version;

// --- the store the handlers talk to -----------------------------------------------

const store = await loadStore();
const dataDir = tempDir('coldstart');
const dyn = await store.startDynalite(dataDir);
const { base, db } = store.createLocalClients(dyn.endpoint);
const tables = store.tableNamesForPrefix('bench');
await store.ensureTables(base, tables);
const deviceId = 'cold-0';
const key = await createDevice(store, db, tables, deviceId);

// Children get no AWS_* from this environment: only dummy credentials and loopback endpoints.
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
Object.assign(childEnv, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL_DYNAMODB: dyn.endpoint,
  AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:9', // nothing listens: no notification is expected here
  AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:9',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  READINGS_TABLE: tables.readings,
  DEVICES_TABLE: tables.devices,
  ALERTS_TABLE: tables.alerts,
  ADMIN_TOKEN_PARAMETER: '/bench/admin-token',
  ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:bench-alerts',
  PUBLIC_READ: 'true',
});

let tsCursor = Date.now() - 6 * 3_600_000; // readings 10 s apart, like a board
const reading = () => {
  tsCursor += 10_000;
  const n = Math.floor(tsCursor / 10_000);
  return { id: `01JDX3V8R6${String(tsCursor).padStart(16, '0')}`, ts: new Date(tsCursor).toISOString(), co2: 600 + (n % 50), temperature: (210 + (n % 7)) / 10, humidity: 41.5, smoke: 0.031, flame: false };
};
const httpEvent = (method, path, { query, body, token } = {}) => ({
  version: '2.0', routeKey: '$default', rawPath: path, rawQueryString: query ? new URLSearchParams(query).toString() : '',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), 'user-agent': 'bench' },
  ...(query ? { queryStringParameters: query } : {}),
  requestContext: {
    accountId: '000000000000', apiId: 'bench', domainName: 'bench.local', domainPrefix: 'bench',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
    requestId: `r-${Math.random().toString(36).slice(2)}`, routeKey: '$default', stage: '$default', time: new Date().toISOString(), timeEpoch: Date.now(),
  },
  isBase64Encoded: false,
  ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
});
const events = {
  // first: a post of 1 reading; warm: a post of 6 (one reading every 10 s, posted once a minute)
  ingest: () => ({
    first: httpEvent('POST', '/v1/readings', { token: key, body: { deviceId, readings: [reading()] } }),
    second: httpEvent('POST', '/v1/readings', { token: key, body: { deviceId, readings: Array.from({ length: 6 }, reading) } }),
  }),
  api: () => ({ first: httpEvent('GET', `/v1/devices/${deviceId}/readings`, { query: { limit: '100' } }) }),
  sweep: () => ({ first: {} }),
};
const expected = { ingest: 200, api: 200, sweep: null };

function child(bundlePath, ev, env = childEnv) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [join(root, 'bench/lib/coldstart-child.mjs'), bundlePath, JSON.stringify(ev)], { cwd: cacheDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => c.kill('SIGKILL'), 60_000);
    c.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      if (code !== 0 || !line) return reject(new Error(`cold start child ${relative(root, bundlePath)} exited ${code}:\n${err.slice(0, 2000)}`));
      resolve(JSON.parse(line));
    });
  });
}

const bundles = {
  lean: (n) => join(dist, 'lambda', n, 'index.mjs'),
  baseline: (n) => join(variantDir, n, 'index.mjs'),
};
const samples = {};
for (const n of names) samples[n] = { lean: [], baseline: [] };
const t0 = performance.now();
for (let i = 0; i < runs; i++) {
  for (const n of names) {
    for (const variant of i % 2 === 0 ? ['lean', 'baseline'] : ['baseline', 'lean']) {
      const r = await child(bundles[variant](n), events[n]());
      if (r.status1 !== expected[n] || (r.status2 !== null && r.status2 !== expected[n])) {
        throw new Error(`${n} (${variant}) answered ${r.status1}/${r.status2}: ${r.body1}`);
      }
      samples[n][variant].push(r);
    }
  }
  process.stdout.write(`\rcoldstart: run ${i + 1}/${runs}`);
}
process.stdout.write('\n');

// Log bytes of a warm post of 6 readings with DEVICE_SERIES=metrics (one EMF line per board and
// measurement) and off (no per-reading output): what the cost model scales by readings per post.
const seriesSamples = { metrics: [], off: [] };
for (let i = 0; i < 3; i++) {
  for (const mode of ['metrics', 'off']) seriesSamples[mode].push(await child(bundles.lean('ingest'), events.ingest(), { ...childEnv, DEVICE_SERIES: mode }));
}

// The device partition after these posts (alert state with a full heat history): item sizes for the cost model.
const partition = await db.send(new store.QueryCommand({ TableName: tables.devices, KeyConditionExpression: 'deviceId = :d', ExpressionAttributeValues: { ':d': deviceId }, ConsistentRead: true }));
const deviceItem = partition.Items.find((i) => i.sk === 'device');
// Storage v2: the alert state is part of the device item (no item of its own any more).
const alertStates = new store.DynamoAlertStateStore(db, tables.devices);
const alertState = await alertStates.read(deviceId);
const readingItems = await db.send(new store.QueryCommand({ TableName: tables.readings, KeyConditionExpression: 'deviceId = :d', ExpressionAttributeValues: { ':d': deviceId }, Limit: 1 }));
const itemSizes = {
  deviceItemBytes: itemSize(deviceItem),
  alertStateItemBytes: 0, // inside deviceItemBytes
  heatHistorySamples: alertState.heatHistory?.length ?? 0,
  readingItemBytes: itemSize(readingItems.Items[0]),
  readingItem: readingItems.Items[0],
};

// Sweep time per device: --sweep-devices boards seen a minute ago, with an alert state like the one above.
const devices = new store.DynamoDeviceStore(db, tables.devices);
const seenAt = new Date(Date.now() - 60_000).toISOString();
const stateFields = { ...alertState, pending: {} };
for (let i = 0; i < sweepDevices; i += 20) {
  await Promise.all(
    Array.from({ length: Math.min(20, sweepDevices - i) }, async (_, j) => {
      const id = `sweep-${i + j}`;
      await createDevice(store, db, tables, id);
      const previous = await alertStates.read(id);
      if (!(await devices.recordPost(id, { seenAt, latest: deviceItem.latest, previous, next: { ...stateFields, version: previous.version }, queued: [] }))) throw new Error(`sweep setup: ${id} not written`);
    }),
  );
}
const sweepRuns = [];
for (let i = 0; i < 3; i++) sweepRuns.push(await child(bundles.lean('sweep'), events.sweep()));
const sweepWarmMs = median(sweepRuns.map((r) => r.warmMs));
const sweepCount = sweepDevices + 1;

base.destroy();
await dyn.close();
removeDir(dataDir);

// --- report -----------------------------------------------------------------------

const stat = (arr, k) => ({ median: round(median(arr.map((r) => r[k])), 1), p90: round(percentile(arr.map((r) => r[k]), 90), 1), min: round(Math.min(...arr.map((r) => r[k])), 1) });
const handlers = {};
const rows = [['function', 'zip KiB', 'unzipped KiB', 'import ms', 'first call ms', 'import+first', 'warm ms', 'old zip KiB', 'old import ms', 'old first ms', 'old import+first', 'lean/old zip', 'lean/old (import+first)']];
for (const n of names) {
  const b = samples[n].lean;
  const e = samples[n].baseline;
  const cold = (arr) => median(arr.map((r) => r.importMs + r.firstMs));
  handlers[n] = {
    sizes: sizes[n],
    lean: { importMs: stat(b, 'importMs'), firstInvocationMs: stat(b, 'firstMs'), warmInvocationMs: stat(b, 'warmMs'), coldTotalMs: round(cold(b), 1), rssKiB: median(b.map((r) => r.rssKiB)), warmLogBytes: median(b.map((r) => r.warmLogBytes)), warmLogLines: median(b.map((r) => r.warmLogLines)) },
    baseline: { importMs: stat(e, 'importMs'), firstInvocationMs: stat(e, 'firstMs'), warmInvocationMs: stat(e, 'warmMs'), coldTotalMs: round(cold(e), 1), rssKiB: median(e.map((r) => r.rssKiB)) },
    ratios: {
      importLeanOverBaseline: round(median(b.map((r) => r.importMs)) / median(e.map((r) => r.importMs)), 2),
      coldLeanOverBaseline: round(cold(b) / cold(e), 2),
      zipLeanOverBaseline: round(sizes[n].lean.zipBytes / sizes[n].baseline.zipBytes, 2),
    },
  };
  const h = handlers[n];
  rows.push([n, round(sizes[n].lean.zipBytes / 1024, 0), round(sizes[n].lean.unzippedBytes / 1024, 0), h.lean.importMs.median, h.lean.firstInvocationMs.median, h.lean.coldTotalMs, h.lean.warmInvocationMs.median,
    round(sizes[n].baseline.zipBytes / 1024, 0), h.baseline.importMs.median, h.baseline.firstInvocationMs.median, h.baseline.coldTotalMs, h.ratios.zipLeanOverBaseline, h.ratios.coldLeanOverBaseline]);
}
console.log(`\n${table(rows)}\n`);
const targets = { api: 150, ingest: 110, sweep: 110 };
for (const n of names) {
  const z = sizes[n].lean.zipBytes / 1024;
  const faster = handlers[n].lean.coldTotalMs < handlers[n].baseline.coldTotalMs;
  console.log(`target ${n}: zip ${round(z, 1)} KiB (<= ${targets[n]}: ${z <= targets[n] ? 'met' : 'NOT met'}); import+first ${handlers[n].lean.coldTotalMs} ms vs ${handlers[n].baseline.coldTotalMs} ms old (${faster ? 'faster: met' : 'NOT faster'})`);
}
// The dashboard's function (no store, no SDK client): its size only, it has no old layout to compare with.
const webZip = statSync(join(root, 'dist/lambda/web.zip')).size;
console.log(`web (the dashboard, apart from api): zip ${round(webZip / 1024, 1)} KiB`);
console.log('');
const ingestWarm = handlers.ingest.lean;
const lambda = {
  // What bench/cost.mjs reads: one post of 6 readings, warm, against dynalite on this machine.
  ingestWarmMsPerPost6: ingestWarm.warmInvocationMs.median,
  ingestColdMs: ingestWarm.coldTotalMs,
  ingestLogBytesPerPost6: { logs: ingestWarm.warmLogBytes, metrics: median(seriesSamples.metrics.map((r) => r.warmLogBytes)), off: median(seriesSamples.off.map((r) => r.warmLogBytes)) },
  ingestLogLinesPerPost6: { logs: ingestWarm.warmLogLines, metrics: median(seriesSamples.metrics.map((r) => r.warmLogLines)), off: median(seriesSamples.off.map((r) => r.warmLogLines)) },
  sweepWarmMs, sweepDevices: sweepCount, sweepMsPerDevice: round(sweepWarmMs / sweepCount, 3),
  memoryMB: 512, // terraform/modules/api: var.memory_size default (lambda_memory_size)
};
console.log(`ingest warm post of 6 readings: ${lambda.ingestWarmMsPerPost6} ms, ${lambda.ingestLogBytesPerPost6.logs} log bytes (DEVICE_SERIES=logs), ${lambda.ingestLogBytesPerPost6.metrics} (metrics), ${lambda.ingestLogBytesPerPost6.off} (off)`);
console.log(`sweep over ${sweepCount} devices (warm): ${round(sweepWarmMs, 0)} ms, ${lambda.sweepMsPerDevice} ms per device`);
console.log(`item sizes: reading ${itemSizes.readingItemBytes} B, device ${itemSizes.deviceItemBytes} B, alert state ${itemSizes.alertStateItemBytes} B (${itemSizes.heatHistorySamples} heat samples)`);
const file = writeResult('coldstart', {
  parameters: { runs, sweepDevices, sdkVersion, note: 'Node on this machine (x86-64), not Lambda arm64 nodejs22.x; store: dynalite on 127.0.0.1' },
  totalSeconds: round((performance.now() - t0) / 1000, 1),
  handlers,
  lambda,
  itemSizes,
});
console.log(`coldstart: results in ${file}`);
