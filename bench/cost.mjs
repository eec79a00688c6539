#!/usr/bin/env node
// The monthly AWS bill of a fleet, line by line, from list prices kept in
// bench/prices.json: the storage design of issue 12 (readings packed per
// device in 5-minute buckets, one device item write per post, one log line per
// post, trimmed metrics, adaptive uploads) beside the old one (one item per
// reading + LSI, four device writes per post, a log line per reading), with
// the DynamoDB Standard-IA table class and provisioned capacity as options,
// the same work over AWS IoT Core (with and without Basic Ingest), and the
// physical floor (API Gateway + Lambda + one write unit per post), and the vpc
// mode (server variant) with the same store work.
//
// The design's parameters are explicit inputs, each printed as measured or
// assumed: --per-post, --bytes-per-reading, --wcu-per-post, --rcu-per-post,
// --log-bytes, --lambda-ms. Measured figures come from bench/results/*.json
// when present: coldstart.json (Lambda time per post, log bytes, sweep time,
// item sizes) and a `costInputs` object in ingest.json or query.json
// ({readingsPerPost, writeUnitsPerPost, readUnitsPerPost, bytesStoredPerReading}),
// which the storage benchmarks write. A flag beats both.
//
//   node bench/cost.mjs [--boards 1000] [--interval 10] [--upload-interval 300] [--retention-days 90]
//                       [--per-post N] [--bytes-per-reading N] [--wcu-per-post N] [--rcu-per-post N]
//                       [--log-bytes N] [--lambda-ms N] [--table-class standard|standard-ia]
//                       [--capacity on-demand|provisioned] [--utilisation 0.7] [--pitr on|off]
//                       [--alert-rate 1] [--alarm-minutes 60] [--emails 2] [--sms 1] [--sms-price 0.0083]
//                       [--fleets 10,1000,100000] [--json]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { benchDir, normalReading, readResult, round, table, writeResult } from './lib/common.mjs';
import { itemSize, rruStrong, wru } from './lib/ddb-size.mjs';
import { frontDoorModel } from './lib/front-door-cost.mjs';

export const prices = JSON.parse(readFileSync(join(benchDir, 'prices.json'), 'utf8'));
const P = Object.fromEntries(Object.entries(prices.prices).map(([k, v]) => [k, v.value]));
const HOURS = prices.hoursPerMonth; // 730
const SECONDS = HOURS * 3600;
const GIB = 2 ** 30;

/**
 * The old design as measured on main before issue 12 (bench/coldstart.mjs and
 * an independent re-derivation: $0.885 per board-month at 1,000 boards, one
 * reading every 10 s posted once a minute). Frozen: that code is gone.
 */
export const OLD_MEASURED = {
  source: 'frozen: measured on the old layout (docs/performance.md)',
  ingestWarmMsPerPost6: 60,
  ingestLogBytesPerPost6: { logs: 3900, metrics: 7600, off: 1500 },
  ingestLogLinesPerPost6: { logs: 9, metrics: 33, off: 3 },
  sweepMsPerDevice: 1.5,
  memoryMB: 512,
  readingItemBytes: 274,
  deviceItemBytes: 330,
  alertStateItemBytes: 1450,
};
/** Custom metrics of the old code (name + dimension sets, counted from its telemetry calls). */
const OLD_FIXED_CUSTOM_METRICS = 38;
const FIXED_CUSTOM_METRICS = OLD_FIXED_CUSTOM_METRICS;
/** Per board with DEVICE_SERIES=metrics: CO2, Temperature, Humidity, Smoke, Flame by deviceId. */
const SERIES_METRICS_PER_BOARD = 5;
/** Lambda platform lines per invocation (START, END, REPORT; ~70 + ~60 + ~260 bytes). */
const LAMBDA_PLATFORM_BYTES = 390;
const LAMBDA_PLATFORM_LINES = 3;
/** One access-log line of the HTTP API stage (terraform/modules/api: 15 JSON fields). */
const ACCESS_LOG_BYTES = 430;
/** CloudWatch Logs counts 26 bytes of overhead per event. */
const EVENT_OVERHEAD = 26;
/** Archived logs are stored compressed; assumed ratio. */
const LOG_COMPRESSION = 0.15;

function perPostItem(readingsPerPost) {
  const readings = Array.from({ length: readingsPerPost }, (_, i) => {
    const r = normalReading(0, i, Date.now() + i * 10_000);
    return r;
  });
  return { deviceId: 'bbb-salle-101', postKey: `${readings[0].ts}#01JDX3V8R6ABCDEFGHJKMNPQRS`, receivedAt: new Date().toISOString(), expiresAt: 1790000000, readings };
}

