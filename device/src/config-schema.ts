import * as v from 'valibot';
import { DEFAULT_ADC } from './sensors/adc.js';
import { DEFAULT_FLAME } from './sensors/flame.js';
import { DEFAULT_IIO_CO2 } from './sensors/iio-co2.js';
import { DEFAULT_MHZ19B } from './sensors/mhz19b.js';
import { DEFAULT_SIMULATED, SCENARIOS } from './sensors/simulated.js';
import { FIELDS } from './sensors/types.js';

/**
 * The agent's configuration file as valibot schemas: every setting, its
 * type, range and default, in one place. What ties two settings together
 * (one of deviceKey and deviceKeyFile, apiUrl and allowPlainHttp, ...) is
 * checked beside it in config.ts, so that a file is reported whole.
 */

/** The contract's limits for one POST /v1/readings. */
export const MAX_BATCH = 500;
export const MAX_BODY_BYTES = 256 * 1024;

const NON_EMPTY = 'a non-empty string is required';
const text = (message = NON_EMPTY) => v.pipe(v.string(message), v.nonEmpty(message));
/** An optional string where null means "not set" (as in the example file). */
const optText = () => v.optional(v.nullable(text('must be a non-empty string')));

function int(min: number, max: number) {
  const range = `must be between ${min} and ${max}`;
  return v.pipe(v.number('an integer is required'), v.integer('an integer is required'), v.minValue(min, range), v.maxValue(max, range));
}

function decimal(min: number, max: number) {
  const range = `must be between ${min} and ${max}`;
  return v.pipe(v.number('a number is required'), v.finite('a number is required'), v.minValue(min, range), v.maxValue(max, range));
}

const bool = () => v.boolean('true or false');
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => v.picklist(values, `one of ${values.join(', ')}`);

const LIST = 'a string or a list of strings';
/** One name or several (IIO device names), always a list once parsed. */
const strList = () =>
  v.pipe(
    v.union([text(LIST), v.pipe(v.array(text(LIST), LIST), v.minLength(1, LIST))], LIST),
    v.transform((x): string[] => (typeof x === 'string' ? [x] : x)),
  );

const FIELDS_LIST = `a list of ${FIELDS.join(', ')}`;
const FIELD_NAMES = FIELDS as readonly ['co2', 'temperature', 'humidity', 'smoke', 'flame'];

export const SENSOR_TYPES = ['simulated', 'adc', 'scd30', 'scd4x', 'iio-co2', 'mhz19b', 'flame'] as const;

/**
 * Built when a configuration is parsed, not at start-up: the schema's few
 * hundred objects are garbage once the agent runs (its memory target is tight).
 */
