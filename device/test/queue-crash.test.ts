import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { DurableQueue } from '../src/queue/queue.js';
import { bundleFixture } from './helpers/bundle.js';
import { tmpDir } from './helpers/tmp.js';

const dir = tmpDir();

/**
 * Runs the writer until it has synced at least `atLeast` records, then kill -9. Returns the highest
 * synced seq (with a staging folder: the highest appended one, which must survive the kill too).
 */
async function runAndKill(script: string, qdir: string, atLeast: number, stagingDir?: string): Promise<number> {
  const child = spawn(process.execPath, [script, qdir, '4096', ...(stagingDir ? [stagingDir] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let maxSynced = 0;
  let maxAppended = 0;
  let startSeq = 0;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const l of lines) {
        const [what, n] = l.split(' ');
        if (what === 'ready') startSeq = Number(n);
        if (what === 'synced') maxSynced = Math.max(maxSynced, Number(n));
        if (what === 'appended') maxAppended = Math.max(maxAppended, Number(n));
      }
      if (startSeq && maxSynced - startSeq >= atLeast) {
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited by itself: ${code}`))));
  });
  return stagingDir ? maxAppended : maxSynced;
}

for (const staged of [false, true]) {
  describe(`durable queue after kill -9 of a process that was appending${staged ? ', with a RAM staging folder (group commit)' : ''}`, () => {
    it(`keeps every ${staged ? 'appended' : 'synced'} record, in order, once, with nothing corrupt, round after round`, async () => {
      const script = await bundleFixture(join(import.meta.dirname, 'fixtures/queue-writer.ts'), dir);
      const qdir = join(dir, staged ? 'queue-staged' : 'queue');
      const stagingDir = staged ? join(dir, 'ram') : undefined;
      let acked = 0;
      for (let round = 0; round < 4; round++) {
        const kept = await runAndKill(script, qdir, 300 + round * 400, stagingDir);
        const lines: string[] = [];
        const q = DurableQueue.open({ dir: qdir, stagingDir, maxBytes: 64 << 20, segmentBytes: 4096, log: createLogger('debug', (l) => lines.push(l)) });
        q.sync(); // commits what the killed writer had staged
        const recs = q.peek(100_000, Number.MAX_SAFE_INTEGER);
        // Nothing corrupt inside a segment; at most a torn tail.
        expect(lines.filter((l) => l.includes('corrupt record'))).toEqual([]);
        expect(q.stats().droppedCorrupt).toBe(0);
        // Contiguous from the first unacknowledged one, each payload matching its sequence number (so none twice).
        expect(recs[0]!.seq).toBe(acked + 1);
        recs.forEach((r, k) => {
          expect(r.seq).toBe(acked + 1 + k);
          expect((JSON.parse(r.payload.toString()) as { seq: number }).seq).toBe(r.seq);
        });
        // Everything the writer had synced (and more: the page cache, and the RAM folder, survive a process kill) is there.
        expect(recs[recs.length - 1]!.seq).toBeGreaterThanOrEqual(kept);
        // Acknowledge about half, as an uploader would, then let the next round append again.
        const half = recs[Math.floor(recs.length / 2)]!;
        q.ack(half);
        acked = half.seq;
        q.close();
      }
    });
  });
}
