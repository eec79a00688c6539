import { describe, expect, it } from 'vitest';
import { formatUtc, parseRfc3339 } from '../../src/domain/time.js';

describe('RFC 3339 timestamps', () => {
  it.each([
    ['2026-11-29T18:00:00Z', '2026-11-29T18:00:00.000Z'],
    ['2026-11-29T19:00:00.250+01:00', '2026-11-29T18:00:00.250Z'],
    ['2026-11-29t18:00:00z', '2026-11-29T18:00:00.000Z'],
    ['2026-11-29T18:00:00.123456789Z', '2026-11-29T18:00:00.123Z'],
    ['2026-11-29T18:00:00.5-02:30', '2026-11-29T20:30:00.500Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2026-12-31T23:59:59+00:00', '2026-12-31T23:59:59.000Z'],
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
  ])('reads %s as %s', (text, utc) => {
    const ms = parseRfc3339(text);
    expect(ms).toBeDefined();
    expect(formatUtc(ms as number)).toBe(utc);
  });

  it.each([
    '2026-11-29T18:00:00',
    '2026-11-29 18:00:00Z',
    '2026-11-29',
    '2026-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-31T00:00:00Z',
    '2026-11-29T24:00:00Z',
    '2026-11-29T18:60:00Z',
    '2026-11-29T18:00:60Z',
    '2026-11-29T18:00:00+24:00',
    '2026-11-29T18:00:00.Z',
    '1764439200',
    '',
    ' 2026-11-29T18:00:00Z',
  ])('refuses %j', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });

  it('formats sortably: text order is time order', () => {
    const times = ['2026-11-29T18:00:00Z', '2026-11-29T17:59:59.999Z', '2027-01-01T00:00:00+05:00', '2001-01-01T00:00:00Z'];
    const utc = times.map((t) => formatUtc(parseRfc3339(t) as number));
    expect([...utc].sort()).toEqual([...utc].sort((a, b) => Date.parse(a) - Date.parse(b)));
  });
});
