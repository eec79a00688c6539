import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createApiDeps } from '../../src/adapters/compose.js';
import { createLocalClients, type DynamoClients } from '../../src/adapters/dynamodb/client.js';
import { ensureTables } from '../../src/adapters/dynamodb/create-tables.js';
import { tableNamesForPrefix } from '../../src/adapters/dynamodb/tables.js';
import { createApi } from '../../src/adapters/http/api.js';
import { managementRoutes } from '../../src/adapters/http/management-routes.js';
import { ingestRoutes } from '../../src/adapters/http/routes.js';
import type { HttpApp } from '../../src/adapters/http/types.js';
import { createObservability } from '../../src/adapters/observability/powertools.js';
import { StaticAdminToken } from '../../src/adapters/static-admin-token.js';
import { parseSettings } from '../../src/app/settings.js';
import { dynamoDbLocalJar, javaVersion, startDynaliteEngine, startDynamoDbLocal, type Engine } from '../helpers/dynamo-engines.js';
import { toolMissing } from '../helpers/require-tool.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../../src/adapters/dynamodb/tables.js';

const ADMIN = 'aggregates-admin-token-0123456789';
const engines: { name: string; start: () => Promise<Engine> }[] = [{ name: 'dynalite', start: startDynaliteEngine }];
const java = javaVersion();
if (java !== undefined && java >= 17 && dynamoDbLocalJar()) engines.push({ name: 'DynamoDB Local', start: startDynamoDbLocal });
else toolMissing('java 17+ with DynamoDB Local', java === undefined ? 'java not found' : `java ${java}, or the jar is missing`);

type Sent = { id: string; ts: string; co2?: number; temperature?: number; humidity?: number; smoke?: number; flame?: boolean };

/** A seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** The slow, obvious computation the route must agree with. */
function bruteForce(readings: Sent[], fromMs: number, toMs: number, step: number) {
  const inRange = readings.filter((r) => Date.parse(r.ts) >= fromMs && Date.parse(r.ts) < toMs);
  const starts = [...new Set(inRange.map((r) => Math.floor(Date.parse(r.ts) / 1000 / step) * step))].sort((a, b) => a - b);
  return starts.map((start) => {
    const members = inRange.filter((r) => Math.floor(Date.parse(r.ts) / 1000 / step) * step === start);
    const item: Record<string, unknown> = { ts: new Date(start * 1000).toISOString(), count: members.length };
    for (const f of ['co2', 'temperature', 'humidity', 'smoke'] as const) {
      const values = members.map((m) => m[f]).filter((x): x is number => x !== undefined);
      if (values.length) item[f] = { min: Math.min(...values), max: Math.max(...values), avg: values.reduce((a, b) => a + b, 0) / values.length };
    }
    const flames = members.map((m) => m.flame).filter((x): x is boolean => x !== undefined);
    if (flames.length) item.flame = { any: flames.some(Boolean) };
    return item;
  });
}

/** Averages apart (summed in another order they may differ in the last bits), then the averages within 1e-9. */
const withoutAvg = (items: Record<string, unknown>[]) =>
  items.map((item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v && typeof v === 'object' && 'avg' in v ? { ...v, avg: 0 } : v])));
const avgs = (items: Record<string, unknown>[]) =>
  items.flatMap((item) => Object.values(item).flatMap((v) => (v && typeof v === 'object' && 'avg' in v ? [v.avg as number] : [])));

