import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { summarizeMinutes, type MinuteSummary, type TimedMeasurements } from '../../domain/aggregates.js';
import { decodeMeasurements, decodeSummaries, encodeSummaries, SUMMARY_ATTRIBUTE } from './bucket-summary.js';
import type { Reading } from '../../domain/reading.js';
import type { ReadingPage, ReadingQuery, ReadingStore, StoreBatchResult, StoredReading } from '../../app/ports.js';
import { forEachLimited } from '../../app/concurrency.js';
import { invalidCursor, openCursor, sealCursor } from '../../app/cursor.js';
import { isConditionalCheckFailed } from './client.js';
import { decodeRollup, encodeRollup, HOUR_MS, hourStart, LATE_AFTER_MS, parseRollupKey, ROLLUP_AFTER_MS, ROLLUP_ATTRIBUTE, rollupKey, VERSION_ATTRIBUTE } from './hour-rollup.js';
import { formatUtc } from '../../domain/time.js';
import {
  BUCKET_MS,
  bucketKey,
  bucketStartMs,
  compareStored,
  decodeReading,
  encodedTsMs,
  encodeReading,
  holdsReading,
  isReadingAttribute,
  parseBucketKey,
  readingAttribute,
  uploadPhaseSeconds,
} from './reading-codec.js';

type Item = Record<string, unknown>;

/** Estimated bytes a sub-bucket may hold before the next one opens: DynamoDB's item limit is 400 KB. */
export const SUB_BUCKET_LIMIT_BYTES = 350_000;
/** An UpdateExpression may be 4 KB long: updates are split to stay below this. */
const MAX_EXPRESSION_CHARS = 3_900;
/** Bytes of readings per UpdateItem (well below the item limit, so a chunk always fits an empty sub-bucket). */
const MAX_CHUNK_BYTES = 64_000;
/** Buckets written in parallel per batch. */
const BUCKET_CONCURRENCY = 8;
const MAX_TIME_MS = 8_640_000_000_000_000;
/**
 * A bucket's summary is kept once the bucket ended this long ago: later
 * writes (a backlog) are rare then, while the live bucket changes at every
 * post and would cost a write at every chart refresh.
 */
export const SUMMARY_AFTER_MS = 15 * 60_000;
/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_KEYS = 100;
/** Hours rebuilt by one pass over the buckets: bounds the summaries held in memory on a cold read of a long range. */
const MAX_REBUILD_HOURS = 24;

/** What the reader saw of an hour's roll-up item before reading its buckets (a dirty stub: no summaries). */
interface SeenRollup {
  v?: number;
  expiresAt?: number;
}

/** A bucket item seen by the bucket pass: its start and TTL (a roll-up lives no shorter than its buckets). */
type OnBucket = (start: number, expiresAt: unknown) => void;

interface Entry {
  reading: Reading;
  name: string;
  value: string;
  bytes: number;
}

/**
 * An error the store answers for this input, that retrying cannot fix
 * (anything else, timeouts and throttling included, means "unavailable").
 * Only DynamoDB's own validation refusal qualifies: guessing wider could
 * turn an outage into dropped readings.
 */
function isPermanentRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException';
}

