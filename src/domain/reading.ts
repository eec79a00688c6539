import * as v from 'valibot';
import { DeviceIdSchema } from './device-id.js';
import type { ErrorDetail } from './errors.js';
import { issuesToDetails } from './issues.js';
import { formatUtc, parseRfc3339 } from './time.js';

export const MAX_READINGS_PER_BATCH = 500;
export const MAX_BODY_BYTES = 256 * 1024;
/** How far ahead of the server's clock a reading's `ts` may be. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/** DynamoDB holds 0 and magnitudes from 1e-130 to below 1e126; anything else could never be stored. */
export function isStorableNumber(n: number): boolean {
  const magnitude = Math.abs(n);
  return magnitude === 0 || (magnitude >= 1e-130 && magnitude < 1e126);
}

export const STORABLE_NUMBER_MESSAGE = 'must be 0 or a magnitude between 1e-130 and 1e125 (the store cannot hold it)';

const measurement = (min: number, max: number, unit: string) =>
  v.optional(
    v.pipe(
      v.number('must be a number'),
      v.finite('must be a finite number'),
      v.check(isStorableNumber, STORABLE_NUMBER_MESSAGE),
      v.minValue(min, `must be >= ${min}`),
      v.maxValue(max, `must be <= ${max}`),
      v.description(`${unit}, ${min} to ${max}`),
    ),
  );

export const MEASUREMENT_FIELDS = ['co2', 'temperature', 'humidity', 'smoke', 'flame'] as const;
export type MeasurementField = (typeof MEASUREMENT_FIELDS)[number];

export const ReadingIdSchema = v.pipe(
  v.string('must be a string'),
  v.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1 to 64 characters of A-Z a-z 0-9 _ - . :'),
  v.description('Unique per device, chosen by the device (a ULID or UUID).'),
);

export const TimestampSchema = v.pipe(
  v.string('must be a string'),
  v.check((text) => parseRfc3339(text) !== undefined, 'must be an RFC 3339 timestamp with an offset, e.g. 2026-11-29T18:00:00Z'),
  v.description('RFC 3339 with an offset'),
);

/** Sensor fault codes (trouble signals): `<source>:<code>`. */
export const SENSOR_FAULT_CODES = ['disconnected', 'stuck', 'out_of_range', 'warming_up', 'calibration'] as const;
export const AGENT_FAULT_CODES = ['disk_full', 'queue_full', 'clock'] as const;
export const MAX_FAULTS = 10;
const FAULT_PATTERN = new RegExp(`^(?:(?:${MEASUREMENT_FIELDS.join('|')}):(?:${SENSOR_FAULT_CODES.join('|')})|agent:(?:${AGENT_FAULT_CODES.join('|')}))$`);

export const FaultSchema = v.pipe(
  v.string('must be a string'),
  v.regex(FAULT_PATTERN, `must be <field>:<code> with a field of ${MEASUREMENT_FIELDS.join(', ')} and a code of ${SENSOR_FAULT_CODES.join(', ')}, or agent:<code> with a code of ${AGENT_FAULT_CODES.join(', ')}`),
);

export const FaultsSchema = v.pipe(
  v.array(FaultSchema, 'must be an array of fault strings'),
  v.maxLength(MAX_FAULTS, `must hold at most ${MAX_FAULTS} faults`),
  v.description('Trouble signals of the board and its sensors, e.g. ["smoke:warming_up", "co2:stuck"]; absent or [] means no fault.'),
);

/** One reading as a device sends it. Unknown fields make it invalid. */
export const ReadingInputSchema = v.pipe(
  v.strictObject(
    {
      id: v.optional(ReadingIdSchema),
      ts: TimestampSchema,
      co2: measurement(0, 100000, 'ppm'),
      temperature: measurement(-55, 150, 'degrees Celsius'),
      humidity: measurement(0, 100, '% relative humidity'),
      smoke: measurement(0, 1, "fraction of the smoke sensor's full scale"),
      flame: v.optional(v.pipe(v.boolean('must be true or false'), v.description('flame detected'))),
      faults: v.optional(FaultsSchema),
    },
    'must be an object',
  ),
  v.check(
    (r) => MEASUREMENT_FIELDS.some((f) => r[f] !== undefined) || (r.faults?.length ?? 0) > 0,
    'needs at least one measurement (co2, temperature, humidity, smoke or flame) or a fault',
  ),
);

export type ReadingInput = v.InferOutput<typeof ReadingInputSchema>;

/** The ingest envelope; each reading is then judged on its own. */
export const IngestEnvelopeSchema = v.strictObject(
  {
    deviceId: DeviceIdSchema,
    readings: v.pipe(
      v.array(v.unknown(), 'must be an array'),
      v.minLength(1, 'must hold at least one reading'),
      v.maxLength(MAX_READINGS_PER_BATCH, `must hold at most ${MAX_READINGS_PER_BATCH} readings`),
    ),
  },
  'must be an object',
);

export type IngestEnvelope = v.InferOutput<typeof IngestEnvelopeSchema>;

export interface Measurements {
  co2?: number;
  temperature?: number;
  humidity?: number;
  smoke?: number;
  flame?: boolean;
}

/** A valid reading, `ts` normalised to UTC with milliseconds. */
export interface Reading extends Measurements {
  id?: string;
  ts: string;
  /** Trouble signals, each once, in the order first sent; absent when the reading carried none. */
  faults?: string[];
}

export type ReadingVerdict = { ok: true; reading: Reading; tsMs: number } | { ok: false; errors: ErrorDetail[] };

export interface TimeWindow {
  nowMs: number;
  retentionDays: number;
}

/** Judge one reading: shape, ranges, and the time window (5 minutes ahead, retention behind). */
export function judgeReading(raw: unknown, window: TimeWindow): ReadingVerdict {
  const parsed = v.safeParse(ReadingInputSchema, raw);
  if (!parsed.success) return { ok: false, errors: issuesToDetails(parsed.issues) };
  const input = parsed.output;
  const tsMs = parseRfc3339(input.ts) as number;
  if (tsMs > window.nowMs + MAX_CLOCK_AHEAD_MS) {
    return { ok: false, errors: [{ path: 'ts', message: "must be at most 5 minutes ahead of the server's clock" }] };
  }
  if (tsMs < window.nowMs - window.retentionDays * 86_400_000) {
    return { ok: false, errors: [{ path: 'ts', message: `must be within the retention period (${window.retentionDays} days)` }] };
  }
  const reading: Reading = input.id !== undefined ? { id: input.id, ts: formatUtc(tsMs) } : { ts: formatUtc(tsMs) };
  for (const field of MEASUREMENT_FIELDS) {
    const value = input[field];
    if (value !== undefined) (reading as Record<MeasurementField, number | boolean>)[field] = value;
  }
  // A fault listed twice counts once; `[]` is the same as no faults.
  if (input.faults !== undefined && input.faults.length > 0) reading.faults = [...new Set(input.faults)];
  return { ok: true, reading, tsMs };
}

/** A reading's identity within its device: its `id` when given, else its `ts`. */
export function readingKey(reading: Pick<Reading, 'id' | 'ts'>): string {
  return reading.id !== undefined ? `id#${reading.id}` : `ts#${reading.ts}`;
}

/** Sort key of the time index: time order, ties broken by identity. */
export function timeKey(reading: Pick<Reading, 'id' | 'ts'>): string {
  return `${reading.ts}#${readingKey(reading)}`;
}
