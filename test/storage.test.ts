import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createLocalClients, type DynamoClients } from '../src/adapters/dynamodb/client.js';
import { ensureTables } from '../src/adapters/dynamodb/create-tables.js';
import { DynamoAlertStateStore } from '../src/adapters/dynamodb/alert-state-store.js';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store.js';
import { DynamoDeviceStore } from '../src/adapters/dynamodb/device-store.js';
import { DynamoSilenceStore } from '../src/adapters/dynamodb/silence-store.js';
import { evaluatePost } from '../src/domain/alerts/lifecycle.js';
import { DEFAULT_THRESHOLDS } from '../src/domain/thresholds.js';
import { DynamoReadingStore } from '../src/adapters/dynamodb/reading-store.js';
import { tableNamesForPrefix, type TableNames } from '../src/adapters/dynamodb/tables.js';
import { emptyAlertState } from '../src/domain/alerts/types.js';
import type { DeviceRecord } from '../src/domain/device.js';
import type { Reading } from '../src/domain/reading.js';
import { formatUtc } from '../src/domain/time.js';
import { dynamoDbLocalJar, javaVersion, startDynaliteEngine, startDynamoDbLocal, type Engine } from './helpers/dynamo-engines.js';
import { toolMissing } from './helpers/require-tool.js';
import { bucketStartMs } from '../src/adapters/dynamodb/reading-codec.js';
import { Bucketer, type Bucket } from '../src/domain/aggregates.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ingestBatch, type IngestDeps } from '../src/app/ingest.js';
import type { OutgoingNotification, ReadingQuery, StoredReading } from '../src/app/ports.js';
import { parseSettings } from '../src/app/settings.js';

/** The same suite on both embedded engines, so nothing depends on one emulator's leniency. */
const engines: { name: string; start: () => Promise<Engine> }[] = [{ name: 'dynalite', start: startDynaliteEngine }];
const java = javaVersion();
if (java !== undefined && java >= 17 && dynamoDbLocalJar()) engines.push({ name: 'DynamoDB Local', start: startDynamoDbLocal });
else toolMissing('java 17+ with DynamoDB Local', java === undefined ? 'java not found' : `java ${java}, or the jar is missing`);

function device(deviceId: string, overrides: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    deviceId,
    name: 'Salle 101',
    location: null,
    thresholds: {},
    createdAt: '2026-11-29T18:00:00.000Z',
    keyHash: 'hash-1',
    revokedAt: null,
    lastSeenAt: null,
    latest: null,
    uploadIntervalSeconds: null,
    ...overrides,
  };
}

const all = async (deviceId: string, store: DynamoReadingStore, from = '2026-01-01T00:00:00.000Z', to = '2027-01-01T00:00:00.000Z') => {
  const out: StoredReading[] = [];
  for await (const r of store.readRange(deviceId, from, to)) out.push(r);
  return out;
};

