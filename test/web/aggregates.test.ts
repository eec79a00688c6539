import { describe, expect, it } from 'vitest';
import { alignDown, bandSeries, flameSeries, flameSpansOfBuckets, flameSpansOfReadings, RAW_MAX_MS, stepFor, type Bucket } from '../../src/web/app/aggregates.mjs';
import { AGGREGATE_STEPS, MAX_AGGREGATE_BUCKETS } from '../../src/domain/aggregates.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0); // a Monday, midnight UTC

function bucket(startMs: number, co2?: number, flame?: boolean, count = 6): Bucket {
  return {
    ts: new Date(startMs).toISOString(),
    count,
    ...(co2 !== undefined ? { co2: { min: co2 - 10, max: co2 + 10, avg: co2 } } : {}),
    ...(flame !== undefined ? { flame: { any: flame } } : {}),
  };
}

describe('the step of a long range', () => {
  it('is the finest the route accepts that keeps at most 2,000 buckets, counted from the aligned start', () => {
    const at = T0 + 17 * 60_000 + 1234; // not aligned
    expect(stepFor(at - DAY, at)).toBe(60);
    expect(stepFor(at - 7 * DAY, at)).toBe(900);
    expect(stepFor(at - 30 * DAY, at)).toBe(3600);
    expect(stepFor(at - 365 * DAY, at)).toBe(86400);
    expect(stepFor(at - 2001 * DAY, at)).toBeUndefined();
    for (const days of [0.3, 1, 1.4, 2, 7, 10, 30, 83, 84, 90, 365, 1999]) {
      const from = at - days * DAY;
      const step = stepFor(from, at) as number;
      expect(AGGREGATE_STEPS).toContain(step);
      // What the route checks, with the start the page asks for.
      expect((at - alignDown(from, step)) / 1000 / step, `${days} days`).toBeLessThanOrEqual(MAX_AGGREGATE_BUCKETS);
      const finer = AGGREGATE_STEPS[AGGREGATE_STEPS.indexOf(step as (typeof AGGREGATE_STEPS)[number]) - 1];
      if (finer) expect((at - alignDown(from, finer)) / 1000 / finer).toBeGreaterThan(MAX_AGGREGATE_BUCKETS);
    }
  });

  it('raw readings below a few hours, aggregates above', () => {
    expect(RAW_MAX_MS).toBe(6 * HOUR);
    expect(alignDown(T0 + 59_999, 60)).toBe(T0);
    expect(alignDown(T0 + 3 * HOUR + 5, 3600)).toBe(T0 + 3 * HOUR);
  });
});