export function configSchema() {
  /** What every sensor takes. timeoutMs has no default here: it depends on the type (config.ts). */
  const sensorCommon = {
    name: v.optional(text()),
    fields: v.optional(v.array(v.picklist(FIELD_NAMES, FIELDS_LIST), FIELDS_LIST)),
    timeoutMs: v.optional(int(10, 60_000)),
  };

  const SimulatedSchema = v.strictObject({
    type: v.literal('simulated'),
    ...sensorCommon,
    scenario: v.optional(oneOf(SCENARIOS as readonly ['normal', 'co2-rise', 'fire']), 'normal'),
    startAfterMs: v.optional(int(0, 86_400_000), DEFAULT_SIMULATED.startAfterMs),
    speed: v.optional(decimal(0.01, 1000), DEFAULT_SIMULATED.speed),
    seed: v.optional(int(0, 2 ** 32 - 1), DEFAULT_SIMULATED.seed),
  }, 'an object is required');

  const AdcSchema = v.strictObject({
    type: v.literal('adc'),
    ...sensorCommon,
    channel: int(0, 7),
    converter: oneOf(['tmp36', 'lm35', 'mq2']),
    divider: v.optional(decimal(1, 100), DEFAULT_ADC.divider),
    fullScaleMv: v.optional(decimal(100, 50_000), DEFAULT_ADC.fullScaleMv),
    samples: v.optional(int(1, 64), DEFAULT_ADC.samples),
    iioName: v.optional(strList(), () => [...DEFAULT_ADC.iioNames]),
    iioRoot: v.optional(text(), DEFAULT_ADC.iioRoot),
  }, 'an object is required');

  /** iioName's default depends on the model (none for the generic iio-co2): config.ts. */
  const IioCo2Schema = v.strictObject({
    type: oneOf(['scd30', 'scd4x', 'iio-co2']),
    ...sensorCommon,
    iioName: v.optional(strList()),
    iioRoot: v.optional(text(), DEFAULT_IIO_CO2.iioRoot),
    co2PpmPerUnit: v.optional(decimal(1e-9, 1e9), DEFAULT_IIO_CO2.co2PpmPerUnit),
  }, 'an object is required');

  const Mhz19bSchema = v.strictObject({
    type: v.literal('mhz19b'),
    ...sensorCommon,
    port: v.optional(text(), '/dev/ttyS4'),
    warmupMs: v.optional(int(0, 3_600_000), DEFAULT_MHZ19B.warmupMs),
    answerTimeoutMs: v.optional(int(50, 30_000), DEFAULT_MHZ19B.timeoutMs),
  }, 'an object is required');

  const PIN = 'a GPIO number, a line name, GPIOb_n or a header pin like "P9_12"';
  const FlameSchema = v.strictObject({
    type: v.literal('flame'),
    ...sensorCommon,
    pin: v.union([text(PIN), v.pipe(v.number(PIN), v.integer(PIN), v.minValue(0, PIN))], PIN),
    activeLow: v.optional(bool(), DEFAULT_FLAME.activeLow),
    pollMs: v.optional(int(0, 60_000), DEFAULT_FLAME.pollMs),
    gpioRoot: v.optional(text(), DEFAULT_FLAME.gpioRoot),
  }, 'an object is required');


  const SensorSchema = v.variant('type', [SimulatedSchema, AdcSchema, IioCo2Schema, Mhz19bSchema, FlameSchema], `an object whose "type" is one of ${SENSOR_TYPES.join(', ')}`);

  const QueueSchema = v.strictObject({
    maxBytes: v.optional(int(8192, 2 ** 40), 64 * 1024 * 1024),
    segmentBytes: v.optional(int(4096, 8 * 1024 * 1024), 1024 * 1024),
    // A group commit (and fsync) every minute, at each upload and at once for an alarm: SD wear against what a power cut can take.
    fsyncIntervalMs: v.optional(int(0, 3_600_000), 60_000),
    memoryRecords: v.optional(int(10, 100_000), 2_000),
    /** null: no staging even under systemd; absent: $RUNTIME_DIRECTORY when set (config.ts). */
    stagingDir: optText(),
  }, 'an object is required');

  const UploadSchema = v.strictObject({
    batchSize: v.optional(int(1, MAX_BATCH), 200),
    maxBodyBytes: v.optional(int(1024, MAX_BODY_BYTES), 240 * 1024),
    timeoutMs: v.optional(int(100, 600_000), 30_000),
    backoffBaseMs: v.optional(int(1, 600_000), 1_000),
    backoffMaxMs: v.optional(int(1, 3_600_000), 300_000),
    authRetryMs: v.optional(int(10, 86_400_000), 300_000),
    maxRetryAfterMs: v.optional(int(0, 86_400_000), 3_600_000),
  }, 'an object is required');

  const ClockSchema = v.strictObject({
    minValidTime: v.optional(v.nullable(v.pipe(text('an RFC 3339 time'), v.check((t) => Number.isFinite(Date.parse(t)), 'an RFC 3339 time')))),
    requireSync: v.optional(bool(), false),
    syncFlagFile: v.optional(text(), '/run/systemd/timesync/synchronized'),
    bootIdFile: v.optional(text(), '/proc/sys/kernel/random/boot_id'),
    testWallOffsetFile: optText(),
  }, 'an object is required');

  const WatchdogSchema = v.strictObject({
    stallMs: v.optional(int(1_000, 3_600_000), 120_000),
  }, 'an object is required');

  const canParseUrl = (u: string): boolean => {
    try {
      new URL(u);
      return true;
    } catch {
      return false;
    }
  };

  const DEVICE_ID_RE = /^[A-Za-z0-9_.-]{1,64}$/;
  const SENSORS = 'a non-empty list is required';

  return v.strictObject({
    deviceId: v.pipe(text(), v.regex(DEVICE_ID_RE, '1 to 64 characters of A-Z a-z 0-9 _ - .')),
    apiUrl: v.pipe(text(), v.check(canParseUrl, 'not a URL')),
    deviceKey: optText(),
    deviceKeyFile: optText(),
    caFile: optText(),
    allowPlainHttp: v.optional(bool(), false),
    queueDir: text(),
    sampleIntervalMs: v.optional(int(50, 3_600_000)),
    sampleIntervalSeconds: v.optional(decimal(0.05, 3_600)),
    // Set: posts at this interval whatever the API says (tests, special cases). Unset: the API's policy.
    uploadIntervalSeconds: v.optional(decimal(0.05, 3_600)),
    logLevel: v.optional(oneOf(['debug', 'info', 'warn', 'error']), 'info'),
    statsIntervalMs: v.optional(int(1_000, 86_400_000), 600_000),
    queue: v.optional(QueueSchema, {}),
    upload: v.optional(UploadSchema, {}),
    clock: v.optional(ClockSchema, {}),
    watchdog: v.optional(WatchdogSchema, {}),
    sensors: v.pipe(v.array(SensorSchema, SENSORS), v.minLength(1, SENSORS)),
  }, 'a JSON object is required');
}

export type ConfigSchemaType = ReturnType<typeof configSchema>;
export type ParsedConfig = v.InferOutput<ConfigSchemaType>;
export type ParsedSensor = ParsedConfig['sensors'][number];
