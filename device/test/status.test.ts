import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Agent } from '../src/agent.js';
import { parseConfig } from '../src/config.js';
import type { HttpResponse } from '../src/http.js';
import { DurableQueue } from '../src/queue/queue.js';
import { encodeSample } from '../src/record.js';
import { readStatus } from '../src/status.js';
import { captureLog } from './helpers/log.js';
import { tmpDir } from './helpers/tmp.js';
import { waitFor } from './helpers/wait.js';

const root = tmpDir();

describe('status and counters that survive restarts', () => {
  it('status shows queue depth, drops by reason, the last upload and faults; the counters persist across a restart', async () => {
    const queueDir = join(root, 'queue');
    const cfg = parseConfig({
      deviceId: 'bbb-status', apiUrl: 'http://127.0.0.1:9', deviceKey: 'k', queueDir, sampleIntervalMs: 50, uploadIntervalSeconds: 0.2,
      queue: { fsyncIntervalMs: 100 }, sensors: [{ type: 'simulated', scenario: 'normal' }, { type: 'flame', pin: 60, gpioRoot: join(root, 'no-gpio'), pollMs: 0 }],
    }, root);
    let posts = 0;
    // The API refuses the first reading of each post as invalid (a counted `rejected` drop) and takes the rest.
    const post = async (_p: string, body: string): Promise<HttpResponse> => {
      posts++;
      const n = (JSON.parse(body) as { readings: unknown[] }).readings.length;
      return { status: 200, headers: {}, body: JSON.stringify({ accepted: n - 1, duplicates: 0, rejected: [{ index: 0, errors: [{ path: 'co2', message: 'nope' }] }] }) };
    };
    const cap = captureLog();
    const a = new Agent(cfg, { log: cap.log, post });
    a.start();
    await waitFor(() => posts >= 2, 10_000, 'two posts');
    await a.stop(500);
    const s1 = readStatus(queueDir);
    expect(s1.drops.rejected).toBeGreaterThanOrEqual(2);
    expect(s1.lastUpload).toMatchObject({ result: '200' });
    expect((s1.lastUpload as { firstSeq: number }).firstSeq).toBeGreaterThan(0);
    expect(s1.faults).toMatchObject({ flame1: ['flame:disconnected'] });
    expect(s1.clock).toMatchObject({ trusted: true, correctionMs: 0 });
    expect(cap.find('uploaded').every((l) => typeof l.firstSeq === 'number' && typeof l.lastSeq === 'number')).toBe(true);

    // A new process on the same folder carries the counters on; with the API away the queue grows and status says so.
    const down = async (): Promise<HttpResponse> => Promise.reject(new Error('ECONNREFUSED'));
    const b = new Agent(cfg, { log: captureLog().log, post: down });
    b.start();
    await waitFor(() => b.sampler.taken >= 5, 10_000, 'samples while the API is away');
    b.sync();
    await b.stop(200);
    const s2 = readStatus(queueDir);
    expect(s2.drops.rejected).toBe(s1.drops.rejected);
    expect(s2.queue.pending).toBeGreaterThanOrEqual(5);
    expect(s2.queue.oldestPendingAgeS).toBeGreaterThanOrEqual(0);
    expect(String(s2.lastUpload && (s2.lastUpload as { result: string }).result)).toMatch(/network/);
  }, 30_000);

  it('counts the readings waiting in the RAM staging folder as pending, and says how many they are', () => {
    const queueDir = join(root, 'staged-queue');
    const ram = join(root, 'staged-ram');
    const q = DurableQueue.open({ dir: queueDir, stagingDir: ram, maxBytes: 1 << 20, segmentBytes: 4096, log: captureLog().log });
    const ts = Date.now();
    q.append(encodeSample({ id: '01JDX3V8R6000000000000000A', ts, m: { co2: 500 } }));
    q.sync();
    for (const id of ['01JDX3V8R6000000000000000B', '01JDX3V8R6000000000000000C']) q.append(encodeSample({ id, ts, m: { co2: 510 } }));
    const s = readStatus(queueDir, ts, ram);
    expect(s.queue).toMatchObject({ pending: 3, staged: 2, oldestPendingId: '01JDX3V8R6000000000000000A' });
    expect(readStatus(queueDir, ts).queue).toMatchObject({ pending: 1, staged: 0 });
    q.close();
    expect(readStatus(queueDir, ts, ram).queue).toMatchObject({ pending: 3, staged: 0 });
  });
});
