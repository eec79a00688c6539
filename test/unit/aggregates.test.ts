import { describe, expect, it } from 'vitest';
import { bucketStart, Bucketer } from '../../src/domain/aggregates.js';

describe('bucketing', () => {
  it('aligns buckets to multiples of step in UTC epoch seconds, also across the Europe/Paris DST change', () => {
    // 2026-03-29 01:00Z is 02:00 -> 03:00 in Paris: UTC buckets do not notice.
    expect(new Date(bucketStart(Date.parse('2026-03-29T01:59:59.999Z'), 3600) * 1000).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(new Date(bucketStart(Date.parse('2026-03-29T12:00:00Z'), 86400) * 1000).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(bucketStart(Date.parse('1970-01-01T00:04:59Z'), 300)).toBe(0);
    expect(bucketStart(Date.parse('1970-01-01T00:05:00Z'), 300)).toBe(300);
  });

  it('summarises each measurement over the readings carrying it and omits absent ones and empty buckets', () => {
    const b = new Bucketer(300);
    b.add({ ts: '2026-11-29T18:00:10Z', co2: 800, flame: false });
    b.add({ ts: '2026-11-29T18:04:59Z', co2: 1000, temperature: 21 });
    b.add({ ts: '2026-11-29T18:20:00Z', temperature: 22, flame: true });
    expect(b.result()).toEqual([
      { ts: '2026-11-29T18:00:00.000Z', count: 2, co2: { min: 800, max: 1000, avg: 900 }, temperature: { min: 21, max: 21, avg: 21 }, flame: { any: false } },
      { ts: '2026-11-29T18:20:00.000Z', count: 1, temperature: { min: 22, max: 22, avg: 22 }, flame: { any: true } },
    ]);
  });
});
