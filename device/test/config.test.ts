import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../src/config.js';
import { REPO } from './helpers/bundle.js';
import { tmpDir } from './helpers/tmp.js';

const dir = tmpDir();
const base = {
  deviceId: 'bbb-1', apiUrl: 'https://api.example.org', deviceKey: 'k', queueDir: 'queue',
  sensors: [{ type: 'simulated', scenario: 'normal' }],
};
const parse = (over: Record<string, unknown>, env: Record<string, string> = {}) => parseConfig({ ...base, ...over }, dir, env);

describe('configuration', () => {
  it('the documented example is valid and says what it means', () => {
    writeFileSync(join(dir, 'device-key'), 'dk.bbb-salle-101.secret\n');
    const raw = JSON.parse(readFileSync(join(REPO, 'device/config.example.json'), 'utf8')) as Record<string, unknown>;
    const cfg = parseConfig({ ...raw, deviceKeyFile: join(dir, 'device-key') }, dir);
    expect(cfg.deviceKey).toBe('dk.bbb-salle-101.secret');
    expect(cfg.sensors.map((s) => s.type)).toEqual(['mhz19b', 'adc', 'adc', 'flame']);
    expect(cfg.sensors[3]).toMatchObject({ pin: 'P9_12', activeLow: true, pollMs: 250, gpioRoot: '/sys/class/gpio' });
    expect(cfg.sensors[1]).toMatchObject({ converter: 'tmp36', divider: 2, iioNames: ['TI-am335x-adc', 'TI-am335x-adc.0.auto'] });
    expect(cfg.clock.requireSync).toBe(true);
  });

  it('fills defaults and resolves paths against the config file', () => {
    const cfg = parse({});
    expect(cfg.queueDir).toBe(join(dir, 'queue'));
    expect(cfg.upload).toMatchObject({ batchSize: 200, maxBodyBytes: 240 * 1024 });
    expect(cfg.queue).toMatchObject({ fsyncIntervalMs: 60_000, segmentBytes: 1 << 20, maxBytes: 64 << 20 });
    expect(cfg.apiUrl).toBe('https://api.example.org');
  });

  it('loads a file, and says which file is not JSON', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ ...base, queueDir: 'q2' }));
    expect(loadConfig(good).queueDir).toBe(join(dir, 'q2'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "deviceId": ');
    expect(() => loadConfig(bad)).toThrow(/bad.json: not valid JSON/);
  });

  it.each([
    [{ deviceId: 'bad id!' }, /deviceId/],
    [{ apiUrl: 'http://api.example.org' }, /plain http is only allowed to a loopback/],
    [{ apiUrl: 'ftp://x' }, /http\(s\) only/],
    [{ deviceKey: undefined }, /deviceKey.*required/],
    [{ deviceKeyFile: '/nonexistent/key' }, /give one, not both/],
    [{ deviceKey: undefined, deviceKeyFile: '/nonexistent/key' }, /deviceKeyFile: cannot read/],
    [{ upload: { batchSize: 501 } }, /upload.batchSize: must be between 1 and 500/],
    [{ upload: { maxBodyBytes: 300_000 } }, /maxBodyBytes/],
    [{ uplaod: {} }, /unknown setting "uplaod"/],
    [{ sensors: [] }, /sensors/],
    [{ sensors: [{ type: 'thermometer' }] }, /sensors\[0\].type/],
    [{ sensors: [{ type: 'adc', converter: 'tmp36' }] }, /sensors\[0\].channel/],
    [{ sensors: [{ type: 'iio-co2' }] }, /iioName/],
    [{ sensors: [{ type: 'flame' }] }, /pin/],
    [{ sensors: [{ type: 'simulated', scenario: 'flood' }] }, /scenario/],
    [{ sensors: [{ type: 'simulated', name: 'a' }, { type: 'simulated', name: 'a' }] }, /"a" is used twice/],
    [{ sensors: [{ type: 'adc', channel: 0, converter: 'mq2', divder: 3 }] }, /unknown setting "divder"/],
    [{ sensors: [{ type: 'simulated', fields: ['co3'] }] }, /fields/],
    [{ queue: { segmentBytes: 1 << 20, maxBytes: 1 << 20 } }, /maxBytes/],
  ])('rejects %j', (over, re) => {
    expect(() => parse(over)).toThrow(ConfigError);
    expect(() => parse(over)).toThrow(re);
  });

  it('takes intervals in seconds too (sampleIntervalSeconds; uploadIntervalSeconds fixes the upload interval, else the API decides)', () => {
    const cfg = parse({ sampleIntervalSeconds: 5, uploadIntervalSeconds: 2.5 });
    expect(cfg.sampleIntervalMs).toBe(5_000);
    expect(cfg.uploadIntervalMs).toBe(2_500);
    expect(cfg.queue.fsyncIntervalMs).toBe(60_000);
    expect(parse({}).uploadIntervalMs).toBeUndefined();
    expect(() => parse({ sampleIntervalSeconds: 5, sampleIntervalMs: 5000 })).toThrow(/not both/);
    expect(() => parse({ uploadIntervalSeconds: 7200 })).toThrow(/uploadIntervalSeconds/);
  });

  it('allows plain http to loopback (the local stack)', () => {
    expect(parse({ apiUrl: 'http://127.0.0.1:3000/' }).apiUrl).toBe('http://127.0.0.1:3000');
    expect(parse({ apiUrl: 'http://localhost:3000' }).apiUrl).toBe('http://localhost:3000');
  });
});

