import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';

let t: TestStack;
const lines: Record<string, unknown>[] = [];
beforeAll(async () => {
  // The suite runs with logs silenced; this file reads them. The logger is built when the stack starts.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  // Both streams: Powertools writes WARN and ERROR lines to stderr.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      let captured = false;
      for (const line of text.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
          captured = true;
        } catch {
          // not a log line
        }
      }
      return captured ? true : (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('per-request log context under concurrency', () => {
  it('every log line carries its own request id and device id, never another request\'s', async () => {
    const devices = Array.from({ length: 10 }, (_, i) => `log-${i}`);
    const keys = await Promise.all(devices.map((d) => t.api.registerDevice(d)));
    lines.length = 0;
    const calls = Array.from({ length: 60 }, (_, i) => {
      const d = i % devices.length;
      const deviceId = devices[d] as string;
      if (i % 3 === 0) return t.api.request('GET', `/v1/devices/${deviceId}`).then((a) => ({ a, deviceId }));
      // A smoke alarm too, so the use case logs lines of its own (raised alerts) inside the request.
      return t.api.post(deviceId, keys[d] as string, [{ ts: isoNow(-i * 10), co2: 500 + i, smoke: i % 5 === 0 ? 0.9 : 0.01 }]).then((a) => ({ a, deviceId }));
    });
    const answers = await Promise.all(calls);
    for (const { a } of answers) expect(a.status).toBe(200);
    const byId = new Map(answers.map(({ a, deviceId }) => [a.headers.get('x-request-id') as string, deviceId]));
    expect(byId.size).toBe(60);
    const requestLines = lines.filter((l) => l.message === 'request');
    expect(requestLines).toHaveLength(60);
    let checked = 0;
    for (const line of lines) {
      const requestId = line.requestId as string | undefined;
      if (requestId === undefined || !byId.has(requestId)) continue;
      checked++;
      expect({ message: line.message, requestId, deviceId: line.deviceId }).toEqual({ message: line.message, requestId, deviceId: byId.get(requestId) });
      if (line.message === 'request' && line.method === 'GET') expect(line.path).toBe(`/v1/devices/${byId.get(requestId)}`);
    }
    expect(checked).toBeGreaterThanOrEqual(60);
    // Each request id is on exactly one request line.
    expect(new Set(requestLines.map((l) => l.requestId)).size).toBe(60);
  });

  it("a post writes one application line, its request's, with the post's counts on it (WARN when a reading was refused)", async () => {
    const key = await t.api.registerDevice('log-post');
    lines.length = 0;
    const clean = await t.api.post('log-post', key, [{ ts: isoNow(-2000), co2: 600 }, { ts: isoNow(-1000), co2: 610 }]);
    const refused = await t.api.post('log-post', key, [{ ts: isoNow(-500), co2: 620 }, { ts: isoNow(-400), co2: -5 }]);
    expect([clean.status, refused.status]).toEqual([200, 200]);
    const of = (answer: typeof clean) => lines.filter((l) => l.requestId === answer.headers.get('x-request-id'));
    expect(of(clean).map((l) => l.message)).toEqual(['request']);
    expect(of(clean)[0]).toMatchObject({ level: 'INFO', method: 'POST', path: '/v1/readings', status: 200, deviceId: 'log-post', readings: 2, accepted: 2, duplicates: 0, rejected: 0, transitions: 0 });
    expect(of(clean)[0]).not.toHaveProperty('firstRejections');
    expect(of(refused).map((l) => l.message)).toEqual(['request']);
    expect(of(refused)[0]).toMatchObject({ level: 'WARN', status: 200, deviceId: 'log-post', readings: 2, accepted: 1, rejected: 1, firstRejections: [{ index: 1 }] });
    expect(lines.some((l) => l.message === 'post')).toBe(false);
  });
});
