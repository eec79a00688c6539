import * as v from 'valibot';
import { iconeClass, iconeIndex } from './icone.js';
import type { Reading } from './reading.js';

/** Width of the report's buckets (coverage, hours above a level): 5 minutes, aligned in UTC epoch time. */
export const REPORT_BUCKET_MS = 300_000;
/** CO2 levels (ppm) whose time above the report counts. */
export const HOURS_ABOVE_LEVELS = [800, 1000, 1500] as const;
/** Occupied time (5-minute buckets with a CO2 reading) below which `icone` is null: one hour. */
export const ICONE_MIN_OCCUPIED_BUCKETS = 12;
/** Longest range one report may span. */
export const MAX_REPORT_DAYS = 366;

export interface RoomFigures {
  readings: number;
  /** Share (0 to 1) of the range's 5-minute buckets holding a reading. */
  coverage: number;
  co2: { max: number | null; avg: number | null; hoursAbove: Record<'800' | '1000' | '1500', number> };
  icone: number | null;
}

/** Number of 5-minute buckets (UTC-aligned) that [from, to) touches: a partial bucket at either end counts. */
export function reportBucketCount(fromMs: number, toMs: number): number {
  return Math.ceil(toMs / REPORT_BUCKET_MS) - Math.floor(fromMs / REPORT_BUCKET_MS);
}

/**
 * Folds one room's readings over [from, to) into the report's figures; feed
 * each stored reading once (the store returns each identity once, so a
 * retried reading never counts twice).
 */
export class RoomReport {
  private readings = 0;
  private readonly held = new Set<number>();
  private readonly co2Buckets = new Map<number, { sum: number; n: number }>();
  private co2Max = -Infinity;
  private co2Sum = 0;
  private co2N = 0;
  private readonly occupiedCounts = [0, 0, 0];
  private readonly occupiedBuckets = new Set<number>();

  constructor(
    private readonly fromMs: number,
    private readonly toMs: number,
    private readonly occupied: (epochMs: number) => boolean,
  ) {}

  add(reading: Pick<Reading, 'ts' | 'co2'>): void {
    const ms = Date.parse(reading.ts);
    if (!(ms >= this.fromMs && ms < this.toMs)) return;
    const bucket = Math.floor(ms / REPORT_BUCKET_MS);
    this.readings++;
    this.held.add(bucket);
    const co2 = reading.co2;
    if (typeof co2 !== 'number') return;
    this.co2Max = Math.max(this.co2Max, co2);
    this.co2Sum += co2;
    this.co2N++;
    const b = this.co2Buckets.get(bucket);
    if (b) {
      b.sum += co2;
      b.n++;
    } else this.co2Buckets.set(bucket, { sum: co2, n: 1 });
    if (this.occupied(ms)) {
      this.occupiedCounts[iconeClass(co2)]!++;
      this.occupiedBuckets.add(bucket);
    }
  }

  result(): RoomFigures {
    const hoursAbove = { '800': 0, '1000': 0, '1500': 0 };
    for (const { sum, n } of this.co2Buckets.values()) {
      const mean = sum / n;
      for (const level of HOURS_ABOVE_LEVELS) if (mean > level) hoursAbove[level]++;
    }
    for (const level of HOURS_ABOVE_LEVELS) hoursAbove[level] = (hoursAbove[level] * REPORT_BUCKET_MS) / 3_600_000;
    const [n0, n1, n2] = this.occupiedCounts as [number, number, number];
    const occupiedN = n0 + n1 + n2;
    return {
      readings: this.readings,
      coverage: this.held.size / reportBucketCount(this.fromMs, this.toMs),
      co2: { max: this.co2N > 0 ? this.co2Max : null, avg: this.co2N > 0 ? this.co2Sum / this.co2N : null, hoursAbove },
      icone: this.occupiedBuckets.size >= ICONE_MIN_OCCUPIED_BUCKETS && occupiedN > 0 ? iconeIndex(n1 / occupiedN, n2 / occupiedN) : null,
    };
  }
}

const Utc = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/), v.description('UTC with milliseconds'));
const Hours = v.pipe(v.number(), v.minValue(0));

/** The air-quality report's answer (the OpenAPI document is built from it). */
export const AirQualityReportSchema = v.strictObject({
  from: Utc,
  to: Utc,
  occupiedHours: v.pipe(v.string(), v.description('OCCUPIED_HOURS of the deployment, e.g. "Mon-Fri 08:00-18:00"')),
  timeZone: v.pipe(v.string(), v.description('TIMEZONE of the deployment (IANA), the wall clock of occupiedHours')),
  items: v.array(
    v.strictObject({
      deviceId: v.string(),
      name: v.nullable(v.string()),
      location: v.nullable(v.string()),
      readings: v.pipe(v.number(), v.integer(), v.minValue(0), v.description('Readings stored with from <= ts < to')),
      coverage: v.pipe(v.number(), v.minValue(0), v.maxValue(1), v.description('Share of the 5-minute buckets (UTC-aligned) of the range that hold a reading')),
      co2: v.strictObject({
        max: v.pipe(v.nullable(v.number()), v.description('null without a co2 value')),
        avg: v.pipe(v.nullable(v.number()), v.description('Mean of the co2 values (each reading once); null without one')),
        hoursAbove: v.pipe(
          v.strictObject({ '800': Hours, '1000': Hours, '1500': Hours }),
          v.description('Hours (5-minute buckets whose mean co2 is above the level, times 5 minutes) over the whole range'),
        ),
      }),
      icone: v.pipe(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(5))), v.description('ICONE confinement index over the co2 values in occupied hours; null with less than one hour of them')),
    }),
  ),
});
