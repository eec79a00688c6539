import { NUMERIC, type Acc, type MinuteSummary, type TimedMeasurements } from '../../domain/aggregates.js';
import { MEASUREMENT_FIELDS } from '../../domain/reading.js';

/**
 * The per-minute summaries a bucket item may keep beside its readings
 * (attribute `agg`, docs/storage.md), and the cheap decoding they are built
 * from. A summary is valid only for the `sizeEstimate` it was computed at:
 * every write to the item raises `sizeEstimate` (duplicates too), so a
 * reading added later makes it stale without the write path knowing about it.
 */
export const SUMMARY_ATTRIBUTE = 'agg';

/** [min, max, sum, n], or [min, max, sum] when n is the minute's count (roll-ups, compact); 0: no value. */
type EncodedAcc = [number, number, number, number] | [number, number, number] | 0;
/** [minute (epoch minutes, or minutes after a base), count, flame (0 none, 1 false, 2 true), co2, temperature, humidity, smoke]. */
type EncodedMinute = [number, number, 0 | 1 | 2, EncodedAcc, EncodedAcc, EncodedAcc, EncodedAcc];

/**
 * Minute summaries as JSON-ready rows, minutes counted from `baseMinute`
 * (epoch minutes). `compact` drops an accumulator's n when it equals the
 * minute's count (the usual case: every reading carries the measurement).
 */
export function encodeMinuteRows(minutes: readonly MinuteSummary[], baseMinute = 0, compact = false): EncodedMinute[] {
  return minutes.map((s) => [
    s.minuteMs / 60_000 - baseMinute,
    s.count,
    s.flame === undefined ? 0 : s.flame ? 2 : 1,
    ...(NUMERIC.map((f) => {
      const acc = s.numeric[f];
      if (!acc) return 0;
      return compact && acc.n === s.count ? ([acc.min, acc.max, acc.sum] as EncodedAcc) : ([acc.min, acc.max, acc.sum, acc.n] as EncodedAcc);
    }) as [EncodedAcc, EncodedAcc, EncodedAcc, EncodedAcc]),
  ]);
}

/** The rows back as summaries, or undefined when they are not rows of this shape. */
export function decodeMinuteRows(rows: unknown, baseMinute = 0): MinuteSummary[] | undefined {
  if (!Array.isArray(rows)) return undefined;
  const out: MinuteSummary[] = [];
  for (const row of rows as EncodedMinute[]) {
    if (!Array.isArray(row) || row.length !== 3 + NUMERIC.length) return undefined;
    const numeric: MinuteSummary['numeric'] = {};
    NUMERIC.forEach((f, i) => {
      const acc = row[3 + i];
      if (Array.isArray(acc)) numeric[f] = { min: acc[0], max: acc[1], sum: acc[2], n: acc.length === 3 ? row[1] : acc[3] } satisfies Acc;
    });
    out.push({ minuteMs: (row[0] + baseMinute) * 60_000, count: row[1], numeric, ...(row[2] === 0 ? {} : { flame: row[2] === 2 }) });
  }
  return out;
}

export function encodeSummaries(minutes: readonly MinuteSummary[], sizeEstimate: number): string {
  // JSON numbers round-trip doubles exactly, so a kept sum is the sum computed.
  return JSON.stringify({ z: sizeEstimate, m: encodeMinuteRows(minutes) });
}

/** The summaries, or undefined when absent, unreadable, or computed at another `sizeEstimate` (stale). */
export function decodeSummaries(text: unknown, sizeEstimate: unknown): MinuteSummary[] | undefined {
  if (typeof text !== 'string' || typeof sizeEstimate !== 'number') return undefined;
  let parsed: { z?: unknown; m?: unknown };
  try {
    parsed = JSON.parse(text) as { z?: unknown; m?: unknown };
  } catch {
    return undefined;
  }
  if (parsed.z !== sizeEstimate) return undefined;
  return decodeMinuteRows(parsed.m);
}

const FLAME_INDEX = MEASUREMENT_FIELDS.indexOf('flame');

/** A stored reading's time and measurements only (no strings, no id): what a summary needs. */
export function decodeMeasurements(value: string, bucketStart: number): TimedMeasurements {
  const parts = value.split('|');
  const out: TimedMeasurements = { tsMs: bucketStart + parseInt(parts[0] as string, 36) };
  for (let i = 0; i < MEASUREMENT_FIELDS.length; i++) {
    const text = parts[2 + i];
    if (text === undefined || text === '') continue;
    if (i === FLAME_INDEX) out.flame = text === '1';
    else out[MEASUREMENT_FIELDS[i] as (typeof NUMERIC)[number]] = Number(text);
  }
  return out;
}
