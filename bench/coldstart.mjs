#!/usr/bin/env node
// Benchmark 2: Lambda cold start proxies, bundled SDK vs @aws-sdk/* external.
//
// For each built zip (dist/lambda/{api,ingest,sweep}.zip): zipped and unzipped
// size; then, in a fresh Node process per run (bench/lib/coldstart-child.mjs),
// the time to import the bundle as ESM and the handler's first and second
// (warm) invocation against dynalite on 127.0.0.1 (AWS_ENDPOINT_URL_DYNAMODB,
// dummy credentials). Side by side, the same handler built with the options
// of build.mjs but `external: ['@aws-sdk/*']`, run from bench/.cache so that
// the SDK resolves from the checkout's node_modules. Runs alternate between
// the two variants, so machine load hits both alike; medians of --runs.
// Last, the sweep's time per device (a warm sweep over --sweep-devices boards).
//
//   node bench/coldstart.mjs [--runs 15] [--sweep-devices 300]
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
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

// --- the @aws-sdk/* external variant (build.mjs's options, SDK left out) -------

const variantDir = join(cacheDir, 'coldstart-external');
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
const entries = { api: 'src/handlers/api.ts', ingest: 'src/handlers/ingest.ts', sweep: 'src/handlers/sweep.ts' };
const sizes = {};
for (const name of names) {
  const outfile = join(variantDir, name, 'index.mjs');
  await build({
    absWorkingDir: root,
    plugins: [embedWebAssets()],
    entryPoints: [join(root, entries[name])],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    minify: true,
    treeShaking: true,
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'eof',
    logLevel: 'warning',
    external: ['@aws-sdk/*'],
  });
  const zipPath = join(dist, 'lambda', `${name}.zip`);
  const zipped = zipEntries(zipPath);
  const extFiles = readdirSync(join(variantDir, name));
  sizes[name] = {
    bundled: {
      zipBytes: statSync(zipPath).size,
      unzippedBytes: zipped.reduce((n, e) => n + e.size, 0),
      indexMjsBytes: statSync(join(dist, 'lambda', name, 'index.mjs')).size,
      entries: zipped.map((e) => e.name),
    },
    external: {
      // What a zip of this variant would hold (deflate, as yazl does), the SDK coming from the runtime.
      zipBytesEstimate: extFiles.reduce((n, f) => n + deflateRawSync(readFileSync(join(variantDir, name, f))).length, 0),
      unzippedBytes: dirSize(join(variantDir, name)),
      indexMjsBytes: statSync(join(variantDir, name, 'index.mjs')).size,
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
  bundled: (n) => join(dist, 'lambda', n, 'index.mjs'),
  external: (n) => join(variantDir, n, 'index.mjs'),
};
const samples = {};
for (const n of names) samples[n] = { bundled: [], external: [] };
const t0 = performance.now();
for (let i = 0; i < runs; i++) {
  for (const n of names) {
    for (const variant of i % 2 === 0 ? ['bundled', 'external'] : ['external', 'bundled']) {
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
  for (const mode of ['metrics', 'off']) seriesSamples[mode].push(await child(bundles.bundled('ingest'), events.ingest(), { ...childEnv, DEVICE_SERIES: mode }));
}

// The device partition after these posts (alert state with a full heat history): item sizes for the cost model.
const partition = await db.send(new store.QueryCommand({ TableName: tables.devices, KeyConditionExpression: 'deviceId = :d', ExpressionAttributeValues: { ':d': deviceId }, ConsistentRead: true }));
const deviceItem = partition.Items.find((i) => i.sk === 'device');
const alertItem = partition.Items.find((i) => i.sk === 'alerts');
const readingItems = await db.send(new store.QueryCommand({ TableName: tables.readings, KeyConditionExpression: 'deviceId = :d', ExpressionAttributeValues: { ':d': deviceId }, Limit: 1 }));
const itemSizes = {
  deviceItemBytes: itemSize(deviceItem),
  alertStateItemBytes: itemSize(alertItem),
  heatHistorySamples: alertItem.heatHistory?.length ?? 0,
  readingItemBytes: itemSize(readingItems.Items[0]),
  readingItem: readingItems.Items[0],
};

// Sweep time per device: --sweep-devices boards seen a minute ago, with an alert state like the one above.
const alertStates = new store.DynamoAlertStateStore(db, tables.devices);
const devices = new store.DynamoDeviceStore(db, tables.devices);
const seenAt = new Date(Date.now() - 60_000).toISOString();
const { deviceId: _d, sk: _s, version: _v, ...stateFields } = alertItem;
for (let i = 0; i < sweepDevices; i += 20) {
  await Promise.all(
    Array.from({ length: Math.min(20, sweepDevices - i) }, async (_, j) => {
      const id = `sweep-${i + j}`;
      await createDevice(store, db, tables, id);
      await devices.recordContact(id, seenAt, deviceItem.latest);
      await alertStates.commit(id, 0, { ...stateFields, pending: {} }, []);
    }),
  );
}
const sweepRuns = [];
for (let i = 0; i < 3; i++) sweepRuns.push(await child(bundles.bundled('sweep'), events.sweep()));
const sweepWarmMs = median(sweepRuns.map((r) => r.warmMs));
const sweepCount = sweepDevices + 1;

base.destroy();
await dyn.close();
removeDir(dataDir);

// --- report -----------------------------------------------------------------------

const stat = (arr, k) => ({ median: round(median(arr.map((r) => r[k])), 1), p90: round(percentile(arr.map((r) => r[k]), 90), 1), min: round(Math.min(...arr.map((r) => r[k])), 1) });
const handlers = {};
const rows = [['function', 'zip KiB', 'unzipped KiB', 'import ms', 'first call ms', 'import+first', 'warm ms', 'ext. unzipped KiB', 'ext. import ms', 'ext. first ms', 'ext. import+first', 'bundled/ext (import+first)']];
for (const n of names) {
  const b = samples[n].bundled;
  const e = samples[n].external;
  const cold = (arr) => median(arr.map((r) => r.importMs + r.firstMs));
  handlers[n] = {
    sizes: sizes[n],
    bundled: { importMs: stat(b, 'importMs'), firstInvocationMs: stat(b, 'firstMs'), warmInvocationMs: stat(b, 'warmMs'), coldTotalMs: round(cold(b), 1), rssKiB: median(b.map((r) => r.rssKiB)), warmLogBytes: median(b.map((r) => r.warmLogBytes)), warmLogLines: median(b.map((r) => r.warmLogLines)) },
    external: { importMs: stat(e, 'importMs'), firstInvocationMs: stat(e, 'firstMs'), warmInvocationMs: stat(e, 'warmMs'), coldTotalMs: round(cold(e), 1), rssKiB: median(e.map((r) => r.rssKiB)) },
    ratios: {
      importBundledOverExternal: round(median(b.map((r) => r.importMs)) / median(e.map((r) => r.importMs)), 2),
      coldBundledOverExternal: round(cold(b) / cold(e), 2),
      zipBundledOverExternal: round(sizes[n].bundled.zipBytes / sizes[n].external.zipBytesEstimate, 1),
    },
  };
  const h = handlers[n];
  rows.push([n, round(sizes[n].bundled.zipBytes / 1024, 0), round(sizes[n].bundled.unzippedBytes / 1024, 0), h.bundled.importMs.median, h.bundled.firstInvocationMs.median, h.bundled.coldTotalMs, h.bundled.warmInvocationMs.median,
    round(sizes[n].external.unzippedBytes / 1024, 0), h.external.importMs.median, h.external.firstInvocationMs.median, h.external.coldTotalMs, h.ratios.coldBundledOverExternal]);
}
console.log(`\n${table(rows)}\n`);
const ingestWarm = handlers.ingest.bundled;
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
