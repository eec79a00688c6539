import { readFileSync } from 'node:fs';
import { isAbsolute, resolve, dirname } from 'node:path';
import * as v from 'valibot';
import { configSchema, type ConfigSchemaType, type ParsedConfig, type ParsedSensor } from './config-schema.js';
import type { Level } from './log.js';
import type { AdcConverter } from './sensors/adc.js';
import { IIO_CO2_NAMES, type IioCo2Model } from './sensors/iio-co2.js';
import type { Scenario } from './sensors/simulated.js';
import type { Field } from './sensors/types.js';

export { MAX_BATCH, MAX_BODY_BYTES } from './config-schema.js';

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
  queue: {
    maxBytes: number; segmentBytes: number; fsyncIntervalMs: number; memoryRecords: number;
    /** RAM folder where quiet readings wait for the next group commit (SD wear); none: straight to the page cache. */
    stagingDir?: string;
  };
  upload: {
    batchSize: number; maxBodyBytes: number; timeoutMs: number; backoffBaseMs: number; backoffMaxMs: number;
    authRetryMs: number; maxRetryAfterMs: number;
  };
  clock: { minValidTime?: string; requireSync: boolean; syncFlagFile: string; bootIdFile: string; testWallOffsetFile?: string };
  watchdog: { stallMs: number };
  sensors: SensorConfig[];
}

/**
 * A configuration that cannot be used, with every problem found in it
 * ("path: what is wrong"), as the server reports its settings.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;
type Obj = Record<string, unknown>;
type Issue = v.BaseIssue<unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Keys starting with // or _ are comments, at any depth (the example file uses them). */
function withoutComments(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(withoutComments);
  if (!isObj(x)) return x;
  return Object.fromEntries(Object.entries(x).filter(([k]) => !k.startsWith('//') && !k.startsWith('_')).map(([k, val]) => [k, withoutComments(val)]));
}

/** `sensors[1].channel`, `upload.batchSize`. */
function pathText(keys: readonly unknown[]): string {
  let out = '';
  for (const k of keys) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out;
}

type AnySchema = { type: string; entries?: Record<string, AnySchema>; item?: AnySchema; wrapped?: AnySchema; options?: AnySchema[]; key?: string };

/** The schema at the end of an issue's path (a sensor's variant resolved by its type). */
function schemaAt(schema: ConfigSchemaType, keys: readonly unknown[], values: readonly unknown[]): AnySchema | undefined {
  const unwrap = (s: AnySchema | undefined): AnySchema | undefined => (s?.wrapped ? unwrap(s.wrapped) : s);
  const pick = (s: AnySchema | undefined, value: unknown): AnySchema | undefined => {
    const u = unwrap(s);
    if (u?.type !== 'variant' || !isObj(value)) return u;
    return u.options?.find((o) => o.entries && v.is(o.entries[u.key!] as unknown as v.GenericSchema, value[u.key!]));
  };
  let s = unwrap(schema as unknown as AnySchema);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    s = pick(typeof k === 'number' ? s?.item : s?.entries?.[String(k)], values[i]);
  }
  return s;
}