/** The DynamoDB work of one post, counted as the code does it. */
function oldDynamoWork(m, { readingsPerPost, storage }) {
  const devicePartition = m.deviceItemBytes + m.alertStateItemBytes;
  if (storage === 'per-post') {
    // What-if: the post's readings as one item keyed by time (no LSI needed), the two device
    // updates merged into one, the alert state written as today.
    const bytes = itemSize(perPostItem(readingsPerPost));
    return {
      writesPerPost: wru(bytes) + wru(m.deviceItemBytes) + wru(m.alertStateItemBytes),
      readsPerPost: rruStrong(devicePartition),
      storedBytesPerReading: (bytes + 100) / readingsPerPost,
      detail: `1 PutItem of the post (${bytes} B: ${wru(bytes)} WRU) + 1 UpdateItem of the device (${wru(m.deviceItemBytes)}) + the alert state (${wru(m.alertStateItemBytes)}); 1 Query (${rruStrong(devicePartition)} RRU)`,
    };
  }
  // src/app/ingest.ts + src/adapters/dynamodb/*:
  //  per reading: DynamoReadingStore.put, a conditional PutItem (item ~readingItemBytes: 1 WRU)
  //               + the byTime LSI entry (ALL projection: the same size, 1 WRU)
  //  per post:    the auth Query of the device partition (device + alert-state items, strongly consistent)
  //               DynamoDeviceStore.recordContact: UpdateItem lastSeenAt + UpdateItem latest (device item)
  //               commitAlertChange: the alert-state item is written on every post with a new reading
  //               (evaluatedTs moves; heat history), PutItem/UpdateItem of its full size
  const perReading = wru(m.readingItemBytes) + wru(m.readingItemBytes);
  const perPost = wru(m.deviceItemBytes) * 2 + wru(m.alertStateItemBytes);
  return {
    writesPerPost: perReading * readingsPerPost + perPost,
    readsPerPost: rruStrong(devicePartition),
    storedBytesPerReading: 2 * (m.readingItemBytes + 100),
    detail: `${readingsPerPost} x (PutItem ${wru(m.readingItemBytes)} + LSI ${wru(m.readingItemBytes)} WRU) + lastSeenAt ${wru(m.deviceItemBytes)} + latest ${wru(m.deviceItemBytes)} + alert state ${wru(m.alertStateItemBytes)} WRU; Query ${rruStrong(devicePartition)} RRU`,
  };
}

/** Work of one alert (raised, then resolved), counted from src/app/alerts: per transition, the state
 * commit carries the outbox entry (already paid by the post), claim + complete UpdateItems of the
 * alert-state item, the alerts-table write with its two GSIs, one SNS publish. */
function alertWork(m) {
  const state = wru(m.alertStateItemBytes + 300);
  const raised = 2 * state + 1 + 2; // claim + complete, PutItem alert (~300 B) + byStatus + byDevice
  const resolved = 2 * state + 1 + 3; // claim + complete, UpdateItem alert + byStatus delete/put + byDevice
  return { writes: raised + resolved, publishes: 2 };
}

