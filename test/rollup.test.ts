import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLocalClients, type DynamoClients } from '../src/adapters/dynamodb/client.js';
import { ensureTables } from '../src/adapters/dynamodb/create-tables.js';
import { DynamoReadingStore } from '../src/adapters/dynamodb/reading-store.js';
import { tableNamesForPrefix, type TableNames } from '../src/adapters/dynamodb/tables.js';
import { Bucketer, type Bucket } from '../src/domain/aggregates.js';
import type { Reading } from '../src/domain/reading.js';
import { formatUtc } from '../src/domain/time.js';
import type { StoredReading } from '../src/app/ports.js';
import { dynamoDbLocalJar, javaVersion, startDynaliteEngine, startDynamoDbLocal, type Engine } from './helpers/dynamo-engines.js';
import { toolMissing } from './helpers/require-tool.js';

/**
 * Hourly roll-ups of the aggregates path (docs/storage.md): the answers of
 * summarizeRange against a brute-force fold of the raw readings, cold, warm,
 * and after late readings (retried, concurrent, interleaved with a reader at
 * its worst moments, and with the dirty mark lost once).
 */
const engines: { name: string; start: () => Promise<Engine> }[] = [{ name: 'dynalite', start: startDynaliteEngine }];
const java = javaVersion();
if (java !== undefined && java >= 17 && dynamoDbLocalJar()) engines.push({ name: 'DynamoDB Local', start: startDynamoDbLocal });
else toolMissing('java 17+ with DynamoDB Local', java === undefined ? 'java not found' : `java ${java}, or the jar is missing`);

const HOUR = 3_600_000;
const MIN = 60_000;
/** Long ago: every whole hour of these ranges may be rolled up. */
const BASE = Date.UTC(2026, 10, 10, 0, 0, 0);

type Send = (command: unknown) => Promise<unknown>;
/** A DocumentClient whose every call goes through `hook` (count, fail, or interleave another writer). */
function hooked(db: DynamoDBDocumentClient, hook: (command: unknown, send: () => Promise<unknown>) => Promise<unknown>): DynamoDBDocumentClient {
  const send: Send = (command) => hook(command, () => db.send(command as Parameters<typeof db.send>[0]) as Promise<unknown>);
  return { send } as unknown as DynamoDBDocumentClient;
}
const input = (command: unknown) => (command as { input: Record<string, unknown> }).input;
const keyOf = (command: unknown) => String((input(command).Key as { bucket?: unknown } | undefined)?.bucket ?? '');
const isMark = (command: unknown) => command instanceof UpdateCommand && keyOf(command).startsWith('h') && String(input(command).UpdateExpression).includes('ADD');
const isRollupWrite = (command: unknown) => command instanceof UpdateCommand && keyOf(command).startsWith('h') && !String(input(command).UpdateExpression).includes('ADD');
const isRollupQuery = (command: unknown) => command instanceof QueryCommand && String((input(command).ExpressionAttributeValues as Record<string, unknown>)[':lo']).startsWith('h');

/** A seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Readings every ~37 s over [fromMs, toMs), measurements sometimes absent, with a silent hour (`gapHour`). */
function readingsOver(prefix: string, fromMs: number, toMs: number, seed: number, gapHour?: number): Reading[] {
  const rnd = random(seed);
  const out: Reading[] = [];
  for (let ts = fromMs, i = 0; ts < toMs; ts += 30_000 + Math.floor(rnd() * 14_000), i++) {
    if (gapHour !== undefined && ts >= gapHour && ts < gapHour + HOUR) continue;
    const r: Reading = { id: `${prefix}${i}`, ts: formatUtc(ts) };
    if (rnd() < 0.9) r.co2 = 400 + Math.floor(rnd() * 1600);
    if (rnd() < 0.8) r.temperature = Math.round((15 + rnd() * 15) * 10) / 10;
    if (rnd() < 0.5) r.humidity = Math.round(rnd() * 1000) / 10;
    if (rnd() < 0.5) r.smoke = Math.round(rnd() * 1000) / 1000;
    if (rnd() < 0.3) r.flame = rnd() < 0.05;
    out.push(r);
  }
  return out;
}

