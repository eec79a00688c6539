#!/usr/bin/env node
// The monthly AWS bill of a fleet, line by line, from list prices kept in
// bench/prices.json and the work the code does per post (counted from the
// source, see WORK below), with the Lambda duration, log bytes and item sizes
// measured by bench/coldstart.mjs when its result is present.
//
//   node bench/cost.mjs [--boards 1000] [--interval 10] [--per-post 6] [--retention-days 90]
//                       [--alert-rate 1] [--mode serverless|vpc] [--device-series logs|metrics|off]
//                       [--storage per-reading|per-post] [--capacity on-demand|provisioned] [--utilisation 0.7]
//                       [--pitr on|off] [--lambda-ms <override>] [--emails 2] [--sms 1]
//                       [--sms-price 0.0083] [--fleets 10,1000,100000] [--json]
//
// Side by side, the same fleet on AWS IoT Core (MQTT, one message per post,
// a rule with two actions: DynamoDBv2 storing the message as one item, and a
// Lambda evaluating the alerts), from the same prices.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDir, normalReading, parseFlags, readResult, round, table, writeResult } from './lib/common.mjs';
import { itemSize, rruStrong, wru } from './lib/ddb-size.mjs';

export const prices = JSON.parse(readFileSync(join(benchDir, 'prices.json'), 'utf8'));
const P = Object.fromEntries(Object.entries(prices.prices).map(([k, v]) => [k, v.value]));
const HOURS = prices.hoursPerMonth; // 730
const SECONDS = HOURS * 3600;
const GIB = 2 ** 30;

/**
 * Defaults used when bench/results/coldstart.json is absent (figures of one
 * run of bench/coldstart.mjs on the reference machine, docs/performance.md).
 */
export const DEFAULT_MEASURED = {
  source: 'defaults (run bench/coldstart.mjs to measure)',
  ingestWarmMsPerPost6: 60,
  ingestLogBytesPerPost6: { logs: 3900, metrics: 7600, off: 1500 },
  ingestLogLinesPerPost6: { logs: 9, metrics: 33, off: 3 },
  sweepMsPerDevice: 1.5,
  memoryMB: 512,
  readingItemBytes: 274,
  deviceItemBytes: 330,
  alertStateItemBytes: 1450,
};

export function measuredInputs() {
  const cs = readResult('coldstart');
  if (!cs?.lambda || !cs?.itemSizes) return { ...DEFAULT_MEASURED };
  return {
    source: `bench/results/coldstart.json (${cs.at})`,
    ingestWarmMsPerPost6: cs.lambda.ingestWarmMsPerPost6,
    ingestLogBytesPerPost6: cs.lambda.ingestLogBytesPerPost6,
    ingestLogLinesPerPost6: cs.lambda.ingestLogLinesPerPost6,
    sweepMsPerDevice: cs.lambda.sweepMsPerDevice,
    memoryMB: cs.lambda.memoryMB,
    readingItemBytes: cs.itemSizes.readingItemBytes,
    deviceItemBytes: cs.itemSizes.deviceItemBytes,
    alertStateItemBytes: cs.itemSizes.alertStateItemBytes,
  };
}

/**
 * Custom metrics the platform emits whatever the fleet size (name + dimension
 * sets, Powertools adds `service`), counted from the telemetry calls in src/:
 *  ingest: ReadingsAccepted, ReadingsDuplicate, BatchSize, IngestLag, ReadingsRejected x3 reasons = 7
 *  ColdStart x3 functions = 3
 *  AlertTransitions by kind/severity/transition seen in practice: co2 6, fire 3, heat 3, smoke 3, offline 2 = 17
 *  NotificationsPublished, NotificationsFailed, from ingest and sweep = 4
 *  sweep: OfflineDevices, PendingNotifications, OldestPendingNotificationAge, SweepRuns = 4
 *  AlertTransitions emitted by the sweep (offline raised, reminders) = 3
 */
