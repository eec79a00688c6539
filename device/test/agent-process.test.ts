import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Agent } from '../src/agent.js';
import { parseConfig } from '../src/config.js';
import type { HttpResponse } from '../src/http.js';
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
