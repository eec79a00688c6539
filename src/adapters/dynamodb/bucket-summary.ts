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

type EncodedAcc = [number, number, number, number] | 0;
/** [minute (epoch minutes), count, flame (0 none, 1 false, 2 true), co2, temperature, humidity, smoke]. */
type EncodedMinute = [number, number, 0 | 1 | 2, EncodedAcc, EncodedAcc, EncodedAcc, EncodedAcc];

export function encodeSummaries(minutes: readonly MinuteSummary[], sizeEstimate: number): string {
  const m: EncodedMinute[] = minutes.map((s) => [
    s.minuteMs / 60_000,
    s.count,
    s.flame === undefined ? 0 : s.flame ? 2 : 1,
    ...(NUMERIC.map((f) => {
      const acc = s.numeric[f];
      return acc ? ([acc.min, acc.max, acc.sum, acc.n] as EncodedAcc) : 0;
    }) as [EncodedAcc, EncodedAcc, EncodedAcc, EncodedAcc]),
  ]);
  // JSON numbers round-trip doubles exactly, so a kept sum is the sum computed.
  return JSON.stringify({ z: sizeEstimate, m });
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
  if (parsed.z !== sizeEstimate || !Array.isArray(parsed.m)) return undefined;
  const out: MinuteSummary[] = [];
  for (const row of parsed.m as EncodedMinute[]) {
    if (!Array.isArray(row) || row.length !== 3 + NUMERIC.length) return undefined;
    const numeric: MinuteSummary['numeric'] = {};
    NUMERIC.forEach((f, i) => {
      const acc = row[3 + i];
      if (Array.isArray(acc)) numeric[f] = { min: acc[0], max: acc[1], sum: acc[2], n: acc[3] } satisfies Acc;
    });
    out.push({ minuteMs: row[0] * 60_000, count: row[1], numeric, ...(row[2] === 0 ? {} : { flame: row[2] === 2 }) });
  }
  return out;
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
