import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { DeviceListSchema, DeviceViewSchema, ErrorSchema, IssuedKeySchema } from '../../src/domain/responses.js';
import { isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => t?.stop());

const errorCode = (body: { error?: { code?: string } }) => body?.error?.code;

describe('health and routing', () => {
  it('answers /healthz without a token', async () => {
    const answer = await t.api.request('GET', '/healthz', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers 404 for an unknown route and 405 with Allow for a wrong method, in the error shape', async () => {
    const missing = await t.api.request('GET', '/v2/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found' });
    v.parse(ErrorSchema, missing.body);
    const wrong = await t.api.request('PUT', '/v1/devices');
    expect(wrong.status).toBe(405);
    expect(errorCode(wrong.body)).toBe('method_not_allowed');
    expect(wrong.headers.get('allow')).toBe('POST, GET, HEAD');
  });
});

describe('device registration', () => {
  it('registers a device and returns its key once', async () => {
    const answer = await t.api.request('POST', '/v1/devices', {
      body: { deviceId: 'reg-1', name: 'Salle 101', location: 'Bâtiment A', thresholds: { co2: { warning: 1200 } } },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.deviceId).toBe('reg-1');
    expect(answer.body.key).toMatch(/^dk\.reg-1\.[A-Za-z0-9_-]{43}$/);
    v.parse(IssuedKeySchema, answer.body);
    const got = await t.api.request('GET', '/v1/devices/reg-1');
    expect(got.status).toBe(200);
    v.parse(DeviceViewSchema, got.body);
    expect(got.body).toMatchObject({
      deviceId: 'reg-1',
      name: 'Salle 101',
      location: 'Bâtiment A',
      lastSeenAt: null,
      status: 'never_seen',
      latest: null,
      activeAlerts: 0,
      thresholds: { co2: { warning: 1200 } },
      revoked: false,
    });
    expect(JSON.stringify(got.body)).not.toContain(answer.body.key);
    expect(JSON.stringify(got.body)).not.toContain('keyHash');
  });

  it('refuses an existing id with 409', async () => {
    await t.api.registerDevice('reg-dup');
    const again = await t.api.request('POST', '/v1/devices', { body: { deviceId: 'reg-dup' } });
    expect(again.status).toBe(409);
    expect(errorCode(again.body)).toBe('conflict');
  });

  it.each([
    ['a bad device id', { deviceId: 'has space' }, 'deviceId'],
    ['a too long device id', { deviceId: 'x'.repeat(65) }, 'deviceId'],
    ['an unknown field', { deviceId: 'reg-u', colour: 'red' }, 'colour'],
    ['a __proto__ key', JSON.parse('{"deviceId":"reg-p","__proto__":{"admin":true}}'), '__proto__'],
    ['a wrong type', { deviceId: 42 }, 'deviceId'],
    ['a clear level above its raise level', { deviceId: 'reg-t', thresholds: { smoke: { clear: 0.5 } } }, 'thresholds.smoke.clear'],
    ['an unknown threshold', { deviceId: 'reg-t2', thresholds: { co2: { warn: 1 } } }, 'thresholds.co2.warn'],
  ])('answers 400 validation_failed for %s, and stores nothing', async (_name, body, path) => {
    const answer = await t.api.request('POST', '/v1/devices', { body });
    expect(answer.status).toBe(400);
    expect(errorCode(answer.body)).toBe('validation_failed');
    expect(answer.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    const list = await t.api.request('GET', '/v1/devices');
    const ids = list.body.items.map((d: { deviceId: string }) => d.deviceId);
    expect(ids).not.toContain('reg-u');
    expect(ids).not.toContain('reg-p');
    expect(ids).not.toContain('reg-t');
  });

  it('answers 400 invalid_json for a body that is not JSON and 415 for another content type', async () => {
    const bad = await t.api.request('POST', '/v1/devices', { rawBody: '{"deviceId":' });
    expect(bad.status).toBe(400);
    expect(errorCode(bad.body)).toBe('invalid_json');
    const text = await t.api.request('POST', '/v1/devices', { rawBody: 'deviceId=x', contentType: 'application/x-www-form-urlencoded' });
    expect(text.status).toBe(415);
    expect(errorCode(text.body)).toBe('unsupported_media_type');
    const none = await t.api.request('POST', '/v1/devices', { rawBody: '{"deviceId":"x"}', contentType: null });
    expect(none.status).toBe(415);
  });
});

describe('authentication', () => {
  it('answers 401 without a token or with an unknown one, and 403 for a device key on an admin route', async () => {
    const key = await t.api.registerDevice('auth-1');
    for (const token of [null, 'nope-not-a-token', 'dk.auth-1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'dk.garbage']) {
      const answer = await t.api.request('GET', '/v1/devices', { token });
      expect(answer.status).toBe(401);
      expect(errorCode(answer.body)).toBe('unauthorized');
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
    const malformed = await t.api.request('GET', '/v1/devices', { token: null, headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(401);
    const forbidden = await t.api.request('POST', '/v1/devices', { token: key, body: { deviceId: 'auth-2' } });
    expect(forbidden.status).toBe(403);
    expect(errorCode(forbidden.body)).toBe('forbidden');
    const read = await t.api.request('GET', '/v1/devices', { token: key });
    expect(read.status).toBe(403);
  });

  it('never echoes the presented token in errors', async () => {
    const secret = 'dk.auth-x.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
    const answer = await t.api.request('GET', '/v1/devices', { token: secret });
    expect(JSON.stringify(answer.body)).not.toContain('BBBBBBBB');
  });
});

describe('device management', () => {
  it('lists devices with the contract fields', async () => {
    await t.api.registerDevice('list-1', { name: 'One' });
    const answer = await t.api.request('GET', '/v1/devices');
    expect(answer.status).toBe(200);
    v.parse(DeviceListSchema, answer.body);
    const one = answer.body.items.find((d: { deviceId: string }) => d.deviceId === 'list-1');
    expect(Object.keys(one).sort()).toEqual(
      ['activeAlerts', 'createdAt', 'deviceId', 'lastSeenAt', 'latest', 'location', 'name', 'revoked', 'status', 'thresholds', 'uploadIntervalSeconds'].sort(),
    );
  });

  it('pages the device list in deviceId order and refuses a cursor it did not give', async () => {
    for (const id of ['pg-c', 'pg-a', 'pg-b']) await t.api.registerDevice(id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.api.request('GET', `/v1/devices?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      seen.push(page.body.items[0].deviceId);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(seen.filter((id) => id.startsWith('pg-'))).toEqual(['pg-a', 'pg-b', 'pg-c']);
    const forged = Buffer.from(JSON.stringify({ v: 2, a: 'pg-a', h: 'x' })).toString('base64url');
    const refused = await t.api.request('GET', `/v1/devices?cursor=${forged}`);
    expect(refused.status).toBe(400);
    expect(errorCode(refused.body)).toBe('invalid_cursor');
    expect((await t.api.request('GET', '/v1/devices?limit=1001')).status).toBe(400);
  });

  it('answers 404 for an unknown device and 400 for a malformed id in the path', async () => {
    expect((await t.api.request('GET', '/v1/devices/nobody')).status).toBe(404);
    const bad = await t.api.request('GET', '/v1/devices/bad%20id');
    expect(bad.status).toBe(400);
    expect(errorCode(bad.body)).toBe('validation_failed');
    expect((await t.api.request('PATCH', '/v1/devices/nobody', { body: { name: 'x' } })).status).toBe(404);
    expect((await t.api.request('DELETE', '/v1/devices/nobody')).status).toBe(404);
    expect((await t.api.request('POST', '/v1/devices/nobody/keys')).status).toBe(404);
  });

  it('patches name, location and thresholds, and null clears', async () => {
    await t.api.registerDevice('patch-1', { name: 'Old' });
    const patched = await t.api.request('PATCH', '/v1/devices/patch-1', { body: { name: 'New', location: 'Étage 2', thresholds: { heat: { critical: 60 } } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'New', location: 'Étage 2', thresholds: { heat: { critical: 60 } } });
    const cleared = await t.api.request('PATCH', '/v1/devices/patch-1', { body: { location: null, thresholds: null } });
    expect(cleared.body).toMatchObject({ name: 'New', location: null, thresholds: {} });
    const empty = await t.api.request('PATCH', '/v1/devices/patch-1', { body: {} });
    expect(empty.status).toBe(400);
    const badLevels = await t.api.request('PATCH', '/v1/devices/patch-1', { body: { thresholds: { co2: { clear: 2000 } } } });
    expect(badLevels.status).toBe(400);
    expect(badLevels.body.error.details[0].path).toBe('thresholds.co2.clear');
    const unknown = await t.api.request('PATCH', '/v1/devices/patch-1', { body: { deviceId: 'other' } });
    expect(unknown.status).toBe(400);
  });

  it('rotates a key: the old key fails at once, the new one works', async () => {
    const oldKey = await t.api.registerDevice('rot-1');
    const reading = [{ ts: isoNow(), co2: 500 }];
    expect((await t.api.post('rot-1', oldKey, reading)).status).toBe(200);
    const rotated = await t.api.request('POST', '/v1/devices/rot-1/keys');
    expect(rotated.status).toBe(201);
    expect(rotated.body.deviceId).toBe('rot-1');
    expect(rotated.body.key).not.toBe(oldKey);
    expect((await t.api.post('rot-1', oldKey, reading)).status).toBe(401);
    expect((await t.api.post('rot-1', rotated.body.key, [{ ts: isoNow(), co2: 501 }])).status).toBe(200);
  });

  it('revokes: the key fails, data stays readable, the id cannot be registered again, rotation re-enables', async () => {
    const key = await t.api.registerDevice('rev-1');
    expect((await t.api.post('rev-1', key, [{ id: 'before', ts: isoNow(), co2: 600 }])).status).toBe(200);
    const revoked = await t.api.request('DELETE', '/v1/devices/rev-1');
    expect(revoked.status).toBe(204);
    expect(revoked.body).toBeUndefined();
    expect((await t.api.post('rev-1', key, [{ ts: isoNow(), co2: 601 }])).status).toBe(401);
    const device = await t.api.request('GET', '/v1/devices/rev-1');
    expect(device.body.revoked).toBe(true);
    expect((await t.api.allReadings('rev-1')).map((r) => r.id)).toEqual(['before']);
    expect((await t.api.request('POST', '/v1/devices', { body: { deviceId: 'rev-1' } })).status).toBe(409);
    expect((await t.api.request('DELETE', '/v1/devices/rev-1')).status).toBe(204); // idempotent
    const reenabled = await t.api.request('POST', '/v1/devices/rev-1/keys');
    expect(reenabled.status).toBe(201);
    expect((await t.api.post('rev-1', reenabled.body.key, [{ ts: isoNow(), co2: 602 }])).status).toBe(200);
    expect((await t.api.request('GET', '/v1/devices/rev-1')).body.revoked).toBe(false);
  });
});

describe('public_read', () => {
  let open: TestStack;
  beforeAll(async () => {
    open = await startTestStack({ PUBLIC_READ: 'true' });
    await open.api.registerDevice('pub-1');
  });
  afterAll(async () => open?.stop());

  it('opens read routes without a token, still 401 for a bad token, and never opens writes', async () => {
    expect((await open.api.request('GET', '/v1/devices', { token: null })).status).toBe(200);
    expect((await open.api.request('GET', '/v1/devices/pub-1', { token: null })).status).toBe(200);
    expect((await open.api.request('GET', '/v1/devices/pub-1/readings', { token: null })).status).toBe(200);
    expect((await open.api.request('GET', '/v1/devices', { token: 'wrong-token-value' })).status).toBe(401);
    expect((await open.api.request('POST', '/v1/devices', { token: null, body: { deviceId: 'pub-2' } })).status).toBe(401);
    expect((await open.api.request('PATCH', '/v1/devices/pub-1', { token: null, body: { name: 'x' } })).status).toBe(401);
    expect((await open.api.request('DELETE', '/v1/devices/pub-1', { token: null })).status).toBe(401);
  });
});