export function oldModel(input, m = OLD_MEASURED) {
  const { boards, interval, readingsPerPost, retentionDays, alertRate, mode, deviceSeries, storage, pitr, emails, sms, smsPrice, criticalShare } = input;
  const readingsPerBoard = SECONDS / interval;
  const postsPerBoard = readingsPerBoard / readingsPerPost;
  const posts = postsPerBoard * boards;
  const gb = m.memoryMB / 1024;
  const lines = [];
  const add = (group, name, fleetMonth, detail) => lines.push({ group, name, fleetMonth, perBoardMonth: fleetMonth / boards, detail });

  const work = oldDynamoWork(m, { readingsPerPost, storage });
  // On-demand, or provisioned capacity sized for the steady load at `utilisation` (sensor traffic is flat).
  const provisioned = input.capacity === 'provisioned';
  const writePerMillion = provisioned ? (1e6 / 3600 / input.utilisation) * P.dynamoProvisionedWcuHour : P.dynamoWritePerMillion;
  const readPerMillion = provisioned ? (1e6 / 3600 / input.utilisation) * P.dynamoProvisionedRcuHour : P.dynamoReadPerMillion;
  const capacityNote = provisioned ? ` (provisioned, ${input.utilisation * 100}% utilised: $${round(writePerMillion, 3)}/M writes)` : '';
  // Lambda time of a post grows a little with its size; measured for 6 readings.
  const postMs = (input.lambdaMs ?? m.ingestWarmMsPerPost6) * (0.7 + 0.05 * readingsPerPost);
  // Measured for a post of 6: a per-post part (DEVICE_SERIES=off) and a per-reading part.
  const bytesOff = m.ingestLogBytesPerPost6.off;
  const linesOff = m.ingestLogLinesPerPost6.off;
  const appLogBytesPerPost = bytesOff + ((m.ingestLogBytesPerPost6[deviceSeries] - bytesOff) / 6) * readingsPerPost;
  const appLogLinesPerPost = linesOff + ((m.ingestLogLinesPerPost6[deviceSeries] - linesOff) / 6) * readingsPerPost;

  if (mode === 'serverless') {
    const over = Math.max(0, posts - 300e6);
    add('API Gateway', 'HTTP API requests', ((posts - over) * P.apiGatewayHttpPerMillion + over * P.apiGatewayHttpPerMillionOver300M) / 1e6, `${round(postsPerBoard, 0)} posts per board-month`);
    add('Lambda', 'ingest invocations', (posts * P.lambdaRequestsPerMillion) / 1e6, '');
    add('Lambda', 'ingest duration', posts * (Math.ceil(postMs) / 1000) * gb * P.lambdaArmPerGbSecond, `${round(postMs, 0)} ms x ${m.memoryMB} MB arm64 per post (measured: ${m.ingestWarmMsPerPost6} ms for 6 readings)`);
  }
  // The sweep: EventBridge rate(1 minute) (free), one Lambda run scanning every device (both modes).
  const sweeps = HOURS * 60;
  const sweepMs = 50 + m.sweepMsPerDevice * boards;
  add('Lambda', 'sweep (every minute)', sweeps * (P.lambdaRequestsPerMillion / 1e6 + (sweepMs / 1000) * gb * P.lambdaArmPerGbSecond), `${round(sweepMs, 0)} ms a run (${m.sweepMsPerDevice} ms per device)${sweepMs > 50_000 ? ': OVER the 50 s timeout' : ''}`);

  add('DynamoDB', 'writes', (posts * work.writesPerPost * writePerMillion) / 1e6, `${work.writesPerPost} WRU per post: ${work.detail}${capacityNote}`);
  const scanRru = ((m.deviceItemBytes + m.alertStateItemBytes) * boards) / 4096;
  add('DynamoDB', 'reads', ((posts * work.readsPerPost + sweeps * scanRru) * readPerMillion) / 1e6, `${work.readsPerPost} RRU per post + the sweep's consistent Scan (${round((m.deviceItemBytes + m.alertStateItemBytes) / 4096, 2)} RRU per board a minute)`);
  const storedReadings = (retentionDays * 86400) / interval;
  const storedGb = (storedReadings * work.storedBytesPerReading * boards) / GIB + (boards * (m.deviceItemBytes + m.alertStateItemBytes + 200)) / GIB;
  add('DynamoDB', 'storage', storedGb * P.dynamoStoragePerGbMonth, `${round(storedReadings, 0)} readings kept (${retentionDays} d) x ${round(work.storedBytesPerReading, 0)} B${storage === 'per-reading' ? ' (item + LSI copy, 100 B overhead each)' : ''}`);
  if (pitr) add('DynamoDB', 'point-in-time recovery', storedGb * P.dynamoPitrPerGbMonth, 'on the table size, indexes included');

  const aw = alertWork(m);
  const alerts = alertRate * boards;
  add('DynamoDB', 'alert writes', (alerts * aw.writes * writePerMillion) / 1e6, `${aw.writes} WRU per alert (raised + resolved)`);
  const notifications = alerts * aw.publishes;
  add('SNS', 'publishes, e-mail, SMS', notifications * (P.snsPublishPerMillion / 1e6 + (emails * P.snsEmailPer100k) / 1e5 + sms * criticalShare * smsPrice), `${alertRate} alert(s) per board-month, 2 notifications each, ${emails} e-mail(s), ${sms} SMS number(s) for critical (${criticalShare * 100}%) at $${smsPrice}`);

  // CloudWatch
  add('CloudWatch', 'custom metrics (fleet)', FIXED_CUSTOM_METRICS * P.cloudwatchCustomMetricPerMonth, `${FIXED_CUSTOM_METRICS} metrics whatever the fleet size`);
  if (deviceSeries === 'metrics') add('CloudWatch', 'per-board metrics', boards * SERIES_METRICS_PER_BOARD * P.cloudwatchCustomMetricPerMonth, `${SERIES_METRICS_PER_BOARD} metrics per board (DEVICE_SERIES=metrics)`);
  const platform = mode === 'serverless' ? LAMBDA_PLATFORM_BYTES + ACCESS_LOG_BYTES : 0;
  const events = appLogLinesPerPost + (mode === 'serverless' ? LAMBDA_PLATFORM_LINES + 1 : 0);
  const logBytesPerPost = appLogBytesPerPost + platform + events * EVENT_OVERHEAD;
  const logGb = (posts * logBytesPerPost) / GIB;
  add('CloudWatch', 'logs ingestion', logGb * P.logsIngestionPerGb, `${round(logBytesPerPost, 0)} B per post (app ${round(appLogBytesPerPost, 0)} B measured, DEVICE_SERIES=${deviceSeries}${mode === 'serverless' ? `, Lambda platform ${LAMBDA_PLATFORM_BYTES} B, API access log ${ACCESS_LOG_BYTES} B` : ''})`);
  add('CloudWatch', 'logs storage', logGb * LOG_COMPRESSION * (input.logRetentionDays / 30.4) * P.logsStoragePerGbMonth, `${input.logRetentionDays} d retention, compressed to ~${LOG_COMPRESSION * 100}%`);

  if (mode === 'vpc') {
    const nat = input.natGateways;
    add('VPC', 'NAT gateway hours', nat * HOURS * P.natGatewayPerHour, `${nat} NAT gateway(s) (nat_gateway_mode single)`);
    add('VPC', 'NAT data', (logGb + (notifications * 2e3) / GIB) * P.natGatewayPerGb, 'log shipping and SNS through the NAT; DynamoDB via the free gateway endpoint');
    const postsPerSecond = posts / SECONDS;
    const bytesPerPost = 160 * readingsPerPost + 900 + 5000; // body + headers + answer + a TLS handshake (a post a minute outlives keep-alive)
    const lcu = Math.max(postsPerSecond / 25, boards / 3000, (postsPerSecond * 3600 * bytesPerPost) / 1e9, 0);
    add('Load balancer', 'ALB hours', HOURS * P.albPerHour, '');
    add('Load balancer', 'ALB LCUs', HOURS * lcu * P.albPerLcuHour, `${round(lcu, 2)} LCU (${round(postsPerSecond, 1)} new connections/s, ${round((postsPerSecond * 3600 * bytesPerPost) / 1e9, 2)} GB/h)`);
    const instances = Math.max(input.minInstances, Math.ceil((postsPerSecond * 1.5) / input.postsPerInstance));
    add('Instances', `EC2 t4g.small x ${instances}`, instances * HOURS * P.ec2T4gSmallPerHour, `max(${input.minInstances}, peak 1.5 x ${round(postsPerSecond, 0)} posts/s / ${input.postsPerInstance} posts/s per instance (assumed, not measured))`);
    add('Instances', 'EBS gp3', instances * input.ebsGb * P.ebsGp3PerGbMonth, `${input.ebsGb} GB each`);
  }
  // Fixed: terraform/modules/observability and alerts (2 dashboards, 17 alarms in serverless mode: errors and
  // throttles of the 4 functions, 3 table throttles, 6 of the platform; 2 KMS keys: alerts and ops topics),
  // and in logs mode the 4 fleet metrics its metric filters make from the reading lines.
  if (input.alarms > 0) add('CloudWatch', 'alarms (fleet)', input.alarms * P.cloudwatchAlarmPerMonth, `${input.alarms} alarms`);
  if (input.dashboards > 0) add('CloudWatch', 'dashboards (fleet)', input.dashboards * P.cloudwatchDashboardPerMonth, `${input.dashboards} dashboards (free if the account has fewer than 3 others)`);
  if (deviceSeries === 'logs') add('CloudWatch', 'fleet metrics from log lines', 4 * P.cloudwatchCustomMetricPerMonth, 'FleetCO2, FleetTemperature, FleetSmoke, FleetFlameReadings');
  if (input.kmsKeys > 0) add('KMS', 'keys (fleet)', input.kmsKeys * P.kmsKeyPerMonth, `${input.kmsKeys} customer managed keys (SNS topics)`);

  const total = lines.reduce((n, l) => n + l.fleetMonth, 0);
  return { input, measured: m, readingsPerBoard, postsPerBoard, work, lines, fleetMonth: total, perBoardMonth: total / boards };
}


