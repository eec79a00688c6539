import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { ErrorSchema, IngestResultSchema, StoredReadingSchema } from '../../src/domain/responses.js';
import { isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => t?.stop());

const MIN = 60_000;

describe('POST /v1/readings', () => {
  it('stores valid readings, reports each bad one by index, and returns them with ts in UTC and receivedAt', async () => {
    const key = await t.api.registerDevice('ing-1');
    const ts = new Date(Date.now() - 2 * MIN);
    // The same instant written in +01:00, with milliseconds.
    const offsetTs = `${new Date(ts.getTime() + 3_600_000).toISOString().slice(0, 19)}.250+01:00`;
    const answer = await t.api.post('ing-1', key, [
      { id: '01JDX3V8R6T0', ts: ts.toISOString(), co2: 812, temperature: 22.4, humidity: 41, smoke: 0.03, flame: false },
      { id: 'bad-co2', ts: ts.toISOString(), co2: 100001 },
      { id: 'offset', ts: offsetTs, temperature: 21 },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 2, duplicates: 0, rejected: [{ index: 1, errors: [{ path: 'co2', message: 'must be <= 100000' }] }] });
    v.parse(IngestResultSchema, answer.body);
    const stored = await t.api.allReadings('ing-1');
    for (const r of stored) v.parse(StoredReadingSchema, r);
    expect(stored).toHaveLength(2);
    const full = stored.find((r) => r.id === '01JDX3V8R6T0');
    expect(full).toEqual({
      id: '01JDX3V8R6T0',
      ts: ts.toISOString(),
      co2: 812,
      temperature: 22.4,
      humidity: 41,
      smoke: 0.03,
      flame: false,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const shifted = stored.find((r) => r.id === 'offset');
    expect(shifted?.ts).toMatch(/\.250Z$/);
    expect(Date.parse(shifted?.ts as string)).toBe(Date.parse(offsetTs));
  });

  it('stores a batch posted 20 times concurrently exactly once, the rest reported as duplicates', async () => {
    const key = await t.api.registerDevice('ing-race');
    const batch = Array.from({ length: 25 }, (_, i) => ({ id: `r${i}`, ts: isoNow(-i * 1000), co2: 400 + i }));
    batch.push({ ts: isoNow(-30_000), co2: 999 } as (typeof batch)[number]); // identity by ts
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.api.post('ing-race', key, batch)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const accepted = answers.reduce((sum, a) => sum + a.body.accepted, 0);
    const duplicates = answers.reduce((sum, a) => sum + a.body.duplicates, 0);
    expect(accepted).toBe(26);
    expect(duplicates).toBe(26 * 19);
    expect(await t.api.allReadings('ing-race')).toHaveLength(26);
  });

  it('counts a reading repeated inside one batch, or with another payload under the same id, as a duplicate; the first stands', async () => {
    const key = await t.api.registerDevice('ing-dup');
    const ts = isoNow(-MIN);
    const answer = await t.api.post('ing-dup', key, [
      { id: 'x', ts, co2: 500 },
      { id: 'x', ts, co2: 500 },
    ]);
    expect(answer.body).toMatchObject({ accepted: 1, duplicates: 1 });
    // Resent (same id and ts) with another payload. An id is unique within its reading's 5-minute bucket (docs/storage.md).
    const again = await t.api.post('ing-dup', key, [{ id: 'x', ts, co2: 9999 }]);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1, rejected: [] });
    const stored = await t.api.allReadings('ing-dup');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.co2).toBe(500);
  });

  it('answers with the policy: merged thresholds and the upload interval (per device, capped at half the offline limit, null clears)', async () => {
    const key = await t.api.registerDevice('ing-policy', { thresholds: { co2: { warning: 1200 }, offlineAfterSeconds: 120 }, uploadIntervalSeconds: 90 });
    const first = await t.api.post('ing-policy', key, [{ ts: isoNow(), co2: 500 }]);
    expect(first.body.policy.uploadIntervalSeconds).toBe(60);
    expect(first.body.policy.thresholds.co2).toEqual({ warning: 1200, critical: 5000, clear: 900 });
    expect(first.body.policy.thresholds.offlineAfterSeconds).toBe(120);
    expect((await t.api.request('PATCH', '/v1/devices/ing-policy', { body: { uploadIntervalSeconds: 30, thresholds: null } })).body.uploadIntervalSeconds).toBe(30);
    expect((await t.api.post('ing-policy', key, [{ ts: isoNow(), co2: 501 }])).body.policy).toMatchObject({ uploadIntervalSeconds: 30, thresholds: { offlineAfterSeconds: 600 } });
    expect((await t.api.request('PATCH', '/v1/devices/ing-policy', { body: { uploadIntervalSeconds: null } })).body.uploadIntervalSeconds).toBeNull();
    expect((await t.api.post('ing-policy', key, [{ ts: isoNow(), co2: 502 }])).body.policy.uploadIntervalSeconds).toBe(300);
    const bad = await t.api.request('PATCH', '/v1/devices/ing-policy', { body: { uploadIntervalSeconds: 5 } });
    expect(bad.status).toBe(400);
  });

  it('answers with the upload phase: whole seconds within the interval, stable per device, following the interval', async () => {
    const phases = new Map<string, number>();
    for (const id of ['ing-phase-a', 'ing-phase-b', 'ing-phase-c']) {
      const key = await t.api.registerDevice(id);
      const first = (await t.api.post(id, key, [{ ts: isoNow(-MIN), co2: 500 }])).body.policy;
      v.parse(IngestResultSchema.entries.policy, first);
      expect(first.uploadIntervalSeconds).toBe(300);
      expect(Number(first.uploadPhaseSeconds.toFixed(3)) === first.uploadPhaseSeconds && first.uploadPhaseSeconds >= 0 && first.uploadPhaseSeconds < 300).toBe(true);
      expect((await t.api.post(id, key, [{ ts: isoNow(), co2: 501 }])).body.policy.uploadPhaseSeconds).toBe(first.uploadPhaseSeconds);
      phases.set(id, first.uploadPhaseSeconds);
      // A 60-s interval divides the 300-s one: its instants include the 300-s ones.
      expect((await t.api.request('PATCH', `/v1/devices/${id}`, { body: { uploadIntervalSeconds: 60 } })).status).toBe(200);
      const faster = (await t.api.post(id, key, [{ ts: isoNow(), co2: 502 }])).body.policy;
      expect(faster).toMatchObject({ uploadIntervalSeconds: 60, uploadPhaseSeconds: ((first.uploadPhaseSeconds * 1000) % 60_000) / 1000 });
    }
    // Derived from each device: a fleet does not post at the same instant.
    expect(new Set(phases.values()).size).toBeGreaterThan(1);
  });

  it('keeps latest at the newest ts when a backlog with older timestamps arrives later; lastSeenAt is the server time', async () => {
    const key = await t.api.registerDevice('ing-latest');
    const now = Date.now();
    await t.api.post('ing-latest', key, [{ id: 'new', ts: new Date(now - MIN).toISOString(), co2: 700 }]);
    const before = Date.now();
    await t.api.post('ing-latest', key, [
      { id: 'old-1', ts: new Date(now - 60 * MIN).toISOString(), co2: 1500 },
      { id: 'old-2', ts: new Date(now - 30 * MIN).toISOString(), co2: 1600 },
    ]);
    const device = (await t.api.request('GET', '/v1/devices/ing-latest')).body;
    expect(device.latest).toMatchObject({ id: 'new', co2: 700 });
    expect(device.status).toBe('online');
    expect(Date.parse(device.lastSeenAt)).toBeGreaterThanOrEqual(before - 5);
    // A board whose clock is 4 minutes ahead still cannot set lastSeenAt.
    await t.api.post('ing-latest', key, [{ id: 'ahead', ts: isoNow(4 * MIN), co2: 710 }]);
    const after = (await t.api.request('GET', '/v1/devices/ing-latest')).body;
    expect(after.latest.id).toBe('ahead');
    expect(Date.parse(after.lastSeenAt)).toBeLessThanOrEqual(Date.now());
  });

  it('updates lastSeenAt even when every reading was a duplicate', async () => {
    const key = await t.api.registerDevice('ing-seen');
    const batch = [{ id: 'a', ts: isoNow(-MIN), co2: 500 }];
    await t.api.post('ing-seen', key, batch);
    const first = (await t.api.request('GET', '/v1/devices/ing-seen')).body.lastSeenAt;
    await new Promise((r) => setTimeout(r, 20));
    await t.api.post('ing-seen', key, batch);
    const second = (await t.api.request('GET', '/v1/devices/ing-seen')).body.lastSeenAt;
    expect(Date.parse(second)).toBeGreaterThan(Date.parse(first));
  });

  describe('rejects each bad reading by itself', () => {
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ['a NaN-like string', { ts: 'NOW', co2: 'NaN' }, 'co2', /number/],
      ['a number as a string', { co2: '812' }, 'co2', /number/],
      ['null as a measurement', { co2: null }, 'co2', /number/],
      ['an unknown field (a typo)', { co2: 500, temprature: 20 }, 'temprature', /unknown field/],
      ['a __proto__ key', JSON.parse('{"co2":500,"__proto__":{"polluted":true}}'), '__proto__', /unknown field/],
      ['no measurement', {}, '', /at least one measurement/],
      ['flame as a number', { flame: 1 }, 'flame', /true or false/],
      ['humidity out of range', { humidity: 101 }, 'humidity', /<= 100/],
      ['temperature below range', { temperature: -56 }, 'temperature', />= -55/],
      ['smoke above full scale', { smoke: 1.01 }, 'smoke', /<= 1/],
      ['a bad id', { id: 'has space', co2: 500 }, 'id', /characters/],
      ['a too long id', { id: 'i'.repeat(65), co2: 500 }, 'id', /characters/],
      ['a far-future ts', { ts: isoNow(6 * MIN), co2: 500 }, 'ts', /5 minutes ahead/],
      ['a year-2000 ts (unsynced board clock)', { ts: '2000-01-01T00:00:00Z', co2: 500 }, 'ts', /retention/],
      ['a ts without offset', { ts: '2026-11-29T18:00:00', co2: 500 }, 'ts', /RFC 3339/],
      ['an impossible date', { ts: '2026-02-30T18:00:00Z', co2: 500 }, 'ts', /RFC 3339/],
      ['a ts that is not a string', { ts: 1764439200, co2: 500 }, 'ts', /string/],
    ];
    it.each(cases)('%s', async (_name, fields, path, message) => {
      const key = await t.api.registerDevice(`bad-${Math.random().toString(36).slice(2, 10)}`);
      const deviceId = key.split('.')[1] as string;
      const reading = { ts: isoNow(-MIN), ...fields };
      const answer = await t.api.post(deviceId, key, [{ id: 'good', ts: isoNow(-MIN), co2: 450 }, reading]);
      expect(answer.status).toBe(200);
      expect(answer.body.accepted).toBe(1);
      expect(answer.body.rejected).toHaveLength(1);
      expect(answer.body.rejected[0].index).toBe(1);
      const error = answer.body.rejected[0].errors.find((e: { path: string }) => e.path === path);
      expect(error?.message).toMatch(message);
      expect((await t.api.allReadings(deviceId)).map((r) => r.id)).toEqual(['good']);
    });
  });

  describe('rejects a bad envelope whole, storing nothing', () => {
    let key: string;
    beforeAll(async () => {
      key = await t.api.registerDevice('env-1');
    });
    const good = () => ({ id: `g-${Math.random()}`, ts: isoNow(-MIN), co2: 500 });
    const expectNothingStored = async () => expect(await t.api.allReadings('env-1')).toEqual([]);

    it.each([
      ['invalid JSON', '{"deviceId":"env-1","readings":[', 400, 'invalid_json'],
      ['JSON that is not an object', '[1,2,3]', 400, 'validation_failed'],
      ['a missing deviceId', JSON.stringify({ readings: [good()] }), 400, 'validation_failed'],
      ['missing readings', JSON.stringify({ deviceId: 'env-1' }), 400, 'validation_failed'],
      ['readings that are not an array', JSON.stringify({ deviceId: 'env-1', readings: { 0: good() } }), 400, 'validation_failed'],
      ['an empty batch', JSON.stringify({ deviceId: 'env-1', readings: [] }), 400, 'validation_failed'],
      ['501 readings', JSON.stringify({ deviceId: 'env-1', readings: Array.from({ length: 501 }, good) }), 400, 'validation_failed'],
      ['an unknown envelope field', JSON.stringify({ deviceId: 'env-1', readings: [good()], extra: 1 }), 400, 'validation_failed'],
      ['a malformed deviceId', JSON.stringify({ deviceId: 'env 1', readings: [good()] }), 400, 'validation_failed'],
      ['invalid UTF-8', Buffer.concat([Buffer.from('{"deviceId":"env-1","readings":[{"co2":500,"ts":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]), 400, 'invalid_json'],
    ])('%s', async (_name, rawBody, status, code) => {
      const answer = await t.api.request('POST', '/v1/readings', { token: key, rawBody });
      expect(answer.status).toBe(status);
      expect(answer.body.error.code).toBe(code);
      v.parse(ErrorSchema, answer.body);
      await expectNothingStored();
    });

    it('a body over 256 KiB: 413', async () => {
      const padding = 'x'.repeat(256 * 1024);
      const answer = await t.api.request('POST', '/v1/readings', {
        token: key,
        rawBody: JSON.stringify({ deviceId: 'env-1', readings: [{ ...good(), pad: padding }] }),
      });
      expect(answer.status).toBe(413);
      expect(answer.body.error.code).toBe('payload_too_large');
      await expectNothingStored();
    });

    it('a non-JSON content type: 415', async () => {
      const answer = await t.api.request('POST', '/v1/readings', { token: key, rawBody: JSON.stringify({ deviceId: 'env-1', readings: [good()] }), contentType: 'text/plain' });
      expect(answer.status).toBe(415);
      await expectNothingStored();
    });

    it('a key for another device: 403; no key, a wrong key, the admin token: 401/401/403', async () => {
      const other = await t.api.registerDevice('env-other');
      const body = { deviceId: 'env-1', readings: [good()] };
      const wrongDevice = await t.api.request('POST', '/v1/readings', { token: other, body });
      expect(wrongDevice.status).toBe(403);
      expect(wrongDevice.body.error.code).toBe('forbidden');
      expect((await t.api.request('POST', '/v1/readings', { token: null, body })).status).toBe(401);
      expect((await t.api.request('POST', '/v1/readings', { token: `${key.slice(0, -4)}AAAA`, body })).status).toBe(401);
      expect((await t.api.request('POST', '/v1/readings', { body })).status).toBe(403);
      await expectNothingStored();
      expect((await t.api.request('GET', '/v1/devices/env-1')).body.lastSeenAt).toBeNull();
    });
  });
});
