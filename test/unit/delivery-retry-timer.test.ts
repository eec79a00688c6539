import { describe, expect, it } from 'vitest';
import { startDeliveryRetryTimer } from '../../src/server/delivery-retry-timer.js';

const clock = { now: () => Date.now() };
const log = { error: () => undefined };
const label = (deviceId: string) => ({ deviceId, name: null, location: null });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the delivery retry timer', () => {
  it('retries each device once, at the earliest time asked for', async () => {
    const calls: [string, number][] = [];
    const start = Date.now();
    const retries = startDeliveryRetryTimer(async (d) => void calls.push([d.deviceId, Date.now() - start]), clock, log);
    retries.retryAt(label('a'), start + 600);
    retries.retryAt(label('a'), start + 200); // earlier: replaces
    retries.retryAt(label('a'), start + 900); // later: ignored
    retries.retryAt(label('b'), start + 300);
    expect(retries.scheduled()).toBe(2);
    await sleep(1200);
    expect(calls.map(([d]) => d).sort()).toEqual(['a', 'b']);
    const a = calls.find(([d]) => d === 'a')?.[1] ?? 0;
    expect(a).toBeGreaterThanOrEqual(200);
    expect(a).toBeLessThan(600);
    await retries.stop();
  });

  it('keeps at most `max` timers, and stop clears them and waits for a retry in progress', async () => {
    let finished = 0;
    const retries = startDeliveryRetryTimer(async () => (await sleep(300), finished++), clock, log, 2);
    for (const d of ['a', 'b', 'c']) retries.retryAt(label(d), Date.now());
    expect(retries.scheduled()).toBe(2);
    await sleep(200); // both fire (minimum delay 100 ms) and are in progress
    const late = startDeliveryRetryTimer(async () => finished++, clock, log);
    late.retryAt(label('x'), Date.now() + 60_000);
    await Promise.all([retries.stop(), late.stop()]);
    expect(finished).toBe(2); // the two in progress were awaited; the far one was cleared
    retries.retryAt(label('d'), Date.now());
    expect(retries.scheduled()).toBe(0);
  });

  it('logs a failed retry and leaves the entry to the sweep', async () => {
    const errors: unknown[] = [];
    const retries = startDeliveryRetryTimer(async () => {
      throw new Error('store down');
    }, clock, { error: (_m: string, extra: Record<string, unknown>) => void errors.push(extra) });
    retries.retryAt(label('a'), Date.now());
    await sleep(300);
    expect(errors).toHaveLength(1);
    await retries.stop();
  });
});
