import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Agent } from '../src/agent.js';
import { parseConfig } from '../src/config.js';
import type { HttpResponse } from '../src/http.js';
import { createLogger } from '../src/log.js';
import { DurableQueue, HEADER_BYTES, scanRecords } from '../src/queue/queue.js';
import { decodeSample } from '../src/record.js';
import { spawnAgent } from './helpers/agent-process.js';
import { buildAgent } from './helpers/bundle.js';
import { FakeClock } from './helpers/fake-clock.js';
import { captureLog } from './helpers/log.js';
import { tmpDir } from './helpers/tmp.js';
import { sleep, waitFor } from './helpers/wait.js';

const dir = tmpDir();
const bundle = buildAgent(dir);
const node = [process.execPath];

function writeConfig(name: string, extra: Record<string, unknown> = {}): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(
    p,
    JSON.stringify({
      deviceId: 'bbb-proc', apiUrl: 'http://127.0.0.1:9', deviceKey: 'k', queueDir: join(dir, `${name}-queue`), logLevel: 'debug',
      sampleIntervalMs: 100, queue: { fsyncIntervalMs: 1_000 }, uploadIntervalSeconds: 1, upload: { backoffBaseMs: 50, backoffMaxMs: 200 },
      sensors: [{ type: 'simulated', scenario: 'normal' }],
      ...extra,
    }),
  );
  return p;
}

