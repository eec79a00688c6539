import { readFileSync } from 'node:fs';
import { isAbsolute, resolve, dirname } from 'node:path';
import type { Level } from './log.js';
import { DEFAULT_ADC, type AdcConverter } from './sensors/adc.js';
import { DEFAULT_FLAME } from './sensors/flame.js';
import { DEFAULT_IIO_CO2, IIO_CO2_NAMES, type IioCo2Model } from './sensors/iio-co2.js';
import { DEFAULT_MHZ19B } from './sensors/mhz19b.js';
import { DEFAULT_SIMULATED, SCENARIOS, type Scenario } from './sensors/simulated.js';
import { FIELDS, type Field } from './sensors/types.js';

/** The contract's limits for one POST /v1/readings. */
export const MAX_BATCH = 500;
export const MAX_BODY_BYTES = 256 * 1024;

interface SensorCommon {
  name: string;
  /** Only these fields are taken from this sensor (default: all it gives). */
  fields?: Field[];
  /** How long one read may take before the sample goes on without it. */
  timeoutMs: number;
}

export type SensorConfig =
  | (SensorCommon & { type: 'simulated'; scenario: Scenario; startAfterMs: number; speed: number; seed: number })
  | (SensorCommon & {
      type: 'adc'; channel: number; converter: AdcConverter; divider: number; fullScaleMv: number; samples: number;
      iioNames: string[]; iioRoot: string;
    })
  | (SensorCommon & { type: IioCo2Model; iioNames: string[]; iioRoot: string; co2PpmPerUnit: number })
  | (SensorCommon & { type: 'mhz19b'; port: string; warmupMs: number; answerTimeoutMs: number })
  | (SensorCommon & { type: 'flame'; pin: number | string; activeLow: boolean; pollMs: number; gpioRoot: string });

export interface AgentConfig {
  deviceId: string;
  apiUrl: string;
  deviceKey: string;
  /** Extra CA certificate(s) (PEM) trusted on top of the system's; verification is always on. */
  caFile?: string;
  queueDir: string;
  sampleIntervalMs: number;
  logLevel: Level;
  statsIntervalMs: number;
  /** Fixed upload interval (config `uploadIntervalSeconds`); absent: the API's policy decides (300 s before its first answer). */
  uploadIntervalMs?: number;
  queue: { maxBytes: number; segmentBytes: number; fsyncIntervalMs: number; memoryRecords: number };
  upload: {
    batchSize: number; maxBodyBytes: number; timeoutMs: number; backoffBaseMs: number; backoffMaxMs: number;
    authRetryMs: number; maxRetryAfterMs: number;
  };
  clock: { minValidTime?: string; requireSync: boolean; syncFlagFile: string; bootIdFile: string; testWallOffsetFile?: string };
  watchdog: { stallMs: number };
  sensors: SensorConfig[];
}

export class ConfigError extends Error {
  /** Every problem found (the message joins them): a config is checked whole, not stopped at its first mistake. */
  constructor(message: string, readonly problems: string[] = [message]) {
    super(message);
  }
}

/** The problems of the config being parsed (parseConfig collects them and reports them all at once). */
let problems: string[] = [];
function fail(message: string): void {
  problems.push(message);
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Reader {
  constructor(private readonly o: Obj, private readonly where: string, private readonly known: string[]) {
    for (const k of Object.keys(o)) {
      if (!known.includes(k) && !k.startsWith('//') && !k.startsWith('_')) {
        fail(`${where || 'config'}: unknown setting "${k}" (known: ${known.join(', ')})`);
      }
    }
  }
  private path(k: string): string {
    return this.where ? `${this.where}.${k}` : k;
  }
  str(k: string, def?: string): string {
    const v = this.o[k];
    if (v === undefined && def !== undefined) return def;
    if (typeof v !== 'string' || v === '') {
      fail(`${this.path(k)}: a non-empty string is required`);
      return def ?? '';
    }
    return v;
  }
  optStr(k: string): string | undefined {
    const v = this.o[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v === '') {
      fail(`${this.path(k)}: must be a non-empty string`);
      return undefined;
    }
    return v;
  }
  num(k: string, def: number | undefined, min: number, max: number, int = true): number {
    const v = this.o[k];
    if (v === undefined && def !== undefined) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || (int && !Number.isInteger(v))) {
      fail(`${this.path(k)}: ${int ? 'an integer' : 'a number'} is required`);
      return def ?? min;
    }
    if (v < min || v > max) {
      fail(`${this.path(k)}: must be between ${min} and ${max}`);
      return def ?? min;
    }
    return v;
  }
  bool(k: string, def: boolean): boolean {
    const v = this.o[k];
    if (v === undefined) return def;
    if (typeof v !== 'boolean') {
      fail(`${this.path(k)}: true or false`);
      return def;
    }
    return v;
  }
  oneOf<T extends string>(k: string, values: readonly T[], def?: T): T {
    const v = this.o[k] ?? def;
    if (typeof v !== 'string' || !values.includes(v as T)) {
      fail(`${this.path(k)}: one of ${values.join(', ')}`);
      return def ?? values[0]!;
    }
    return v as T;
  }
  obj(k: string): Obj {
    const v = this.o[k];
    if (v === undefined) return {};
    if (!isObj(v)) {
      fail(`${this.path(k)}: an object is required`);
      return {};
    }
    return v;
  }
  strList(k: string, def: string[]): string[] {
    const v = this.o[k];
    if (v === undefined) return def;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string' && x !== '')) {
      fail(`${this.path(k)}: a string or a list of strings`);
      return def;
    }
    return list as string[];
  }
}