export const FIXED_CUSTOM_METRICS = 38;
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
export function dynamoWork(m, { readingsPerPost, storage }) {
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

export function model(input, m = measuredInputs()) {
  const { boards, interval, readingsPerPost, retentionDays, alertRate, mode, deviceSeries, storage, pitr, emails, sms, smsPrice, criticalShare } = input;
  const readingsPerBoard = SECONDS / interval;
  const postsPerBoard = readingsPerBoard / readingsPerPost;
  const posts = postsPerBoard * boards;
  const gb = m.memoryMB / 1024;
  const lines = [];
  const add = (group, name, fleetMonth, detail) => lines.push({ group, name, fleetMonth, perBoardMonth: fleetMonth / boards, detail });

  const work = dynamoWork(m, { readingsPerPost, storage });
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
  // Fixed: terraform/modules/observability and alerts (2 dashboards, ~15 alarms, 2 KMS keys: alerts and ops topics),
  // and in logs mode the 4 fleet metrics its metric filters make from the reading lines.
  if (input.alarms > 0) add('CloudWatch', 'alarms (fleet)', input.alarms * P.cloudwatchAlarmPerMonth, `${input.alarms} alarms`);
  if (input.dashboards > 0) add('CloudWatch', 'dashboards (fleet)', input.dashboards * P.cloudwatchDashboardPerMonth, `${input.dashboards} dashboards (free if the account has fewer than 3 others)`);
  if (deviceSeries === 'logs') add('CloudWatch', 'fleet metrics from log lines', 4 * P.cloudwatchCustomMetricPerMonth, 'FleetCO2, FleetTemperature, FleetSmoke, FleetFlameReadings');
  if (input.kmsKeys > 0) add('KMS', 'keys (fleet)', input.kmsKeys * P.kmsKeyPerMonth, `${input.kmsKeys} customer managed keys (SNS topics)`);

  const total = lines.reduce((n, l) => n + l.fleetMonth, 0);
  return { input, measured: m, readingsPerBoard, postsPerBoard, work, lines, fleetMonth: total, perBoardMonth: total / boards };
}

/** The same fleet on AWS IoT Core: MQTT publish per post, a rule with DynamoDBv2 + Lambda actions. */
export function iotModel(input, m = measuredInputs()) {
  const { boards, interval, readingsPerPost, retentionDays, alertRate, pitr, emails, sms, smsPrice, criticalShare } = input;
  const readingsPerBoard = SECONDS / interval;
  const posts = (readingsPerBoard / readingsPerPost) * boards;
  const gb = m.memoryMB / 1024;
  const lines = [];
  const add = (group, name, fleetMonth, detail) => lines.push({ group, name, fleetMonth, perBoardMonth: fleetMonth / boards, detail });
  const message = itemSize(perPostItem(readingsPerPost)); // JSON is a little larger than the item; well under 5 KB
  const units = Math.max(1, Math.ceil((message * 1.3) / 5120));
  add('IoT Core', 'connectivity', (boards * HOURS * 60 * P.iotConnectivityPerMillionMinutes) / 1e6, 'always connected (MQTT keep-alive pings are free)');
  add('IoT Core', 'messaging', (posts * units * P.iotMessagingPerMillion) / 1e6, `one publish per post (${units} x 5 KB)`);
  add('IoT Core', 'rules triggered', (posts * units * P.iotRulesTriggeredPerMillion) / 1e6, '');
  add('IoT Core', 'actions', (posts * 2 * P.iotActionsPerMillion) / 1e6, 'DynamoDBv2 (store) + Lambda (alerts)');
  const itemBytes = message;
  const alertPartition = m.deviceItemBytes + m.alertStateItemBytes;
  const writes = wru(itemBytes) + wru(m.alertStateItemBytes) + wru(m.deviceItemBytes);
  add('DynamoDB', 'writes', (posts * writes * P.dynamoWritePerMillion) / 1e6, `${writes} WRU per message: the message as one item (${itemBytes} B) + alert state + device (latest, lastSeenAt)`);
  add('DynamoDB', 'reads', (posts * rruStrong(alertPartition) * P.dynamoReadPerMillion) / 1e6, 'the alert Lambda reads the device partition');
  const storedGb = (((retentionDays * 86400) / interval / readingsPerPost) * (itemBytes + 100) * boards) / GIB;
  add('DynamoDB', 'storage', storedGb * P.dynamoStoragePerGbMonth, `one item per message, ${round((itemBytes + 100) / readingsPerPost, 0)} B per reading`);
  if (pitr) add('DynamoDB', 'point-in-time recovery', storedGb * P.dynamoPitrPerGbMonth, '');
  // The alert Lambda: the evaluation part of a post (no HTTP, no per-reading writes): ~half the measured ingest time.
  const ms = Math.max(10, m.ingestWarmMsPerPost6 * 0.5);
  add('Lambda', 'alert evaluation', posts * (P.lambdaRequestsPerMillion / 1e6 + (Math.ceil(ms) / 1000) * gb * P.lambdaArmPerGbSecond), `${round(ms, 0)} ms x ${m.memoryMB} MB per message`);
  const aw = alertWork(m);
  add('DynamoDB', 'alert writes', (alertRate * boards * aw.writes * P.dynamoWritePerMillion) / 1e6, '');
  add('SNS', 'publishes, e-mail, SMS', alertRate * boards * 2 * (P.snsPublishPerMillion / 1e6 + (emails * P.snsEmailPer100k) / 1e5 + sms * criticalShare * smsPrice), '');
  add('CloudWatch', 'custom metrics (fleet)', FIXED_CUSTOM_METRICS * P.cloudwatchCustomMetricPerMonth, '');
  add('CloudWatch', 'alarms, dashboards, KMS (fleet)', input.alarms * P.cloudwatchAlarmPerMonth + input.dashboards * P.cloudwatchDashboardPerMonth + input.kmsKeys * P.kmsKeyPerMonth, 'as ours');
  const logGb = (posts * (LAMBDA_PLATFORM_BYTES + 300 + 4 * EVENT_OVERHEAD)) / GIB;
  add('CloudWatch', 'logs ingestion', logGb * P.logsIngestionPerGb, 'Lambda platform lines + one line per message (IoT Core logging off)');
  const total = lines.reduce((n, l) => n + l.fleetMonth, 0);
  return { lines, fleetMonth: total, perBoardMonth: total / boards };
}

export function inputsFromFlags(flags) {
  const num = (k, d) => (flags[k] === undefined ? d : Number(flags[k]));
  const input = {
    boards: num('boards', 1000),
    interval: num('interval', 10),
    readingsPerPost: num('per-post', 6),
    retentionDays: num('retention-days', 90),
    alertRate: num('alert-rate', 1),
    mode: flags.mode ?? 'serverless',
    deviceSeries: flags['device-series'] ?? 'logs',
    storage: flags.storage ?? 'per-reading',
    capacity: flags.capacity ?? 'on-demand',
    utilisation: num('utilisation', 0.7),
    lambdaMs: flags['lambda-ms'] === undefined ? undefined : Number(flags['lambda-ms']),
    pitr: (flags.pitr ?? 'on') !== 'off',
    emails: num('emails', 2),
    sms: num('sms', 1),
    smsPrice: num('sms-price', P.smsPerMessage),
    criticalShare: num('critical-share', 0.5),
    logRetentionDays: num('log-retention-days', 30),
    natGateways: num('nat-gateways', 1),
    minInstances: num('min-instances', 2),
    postsPerInstance: num('posts-per-instance', 200),
    ebsGb: num('ebs-gb', 20),
    alarms: num('alarms', 15),
    dashboards: num('dashboards', 2),
    kmsKeys: num('kms-keys', 2),
  };
  const problems = [];
  if (!(input.boards >= 1)) problems.push('--boards >= 1');
  if (!(input.interval > 0)) problems.push('--interval > 0 (seconds between readings)');
  if (!(input.readingsPerPost >= 1 && input.readingsPerPost <= 500)) problems.push('--per-post 1..500');
  if (!['serverless', 'vpc'].includes(input.mode)) problems.push('--mode serverless|vpc');
  if (!['logs', 'metrics', 'off'].includes(input.deviceSeries)) problems.push('--device-series logs|metrics|off');
  if (!['per-reading', 'per-post'].includes(input.storage)) problems.push('--storage per-reading|per-post');
  if (!['on-demand', 'provisioned'].includes(input.capacity)) problems.push('--capacity on-demand|provisioned');
  if (!(input.utilisation > 0 && input.utilisation <= 1)) problems.push('--utilisation 0..1');
  if (problems.length) {
    console.error(`cost: ${problems.join('; ')}`);
    process.exit(2);
  }
  return input;
}

const usd = (v) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v >= 0.01 ? v.toFixed(4) : v.toFixed(6));

