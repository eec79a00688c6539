import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../src/domain/reading.js';
import { isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';

/**
 * The store failing in the middle of a batch: the post answers 503 with
 * Retry-After, what was written stays written, and the device's retry stores
 * the rest, counting the first part as duplicates. Nothing accepted is lost,
 * nothing is stored twice, and the alert raised by the batch is notified once.
 */
let t: TestStack;
let failAfter = Infinity;

beforeAll(async () => {
  t = await startTestStack({ SWEEP_INTERVAL_SECONDS: '3600' });
  const store = t.stack.deps.readings;
  const storeBatch = store.storeBatch.bind(store);
  // The store takes the first `failAfter` readings of a batch, then fails as an overloaded table does.
  store.storeBatch = async (deviceId: string, readings: readonly Reading[], receivedAt: string, retentionDays: number) => {
    if (readings.length <= failAfter) return storeBatch(deviceId, readings, receivedAt, retentionDays);
    await storeBatch(deviceId, readings.slice(0, failAfter), receivedAt, retentionDays);
    throw Object.assign(new Error('ProvisionedThroughputExceededException'), { name: 'ProvisionedThroughputExceededException' });
  };
});
afterAll(async () => t?.stop());

describe('a store that fails mid-batch', () => {
  it('answers 503 and loses nothing on the retry', async () => {
    const key = await t.api.registerDevice('fault-1');
    const batch = Array.from({ length: 40 }, (_, i) => ({ id: `f${i}`, ts: isoNow(-(40 - i) * 1000), co2: i === 39 ? 1500 : 500 }));
    failAfter = 10;
    const failed = await t.api.post('fault-1', key, batch);
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('unavailable');
    expect(failed.headers.get('retry-after')).toBe('1');
    const partial = await t.api.allReadings('fault-1');
    expect(partial.length).toBeGreaterThanOrEqual(10);
    expect(partial.length).toBeLessThan(40);
    failAfter = Infinity;
    const retried = await t.api.post('fault-1', key, batch);
    expect(retried.status).toBe(200);
    expect(retried.body.accepted + retried.body.duplicates).toBe(40);
    expect(retried.body.duplicates).toBe(partial.length);
    expect((await t.api.allReadings('fault-1')).map((r) => r.id).sort()).toEqual(batch.map((r) => r.id).sort());
    const alerts = await t.api.request('GET', '/v1/alerts?deviceId=fault-1');
    expect(alerts.body.items.map((a: { kind: string }) => a.kind)).toEqual(['co2']);
  });
});
