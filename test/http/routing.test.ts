import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
  await t.api.registerDevice('route-1');
});
afterAll(async () => t?.stop());

describe('one route table: 405 with Allow, HEAD wherever GET works', () => {
  it.each(['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD'])('%s /v1/readings is 405 with Allow: POST', async (method) => {
    const answer = await t.api.request(method, '/v1/readings');
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
    if (method !== 'HEAD') expect(answer.body.error.code).toBe('method_not_allowed');
  });

  it.each([
    ['/v1/devices', 'POST, GET, HEAD'],
    ['/v1/devices/route-1', 'GET, HEAD, PATCH, DELETE'],
    ['/v1/devices/route-1/keys', 'POST'],
    ['/v1/alerts/al_x/ack', 'POST'],
    ['/healthz', 'GET, HEAD'],
  ])('PUT %s is 405 with Allow: %s', async (path, allow) => {
    const answer = await t.api.request('PUT', path);
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe(allow);
  });

  it.each(['/healthz', '/v1/devices', '/v1/devices/route-1', '/v1/devices/route-1/readings', '/v1/alerts'])('HEAD %s answers as GET without a body', async (path) => {
    const get = await t.api.request('GET', path);
    const head = await t.api.request('HEAD', path);
    expect(get.status).toBe(200);
    expect(head.status).toBe(200);
    expect(head.body).toBeUndefined();
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(JSON.stringify(get.body))));
  });

  it('HEAD keeps the auth of GET', async () => {
    const head = await t.api.request('HEAD', '/v1/devices', { token: null });
    expect(head.status).toBe(401);
  });
});

describe('query parameters are validated to 400 in the error shape', () => {
  it.each([
    ['/v1/devices/route-1/readings?limt=5', 'limt'],
    ['/v1/devices/route-1/readings?limit=0', 'limit'],
    ['/v1/devices/route-1/readings?from=yesterday', 'from'],
    ['/v1/alerts?status=open', 'status'],
    ['/v1/alerts?deviceId=has%20space', 'deviceId'],
    ['/v1/devices/route-1?verbose=1', 'verbose'],
  ])('%s', async (url, path) => {
    const answer = await t.api.request('GET', url);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(answer.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('auth comes first: an anonymous caller with a bad query is 401', async () => {
    expect((await t.api.request('GET', '/v1/alerts?bogus=1', { token: null })).status).toBe(401);
  });
});