// --- the new design: explicit parameters, measured or assumed ------------------

/** One parameter of the model: its value and where it comes from. */
const param = (value, kind, source) => ({ value, kind, source });

/** The `costInputs` a storage benchmark wrote (bench/results/ingest.json or query.json), if any. */
function storageMeasured() {
  for (const name of ['ingest', 'query']) {
    const r = readResult(name);
    if (r?.costInputs) return { ...r.costInputs, from: `bench/results/${name}.json (${r.at})` };
  }
  return undefined;
}

/**
 * The parameters of the new design, for readings every `interval` s posted
 * every `uploadInterval` s while quiet. Flags beat measured figures, which
 * beat assumptions; each says which it is.
 */
export function designParameters(input, flags = {}) {
  const cs = readResult('coldstart');
  const st = storageMeasured();
  const pick = (flag, measured, assumed) => {
    if (flags[flag] !== undefined) return param(Number(flags[flag]), 'given', `--${flag}`);
    if (measured && Number.isFinite(measured[0])) return param(measured[0], 'measured', measured[1]);
    return param(assumed[0], 'assumed', assumed[1]);
  };
  const perPost = Math.max(1, Math.round(input.uploadInterval / input.interval));
  const logs = cs?.lambda?.ingestLogLinesPerPost6;
  // Only a build whose lines do not grow with the readings measures the new design's log bytes (the old one
  // logged per reading): fewer lines than the post's 6 readings with DEVICE_SERIES=off. Each line pays
  // CloudWatch's per-event overhead, counted once below: the others are added here.
  const perPostLines = logs && logs.off < 6 ? logs.off : undefined;
  return {
    readingsPerPost: pick('per-post', st && [st.readingsPerPost, st.from], [perPost, `upload interval ${input.uploadInterval} s / a reading every ${input.interval} s (adaptive uploads, quiet board)`]),
    bytesPerReading: pick('bytes-per-reading', st && [st.bytesStoredPerReading, st.from], [60, 'one packed attribute per reading (26-character id + ~20 B of measurements) + its share of the bucket item and its 100 B overhead']),
    writeUnitsPerPost: pick('wcu-per-post', st && [st.writeUnitsPerPost, st.from], [3, 'issue 12 target for a post of 30 readings: the bucket UpdateItem(s) + one device item write']),
    readUnitsPerPost: pick('rcu-per-post', st && [st.readUnitsPerPost, st.from], [1, 'issue 12 target: one strongly consistent read of the device item (key, thresholds, alert state)']),
    appLogBytesPerPost: pick('log-bytes', perPostLines && [cs.lambda.ingestLogBytesPerPost6.off + (perPostLines - 1) * EVENT_OVERHEAD, `bench/results/coldstart.json (${cs.at}), warm post: ${perPostLines} lines (the request line with the post's counts, the EMF metrics)`], [450, 'one structured log line per post (request, device, counts, duration)']),
    lambdaMsPerPost: pick('lambda-ms', cs?.lambda && [cs.lambda.ingestWarmMsPerPost6, `bench/results/coldstart.json (${cs.at}), warm post of 6 against dynalite on this machine`], [60, 'a warm post: one read and two writes to DynamoDB']),
    sweepMsPerDevice: pick('sweep-ms-per-device', cs?.lambda && [cs.lambda.sweepMsPerDevice, `bench/results/coldstart.json (${cs.at})`], [1.5, 'old full scan (an upper bound: the new sweep works in proportion to what is due)']),
    deviceItemBytes: pick('device-item-bytes', cs?.itemSizes && [cs.itemSizes.deviceItemBytes + cs.itemSizes.alertStateItemBytes, `bench/results/coldstart.json (${cs.at}): device + alert state`], [1400, 'device + latest + alert state in one item']),
    customMetrics: param(12, 'assumed', 'trimmed to what the dashboards and alarms use (ingest 4, alerts 3, notifications 2, sweep 3)'),
    memoryMB: param(512, 'given', 'terraform/modules/api lambda_memory_size default'),
  };
}

/** Boards that ignore policy.uploadPhaseSeconds (older agents): their quiet posts straddle buckets, priced with the unaligned figure of query.json. */
function unalignedPath(input, d) {
  const st = storageMeasured();
  const wru = st?.writeUnitsPerPostUnaligned;
  if (!Number.isFinite(wru) || d.writeUnitsPerPost.kind !== 'measured') return [];
  return [[`boards ignoring uploadPhaseSeconds (${wru} WRU a post, ${st.from})`, newModel(input, { ...d, writeUnitsPerPost: { ...d.writeUnitsPerPost, value: wru } })]];
}

