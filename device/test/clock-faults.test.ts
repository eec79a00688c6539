import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BootAnchors } from '../src/clock.js';
import type { HttpResponse } from '../src/http.js';
import { DurableQueue } from '../src/queue/queue.js';
import { decodeSample } from '../src/record.js';
import { Stamper } from '../src/stamp.js';
import { SampleStore } from '../src/store.js';
import { Uploader } from '../src/uploader.js';
import { FakeClock } from './helpers/fake-clock.js';
import { captureLog } from './helpers/log.js';
import { tmpDir } from './helpers/tmp.js';

const root = tmpDir();
let n = 0;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const OPTS = { deviceId: 'd', deviceKey: 'k', batchSize: 100, maxBodyBytes: 200_000, timeoutMs: 1000, backoffBaseMs: 10, backoffMaxMs: 50, authRetryMs: 100, maxRetryAfterMs: 1000 };

describe('stamps never go backwards', () => {
  it('absorbs a backward step of the wall clock (monotonic stamps at half speed until it catches up), takes a forward step as it is', () => {
    const clock = new FakeClock(NOW);
    const cap = captureLog();
    const st = new Stamper(clock, cap.log);
    const stamps: number[] = [];
    for (let i = 0; i < 3; i++) {
      stamps.push(st.stamp());
      clock.advance(10_000);
    }
    clock.setWall(clock.wall - 180_000); // stepped back 3 minutes
    for (let i = 0; i < 40; i++) {
      stamps.push(st.stamp());
      clock.advance(10_000);
    }
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]!).toBeGreaterThan(stamps[i - 1]!);
    expect(stamps[3]! - stamps[2]!).toBe(5_000); // half speed while absorbing
    expect(cap.find('stepped back').length).toBe(1);
    expect(st.state.stepsBack).toBe(1);
    // Caught up after twice the step: stamps follow the wall clock again.
    expect(st.state.absorbing).toBe(false);
    expect(stamps[stamps.length - 1]).toBe(clock.wall - 10_000);
    expect(cap.find('caught up').length).toBe(1);
    clock.setWall(clock.wall + 3_600_000); // forward step: taken at once
    expect(st.stamp()).toBe(clock.wall);
  });

  it('corrects by the API clock when they disagree by more than a minute, and stops once they agree again', () => {
    const clock = new FakeClock(NOW + 6 * 60_000); // 6 minutes fast
    const cap = captureLog();
    const st = new Stamper(clock, cap.log);
    st.stamp();
    expect(st.observeServer(NOW - 500, clock.wall)).toBe(true);
    expect(st.state.correctionMs).toBe(-6 * 60_000);
    expect(st.stamp()).toBe(NOW); // a deliberate step back is allowed once
    expect(cap.find('disagrees with the API').length).toBe(1);
    expect(st.observeServer(NOW - 500 + 1000, clock.wall + 1000)).toBe(false); // same offset: no new log line
    expect(cap.find('disagrees with the API').length).toBe(1);
    // Once correcting, a smaller offset above 30 s is followed...
    expect(st.observeServer(NOW - 500, NOW + 45_000)).toBe(true);
    expect(st.state.correctionMs).toBe(-45_000);
    clock.setWall(NOW + 1_000); // NTP fixed it
    expect(st.observeServer(NOW - 500, clock.wall)).toBe(true);
    expect(st.state.correctionMs).toBe(0);
  });
});

/** A fake API that refuses readings more than 5 minutes ahead of its clock (as the contract says) and sends a Date header. */
function apiWithClock(serverNow: () => number) {
  const stored = new Map<string, { ts: string; faults?: string[] }>();
  const post = async (_p: string, body: string): Promise<HttpResponse> => {
    const b = JSON.parse(body) as { readings: { id: string; ts: string; faults?: string[] }[] };
    const rejected: unknown[] = [];
    let accepted = 0;
    b.readings.forEach((r, index) => {
      if (Date.parse(r.ts) > serverNow() + 5 * 60_000) rejected.push({ index, errors: [{ path: 'ts', message: "must be at most 5 minutes ahead of the server's clock" }] });
      else if (!stored.has(r.id)) {
        stored.set(r.id, r);
        accepted++;
      }
    });
    return { status: 200, headers: { date: new Date(serverNow()).toUTCString() }, body: JSON.stringify({ accepted, duplicates: 0, rejected }) };
  };
  return { post, stored };
}

