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

export const NUMERIC = ['co2', 'temperature', 'humidity', 'smoke'] as const;
type Numeric = (typeof NUMERIC)[number];

/** Running min/max/sum/count of one measurement: mergeable, so partial summaries add up exactly. */
export interface Acc {
  min: number;
  max: number;
  sum: number;
  n: number;
}

/**
 * What some readings of one UTC minute add up to (a store may keep these
 * beside the readings). Every step is a whole number of minutes aligned to
 * UTC, so a minute falls in exactly one bucket of any step, and summaries of
 * disjoint sets of readings merge into the exact figures.
 */
export interface MinuteSummary {
  /** Start of the UTC minute, epoch ms. */
  minuteMs: number;
  count: number;
  numeric: Partial<Record<Numeric, Acc>>;
  flame?: boolean;
}

type Summarizable = Pick<Reading, 'ts' | 'co2' | 'temperature' | 'humidity' | 'smoke' | 'flame'>;
/** A reading's measurements with its time as epoch ms (what a store can decode cheaply). */
export type TimedMeasurements = { tsMs: number; flame?: boolean } & Partial<Record<Numeric, number>>;

function addValue(numeric: Partial<Record<Numeric, Acc>>, field: Numeric, value: number): void {
  const acc = numeric[field];
  if (!acc) numeric[field] = { min: value, max: value, sum: value, n: 1 };
  else {
    if (value < acc.min) acc.min = value;
    if (value > acc.max) acc.max = value;
    acc.sum += value;
    acc.n++;
  }
}

function mergeAcc(numeric: Partial<Record<Numeric, Acc>>, field: Numeric, other: Acc): void {
  const acc = numeric[field];
  if (!acc) numeric[field] = { ...other };
  else {
    if (other.min < acc.min) acc.min = other.min;
    if (other.max > acc.max) acc.max = other.max;
    acc.sum += other.sum;
    acc.n += other.n;
  }
}

/** One summary per UTC minute that holds readings (each reading given once), in minute order. */
export function summarizeMinutes(readings: Iterable<TimedMeasurements>): MinuteSummary[] {
  const minutes = new Map<number, MinuteSummary>();
  for (const reading of readings) {
    const tsMs = reading.tsMs;
    const minuteMs = tsMs - (((tsMs % 60_000) + 60_000) % 60_000);
    let m = minutes.get(minuteMs);
    if (!m) minutes.set(minuteMs, (m = { minuteMs, count: 0, numeric: {} }));
    m.count++;
    for (const field of NUMERIC) {
      const value = reading[field];
      if (typeof value === 'number') addValue(m.numeric, field, value);
    }
    if (typeof reading.flame === 'boolean') m.flame = (m.flame ?? false) || reading.flame;
  }
  return [...minutes.values()].sort((a, b) => a.minuteMs - b.minuteMs);
}

interface BucketAcc {
  start: number;
  count: number;
  numeric: Partial<Record<Numeric, Acc>>;
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

  add(reading: Summarizable): void {
    const b = this.bucketOf(Date.parse(reading.ts));
    b.count++;
    for (const field of NUMERIC) {
      const value = reading[field];
      if (typeof value === 'number') addValue(b.numeric, field, value);
    }
    if (typeof reading.flame === 'boolean') b.flame = (b.flame ?? false) || reading.flame;
  }

  /** A minute's summary (of readings never given to `add` or in another summary). */
  addSummary(summary: MinuteSummary): void {
    const b = this.bucketOf(summary.minuteMs);
    b.count += summary.count;
    for (const field of NUMERIC) {
      const acc = summary.numeric[field];
      if (acc) mergeAcc(b.numeric, field, acc);
    }
    if (summary.flame !== undefined) b.flame = (b.flame ?? false) || summary.flame;
  }

  private bucketOf(epochMs: number): BucketAcc {
    const start = bucketStart(epochMs, this.step);
    let b = this.buckets.get(start);
    if (!b) this.buckets.set(start, (b = { start, count: 0, numeric: {} }));
    return b;
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
