import { describe, expect, it } from 'vitest';
import { downsample, gapFor, summary } from '../../src/web/app/downsample.mjs';

const WEEK = 60_480; // 7 days of 10-second readings

function week(): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(WEEK);
  const y = new Float64Array(WEEK);
  for (let i = 0; i < WEEK; i++) {
    x[i] = 1_700_000_000 + i * 10;
    y[i] = 600 + 100 * Math.sin(i / 500);
  }
  return { x, y };
}

describe('downsample (M4)', () => {
  it('keeps short series as they are', () => {
    expect(downsample([1, 2, 3], [5, 6, 7], 100, 60)).toEqual({ x: [1, 2, 3], y: [5, 6, 7] });
    expect(downsample([], [], 100, 60)).toEqual({ x: [], y: [] });
  });

  it('reduces a week of 10-second readings to at most 4 points a pixel, in time order', () => {
    const { x, y } = week();
    const out = downsample(x, y, 1000, 60);
    expect(out.x.length).toBeLessThanOrEqual(4000);
    expect(out.x.length).toBeGreaterThan(1000);
    expect(out.x.length).toBe(out.y.length);
    for (let i = 1; i < out.x.length; i++) expect(out.x[i] as number).toBeGreaterThan(out.x[i - 1] as number);
    expect(out.x[0]).toBe(x[0]);
    expect(out.x.at(-1)).toBe(x[WEEK - 1]);
  });

  it('never averages a peak away: a single-reading spike survives', () => {
    const { x, y } = week();
    y[31_337] = 4_800; // one reading of CO2 in a week
    y[40_000] = -20;
    const out = downsample(x, y, 800, 60);
    expect(Math.max(...(out.y as number[]))).toBe(4_800);
    expect(Math.min(...(out.y as number[]))).toBe(-20);
    expect(out.x[out.y.indexOf(4_800)]).toBe(x[31_337]);
  });

  it('breaks the line (null) where the board was silent longer than the gap', () => {
    const x = [0, 10, 20, 30, 3_630, 3_640, 3_650];
    const out = downsample(x, [1, 2, 3, 4, 5, 6, 7], 100, 60);
    expect(out.y).toEqual([1, 2, 3, 4, null, 5, 6, 7]);
    expect(out.x[4]).toBe(1_830);
    // The same in the reduced path.
    const { x: wx, y: wy } = week();
    const cut = Array.from(wx, (v, i) => (i >= 30_000 ? v + 86_400 : v));
    const reduced = downsample(cut, wy, 500, 60);
    expect(reduced.y.filter((v) => v === null)).toHaveLength(1);
  });

  it('is fast enough to redraw on every zoom: a week in a few milliseconds', () => {
    const { x, y } = week();
    downsample(x, y, 1200, 60); // warm up
    // The best of ten runs: other test files share the two cores, and a busy moment is not the function's cost.
    let best = Infinity;
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      downsample(x, y, 1200, 60);
      best = Math.min(best, performance.now() - started);
    }
    expect(best).toBeLessThan(30);
  });
});

describe('gapFor and summary', () => {
  it('takes five usual intervals, at least a minute', () => {
    expect(gapFor(week().x)).toBe(60);
    expect(gapFor(Array.from({ length: 100 }, (_, i) => i * 60))).toBe(300);
    expect(gapFor([0, 10])).toBe(Infinity);
  });

  it('min, max and last', () => {
    expect(summary([3, 9, -1, 4])).toEqual({ min: -1, max: 9, last: 4 });
    expect(summary([])).toBeUndefined();
  });
});
