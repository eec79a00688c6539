import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONT_DOOR_SECRET_HEADER, frontDoorSecretMatches } from '../../src/adapters/http/front-door.js';
import { SsmFrontDoorSecret } from '../../src/adapters/ssm/ssm-front-door-secret.js';
import type { ParameterRead, ReadSecureParameter } from '../../src/adapters/ssm/secure-parameter.js';
import type { Log } from '../../src/app/ports.js';
import { isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';

/**
 * Behind the front door (FRONT_DOOR_SECRET set, as the stack does with
 * FRONT_DOOR_SECRET_PARAMETER): only requests with CloudFront's origin secret
 * header reach the API, over real HTTP on loopback.
 */
const SECRET = 'origin-secret-5f0c2a9e-7d41-4b8a-9c3e-1a2b3c4d5e6f';
const through = { [FRONT_DOOR_SECRET_HEADER]: SECRET };

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ FRONT_DOOR_SECRET: SECRET });
});
afterAll(async () => t?.stop());

describe('behind the front door', () => {
  it('refuses a request that went around it with 403 forbidden, in the error shape', async () => {
    const answer = await t.api.request('GET', '/v1/devices');
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('forbidden');
    expect(answer.body.error.message).toMatch(/front door/);
    expect(answer.headers.get('x-request-id')).toBeTruthy();
    expect(JSON.stringify(answer.body)).not.toContain(SECRET);
  });

  it('refuses a wrong secret, of the same length or not', async () => {
    for (const wrong of [SECRET.replace(/.$/, '0'), 'x', `${SECRET}x`, '']) {
      const answer = await t.api.request('GET', '/v1/devices', { headers: { [FRONT_DOOR_SECRET_HEADER]: wrong } });
      expect(answer.status, wrong).toBe(403);
    }
  });

  it('serves what comes through it', async () => {
    const answer = await t.api.request('GET', '/v1/devices', { headers: through });
    expect(answer.status).toBe(200);
  });

  it('stores no reading posted around it, and stores it when posted through it', async () => {
    const registered = await t.api.request('POST', '/v1/devices', { body: { deviceId: 'fd-2' }, headers: through });
    expect(registered.status).toBe(201);
    const deviceKey = registered.body.key as string;
    const reading = { id: 'fd-r1', ts: isoNow(-1000), co2: 600 };
    const around = await t.api.request('POST', '/v1/readings', { token: deviceKey, body: { deviceId: 'fd-2', readings: [reading] } });
    expect(around.status).toBe(403);
    const listed = await t.api.request('GET', '/v1/devices/fd-2/readings', { headers: through });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([]);
    const posted = await t.api.request('POST', '/v1/readings', { token: deviceKey, body: { deviceId: 'fd-2', readings: [reading] }, headers: through });
    expect(posted.status).toBe(200);
    const after = await t.api.request('GET', '/v1/devices/fd-2/readings', { headers: through });
    expect(after.body.items.map((r: { id: string }) => r.id)).toEqual(['fd-r1']);
  });

  it('keeps /healthz open for the load balancer', async () => {
    const answer = await t.api.request('GET', '/healthz', { token: null });
    expect(answer.status).toBe(200);
  });
});

describe('the secret comparison', () => {
  it('matches only the exact value', () => {
    expect(frontDoorSecretMatches(SECRET, SECRET)).toBe(true);
    expect(frontDoorSecretMatches(undefined, SECRET)).toBe(false);
    expect(frontDoorSecretMatches(SECRET.toUpperCase(), SECRET)).toBe(false);
  });
});

describe('the secret from SSM (the reader is the one thing faked: its wire is test/http/ssm-get-parameter.test.ts)', () => {
  const quiet: Log & { errors: string[] } = {
    errors: [],
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error(message) {
      this.errors.push(message);
    },
  };

  function fakeSsm(answers: ParameterRead[]): { client: ReadSecureParameter; calls: () => number } {
    let calls = 0;
    const client: ReadSecureParameter = async () => answers[Math.min(calls++, answers.length - 1)]!;
    return { client, calls: () => calls };
  }

  it('reads once a minute, keeps the last value when a read fails, and waits before retrying', async () => {
    let now = 0;
    const fail = { unreachable: Object.assign(new Error('throttled'), { name: 'ThrottlingException' }) };
    const ssm = fakeSsm([{ value: 'v1' }, fail, { value: 'v2' }]);
    const secret = new SsmFrontDoorSecret(ssm.client, '/s/front-door-secret', quiet, 60_000, () => now);
    expect(await secret.current()).toBe('v1');
    now = 30_000;
    expect(await secret.current()).toBe('v1');
    expect(ssm.calls()).toBe(1);
    now = 61_000;
    expect(await secret.current()).toBe('v1'); // the read failed: the last value stays
    now = 63_000;
    expect(await secret.current()).toBe('v1'); // no new call within 5 s of a failure
    expect(ssm.calls()).toBe(2);
    now = 67_000;
    expect(await secret.current()).toBe('v2');
    expect(quiet.errors.join('\n')).not.toContain('v1');
  });

  it('lets requests through (undefined) when it was never read', async () => {
    const ssm = fakeSsm([{ missing: true }]);
    expect(await new SsmFrontDoorSecret(ssm.client, '/s/front-door-secret', quiet).current()).toBeUndefined();
  });
});
