import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BootAnchors } from '../src/clock.js';
import { createPoster } from '../src/http.js';
import { DurableQueue } from '../src/queue/queue.js';
import { encodeSample } from '../src/record.js';
import { UlidFactory } from '../src/ulid.js';
import { DRAIN_MAX_FAILURES, Uploader, type UploaderOptions } from '../src/uploader.js';
import { FakeClock } from './helpers/fake-clock.js';
import { captureLog } from './helpers/log.js';
import { tmpDir } from './helpers/tmp.js';
import { sleep, waitFor } from './helpers/wait.js';

const root = tmpDir();
let n = 0;

interface Req {
  at: number;
  auth: string | undefined;
  body: { deviceId: string; readings: { id: string; ts: string; [k: string]: unknown }[] };
  bytes: number;
}
type Handler = (req: Req, store: Map<string, unknown>) => { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

/** A small ingest server on 127.0.0.1: records every request, stores readings by id. */
class TestApi {
  readonly reqs: Req[] = [];
  readonly store = new Map<string, unknown>();
  server: http.Server | https.Server;
  port = 0;
  constructor(public handler: Handler, tls?: { key: string; cert: string }) {
    const fn = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const r: Req = { at: Date.now(), auth: req.headers.authorization, body: JSON.parse(raw.toString()) as Req['body'], bytes: raw.length };
        this.reqs.push(r);
        const out = this.handler(r, this.store);
        if (out === 'hang') return;
        res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers });
        res.end(JSON.stringify(out.body ?? {}));
      });
    };
    this.server = tls ? https.createServer(tls, fn) : http.createServer(fn);
  }
  async listen(port = 0): Promise<this> {
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  async close(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** The contract's 200: stores new ids, counts duplicates. */
function accept(req: Req, store: Map<string, unknown>, reject: (r: Req['body']['readings'][number]) => string | undefined = () => undefined) {
  let accepted = 0;
  let duplicates = 0;
  const rejected: { index: number; errors: { path: string; message: string }[] }[] = [];
  req.body.readings.forEach((r, index) => {
    const why = reject(r);
    if (why) rejected.push({ index, errors: [{ path: 'co2', message: why }] });
    else if (store.has(r.id)) duplicates++;
    else {
      store.set(r.id, r);
      accepted++;
    }
  });
  return { status: 200, body: { accepted, duplicates, rejected } };
}

const servers: TestApi[] = [];
const uploaders: Uploader[] = [];
afterEach(async () => {
  await Promise.all(uploaders.splice(0).map((u) => u.stop(100)));
  await Promise.all(servers.splice(0).map((s) => s.close().catch(() => undefined)));
});

function setup(baseUrl: string, opts: Partial<UploaderOptions> = {}, count = 10, extra: { caFile?: string } = {}) {
  const cap = captureLog();
  const dir = join(root, `u${n++}`);
  const queue = DurableQueue.open({ dir, maxBytes: 8 << 20, segmentBytes: 64 * 1024, log: cap.log, cursorFlushMs: 0 });
  const clock = new FakeClock(Date.now());
  const ulid = new UlidFactory();
  const ids: string[] = [];
  const add = (k: number, m: Record<string, unknown> = { co2: 400 + k }) => {
    const id = ulid.next(clock.wallMs());
    ids.push(id);
    queue.append(encodeSample({ id, ts: clock.wallMs() - 1000 + k, m }));
  };
  for (let k = 0; k < count; k++) add(k);
  queue.sync();
  const poster = createPoster(baseUrl, { timeoutMs: opts.timeoutMs ?? 2_000, ...extra });
  const up = new Uploader(
    {
      deviceId: 'bbb-test', deviceKey: 'key-1', batchSize: 500, maxBodyBytes: 240 * 1024, timeoutMs: 2_000,
      backoffBaseMs: 20, backoffMaxMs: 200, authRetryMs: 300, maxRetryAfterMs: 10_000, ...opts,
    },
    { queue, clock, anchors: new BootAnchors(dir, cap.log), log: cap.log, post: poster.post },
  );
  uploaders.push(up);
  return { up, queue, ids, add, cap, close: poster.close };
}

const storedIds = (api: TestApi) => [...api.store.keys()].sort();

describe('uploader against a real HTTP server', () => {
  it('sends every reading once with its stable id and the device key', async () => {
    const api = await new TestApi(accept).listen();
    servers.push(api);
    const { up, queue, ids } = setup(`http://127.0.0.1:${api.port}`);
    up.start();
    await waitFor(() => queue.stats().pending === 0, 5_000, 'queue drained');
    expect(storedIds(api)).toEqual([...ids].sort());
    expect(api.reqs[0]!.auth).toBe('Bearer key-1');
    expect(api.reqs[0]!.body.deviceId).toBe('bbb-test');
    const r0 = api.reqs[0]!.body.readings[0]!;
    expect(r0.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(r0.co2).toBe(400);
  });

  it('honours 429 with Retry-After, and retries with the same ids', async () => {
    let calls = 0;
    const api = await new TestApi((req, store) => (++calls === 1 ? { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'throttled' } } } : accept(req, store))).listen();
    servers.push(api);
    const { up, queue, ids, cap } = setup(`http://127.0.0.1:${api.port}`);
    up.start();
    await waitFor(() => queue.stats().pending === 0, 5_000, 'queue drained');
    expect(api.reqs.length).toBe(2);
    expect(api.reqs[1]!.at - api.reqs[0]!.at).toBeGreaterThanOrEqual(950);
    expect(api.reqs[1]!.body.readings.map((r) => r.id)).toEqual(api.reqs[0]!.body.readings.map((r) => r.id));
    expect(storedIds(api)).toEqual([...ids].sort());
    expect(cap.find('throttled')[0]).toMatchObject({ status: 429, retryAfterMs: 1000 });
  });

  it('backs off on 500s and 503 without Retry-After, then delivers', async () => {
    let calls = 0;
    const api = await new TestApi((req, store) => (++calls <= 3 ? { status: calls === 2 ? 503 : 500 } : accept(req, store))).listen();
    servers.push(api);
    const { up, queue, ids } = setup(`http://127.0.0.1:${api.port}`);
    up.start();
    await waitFor(() => queue.stats().pending === 0, 5_000, 'queue drained');
    expect(api.reqs.length).toBe(4);
    expect(storedIds(api)).toEqual([...ids].sort());
  });

  it('keeps the readings while the server is away, and delivers when it comes back', async () => {
    const api = await new TestApi(accept).listen();
    const port = api.port;
    await api.close();
    const { up, queue, ids, add, cap } = setup(`http://127.0.0.1:${port}`, { backoffMaxMs: 100 });
    up.start();
    await sleep(400);
    for (let k = 10; k < 20; k++) add(k); // sampling goes on meanwhile
    queue.sync();
    expect(queue.stats().pending).toBe(20);
    expect(cap.find('upload failed (network)').length).toBeGreaterThan(1);
    const back = await new TestApi(accept).listen(port);
    servers.push(back);
    await waitFor(() => queue.stats().pending === 0, 5_000, 'queue drained after the server came back');
    expect(storedIds(back)).toEqual([...ids].sort());
  });

  it('drain delivers through a few failures, and gives up (readings kept) when the API stays unreachable', async () => {
    let calls = 0;
    const api = await new TestApi((req, store) => (++calls <= 2 ? { status: 503 } : accept(req, store))).listen();
    servers.push(api);
    const flaky = setup(`http://127.0.0.1:${api.port}`);
    expect(await flaky.up.drain()).toBe(0);
    expect(storedIds(api)).toEqual([...flaky.ids].sort());
    const gone = await new TestApi(accept).listen();
    const port = gone.port;
    await gone.close();
    const away = setup(`http://127.0.0.1:${port}`, { backoffMaxMs: 50 });
    const started = Date.now();
    expect(await away.up.drain()).toBe(10);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(away.cap.find('upload failed (network)').length).toBe(DRAIN_MAX_FAILURES);
    expect(away.queue.stats().pending).toBe(10);
  });

  it('times out a server that hangs, and retries', async () => {
    let calls = 0;
    const api = await new TestApi((req, store) => (++calls === 1 ? 'hang' : accept(req, store))).listen();
    servers.push(api);
    const { up, queue } = setup(`http://127.0.0.1:${api.port}`, { timeoutMs: 300 });
    up.start();
    await waitFor(() => queue.stats().pending === 0, 5_000, 'queue drained');
    expect(api.reqs.length).toBe(2);
    expect(api.reqs[1]!.at - api.reqs[0]!.at).toBeLessThan(1_500);
  });

  it('drops readings the server rejects as invalid, with the reason, and does not block on them', async () => {
    const api = await new TestApi((req, store) => accept(req, store, (r) => (r.co2 === 403 ? 'must be <= 100000' : undefined))).listen();
    servers.push(api);
    const { up, queue, ids, cap } = setup(`http://127.0.0.1:${api.port}`);
    up.start();
    await waitFor(() => queue.stats().pending === 0, 5_000, 'queue drained');
    expect(api.reqs.length).toBe(1);
    const bad = cap.find('rejected by the server');
    expect(bad.length).toBe(1);
    expect(bad[0]).toMatchObject({ id: ids[3], index: 3, errors: [{ path: 'co2', message: 'must be <= 100000' }] });
    expect(storedIds(api)).toEqual(ids.filter((_, k) => k !== 3).sort());
  });

  it('on 401 stops uploading (slow retries, loud log) but keeps queueing; resumes when the key works again', async () => {
    let keyOk = false;
    const api = await new TestApi((req, store) => (keyOk ? accept(req, store) : { status: 401, body: { error: { code: 'unauthorized' } } })).listen();
    servers.push(api);
    const { up, queue, add, cap } = setup(`http://127.0.0.1:${api.port}`, { authRetryMs: 400 });
    up.start();
    await sleep(1_000);
    // No spinning: one try, then one every authRetryMs.
    expect(api.reqs.length).toBeGreaterThanOrEqual(2);
    expect(api.reqs.length).toBeLessThanOrEqual(4);
    const refusals = cap.find('upload refused (401)').length;
    expect(refusals).toBeGreaterThanOrEqual(api.reqs.length - 1); // one answer may still be on its way
    expect(refusals).toBeLessThanOrEqual(api.reqs.length);
    expect(cap.find('upload refused (401)')[0]!.level).toBe('error');
    add(99);
    queue.sync();
    expect(queue.stats().pending).toBe(11);
    keyOk = true;
    await waitFor(() => queue.stats().pending === 0, 3_000, 'queue drained after the key works');
    expect(api.store.size).toBe(11);
  });

  it('403 is handled like 401', async () => {
    const api = await new TestApi(() => ({ status: 403 })).listen();
    servers.push(api);
    const { up, queue, cap } = setup(`http://127.0.0.1:${api.port}`, { authRetryMs: 10_000 });
    up.start();
    await sleep(300);
    expect(api.reqs.length).toBe(1);
    expect(cap.find('upload refused (403)').length).toBe(1);
    expect(queue.stats().pending).toBe(10);
  });

  it('on a 400 for the whole batch splits it, delivers the rest, and keeps retrying the culprit slowly without dropping it', async () => {
    // A server that refuses any batch containing reading #5 as a whole.
    const api = await new TestApi((req, store) =>
      req.body.readings.some((r) => r.co2 === 405) ? { status: 400, body: { error: { code: 'bad_request', message: 'no' } } } : accept(req, store),
    ).listen();
    servers.push(api);
    const { up, queue, ids, cap } = setup(`http://127.0.0.1:${api.port}`, { backoffBaseMs: 10, backoffMaxMs: 400 });
    up.start();
    await waitFor(() => api.store.size === 5, 5_000, 'the readings before the culprit');
    await sleep(800);
    expect(queue.stats().pending).toBe(5); // the culprit and the ones after it: kept, in order
    expect(api.store.has(ids[5]!)).toBe(false);
    expect(cap.find('refused as a whole').length).toBeGreaterThan(0);
    // Backing off, not spinning.
    const single = api.reqs.filter((r) => r.body.readings.length === 1 && r.body.readings[0]!.co2 === 405);
    expect(single.length).toBeLessThanOrEqual(6);
    // The server is fixed: everything goes.
    api.handler = accept;
    await waitFor(() => queue.stats().pending === 0, 5_000, 'queue drained after the fix');
    expect(storedIds(api)).toEqual([...ids].sort());
  });

  it('splits on 413 and respects the batch and body limits', async () => {
    const api = await new TestApi((req, store) => (req.bytes > 4096 ? { status: 413 } : accept(req, store))).listen();
    servers.push(api);
    const { up, queue, ids } = setup(`http://127.0.0.1:${api.port}`, {}, 120);
    up.start();
    await waitFor(() => queue.stats().pending === 0, 5_000, 'queue drained');
    expect(storedIds(api)).toEqual([...ids].sort());
    expect(api.reqs.some((r) => r.bytes > 4096)).toBe(true);

    const api2 = await new TestApi(accept).listen();
    servers.push(api2);
    const big = setup(`http://127.0.0.1:${api2.port}`, { batchSize: 500 }, 1_100);
    const small = setup(`http://127.0.0.1:${api2.port}`, { batchSize: 500, maxBodyBytes: 8 * 1024 }, 200);
    big.up.start();
    small.up.start();
    await waitFor(() => big.queue.stats().pending === 0 && small.queue.stats().pending === 0, 10_000, 'both drained');
    const sizes = api2.reqs.map((r) => r.body.readings.length);
    expect(Math.max(...sizes)).toBe(500);
    expect(Math.max(...api2.reqs.map((r) => r.bytes))).toBeLessThanOrEqual(256 * 1024);
    const smallReqs = api2.reqs.filter((r) => r.body.readings.length < 500);
    expect(smallReqs.length).toBeGreaterThan(1);
    expect(Math.max(...smallReqs.map((r) => r.bytes))).toBeLessThanOrEqual(8 * 1024);
    expect(api2.store.size).toBe(1_300);
  });

  it('verifies TLS: refuses a server it cannot verify, trusts one signed by the configured CA file', async () => {
    const dir = join(root, 'tls');
    const ok = spawnSync('sh', ['-c', `mkdir -p ${dir} && cd ${dir} && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost`], { encoding: 'utf8' });
    if (ok.status !== 0) {
      if (process.env.REQUIRE_TOOLS === '1') throw new Error(`openssl failed: ${ok.stderr}`);
      console.log('SKIPPED: openssl not available, the TLS test did not run');
      return;
    }
    const tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    const api = await new TestApi(accept, tls).listen();
    servers.push(api);
    const untrusted = setup(`https://127.0.0.1:${api.port}`);
    untrusted.up.start();
    await waitFor(() => untrusted.cap.find('upload failed (network)').length > 0, 3_000, 'a TLS failure');
    expect(String(untrusted.cap.find('upload failed (network)')[0]!.error)).toMatch(/self[- ]signed|certificate/i);
    expect(api.reqs.length).toBe(0);
    expect(untrusted.queue.stats().pending).toBe(10);
    const trusted = setup(`https://127.0.0.1:${api.port}`, {}, 10, { caFile: join(dir, 'cert.pem') });
    trusted.up.start();
    await waitFor(() => trusted.queue.stats().pending === 0, 5_000, 'delivered over verified TLS');
    expect(api.store.size).toBe(10);
  });
});
