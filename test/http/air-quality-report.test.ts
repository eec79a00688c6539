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
import { checkAgainstDocument } from '../helpers/openapi-check.js';
import { toolMissing } from '../helpers/require-tool.js';

const ADMIN = 'report-admin-token-0123456789abcdef';
const engines: { name: string; start: () => Promise<Engine> }[] = [{ name: 'dynalite', start: startDynaliteEngine }];
const java = javaVersion();
if (java !== undefined && java >= 17 && dynamoDbLocalJar()) engines.push({ name: 'DynamoDB Local', start: startDynamoDbLocal });
else toolMissing('java 17+ with DynamoDB Local', java === undefined ? 'java not found' : `java ${java}, or the jar is missing`);

type Sent = { id?: string; ts: string; co2?: number; temperature?: number };

function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Europe/Paris by its rules, written out (not through Intl): CEST from the last Sunday of March to the last Sunday of October, 01:00 UTC. */
function parisLocal(ms: number): { weekday: number; minute: number } {
  const year = new Date(ms).getUTCFullYear();
  const lastSunday = (month: number) => {
    const d = new Date(Date.UTC(year, month + 1, 0, 1));
    return d.getTime() - d.getUTCDay() * 86_400_000;
  };
  const offset = ms >= lastSunday(2) && ms < lastSunday(9) ? 120 : 60;
  const local = new Date(ms + offset * 60_000);
  return { weekday: (local.getUTCDay() + 6) % 7, minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}
/** OCCUPIED_HOURS "Mon-Fri 08:00-18:00, Sat 09:00-12:00" written out. */
const occupied = (ms: number) => {
  const { weekday, minute } = parisLocal(ms);
  return (weekday <= 4 && minute >= 480 && minute < 1080) || (weekday === 5 && minute >= 540 && minute < 720);
};

/** The slow, obvious computation the route must agree with: first stored version of each identity, then the definitions. */
function bruteForce(posted: Sent[], fromMs: number, toMs: number) {
  const first = new Map<string, Sent>();
  for (const r of posted) {
    const identity = r.id !== undefined ? `id:${r.id}` : `ts:${Date.parse(r.ts)}`;
    if (!first.has(identity)) first.set(identity, r);
  }
  const inRange = [...first.values()].filter((r) => Date.parse(r.ts) >= fromMs && Date.parse(r.ts) < toMs);
  const B = 300_000;
  const total = Math.ceil(toMs / B) - Math.floor(fromMs / B);
  const held = new Set(inRange.map((r) => Math.floor(Date.parse(r.ts) / B)));
  const co2 = inRange.filter((r) => r.co2 !== undefined);
  const byBucket = new Map<number, number[]>();
  for (const r of co2) byBucket.set(Math.floor(Date.parse(r.ts) / B), [...(byBucket.get(Math.floor(Date.parse(r.ts) / B)) ?? []), r.co2!]);
  const means = [...byBucket.values()].map((vs) => vs.reduce((a, b) => a + b, 0) / vs.length);
  const hours = (level: number) => (means.filter((m) => m > level).length * 5) / 60;
  const occ = co2.filter((r) => occupied(Date.parse(r.ts)));
  const occBuckets = new Set(occ.map((r) => Math.floor(Date.parse(r.ts) / B)));
  const f1 = occ.filter((r) => r.co2! >= 1000 && r.co2! <= 1700).length / occ.length;
  const f2 = occ.filter((r) => r.co2! > 1700).length / occ.length;
  return {
    readings: inRange.length,
    coverage: held.size / total,
    co2: {
      max: co2.length ? Math.max(...co2.map((r) => r.co2!)) : null,
      avg: co2.length ? co2.reduce((a, r) => a + r.co2!, 0) / co2.length : null,
      hoursAbove: { '800': hours(800), '1000': hours(1000), '1500': hours(1500) },
    },
    icone: occBuckets.size >= 12 ? Math.round((2.5 / Math.log10(2)) * Math.log10(1 + f1 + 3 * f2)) : null,
  };
}

describe.each(engines)('GET /v1/reports/air-quality on $name', ({ start }) => {
  let engine: Engine;
  let clients: DynamoClients;
  let api: HttpApp;
  const posted = new Map<string, Sent[]>();
  // Friday 23 to Tuesday 27 October 2026: Paris leaves summer time on Sunday 25. `from` is not on a 5-minute boundary.
  const from = '2026-10-23T00:02:30.000Z';
  const to = '2026-10-27T00:00:00.000Z';

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
    const parsed = answer.body ? JSON.parse(String(answer.body)) : undefined;
    checkAgainstDocument(method, path, answer.status, new Headers(answer.headers), parsed);
    return { status: answer.status, body: parsed };
  };

  beforeAll(async () => {
    engine = await start();
    clients = createLocalClients(engine.endpoint);
    const tables = tableNamesForPrefix(`q${randomUUID().slice(0, 8)}`);
    await ensureTables(clients.base, tables);
    const obs = createObservability('local');
    const deps = createApiDeps({
      db: clients.db,
      tables,
      admin: new StaticAdminToken(ADMIN),
      // Fixed dates in the past: a long retention keeps them storable.
      settings: parseSettings({ RETENTION_DAYS: '3650', OCCUPIED_HOURS: 'Mon-Fri 08:00-18:00, Sat 09:00-12:00', TIMEZONE: 'Europe/Paris' }),
      log: obs.logger,
      telemetry: obs.telemetry,
      notifier: { publish: async () => undefined },
    });
    const management = createApi(managementRoutes(deps), obs.logger);
    const ingest = createApi(ingestRoutes(deps), obs.logger);
    api = (request) => (request.path === '/v1/readings' ? ingest(request) : management(request));
    const rnd = random(1616);
    const fromMs = Date.parse(from);
    for (const [deviceId, count, name] of [['room-a', 1800, 'Salle 101, "A"'], ['room-b', 900, undefined], ['room-empty', 0, 'Vide']] as const) {
      const registered = await call('POST', '/v1/devices', { deviceId, ...(name ? { name, location: 'Bâtiment A' } : {}) });
      expect(registered.status).toBe(201);
      const key = registered.body.key as string;
      const all: Sent[] = Array.from({ length: count }, (_, i) => {
        // In the range and an hour either side of it, second resolution; a fifth without id (identity = ts).
        const r: Sent = { ts: new Date(fromMs - 3_600_000 + Math.floor(rnd() * (4 * 86400 + 7200)) * 1000).toISOString() };
        if (rnd() < 0.8) r.id = `${deviceId}-${i}`;
        if (rnd() < 0.9) r.co2 = Math.floor(400 + (deviceId === 'room-b' ? rnd() * 3000 : rnd() * rnd() * 2200));
        else r.temperature = 21;
        return r;
      });
      const sent: Sent[] = [];
      for (let i = 0; i < all.length; i += 300) {
        const batch = all.slice(i, i + 300);
        for (const attempt of [batch, batch, batch.slice(0, 60).map((r) => ({ ...r, co2: 9999 }))]) {
          // A batch, its retry, and a "retry" whose values changed: the first stored version stands.
          const answer = await call('POST', '/v1/readings', { deviceId, readings: dedupeInBatch(attempt) }, key);
          expect(answer.status).toBe(200);
          sent.push(...dedupeInBatch(attempt));
        }
      }
      posted.set(deviceId, sent);
    }
    expect((await call('DELETE', '/v1/devices/room-b')).status).toBe(204);
  }, 180_000);
  afterAll(async () => {
    clients?.base.destroy();
    await engine?.stop();
  });

  it('equals a brute-force computation over the raw readings, per room, in deviceId order', async () => {
    const answer = await call('GET', `/v1/reports/air-quality?from=${from}&to=${to}`);
    expect(answer.status).toBe(200);
    expect(answer.body.from).toBe(from);
    expect(answer.body.to).toBe(to);
    expect(answer.body.occupiedHours).toBe('Mon-Fri 08:00-18:00, Sat 09:00-12:00');
    expect(answer.body.timeZone).toBe('Europe/Paris');
    expect(answer.body.items.map((i: { deviceId: string }) => i.deviceId)).toEqual(['room-a', 'room-b', 'room-empty']);
    for (const item of answer.body.items) {
      const expected = bruteForce(posted.get(item.deviceId) ?? [], Date.parse(from), Date.parse(to));
      const { deviceId, name, location, co2, ...rest } = item;
      const { co2: co2Expected, ...restExpected } = expected;
      expect({ deviceId, ...rest }).toEqual({ deviceId, ...restExpected });
      expect({ ...co2, avg: 0 }).toEqual({ ...co2Expected, avg: 0 });
      if (co2Expected.avg === null) expect(co2.avg).toBeNull();
      else expect(Math.abs(co2.avg - co2Expected.avg)).toBeLessThan(1e-9);
      if (deviceId === 'room-a') expect([name, location]).toEqual(['Salle 101, "A"', 'Bâtiment A']);
      if (deviceId === 'room-b') expect([name, location]).toEqual([null, null]);
    }
    const [a, b, empty] = answer.body.items;
    // The data make the figures worth checking: gaps, time above levels, an index that is neither extreme.
    expect(a.coverage).toBeGreaterThan(0.2);
    expect(a.coverage).toBeLessThan(0.9);
    expect(a.co2.max).toBeLessThan(9999);
    expect(b.co2.hoursAbove['1500']).toBeGreaterThan(0);
    expect(a.icone).not.toBeNull();
    expect(b.icone).toBeGreaterThan(a.icone);
    expect(empty).toEqual({ deviceId: 'room-empty', name: 'Vide', location: 'Bâtiment A', readings: 0, coverage: 0, co2: { max: null, avg: null, hoursAbove: { '800': 0, '1000': 0, '1500': 0 } }, icone: null });
  });

  it('is null below one hour of occupied-time readings (a Sunday only)', async () => {
    const answer = await call('GET', `/v1/reports/air-quality?from=2026-10-25T00:00:00Z&to=2026-10-26T00:00:00Z`);
    expect(answer.status).toBe(200);
    expect(answer.body.items[0].readings).toBeGreaterThan(0);
    expect(answer.body.items.map((i: { icone: unknown }) => i.icone)).toEqual([null, null, null]);
  });

  it.each([
    ['', 'from'],
    [`from=${from}`, 'to'],
    [`from=${to}&to=${from}`, 'from'],
    ['from=2025-01-01T00:00:00Z&to=2026-01-02T00:00:01Z', 'to'],
    ['from=yesterday&to=2026-01-01T00:00:00Z', 'from'],
    [`from=${from}&to=${to}&device=room-a`, 'device'],
  ])('answers 400 validation_failed for %j (path %s)', async (query, path) => {
    const answer = await call('GET', `/v1/reports/air-quality?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(answer.body.error.details[0].path).toBe(path);
  });

  it('deviceId narrows it to one room, with the same figures; an unknown one is 404', async () => {
    const all = await call('GET', `/v1/reports/air-quality?from=${from}&to=${to}`);
    const one = await call('GET', `/v1/reports/air-quality?from=${from}&to=${to}&deviceId=room-b`);
    expect(one.status).toBe(200);
    expect(one.body.items).toEqual([all.body.items[1]]);
    expect((await call('GET', `/v1/reports/air-quality?from=${from}&to=${to}&deviceId=nobody`)).status).toBe(404);
  });

  it('takes a range of exactly 366 days, needs a reader token, and answers 405 to POST', async () => {
    expect((await call('GET', '/v1/reports/air-quality?from=2025-01-01T00:00:00Z&to=2026-01-02T00:00:00Z')).status).toBe(200);
    expect((await call('GET', `/v1/reports/air-quality?from=${from}&to=${to}`, undefined, 'wrong')).status).toBe(401);
    expect((await call('POST', `/v1/reports/air-quality`, {})).status).toBe(405);
  });
});

/** A batch holds each identity once (the first): as the ingest keeps it. */
function dedupeInBatch(batch: Sent[]): Sent[] {
  const seen = new Set<string>();
  return batch.filter((r) => {
    const identity = r.id !== undefined ? `id:${r.id}` : `ts:${Date.parse(r.ts)}`;
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  });
}
