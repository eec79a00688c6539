/**
 * Occupied hours (OCCUPIED_HOURS) and the local clock of a time zone
 * (TIMEZONE): which instants the ICONE index counts.
 *
 * Grammar: comma-separated ranges `Day[-Day] HH:MM-HH:MM`, days `Mon`..`Sun`
 * (any case; a day range may wrap, `Fri-Mon`), times 00:00 to 23:59 and
 * `24:00` as an end. A range whose end is before its start crosses midnight:
 * `Mon-Fri 22:00-06:00` is from 22:00 each listed day to 06:00 the next.
 * Ranges are [start, end) in local wall-clock minutes.
 */

export const DEFAULT_OCCUPIED_HOURS = 'Mon-Fri 08:00-18:00';
export const DEFAULT_TIME_ZONE = 'Europe/Paris';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const MINUTES_PER_DAY = 1440;

/** Per local weekday (0 = Monday), the [start, end) minute ranges that are occupied. */
export interface OccupiedHours {
  /** The setting as given, trimmed (shown in the report). */
  text: string;
  days: readonly (readonly (readonly [number, number])[])[];
}

const RANGE = /^([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})$/i;

/** Minutes since midnight of `HH:MM`, or undefined; `24:00` only where `allow24`. */
function minutes(hh: string, mm: string, allow24: boolean): number | undefined {
  const h = Number(hh);
  const m = Number(mm);
  if (m > 59) return undefined;
  if (h === 24 && m === 0 && allow24) return MINUTES_PER_DAY;
  return h <= 23 ? h * 60 + m : undefined;
}

/** The schedule, or the problems that make the text invalid (each names the part at fault). */
export function parseOccupiedHours(text: string): { ok: true; value: OccupiedHours } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const days: [number, number][][] = DAYS.map(() => []);
  const parts = text.split(',').map((p) => p.trim());
  for (const part of parts) {
    const m = RANGE.exec(part);
    if (!m) {
      problems.push(`${JSON.stringify(part)} is not "Day[-Day] HH:MM-HH:MM" (e.g. "Mon-Fri 08:00-18:00")`);
      continue;
    }
    const first = DAYS.indexOf(m[1]!.toLowerCase() as (typeof DAYS)[number]);
    const last = m[2] === undefined ? first : DAYS.indexOf(m[2].toLowerCase() as (typeof DAYS)[number]);
    const start = minutes(m[3]!, m[4]!, false);
    const end = minutes(m[5]!, m[6]!, true);
    if (first < 0 || last < 0) problems.push(`${JSON.stringify(part)}: days are Mon, Tue, Wed, Thu, Fri, Sat, Sun`);
    if (start === undefined || end === undefined) problems.push(`${JSON.stringify(part)}: times are 00:00 to 23:59 (24:00 as an end)`);
    else if (start === end) problems.push(`${JSON.stringify(part)}: the range is empty (start equals end)`);
    if (first < 0 || last < 0 || start === undefined || end === undefined || start === end) continue;
    for (let i = 0, d = first; i < 7; i++, d = (d + 1) % 7) {
      if (end > start) days[d]!.push([start, end]);
      else {
        // Crosses midnight: the evening of this day, the morning of the next.
        days[d]!.push([start, MINUTES_PER_DAY]);
        if (end > 0) days[(d + 1) % 7]!.push([0, end]);
      }
      if (d === last) break;
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { text: parts.join(', '), days } };
}

/** Whether Intl knows the time zone (IANA names such as Europe/Paris, and UTC). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Local weekday (0 = Monday) and minute of the day of an instant, in a time zone; remembers the last minute asked (readings come in order). */
export function localClock(timeZone: string): (epochMs: number) => { weekday: number; minute: number } {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  let lastMinute = NaN;
  let last = { weekday: 0, minute: 0 };
  return (epochMs) => {
    const utcMinute = Math.floor(epochMs / 60_000);
    if (utcMinute === lastMinute) return last;
    let weekday = 0;
    let hour = 0;
    let minute = 0;
    for (const part of format.formatToParts(new Date(utcMinute * 60_000))) {
      if (part.type === 'weekday') weekday = DAYS.indexOf(part.value.toLowerCase() as (typeof DAYS)[number]);
      else if (part.type === 'hour') hour = Number(part.value) % 24;
      else if (part.type === 'minute') minute = Number(part.value);
    }
    lastMinute = utcMinute;
    last = { weekday, minute: hour * 60 + minute };
    return last;
  };
}

/** Whether an instant falls in the occupied hours, on the wall clock of `timeZone` (DST included: Intl knows the zone's rules). */
export function occupancy(hours: OccupiedHours, timeZone: string): (epochMs: number) => boolean {
  const clock = localClock(timeZone);
  return (epochMs) => {
    const { weekday, minute } = clock(epochMs);
    return (hours.days[weekday] ?? []).some(([start, end]) => minute >= start && minute < end);
  };
}
