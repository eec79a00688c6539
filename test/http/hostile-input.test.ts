import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFromEvent } from '../../src/adapters/http/lambda-event.js';
import type { HttpRequest } from '../../src/adapters/http/types.js';
import { startHttpServer, type RunningHttpServer } from '../../src/server/http-server.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => t?.stop());

describe('thresholds the store cannot hold are a 400, not a 500', () => {
  it.each([1e-140, -1e-131, 5e-324])('at registration: %s', async (tiny) => {
    const answer = await t.api.request('POST', '/v1/devices', { body: { deviceId: `tiny-${String(tiny).replace(/[^0-9a-z]/gi, '')}`, thresholds: { smoke: { clear: tiny } } } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(answer.body.error.details).toContainEqual({ path: 'thresholds.smoke.clear', message: expect.stringMatching(/1e-130/) });
  });

  it('in PATCH, and the device keeps its thresholds', async () => {
    await t.api.registerDevice('tiny-patch', { thresholds: { co2: { warning: 1200 } } });
    const answer = await t.api.request('PATCH', '/v1/devices/tiny-patch', { body: { thresholds: { co2: { clear: 1e-140 } } } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details[0].path).toBe('thresholds.co2.clear');
    const device = await t.api.request('GET', '/v1/devices/tiny-patch');
    expect(device.body.thresholds).toEqual({ co2: { warning: 1200 } });
  });
});

describe('device ids . and ..', () => {
  it.each(['.', '..'])('%s is refused at registration', async (deviceId) => {
    const answer = await t.api.request('POST', '/v1/devices', { body: { deviceId } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ path: 'deviceId', message: expect.stringMatching(/must not be \. or \.\./) }]);
    const list = await t.api.request('GET', '/v1/devices');
    expect(list.body.items.map((d: { deviceId: string }) => d.deviceId)).not.toContain(deviceId);
  });

  it('ids with dots inside still register and are reachable', async () => {
    await t.api.registerDevice('...a');
    expect((await t.api.request('GET', '/v1/devices/...a')).status).toBe(200);
  });
});

/** A request with the path exactly as written (fetch and `new URL` would collapse the dot segments first). */
function rawRequest(url: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the HTTP edges never normalise a path', () => {
  let echo: RunningHttpServer;
  const seen: HttpRequest[] = [];
  beforeAll(async () => {
    echo = await startHttpServer(
      async (request) => {
        seen.push(request);
        return { status: 200, headers: {}, body: JSON.stringify({ path: request.path, query: request.query }) };
      },
      { port: 0, host: '127.0.0.1', maxBodyBytes: 1024, log: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } },
    );
  });
  afterAll(async () => echo?.close());

  it.each(['/v1/devices/./keys', '/v1/devices/../keys', '/v1/devices/%2E%2E', '/a//b/', '/v1/devices/x/../../healthz'])('the Node edge hands %s on as sent', async (path) => {
    const answer = await rawRequest(echo.url, 'GET', `${path}?a=1&a=2&b=%20`);
    expect(JSON.parse(answer.body)).toEqual({ path, query: { a: '1,2', b: ' ' } });
  });

  it('the Lambda event adapter keeps rawPath as sent', () => {
    const request = requestFromEvent({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/v1/devices/..',
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: { http: { method: 'DELETE', path: '/v1/devices/..', protocol: 'HTTP/1.1', sourceIp: '', userAgent: '' }, requestId: 'r' } as never,
    } as never);
    expect(request.path).toBe('/v1/devices/..');
  });

  it('a device named .. before this rule can still be revoked: the router sees its id', async () => {
    const answer = await rawRequest(t.stack.url, 'DELETE', '/v1/devices/..');
    // Without a token: the route was found (401), not collapsed to /v1/ (404).
    expect(answer.status).toBe(401);
    const unknown = await rawRequest(t.stack.url, 'DELETE', '/v1/devices/..', { authorization: `Bearer ${t.stack.adminToken}` });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.message).not.toMatch(/no route/);
  });
});
