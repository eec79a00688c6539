import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, type ApiRoute } from '../../src/adapters/http/route-table.js';
import { ADMIN_TOKEN, ApiClient, isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';

const READ_TOKEN = 'test-read-token-for-the-wall-0123456789';
const NEXT_READ_TOKEN = 'test-read-token-next-one-abcdefghijklmn';

let t: TestStack;
let reader: ApiClient;
let alertId: string;
let silenceId: string;
beforeAll(async () => {
  // Two read tokens (rotation), public_read off.
  t = await startTestStack({ READ_TOKEN: `${READ_TOKEN},${NEXT_READ_TOKEN}` });
  reader = new ApiClient(t.stack.url, READ_TOKEN);
  const key = await t.api.registerDevice('wall-1', { location: 'Building A' });
  expect((await t.api.post('wall-1', key, [{ id: 'r1', ts: isoNow(-1000), co2: 1500 }])).status).toBe(200);
  const alerts = await t.api.request('GET', '/v1/alerts');
  alertId = alerts.body.items[0].alertId;
  const silence = await t.api.request('POST', '/v1/silences', { body: { until: isoNow(3600_000), reason: 'drill' } });
  expect(silence.status).toBe(201);
  silenceId = silence.body.silenceId;
});
afterAll(async () => t?.stop());

// A valid query for every read route that needs one (the aggregates and the report).
const RANGE = `from=${encodeURIComponent(isoNow(-3600_000))}&to=${encodeURIComponent(isoNow(60_000))}`;
const QUERY: Record<string, string> = { listAggregates: `?${RANGE}&step=60`, airQualityReport: `?${RANGE}` };
const pathOf = (route: ApiRoute) =>
  route.path.replace('{deviceId}', 'wall-1').replace('{alertId}', alertId).replace('{silenceId}', silenceId) + (QUERY[route.operationId] ?? '');
const byAccess = (access: ApiRoute['access']) => API_ROUTES.filter((r) => r.access === access).map((r) => [`${r.method} ${r.path}`, r] as const);

describe('a read token (READ_TOKEN) reads, and only reads', () => {
  it.each(byAccess('reader'))('%s: 200 with the read token, public_read off', async (_, route) => {
    for (const token of [READ_TOKEN, NEXT_READ_TOKEN]) {
      const answer = await reader.request(route.method, pathOf(route), { token });
      expect(answer.status).toBe(200);
    }
    expect((await reader.request(route.method, pathOf(route), { token: null })).status).toBe(401);
  });

  it.each(byAccess('admin'))('%s: 403 forbidden with the read token, nothing changed', async (_, route) => {
    const before = (await t.api.request('GET', '/v1/devices/wall-1')).body;
    const answer = await reader.request(route.method, pathOf(route), { body: { deviceId: 'by-reader', until: isoNow(3600_000), reason: 'x' } });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('forbidden');
    expect(answer.body.error.message).toMatch(/read token may only read/);
    expect((await t.api.request('GET', '/v1/devices/wall-1')).body).toEqual(before);
  });

  it('nothing the read token was refused happened', async () => {
    expect((await t.api.request('GET', '/v1/devices/by-reader')).status).toBe(404);
    const alert = await t.api.request('GET', `/v1/alerts?deviceId=wall-1&status=all`);
    expect(alert.body.items.find((a: { alertId: string }) => a.alertId === alertId).acknowledgedAt ?? null).toBeNull();
    expect((await t.api.request('GET', '/v1/silences?status=active')).body.items.map((s: { silenceId: string }) => s.silenceId)).toEqual([silenceId]);
  });

  it('POST /v1/readings: 403 with the read token, nothing stored', async () => {
    const answer = await reader.post('wall-1', READ_TOKEN, [{ id: 'r-reader', ts: isoNow(-500), co2: 400 }]);
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('forbidden');
    expect((await t.api.allReadings('wall-1')).map((r) => r.id)).toEqual(['r1']);
  });

  it.each([
    ['a wrong token', 'test-read-token-for-the-wall-0123456780'],
    ['both tokens at once', `${READ_TOKEN},${NEXT_READ_TOKEN}`],
    ['a prefix of it', READ_TOKEN.slice(0, -1)],
  ])('%s is 401 unauthorized with WWW-Authenticate', async (_, token) => {
    const answer = await reader.request('GET', '/v1/devices', { token });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('unauthorized');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('the admin token keeps every right', async () => {
    expect((await t.api.request('GET', '/v1/devices')).status).toBe(200);
    expect((await t.api.request('PATCH', '/v1/devices/wall-1', { body: { name: 'Wall' } })).status).toBe(200);
  });
});

describe('without READ_TOKEN nothing changes', () => {
  it('a read token is unknown (401) and the admin token works', async () => {
    const plain = await startTestStack();
    try {
      const answer = await new ApiClient(plain.stack.url, READ_TOKEN).request('GET', '/v1/devices');
      expect(answer.status).toBe(401);
      expect((await plain.api.request('GET', '/v1/devices')).status).toBe(200);
      expect(plain.api.adminToken).toBe(ADMIN_TOKEN);
    } finally {
      await plain.stop();
    }
  });
});
