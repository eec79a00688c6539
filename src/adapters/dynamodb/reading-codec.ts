import { MEASUREMENT_FIELDS, type Reading } from '../../domain/reading.js';
import { formatUtc } from '../../domain/time.js';
import type { StoredReading } from '../../app/ports.js';

/**
 * The readings table's key formats and item encoding (docs/storage.md), in
 * one place: nothing outside src/adapters/dynamodb knows them.
 */

/** A bucket spans 5 minutes of a device's readings (by ts). */
export const BUCKET_MS = 300_000;

/** FNV-1a: a stable per-device phase, so that buckets of a fleet do not all roll over at the same instant. */
export function phaseMs(deviceId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < deviceId.length; i++) {
    hash ^= deviceId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % BUCKET_MS;
}

export function bucketStartMs(deviceId: string, tsMs: number): number {
  const phase = phaseMs(deviceId);
  return Math.floor((tsMs - phase) / BUCKET_MS) * BUCKET_MS + phase;
}

/**
 * When, in seconds to the millisecond, a board uploading every `intervalSeconds` should
 * post so that its quiet posts do not straddle a bucket boundary: the
 * bucket phase, in seconds to the millisecond, mod the interval. For an
 * interval that divides BUCKET_MS or is a multiple of it, every bucket
 * boundary is an upload instant, so a board that sends only the readings
 * stamped before each instant writes whole buckets, one item each.
 */
export function uploadPhaseSeconds(deviceId: string, intervalSeconds: number): number {
  const intervalMs = Math.max(1, Math.floor(intervalSeconds)) * 1000;
  return (phaseMs(deviceId) % intervalMs) / 1000;
}

/** Sort key: `<bucket start, epoch ms, 16 digits>#<sub-bucket, 3 digits>`: sorts by time, then sub-bucket. */
export function bucketKey(startMs: number, sub: number): string {
  return `${String(startMs).padStart(16, '0')}#${String(sub).padStart(3, '0')}`;
}

export function parseBucketKey(key: string): { start: number; sub: number } {
  return { start: Number(key.slice(0, 16)), sub: Number(key.slice(17)) };
}

/** The attribute holding a reading: its identity, `id#<id>` or `ts#<ts UTC ms>`. */
export function readingAttribute(reading: Pick<Reading, 'id' | 'ts'>): string {
  return reading.id !== undefined ? `id#${reading.id}` : `ts#${reading.ts}`;
}

export function isReadingAttribute(name: string): boolean {
  return /^(?:id#[A-Za-z0-9_.:-]{1,64}|ts#\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)$/.test(name);
}

/**
 * A reading as one short string: `<ts - bucket start>|<receivedAt - ts>` (ms,
 * base 36) then co2, temperature, humidity, smoke (JavaScript's shortest
 * round-trip form), flame (`1`/`0`) and faults (space-separated); an absent
 * field is empty, trailing empty fields are dropped. The identity is the
 * attribute's name. Numbers are never DynamoDB numbers here, so their text
 * round-trips exactly.
 */
export function encodeReading(reading: Reading, bucketStart: number, receivedMs: number): string {
  const tsMs = Date.parse(reading.ts);
  const parts: string[] = [(tsMs - bucketStart).toString(36), (receivedMs - tsMs).toString(36)];
  for (const field of MEASUREMENT_FIELDS) {
    const value = reading[field];
    parts.push(value === undefined ? '' : typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  parts.push(reading.faults?.join(' ') ?? '');
  while (parts[parts.length - 1] === '') parts.pop();
  return parts.join('|');
}

/** Years 0000-9999: where toISOString's form is `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
const ISO_FIXED_MAX_MS = 253_402_300_800_000;

/**
 * `formatUtc`, reusing the `YYYY-MM-DDTHH:MM:` of the last minute it
 * formatted: reading a week of history formats two instants a reading, and
 * Date#toISOString was most of the decoding time. One per kind of instant
 * (ts, receivedAt), so that the two do not evict each other's minute.
 */
class IsoMinuteCache {
  private minute = Number.NaN;
  private prefix = '';

  format(ms: number): string {
    if (!(ms >= 0 && ms < ISO_FIXED_MAX_MS)) return formatUtc(ms);
    const rest = ms % 60_000;
    const minute = ms - rest;
    if (minute !== this.minute) {
      this.minute = minute;
      this.prefix = formatUtc(minute).slice(0, 17);
    }
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    return `${this.prefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  }
}

const tsText = new IsoMinuteCache();
const receivedText = new IsoMinuteCache();

/** Exactly the fields the reading was sent with, plus receivedAt (key order as a person reads it). */
export function decodeReading(name: string, value: string, bucketStart: number): StoredReading {
  const parts = value.split('|');
  const tsMs = bucketStart + parseInt(parts[0] as string, 36);
  const ts = tsText.format(tsMs);
  const reading: Record<string, unknown> = name.charCodeAt(0) === 105 /* i: id#... */ ? { id: name.slice(3), ts } : { ts };
  for (let i = 0; i < MEASUREMENT_FIELDS.length; i++) {
    const text = parts[2 + i];
    if (text === undefined || text === '') continue;
    const field = MEASUREMENT_FIELDS[i] as string;
    reading[field] = field === 'flame' ? text === '1' : Number(text);
  }
  const faults = parts[2 + MEASUREMENT_FIELDS.length];
  if (faults) reading.faults = faults.split(' ');
  reading.receivedAt = receivedText.format(tsMs + parseInt(parts[1] as string, 36));
  return reading as unknown as StoredReading;
}

/**
 * A reading's ts in epoch ms from its encoded value alone (the first field),
 * without decoding the rest: the read path filters and sorts on this, and
 * decodes only the readings of the page it returns.
 */
export function encodedTsMs(value: string, bucketStart: number): number {
  const bar = value.indexOf('|');
  return bucketStart + parseInt(bar < 0 ? value : value.slice(0, bar), 36);
}

/** Whether an attribute of a bucket item holds a reading (`id#...`, `ts#...`) and not a key or bookkeeping. Cheaper than isReadingAttribute, for names the store wrote. */
export function holdsReading(name: string): boolean {
  return name.charCodeAt(2) === 35 /* # */ && (name.startsWith('id') || name.startsWith('ts'));
}

/** Time order, ties broken by identity: the order of the readings route. */
export function compareStored(a: { tsMs: number; name: string }, b: { tsMs: number; name: string }): number {
  return a.tsMs - b.tsMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
