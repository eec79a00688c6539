import { NUMERIC, type MinuteSummary } from '../../domain/aggregates.js';
import { decodeMinuteRows, encodeMinuteRows, SUMMARY_ATTRIBUTE } from './bucket-summary.js';

/**
 * Hourly roll-ups of the readings table (docs/storage.md): one item per
 * device and UTC hour holding the per-minute summaries of every reading whose
 * ts lies in that hour. Built lazily by the aggregates read path, made dirty
 * by ingest when a late reading lands in an hour that may already be rolled
 * up. Key format and encoding live here only.
 */

export const HOUR_MS = 3_600_000;
/**
 * Whole hours that ended at least this long ago are read from (and rolled up
 * into) roll-up items: readings of an older hour are late, and ingest marks
 * their roll-up dirty (LATE_AFTER_MS).
 */
export const ROLLUP_AFTER_MS = 20 * 60_000;
/**
 * Ingest marks an hour's roll-up dirty when a reading of that hour arrives
 * more than this long after the hour ended: a margin below ROLLUP_AFTER_MS,
 * so that a clock skew of up to 10 minutes between the ingest function (its
 * receivedAt) and the reader (its now) cannot let a roll-up miss a reading.
 */
export const LATE_AFTER_MS = 10 * 60_000;

/** The summaries, in the same attribute as a bucket's kept summary (one IAM grant covers both). */
export const ROLLUP_ATTRIBUTE = SUMMARY_ATTRIBUTE;
/** The roll-up's version: raised (ADD) by every dirty mark, never by the reader. */
export const VERSION_ATTRIBUTE = 'v';

export function hourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/**
 * Sort key: `h<hour start, epoch ms, 16 digits>`. Bucket keys start with a
 * digit, so every roll-up key sorts after every bucket key of the partition
 * and no bucket range (`<digits>#000 BETWEEN <digits>#999`) can hold one.
 */
export function rollupKey(hourMs: number): string {
  return `h${String(hourMs).padStart(16, '0')}`;
}

/** The hour of a roll-up key, or undefined for any other key. */
export function parseRollupKey(key: unknown): number | undefined {
  if (typeof key !== 'string' || !/^h\d{16}$/.test(key)) return undefined;
  return Number(key.slice(1));
}

/**
 * An hour's minutes as compact JSON rows (minute 0-59 of the hour; an
 * accumulator's n dropped when it is the minute's count). Summaries of the
 * same minute (a minute cut by a bucket edge comes from two buckets) are
 * merged into one row; the inputs are left untouched.
 */
export function encodeRollup(minutes: readonly MinuteSummary[], hourMs: number): string {
  const merged = new Map<number, MinuteSummary>();
  for (const s of minutes) {
    const m = merged.get(s.minuteMs);
    if (!m) {
      merged.set(s.minuteMs, { ...s, numeric: Object.fromEntries(Object.entries(s.numeric).map(([f, acc]) => [f, { ...acc }])) });
      continue;
    }
    m.count += s.count;
    for (const f of NUMERIC) {
      const other = s.numeric[f];
      if (!other) continue;
      const acc = m.numeric[f];
      if (!acc) m.numeric[f] = { ...other };
      else {
        acc.min = Math.min(acc.min, other.min);
        acc.max = Math.max(acc.max, other.max);
        acc.sum += other.sum;
        acc.n += other.n;
      }
    }
    if (s.flame !== undefined) m.flame = (m.flame ?? false) || s.flame;
  }
  const rows = [...merged.values()].sort((a, b) => a.minuteMs - b.minuteMs);
  // JSON numbers round-trip doubles exactly, so a kept sum is the sum computed.
  return JSON.stringify(encodeMinuteRows(rows, hourMs / 60_000, true));
}

/** The hour's summaries, or undefined when the roll-up holds none (a dirty stub) or cannot be read. */
export function decodeRollup(text: unknown, hourMs: number): MinuteSummary[] | undefined {
  if (typeof text !== 'string') return undefined;
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    return undefined;
  }
  const minutes = decodeMinuteRows(rows, hourMs / 60_000);
  // Only minutes of its own hour: anything else is not a roll-up this code wrote.
  return minutes?.every((m) => m.minuteMs >= hourMs && m.minuteMs < hourMs + HOUR_MS) ? minutes : undefined;
}
