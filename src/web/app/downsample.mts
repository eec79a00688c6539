/**
 * Time series reduction for charts: pure functions, no DOM (unit-tested in
 * test/web/downsample.test.ts).
 */

export interface Series {
  /** Seconds since the epoch (uPlot's time unit), ascending. */
  x: number[];
  /** `null` breaks the line (a gap in the data). */
  y: (number | null)[];
}

/**
 * M4 reduction: the points of each of `buckets` equal time slices are
 * reduced to the first, lowest, highest and last of them, in time order. At
 * one bucket per pixel column the line drawn is the same as with every point,
 * peaks included (a CO2 spike or a one-reading smoke puff is never averaged
 * away), with at most 4 points a column: a week of 10-second readings (60,480)
 * becomes a few thousand. A gap longer than `gapSeconds` between two readings
 * becomes a `null`, so the line is broken where the board was silent.
 */
export function downsample(x: ArrayLike<number>, y: ArrayLike<number>, buckets: number, gapSeconds: number): Series {
  const n = Math.min(x.length, y.length);
  const out: Series = { x: [], y: [] };
  if (n === 0) return out;
  const pushGap = (i: number) => {
    out.x.push(((x[i - 1] as number) + (x[i] as number)) / 2);
    out.y.push(null);
  };
  if (n <= buckets * 4) {
    for (let i = 0; i < n; i++) {
      if (i > 0 && (x[i] as number) - (x[i - 1] as number) > gapSeconds) pushGap(i);
      out.x.push(x[i] as number);
      out.y.push(y[i] as number);
    }
    return out;
  }
  const x0 = x[0] as number;
  const width = Math.max(((x[n - 1] as number) - x0) / buckets, Number.MIN_VALUE);
  let bucket = -1;
  let first = 0;
  let min = 0;
  let max = 0;
  let last = 0;
  const flush = () => {
    if (bucket < 0) return;
    // first, min, max, last in time order, each index once
    const picks = [first, min, max, last].sort((a, b) => a - b);
    let previous = -1;
    for (const i of picks) {
      if (i === previous) continue;
      out.x.push(x[i] as number);
      out.y.push(y[i] as number);
      previous = i;
    }
  };
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    const gap = i > 0 && xi - (x[i - 1] as number) > gapSeconds;
    const b = Math.min(buckets - 1, Math.floor((xi - x0) / width));
    if (gap || b !== bucket) {
      flush();
      if (gap) pushGap(i);
      bucket = b;
      first = min = max = last = i;
      continue;
    }
    if (yi < (y[min] as number)) min = i;
    if (yi > (y[max] as number)) max = i;
    last = i;
  }
  flush();
  return out;
}

/**
 * The gap that breaks a line: five times the usual interval between
 * readings (their median), and never less than a minute.
 */
export function gapFor(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 3) return Infinity;
  // A sample of intervals is enough for a median, and keeps this O(1) in memory for long series.
  const step = Math.max(1, Math.floor(n / 2000));
  const intervals: number[] = [];
  for (let i = step; i < n; i += step) intervals.push((x[i] as number) - (x[i - step] as number));
  intervals.sort((a, b) => a - b);
  const median = (intervals[Math.floor(intervals.length / 2)] ?? 0) / step;
  return Math.max(60, 5 * median);
}

/** Lowest, highest and last value of a series (nulls skipped). */
export function summary(y: ArrayLike<number>): { min: number; max: number; last: number } | undefined {
  if (y.length === 0) return undefined;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max, last: y[y.length - 1] as number };
}