const dynamoRates = (tableClass, capacity, utilisation) => {
  const ia = tableClass === 'standard-ia';
  if (capacity === 'provisioned') {
    // Sized for the steady load at `utilisation` (sensor traffic is flat): one unit a second for an hour.
    const perMillion = (unitHour) => (1e6 / 3600 / utilisation) * unitHour;
    return { write: perMillion(ia ? P.dynamoIaProvisionedWcuHour : P.dynamoProvisionedWcuHour), read: perMillion(ia ? P.dynamoIaProvisionedRcuHour : P.dynamoProvisionedRcuHour), storage: ia ? P.dynamoIaStoragePerGbMonth : P.dynamoStoragePerGbMonth };
  }
  return { write: ia ? P.dynamoIaWritePerMillion : P.dynamoWritePerMillion, read: ia ? P.dynamoIaReadPerMillion : P.dynamoReadPerMillion, storage: ia ? P.dynamoIaStoragePerGbMonth : P.dynamoStoragePerGbMonth };
};

/**
 * The new design's bill. `path`: 'api' (API Gateway -> Lambda, the default),
 * 'iot-basic-ingest' (MQTT to $aws/rules/<rule>: no messaging charge, the rule's
 * Lambda action does the ingest), 'iot' (the same through a normal topic),
 * 'floor' (API Gateway + one Lambda request + one write unit per post: nothing
 * is cheaper while every post is an HTTP request that stores something).
 */
export function newModel(input, d, path = 'api') {
  const { boards, interval, retentionDays, alertRate, pitr, emails, sms, smsPrice, criticalShare } = input;
  const v = (k) => d[k].value;
  const perPost = v('readingsPerPost');
  const quietPosts = SECONDS / interval / perPost;
  // While alarming the board posts every reading at once (about one post per reading).
  const alarmPosts = (input.alarmMinutes * 60) / interval;
  const postsPerBoard = quietPosts + alarmPosts;
  const posts = postsPerBoard * boards;
  const gb = v('memoryMB') / 1024;
  const rates = dynamoRates(input.tableClass, input.capacity, input.utilisation);
  const lines = [];
  const add = (group, name, fleetMonth, detail) => lines.push({ group, name, fleetMonth, perBoardMonth: fleetMonth / boards, detail });
  const postsNote = `${round(quietPosts, 0)} quiet posts + ${round(alarmPosts, 0)} while alarming (${input.alarmMinutes} min) per board-month`;

  if (path === 'vpc') {
    // The server variant: no API Gateway, no ingest Lambda; instances behind an internal ALB, one NAT gateway.
    const postsPerSecond = posts / SECONDS;
    const bytesPerPost = 160 * perPost + 900 + 5000; // body + headers + answer + a TLS handshake (a post every 5 min outlives keep-alive)
    const lcu = Math.max(postsPerSecond / 25, boards / 3000, (postsPerSecond * 3600 * bytesPerPost) / 1e9);
    add('VPC', 'NAT gateway hours', input.natGateways * HOURS * P.natGatewayPerHour, `${input.natGateways} NAT gateway(s)`);
    add('Load balancer', 'ALB hours + LCUs', HOURS * (P.albPerHour + lcu * P.albPerLcuHour), `${round(lcu, 2)} LCU`);
    const instances = Math.max(input.minInstances, Math.ceil((postsPerSecond * 1.5) / input.postsPerInstance));
    add('Instances', `EC2 t4g.small x ${instances} + EBS`, instances * (HOURS * P.ec2T4gSmallPerHour + input.ebsGb * P.ebsGp3PerGbMonth), `max(${input.minInstances}, peak 1.5 x ${round(postsPerSecond, 1)} posts/s / ${input.postsPerInstance} per instance (assumed))`);
  } else if (path === 'api' || path === 'floor') {
    const over = Math.max(0, posts - 300e6);
    add('API Gateway', 'HTTP API requests', ((posts - over) * P.apiGatewayHttpPerMillion + over * P.apiGatewayHttpPerMillionOver300M) / 1e6, postsNote);
  } else {
    add('IoT Core', 'connectivity', (boards * HOURS * 60 * P.iotConnectivityPerMillionMinutes) / 1e6, 'always connected (MQTT keep-alive pings are free)');
    const message = 160 * perPost + 200;
    const units = Math.max(1, Math.ceil(message / 5120));
    if (path === 'iot') add('IoT Core', 'messaging', (posts * units * P.iotMessagingPerMillion) / 1e6, `one publish per post (${units} x 5 KB)`);
    add('IoT Core', 'rules triggered', (posts * units * P.iotRulesTriggeredPerMillion) / 1e6, path === 'iot-basic-ingest' ? 'Basic Ingest: published to $aws/rules/<rule>, no messaging charge' : '');
    add('IoT Core', 'actions', (posts * P.iotActionsPerMillion) / 1e6, 'one Lambda action (the same ingest code, packed store); the policy goes back only when it changes (retained message)');
  }
  const ms = path === 'floor' ? 0 : v('lambdaMsPerPost');
  if (path !== 'vpc') add('Lambda', 'ingest invocations', (posts * P.lambdaRequestsPerMillion) / 1e6, '');
  if (path !== 'floor' && path !== 'vpc') add('Lambda', 'ingest duration', posts * (Math.ceil(ms) / 1000) * gb * P.lambdaArmPerGbSecond, `${round(ms, 0)} ms x ${v('memoryMB')} MB arm64 per post (${d.lambdaMsPerPost.kind})`);
  const wcu = path === 'floor' ? 1 : v('writeUnitsPerPost');
  const rcu = path === 'floor' ? 0 : v('readUnitsPerPost');
  const capacityNote = `${input.tableClass}, ${input.capacity}${input.capacity === 'provisioned' ? ` at ${input.utilisation * 100}%` : ''}: $${round(rates.write, 3)}/M writes`;
  add('DynamoDB', 'writes', (posts * wcu * rates.write) / 1e6, `${wcu} WRU per post (${path === 'floor' ? 'the floor' : d.writeUnitsPerPost.kind}), ${capacityNote}`);
  if (path === 'floor') {
    const total = lines.reduce((n, l) => n + l.fleetMonth, 0);
    return { path, lines, postsPerBoard, fleetMonth: total, perBoardMonth: total / boards };
  }
  // The sweep: EventBridge rate(1 minute) (free), one Lambda run; its reads bounded by one item per board a minute.
  const sweeps = HOURS * 60;
  const sweepMs = 50 + v('sweepMsPerDevice') * boards;
  add('Lambda', 'sweep (every minute)', sweeps * (P.lambdaRequestsPerMillion / 1e6 + (sweepMs / 1000) * gb * P.lambdaArmPerGbSecond), `${round(sweepMs, 0)} ms a run (${v('sweepMsPerDevice')} ms per device, ${d.sweepMsPerDevice.kind}; split across invocations past ~30,000 boards)`);
  const sweepRru = (v('deviceItemBytes') * boards) / 4096;
  add('DynamoDB', 'reads', ((posts * rcu + sweeps * sweepRru) * rates.read) / 1e6, `${rcu} RRU per post + the sweep (at most ${round(v('deviceItemBytes') / 4096, 2)} RRU per board a minute)`);
  const storedGb = (((retentionDays * 86400) / interval) * v('bytesPerReading') * boards) / GIB + (boards * v('deviceItemBytes')) / GIB;
  add('DynamoDB', 'storage', storedGb * rates.storage, `${round((retentionDays * 86400) / interval, 0)} readings kept (${retentionDays} d TTL) x ${v('bytesPerReading')} B (${d.bytesPerReading.kind}), $${rates.storage}/GB-month`);
  if (pitr) add('DynamoDB', 'point-in-time recovery', storedGb * P.dynamoPitrPerGbMonth, 'on the table size');
  // An alert raised then resolved: outbox in the device write (paid by the post), claim + complete of it, the alerts-table row and its indexes.
  const alertWrites = 2 * (2 * 2 + 3);
  add('DynamoDB', 'alert writes', (alertRate * boards * alertWrites * rates.write) / 1e6, `${alertWrites} WRU per alert (raised + resolved)`);
  add('SNS', 'publishes, e-mail, SMS', alertRate * boards * 2 * (P.snsPublishPerMillion / 1e6 + (emails * P.snsEmailPer100k) / 1e5 + sms * criticalShare * smsPrice), `${alertRate} alert(s) per board-month, 2 notifications each, ${emails} e-mail(s), ${sms} SMS for critical (${criticalShare * 100}%) at $${smsPrice}`);
  add('CloudWatch', 'custom metrics (fleet)', v('customMetrics') * P.cloudwatchCustomMetricPerMonth, `${v('customMetrics')} metrics (${d.customMetrics.kind}: ${d.customMetrics.source})`);
  const platform = input.lambdaSystemLogs && path !== 'vpc' ? LAMBDA_PLATFORM_BYTES + LAMBDA_PLATFORM_LINES * EVENT_OVERHEAD : 0;
  const access = path === 'api' ? ACCESS_LOG_BYTES + EVENT_OVERHEAD : 0;
  const logBytesPerPost = v('appLogBytesPerPost') + EVENT_OVERHEAD + platform + access;
  const logGb = (posts * logBytesPerPost) / GIB;
  add('CloudWatch', 'logs ingestion', logGb * P.logsIngestionPerGb, `${round(logBytesPerPost, 0)} B per post: one app line ${v('appLogBytesPerPost')} B (${d.appLogBytesPerPost.kind})${platform ? `, Lambda START/END/REPORT ${LAMBDA_PLATFORM_BYTES} B` : ', Lambda system logs at WARN'}${access ? `, API access log ${ACCESS_LOG_BYTES} B` : ''}`);
  add('CloudWatch', 'logs storage', logGb * LOG_COMPRESSION * (input.logRetentionDays / 30.4) * P.logsStoragePerGbMonth, `${input.logRetentionDays} d retention, compressed to ~${LOG_COMPRESSION * 100}%`);
  add('CloudWatch', 'alarms (fleet)', input.alarms * P.cloudwatchAlarmPerMonth, `${input.alarms} alarms`);
  add('CloudWatch', 'dashboards (fleet)', input.dashboards * P.cloudwatchDashboardPerMonth, input.dashboards ? `${input.dashboards} dashboards at $3 (free if the account has no more than 3 in all)` : "within the account's 3 free dashboards");
  add('KMS', 'keys (fleet)', input.kmsKeys * P.kmsKeyPerMonth, `${input.kmsKeys} customer managed keys (SNS topics)`);
  const total = lines.reduce((n, l) => n + l.fleetMonth, 0);
  const notifications = lines.find((l) => l.group === 'SNS').fleetMonth;
  return { path, lines, postsPerBoard, fleetMonth: total, perBoardMonth: total / boards, platformPerBoardMonth: (total - notifications) / boards };
}