describe('a clock 6 minutes fast', () => {
  it('readings refused for their time are re-dated from the API clock and sent again, none dropped', async () => {
    const dir = join(root, `c${n++}`);
    const cap = captureLog();
    const clock = new FakeClock(NOW + 6 * 60_000);
    const queue = DurableQueue.open({ dir, maxBytes: 1 << 20, segmentBytes: 64 * 1024, log: cap.log, cursorFlushMs: 0 });
    const stamper = new Stamper(clock, cap.log);
    const store = new SampleStore(queue, cap.log);
    const api = apiWithClock(() => clock.wall - 6 * 60_000);
    for (let i = 0; i < 5; i++) {
      store.add({ id: `r${i}`, ts: stamper.stamp(), m: { flame: i === 4 } }, i === 4);
      clock.advance(1_000);
    }
    queue.sync();
    const up = new Uploader(OPTS, { queue, clock, anchors: new BootAnchors(dir, cap.log), log: cap.log, post: api.post, store, stamper, flush: () => queue.sync() });
    expect(await up.drain()).toBe(0);
    expect([...api.stored.keys()].sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    // Their real time (the API's clock at sampling, within the Date header's second), with the clock fault.
    for (let i = 0; i < 5; i++) {
      const r = api.stored.get(`r${i}`)!;
      expect(Math.abs(Date.parse(r.ts) - (NOW + i * 1_000))).toBeLessThanOrEqual(1_000);
      expect(r.faults).toContain('agent:clock');
    }
    expect(store.drops.clock + store.drops.rejected).toBe(0);
    expect(up.stats.redated).toBe(5);
    expect(cap.find('re-dated').length).toBe(1);
    await up.stop(50);
    queue.close();
  });
});

const isRoot = process.getuid?.() === 0;
describe('a full disk', () => {
  const mnt = join(root, 'tmpfs');
  afterAll(() => {
    if (isRoot) {
      try {
        execFileSync('umount', [mnt]);
      } catch {
        /* not mounted */
      }
    }
  });
  it('keeps every unacknowledged reading on disk, samples into memory, sends from there, and goes back to the disk', async () => {
    if (!isRoot) {
      console.log('SKIPPED: a full disk needs a small tmpfs, which needs root');
      return;
    }
    mkdirSync(mnt, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
    const dir = join(mnt, 'queue');
    const cap = captureLog();
    const clock = new FakeClock(NOW);
    const queue = DurableQueue.open({ dir, maxBytes: 1 << 20, segmentBytes: 4096, log: cap.log, cursorFlushMs: 0 });
    const store = new SampleStore(queue, cap.log);
    // Fill the file system beside the queue.
    writeFileSync(join(mnt, 'ballast'), Buffer.alloc(40 * 1024));
    let i = 0;
    const where: string[] = [];
    while (!store.diskFull && i < 2000) where.push(store.add({ id: `s${i++}`, ts: clock.wall + i, m: { co2: 600, pad: 'x'.repeat(100) } as never }, false));
    expect(store.diskFull).toBe(true);
    const onDisk = where.filter((w) => w === 'disk').length;
    expect(onDisk).toBeGreaterThan(10);
    expect(cap.find('disk full (ENOSPC)').length).toBe(1);
    store.add({ id: `s${i++}`, ts: clock.wall + i, m: { flame: true } }, true);
    expect(store.memory.length).toBe(2);
    queue.sync();
    // The upload sends the disk's readings and then memory's, flame included.
    const got: string[] = [];
    const post = async (_p: string, body: string): Promise<HttpResponse> => {
      const b = JSON.parse(body) as { readings: { id: string }[] };
      got.push(...b.readings.map((r) => r.id));
      return { status: 200, headers: {}, body: JSON.stringify({ accepted: b.readings.length, duplicates: 0, rejected: [] }) };
    };
    const up = new Uploader(OPTS, { queue, clock, anchors: new BootAnchors(dir, cap.log), log: cap.log, post, store, flush: () => queue.sync() });
    expect(await up.drain()).toBe(0);
    expect(got).toEqual(Array.from({ length: i }, (_, k) => `s${k}`));
    expect(store.memory.length).toBe(0);
    expect(store.drops.disk_full).toBe(0);
    // Space again (segments deleted after the acks, ballast gone): the next sample goes to the disk.
    execFileSync('rm', [join(mnt, 'ballast')]);
    expect(store.add({ id: 'after', ts: clock.wall + 10_000, m: { co2: 600 } }, false)).toBe('disk');
    expect(store.diskFull).toBe(false);
    queue.sync();
    expect(queue.peek(10).map((r) => decodeSample(r.payload)!.id)).toEqual(['after']);
    await up.stop(50);
    queue.close();
  });
});