describe('configuration errors', () => {
  const problemsOf = (raw: unknown): readonly string[] => {
    try {
      parseConfig(raw, '/tmp', {});
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).problems;
    }
    throw new Error('the configuration was accepted');
  };

  it('reports every problem at once, each with its path, not only the first', () => {
    const problems = problemsOf({
      deviceId: 'bad id!', apiUrl: 'ftp://x', queueDir: 'q', sampleIntervalMs: 'soon', upload: { batchSize: 9999 }, typo: 1,
      sensors: [{ type: 'flame' }, { type: 'adc', channel: 99, converter: 'tmp36' }],
    });
    const expected = [/^deviceId: 1 to 64 characters/, /^apiUrl: http\(s\) only/, /^deviceKey \(or deviceKeyFile\) is required/, /^sampleIntervalMs: an integer is required/,
      /^upload\.batchSize: must be between 1 and 500/, /^config: unknown setting "typo" \(known: deviceId, /, /^sensors\[0\]\.pin: a GPIO number/, /^sensors\[1\]\.channel: must be between 0 and 7/];
    for (const re of expected) expect(problems.some((p) => re.test(p)), String(re)).toBe(true);
    expect(problems).toHaveLength(expected.length);
  });

  it('says it as the server says its settings: "invalid configuration:" and one line per problem', () => {
    let err: unknown;
    try {
      parse({ deviceId: '', upload: { batchSize: 0, timeoutMs: 'x' } });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toBe('invalid configuration:\n  - deviceId: a non-empty string is required\n  - upload.batchSize: must be between 1 and 500\n  - upload.timeoutMs: an integer is required');
  });

  it('names what a left-out setting should be, unknown settings with the known ones, wrong types deep in the sensors', () => {
    const problems = problemsOf({
      apiUrl: 'https://api.example.org', deviceKey: 'k', queue: { fsyncIntervallMs: 1 }, logLevel: 'loud',
      sensors: [{ type: 'adc' }, { type: 'iio-co2' }, { type: 'scd30', iioName: [] }, { type: 'simulated', fields: ['co3'], speed: 0 }, 5, { type: 'mhz19b', port: '' }],
    });
    expect(problems).toEqual(expect.arrayContaining([
      'deviceId: a non-empty string is required',
      'queueDir: a non-empty string is required',
      'logLevel: one of debug, info, warn, error',
      expect.stringMatching(/^queue: unknown setting "fsyncIntervallMs" \(known: maxBytes, segmentBytes, fsyncIntervalMs, memoryRecords, stagingDir\)$/),
      'sensors[0].channel: an integer is required',
      'sensors[0].converter: one of tmp36, lm35, mq2',
      'sensors[1].iioName: required for type iio-co2',
      'sensors[2].iioName: a string or a list of strings',
      'sensors[3].fields[0]: a list of co2, temperature, humidity, smoke, flame',
      'sensors[3].speed: must be between 0.01 and 1000',
      expect.stringMatching(/^sensors\[4\]: an object whose "type" is one of simulated, adc/),
      'sensors[5].port: a non-empty string is required',
    ]));
    expect(problems).toHaveLength(12);
    expect(problemsOf([])).toEqual(['config: a JSON object is required']);
  });

  it('takes comments (keys starting with // or _) at any depth', () => {
    const cfg = parse({ '//': 'top', queue: { '//why': 'SD wear', fsyncIntervalMs: 30_000 }, sensors: [{ type: 'simulated', _note: 'bench' }] });
    expect(cfg.queue.fsyncIntervalMs).toBe(30_000);
  });
});

describe('staging folder (group commit in RAM)', () => {
  it('is $RUNTIME_DIRECTORY (systemd RuntimeDirectory=) unless the config says otherwise; null turns it off', () => {
    expect(parse({}).queue.stagingDir).toBeUndefined();
    expect(parse({}, { RUNTIME_DIRECTORY: '/run/firemon-agent' }).queue.stagingDir).toBe('/run/firemon-agent');
    expect(parse({ queue: { stagingDir: '/dev/shm/x' } }, { RUNTIME_DIRECTORY: '/run/firemon-agent' }).queue.stagingDir).toBe('/dev/shm/x');
    expect(parse({ queue: { stagingDir: null } }, { RUNTIME_DIRECTORY: '/run/firemon-agent' }).queue.stagingDir).toBeUndefined();
    expect(parse({ queue: { stagingDir: 'ram' } }).queue.stagingDir).toBe(join(dir, 'ram'));
  });
});
