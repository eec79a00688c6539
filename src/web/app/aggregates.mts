/**
 * Long ranges drawn from the aggregates route: which step to ask for, and
 * buckets turned into chart columns with their gaps and flame spans. Pure
 * functions, no DOM (unit-tested in test/web/aggregates.test.ts).
 */
import { AGGREGATE_STEPS, MAX_AGGREGATE_BUCKETS } from '../../domain/aggregate-steps.js';
import type { Bucket } from '../../domain/aggregates.js';

export type { Bucket };

/** Ranges up to this long are drawn from every raw reading; longer ones from aggregates. */
export const RAW_MAX_MS = 6 * 3600_000;

/** Start (ms) of the step's bucket holding `ms`: buckets are aligned to multiples of the step in UTC epoch seconds. */
export function alignDown(ms: number, step: number): number {
  return Math.floor(ms / 1000 / step) * step * 1000;
}

/**
 * The finest step the route accepts whose buckets over [from, to), from
 * aligned down to the step, are at most 2,000: 24 h in minutes, 7 days in
 * quarter hours, 30 days in hours. `undefined` beyond 2,000 days.
 */
export function stepFor(fromMs: number, toMs: number): number | undefined {
  return AGGREGATE_STEPS.find((step) => (toMs - alignDown(fromMs, step)) / 1000 / step <= MAX_AGGREGATE_BUCKETS);
}

export type BucketMetric = 'co2' | 'temperature' | 'humidity' | 'smoke';

/** One measurement's buckets as chart columns: x at the bucket's middle (seconds), a `null` in all three where the line breaks. */
export interface BandSeries {
  x: number[];
  avg: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

/**
 * Buckets holding `metric` as chart columns (values times `scale`). A gap
 * is never drawn across: a `null` is put in it. A gap is what it is for raw
 * readings, more than five of the board's usual intervals between readings
 * (at least a minute), and at least one missing bucket: for a board reading
 * every 10 s, any missing minute; for one reading every minute at 1-minute
 * steps, five minutes.
 */
export function bandSeries(buckets: readonly Bucket[], metric: BucketMetric, scale: number, step: number): BandSeries {
  const out: BandSeries = { x: [], avg: [], min: [], max: [] };
  const held = buckets.filter((b) => b[metric] !== undefined);
  const starts = held.map((b) => Date.parse(b.ts) / 1000);
  const gap = breakAfter(held, starts, step);
  for (let i = 0; i < held.length; i++) {
    const start = starts[i] as number;
    const s = (held[i] as Bucket)[metric] as { min: number; max: number; avg: number };
    if (i > 0 && start - (starts[i - 1] as number) > gap) {
      out.x.push((starts[i - 1] as number) + step + step / 2);
      out.avg.push(null);
      out.min.push(null);
      out.max.push(null);
    }
    out.x.push(start + step / 2);
    out.avg.push(s.avg * scale);
    out.min.push(s.min * scale);
    out.max.push(s.max * scale);
  }
  return out;
}

/** Buckets holding a flame value as a 1 (flame seen) or 0 series, gaps as in `bandSeries`. */
export function flameSeries(buckets: readonly Bucket[], step: number): { x: number[]; y: (number | null)[] } {
  const held = buckets.filter((b) => b.flame !== undefined);
  const starts = held.map((b) => Date.parse(b.ts) / 1000);
  const gap = breakAfter(held, starts, step);
  const out: { x: number[]; y: (number | null)[] } = { x: [], y: [] };
  for (let i = 0; i < held.length; i++) {
    const start = starts[i] as number;
    if (i > 0 && start - (starts[i - 1] as number) > gap) {
      out.x.push((starts[i - 1] as number) + step + step / 2);
      out.y.push(null);
    }
    out.x.push(start + step / 2);
    out.y.push((held[i] as Bucket).flame?.any ? 1 : 0);
  }
  return out;
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] as number;
}

/**
 * The distance between two bucket starts beyond which the line breaks. The
 * board's usual interval: one step over the readings a bucket holds when
 * its buckets follow one another (their median), else the usual distance
 * between its buckets (a board reading less often than once a step).
 */
function breakAfter(held: readonly Bucket[], starts: readonly number[], step: number): number {
  if (starts.length < 3) return step;
  const spacing: number[] = [];
  for (let i = 1; i < starts.length; i++) spacing.push((starts[i] as number) - (starts[i - 1] as number));
  const apart = median(spacing);
  const interval = apart > step ? apart : median(held.map((b) => step / Math.max(1, b.count)));
  return Math.max(step, 60, 5 * interval);
}

/** A span of time (seconds) when flame was seen. */
export interface Span {
  from: number;
  to: number;
}

/** Buckets whose `flame.any` is true, adjacent ones merged. */
export function flameSpansOfBuckets(buckets: readonly Bucket[], step: number): Span[] {
  const spans: Span[] = [];
  for (const b of buckets) {
    if (!b.flame?.any) continue;
    const from = Date.parse(b.ts) / 1000;
    const last = spans[spans.length - 1];
    if (last && last.to >= from) last.to = from + step;
    else spans.push({ from, to: from + step });
  }
  return spans;
}

/**
 * Runs of readings with flame true (times in seconds, flame 1, 0 or NaN
 * when not measured). A run lasts until the next reading, or is a moment
 * when that reading is more than `gapSeconds` later.
 */
export function flameSpansOfReadings(x: ArrayLike<number>, flame: ArrayLike<number>, gapSeconds: number): Span[] {
  const spans: Span[] = [];
  let open: Span | undefined;
  for (let i = 0; i < x.length; i++) {
    const t = x[i] as number;
    if (open) {
      if (t - open.to <= gapSeconds) open.to = t;
      else open = undefined;
    }
    if (flame[i] === 1) {
      if (!open) spans.push((open = { from: t, to: t }));
    } else open = undefined;
  }
  return spans;
}