describe.each(engines)('storage on $name', ({ start }) => {
  let engine: Engine;
  let clients: DynamoClients;
  let tables: TableNames;
  let devices: DynamoDeviceStore;
  let readings: DynamoReadingStore;
  let alertStates: DynamoAlertStateStore;
  let alerts: DynamoAlertStore;

  beforeAll(async () => {
    engine = await start();
    clients = createLocalClients(engine.endpoint);
    tables = tableNamesForPrefix(`t${randomUUID().slice(0, 8)}`);
    await ensureTables(clients.base, tables);
    await ensureTables(clients.base, tables); // idempotent
    devices = new DynamoDeviceStore(clients.db, tables.devices);
    readings = new DynamoReadingStore(clients.db, tables.readings);
    alertStates = new DynamoAlertStateStore(clients.db, tables.devices);
    alerts = new DynamoAlertStore(clients.db, tables.alerts);
  }, 60_000);

  afterAll(async () => {
    clients?.base.destroy();
    await engine?.stop();
  });

  describe('devices', () => {
    it('creates once, refuses an existing id, and reads back what it stored', async () => {
      expect(await devices.create(device('d-create'))).toBe(true);
      expect(await devices.create(device('d-create', { name: 'other' }))).toBe(false);
      const got = await devices.get('d-create');
      expect(got).toEqual({ ...device('d-create'), activeAlerts: 0, alertState: emptyAlertState() });
      expect(await devices.get('nobody')).toBeUndefined();
    });

    it('lists every device sorted by id', async () => {
      await devices.create(device('d-list-b'));
      await devices.create(device('d-list-a'));
      const ids = (await devices.list()).map((d) => d.deviceId);
      expect(ids.indexOf('d-list-a')).toBeLessThan(ids.indexOf('d-list-b'));
      expect(ids).toEqual([...ids].sort());
    });

    it('updates, clears with null, and answers undefined for an unknown device', async () => {
      await devices.create(device('d-update'));
      const updated = await devices.update('d-update', { location: 'Bâtiment A', thresholds: { co2: { warning: 1200 } } });
      expect(updated?.location).toBe('Bâtiment A');
      expect(updated?.thresholds).toEqual({ co2: { warning: 1200 } });
      const cleared = await devices.update('d-update', { name: null, thresholds: null });
      expect(cleared?.name).toBeNull();
      expect(cleared?.thresholds).toEqual({});
      expect(cleared?.location).toBe('Bâtiment A');
      expect(await devices.update('nobody', { name: 'x' })).toBeUndefined();
    });

    it('revokes (dropping the key hash) and re-enables with a new key hash', async () => {
      await devices.create(device('d-revoke'));
      expect(await devices.revoke('d-revoke', '2026-11-29T19:00:00.000Z')).toBe(true);
      let got = await devices.get('d-revoke');
      expect(got?.keyHash).toBeNull();
      expect(got?.revokedAt).toBe('2026-11-29T19:00:00.000Z');
      expect(await devices.setKeyHash('d-revoke', 'hash-2')).toBe(true);
      got = await devices.get('d-revoke');
      expect(got?.keyHash).toBe('hash-2');
      expect(got?.revokedAt).toBeNull();
      expect(await devices.revoke('nobody', '2026-11-29T19:00:00.000Z')).toBe(false);
      expect(await devices.setKeyHash('nobody', 'h')).toBe(false);
    });

    it('writes a post in one update on the version it read: lastSeenAt, latest and the alert state together', async () => {
      await devices.create(device('d-contact'));
      const newer: Reading = { id: 'n', ts: '2026-11-29T18:10:00.000Z', co2: 900 };
      const before = (await devices.get('d-contact'))!;
      expect(await devices.recordPost('d-contact', { seenAt: '2026-11-29T18:10:01.000Z', latest: newer, previous: before.alertState, next: before.alertState, queued: [] })).toBe(true);
      // A writer that read the same version comes second: refused, nothing changed.
      expect(await devices.recordPost('d-contact', { seenAt: '2026-11-29T18:10:05.000Z', previous: before.alertState, next: before.alertState, queued: [] })).toBe(false);
      const got = await devices.get('d-contact');
      expect(got?.latest).toEqual(newer);
      expect(got?.lastSeenAt).toBe('2026-11-29T18:10:01.000Z');
      expect(got?.alertState.version).toBe(1);
      // An unknown device is not created by a post.
      expect(await devices.recordPost('nobody-contact', { seenAt: '2026-11-29T18:10:02.000Z', latest: newer, previous: emptyAlertState(), next: emptyAlertState(), queued: [] })).toBe(false);
      expect(await devices.get('nobody-contact')).toBeUndefined();
    });

    it('keeps alert-state fields it does not know (the domain may add some) and the heat history exactly', async () => {
      await devices.create(device('d-generic'));
      const before = (await devices.get('d-generic'))!;
      const next = { ...before.alertState, heatHistory: [[1764439200000, 21.5], [1764439210000, -3.25]] as [number, number][], evaluatedTs: '2026-11-29T18:00:10.000Z', silencedKinds: ['co2'] };
      expect(await devices.recordPost('d-generic', { seenAt: '2026-11-29T18:00:11.000Z', previous: before.alertState, next, queued: [] })).toBe(true);
      const got = (await devices.get('d-generic'))!;
      expect(got.alertState).toEqual({ ...next, version: 1 });
    });

    it('scans devices in parallel segments: every device in exactly one segment, never the directory', async () => {
      const expected = (await devices.list()).map((d) => d.deviceId);
      const seen: string[] = [];
      for (let segment = 0; segment < 4; segment++) {
        for await (const page of devices.scanSegment(segment, 4)) seen.push(...page.map((d) => d.deviceId));
      }
      expect(seen.sort()).toEqual(expected);
      expect(seen).not.toContain('#directory');
    });

    it('lists devices in id order, page by page', async () => {
      const ids = Array.from({ length: 23 }, (_, i) => `pg-${String(i).padStart(2, '0')}`);
      for (const id of [...ids].reverse()) await devices.create(device(id));
      for (const limit of [1, 7, 1000]) {
        const seen: string[] = [];
        let after: string | undefined;
        do {
          const page = await devices.listPage(limit, after);
          seen.push(...page.items.map((d) => d.deviceId));
          after = page.lastDeviceId;
          if (after !== undefined) expect(page.items).toHaveLength(limit);
        } while (after !== undefined);
        expect(seen).toEqual([...seen].sort());
        expect(seen.filter((id) => id.startsWith('pg-'))).toEqual(ids);
        expect(new Set(seen).size).toBe(seen.length);
      }
    });
  });

  describe('readings', () => {
    const base = Date.parse('2026-11-29T12:00:00.000Z');
    const at = (s: number) => formatUtc(base + s * 1000);
    const store = (deviceId: string, batch: Reading[], receivedAt = at(1000)) => readings.storeBatch(deviceId, batch, receivedAt, 90);
    const bucketItems = async (deviceId: string) =>
      // Bucket keys only: roll-up items (`h<hour>`) sort after every bucket of the partition.
      ((await clients.db.send(new QueryCommand({ TableName: tables.readings, KeyConditionExpression: 'deviceId = :d AND #b < :h', ExpressionAttributeNames: { '#b': 'bucket' }, ExpressionAttributeValues: { ':d': deviceId, ':h': 'h' } }))).Items ?? []);

    it('stores a reading once per identity; the duplicate comes back as first stored', async () => {
      const first: Reading = { id: 'r-1', ts: at(0), co2: 812, temperature: 22.4, humidity: 41, smoke: 0.03, flame: false, faults: ['smoke:warming_up', 'agent:clock'] };
      expect(await store('r-dev', [first], at(1))).toEqual({ stored: [first], duplicates: [], refused: [] });
      const again = await store('r-dev', [{ id: 'r-1', ts: at(5), co2: 1 }, { ts: at(10), co2: 500 }], at(6));
      expect(again.duplicates).toEqual([{ ...first, receivedAt: at(1) }]);
      expect(again.stored).toEqual([{ ts: at(10), co2: 500 }]);
      // Without an id the identity is the timestamp; the same ts with an id is another reading.
      const third = await store('r-dev', [{ ts: at(10), co2: 501 }, { id: 'r-2', ts: at(10), co2: 502 }], at(12));
      expect(third.duplicates).toEqual([{ ts: at(10), co2: 500, receivedAt: at(6) }]);
      expect(third.stored).toEqual([{ id: 'r-2', ts: at(10), co2: 502 }]);
      expect(await all('r-dev', readings)).toEqual([
        { ...first, receivedAt: at(1) },
        { id: 'r-2', ts: at(10), co2: 502, receivedAt: at(12) },
        { ts: at(10), co2: 500, receivedAt: at(6) },
      ]);
    });

    it('keeps numbers exactly', async () => {
      const r: Reading = { id: 'num', ts: at(20), co2: 0, temperature: -54.99, humidity: 99.999, smoke: 1e-7, flame: true };
      const s: Reading = { ts: at(21), co2: 100000, temperature: 0.1 + 0.2, smoke: 1e-130 };
      await store('r-num', [r, s], at(21));
      expect(await all('r-num', readings)).toEqual([{ ...r, receivedAt: at(21) }, { ...s, receivedAt: at(21) }]);
    });

    it('stores a batch exactly once under 20 concurrent writers', async () => {
      const batch = Array.from({ length: 30 }, (_, i) => ({ id: `c${i}`, ts: at(30 + i * 20), co2: 400 + i }));
      const results = await Promise.all(Array.from({ length: 20 }, () => store('r-race', batch)));
      expect(results.reduce((n, r) => n + r.stored.length, 0)).toBe(30);
      expect(results.reduce((n, r) => n + r.duplicates.length, 0)).toBe(19 * 30);
      expect((await all('r-race', readings)).map((r) => r.id)).toEqual(batch.map((r) => r.id));
    });

    it('rolls a full bucket over to sub-buckets, and pages across buckets and sub-buckets without skipping or repeating', async () => {
      const small = new DynamoReadingStore(clients.db, tables.readings, { subBucketLimitBytes: 150 });
      const deviceId = 'r-page';
      const written: Reading[] = [];
      // ~40 minutes: 9 or so buckets, ties on ts, written out of order and in several posts.
      for (let i = 0; i < 160; i++) written.push({ id: `p-${String(i).padStart(3, '0')}`, ts: at(Math.floor(i / 2) * 30), co2: i });
      const shuffled = [...written].sort((a, b) => ((a.co2 as number) * 7919) % 160 - ((b.co2 as number) * 7919) % 160);
      for (let i = 0; i < shuffled.length; i += 50) {
        const out = await small.storeBatch(deviceId, shuffled.slice(i, i + 50), at(5000), 90);
        expect(out.stored).toHaveLength(Math.min(50, shuffled.length - i));
      }
      // A retry of everything through full sub-buckets stores nothing twice.
      const retry = await small.storeBatch(deviceId, shuffled.slice(0, 100), at(6000), 90);
      expect(retry.stored).toEqual([]);
      expect(retry.duplicates).toHaveLength(100);
      const items = await bucketItems(deviceId);
      const starts = new Set(items.map((i) => String(i.bucket).split('#')[0]));
      expect(items.length).toBeGreaterThan(starts.size); // sub-buckets exist
      expect(starts.size).toBeGreaterThan(5);
      const expected = [...written].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : (a.id as string) < (b.id as string) ? -1 : 1)).map((r) => r.id);
      for (const limit of [1, 7, 1000]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await small.query(deviceId, { limit, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((r) => r.id as string));
          cursor = page.nextCursor;
          pages++;
          if (cursor) expect(page.items).toHaveLength(limit);
        } while (cursor);
        expect(seen).toEqual(expected);
        expect(pages).toBe(Math.max(1, Math.ceil(160 / limit)));
      }
    });

    it('fills sub-buckets at the real limit (a huge backlog in one bucket) and reads all of it back', async () => {
      const deviceId = 'r-huge';
      const id = (i: number) => `${String(i).padStart(6, '0')}-${'x'.repeat(57)}`;
      const start = bucketStartMs(deviceId, base);
      const batch = Array.from({ length: 5000 }, (_, i) => ({ id: id(i), ts: formatUtc(start + i * 20), co2: 400 + (i % 600), temperature: 21.5, humidity: 40.25 }));
      // All in one bucket: 5,000 x ~90 bytes passes 350 KB.
      for (let i = 0; i < batch.length; i += 500) expect((await store(deviceId, batch.slice(i, i + 500))).stored).toHaveLength(500);
      const items = await bucketItems(deviceId);
      expect(items.length).toBeGreaterThan(new Set(items.map((i) => String(i.bucket).split('#')[0])).size);
      expect((await all(deviceId, readings)).map((r) => r.id)).toEqual(batch.map((r) => r.id));
    }, 120_000);

    it('summarizes a range per minute: exact under retries and late readings, the summary of an ended bucket kept and used', async () => {
      const deviceId = 'r-sum';
      let seed = 7;
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const batch: Reading[] = Array.from({ length: 1000 }, (_, i) => ({
        id: `s-${i}`,
        ts: at(i * 7),
        ...(i % 5 === 0 ? {} : { co2: 400 + Math.floor(rand() * 1200) }),
        temperature: Math.round((18 + rand() * 6) * 10) / 10,
        smoke: rand() / 10,
        ...(i % 3 === 0 ? { flame: i === 300 } : {}),
      }));
      for (let i = 0; i < batch.length; i += 250) await store(deviceId, batch.slice(i, i + 250));
      const from = at(17);
      const to = at(1000 * 7 - 23);
      const expected = (step: number, rs: Reading[]) => {
        const b = new Bucketer(step);
        for (const r of rs) if (r.ts >= from && r.ts < to) b.add(r);
        return b.result();
      };
      const summarized = async (step: number) => {
        const b = new Bucketer(step);
        for await (const m of readings.summarizeRange(deviceId, from, to)) b.addSummary(m);
        return b.result();
      };
      const same = (got: Bucket[], want: Bucket[]) => {
        const noAvg = (bs: Bucket[]) => bs.map((b) => JSON.parse(JSON.stringify(b, (k, v) => (k === 'avg' ? 0 : v))));
        expect(noAvg(got)).toEqual(noAvg(want));
        got.forEach((g, i) => {
          for (const f of ['co2', 'temperature', 'smoke'] as const) expect(Math.abs((g[f]?.avg ?? 0) - (want[i]?.[f]?.avg ?? 0))).toBeLessThan(1e-9);
        });
      };
      for (const step of [60, 300, 3600]) same(await summarized(step), expected(step, batch));
      // The buckets inside the range ended days ago: their summaries are kept, and the next reader uses them.
      const kept = (await bucketItems(deviceId)).filter((item) => typeof item.agg === 'string');
      expect(kept.length).toBeGreaterThan(15);
      const firstAnswer = await summarized(300);
      expect(await summarized(300)).toEqual(firstAnswer);
      // A retry of everything (duplicates: counted once) and one late reading into a kept bucket: still exact.
      const late: Reading = { id: 'late', ts: at(3000 + 3), co2: 9999, temperature: 40, flame: true };
      for (let i = 0; i < batch.length; i += 250) await store(deviceId, batch.slice(i, i + 250));
      expect((await store(deviceId, [late])).stored).toEqual([late]);
      for (const step of [60, 300, 3600]) same(await summarized(step), expected(step, [...batch, late]));
      expect((await summarized(60)).find((b) => b.ts === formatUtc(Math.floor(Date.parse(late.ts) / 60_000) * 60_000))?.co2?.max).toBe(9999);
      // A bucket that ended less than SUMMARY_AFTER_MS ago is summarized but not kept (the live bucket changes at every post).
      const recent = 'r-sum-recent';
      const nowIso = formatUtc(Date.now() - 60_000);
      await readings.storeBatch(recent, [{ ts: nowIso, co2: 500 }], formatUtc(Date.now()), 90);
      const b = new Bucketer(60);
      for await (const m of readings.summarizeRange(recent, formatUtc(Date.now() - 3_600_000), formatUtc(Date.now() + 60_000))) b.addSummary(m);
      expect(b.result().map((x) => x.count)).toEqual([1]);
      expect((await bucketItems(recent)).filter((item) => item.agg !== undefined)).toEqual([]);
    });

    it('bounds by from (inclusive) and to (exclusive), across buckets', async () => {
      const deviceId = 'r-range';
      await store(deviceId, Array.from({ length: 40 }, (_, s) => ({ ts: at(s * 60), temperature: s })));
      const page = await readings.query(deviceId, { from: at(2 * 60), to: at(25 * 60), limit: 100 });
      expect(page.items.map((r) => r.temperature)).toEqual(Array.from({ length: 23 }, (_, i) => i + 2));
      expect(page.nextCursor).toBeUndefined();
      expect((await all(deviceId, readings, at(39 * 60), at(40 * 60))).map((r) => r.temperature)).toEqual([39]);
    });

    it('refuses forged, tampered and foreign cursors with invalid_cursor', async () => {
      const deviceId = 'r-cursor';
      await store(deviceId, Array.from({ length: 5 }, (_, s) => ({ ts: at(s), co2: s })));
      await store('r-cursor-2', Array.from({ length: 5 }, (_, s) => ({ ts: at(s), co2: s })));
      const page = await readings.query(deviceId, { limit: 2 });
      const cursor = page.nextCursor as string;
      expect((await readings.query(deviceId, { limit: 2, cursor })).items.map((r) => r.co2)).toEqual([2, 3]);
      const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      const tampered = Buffer.from(JSON.stringify({ ...decoded, p: at(3) }), 'utf8').toString('base64url');
      const forged = Buffer.from(JSON.stringify({ v: 1, t: '2026-01-01#' }), 'utf8').toString('base64url');
      const attempts: [string, ReadingQuery][] = [
        ['forged', { limit: 2, cursor: forged }],
        ['tampered', { limit: 2, cursor: tampered }],
        ['garbage', { limit: 2, cursor: 'not-a-cursor' }],
        ['other range', { limit: 2, cursor, from: at(0) }],
      ];
      for (const [what, query] of attempts) {
        await expect(readings.query(deviceId, query), what).rejects.toMatchObject({ code: 'invalid_cursor', status: 400 });
      }
      await expect(readings.query('r-cursor-2', { limit: 2, cursor })).rejects.toMatchObject({ code: 'invalid_cursor' });
    });

    it('isolates a reading the store refuses: the rest of the batch is stored', async () => {
      // A client whose store refuses one reading as DynamoDB refuses an input it cannot hold.
      const poisoned = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: engine.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
      poisoned.middlewareStack.add(
        (next) => async (args) => {
          if (JSON.stringify(args.input).includes('id#poison') && (args.input as { UpdateExpression?: string }).UpdateExpression) {
            throw Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException' });
          }
          return next(args);
        },
        { step: 'initialize' },
      );
      const store = new DynamoReadingStore(poisoned, tables.readings);
      const batch: Reading[] = [{ id: 'flame', ts: at(0), flame: true }, { id: 'poison', ts: at(1), smoke: 0.1 }, { id: 'after', ts: at(2), co2: 500 }];
      const out = await store.storeBatch('r-poison', batch, at(3), 90);
      expect(out.stored.map((r) => r.id).sort()).toEqual(['after', 'flame']);
      expect(out.refused.map((r) => r.reading.id)).toEqual(['poison']);
      expect((await all('r-poison', store)).map((r) => r.id)).toEqual(['flame', 'after']);
      poisoned.destroy();
    });
  });

  describe('upload phase (policy.uploadPhaseSeconds)', () => {
    /** The bucket UpdateItems of each storeBatch call and the write units they consumed (ReturnConsumedCapacity, as the engine bills them). */
    function countingStore(): { store: DynamoReadingStore; writes: { units: number }[]; close(): void } {
      const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: engine.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
      const writes: { units: number }[] = [];
      db.middlewareStack.add(
        (next) => async (args) => {
          const input = args.input as { UpdateExpression?: string; ReturnConsumedCapacity?: string };
          if (!input.UpdateExpression) return next(args);
          input.ReturnConsumedCapacity = 'TOTAL';
          const out = await next(args);
          writes.push({ units: (out.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity?.CapacityUnits ?? Number.NaN });
          return out;
        },
        { step: 'initialize' },
      );
      return { store: new DynamoReadingStore(db, tables.readings), writes, close: () => db.destroy() };
    }

    /** A quiet board sampling every 10 s (at `offsetMs` past each 10-s step of its upload instants), posting at each aligned instant what it sampled before it. */
    const quietPosts = (first: number, posts: number, intervalMs: number, offsetMs: number, tag: string): Reading[][] =>
      Array.from({ length: posts }, (_, k) =>
        Array.from({ length: intervalMs / 10_000 }, (_, i) => {
          const ts = first + k * intervalMs + i * 10_000 + offsetMs;
          return { id: `${tag}${k}-${i}`, ts: formatUtc(ts), co2: 600 + i, temperature: 21.5, humidity: 40, smoke: 0.02, flame: false };
        }),
      );

    it('is seconds to the millisecond within the interval, and stable', () => {
      const ms = (seconds: number) => Math.round(seconds * 1000);
      for (const id of ['u-a', 'u-b', 'bbb-salle-101', 'x'.repeat(64)]) {
        for (const interval of [10, 30, 60, 90, 300, 600, 3600]) {
          const phase = readings.uploadPhaseSeconds(id, interval);
          expect(Number(phase.toFixed(3)) === phase && phase >= 0 && phase < interval, `${id} ${interval}: ${phase}`).toBe(true);
          expect(readings.uploadPhaseSeconds(id, interval)).toBe(phase);
        }
        // Intervals that divide the bucket span or are multiples of it share its instants.
        expect(ms(readings.uploadPhaseSeconds(id, 60))).toBe(ms(readings.uploadPhaseSeconds(id, 300)) % 60_000);
        expect(ms(readings.uploadPhaseSeconds(id, 600)) % 300_000).toBe(ms(readings.uploadPhaseSeconds(id, 300)));
      }
    });

    it.each([300, 60, 600])('quiet posts between aligned instants (interval %i s) write whole buckets, one item each; unaligned ones write more', async (intervalSeconds) => {
      const intervalMs = intervalSeconds * 1000;
      const bucketsPerPost = Math.max(1, intervalMs / 300_000);
      const counted = countingStore();
      try {
        for (const [n, deviceId] of ['u-one', 'u-two', 'u-three', 'u-four'].entries()) {
          const id = `${deviceId}-${intervalSeconds}`;
          const phaseMs = Math.round(readings.uploadPhaseSeconds(id, intervalSeconds) * 1000);
          const base = Date.parse('2026-11-20T00:00:00.000Z');
          const first = base - ((((base - phaseMs) % intervalMs) + intervalMs) % intervalMs) + intervalMs; // an aligned instant
          // Where in its 10-s step the board samples, from exactly at an instant (that reading is the next
          // post's, and the next bucket's) to a millisecond before the next step.
          const offsetMs = [0, 1, 4_321, 9_999][n]!;
          for (const post of quietPosts(first, 4, intervalMs, offsetMs, 'a')) {
            counted.writes.length = 0;
            const out = await counted.store.storeBatch(id, post, formatUtc(first + 5 * intervalMs), 90);
            expect(out.stored).toHaveLength(post.length);
            expect(counted.writes, `${id}: bucket UpdateItems of an aligned post`).toHaveLength(bucketsPerPost);
            for (const w of counted.writes) expect(w.units).toBeLessThanOrEqual(2);
          }
          // The same board posting half a bucket off: some of its posts (one in five at 60 s) cross a bucket boundary.
          let extra = 0;
          for (const post of quietPosts(first + 10 * intervalMs + 150_000, 5, intervalMs, offsetMs, 'b')) {
            counted.writes.length = 0;
            await counted.store.storeBatch(id, post, formatUtc(first + 20 * intervalMs), 90);
            extra += counted.writes.length - bucketsPerPost;
          }
          expect(extra, `${id}: extra bucket writes of unaligned posts`).toBeGreaterThan(0);
          expect((await all(id, counted.store)).length).toBe(9 * (intervalMs / 10_000));
        }
      } finally {
        counted.close();
      }
    });
  });

  describe('ingest on the packed layout', () => {
    const notified: OutgoingNotification[] = [];
    let now = Date.parse('2026-11-30T12:00:00.000Z');
    const deps = (): IngestDeps => ({
      devices,
      readings,
      alertStates,
      alerts,
      silences: new DynamoSilenceStore(clients.db, tables.alerts),
      notifier: { publish: async (n) => void ('alertId' in n && notified.push(n)) },
      clock: { now: () => now },
      settings: parseSettings({}),
      log: { debug() {}, info() {}, warn() {}, error() {} },
      telemetry: { count() {}, measure() {}, series() {} },
      newAlertId: () => `al_${randomUUID()}`,
      instanceId: 'test',
    });
    const post = async (deviceId: string, batch: unknown[]) => ingestBatch(deps(), (await devices.get(deviceId))!, { deviceId, readings: batch });

    it('the same batch posted 20 times at once: stored once, duplicates counted, one raised', async () => {
      await devices.create(device('i-race'));
      const batch = Array.from({ length: 30 }, (_, i) => ({ id: `x${i}`, ts: formatUtc(now - (30 - i) * 2000), co2: 600, ...(i === 29 ? { flame: true } : {}) }));
      const results = await Promise.all(Array.from({ length: 20 }, () => post('i-race', batch)));
      expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(30);
      expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(19 * 30);
      expect(notified.filter((n) => n.deviceId === 'i-race' && n.transition === 'raised').map((n) => n.kind)).toEqual(['fire']);
      expect(results[0]?.policy).toEqual({ thresholds: DEFAULT_THRESHOLDS, uploadIntervalSeconds: 300, uploadPhaseSeconds: readings.uploadPhaseSeconds('i-race', 300) });
    });

    it('a 10,000-reading backlog in 500-reading posts, then retried: every reading once, latest unchanged', async () => {
      await devices.create(device('i-backlog'));
      const current = { id: 'now', ts: formatUtc(now - 1000), co2: 700 };
      await post('i-backlog', [current]);
      const backlog = Array.from({ length: 10_000 }, (_, i) => ({ id: `b${i}`, ts: formatUtc(now - 86_400_000 + i * 8000), co2: 500 + (i % 100) }));
      for (let round = 0; round < 2; round++) {
        let accepted = 0;
        let duplicates = 0;
        for (let i = 0; i < backlog.length; i += 500) {
          const r = await post('i-backlog', backlog.slice(i, i + 500));
          accepted += r.accepted;
          duplicates += r.duplicates;
          expect(r.rejected).toEqual([]);
        }
        expect({ accepted, duplicates }).toEqual(round === 0 ? { accepted: 10_000, duplicates: 0 } : { accepted: 0, duplicates: 10_000 });
      }
      const stored = await all('i-backlog', readings, formatUtc(now - 2 * 86_400_000), formatUtc(now + 60_000));
      expect(stored).toHaveLength(10_001);
      expect(new Set(stored.map((r) => r.id)).size).toBe(10_001);
      expect((await devices.get('i-backlog'))?.latest).toEqual(current);
    }, 240_000);

    it('a process killed between the bucket write and the device write: the retry stores nothing twice and evaluates what was missed', async () => {
      await devices.create(device('i-crash'));
      const batch = [{ id: 'k1', ts: formatUtc(now - 3000), co2: 600 }, { id: 'k2', ts: formatUtc(now - 2000), flame: true }];
      // What the dead attempt did: the readings are in the bucket, the device knows nothing.
      await readings.storeBatch('i-crash', batch, formatUtc(now - 1500), 90);
      const retry = await post('i-crash', batch);
      expect(retry).toMatchObject({ accepted: 0, duplicates: 2, rejected: [] });
      expect(notified.filter((n) => n.deviceId === 'i-crash').map((n) => `${n.transition}/${n.kind}`)).toEqual(['raised/fire']);
      const got = await devices.get('i-crash');
      expect(got?.latest).toEqual(batch[1]);
      expect(got?.lastSeenAt).toBe(formatUtc(now));
      // And once more: nothing new.
      now += 1000;
      await post('i-crash', batch);
      expect(notified.filter((n) => n.deviceId === 'i-crash')).toHaveLength(1);
    });
  });

  describe('alert state', () => {
    const fire = (state: Awaited<ReturnType<DynamoAlertStateStore['read']>>, flame: boolean, s: number) =>
      evaluatePost(state, {
        deviceId: 'as-1',
        readings: [{ reading: { ts: new Date(Date.parse('2026-11-29T18:00:00Z') + s * 1000).toISOString(), flame }, tsMs: Date.parse('2026-11-29T18:00:00Z') + s * 1000 }],
        thresholds: DEFAULT_THRESHOLDS,
        serverNow: '2026-11-29T18:10:00.000Z',
        newId: () => `al-${s}`,
      });

    it('commits only on the version it read: of two writers from the same state, one wins', async () => {
      expect(await devices.create(device('as-1'))).toBe(true);
      const empty = await alertStates.read('as-1');
      const a = fire(empty, true, 1);
      const b = fire(empty, true, 2);
      expect(await alertStates.commit('as-1', empty.version, a.state, a.queued)).toBe(true);
      expect(await alertStates.commit('as-1', empty.version, b.state, b.queued)).toBe(false);
      const stored = await alertStates.read('as-1');
      expect(stored.version).toBe(1);
      expect(stored.active.fire?.alertId).toBe('al-1');
      expect(Object.values(stored.pending).map((p) => p.alertId)).toEqual(['al-1']);
      const resolved = fire(stored, false, 3);
      const stale = fire(stored, false, 4);
      expect(await alertStates.commit('as-1', stored.version, resolved.state, resolved.queued)).toBe(true);
      expect(await alertStates.commit('as-1', stored.version, stale.state, stale.queued)).toBe(false);
      const after = await alertStates.read('as-1');
      expect(after.active).toEqual({});
      // Maps keep no order in DynamoDB: the outbox is ordered by seq.
      expect(Object.values(after.pending).sort((x, y) => (x.seq < y.seq ? -1 : 1)).map((p) => p.transition)).toEqual(['raised', 'resolved']);
      expect((await devices.get('as-1'))?.alertState).toEqual(after);
      // The alert state lives in the device item: a device that does not exist takes no commit.
      expect(await alertStates.commit('as-nobody', 0, a.state, a.queued)).toBe(false);
    });

    it('lets one claimant take an outbox entry, keeps it from others until it expires, and removes it for its owner only', async () => {
      const state = await alertStates.read('as-1');
      const seq = Object.keys(state.pending)[0] as string;
      const results = await Promise.all(['p1', 'p2', 'p3', 'p4'].map((owner) => alertStates.claim('as-1', seq, owner, 2_000_000, 1_000_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const owner = ['p1', 'p2', 'p3', 'p4'][results.indexOf(true)] as string;
      await alertStates.complete('as-1', seq, 'someone-else');
      expect((await alertStates.read('as-1')).pending[seq]).toBeDefined();
      expect(await alertStates.claim('as-1', seq, 'late', 3_000_000, 2_500_000)).toBe(true); // the first claim expired
      await alertStates.complete('as-1', seq, owner); // no longer the owner: nothing happens
      expect((await alertStates.read('as-1')).pending[seq]).toBeDefined();
      await alertStates.release('as-1', seq, 'late');
      const released = (await alertStates.read('as-1')).pending[seq];
      expect(released?.attempts).toBe(1);
      expect(released?.claimedBy).toBeUndefined();
      expect(await alertStates.claim('as-1', seq, 'again', 4_000_000, 3_500_000)).toBe(true);
      await alertStates.complete('as-1', seq, 'again');
      expect((await alertStates.read('as-1')).pending[seq]).toBeUndefined();
      // Claiming a delivered entry fails.
      expect(await alertStates.claim('as-1', seq, 'x', 5_000_000, 4_500_000)).toBe(false);
    });
  });

  describe('alert records', () => {
    const entry = (transition: 'raised' | 'escalated' | 'resolved', over: Record<string, unknown> = {}) => ({
      seq: '0', transition, alertId: 'rec-1', deviceId: 'rec-dev', kind: 'co2' as const, severity: 'warning' as const,
      value: 1200, threshold: 1000, at: '2026-11-29T18:00:00.000Z', raisedAt: '2026-11-29T18:00:00.000Z', ...over,
    });

    it('are written idempotently from outbox entries and keep an acknowledgement', async () => {
      await alerts.record(entry('raised'), 1);
      await alerts.acknowledge('rec-1', '2026-11-29T18:01:00.000Z');
      await alerts.record(entry('raised', { value: 9 }), 1); // a retried raise changes nothing
      await alerts.record(entry('escalated', { severity: 'critical', value: 5100, threshold: 5000, at: '2026-11-29T18:02:00.000Z' }), 1);
      expect(await alerts.get('rec-1')).toEqual({
        alertId: 'rec-1', deviceId: 'rec-dev', kind: 'co2', severity: 'critical', status: 'active', raisedAt: '2026-11-29T18:00:00.000Z',
        acknowledgedAt: '2026-11-29T18:01:00.000Z', value: 5100, threshold: 5000,
      });
      await alerts.record(entry('resolved', { severity: 'critical', value: 800, threshold: 900, at: '2026-11-29T18:05:00.000Z' }), 99);
      await alerts.record(entry('resolved', { severity: 'critical', value: 800, threshold: 900, at: '2026-11-29T18:05:00.000Z' }), 99);
      const resolved = await alerts.get('rec-1');
      expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: '2026-11-29T18:05:00.000Z', value: 5100 });
      expect((await alerts.list({ status: 'active', deviceId: 'rec-dev', limit: 10 })).items).toEqual([]);
      expect((await alerts.list({ status: 'resolved', deviceId: 'rec-dev', limit: 10 })).items.map((a) => a.alertId)).toEqual(['rec-1']);
      expect(await alerts.acknowledge('nope', 'x')).toBeUndefined();
    });

    it('list newest first across statuses and page with a key', async () => {
      for (let i = 0; i < 7; i++) {
        const at = `2026-11-29T1${i}:00:00.000Z`;
        await alerts.record(entry('raised', { alertId: `lst-${i}`, deviceId: 'lst-dev', raisedAt: at, at }), 1);
        if (i % 2 === 0) await alerts.record(entry('resolved', { alertId: `lst-${i}`, deviceId: 'lst-dev', raisedAt: at, at }), 1);
      }
      const seen: string[] = [];
      let before: string | undefined;
      do {
        const page = await alerts.list({ status: 'all', deviceId: 'lst-dev', limit: 3, ...(before ? { before } : {}) });
        seen.push(...page.items.map((a) => a.alertId));
        before = page.lastKey;
      } while (before);
      expect(seen).toEqual(['lst-6', 'lst-5', 'lst-4', 'lst-3', 'lst-2', 'lst-1', 'lst-0']);
      const active = await alerts.list({ status: 'active', deviceId: 'lst-dev', limit: 2 });
      expect(active.items.map((a) => a.alertId)).toEqual(['lst-5', 'lst-3']);
      expect(active.lastKey).toBeDefined();
    });
  });
});
