import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/crc32.js';
import { parseRetryAfter } from '../src/http.js';
import { UlidFactory, ULID_RE } from '../src/ulid.js';

describe('small pieces', () => {
  it('CRC-32 is the IEEE one (check value of "123456789")', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const b = Buffer.from('xx123456789yy');
    expect(crc32(b, 2, 11)).toBe(0xcbf43926);
    expect(crc32(Buffer.from('6789'), 0, 4, crc32(Buffer.from('12345')))).toBe(0xcbf43926); // chained
  });

  it('ULIDs: 26 Crockford characters, time first, strictly increasing within a millisecond and when the clock steps back', () => {
    const f = new UlidFactory();
    const t = Date.parse('2026-11-29T18:00:00Z');
    const ids = [f.next(t), f.next(t), f.next(t), f.next(t - 5_000), f.next(t + 1)];
    for (const id of ids) expect(id).toMatch(ULID_RE);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]!.slice(0, 10)).toBe(new UlidFactory().next(t).slice(0, 10));
    // A board at 2000-01-01 still makes valid, unique ids.
    expect(f.next(Date.parse('2000-01-01T00:00:00Z'))).toMatch(ULID_RE);
  });

  it('Retry-After: seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-29T18:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(['3'], now)).toBe(3_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 18:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 17:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