describe('buckets as chart columns', () => {
  it('puts each bucket at its middle with its average, min and max scaled', () => {
    const s = bandSeries([bucket(T0, 600), bucket(T0 + HOUR, 700)], 'co2', 1, 3600);
    expect(s.x).toEqual([T0 / 1000 + 1800, T0 / 1000 + 5400]);
    expect(s.avg).toEqual([600, 700]);
    expect(s.min).toEqual([590, 690]);
    expect(s.max).toEqual([610, 710]);
    const smoke = bandSeries([{ ts: new Date(T0).toISOString(), count: 1, smoke: { min: 0.02, max: 0.04, avg: 0.03 } }], 'smoke', 100, 60);
    expect(smoke.avg[0]).toBeCloseTo(3);
    expect(smoke.max[0]).toBeCloseTo(4);
  });

  it('breaks the line at a missing bucket: one null where the data is absent, never a line across', () => {
    const hours = [0, 1, 2, 5, 6, 7];
    const s = bandSeries(hours.map((h) => bucket(T0 + h * HOUR, 600 + h)), 'co2', 1, 3600);
    expect(s.avg).toEqual([600, 601, 602, null, 605, 606, 607]);
    expect(s.min[3]).toBeNull();
    expect(s.max[3]).toBeNull();
    // The null lies inside the gap, after the last bucket before it and before the next one.
    expect(s.x[3]).toBeGreaterThan(T0 / 1000 + 2 * 3600 + 3600);
    expect(s.x[3]).toBeLessThan(T0 / 1000 + 5 * 3600 + 1800);
    // One missing bucket is enough.
    expect(bandSeries([0, 1, 3, 4].map((h) => bucket(T0 + h * HOUR, 600)), 'co2', 1, 3600).avg).toEqual([600, 600, null, 600, 600]);
    // At most one entry a bucket of the range: never more points than buckets.
    expect(s.x.length).toBeLessThanOrEqual(8);
  });

  it('treats a bucket without the measurement as missing for it', () => {
    const s = bandSeries([bucket(T0, 600), bucket(T0 + HOUR), bucket(T0 + 2 * HOUR, 620)], 'co2', 1, 3600);
    expect(s.avg).toEqual([600, null, 620]);
  });

  it('for a board posting less often than one reading a bucket, breaks only after five of its usual intervals', () => {
    // One reading every 5 minutes at 1-minute buckets: every fifth bucket holds one.
    const minutes = [0, 5, 10, 15, 20, 25, 30, 35, 40, 80, 85, 90, 95];
    const s = bandSeries(minutes.map((m) => bucket(T0 + m * 60_000, 500)), 'co2', 1, 60);
    expect(s.avg.filter((v) => v === null)).toHaveLength(1);
    expect(s.avg.indexOf(null)).toBe(9);
  });

  it('for a board reading once a bucket, breaks as raw readings do: after five of its intervals, not at one late reading', () => {
    // One reading a minute at 1-minute buckets: a jittered reading leaves a minute empty now and then.
    const minutes = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 16, 17, 18];
    const s = bandSeries(minutes.map((m) => bucket(T0 + m * 60_000, 500, undefined, 1)), 'co2', 1, 60);
    expect(s.avg.filter((v) => v === null)).toHaveLength(1);
    expect(s.avg.indexOf(null)).toBe(10);
    // Ten-second readings: any missing minute is more than five intervals.
    expect(bandSeries([0, 1, 2, 3, 5, 6].map((m) => bucket(T0 + m * 60_000, 500, undefined, 6)), 'co2', 1, 60).avg).toEqual([500, 500, 500, 500, null, 500, 500]);
  });

  it('gives flame as 1 or 0 with the same gaps, and merges adjacent flame buckets into spans', () => {
    const buckets = [bucket(T0, 600, false), bucket(T0 + HOUR, 600, true), bucket(T0 + 2 * HOUR, 600, true), bucket(T0 + 3 * HOUR, 600, false), bucket(T0 + 6 * HOUR, 600, true)];
    expect(flameSeries(buckets, 3600).y).toEqual([0, 1, 1, 0, null, 1]);
    expect(flameSpansOfBuckets(buckets, 3600)).toEqual([
      { from: T0 / 1000 + 3600, to: T0 / 1000 + 3 * 3600 },
      { from: T0 / 1000 + 6 * 3600, to: T0 / 1000 + 7 * 3600 },
    ]);
    expect(flameSeries([bucket(T0, 600)], 3600)).toEqual({ x: [], y: [] });
  });
});

describe('flame spans of raw readings', () => {
  it('lasts from the first flame reading to the next reading; a lone one is a moment; a gap or a missing value ends it', () => {
    const x = [0, 10, 20, 30, 40, 50, 60, 70, 400, 410];
    const flame = [0, 1, 1, 0, 0, 1, 0, 1, 1, NaN];
    expect(flameSpansOfReadings(x, flame, 60)).toEqual([
      { from: 10, to: 30 },
      { from: 50, to: 60 },
      { from: 70, to: 70 },
      { from: 400, to: 410 },
    ]);
    expect(flameSpansOfReadings([0, 10], [0, 0], 60)).toEqual([]);
  });
});
