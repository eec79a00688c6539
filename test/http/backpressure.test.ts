import { afterEach, describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../../src/adapters/http/types.js';
import { readingsInRequest } from '../../src/server/lambda-dispatch.js';
import { startHttpServer, type RunningHttpServer } from '../../src/server/http-server.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/** A handler that holds every request (but /healthz) until released. */
function heldHandler() {
  const waiting: (() => void)[] = [];
  let arrived = 0;
  const handle = async (request: HttpRequest): Promise<HttpResponse> => {
    if (request.path !== '/healthz') {
      arrived++;
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
  };
  return { handle, release: () => waiting.splice(0).forEach((r) => r()), arrived: () => arrived };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

const batch = (n: number) => JSON.stringify({ deviceId: 'd', readings: Array.from({ length: n }, (_, i) => ({ ts: '2026-11-29T18:00:00Z', id: `r${i}`, co2: 400 })) });
const post = (url: string, n: number) => fetch(`${url}/v1/readings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: batch(n) });

let server: RunningHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('backpressure in the Node edge', () => {
  it('beyond the bound on requests: 503 with Retry-After at once, /healthz still answers, the held ones finish', async () => {
    const held = heldHandler();
    server = await startHttpServer(held.handle, { port: 0, host: '127.0.0.1', maxBodyBytes: 1 << 20, maxRequestsInFlight: 2, log: quiet });
    const first = [fetch(`${server.url}/v1/devices`), fetch(`${server.url}/v1/devices`)];
    await until(() => held.arrived() === 2);
    const refused = await post(server.url, 10);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(held.arrived()).toBe(2);
    held.release();
    for (const answer of await Promise.all(first)) expect(answer.status).toBe(200);
    // Capacity is given back: the next request is served.
    const next = fetch(`${server.url}/v1/devices`);
    await until(() => held.arrived() === 3);
    held.release();
    expect((await next).status).toBe(200);
  });

  it('beyond the bound on readings in flight: 503; a batch that fits is served', async () => {
    const held = heldHandler();
    server = await startHttpServer(held.handle, { port: 0, host: '127.0.0.1', maxBodyBytes: 1 << 20, maxRequestsInFlight: 100, maxReadingsInFlight: 600, weigh: readingsInRequest, log: quiet });
    const big = post(server.url, 500);
    await until(() => held.arrived() === 1);
    const refused = await post(server.url, 200);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const fits = post(server.url, 100);
    await until(() => held.arrived() === 2);
    held.release();
    expect((await big).status).toBe(200);
    expect((await fits).status).toBe(200);
  });

  it('counts readings only on the ingest route', () => {
    const request = (method: string, path: string, body: string): HttpRequest => ({ method, path, query: {}, headers: {}, body: Buffer.from(body), requestId: 'r' });
    expect(readingsInRequest(request('POST', '/v1/readings', batch(7)))).toBe(7);
    expect(readingsInRequest(request('POST', '/v1/readings', '{not json'))).toBe(0);
    expect(readingsInRequest(request('POST', '/v1/devices', batch(7)))).toBe(0);
  });
});
