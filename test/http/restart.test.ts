import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, ApiClient, isoNow } from '../helpers/local-stack.js';
import { spawnStack } from '../helpers/stack-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'fire-co2-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the local stack as a process', () => {
  it('stopped with SIGTERM under load and started again keeps every reading it answered 200 for', async () => {
    const first = await spawnStack(dataDir);
    const api = new ApiClient(first.url, ADMIN_TOKEN);
    const key = await api.registerDevice('restart-1');
    const acknowledged = new Set<string>();
    let sent = 0;
    let stopLoad = false;
    const worker = async (w: number) => {
      for (let n = 0; !stopLoad && n < 10_000; n++) {
        const readings = Array.from({ length: 10 }, (_, i) => ({ id: `w${w}-${n}-${i}`, ts: isoNow(-((n * 10 + i) % 3_000_000)), co2: 400 + i }));
        sent++;
        try {
          const answer = await api.post('restart-1', key, readings);
          if (answer.status === 200) for (const r of readings) acknowledged.add(r.id);
        } catch {
          return; // the server went away: what it did not answer is not acknowledged
        }
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(worker));
    await new Promise((r) => setTimeout(r, 800));
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    stopLoad = true;
    await load;
    expect(first.output()).toContain('SIGTERM');
    expect(acknowledged.size).toBeGreaterThan(0);

    const second = await spawnStack(dataDir);
    try {
      const again = new ApiClient(second.url, ADMIN_TOKEN);
      const stored = new Set((await again.allReadings('restart-1')).map((r) => r.id as string));
      const lost = [...acknowledged].filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      expect(sent).toBeGreaterThan(acknowledged.size / 10 - 1);
      // The key still works after the restart.
      expect((await again.post('restart-1', key, [{ ts: isoNow(), co2: 500 }])).status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  it('refuses to start on a DATA_DIR another stack holds, with a clear message', async () => {
    const holder = await spawnStack(dataDir);
    try {
      await expect(spawnStack(dataDir)).rejects.toThrow(/DATA_DIR .* is in use by another local stack \(pid \d+\)/);
    } finally {
      holder.child.kill('SIGTERM');
      await holder.exited;
    }
  });

  it('refuses a bad configuration naming every problem', async () => {
    await expect(spawnStack(dataDir, { PORT: 'eighty', RETENTION_DAYS: '0', THRESHOLDS: '{"co2":{"clear":5000}}' })).rejects.toThrow(
      /PORT must be a whole number[\s\S]*RETENTION_DAYS must be a whole number[\s\S]*THRESHOLDS.co2.clear/,
    );
  });
});
