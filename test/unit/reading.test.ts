import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { IngestEnvelopeSchema, judgeReading, readingKey, timeKey } from '../../src/domain/reading.js';

const now = Date.parse('2026-11-29T18:00:00Z');
const window = { nowMs: now, retentionDays: 90 };

describe('judging one reading', () => {
  it('accepts a full reading and normalises ts to UTC', () => {
    const verdict = judgeReading({ id: 'a', ts: '2026-11-29T19:00:00+01:00', co2: 812, temperature: 22.4, humidity: 41, smoke: 0.03, flame: false }, window);
    expect(verdict).toEqual({ ok: true, tsMs: now, reading: { id: 'a', ts: '2026-11-29T18:00:00.000Z', co2: 812, temperature: 22.4, humidity: 41, smoke: 0.03, flame: false } });
  });

  it.each([
    ['co2', 0, true], ['co2', 100000, true], ['co2', 100000.01, false], ['co2', -1, false],
    ['temperature', -55, true], ['temperature', 150, true], ['temperature', 150.1, false], ['temperature', -55.1, false],
    ['humidity', 0, true], ['humidity', 100, true], ['humidity', 100.5, false],
    ['smoke', 0, true], ['smoke', 1, true], ['smoke', 1.0001, false],
    ['co2', Number.POSITIVE_INFINITY, false], ['co2', Number.NaN, false],
  ])('%s = %d valid: %s', (field, value, ok) => {
    expect(judgeReading({ ts: '2026-11-29T18:00:00Z', [field]: value }, window).ok).toBe(ok);
  });

  it('takes the time window edges: 5 minutes ahead and the retention period behind', () => {
    const at = (ms: number) => new Date(ms).toISOString();
    expect(judgeReading({ ts: at(now + 300_000), co2: 1 }, window).ok).toBe(true);
    expect(judgeReading({ ts: at(now + 300_001), co2: 1 }, window).ok).toBe(false);
    expect(judgeReading({ ts: at(now - 90 * 86_400_000), co2: 1 }, window).ok).toBe(true);
    expect(judgeReading({ ts: at(now - 90 * 86_400_000 - 1), co2: 1 }, window).ok).toBe(false);
    expect(judgeReading({ ts: at(now - 10 * 86_400_000), co2: 1 }, { nowMs: now, retentionDays: 7 }).ok).toBe(false);
  });

  it('names each problem by path', () => {
    const verdict = judgeReading({ ts: 'soon', co2: '812', extra: true }, window);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.errors.map((e) => e.path).sort()).toEqual(['co2', 'extra', 'ts']);
      expect(verdict.errors.find((e) => e.path === 'extra')?.message).toBe('unknown field');
    }
  });

  it('refuses non-objects', () => {
    for (const raw of [null, 5, 'reading', [], true]) expect(judgeReading(raw, window).ok).toBe(false);
  });
});

describe('reading identity', () => {
  it('is the id when given, else the normalised ts', () => {
    expect(readingKey({ id: '01JDX', ts: '2026-11-29T18:00:00.000Z' })).toBe('id#01JDX');
    expect(readingKey({ ts: '2026-11-29T18:00:00.000Z' })).toBe('ts#2026-11-29T18:00:00.000Z');
    expect(timeKey({ id: 'x', ts: '2026-11-29T18:00:00.000Z' })).toBe('2026-11-29T18:00:00.000Z#id#x');
  });

  it('gives the same identity to the same instant written in two offsets', () => {
    const a = judgeReading({ ts: '2026-11-29T18:00:00Z', co2: 1 }, window);
    const b = judgeReading({ ts: '2026-11-29T19:00:00.000+01:00', co2: 2 }, window);
    expect(a.ok && b.ok && readingKey(a.reading) === readingKey(b.reading)).toBe(true);
  });
});

describe('the ingest envelope', () => {
  it('needs a device id and 1 to 500 readings, and nothing else', () => {
    const reading = { ts: '2026-11-29T18:00:00Z', co2: 1 };
    expect(v.safeParse(IngestEnvelopeSchema, { deviceId: 'd', readings: [reading] }).success).toBe(true);
    expect(v.safeParse(IngestEnvelopeSchema, { deviceId: 'd', readings: Array(500).fill(reading) }).success).toBe(true);
    expect(v.safeParse(IngestEnvelopeSchema, { deviceId: 'd', readings: Array(501).fill(reading) }).success).toBe(false);
    expect(v.safeParse(IngestEnvelopeSchema, { deviceId: 'd', readings: [] }).success).toBe(false);
    expect(v.safeParse(IngestEnvelopeSchema, { deviceId: 'd', readings: [reading], x: 1 }).success).toBe(false);
    expect(v.safeParse(IngestEnvelopeSchema, { deviceId: '', readings: [reading] }).success).toBe(false);
  });
});

describe('values the store cannot hold and trouble signals (v1.1)', () => {
  const ts = '2026-11-29T18:00:00Z';
  it.each([
    ['smoke', 1e-140, false], ['smoke', 1e-130, true], ['smoke', 5e-324, false], ['temperature', -1e-131, false],
    ['temperature', -0, true], ['co2', 0, true], ['co2', Number('812.12345678901234'), true],
  ])('%s = %s valid: %s', (field, value, ok) => {
    const verdict = judgeReading({ ts, [field]: value }, window);
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok) expect(verdict.errors[0]?.message).toMatch(/store cannot hold/);
  });

  it('takes faults, once each, and a reading with only faults', () => {
    const verdict = judgeReading({ ts, faults: ['smoke:warming_up', 'co2:stuck', 'smoke:warming_up'] }, window);
    expect(verdict).toMatchObject({ ok: true, reading: { ts: '2026-11-29T18:00:00.000Z', faults: ['smoke:warming_up', 'co2:stuck'] } });
    // `[]` means no fault: nothing is kept.
    expect(judgeReading({ ts, co2: 800, faults: [] }, window)).toEqual({ ok: true, tsMs: now, reading: { ts: '2026-11-29T18:00:00.000Z', co2: 800 } });
    expect(judgeReading({ ts, faults: ['agent:disk_full', 'agent:queue_full', 'agent:clock', 'flame:disconnected', 'humidity:calibration', 'temperature:out_of_range'] }, window).ok).toBe(true);
  });

  it.each([
    [{ faults: null, co2: 1 }], [{ faults: ['smoke:melted'] }], [{ faults: ['agent:stuck'] }], [{ faults: ['pressure:stuck'] }],
    [{ faults: 'co2:stuck' }], [{ faults: [] }], [{ faults: Array.from({ length: 11 }, () => 'co2:stuck') }], [{ faults: [1] }],
  ])('refuses %j', (fields) => {
    expect(judgeReading({ ts, ...fields }, window).ok).toBe(false);
  });
});