/** Split a bucket's readings so that each UpdateItem respects the expression and size limits. */
function chunks(entries: readonly Entry[]): Entry[][] {
  const out: Entry[][] = [];
  let current: Entry[] = [];
  let chars = 0;
  let bytes = 0;
  for (const entry of entries) {
    const clause = `#${current.length} = if_not_exists(#${current.length}, :${current.length}), `.length;
    if (current.length > 0 && (chars + clause > MAX_EXPRESSION_CHARS - 60 || bytes + entry.bytes > MAX_CHUNK_BYTES)) {
      out.push(current);
      current = [];
      chars = 0;
      bytes = 0;
    }
    current.push(entry);
    chars += `#${current.length} = if_not_exists(#${current.length}, :${current.length}), `.length;
    bytes += entry.bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Readings packed per device and time bucket (docs/storage.md): one item per
 * (device, 5-minute bucket phase-shifted per device, sub-bucket), one
 * attribute per reading named by its identity. A batch is one UpdateItem per
 * touched bucket, `SET #r = if_not_exists(#r, :v)` for each reading with
 * `ReturnValues: UPDATED_OLD`: idempotent per reading, and the duplicates come
 * back, as first stored, from the same call.
 */
export class DynamoReadingStore implements ReadingStore {
  private readonly subBucketLimit: number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** `subBucketLimitBytes`: lower only in tests, to make sub-buckets with few readings. */
    options: { subBucketLimitBytes?: number } = {},
  ) {
    this.subBucketLimit = options.subBucketLimitBytes ?? SUB_BUCKET_LIMIT_BYTES;
  }

  async storeBatch(deviceId: string, readings: readonly Reading[], receivedAt: string, retentionDays: number): Promise<StoreBatchResult> {
    const receivedMs = Date.parse(receivedAt);
    const buckets = new Map<number, Entry[]>();
    for (const reading of readings) {
      const start = bucketStartMs(deviceId, Date.parse(reading.ts));
      const name = readingAttribute(reading);
      const value = encodeReading(reading, start, receivedMs);
      const entries = buckets.get(start) ?? [];
      entries.push({ reading, name, value, bytes: Buffer.byteLength(name) + Buffer.byteLength(value) });
      buckets.set(start, entries);
    }
    const result: StoreBatchResult = { stored: [], duplicates: [], refused: [] };
    const work = [...buckets].flatMap(([start, entries]) => chunks(entries).map((chunk) => ({ start, chunk })));
    await forEachLimited(work, BUCKET_CONCURRENCY, async ({ start, chunk }) => {
      const expiresAt = Math.floor((start + BUCKET_MS) / 1000) + retentionDays * 86_400;
      await this.writeChunk(deviceId, start, 0, chunk, expiresAt, result);
    });
    await this.markLateHours(deviceId, [...result.stored, ...result.duplicates], receivedMs, retentionDays);
    return result;
  }

  /**
   * Mark dirty the roll-up of every hour of these readings that ended more
   * than LATE_AFTER_MS before receivedAt: `ADD v 1 REMOVE agg`, creating a
   * stub when there is none, so the next reader rebuilds it and a reader
   * building it right now fails its condition on `v`. After the bucket
   * writes, for stored and duplicate readings alike: an attempt that died
   * between the two leaves the post unanswered, and its retry (duplicates)
   * marks. A failure fails the batch, as a bucket write failure does. The
   * normal post (recent readings) issues no such write.
   */
  private async markLateHours(deviceId: string, readings: readonly Pick<Reading, 'ts'>[], receivedMs: number, retentionDays: number): Promise<void> {
    const hours = new Set<number>();
    for (const reading of readings) {
      const hour = hourStart(Date.parse(reading.ts));
      if (receivedMs - (hour + HOUR_MS) > LATE_AFTER_MS) hours.add(hour);
    }
    await forEachLimited([...hours], BUCKET_CONCURRENCY, async (hour) => {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { deviceId, bucket: rollupKey(hour) },
          UpdateExpression: 'SET #x = :x ADD #v :one REMOVE #a',
          ExpressionAttributeNames: { '#x': 'expiresAt', '#v': VERSION_ATTRIBUTE, '#a': ROLLUP_ATTRIBUTE },
          // No earlier than the buckets of the hour: the last one touching it ends at most BUCKET_MS after it.
          ExpressionAttributeValues: { ':x': Math.floor((hour + HOUR_MS + BUCKET_MS) / 1000) + retentionDays * 86_400, ':one': 1 },
        }),
      );
    });
  }

  /** Write `entries` into bucket `start` from sub-bucket `sub` on, rolling over to the next sub-bucket when one is full. */
  private async writeChunk(deviceId: string, start: number, firstSub: number, entries: Entry[], expiresAt: number, result: StoreBatchResult): Promise<void> {
    let pending = entries;
    for (let sub = firstSub; pending.length > 0; sub++) {
      const key = { deviceId, bucket: bucketKey(start, sub) };
      const names: Record<string, string> = { '#x': 'expiresAt', '#z': 'sizeEstimate' };
      const values: Record<string, unknown> = { ':x': expiresAt };
      const sets: string[] = [];
      let bytes = 0;
      pending.forEach((entry, i) => {
        names[`#${i}`] = entry.name;
        values[`:${i}`] = entry.value;
        sets.push(`#${i} = if_not_exists(#${i}, :${i})`);
        bytes += entry.bytes;
      });
      values[':z'] = bytes;
      values[':max'] = this.subBucketLimit - bytes;
      try {
        const out = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            // The estimate only grows (duplicates count too), so a full sub-bucket stays full.
            UpdateExpression: `SET ${sets.join(', ')}, #x = :x ADD #z :z`,
            ConditionExpression: 'attribute_not_exists(#z) OR #z <= :max',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'UPDATED_OLD',
          }),
        );
        const old = (out.Attributes ?? {}) as Item;
        for (const entry of pending) {
          const first = old[entry.name];
          if (typeof first === 'string') result.duplicates.push(decodeReading(entry.name, first, start));
          else result.stored.push(entry.reading);
        }
        return;
      } catch (error) {
        if (isConditionalCheckFailed(error)) {
          // Full: it takes no more writes, so what it holds now is final. Those readings are duplicates; the rest go on.
          const found = await this.readAttributes(key, pending.map((e) => e.name));
          for (const entry of pending) {
            const first = found[entry.name];
            if (typeof first === 'string') result.duplicates.push(decodeReading(entry.name, first, start));
          }
          pending = pending.filter((e) => typeof found[e.name] !== 'string');
          continue;
        }
        if (isPermanentRefusal(error)) {
          if (pending.length === 1) {
            const only = pending[0] as Entry;
            result.refused.push({ reading: only.reading, message: `the store refused this reading: ${(error as Error).message}` });
            return;
          }
          // Find the reading(s) the store refuses by halving; the others are stored.
          const half = Math.ceil(pending.length / 2);
          await this.writeChunk(deviceId, start, sub, pending.slice(0, half), expiresAt, result);
          await this.writeChunk(deviceId, start, sub, pending.slice(half), expiresAt, result);
          return;
        }
        throw error;
      }
    }
  }

  private async readAttributes(key: Item, attributeNames: readonly string[]): Promise<Item> {
    const names = Object.fromEntries(attributeNames.map((n, i) => [`#${i}`, n]));
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: Object.keys(names).join(', '),
        ExpressionAttributeNames: names,
      }),
    );
    return (out.Item ?? {}) as Item;
  }

  async query(deviceId: string, query: ReadingQuery): Promise<ReadingPage> {
    const fromMs = query.from !== undefined ? Date.parse(query.from) : 0;
    const toMs = query.to !== undefined ? Date.parse(query.to) : MAX_TIME_MS;
    const scope = `readings|${deviceId}|${query.from ?? ''}|${query.to ?? ''}`;
    let after: Position | undefined;
    if (query.cursor !== undefined) {
      const position = openCursor(scope, query.cursor, ['p', 'k']);
      const tsMs = Date.parse(position.p as string);
      if (!(Number.isFinite(tsMs) && tsMs >= fromMs && tsMs < toMs && isReadingAttribute(position.k as string))) throw invalidCursor();
      after = { tsMs, name: position.k as string };
    }
    const wanted = query.limit + 1;
    const found: Encoded[] = [];
    let itemsRead = 0;
    // Ask for about as many buckets as the page needs: ~30 readings a bucket
    // at first (a board sampling every 10 s), then as many as the buckets
    // read so far held. Fewer items read per page, and rarely a second call.
    const perCall = () => {
      const perBucket = itemsRead === 0 ? 30 : Math.max(1, found.length / itemsRead);
      return Math.max(2, Math.min(200, Math.ceil((wanted - found.length) / perBucket) + 1));
    };
    for await (const bucket of this.buckets(deviceId, after ? after.tsMs : fromMs, toMs, perCall)) {
      itemsRead += bucket.items.length;
      found.push(...inOrder(bucket, fromMs, toMs, after));
      // Buckets partition time: every later bucket holds only later readings.
      if (found.length >= wanted) break;
    }
    // Only the page's readings are decoded.
    const page = found.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((f) => decodeReading(f.name, f.value, f.start)),
      ...(found.length > query.limit && last ? { nextCursor: sealCursor(scope, { p: formatUtc(last.tsMs), k: last.name }) } : {}),
    };
  }

  /** Straight through the buckets of the range (no pages, no cursor): aggregates and exports read this. */
  async *readRange(deviceId: string, fromIso: string, toIso: string): AsyncIterable<StoredReading> {
    const fromMs = Date.parse(fromIso);
    const toMs = Date.parse(toIso);
    for await (const bucket of this.buckets(deviceId, fromMs, toMs, () => undefined)) {
      for (const f of inOrder(bucket, fromMs, toMs, undefined)) yield decodeReading(f.name, f.value, f.start);
    }
  }

  /**
   * Per-minute summaries of [from, to). The whole UTC hours of the range that
   * ended ROLLUP_AFTER_MS ago come from their roll-up items (one projected
   * Query); each run of hours without a usable roll-up, and the edges, go
   * through the buckets (`summarizeBuckets`), and the run's hours are rolled
   * up for the next reader (a conditional write on the version seen before
   * the buckets were read: a late reading marked meanwhile wins, and the
   * roll-up is simply not kept).
   */
  async *summarizeRange(deviceId: string, fromIso: string, toIso: string, nowMs = Date.now()): AsyncIterable<MinuteSummary> {
    const fromMs = Date.parse(fromIso);
    const toMs = Date.parse(toIso);
    const firstHour = hourStart(fromMs) === fromMs ? fromMs : hourStart(fromMs) + HOUR_MS;
    const endHour = Math.min(hourStart(toMs), hourStart(nowMs - ROLLUP_AFTER_MS));
    if (firstHour >= endHour) {
      yield* this.summarizeBuckets(deviceId, fromMs, toMs, nowMs);
      return;
    }
    if (fromMs < firstHour) yield* this.summarizeBuckets(deviceId, fromMs, firstHour, nowMs);
    yield* this.summarizeHours(deviceId, firstHour, endHour, nowMs);
    if (endHour < toMs) yield* this.summarizeBuckets(deviceId, endHour, toMs, nowMs);
  }

  /** The whole hours [firstHour, endHour): roll-ups where usable, the runs without one rebuilt from the buckets. */
  private async *summarizeHours(deviceId: string, firstHour: number, endHour: number, nowMs: number): AsyncGenerator<MinuteSummary> {
    const seen = new Map<number, SeenRollup>();
    // Hours before `missingFrom` are answered; those from it on, up to the next usable roll-up, form a run.
    let missingFrom = firstHour;
    const rollups = this.queryKeys(deviceId, rollupKey(firstHour), rollupKey(endHour - HOUR_MS), ['bucket', VERSION_ATTRIBUTE, ROLLUP_ATTRIBUTE, 'expiresAt']);
    for await (const item of rollups) {
      const hour = parseRollupKey(item.bucket);
      if (hour === undefined || hour < missingFrom || hour >= endHour) continue;
      const kept = decodeRollup(item[ROLLUP_ATTRIBUTE], hour);
      if (!kept) {
        seen.set(hour, { ...(typeof item.v === 'number' ? { v: item.v } : {}), ...(typeof item.expiresAt === 'number' ? { expiresAt: item.expiresAt } : {}) });
        continue;
      }
      if (missingFrom < hour) yield* this.rebuildHours(deviceId, missingFrom, hour, seen, nowMs);
      yield* kept;
      missingFrom = hour + HOUR_MS;
    }
    if (missingFrom < endHour) yield* this.rebuildHours(deviceId, missingFrom, endHour, seen, nowMs);
  }

  /**
   * Hours [fromHour, toHour) through the buckets, at most MAX_REBUILD_HOURS a
   * pass, each hour's minutes then kept as its roll-up: an hour that has
   * readings, or a dirty stub (which may then hold none), gets one; an hour
   * with neither needs no item.
   */
  private async *rebuildHours(deviceId: string, fromHour: number, toHour: number, seen: ReadonlyMap<number, SeenRollup>, nowMs: number): AsyncGenerator<MinuteSummary> {
    for (let passFrom = fromHour; passFrom < toHour; passFrom += MAX_REBUILD_HOURS * HOUR_MS) {
      const passTo = Math.min(toHour, passFrom + MAX_REBUILD_HOURS * HOUR_MS);
      const minutes = new Map<number, MinuteSummary[]>();
      const expires = new Map<number, number>();
      const onBucket: OnBucket = (start, expiresAt) => {
        if (typeof expiresAt !== 'number') return;
        for (let hour = hourStart(start); hour < start + BUCKET_MS; hour += HOUR_MS) expires.set(hour, Math.max(expires.get(hour) ?? 0, expiresAt));
      };
      // The roll-ups supersede the buckets' own summaries here: keeping those too would cost a write per bucket.
      for await (const summary of this.summarizeBuckets(deviceId, passFrom, passTo, nowMs, onBucket, false)) {
        yield summary;
        const hour = hourStart(summary.minuteMs);
        const list = minutes.get(hour) ?? [];
        list.push(summary);
        minutes.set(hour, list);
      }
      const writes: { hour: number; text: string; expiresAt: number; seen: SeenRollup | undefined }[] = [];
      for (let hour = passFrom; hour < passTo; hour += HOUR_MS) {
        const held = minutes.get(hour);
        const stub = seen.get(hour);
        if (!held && !stub) continue;
        const expiresAt = Math.max(expires.get(hour) ?? 0, stub?.expiresAt ?? 0);
        // Without a TTL to give it (no bucket seen, a stub without one: never written so), keep nothing.
        if (expiresAt === 0) continue;
        writes.push({ hour, text: encodeRollup(held ?? [], hour), expiresAt, seen: stub });
      }
      await forEachLimited(writes, BUCKET_CONCURRENCY, async (w) => {
        const versioned = w.seen?.v !== undefined;
        await this.db
          .send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { deviceId, bucket: rollupKey(w.hour) },
              UpdateExpression: 'SET #a = :a, #x = :x',
              // The version read before the buckets: a dirty mark since (a late reading) makes this fail.
              ConditionExpression: versioned ? '#v = :v' : 'attribute_not_exists(#v)',
              ExpressionAttributeNames: { '#a': ROLLUP_ATTRIBUTE, '#x': 'expiresAt', '#v': VERSION_ATTRIBUTE },
              ExpressionAttributeValues: { ':a': w.text, ':x': w.expiresAt, ...(versioned ? { ':v': w.seen?.v } : {}) },
            }),
          )
          // A cache: a late reading marked meanwhile (condition failed), a throttle or a missing grant only
          // means the next reader rebuilds this hour; the answer computed here is exact either way.
          .catch(() => undefined);
      });
    }
  }

  /**
   * Per-minute summaries of [from, to) from the buckets: a bucket item lying
   * wholly inside the range gives its kept summary when that is still valid
   * (only its key, its `sizeEstimate`, its TTL and the summary are read); any
   * other item is read whole, its readings in the range summarized, and, when
   * it lies inside the range and its bucket ended SUMMARY_AFTER_MS ago, its
   * summary kept for the next reader (a conditional write on `sizeEstimate`:
   * a reading stored meanwhile wins, and the summary is simply not kept).
   * `keep` false: keep none (the hours being rolled up).
   */
  private async *summarizeBuckets(deviceId: string, fromMs: number, toMs: number, nowMs: number, onBucket?: OnBucket, keep = true): AsyncGenerator<MinuteSummary> {
    let whole: { key: Item; start: number; keep: boolean; sizeEstimate: unknown }[] = [];
    const flush = async () => {
      const batch = whole;
      whole = [];
      return batch.length === 0 ? [] : this.summarizeItems(batch, fromMs, toMs, onBucket);
    };
    for await (const item of this.rangeItems(deviceId, fromMs, toMs, () => undefined, ['deviceId', 'bucket', 'sizeEstimate', 'expiresAt', SUMMARY_ATTRIBUTE])) {
      const start = parseBucketKey(item.bucket as string).start;
      const inside = start >= fromMs && start + BUCKET_MS <= toMs;
      const kept = inside ? decodeSummaries(item[SUMMARY_ATTRIBUTE], item.sizeEstimate) : undefined;
      if (kept) {
        onBucket?.(start, item.expiresAt);
        yield* kept;
        continue;
      }
      whole.push({ key: { deviceId, bucket: item.bucket }, start, keep: keep && inside && start + BUCKET_MS <= nowMs - SUMMARY_AFTER_MS, sizeEstimate: item.sizeEstimate });
      if (whole.length >= BATCH_GET_KEYS) yield* await flush();
    }
    yield* await flush();
  }

  /** Read the items whole (BatchGetItem, strongly consistent), summarize their readings in range, keep what may be kept. */
  private async summarizeItems(batch: { key: Item; start: number; keep: boolean; sizeEstimate: unknown }[], fromMs: number, toMs: number, onBucket?: OnBucket): Promise<MinuteSummary[]> {
    const byKey = new Map(batch.map((b) => [b.key.bucket as string, b]));
    const items: Item[] = [];
    let keys: Item[] = batch.map((b) => b.key);
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
      items.push(...((out.Responses?.[this.tableName] ?? []) as Item[]));
      keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Item[];
    }
    const summaries: MinuteSummary[] = [];
    const keeps: { key: Item; sizeEstimate: number; text: string }[] = [];
    for (const item of items) {
      const meta = byKey.get(item.bucket as string);
      if (!meta) continue;
      onBucket?.(meta.start, item.expiresAt);
      const readings: TimedMeasurements[] = [];
      for (const name in item) {
        const value = item[name];
        if (!holdsReading(name) || typeof value !== 'string') continue;
        const measured = decodeMeasurements(value, meta.start);
        if (measured.tsMs >= fromMs && measured.tsMs < toMs) readings.push(measured);
      }
      const minutes = summarizeMinutes(readings);
      summaries.push(...minutes);
      if (meta.keep && typeof item.sizeEstimate === 'number') keeps.push({ key: meta.key, sizeEstimate: item.sizeEstimate, text: encodeSummaries(minutes, item.sizeEstimate) });
    }
    await forEachLimited(keeps, BUCKET_CONCURRENCY, async ({ key, sizeEstimate, text }) => {
      await this.db
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET #a = :a',
            ConditionExpression: '#z = :z',
            ExpressionAttributeNames: { '#a': SUMMARY_ATTRIBUTE, '#z': 'sizeEstimate' },
            ExpressionAttributeValues: { ':a': text, ':z': sizeEstimate },
          }),
        )
        // A cache: a reading stored meanwhile (condition failed), a throttle or a missing grant only means
        // the next reader summarizes this bucket again; the answer computed here is exact either way.
        .catch(() => undefined);
    });
    return summaries;
  }

  /**
   * The buckets that may hold readings with fromMs <= ts < toMs, in time
   * order, each with all its sub-buckets (which may straddle the store's
   * pages): a strongly consistent Query, `limit()` items a call (undefined:
   * the store's 1 MB pages).
   */
  private async *buckets(deviceId: string, fromMs: number, toMs: number, limit: () => number | undefined): AsyncGenerator<Bucket> {
    let group: Bucket | undefined;
    for await (const item of this.rangeItems(deviceId, fromMs, toMs, limit)) {
      const start = parseBucketKey(item.bucket as string).start;
      if (group && group.start !== start) {
        yield group;
        group = undefined;
      }
      group ??= { start, items: [] };
      group.items.push(item);
    }
    if (group) yield group;
  }

  /** The bucket items of the range in key order, whole or only the `attributes` named (strongly consistent). */
  private rangeItems(deviceId: string, fromMs: number, toMs: number, limit: () => number | undefined, attributes?: readonly string[]): AsyncGenerator<Item> {
    return this.queryKeys(deviceId, bucketKey(bucketStartMs(deviceId, fromMs), 0), bucketKey(bucketStartMs(deviceId, toMs - 1), 999), attributes, limit);
  }

  /**
   * The device's items with `lo <= sort key <= hi`, in key order, whole or
   * only the `attributes` named (strongly consistent). Bucket ranges and
   * roll-up ranges never overlap (hour-rollup.ts): every Query of this table
   * goes through here with one or the other.
   */
  private async *queryKeys(deviceId: string, lo: string, hi: string, attributes?: readonly string[], limit: () => number | undefined = () => undefined): AsyncGenerator<Item> {
    const projected = Object.fromEntries((attributes ?? []).map((name, i) => [`#p${i}`, name]));
    let startKey: Item | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'deviceId = :d AND #b BETWEEN :lo AND :hi',
          ...(attributes ? { ProjectionExpression: Object.keys(projected).join(', ') } : {}),
          ExpressionAttributeNames: { '#b': 'bucket', ...projected },
          ExpressionAttributeValues: { ':d': deviceId, ':lo': lo, ':hi': hi },
          ConsistentRead: true,
          Limit: limit(),
          ExclusiveStartKey: startKey,
        }),
      );
      yield* (out.Items ?? []) as Item[];
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }

  /** From the bucket phase (reading-codec.ts): quiet posts aligned with it write one bucket each. */
  uploadPhaseSeconds(deviceId: string, intervalSeconds: number): number {
    return uploadPhaseSeconds(deviceId, intervalSeconds);
  }
}

interface Position {
  tsMs: number;
  name: string;
}

/** A reading as stored, its ts already read: decoded only if it is returned. */
interface Encoded extends Position {
  value: string;
  start: number;
}

interface Bucket {
  start: number;
  items: Item[];
}

/** One bucket's readings within [fromMs, toMs) and after `after`, in the route's order (sub-buckets hold arrival order: sorted as a whole). */
function inOrder(bucket: Bucket, fromMs: number, toMs: number, after: Position | undefined): Encoded[] {
  const out: Encoded[] = [];
  for (const item of bucket.items) {
    for (const name in item) {
      const value = item[name];
      if (!holdsReading(name) || typeof value !== 'string') continue;
      const tsMs = encodedTsMs(value, bucket.start);
      if (tsMs < fromMs || tsMs >= toMs) continue;
      if (after && compareStored({ tsMs, name }, after) <= 0) continue;
      out.push({ tsMs, name, value, start: bucket.start });
    }
  }
  return out.sort(compareStored);
}