/** The configurations the docs name, at the input's fleet: defaults first, the leanest last. */
export function options(input, d) {
  const steps = [
    ['defaults: Standard, on-demand, PITR on', {}],
    ['Standard-IA table class', { tableClass: 'standard-ia' }],
    ['provisioned capacity, 70% utilised', { capacity: 'provisioned' }],
    ['Standard-IA + provisioned', { tableClass: 'standard-ia', capacity: 'provisioned' }],
    ['Lambda system logs at WARN (no START/END/REPORT)', { lambdaSystemLogs: false }],
    ['PITR off (not recommended: no restore)', { pitr: false }],
    ['retention 30 d', { retentionDays: 30 }],
  ];
  const rows = steps.map(([name, change]) => ({ name, change, result: newModel({ ...input, ...change }, d) }));
  // The leanest documented configuration keeps PITR and the 90-day retention: only billing choices and log levels change.
  const billing = rows.slice(0, 4).sort((a, b) => a.result.perBoardMonth - b.result.perBoardMonth)[0];
  rows.push({ name: "the 2 dashboards within the account's 3 free ones", change: { dashboards: 0 }, result: newModel({ ...input, dashboards: 0 }, d) });
  const lean = { ...billing.change, lambdaSystemLogs: false, dashboards: 0 };
  rows.push({ name: `leanest documented: ${billing.name === rows[0].name ? 'Standard, on-demand' : billing.name}, system logs at WARN, free dashboards; PITR on, 90 d`, change: lean, result: newModel({ ...input, ...lean }, d), leanest: true });
  return rows;
}