const DEVICE_ID_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Parses and checks a configuration object; `baseDir` resolves relative paths (the config file's folder). */
export function parseConfig(raw: unknown, baseDir: string): AgentConfig {
  problems = [];
  try {
    const cfg = parseWhole(raw, baseDir);
    if (problems.length > 0) throw new ConfigError(`${problems.length} problem(s): ${problems.join('; ')}`, problems);
    return cfg;
  } finally {
    problems = [];
  }
}

function parseWhole(raw: unknown, baseDir: string): AgentConfig {
  if (!isObj(raw)) throw new ConfigError('config: a JSON object is required');
  const r = new Reader(raw, '', [
    'deviceId', 'apiUrl', 'deviceKey', 'deviceKeyFile', 'caFile', 'queueDir', 'sampleIntervalMs', 'logLevel',
    'statsIntervalMs', 'queue', 'upload', 'clock', 'watchdog', 'sensors', 'allowPlainHttp', 'sampleIntervalSeconds', 'uploadIntervalSeconds',
  ]);
  const p = (x: string): string => (isAbsolute(x) ? x : resolve(baseDir, x));

  const deviceId = r.str('deviceId');
  if (deviceId && !DEVICE_ID_RE.test(deviceId)) fail('deviceId: 1 to 64 characters of A-Z a-z 0-9 _ - .');

  const apiUrlText = r.str('apiUrl');
  let apiUrl = new URL('https://invalid.invalid');
  try {
    if (apiUrlText) apiUrl = new URL(apiUrlText);
  } catch {
    fail(`apiUrl: not a URL: ${apiUrlText}`);
  }
  const allowPlainHttp = r.bool('allowPlainHttp', false);
  if (apiUrl.protocol === 'http:') {
    const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(apiUrl.hostname);
    if (!loopback && !allowPlainHttp) {
      fail('apiUrl: plain http is only allowed to a loopback address (the device key would travel in clear); use https');
    }
  } else if (apiUrl.protocol !== 'https:') {
    fail('apiUrl: http(s) only');
  }

  let deviceKey = r.optStr('deviceKey');
  const keyFile = r.optStr('deviceKeyFile');
  if (deviceKey && keyFile) fail('deviceKey and deviceKeyFile: give one, not both');
  if (keyFile) {
    try {
      deviceKey = readFileSync(p(keyFile), 'utf8').trim();
    } catch (err) {
      fail(`deviceKeyFile: cannot read ${p(keyFile)}: ${(err as Error).message}`);
    }
  }
  if (!deviceKey && !keyFile) fail('deviceKey (or deviceKeyFile) is required: register the board with POST /v1/devices');

  const caFile = r.optStr('caFile');
  if (caFile) {
    try {
      readFileSync(p(caFile));
    } catch (err) {
      fail(`caFile: cannot read ${p(caFile)}: ${(err as Error).message}`);
    }
  }

  const q = new Reader(r.obj('queue'), 'queue', ['maxBytes', 'segmentBytes', 'fsyncIntervalMs', 'memoryRecords']);
  const segmentBytes = q.num('segmentBytes', 1024 * 1024, 4096, 8 * 1024 * 1024);
  // Set: posts at this interval whatever the API says (tests, special cases). Unset: the API's policy.
  const uploadIntervalS = raw.uploadIntervalSeconds === undefined ? undefined : r.num('uploadIntervalSeconds', undefined, 0.05, 3600, false);
  const queue = {
    segmentBytes,
    maxBytes: q.num('maxBytes', 64 * 1024 * 1024, 2 * segmentBytes, 2 ** 40),
    // Every fsync rewrites the queue's last page on the SD card: at each upload (300 s) and at once for an alarm; the kernel writes back within 30 s anyway.
    fsyncIntervalMs: q.num('fsyncIntervalMs', 300_000, 0, 3_600_000),
    memoryRecords: q.num('memoryRecords', 2_000, 10, 100_000),
  };

  const u = new Reader(r.obj('upload'), 'upload', [
    'batchSize', 'maxBodyBytes', 'timeoutMs', 'backoffBaseMs', 'backoffMaxMs', 'authRetryMs', 'maxRetryAfterMs',
  ]);
  const upload = {
    batchSize: u.num('batchSize', 200, 1, MAX_BATCH),
    maxBodyBytes: u.num('maxBodyBytes', 240 * 1024, 1024, MAX_BODY_BYTES),
    timeoutMs: u.num('timeoutMs', 30_000, 100, 600_000),
    backoffBaseMs: u.num('backoffBaseMs', 1_000, 1, 600_000),
    backoffMaxMs: u.num('backoffMaxMs', 300_000, 1, 3_600_000),
    authRetryMs: u.num('authRetryMs', 300_000, 10, 86_400_000),
    maxRetryAfterMs: u.num('maxRetryAfterMs', 3_600_000, 0, 86_400_000),
  };
  if (upload.backoffMaxMs < upload.backoffBaseMs) fail('upload.backoffMaxMs must be >= upload.backoffBaseMs');

  const c = new Reader(r.obj('clock'), 'clock', ['minValidTime', 'requireSync', 'syncFlagFile', 'bootIdFile', 'testWallOffsetFile']);
  const minValidTime = c.optStr('minValidTime');
  if (minValidTime !== undefined && !Number.isFinite(Date.parse(minValidTime))) fail('clock.minValidTime: an RFC 3339 time');
  const testWallOffsetFile = c.optStr('testWallOffsetFile');
  const clock = {
    minValidTime,
    requireSync: c.bool('requireSync', false),
    syncFlagFile: c.str('syncFlagFile', '/run/systemd/timesync/synchronized'),
    bootIdFile: c.str('bootIdFile', '/proc/sys/kernel/random/boot_id'),
    testWallOffsetFile: testWallOffsetFile ? p(testWallOffsetFile) : undefined,
  };

  if (raw.sampleIntervalMs !== undefined && raw.sampleIntervalSeconds !== undefined) {
    fail('sampleIntervalMs and sampleIntervalSeconds: give one, not both');
  }
  const sampleIntervalMs =
    raw.sampleIntervalSeconds !== undefined
      ? Math.round(r.num('sampleIntervalSeconds', undefined, 0.05, 3_600, false) * 1000)
      : r.num('sampleIntervalMs', 10_000, 50, 3_600_000);
  const w = new Reader(r.obj('watchdog'), 'watchdog', ['stallMs']);
  const watchdog = { stallMs: w.num('stallMs', 120_000, 1_000, 3_600_000) };

  const sensorsRaw = raw.sensors;
  if (!Array.isArray(sensorsRaw) || sensorsRaw.length === 0) fail('sensors: a non-empty list is required');
  const names = new Set<string>();
  const sensors = (Array.isArray(sensorsRaw) ? sensorsRaw : []).map((s, i) => {
    const sc = parseSensor(s, i, p);
    if (names.has(sc.name)) fail(`sensors[${i}].name: "${sc.name}" is used twice`);
    names.add(sc.name);
    return sc;
  });

  return {
    deviceId,
    apiUrl: apiUrl.toString().replace(/\/+$/, ''),
    deviceKey: deviceKey ?? '',
    caFile: caFile ? p(caFile) : undefined,
    queueDir: p(r.str('queueDir')),
    sampleIntervalMs,
    logLevel: r.oneOf('logLevel', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    statsIntervalMs: r.num('statsIntervalMs', 600_000, 1_000, 86_400_000),
    uploadIntervalMs: uploadIntervalS !== undefined ? Math.round(uploadIntervalS * 1000) : undefined,
    queue,
    upload,
    clock,
    watchdog,
    sensors,
  };
}

const TYPES = ['simulated', 'adc', 'scd30', 'scd4x', 'iio-co2', 'mhz19b', 'flame'] as const;

function parseSensor(s: unknown, i: number, p: (x: string) => string): SensorConfig {
  const where = `sensors[${i}]`;
  if (!isObj(s)) {
    fail(`${where}: an object is required`);
    return { type: 'simulated', name: `bad${i}`, timeoutMs: 0, scenario: 'normal', startAfterMs: 0, speed: 1, seed: 1 };
  }
  const type = new Reader({ type: s.type }, where, ['type']).oneOf('type', TYPES);
  const common = ['type', 'name', 'fields', 'timeoutMs'];
  const extra: Record<(typeof TYPES)[number], string[]> = {
    simulated: ['scenario', 'startAfterMs', 'speed', 'seed'],
    adc: ['channel', 'converter', 'divider', 'fullScaleMv', 'samples', 'iioName', 'iioRoot'],
    scd30: ['iioName', 'iioRoot', 'co2PpmPerUnit'],
    scd4x: ['iioName', 'iioRoot', 'co2PpmPerUnit'],
    'iio-co2': ['iioName', 'iioRoot', 'co2PpmPerUnit'],
    mhz19b: ['port', 'warmupMs', 'answerTimeoutMs'],
    flame: ['pin', 'activeLow', 'pollMs', 'gpioRoot'],
  };
  const r = new Reader(s, where, [...common, ...extra[type]]);
  const name = r.str('name', `${type}${i}`);
  let fields: Field[] | undefined;
  if (s.fields !== undefined) {
    if (!Array.isArray(s.fields) || !s.fields.every((f) => FIELDS.includes(f as Field))) {
      fail(`${where}.fields: a list of ${FIELDS.join(', ')}`);
    } else {
      fields = s.fields as Field[];
    }
  }
  const defTimeout = type === 'scd30' || type === 'scd4x' || type === 'iio-co2' ? 8_000 : 3_000;
  const base = { name, fields, timeoutMs: r.num('timeoutMs', defTimeout, 10, 60_000) };
  switch (type) {
    case 'simulated':
      return {
        ...base, type,
        scenario: r.oneOf('scenario', SCENARIOS, 'normal'),
        startAfterMs: r.num('startAfterMs', DEFAULT_SIMULATED.startAfterMs, 0, 86_400_000),
        speed: r.num('speed', DEFAULT_SIMULATED.speed, 0.01, 1000, false),
        seed: r.num('seed', DEFAULT_SIMULATED.seed, 0, 2 ** 32 - 1),
      };
    case 'adc':
      return {
        ...base, type,
        channel: r.num('channel', undefined, 0, 7),
        converter: r.oneOf('converter', ['tmp36', 'lm35', 'mq2'] as const),
        divider: r.num('divider', DEFAULT_ADC.divider, 1, 100, false),
        fullScaleMv: r.num('fullScaleMv', DEFAULT_ADC.fullScaleMv, 100, 50_000, false),
        samples: r.num('samples', DEFAULT_ADC.samples, 1, 64),
        iioNames: r.strList('iioName', DEFAULT_ADC.iioNames),
        iioRoot: p(r.str('iioRoot', DEFAULT_ADC.iioRoot)),
      };
    case 'scd30':
    case 'scd4x':
    case 'iio-co2': {
      const def = IIO_CO2_NAMES[type];
      const iioNames = def.length ? r.strList('iioName', def) : r.strList('iioName', []);
      if (iioNames.length === 0) fail(`${where}.iioName: required for type iio-co2`);
      return {
        ...base, type, iioNames,
        iioRoot: p(r.str('iioRoot', DEFAULT_IIO_CO2.iioRoot)),
        co2PpmPerUnit: r.num('co2PpmPerUnit', DEFAULT_IIO_CO2.co2PpmPerUnit, 1e-9, 1e9, false),
      };
    }
    case 'mhz19b':
      return {
        ...base, type,
        port: r.str('port', '/dev/ttyS4'),
        warmupMs: r.num('warmupMs', DEFAULT_MHZ19B.warmupMs, 0, 3_600_000),
        answerTimeoutMs: r.num('answerTimeoutMs', DEFAULT_MHZ19B.timeoutMs, 50, 30_000),
      };
    case 'flame': {
      const pin = s.pin;
      if (!(typeof pin === 'string' && pin !== '') && !(typeof pin === 'number' && Number.isInteger(pin) && pin >= 0)) {
        fail(`${where}.pin: a GPIO number, a line name, GPIOb_n or a header pin like "P9_12"`);
      }
      return {
        ...base, type, pin: pin as number | string,
        activeLow: r.bool('activeLow', DEFAULT_FLAME.activeLow),
        pollMs: r.num('pollMs', DEFAULT_FLAME.pollMs, 0, 60_000),
        gpioRoot: p(r.str('gpioRoot', DEFAULT_FLAME.gpioRoot)),
      };
    }
  }
}

export function loadConfig(path: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the config file ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(raw, dirname(resolve(path)));
}