describe.each(engines)('GET /v1/devices/{deviceId}/aggregates on $name', ({ start }) => {
  let engine: Engine;
  let clients: DynamoClients;
  let api: HttpApp;
  let tables: TableNames;
  const first: Sent[] = [];
  const base = Date.UTC(2026, 10, 20, 23, 17, 0);
  const to = new Date(base + 3 * 86400_000).toISOString();
  const from = new Date(base).toISOString();

  const call = async (method: string, path: string, body?: unknown, token = ADMIN) => {
    const [p, q = ''] = path.split('?');
    const answer = await api({
      method,
      path: p!,
      query: Object.fromEntries(new URLSearchParams(q)),
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? Buffer.from(JSON.stringify(body)) : undefined,
      requestId: randomUUID(),
    });
    return { status: answer.status, body: answer.body ? JSON.parse(String(answer.body)) : undefined };
  };

  beforeAll(async () => {
    engine = await start();
    clients = createLocalClients(engine.endpoint);
    tables = tableNamesForPrefix(`a${randomUUID().slice(0, 8)}`);
    await ensureTables(clients.base, tables);
    const obs = createObservability('local');
    const deps = createApiDeps({
      db: clients.db,
      tables,
      admin: new StaticAdminToken(ADMIN),
      settings: parseSettings({}),
      log: obs.logger,
      telemetry: obs.telemetry,
      notifier: { publish: async () => undefined },
    });
    const management = createApi(managementRoutes(deps), obs.logger);
    const ingest = createApi(ingestRoutes(deps), obs.logger);
    api = (request) => (request.path === '/v1/readings' ? ingest(request) : management(request));
    const registered = await call('POST', '/v1/devices', { deviceId: 'agg-1' });
    expect(registered.status).toBe(201);
    const key = registered.body.key as string;
    // 1,500 random readings over 3 days (in and a little outside the range), some measurements absent.
    const rnd = random(16);
    const all: Sent[] = Array.from({ length: 1500 }, (_, i) => {
      const r: Sent = { id: `r${i}`, ts: new Date(base - 3_600_000 + Math.floor(rnd() * (3 * 86400 + 7200)) * 1000).toISOString() };
      if (rnd() < 0.9) r.co2 = 400 + Math.floor(rnd() * 2000);
      if (rnd() < 0.8) r.temperature = Math.round((15 + rnd() * 15) * 10) / 10;
      if (rnd() < 0.5) r.humidity = Math.round(rnd() * 1000) / 10;
      if (rnd() < 0.5) r.smoke = Math.round(rnd() * 1000) / 1000;
      if (rnd() < 0.3) r.flame = rnd() < 0.05;
      if (!('co2' in r) && !('temperature' in r)) r.co2 = 500;
      return r;
    });
    first.push(...all);
    for (let i = 0; i < all.length; i += 250) {
      const batch = all.slice(i, i + 250);
      expect((await call('POST', '/v1/readings', { deviceId: 'agg-1', readings: batch }, key)).status).toBe(200);
      // A retry of the same batch, then a "retry" whose values changed: the first stored version must win.
      expect((await call('POST', '/v1/readings', { deviceId: 'agg-1', readings: batch }, key)).status).toBe(200);
      const altered = batch.slice(0, 50).map((r) => ({ ...r, co2: 9999 }));
      expect((await call('POST', '/v1/readings', { deviceId: 'agg-1', readings: altered }, key)).status).toBe(200);
    }
  }, 120_000);
  afterAll(async () => {
    clients?.base.destroy();
    await engine?.stop();
  });

  it.each([60, 300, 900, 3600, 86400])('step %i equals a brute-force computation over the raw readings', async (step) => {
    const fromMs = Date.parse(from);
    const toMs = step === 60 ? fromMs + 2000 * 60_000 : Date.parse(to);
    const answer = await call('GET', `/v1/devices/agg-1/aggregates?from=${from}&to=${new Date(toMs).toISOString()}&step=${step}`);
    expect(answer.status).toBe(200);
    const expected = bruteForce(first, fromMs, toMs, step);
    expect(expected.length).toBeGreaterThan(0);
    expect(withoutAvg(answer.body.items)).toEqual(withoutAvg(expected));
    const got = avgs(answer.body.items);
    avgs(expected).forEach((avg, i) => expect(Math.abs(got[i]! - avg)).toBeLessThan(1e-9));
    if (step === 86400) expect(answer.body.items[0].ts).toBe('2026-11-20T00:00:00.000Z');
  });

  it('keeps hourly roll-ups that never show in the readings route, its CSV or the air-quality report', async () => {
    // The readings were posted days after their ts (late): every hour was marked; a chart read rolls them up.
    expect((await call('GET', `/v1/devices/agg-1/aggregates?from=${from}&to=${to}&step=3600`)).status).toBe(200);
    const rollups = await clients.db.send(
      new QueryCommand({ TableName: tables.readings, KeyConditionExpression: 'deviceId = :d AND begins_with(#b, :h)', ExpressionAttributeNames: { '#b': 'bucket' }, ExpressionAttributeValues: { ':d': 'agg-1', ':h': 'h' }, ConsistentRead: true }),
    );
    expect(rollups.Items?.filter((i) => typeof i.agg === 'string').length).toBeGreaterThan(60);
    const wide = { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' };
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('GET', `/v1/devices/agg-1/readings?from=${wide.from}&to=${wide.to}&limit=400${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      for (const item of page.body.items as Record<string, unknown>[]) {
        expect(Object.keys(item).every((k) => ['id', 'ts', 'co2', 'temperature', 'humidity', 'smoke', 'flame', 'faults', 'receivedAt'].includes(k))).toBe(true);
        ids.push(item.id as string);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids.sort()).toEqual(first.map((r) => r.id).sort());
    const csv = await api({ method: 'GET', path: '/v1/devices/agg-1/readings', query: { ...wide, limit: '10000', format: 'csv' }, headers: { authorization: `Bearer ${ADMIN}` }, body: undefined, requestId: randomUUID() });
    expect(csv.status).toBe(200);
    const lines = String(csv.body).trim().split(/\r?\n/);
    expect(lines).toHaveLength(1 + first.length);
    expect(lines.slice(1).map((line) => line.split(',')[0]).sort()).toEqual(first.map((r) => r.id).sort());
    const report = await call('GET', `/v1/reports/air-quality?from=${wide.from}&to=${wide.to}&deviceId=agg-1`);
    expect(report.status).toBe(200);
    expect(report.body.items.map((i: { deviceId: string; readings: number }) => [i.deviceId, i.readings])).toEqual([['agg-1', first.length]]);
  });

  it.each([
    ['step=120', 'step'],
    ['step=60&span=2001', 'step'],
    ['step=abc', 'step'],
    ['', 'step'],
    ['step=60&nofrom', 'from'],
  ])('answers 400 validation_failed for %s', async (extra, path) => {
    const span = extra.includes('span=2001') ? 2001 * 60_000 : 3_600_000;
    const f = extra.includes('nofrom') ? '' : `from=${from}&`;
    const answer = await call('GET', `/v1/devices/agg-1/aggregates?${f}to=${new Date(Date.parse(from) + span).toISOString()}&${extra.replace(/&(span=2001|nofrom)$/, '')}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(answer.body.error.details[0].path).toBe(path);
  });

  it('answers 404 for an unknown device and 401 without a token', async () => {
    expect((await call('GET', `/v1/devices/nobody/aggregates?from=${from}&to=${to}&step=3600`)).status).toBe(404);
    expect((await call('GET', `/v1/devices/agg-1/aggregates?from=${from}&to=${to}&step=3600`, undefined, 'wrong')).status).toBe(401);
  });
});
