import { describe, expect, it } from 'vitest';
import { ConfigError, parseSettings } from '../../src/app/settings.js';
import { reportBucketCount, RoomReport } from '../../src/domain/air-quality.js';
import { iconeClass, iconeIndex } from '../../src/domain/icone.js';
import { isTimeZone, localClock, occupancy, parseOccupiedHours, type OccupiedHours } from '../../src/domain/occupied-hours.js';

const hours = (text: string): OccupiedHours => {
  const parsed = parseOccupiedHours(text);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.value;
};
const at = (iso: string) => Date.parse(iso);

describe('OCCUPIED_HOURS grammar', () => {
  it('reads day ranges, single days, wrapping day ranges and 24:00', () => {
    expect(hours('Mon-Fri 08:00-18:00').days).toEqual([[[480, 1080]], [[480, 1080]], [[480, 1080]], [[480, 1080]], [[480, 1080]], [], []]);
    expect(hours('sat 09:00-12:00,  Sun 00:00-24:00').days).toEqual([[], [], [], [], [], [[540, 720]], [[0, 1440]]]);
    expect(hours('Fri-Mon 10:00-11:00').days.map((d) => d.length)).toEqual([1, 0, 0, 0, 1, 1, 1]);
  });

  it('splits a range that crosses midnight over the day and the next', () => {
    const h = hours('Sun 22:00-06:00');
    expect(h.days[6]).toEqual([[1320, 1440]]);
    expect(h.days[0]).toEqual([[0, 360]]);
  });

  it.each([
    ['Mon-Fri 8:00-18:00', 'is not "Day[-Day] HH:MM-HH:MM"'],
    ['Lun-Ven 08:00-18:00', 'days are Mon'],
    ['Mon 08:00-25:00', 'times are 00:00 to 23:59'],
    ['Mon 24:00-08:00', 'times are 00:00 to 23:59'],
    ['Mon 08:60-09:00', 'times are'],
    ['Mon 08:00-08:00', 'empty'],
    ['Mon-Fri 08:00-18:00,', 'is not'],
  ])('refuses %j (%s)', (text, message) => {
    const parsed = parseOccupiedHours(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join('\n')).toContain(message);
  });

  it('settings: defaults, a custom schedule, and clear errors at start-up', () => {
    const s = parseSettings({ OCCUPIED_HOURS: 'Mon-Fri 08:30-16:30, Wed 08:30-12:00', TIMEZONE: 'America/Montreal' });
    expect(s.occupiedHours.text).toBe('Mon-Fri 08:30-16:30, Wed 08:30-12:00');
    expect(s.timeZone).toBe('America/Montreal');
    expect(parseSettings({ TIMEZONE: ' UTC ' }).timeZone).toBe('UTC');
    expect(() => parseSettings({ OCCUPIED_HOURS: 'weekdays 8-18', TIMEZONE: 'Europe/Pariss' })).toThrow(ConfigError);
    try {
      parseSettings({ OCCUPIED_HOURS: 'weekdays 8-18', TIMEZONE: 'Europe/Pariss' });
    } catch (error) {
      const text = (error as ConfigError).problems.join('\n');
      expect(text).toContain('OCCUPIED_HOURS: "weekdays 8-18" is not');
      expect(text).toContain('TIMEZONE must be an IANA time zone name');
    }
  });

  it('time zones are checked with Intl', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('occupied hours across daylight saving time (Europe/Paris)', () => {
  const clock = localClock('Europe/Paris');
  it('last Sunday of March 2026: 02:00 local jumps to 03:00 at 01:00 UTC', () => {
    expect(clock(at('2026-03-29T00:59:00Z'))).toEqual({ weekday: 6, minute: 119 }); // 01:59 CET
    expect(clock(at('2026-03-29T01:00:00Z'))).toEqual({ weekday: 6, minute: 180 }); // 03:00 CEST
    const occupied = occupancy(hours('Sun 02:00-03:00, Sun 08:00-18:00, Mon 08:00-18:00'), 'Europe/Paris');
    // 02:00-03:00 local does not exist that night: no instant is in it.
    for (let ms = at('2026-03-29T00:00:00Z'); ms < at('2026-03-29T03:00:00Z'); ms += 60_000) expect(occupied(ms)).toBe(false);
    expect(occupied(at('2026-03-29T05:59:59Z'))).toBe(false); // 07:59:59 CEST
    expect(occupied(at('2026-03-29T06:00:00Z'))).toBe(true); // 08:00 CEST (07:00 UTC in winter)
    expect(occupied(at('2026-03-29T15:59:59Z'))).toBe(true); // 17:59:59 CEST
    expect(occupied(at('2026-03-29T16:00:00Z'))).toBe(false); // 18:00 CEST
    // The day before, still CET: 08:00 is 07:00 UTC.
    const weekday = occupancy(hours('Sat 08:00-18:00'), 'Europe/Paris');
    expect(weekday(at('2026-03-28T06:30:00Z'))).toBe(false);
    expect(weekday(at('2026-03-28T07:00:00Z'))).toBe(true);
  });

  it('last Sunday of October 2026: 03:00 local falls back to 02:00 at 01:00 UTC, the repeated hour counts twice', () => {
    expect(clock(at('2026-10-25T00:30:00Z'))).toEqual({ weekday: 6, minute: 150 }); // 02:30 CEST
    expect(clock(at('2026-10-25T01:30:00Z'))).toEqual({ weekday: 6, minute: 150 }); // 02:30 CET
    const occupied = occupancy(hours('Sun 02:00-03:00'), 'Europe/Paris');
    let minutes = 0;
    for (let ms = at('2026-10-24T22:00:00Z'); ms < at('2026-10-25T04:00:00Z'); ms += 60_000) if (occupied(ms)) minutes++;
    expect(minutes).toBe(120);
    const school = occupancy(hours('Mon-Fri 08:00-18:00'), 'Europe/Paris');
    expect(school(at('2026-10-23T06:00:00Z'))).toBe(true); // Friday 08:00 CEST
    expect(school(at('2026-10-26T06:30:00Z'))).toBe(false); // Monday 07:30 CET
    expect(school(at('2026-10-26T07:00:00Z'))).toBe(true); // Monday 08:00 CET
    expect(school(at('2026-10-26T16:59:00Z'))).toBe(true);
    expect(school(at('2026-10-26T17:00:00Z'))).toBe(false);
  });

  it('agrees with the Paris rules written out, every 7 minutes of 2026', () => {
    // CEST from the last Sunday of March to the last Sunday of October, 01:00 UTC (EU rule), else CET.
    const lastSunday = (month: number) => {
      const d = new Date(Date.UTC(2026, month + 1, 0, 1));
      return d.getTime() - d.getUTCDay() * 86_400_000;
    };
    const [summer, winter] = [lastSunday(2), lastSunday(9)];
    expect([new Date(summer).toISOString(), new Date(winter).toISOString()]).toEqual(['2026-03-29T01:00:00.000Z', '2026-10-25T01:00:00.000Z']);
    const occupied = occupancy(hours('Mon-Fri 08:00-18:00, Sat 09:00-12:00'), 'Europe/Paris');
    let mismatches = 0;
    for (let ms = at('2026-01-01T00:00:00Z'); ms < at('2027-01-01T00:00:00Z'); ms += 7 * 60_000) {
      const local = new Date(ms + (ms >= summer && ms < winter ? 120 : 60) * 60_000);
      const weekday = (local.getUTCDay() + 6) % 7;
      const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
      const expected = (weekday <= 4 && minute >= 480 && minute < 1080) || (weekday === 5 && minute >= 540 && minute < 720);
      if (occupied(ms) !== expected) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('a range across midnight keeps the next morning', () => {
    const night = occupancy(hours('Sun 22:00-06:00'), 'UTC');
    expect(night(at('2026-11-29T22:00:00Z'))).toBe(true); // Sunday
    expect(night(at('2026-11-30T05:59:00Z'))).toBe(true); // Monday morning
    expect(night(at('2026-11-30T06:00:00Z'))).toBe(false);
    expect(night(at('2026-11-29T05:00:00Z'))).toBe(false); // Sunday morning: Saturday night is not listed
  });
});

describe('ICONE', () => {
  it.each([
    // [f1, f2, index]: log10(1 + f1 + 3 f2) * 2.5 / log10 2, by hand
    [0, 0, 0], // all below 1000
    [0, 1, 5], // all above 1700: 2.5 * log2(4) = 5
    [1, 0, 3], // all in [1000, 1700]: 2.5 * log2(2) = 2.5, rounds up to 3
    [0.5, 0, 1], // 2.5 * log2(1.5) = 1.46
    [0, 0.5, 3], // 2.5 * log2(2.5) = 3.30
    [0.2, 0.1, 1], // 2.5 * log2(1.5) = 1.46
    [0.25, 0.25, 3], // 1 + 0.25 + 0.75 = 2: 2.5, halves round up
  ])('f1 %d, f2 %d', (f1, f2, expected) => {
    expect(iconeIndex(f1, f2)).toBe(expected);
  });

  it('a share that lands on 4.5 rounds to 5; just below to 4', () => {
    // 2.5 * log2(x) = 4.5 <=> x = 2^1.8 = 3.4822: f2 = (x - 1) / 3
    const f2 = (2 ** 1.8 - 1) / 3;
    expect(iconeIndex(0, f2)).toBe(5);
    expect(iconeIndex(0, f2 - 0.001)).toBe(4);
  });

  it('classes: below 1000, 1000 to 1700 inclusive, above 1700', () => {
    expect([999.9, 1000, 1700, 1700.1].map(iconeClass)).toEqual([0, 1, 1, 2]);
  });
});

describe('room figures', () => {
  const always = () => true;
  const from = at('2026-11-30T08:00:00Z');
  const reading = (minute: number, co2?: number) => ({ ts: new Date(from + minute * 60_000).toISOString(), ...(co2 !== undefined ? { co2 } : {}) });

  it('coverage counts 5-minute buckets holding a reading, gaps included', () => {
    const room = new RoomReport(from, from + 3_600_000, always);
    // Buckets 0, 1 (two readings), 5, 11 of the 12: a 20-minute gap, then another.
    for (const m of [0, 6, 7, 25, 59]) room.add(reading(m, 600));
    room.add(reading(60, 5000)); // at `to`: outside
    room.add(reading(-1, 5000)); // before `from`: outside
    const r = room.result();
    expect(r.readings).toBe(5);
    expect(r.coverage).toBeCloseTo(4 / 12, 12);
    expect(r.co2).toEqual({ max: 600, avg: 600, hoursAbove: { '800': 0, '1000': 0, '1500': 0 } });
    expect(r.icone).toBeNull(); // 4 buckets of occupied time: less than one hour
  });

  it('a range not aligned to 5 minutes counts its partial buckets', () => {
    expect(reportBucketCount(at('2026-11-30T08:02:00Z'), at('2026-11-30T08:13:00Z'))).toBe(3);
    expect(reportBucketCount(at('2026-11-30T08:00:00Z'), at('2026-11-30T08:10:00Z'))).toBe(2);
  });

  it('hours above a level count buckets by their mean; readings without co2 count in readings only', () => {
    const room = new RoomReport(from, from + 2 * 3_600_000, always);
    room.add(reading(0, 700));
    room.add(reading(1, 1000)); // bucket 0 mean 850: above 800 only
    room.add(reading(5, 1500)); // bucket 1 mean 1500: above 800 and 1000, not above 1500
    room.add(reading(10, 1600)); // bucket 2: above all three
    room.add(reading(15)); // no co2
    const r = room.result();
    expect(r.readings).toBe(5);
    expect(r.co2.max).toBe(1600);
    expect(r.co2.avg).toBe((700 + 1000 + 1500 + 1600) / 4);
    expect(r.co2.hoursAbove).toEqual({ '800': 0.25, '1000': 10 / 60, '1500': 5 / 60 });
    expect(r.coverage).toBeCloseTo(4 / 24, 12);
  });

  it('ICONE over occupied readings only, from one hour of them', () => {
    const occupied = (ms: number) => ms < from + 3_600_000; // the first hour
    const room = new RoomReport(from, from + 2 * 3_600_000, occupied);
    // First hour, one reading a minute: 30 below 1000, 30 above 1700 -> f2 = 0.5 -> 3.
    for (let m = 0; m < 60; m++) room.add(reading(m, m % 2 === 0 ? 600 : 1800));
    // Second hour, unoccupied, all above 1700: does not count.
    for (let m = 60; m < 120; m++) room.add(reading(m, 4000));
    expect(room.result().icone).toBe(3);
    const empty = new RoomReport(from, from + 3_600_000, always).result();
    expect(empty).toEqual({ readings: 0, coverage: 0, co2: { max: null, avg: null, hoursAbove: { '800': 0, '1000': 0, '1500': 0 } }, icone: null });
  });

  it('all below 1000 is 0 and all above 1700 is 5', () => {
    const low = new RoomReport(from, from + 3_600_000, always);
    const high = new RoomReport(from, from + 3_600_000, always);
    for (let m = 0; m < 60; m++) {
      low.add(reading(m, 999));
      high.add(reading(m, 1701));
    }
    expect(low.result().icone).toBe(0);
    expect(high.result().icone).toBe(5);
  });
});