function describeIssue(schema: ConfigSchemaType, issue: Issue): string {
  const items = issue.path ?? [];
  const keys = items.map((p) => p.key);
  const values = items.map((p) => p.value);
  if (issue.expected === 'never' && items.length > 0) {
    // strictObject's unknown key: the path ends at it.
    const parent = keys.slice(0, -1);
    const known = Object.keys(schemaAt(schema, parent, values.slice(0, -1))?.entries ?? {});
    return `${pathText(parent) || 'config'}: unknown setting "${String(keys[keys.length - 1])}" (known: ${known.join(', ')})`;
  }
  if (/object$/.test(issue.type) && issue.received === 'undefined' && items.length > 0) {
    // A required key left out: say what it should be, in the words of its own schema.
    const entry = schemaAt(schema, keys, values) as unknown as v.GenericSchema | undefined;
    const r = entry ? v.safeParse(entry, undefined) : undefined;
    return `${pathText(keys)}: ${r && !r.success ? r.issues[0].message : 'required'}`;
  }
  return `${pathText(keys) || 'config'}: ${issue.message}`;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** What ties settings together, or needs the disk: checked on the raw object so it is reported even beside shape errors. */
function relationProblems(raw: Obj, file: (x: string) => string): string[] {
  const out: string[] = [];
  if (typeof raw.apiUrl === 'string') {
    let url: URL | undefined;
    try {
      url = new URL(raw.apiUrl);
    } catch {
      /* the schema says so */
    }
    if (url?.protocol === 'http:') {
      if (!LOOPBACK.test(url.hostname) && raw.allowPlainHttp !== true) {
        out.push('apiUrl: plain http is only allowed to a loopback address (the device key would travel in clear); use https');
      }
    } else if (url && url.protocol !== 'https:') out.push('apiUrl: http(s) only');
  }
  const hasKey = typeof raw.deviceKey === 'string' && raw.deviceKey !== '';
  const keyFile = typeof raw.deviceKeyFile === 'string' && raw.deviceKeyFile !== '' ? raw.deviceKeyFile : undefined;
  if (hasKey && keyFile) out.push('deviceKey and deviceKeyFile: give one, not both');
  if (!hasKey && !keyFile && raw.deviceKey == null && raw.deviceKeyFile == null) out.push('deviceKey (or deviceKeyFile) is required: register the board with POST /v1/devices');
  for (const k of ['deviceKeyFile', 'caFile'] as const) {
    const f = raw[k];
    if (typeof f !== 'string' || f === '' || (k === 'deviceKeyFile' && hasKey)) continue;
    try {
      readFileSync(file(f));
    } catch (err) {
      out.push(`${k}: cannot read ${file(f)}: ${(err as Error).message}`);
    }
  }
  if (raw.sampleIntervalMs !== undefined && raw.sampleIntervalSeconds !== undefined) out.push('sampleIntervalMs and sampleIntervalSeconds: give one, not both');
  const q = isObj(raw.queue) ? raw.queue : {};
  const seg = typeof q.segmentBytes === 'number' ? q.segmentBytes : 1024 * 1024;
  if (typeof q.maxBytes === 'number' && q.maxBytes < 2 * seg) out.push(`queue.maxBytes: must be at least twice queue.segmentBytes (${2 * seg})`);
  const u = isObj(raw.upload) ? raw.upload : {};
  const base = typeof u.backoffBaseMs === 'number' ? u.backoffBaseMs : 1_000;
  const max = typeof u.backoffMaxMs === 'number' ? u.backoffMaxMs : 300_000;
  if (max < base) out.push('upload.backoffMaxMs must be >= upload.backoffBaseMs');
  if (Array.isArray(raw.sensors)) {
    const names = new Set<string>();
    raw.sensors.forEach((s, i) => {
      if (!isObj(s)) return;
      const name = typeof s.name === 'string' && s.name !== '' ? s.name : `${String(s.type)}${i}`;
      if (names.has(name)) out.push(`sensors[${i}].name: "${name}" is used twice`);
      names.add(name);
      if (s.type === 'iio-co2' && s.iioName === undefined) out.push(`sensors[${i}].iioName: required for type iio-co2`);
    });
  }
  return out;
}

/**
 * Parses and checks a configuration object, reporting every problem at
 * once (ConfigError). `baseDir` resolves relative paths (the config file's
 * folder); `env`: RUNTIME_DIRECTORY (set by systemd's RuntimeDirectory=) is
 * the default staging folder.
 */
export function parseConfig(input: unknown, baseDir: string, env: Env = process.env): AgentConfig {
  const raw = withoutComments(input);
  if (!isObj(raw)) throw new ConfigError(['config: a JSON object is required']);
  const file = (x: string): string => (isAbsolute(x) ? x : resolve(baseDir, x));
  const schema = configSchema();
  const parsed = v.safeParse(schema, raw);
  // One problem per setting: the first thing wrong with it (an empty deviceId is empty, not also badly formed).
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const issue of parsed.success ? [] : parsed.issues) {
    const text = describeIssue(schema, issue);
    const where = issue.expected === 'never' ? text : text.slice(0, text.indexOf(': '));
    if (!seen.has(where)) problems.push(text);
    seen.add(where);
  }
  problems.push(...relationProblems(raw, file));
  if (!parsed.success || problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return toAgentConfig(parsed.output, file, env);
}

function toAgentConfig(c: ParsedConfig, file: (x: string) => string, env: Env): AgentConfig {
  const optFile = (x: string | null | undefined): string | undefined => (x ? file(x) : undefined);
  const deviceKey = c.deviceKey ?? (c.deviceKeyFile ? readFileSync(file(c.deviceKeyFile), 'utf8').trim() : '');
  const stagingDir = c.queue.stagingDir === null ? undefined : optFile(c.queue.stagingDir ?? env.RUNTIME_DIRECTORY?.split(':')[0]);
  return {
    deviceId: c.deviceId,
    apiUrl: new URL(c.apiUrl).toString().replace(/\/+$/, ''),
    deviceKey,
    caFile: optFile(c.caFile),
    queueDir: file(c.queueDir),
    sampleIntervalMs: c.sampleIntervalSeconds !== undefined ? Math.round(c.sampleIntervalSeconds * 1000) : (c.sampleIntervalMs ?? 10_000),
    logLevel: c.logLevel,
    statsIntervalMs: c.statsIntervalMs,
    uploadIntervalMs: c.uploadIntervalSeconds !== undefined ? Math.round(c.uploadIntervalSeconds * 1000) : undefined,
    queue: {
      maxBytes: c.queue.maxBytes, segmentBytes: c.queue.segmentBytes, fsyncIntervalMs: c.queue.fsyncIntervalMs,
      memoryRecords: c.queue.memoryRecords, stagingDir,
    },
    upload: { ...c.upload },
    clock: {
      minValidTime: c.clock.minValidTime ?? undefined,
      requireSync: c.clock.requireSync,
      syncFlagFile: c.clock.syncFlagFile,
      bootIdFile: c.clock.bootIdFile,
      testWallOffsetFile: optFile(c.clock.testWallOffsetFile),
    },
    watchdog: { ...c.watchdog },
    sensors: c.sensors.map((s, i) => toSensorConfig(s, i, file)),
  };
}

function toSensorConfig(s: ParsedSensor, i: number, file: (x: string) => string): SensorConfig {
  const iio = s.type === 'scd30' || s.type === 'scd4x' || s.type === 'iio-co2';
  const base = { name: s.name ?? `${s.type}${i}`, fields: s.fields as Field[] | undefined, timeoutMs: s.timeoutMs ?? (iio ? 8_000 : 3_000) };
  switch (s.type) {
    case 'simulated':
      return { ...base, type: s.type, scenario: s.scenario, startAfterMs: s.startAfterMs, speed: s.speed, seed: s.seed };
    case 'adc':
      return {
        ...base, type: s.type, channel: s.channel, converter: s.converter, divider: s.divider, fullScaleMv: s.fullScaleMv,
        samples: s.samples, iioNames: s.iioName, iioRoot: file(s.iioRoot),
      };
    case 'scd30':
    case 'scd4x':
    case 'iio-co2':
      return { ...base, type: s.type, iioNames: s.iioName ?? [...IIO_CO2_NAMES[s.type]], iioRoot: file(s.iioRoot), co2PpmPerUnit: s.co2PpmPerUnit };
    case 'mhz19b':
      return { ...base, type: s.type, port: s.port, warmupMs: s.warmupMs, answerTimeoutMs: s.answerTimeoutMs };
    case 'flame':
      return { ...base, type: s.type, pin: s.pin, activeLow: s.activeLow, pollMs: s.pollMs, gpioRoot: file(s.gpioRoot) };
  }
}

export function loadConfig(path: string, env: Env = process.env): AgentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read the config file ${path}: ${(err as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${path}: not valid JSON: ${(err as Error).message}`]);
  }
  return parseConfig(raw, dirname(resolve(path)), env);
}
