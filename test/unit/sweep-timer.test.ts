import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLAIM_MS } from '../../src/app/alerts/deliver.js';
import { AFTER_START_MS, startSweepTimer } from '../../src/server/sweep-timer.js';

afterEach(() => vi.useRealTimers());

// Issue 13, finding 12: after a restart, an entry the killed process had claimed is delivered
// within 15 s (its claim expires, then this extra sweep runs), not at the next regular sweep.
describe('the sweep timer', () => {
  it('runs once just after a dead claimer’s claim has expired, then every interval', async () => {
    vi.useFakeTimers();
    const runs: number[] = [];
    const timer = startSweepTimer(async () => void runs.push(Date.now()), 60_000, { error() {} });
    const start = Date.now();
    await vi.advanceTimersByTimeAsync(AFTER_START_MS - 1);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs.map((at) => at - start)).toEqual([AFTER_START_MS]);
    expect(AFTER_START_MS).toBeGreaterThan(CLAIM_MS);
    expect(AFTER_START_MS).toBeLessThanOrEqual(15_000);
    await vi.advanceTimersByTimeAsync(60_000 - AFTER_START_MS);
    expect(runs.map((at) => at - start)).toEqual([AFTER_START_MS, 60_000]);
    await timer.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(runs).toHaveLength(2);
  });

  it('never runs twice at once, and needs no extra run when the interval is shorter', async () => {
    vi.useFakeTimers();
    let active = 0;
    let most = 0;
    let runs = 0;
    const timer = startSweepTimer(
      async () => {
        runs++;
        most = Math.max(most, ++active);
        await new Promise((r) => setTimeout(r, 2_500));
        active--;
      },
      1_000,
      { error() {} },
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(3);
    const stopped = timer.stop(); // waits for the run in progress
    await vi.advanceTimersByTimeAsync(3_000);
    await stopped;
    expect(active).toBe(0);
  });
});