function printBill(result, iot) {
  const { input } = result;
  console.log(`\n${input.boards} boards, a reading every ${input.interval} s, ${input.readingsPerPost} per post, ${input.retentionDays} d retention, mode ${input.mode}, DEVICE_SERIES=${input.deviceSeries}, storage ${input.storage}, DynamoDB ${input.capacity}, PITR ${input.pitr ? 'on' : 'off'} — ${prices.region} list prices (${prices.recorded})`);
  console.log(`measured inputs: ${result.measured.source}\n`);
  const rows = [['line', '$/board-month', '$/month (fleet)', 'how']];
  for (const l of result.lines) rows.push([`${l.group}: ${l.name}`, usd(l.perBoardMonth), usd(l.fleetMonth), l.detail]);
  rows.push(['TOTAL', usd(result.perBoardMonth), usd(result.fleetMonth), '']);
  console.log(table(rows));
  const irows = [['same fleet on IoT Core', '$/board-month', '$/month (fleet)', 'how']];
  for (const l of iot.lines) irows.push([`${l.group}: ${l.name}`, usd(l.perBoardMonth), usd(l.fleetMonth), l.detail]);
  irows.push(['TOTAL (IoT Core)', usd(iot.perBoardMonth), usd(iot.fleetMonth), '']);
  console.log(`\n${table(irows)}`);
}