/** The slow, obvious computation: every reading of [from, to) folded one by one. */
function bruteForce(readings: readonly Reading[], fromMs: number, toMs: number, step: number): Bucket[] {
  const b = new Bucketer(step);
  for (const r of readings) if (Date.parse(r.ts) >= fromMs && Date.parse(r.ts) < toMs) b.add(r);
  return b.result();
}

/** Averages apart (summed in another order they may differ in the last bits), then within 1e-9. */
function expectSame(got: Bucket[], want: Bucket[], what: string): void {
  const noAvg = (bs: Bucket[]) => bs.map((b) => JSON.parse(JSON.stringify(b, (k, v) => (k === 'avg' ? 0 : v))));
  expect(noAvg(got), what).toEqual(noAvg(want));
  expect(want.length, what).toBeGreaterThan(0);
  got.forEach((g, i) => {
    for (const f of ['co2', 'temperature', 'humidity', 'smoke'] as const) expect(Math.abs((g[f]?.avg ?? 0) - (want[i]?.[f]?.avg ?? 0)), what).toBeLessThan(1e-9);
  });
}

describe.each(engines)('hourly roll-ups on $name', ({ start }) => {
  let engine: Engine;
  let clients: DynamoClients;
  let tables: TableNames;
  let readings: DynamoReadingStore;

  beforeAll(async () => {
    engine = await start();
    clients = createLocalClients(engine.endpoint);
    tables = tableNamesForPrefix(`u${randomUUID().slice(0, 8)}`);
    await ensureTables(clients.base, tables);
    readings = new DynamoReadingStore(clients.db, tables.readings);
  }, 60_000);

  afterAll(async () => {
    clients?.base.destroy();
    await engine?.stop();
  });

  /** Posts as a board makes them: about 5 minutes of readings, each post received a few seconds after its last reading (never late). */
  const postOnTime = async (deviceId: string, rs: readonly Reading[], store = readings) => {
    const posts = new Map<number, Reading[]>();
    for (const r of rs) posts.set(Math.floor(Date.parse(r.ts) / 300_000), [...(posts.get(Math.floor(Date.parse(r.ts) / 300_000)) ?? []), r]);
    for (const batch of posts.values()) {
      await store.storeBatch(deviceId, batch, formatUtc(Date.parse(batch[batch.length - 1]!.ts) + 3000), 90);
    }
  };
  const summarized = async (deviceId: string, fromMs: number, toMs: number, step: number, store = readings) => {
    const b = new Bucketer(step);
    for await (const m of store.summarizeRange(deviceId, formatUtc(fromMs), formatUtc(toMs))) b.addSummary(m);
    return b.result();
  };
  const rollups = async (deviceId: string) =>
    (
      await clients.db.send(
        new QueryCommand({ TableName: tables.readings, KeyConditionExpression: 'deviceId = :d AND begins_with(#b, :h)', ExpressionAttributeNames: { '#b': 'bucket' }, ExpressionAttributeValues: { ':d': deviceId, ':h': 'h' }, ConsistentRead: true })
      )
    ).Items ?? [];
  const buckets = async (deviceId: string) =>
    (
      await clients.db.send(
        new QueryCommand({ TableName: tables.readings, KeyConditionExpression: 'deviceId = :d AND #b < :h', ExpressionAttributeNames: { '#b': 'bucket' }, ExpressionAttributeValues: { ':d': deviceId, ':h': 'h' }, ConsistentRead: true })
      )
    ).Items ?? [];
  const hourOf = (ms: number) => Math.floor(ms / HOUR) * HOUR;
  const rollupOf = async (deviceId: string, hour: number) => (await rollups(deviceId)).find((i) => i.bucket === `h${String(hour).padStart(16, '0')}`);

  // Ranges: whole hours, cut hours at both ends, the data's own edges, less than an hour, and an hour's exact edges.
  const ranges: [string, number, number][] = [
    ['whole hours', BASE, BASE + 6 * HOUR],
    ['cut hours at both ends', BASE + 7 * MIN + 13_000, BASE + 5 * HOUR + 3 * MIN],
    ['wider than the data', BASE - 2 * HOUR, BASE + 8 * HOUR],
    ['inside one hour', BASE + HOUR + 10 * MIN, BASE + HOUR + 50 * MIN],
    ['one hour exactly', BASE + 2 * HOUR, BASE + 3 * HOUR],
  ];

  it('cold and warm, over whole hours, cut hours and edges: equal to a brute-force fold of the raw readings', async () => {
    const deviceId = 'u-cold-warm';
    const data = readingsOver('c', BASE - 17 * MIN, BASE + 6 * HOUR + 13 * MIN, 1, BASE + 4 * HOUR);
    await postOnTime(deviceId, data);
    expect(await rollups(deviceId)).toEqual([]);
    for (const [what, fromMs, toMs] of ranges) {
      for (const step of [60, 300, 3600]) expectSame(await summarized(deviceId, fromMs, toMs, step), bruteForce(data, fromMs, toMs, step), `cold then warm, ${what}, step ${step}`);
    }
    // The cold reads rolled up every whole hour that has readings (not the silent hour 4, nor the empty hours -2 and 7), with a TTL no earlier than its buckets.
    const items = await rollups(deviceId);
    expect(items.map((i) => i.bucket).sort()).toEqual([-1, 0, 1, 2, 3, 5, 6].map((h) => `h${String(BASE + h * HOUR).padStart(16, '0')}`));
    const bucketItems = await buckets(deviceId);
    for (const item of items) {
      const hour = Number(String(item.bucket).slice(1));
      const starts = bucketItems.filter((b) => {
        const s = Number(String(b.bucket).slice(0, 16));
        return s < hour + HOUR && s + 300_000 > hour;
      });
      expect(typeof item.agg).toBe('string');
      expect(item.expiresAt).toBeGreaterThanOrEqual(Math.max(...starts.map((b) => b.expiresAt as number)));
      expect(item.v).toBeUndefined();
    }
    // Warm: whole hours all rolled up are one Query of roll-ups, no bucket read, no write.
    const calls: string[] = [];
    const counting = new DynamoReadingStore(hooked(clients.db, (command, send) => (calls.push(`${(command as object).constructor.name}${isRollupQuery(command) ? ':rollups' : ''}`), send())), tables.readings);
    for (const step of [60, 900]) expectSame(await summarized(deviceId, BASE, BASE + 4 * HOUR, step, counting), bruteForce(data, BASE, BASE + 4 * HOUR, step), `warm, step ${step}`);
    expect(calls.splice(0)).toEqual(['QueryCommand:rollups', 'QueryCommand:rollups']);
    // The silent hour has no roll-up: it costs a read of its buckets (its edges hold the neighbours' readings), never a write.
    expectSame(await summarized(deviceId, BASE, BASE + 6 * HOUR, 900, counting), bruteForce(data, BASE, BASE + 6 * HOUR, 900), 'warm, with the silent hour');
    expect(calls.filter((c) => c !== 'QueryCommand:rollups' && c !== 'QueryCommand' && c !== 'BatchGetCommand')).toEqual([]);
    expect(calls.filter((c) => c === 'QueryCommand:rollups')).toHaveLength(1);
    // The readings route and readRange never meet a roll-up item.
    const all: StoredReading[] = [];
    for await (const r of readings.readRange(deviceId, formatUtc(0), formatUtc(Date.UTC(2100, 0, 1)))) all.push(r);
    expect(all.map((r) => r.id)).toEqual(data.map((r) => r.id));
    const paged: StoredReading[] = [];
    let cursor: string | undefined;
    do {
      const page = await readings.query(deviceId, { limit: 97, ...(cursor ? { cursor } : {}) });
      paged.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged.map((r) => r.id)).toEqual(data.map((r) => r.id));
  }, 120_000);

  it('late readings into rolled-up hours (a backlog, then retried): counted exactly once; recent hours cost no dirty mark', async () => {
    const deviceId = 'u-late';
    const data = readingsOver('l', BASE, BASE + 6 * HOUR, 2);
    await postOnTime(deviceId, data);
    for (const [what, fromMs, toMs] of ranges) expectSame(await summarized(deviceId, fromMs, toMs, 300), bruteForce(data, fromMs, toMs, 300), `before, ${what}`);
    expect((await rollups(deviceId)).every((i) => typeof i.agg === 'string')).toBe(true);
    // A backlog into hours 1 and 3 (rolled up), with one reading already stored (a duplicate), received days later.
    const late: Reading[] = [
      { id: 'late-1', ts: formatUtc(BASE + HOUR + 12 * MIN + 1), co2: 9999, temperature: 44.4, flame: true },
      { id: 'late-2', ts: formatUtc(BASE + 3 * HOUR + 59 * MIN + 59_999), co2: 1, smoke: 0.9 },
      data[100]!,
    ];
    const marks: string[] = [];
    const marking = new DynamoReadingStore(hooked(clients.db, (command, send) => (isMark(command) && marks.push(keyOf(command)), send())), tables.readings);
    const receivedAt = formatUtc(Date.now());
    for (let attempt = 0; attempt < 2; attempt++) {
      const out = await marking.storeBatch(deviceId, late, receivedAt, 90);
      expect(out.stored.map((r) => r.id).sort()).toEqual(attempt === 0 ? ['late-1', 'late-2'] : []);
      expect(out.duplicates).toHaveLength(attempt === 0 ? 1 : 3);
      // Each hour of the batch marked once per attempt, retries included.
      const hours = [...new Set(late.map((r) => `h${String(hourOf(Date.parse(r.ts))).padStart(16, '0')}`))].sort();
      expect(marks.splice(0).sort()).toEqual(hours);
      const now = [...data, ...late.slice(0, 2)];
      for (const [what, fromMs, toMs] of ranges) {
        for (const step of [60, 3600]) expectSame(await summarized(deviceId, fromMs, toMs, step), bruteForce(now, fromMs, toMs, step), `after the late batch (attempt ${attempt + 1}), ${what}, step ${step}`);
      }
      expect((await summarized(deviceId, BASE, BASE + 6 * HOUR, 3600))[1]?.co2?.max).toBe(9999);
      // The marked hours were rebuilt: a usable roll-up again, at the version the marks left.
      expect(await rollupOf(deviceId, BASE + HOUR)).toMatchObject({ v: attempt + 1, agg: expect.any(String) });
    }
    // Recent readings, the normal case: no dirty mark, however the batch is split. An hour that ended
    // 9 minutes before receivedAt is not marked either; 11 minutes is.
    const nowMs = Date.parse('2026-11-30T12:07:00.000Z');
    const recent = Array.from({ length: 30 }, (_, i) => ({ id: `n${i}`, ts: formatUtc(nowMs - 20 * MIN + i * 40_000), co2: 500 }));
    await marking.storeBatch('u-recent', recent, formatUtc(nowMs), 90);
    await marking.storeBatch('u-recent', recent, formatUtc(nowMs), 90);
    await marking.storeBatch('u-recent', [{ ts: '2026-11-30T11:59:59.999Z', co2: 1 }], '2026-11-30T12:09:00.000Z', 90);
    expect(marks).toEqual([]);
    await marking.storeBatch('u-recent', [{ ts: '2026-11-30T11:59:59.999Z', co2: 1 }], '2026-11-30T12:11:00.000Z', 90);
    expect(marks).toEqual([`h${String(Date.parse('2026-11-30T11:00:00.000Z')).padStart(16, '0')}`]);
  }, 180_000);

  it('a late batch posted concurrently with chart reads: every read after it is exact', async () => {
    const deviceId = 'u-concurrent';
    const data = readingsOver('k', BASE, BASE + 6 * HOUR, 3);
    await postOnTime(deviceId, data);
    expectSame(await summarized(deviceId, BASE, BASE + 6 * HOUR, 300), bruteForce(data, BASE, BASE + 6 * HOUR, 300), 'before');
    const late = Array.from({ length: 40 }, (_, i) => ({ id: `kl${i}`, ts: formatUtc(BASE + (i % 6) * HOUR + 30 * MIN + i * 1000), co2: 3000 + i, temperature: 35 }));
    const receivedAt = formatUtc(Date.now());
    const [posted, duringA, duringB] = await Promise.all([
      readings.storeBatch(deviceId, late, receivedAt, 90),
      summarized(deviceId, BASE, BASE + 6 * HOUR, 3600),
      summarized(deviceId, BASE + 5 * MIN, BASE + 6 * HOUR - 5 * MIN, 3600),
    ]);
    expect(posted.stored).toHaveLength(40);
    // A read that raced the post holds each hour's late readings or not, never twice.
    for (const during of [duringA, duringB]) for (const bucket of during) expect(bucket.count).toBeLessThanOrEqual(bruteForce([...data, ...late], BASE, BASE + 6 * HOUR, 3600).find((b) => b.ts === bucket.ts)!.count);
    const all = [...data, ...late];
    for (let read = 0; read < 2; read++) {
      for (const [what, fromMs, toMs] of ranges) expectSame(await summarized(deviceId, fromMs, toMs, 300), bruteForce(all, fromMs, toMs, 300), `after the race, read ${read + 1}, ${what}`);
    }
  }, 120_000);

  it('a late reading stored and marked while a reader rebuilds its hour (between its buckets and its roll-up write): the roll-up is not kept', async () => {
    for (const moment of ['after the roll-up Query', 'before the roll-up write'] as const) {
      const deviceId = `u-interleave-${moment.split(' ')[0]}`;
      const data = readingsOver('i', BASE, BASE + 3 * HOUR, 4);
      await postOnTime(deviceId, data);
      const late: Reading = { id: 'interleaved', ts: formatUtc(BASE + HOUR + 30 * MIN), co2: 7777 };
      let fired = false;
      const interleave = async () => {
        fired = true;
        await readings.storeBatch(deviceId, [late], formatUtc(Date.now()), 90);
      };
      const reader = new DynamoReadingStore(
        hooked(clients.db, async (command, send) => {
          if (!fired && moment === 'before the roll-up write' && isRollupWrite(command) && keyOf(command) === `h${String(BASE + HOUR).padStart(16, '0')}`) await interleave();
          const out = await send();
          if (!fired && moment === 'after the roll-up Query' && isRollupQuery(command)) await interleave();
          return out;
        }),
        tables.readings,
      );
      const during = await summarized(deviceId, BASE, BASE + 3 * HOUR, 3600, reader);
      expect(fired).toBe(true);
      // Read after the buckets: the racing answer may miss the late reading, but nothing kept may.
      expect(during[1]!.count - bruteForce(data, BASE, BASE + 3 * HOUR, 3600)[1]!.count).toBe(moment === 'after the roll-up Query' ? 1 : 0);
      for (const step of [60, 3600]) expectSame(await summarized(deviceId, BASE, BASE + 3 * HOUR, step), bruteForce([...data, late], BASE, BASE + 3 * HOUR, step), `${moment}, then read again, step ${step}`);
      expect((await summarized(deviceId, BASE, BASE + 3 * HOUR, 3600))[1]?.co2?.max).toBe(7777);
    }
  }, 120_000);

  it('a dirty mark lost once (the process dies after the bucket write): the batch fails, the retry marks, the next read is exact', async () => {
    const deviceId = 'u-crash';
    const data = readingsOver('x', BASE, BASE + 4 * HOUR, 5);
    await postOnTime(deviceId, data);
    expectSame(await summarized(deviceId, BASE, BASE + 4 * HOUR, 900), bruteForce(data, BASE, BASE + 4 * HOUR, 900), 'before');
    let failures = 0;
    const dying = new DynamoReadingStore(
      hooked(clients.db, async (command, send) => {
        if (isMark(command) && failures === 0) {
          failures++;
          throw Object.assign(new Error('the process died here'), { name: 'TimeoutError' });
        }
        return send();
      }),
      tables.readings,
    );
    const late: Reading[] = [{ id: 'crash-1', ts: formatUtc(BASE + 2 * HOUR + 5 * MIN), co2: 8888, flame: true }];
    const receivedAt = formatUtc(Date.now());
    await expect(dying.storeBatch(deviceId, late, receivedAt, 90)).rejects.toThrow('the process died here');
    expect(failures).toBe(1);
    // The reading is in its bucket; the roll-up of its hour still answers without it (the post was not acknowledged).
    expect((await buckets(deviceId)).some((b) => typeof b['id#crash-1'] === 'string')).toBe(true);
    // The board retries: a duplicate, and this time the mark is made.
    const retry = await dying.storeBatch(deviceId, late, formatUtc(Date.now()), 90);
    expect(retry).toMatchObject({ stored: [], refused: [] });
    expect(retry.duplicates.map((r) => r.id)).toEqual(['crash-1']);
    for (const step of [60, 900, 3600]) expectSame(await summarized(deviceId, BASE, BASE + 4 * HOUR, step), bruteForce([...data, ...late], BASE, BASE + 4 * HOUR, step), `after the retry, step ${step}`);
  }, 120_000);

  it('a failed roll-up write (throttled, denied) changes nothing in the answer; an hour marked dirty with no reading gets an empty roll-up', async () => {
    const deviceId = 'u-denied';
    const data = readingsOver('d', BASE, BASE + 3 * HOUR, 6);
    await postOnTime(deviceId, data);
    let denied = 0;
    const denying = new DynamoReadingStore(
      hooked(clients.db, async (command, send) => {
        if (isRollupWrite(command)) {
          denied++;
          throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
        }
        return send();
      }),
      tables.readings,
    );
    expectSame(await summarized(deviceId, BASE, BASE + 3 * HOUR, 300, denying), bruteForce(data, BASE, BASE + 3 * HOUR, 300), 'roll-ups denied');
    expect(denied).toBe(3);
    expect(await rollups(deviceId)).toEqual([]);
    // The late hour's mark leaves a stub; so does a mark whose hour holds no reading any more (simulated: a bare mark).
    const elsewhere: Reading = { id: 'elsewhere', ts: formatUtc(BASE + 5 * HOUR + 1), co2: 600 };
    await readings.storeBatch(deviceId, [elsewhere], formatUtc(Date.now()), 90);
    expect(await rollupOf(deviceId, BASE + 5 * HOUR)).toMatchObject({ v: 1 });
    expect((await rollupOf(deviceId, BASE + 5 * HOUR))?.agg).toBeUndefined();
    await clients.db.send(
      new UpdateCommand({
        TableName: tables.readings,
        Key: { deviceId, bucket: `h${String(BASE + 4 * HOUR).padStart(16, '0')}` },
        UpdateExpression: 'SET expiresAt = :x ADD v :one',
        ExpressionAttributeValues: { ':x': Math.floor(Date.now() / 1000) + 86_400, ':one': 1 },
      }),
    );
    for (let read = 0; read < 2; read++) expectSame(await summarized(deviceId, BASE, BASE + 7 * HOUR, 3600), bruteForce([...data, elsewhere], BASE, BASE + 7 * HOUR, 3600), `with the late hour, read ${read + 1}`);
    const items = await rollups(deviceId);
    expect(items.map((i) => i.bucket)).toEqual([0, 1, 2, 4, 5].map((h) => `h${String(BASE + h * HOUR).padStart(16, '0')}`));
    expect(items.every((i) => typeof i.agg === 'string')).toBe(true);
    expect(items[3]?.agg).toBe('[]');
  }, 120_000);
});
