import * as v from 'valibot';
import type { Reading } from './reading.js';

export { AGGREGATE_STEPS, MAX_AGGREGATE_BUCKETS, type AggregateStep } from './aggregate-steps.js';

export interface Summary {
  min: number;
  max: number;
  avg: number;
}

export interface Bucket {
  /** Bucket start (UTC, RFC 3339). */
  ts: string;
  count: number;
  co2?: Summary;
  temperature?: Summary;
  humidity?: Summary;
  smoke?: Summary;
  flame?: { any: boolean };
}

const NUMERIC = ['co2', 'temperature', 'humidity', 'smoke'] as const;

interface Acc {
  min: number;
  max: number;
  sum: number;
  n: number;
}

interface BucketAcc {
  start: number;
  count: number;
  numeric: Partial<Record<(typeof NUMERIC)[number], Acc>>;
  flame?: boolean;
}

/** Start (epoch seconds) of the bucket holding `epochMs`: a multiple of `step` in UTC epoch seconds. */
export function bucketStart(epochMs: number, step: number): number {
  return Math.floor(epochMs / 1000 / step) * step;
}

/**
 * Folds readings into buckets; feed every reading once (the store returns each
 * identity once, so a retried reading never counts twice).
 */
export class Bucketer {
  private readonly buckets = new Map<number, BucketAcc>();
  constructor(private readonly step: number) {}

  add(reading: Pick<Reading, 'ts' | 'co2' | 'temperature' | 'humidity' | 'smoke' | 'flame'>): void {
    const start = bucketStart(Date.parse(reading.ts), this.step);
    let b = this.buckets.get(start);
    if (!b) this.buckets.set(start, (b = { start, count: 0, numeric: {} }));
    b.count++;
    for (const field of NUMERIC) {
      const value = reading[field];
      if (typeof value !== 'number') continue;
      const acc = b.numeric[field];
      if (!acc) b.numeric[field] = { min: value, max: value, sum: value, n: 1 };
      else {
        acc.min = Math.min(acc.min, value);
        acc.max = Math.max(acc.max, value);
        acc.sum += value;
        acc.n++;
      }
    }
    if (typeof reading.flame === 'boolean') b.flame = (b.flame ?? false) || reading.flame;
  }

  /** Buckets holding readings, ascending; a measurement without values is left out. */
  result(): Bucket[] {
    return [...this.buckets.values()]
      .sort((a, b) => a.start - b.start)
      .map((b) => {
        const out: Bucket = { ts: new Date(b.start * 1000).toISOString(), count: b.count };
        for (const field of NUMERIC) {
          const acc = b.numeric[field];
          if (acc) out[field] = { min: acc.min, max: acc.max, avg: acc.sum / acc.n };
        }
        if (b.flame !== undefined) out.flame = { any: b.flame };
        return out;
      });
  }
}

const SummarySchema = v.strictObject({ min: v.number(), max: v.number(), avg: v.number() });

/** The aggregates answer (the OpenAPI document is built from it). */
export const AggregatesPageSchema = v.strictObject({
  items: v.array(
    v.strictObject({
      ts: v.pipe(v.string(), v.description("Bucket start, a multiple of step in UTC epoch seconds")),
      count: v.number(),
      co2: v.optional(SummarySchema),
      temperature: v.optional(SummarySchema),
      humidity: v.optional(SummarySchema),
      smoke: v.optional(SummarySchema),
      flame: v.optional(v.strictObject({ any: v.boolean() })),
    }),
  ),
});