const FLAG_NAMES = ['boards', 'interval', 'upload-interval', 'retention-days', 'per-post', 'bytes-per-reading', 'wcu-per-post', 'rcu-per-post', 'log-bytes', 'lambda-ms',
  'sweep-ms-per-device', 'device-item-bytes', 'table-class', 'capacity', 'utilisation', 'pitr', 'alert-rate', 'alarm-minutes', 'emails', 'sms', 'sms-price', 'critical-share',
  'log-retention-days', 'alarms', 'dashboards', 'kms-keys', 'nat-gateways', 'min-instances', 'posts-per-instance', 'ebs-gb', 'fleets'];

export function parseCostArgs(args = process.argv.slice(2)) {
  const { values } = parseArgs({ args, options: { ...Object.fromEntries(FLAG_NAMES.map((n) => [n, { type: 'string' }])), json: { type: 'boolean' } }, strict: true });
  return values;
}

export function inputsFromFlags(flags) {
  const num = (k, d) => (flags[k] === undefined ? d : Number(flags[k]));
  const input = {
    boards: num('boards', 1000),
    interval: num('interval', 10),
    uploadInterval: num('upload-interval', 300),
    retentionDays: num('retention-days', 90),
    tableClass: flags['table-class'] ?? 'standard',
    capacity: flags.capacity ?? 'on-demand',
    utilisation: num('utilisation', 0.7),
    pitr: (flags.pitr ?? 'on') !== 'off',
    lambdaSystemLogs: true,
    alertRate: num('alert-rate', 1),
    alarmMinutes: num('alarm-minutes', 60),
    emails: num('emails', 2),
    sms: num('sms', 1),
    smsPrice: num('sms-price', P.smsPerMessage),
    criticalShare: num('critical-share', 0.5),
    logRetentionDays: num('log-retention-days', 30),
    alarms: num('alarms', 17),
    dashboards: num('dashboards', 2),
    kmsKeys: num('kms-keys', 2),
    natGateways: num('nat-gateways', 1),
    minInstances: num('min-instances', 2),
    postsPerInstance: num('posts-per-instance', 200),
    ebsGb: num('ebs-gb', 20),
  };
  const problems = [];
  for (const [k, v] of Object.entries(input)) if (typeof v === 'number' && !Number.isFinite(v)) problems.push(`a number is required for ${k}`);
  if (!(input.boards >= 1)) problems.push('--boards >= 1');
  if (!(input.interval > 0)) problems.push('--interval > 0 (seconds between readings)');
  if (!(input.uploadInterval >= input.interval)) problems.push('--upload-interval >= --interval');
  if (!['standard', 'standard-ia'].includes(input.tableClass)) problems.push('--table-class standard|standard-ia');
  if (!['on-demand', 'provisioned'].includes(input.capacity)) problems.push('--capacity on-demand|provisioned');
  if (!(input.utilisation > 0 && input.utilisation <= 1)) problems.push('--utilisation 0..1');
  for (const k of ['per-post', 'bytes-per-reading', 'wcu-per-post', 'rcu-per-post', 'log-bytes', 'lambda-ms']) {
    if (flags[k] !== undefined && !(Number(flags[k]) >= 0)) problems.push(`--${k} >= 0`);
  }
  if (problems.length) {
    console.error(`cost: ${problems.join('; ')}`);
    process.exit(2);
  }
  return input;
}

/** The old design at the same fleet (one reading every `interval` s, posted once a minute, as it did). */
const oldInputs = (input) => ({ ...input, readingsPerPost: 60 / input.interval >= 1 ? Math.round(60 / input.interval) : 1, mode: 'serverless', deviceSeries: 'logs', storage: 'per-reading', lambdaMs: undefined });