/** What moves the bill: the default fleet with one change at a time, then all together. */
export function levers(base) {
  const steps = [
    ['as built', {}],
    ["the agent's default upload cadence (1 reading a post)", { readingsPerPost: 1 }],
    ['DEVICE_SERIES=off', { deviceSeries: 'off' }],
    ['one item per post (what-if)', { storage: 'per-post' }],
    ['PITR off', { pitr: false }],
    ['retention 30 d', { retentionDays: 30 }],
    ['a post every 5 min (30 readings)', { readingsPerPost: 30 }],
    ['provisioned capacity, 70% utilised', { capacity: 'provisioned' }],
    ['per post + series off', { storage: 'per-post', deviceSeries: 'off' }],
    ['per post + series off + provisioned', { storage: 'per-post', deviceSeries: 'off', capacity: 'provisioned' }],
    ['per post + series off + provisioned + PITR off', { storage: 'per-post', deviceSeries: 'off', capacity: 'provisioned', pitr: false }],
    ['per post + series off + 5-min posts', { storage: 'per-post', deviceSeries: 'off', readingsPerPost: 30 }],
    ['per post + series off + 5-min posts + provisioned', { storage: 'per-post', deviceSeries: 'off', readingsPerPost: 30, capacity: 'provisioned' }],
    ['per post + series off + 5-min posts + provisioned + PITR off', { storage: 'per-post', deviceSeries: 'off', readingsPerPost: 30, capacity: 'provisioned', pitr: false }],
  ];
  return steps.map(([name, change]) => {
    const r = model({ ...base, ...change });
    const top = [...r.lines].sort((a, b) => b.fleetMonth - a.fleetMonth)[0];
    return { name, perBoardMonth: r.perBoardMonth, dominant: `${top.group}: ${top.name} (${Math.round((100 * top.fleetMonth) / r.fleetMonth)}%)` };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flags = parseFlags();
  const input = inputsFromFlags(flags);
  const fleets = flags.fleets ? String(flags.fleets).split(',').map(Number) : [10, 1000, 100000];
  const main = model(input);
  const iot = iotModel(input);
  printBill(main, iot);
  // The fleets side by side.
  const frows = [['boards', `${input.mode} $/board-month`, '$/month', 'IoT Core $/board-month', 'IoT/ours', 'dominant line']];
  const byFleet = [];
  for (const boards of fleets) {
    const r = model({ ...input, boards });
    const i = iotModel({ ...input, boards });
    const top = [...r.lines].sort((a, b) => b.fleetMonth - a.fleetMonth)[0];
    const dominant = `${top.group}: ${top.name} (${Math.round((100 * top.fleetMonth) / r.fleetMonth)}%)`;
    byFleet.push({ boards, perBoardMonth: r.perBoardMonth, fleetMonth: r.fleetMonth, iotPerBoardMonth: i.perBoardMonth, dominant, lines: r.lines.map((l) => ({ line: `${l.group}: ${l.name}`, perBoardMonth: l.perBoardMonth })) });
    frows.push([boards, usd(r.perBoardMonth), usd(r.fleetMonth), usd(i.perBoardMonth), round(i.perBoardMonth / r.perBoardMonth, 2), dominant]);
  }
  console.log(`\n${table(frows)}`);
  const lv = levers({ ...input, boards: 1000, mode: 'serverless' });
  const lrows = [['1,000 boards, serverless: one change at a time', '$/board-month', 'dominant line']];
  for (const l of lv) lrows.push([l.name, usd(l.perBoardMonth), l.dominant]);
  console.log(`\n${table(lrows)}\n`);
  const target = 0.1;
  console.log(`target $${target}/board-month (serverless, 1 reading / 10 s, posted once a minute): ${lv[0].perBoardMonth <= target ? 'met' : `NOT met as built ($${usd(lv[0].perBoardMonth)})`}`);
  if (flags.json || flags.write) {
    const file = writeResult('cost', { prices: { region: prices.region, recorded: prices.recorded }, input, bill: main, iot, fleets: byFleet, levers: lv });
    console.log(`cost: results in ${file}`);
  }
}