describe('the agent as a process', () => {
  it('refuses a bad configuration with one JSON line and exit code 78', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ deviceId: 'x', apiUrl: 'http://example.org', deviceKey: 'k', queueDir: 'q', sensors: [{ type: 'simulated' }] }));
    const a = spawnAgent(node, bundle, bad);
    expect((await a.exited).code).toBe(78);
    const line = JSON.parse(a.other.join('').trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', msg: 'bad configuration' });
    expect(String(line.error)).toMatch(/plain http is only allowed to a loopback/);
  });

  it('reports every problem of a configuration at once, each with its path, on one JSON line, exit code 78', async () => {
    const bad = join(dir, 'bad-many.json');
    writeFileSync(bad, JSON.stringify({
      deviceId: 'bad id!', apiUrl: 'ftp://x', queueDir: 'q', queue: { fsyncIntervallMs: 1 }, upload: { batchSize: 0 },
      sensors: [{ type: 'flame' }, { type: 'adc', channel: 9, converter: 'tmp36' }],
    }));
    const a = spawnAgent(node, bundle, bad);
    expect((await a.exited).code).toBe(78);
    const lines = a.other.join('').trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { msg: string; error: string; problems: string[] };
    expect(line.msg).toBe('bad configuration');
    expect(line.problems).toEqual([
      'deviceId: 1 to 64 characters of A-Z a-z 0-9 _ - .',
      expect.stringMatching(/^queue: unknown setting "fsyncIntervallMs" \(known: /),
      'upload.batchSize: must be between 1 and 500',
      'sensors[0].pin: a GPIO number, a line name, GPIOb_n or a header pin like "P9_12"',
      'sensors[1].channel: must be between 0 and 7',
      'apiUrl: http(s) only',
      'deviceKey (or deviceKeyFile) is required: register the board with POST /v1/devices',
    ]);
    expect(line.error).toMatch(/^invalid configuration:\n {2}- deviceId: /);
  });

  it('checks a configuration without printing the key', async () => {
    const a = spawnAgent(node, bundle, writeConfig('check'), ['--check-config']);
    expect((await a.exited).code).toBe(0);
    const text = a.other.join('');
    expect(text).toContain('"deviceKey": "(set)"');
    expect(text).toContain('"batchSize": 200');
  });

  it('keeps sampling while the API is unreachable, and stops cleanly on SIGTERM: exit 0, queue synced, nothing lost', async () => {
    const cfg = writeConfig('term');
    const a = spawnAgent(node, bundle, cfg);
    await waitFor(() => a.count('sampled') >= 10 && a.count('upload failed (network); will retry') > 0, 15_000, 'samples and a failed upload');
    a.child.kill('SIGTERM');
    expect(await a.exited).toEqual({ code: 0, signal: null });
    const stopped = a.logs.find((l) => l.msg === 'agent stopped')!;
    expect(stopped.unsynced).toBe(0);
    expect(stopped.pending).toBe(a.count('sampled')); // nothing acknowledged, nothing lost
    expect(stopped.acked).toBe(0);
    expect(existsSync(join(dir, 'term-queue', '0000000000000001.seg'))).toBe(true);
    const stats = a.logs.filter((l) => l.msg === 'stats').pop()!;
    // Peak RSS of the whole process (host node); the board's figure is in device/README.md.
    expect(stats.maxRssKiB as number).toBeLessThan(150 * 1024);
  });

  it('with a RAM staging folder, a flame is on the disk (fsynced, with the quiet readings before it) before it is reported; kill -9 then loses nothing', async () => {
    const ram = join(dir, 'kill-ram');
    const queueDir = join(dir, 'kill-queue');
    const cfg = writeConfig('kill', {
      queueDir, queue: { fsyncIntervalMs: 60_000, stagingDir: ram }, uploadIntervalSeconds: 3600,
      sensors: [{ type: 'simulated', scenario: 'fire', startAfterMs: 1_500 }],
    });
    const a = spawnAgent(node, bundle, cfg);
    await waitFor(() => a.count('FLAME detected: sample synced and uploaded now') > 0, 15_000, 'a flame');
    const flameId = a.logs.find((l) => String(l.msg).startsWith('FLAME detected'))!.id as string;
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    // On the disk itself (what a power cut keeps): the flame reading and the quiet ones before it, committed with it.
    const disk: { id: string; flame?: boolean }[] = [];
    for (const f of readdirSync(queueDir).filter((x) => x.endsWith('.seg'))) {
      const buf = readFileSync(join(queueDir, f));
      const { validBytes } = scanRecords(buf);
      for (let off = 0; off < validBytes; off += HEADER_BYTES + buf.readUInt32LE(off)) {
        const s = decodeSample(buf.subarray(off + HEADER_BYTES, off + HEADER_BYTES + buf.readUInt32LE(off)))!;
        disk.push({ id: s.id, flame: s.m.flame });
      }
    }
    expect(disk.find((r) => r.id === flameId)?.flame).toBe(true);
    const sampled = a.logs.filter((l) => l.msg === 'sampled').map((l) => l.id as string);
    const quietBefore = sampled.slice(0, sampled.indexOf(flameId));
    expect(quietBefore.length).toBeGreaterThan(5);
    expect(disk.map((r) => r.id).slice(0, quietBefore.length)).toEqual(quietBefore);
    // Every sample taken is in the queue once the next start took the staging folder back: none lost, none twice.
    const q = DurableQueue.open({ dir: queueDir, stagingDir: ram, maxBytes: 64 << 20, segmentBytes: 1 << 20, log: createLogger('error') });
    q.sync();
    const ids = q.peek(100_000).map((r) => decodeSample(r.payload)!.id);
    q.close();
    expect(ids.slice(0, sampled.length)).toEqual(sampled);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('quiet readings staged in RAM are not on the disk yet, and a kill -9 does not lose them: the next start commits each once', async () => {
    const ram = join(dir, 'quiet-ram');
    const queueDir = join(dir, 'quiet-queue');
    const cfg = writeConfig('quiet', { queueDir, queue: { fsyncIntervalMs: 60_000, stagingDir: ram }, uploadIntervalSeconds: 3600 });
    const a = spawnAgent(node, bundle, cfg);
    await waitFor(() => a.count('sampled') >= 10, 15_000, 'samples');
    a.child.kill('SIGKILL');
    await a.exited;
    const sampled = a.logs.filter((l) => l.msg === 'sampled').map((l) => l.id as string);
    const segBytes = readdirSync(queueDir).filter((x) => x.endsWith('.seg')).reduce((n, f) => n + readFileSync(join(queueDir, f)).length, 0);
    expect(segBytes).toBe(0); // nothing written to the SD card between commits
    const b = spawnAgent(node, bundle, cfg);
    await waitFor(() => b.count('sampled') >= 1, 15_000, 'the next start');
    b.child.kill('SIGTERM'); // a clean stop commits what is staged
    expect((await b.exited).code).toBe(0);
    expect(b.logs.find((l) => String(l.msg).includes('staged readings of the previous run taken back'))?.staged).toBeGreaterThanOrEqual(sampled.length);
    const q = DurableQueue.open({ dir: queueDir, maxBytes: 64 << 20, segmentBytes: 1 << 20, log: createLogger('error') });
    const ids = q.peek(100_000).map((r) => decodeSample(r.payload)!.id);
    q.close();
    expect(ids.slice(0, sampled.length)).toEqual(sampled);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('exits non-zero (for systemd to restart it) when its event loop is stalled', async () => {
    const a = spawnAgent(node, bundle, writeConfig('stall', { watchdog: { stallMs: 1_000 } }));
    await waitFor(() => a.count('sampled') >= 3, 15_000, 'samples');
    a.child.kill('SIGSTOP'); // the whole process frozen, as by a hung SD card
    await sleep(2_500);
    a.child.kill('SIGCONT');
    expect((await a.exited).code).toBe(70);
    expect(a.logs.some((l) => String(l.msg).startsWith('watchdog:'))).toBe(true);
  });

  it('the watchdog catches an upload that never finishes (in process)', async () => {
    const cap = captureLog();
    const cfg = parseConfig(
      {
        deviceId: 'bbb-wd', apiUrl: 'http://127.0.0.1:9', deviceKey: 'k', queueDir: join(dir, 'wd-queue'),
        sampleIntervalMs: 100, queue: { fsyncIntervalMs: 100 }, uploadIntervalSeconds: 0.1, upload: { timeoutMs: 200 }, watchdog: { stallMs: 1_000 },
        sensors: [{ type: 'simulated' }],
      },
      dir,
    );
    const stalls: string[] = [];
    const agent = new Agent(cfg, {
      log: cap.log,
      clock: new FakeClock(Date.now()),
      post: () => new Promise<HttpResponse>(() => undefined), // ignores its own timeout: a bug the watchdog must catch
      onStall: (loop) => stalls.push(loop),
    });
    agent.start();
    try {
      await waitFor(() => stalls.length > 0, 5_000, 'the watchdog');
      expect(stalls).toEqual(['uploader']);
    } finally {
      await agent.stop(100);
    }
    expect(agent.queue.stats().unsynced).toBe(0);
  });
});