const usd = (v) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v >= 0.01 ? v.toFixed(4) : v.toFixed(6));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flags = parseCostArgs();
  const input = inputsFromFlags(flags);
  const d = designParameters(input, flags);
  const fleets = flags.fleets ? String(flags.fleets).split(',').map(Number) : [10, 1000, 100000];
  console.log(`\n${input.boards} boards, a reading every ${input.interval} s, ${input.retentionDays} d retention — ${prices.region} list prices (${prices.recorded}), no free tier\n`);
  const prow = [['parameter of the new design', 'value', 'measured / assumed', 'source']];
  for (const [k, p] of Object.entries(d)) prow.push([k, p.value, p.kind, p.source]);
  console.log(table(prow));

  const now = newModel(input, d);
  const old = oldModel(oldInputs(input));
  // Line by line, old beside new: the same groups, matched by name.
  const names = [...new Set([...old.lines, ...now.lines].map((l) => `${l.group}: ${l.name}`))];
  const find = (r, n) => r.lines.find((l) => `${l.group}: ${l.name}` === n);
  const rows = [['line', 'old $/board-month', 'new $/board-month', 'new: how']];
  for (const n of names) rows.push([n, usd(find(old, n)?.perBoardMonth ?? 0), usd(find(now, n)?.perBoardMonth ?? 0), find(now, n)?.detail ?? find(old, n)?.detail ?? '']);
  rows.push(['TOTAL', usd(old.perBoardMonth), usd(now.perBoardMonth), `new/old ${round(now.perBoardMonth / old.perBoardMonth, 3)}; without notification delivery (SNS) $${usd(now.platformPerBoardMonth)}`]);
  console.log(`\nold design: ${old.work.writesPerPost} WRU per post of ${oldInputs(input).readingsPerPost} readings (${old.work.detail})`);
  console.log(`new design: ${d.writeUnitsPerPost.value} WRU + ${d.readUnitsPerPost.value} RRU per post of ${d.readingsPerPost.value} readings, ${d.bytesPerReading.value} B stored per reading\n`);
  console.log(table(rows));

  const opts = options(input, d);
  const paths = [
    ['IoT Core with Basic Ingest', newModel(input, d, 'iot-basic-ingest')],
    ['IoT Core, normal topic (messaging billed)', newModel(input, d, 'iot')],
    ['physical floor: API Gateway + Lambda request + 1 WRU a post', newModel(input, d, 'floor')],
    ...unalignedPath(input, d),
    ['vpc mode (server variant: ALB, NAT, 2+ t4g.small)', newModel(input, d, 'vpc')],
  ];
  const orows = [[`${input.boards} boards: configuration`, '$/board-month', 'without SNS', 'dominant line']];
  const dominant = (r) => {
    const top = [...r.lines].sort((a, b) => b.fleetMonth - a.fleetMonth)[0];
    return `${top.group}: ${top.name} (${Math.round((100 * top.fleetMonth) / r.fleetMonth)}%)`;
  };
  for (const o of opts) orows.push([o.name, usd(o.result.perBoardMonth), usd(o.result.platformPerBoardMonth), dominant(o.result)]);
  for (const [name, r] of paths) orows.push([name, usd(r.perBoardMonth), usd(r.platformPerBoardMonth ?? r.perBoardMonth), dominant(r)]);
  console.log(`\n${table(orows)}`);

  const leanest = opts.find((o) => o.leanest);
  const byFleet = [];
  const frows = [['boards', 'old $/board-month', 'new defaults', 'new leanest', 'IoT Basic Ingest', 'floor', 'vpc mode', 'new defaults $/month', 'dominant line (defaults)']];
  for (const boards of fleets) {
    const f = { ...input, boards };
    const r = newModel(f, d);
    const l = newModel({ ...f, ...leanest.change }, d);
    const i = newModel(f, d, 'iot-basic-ingest');
    const fl = newModel(f, d, 'floor');
    const vpc = newModel(f, d, 'vpc');
    const o = oldModel(oldInputs(f));
    byFleet.push({ boards, oldPerBoardMonth: o.perBoardMonth, perBoardMonth: r.perBoardMonth, fleetMonth: r.fleetMonth, leanestPerBoardMonth: l.perBoardMonth, iotPerBoardMonth: i.perBoardMonth, floorPerBoardMonth: fl.perBoardMonth, vpcPerBoardMonth: vpc.perBoardMonth, dominant: dominant(r) });
    frows.push([boards, usd(o.perBoardMonth), usd(r.perBoardMonth), usd(l.perBoardMonth), usd(i.perBoardMonth), usd(fl.perBoardMonth), usd(vpc.perBoardMonth), usd(r.fleetMonth), dominant(r)]);
  }
  console.log(`\n${table(frows)}\n`);
  const at1000 = { ...input, boards: 1000 };
  const targets = {
    defaults: { target: 0.05, value: newModel(at1000, d).perBoardMonth },
    leanest: { target: 0.03, value: newModel({ ...at1000, ...leanest.change }, d).perBoardMonth, name: leanest.name },
  };
  console.log(`target: <= $0.05 per board-month at 1,000 boards, a reading every ${input.interval} s, defaults (on-demand, PITR on): $${usd(targets.defaults.value)} ${targets.defaults.value <= 0.05 ? 'met' : 'NOT met'}`);
  console.log(`target: <= $0.03 in the leanest documented configuration (${leanest.name}): $${usd(targets.leanest.value)} ${targets.leanest.value <= 0.03 ? 'met' : 'NOT met'}`);
  const assumed = Object.entries(d).filter(([, p]) => p.kind === 'assumed').map(([k]) => k);
  console.log(`assumed (not measured in this run): ${assumed.join(', ') || 'none'}`);

  // --- The optional front door (enable_front_door), added to either mode: bench/lib/front-door-cost.mjs.
  const frontDoor = fleets.map((boards) => ({ boards, ...frontDoorModel({ boards, postsPerBoard: now.postsPerBoard, readingsPerPost: d.readingsPerPost.value }, P) }));
  const fdrows = [['front door (CloudFront + WAF), added to either mode', ...frontDoor.map((f) => `${f.boards} boards $/month`)]];
  for (const [i, l] of frontDoor[0].lines.entries()) fdrows.push([l.name, ...frontDoor.map((f) => usd(f.lines[i].fleetMonth))]);
  fdrows.push(['TOTAL $/month', ...frontDoor.map((f) => usd(f.fleetMonth))], ['TOTAL $/board-month', ...frontDoor.map((f) => usd(f.perBoardMonth))]);
  console.log(`\n${table(fdrows)}`);
  if (flags.json) {
    const file = writeResult('cost', {
      prices: { region: prices.region, recorded: prices.recorded }, input, parameters: d,
      bill: now, old, options: opts.map((o) => ({ name: o.name, perBoardMonth: o.result.perBoardMonth, platformPerBoardMonth: o.result.platformPerBoardMonth, dominant: dominant(o.result) })),
      paths: paths.map(([name, r]) => ({ name, perBoardMonth: r.perBoardMonth })), fleets: byFleet, targets,
      frontDoor: frontDoor.map((f) => ({ boards: f.boards, fleetMonth: f.fleetMonth, perBoardMonth: f.perBoardMonth })),
    });
    console.log(`cost: results in ${file}`);
  }
}
