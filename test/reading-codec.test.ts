import { describe, expect, it } from 'vitest';
import { decodeReading, encodeReading, encodedTsMs } from '../src/adapters/dynamodb/reading-codec.js';

/** The codec alone (the store's round trips are in storage.test.ts): decoding gives back exactly the instants and fields sent. */
describe('reading codec', () => {
  it('decodes ts and receivedAt exactly as toISOString would, across seconds, minutes, days and years', () => {
    const instants = [0, 999, 1_000, 59_999, 60_000, 86_399_999, 951_782_400_000 /* 2000-02-29 */, 1_700_000_059_999, 253_402_300_799_999];
    for (let i = 0; i < 5_000; i++) instants.push(Math.floor(((i * 2_654_435_761) % 4_102_444_800) * 1000 + (i % 1000)));
    for (const [i, ms] of instants.entries()) {
      const ts = new Date(ms).toISOString();
      const received = ms + (i % 5) * 61_234;
      const start = ms - (ms % 300_000);
      const value = encodeReading({ id: `r-${i}`, ts, co2: 600 + i }, start, received);
      expect(encodedTsMs(value, start)).toBe(ms);
      expect(decodeReading(`id#r-${i}`, value, start)).toEqual({ id: `r-${i}`, ts, co2: 600 + i, receivedAt: new Date(received).toISOString() });
    }
  });

  it('keeps exactly the fields sent, in a person-readable order', () => {
    const start = Date.parse('2026-03-01T10:00:00.000Z');
    const value = encodeReading({ ts: '2026-03-01T10:01:05.007Z', temperature: -0.5, flame: true, faults: ['co2', 'smoke'] }, start, start + 70_000);
    const decoded = decodeReading('ts#2026-03-01T10:01:05.007Z', value, start);
    expect(decoded).toEqual({ ts: '2026-03-01T10:01:05.007Z', temperature: -0.5, flame: true, faults: ['co2', 'smoke'], receivedAt: '2026-03-01T10:01:10.000Z' });
    expect(Object.keys(decoded)).toEqual(['ts', 'temperature', 'flame', 'faults', 'receivedAt']);
  });
});
