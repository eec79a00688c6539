import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BootAnchors, type Clock } from '../src/clock.js';
import type { HttpResponse } from '../src/http.js';
import { DurableQueue } from '../src/queue/queue.js';
import { encodeSample } from '../src/record.js';
import { Stamper } from '../src/stamp.js';
import { UlidFactory } from '../src/ulid.js';
import { Uploader } from '../src/uploader.js';
import { ALIGN_DELAY_MS, quietAlignment, quietCut, waitsForNextPost } from '../src/upload-schedule.js';
import { captureLog } from './helpers/log.js';
import { tmpDir } from './helpers/tmp.js';

const S = 1_000;
const MIN = 60 * S;
const INTERVAL = 300 * S;
const PHASE_S = 137;
/** An aligned instant of PHASE_S and INTERVAL. */
const INSTANT = Date.parse('2026-11-20T10:02:17.000Z');

describe('the quiet schedule (pure)', () => {
  const a = quietAlignment(INTERVAL, PHASE_S)!;
  const rows: { what: string; wall: number; cutoff: number; next: number; waits: [number, boolean][] }[] = [
    {
      what: 'at the instant plus the delay: readings stamped before the instant go, later ones wait',
      wall: INSTANT + ALIGN_DELAY_MS, cutoff: INSTANT, next: INSTANT + INTERVAL + ALIGN_DELAY_MS,
      waits: [[INSTANT - 10 * S, false], [INSTANT - 1, false], [INSTANT, true], [INSTANT + 1_500, true]],
    },
    {
      what: 'a timer a little early (wall clock drift) still gets its instant',
      wall: INSTANT + ALIGN_DELAY_MS - 900, cutoff: INSTANT, next: INSTANT + INTERVAL + ALIGN_DELAY_MS,
      waits: [[INSTANT - 1, false]],
    },
    {
      what: 'just before the instant: the previous one, and the next post is only a little away (never a loop)',
      wall: INSTANT - 1, cutoff: INSTANT - INTERVAL, next: INSTANT + ALIGN_DELAY_MS,
      waits: [[INSTANT - 2, true], [INSTANT - INTERVAL - 1, false]],
    },
    {
      what: 'the clock jumped forward: everything stamped before the latest instant goes',
      wall: INSTANT + 3 * 3_600 * S + 7 * S, cutoff: INSTANT + 36 * INTERVAL, next: INSTANT + 37 * INTERVAL + ALIGN_DELAY_MS,
      waits: [[INSTANT + 10 * S, false], [INSTANT + 36 * INTERVAL + 3 * S, true]],
    },
    {
      what: 'the clock went back an hour: readings stamped "in the future" go, they do not wait for the clock to catch up',
      wall: INSTANT - 3_600 * S + ALIGN_DELAY_MS, cutoff: INSTANT - 12 * INTERVAL, next: INSTANT - 11 * INTERVAL + ALIGN_DELAY_MS,
      waits: [[INSTANT + 20 * S, false], [INSTANT - 12 * INTERVAL + 20 * S, true]],
    },
  ];
  it.each(rows)('$what', ({ wall, cutoff, next, waits }) => {
    const cut = quietCut(a, wall);
    expect(cut).toEqual({ cutoffMs: cutoff, nextPostMs: next });
    expect(cut.nextPostMs - wall).toBeGreaterThan(a.delayMs / 2);
    for (const [ts, expected] of waits) expect(waitsForNextPost(a, cut, ts), new Date(ts).toISOString()).toBe(expected);
  });

  it('no phase, or no usable interval: no alignment (every interval after the last post, as before)', () => {
    expect(quietAlignment(INTERVAL, undefined)).toBeUndefined();
    expect(quietAlignment(0, PHASE_S)).toBeUndefined();
    expect(quietAlignment(INTERVAL, Number.NaN)).toBeUndefined();
  });

  it('takes the phase within the interval in force (a config interval that divides the API one), with a delay under a tenth of it', () => {
    expect(quietAlignment(60 * S, PHASE_S)).toEqual({ intervalMs: 60 * S, phaseMs: 17 * S, delayMs: ALIGN_DELAY_MS });
    expect(quietAlignment(250, PHASE_S)).toEqual({ intervalMs: 250, phaseMs: 0, delayMs: 25 });
  });
});

/** A clock on vitest's fake timers: wall and monotonic move with them; `jump` moves the wall clock alone. */
class TimerClock implements Clock {
  offset = 0;
  private readonly start = Date.now();
  wallMs(): number {
    return Date.now() + this.offset;
  }
  monoMs(): number {
    return Date.now() - this.start + 100_000;
  }
  bootId(): string {
    return 'boot-a';
  }
  isWallTrusted(): boolean {
    return true;
  }
}

interface Post {
  wall: number;
  mono: number;
  ids: string[];
  ts: number[];
}

const root = tmpDir();
let n = 0;

/** A board: a sample every 10 s into a real queue, the uploader posting to a fake API that accepts all and answers with a policy. */
function board(phase: number | undefined, start: number, opts: { batchSize?: number; failFirst?: number; queued?: number } = {}) {
  vi.setSystemTime(start);
  const cap = captureLog();
  const dir = join(root, `s${n++}`);
  const queue = DurableQueue.open({ dir, maxBytes: 8 << 20, segmentBytes: 64 * 1024, log: cap.log, cursorFlushMs: 0 });
  const clock = new TimerClock();
  const stamper = new Stamper(clock, cap.log);
  const ulid = new UlidFactory();
  const sampled: { id: string; ts: number }[] = [];
  const posts: Post[] = [];
  let failures = opts.failFirst ?? 0;
  let gate: Promise<void> | undefined;
  const post = async (_path: string, body: string): Promise<HttpResponse> => {
    if (gate) await gate;
    if (failures > 0) {
      failures--;
      return { status: 503, headers: {}, body: '{"error":{"code":"unavailable"}}' };
    }
    const readings = (JSON.parse(body) as { readings: { id: string; ts: string }[] }).readings;
    posts.push({ wall: clock.wallMs(), mono: clock.monoMs(), ids: readings.map((r) => r.id), ts: readings.map((r) => Date.parse(r.ts)) });
    const policy = { uploadIntervalSeconds: INTERVAL / 1000, ...(phase !== undefined ? { uploadPhaseSeconds: phase } : {}) };
    return { status: 200, headers: {}, body: JSON.stringify({ accepted: readings.length, duplicates: 0, rejected: [], policy }) };
  };
  const up = new Uploader(
    { deviceId: 'bbb-align', deviceKey: 'k', batchSize: opts.batchSize ?? 200, maxBodyBytes: 240 * 1024, timeoutMs: 2_000, backoffBaseMs: 20, backoffMaxMs: 200, authRetryMs: 300, maxRetryAfterMs: 10_000 },
    {
      queue, clock, stamper, anchors: new BootAnchors(dir, cap.log), log: cap.log, post, flush: () => queue.sync(),
      intervalMs: () => INTERVAL, phaseSeconds: () => phase,
    },
  );
  const sample = (m: Record<string, unknown> = { co2: 500 }): string => {
    const ts = stamper.stamp();
    const id = ulid.next(ts);
    queue.append(encodeSample({ id, ts, m }));
    queue.sync();
    sampled.push({ id, ts });
    return id;
  };
  // What a restart finds queued (the previous run's readings, stamped before it stopped).
  for (let i = 0; i < (opts.queued ?? 0); i++) sample();
  const sampler = setInterval(() => sample(), 10 * S);
  up.start();
  return {
    up, clock, posts, sampled, sample,
    setFailures(n: number): void {
      failures = n;
    },
    /** The next posts wait (in flight) until the returned function is called. */
    holdPosts(): () => void {
      let open = (): void => undefined;
      gate = new Promise<void>((r) => (open = r));
      return () => {
        gate = undefined;
        open();
      };
    },
    async finish(): Promise<void> {
      clearInterval(sampler);
      up.kick(true); // what is left goes now
      await vi.advanceTimersByTimeAsync(S);
      const stopped = up.stop(100);
      await vi.advanceTimersByTimeAsync(200);
      await stopped;
      queue.close();
      // Every reading sampled was posted exactly once.
      const sent = posts.flatMap((p) => p.ids);
      expect(new Set(sent).size).toBe(sent.length);
      expect(sent.sort()).toEqual(sampled.map((s) => s.id).sort());
    },
  };
}

const aligned = (wall: number): boolean => (((wall - ALIGN_DELAY_MS - PHASE_S * S) % INTERVAL) + INTERVAL) % INTERVAL === 0;

describe('the uploader on the quiet schedule (fake timers, a real queue)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('quiet, with a phase: posts 2 s after each instant, each with the readings stamped since the last instant (one bucket\'s worth)', async () => {
    const b = board(PHASE_S, INSTANT + 1_456); // samples at 1.456 s past each 10 s: one falls between each instant and its post
    await vi.advanceTimersByTimeAsync(31 * MIN);
    expect(b.posts.length).toBe(6);
    for (const [i, p] of b.posts.entries()) {
      expect(aligned(p.wall), new Date(p.wall).toISOString()).toBe(true);
      const instant = p.wall - ALIGN_DELAY_MS;
      for (const ts of p.ts) expect(ts >= instant - INTERVAL && ts < instant).toBe(true);
      if (i > 0) expect(p.ts.length).toBe(30);
    }
    await b.finish();
  });

  it('no phase (an older server): every interval after the last post, everything queued in each, as before', async () => {
    const b = board(undefined, INSTANT + 3_456);
    await vi.advanceTimersByTimeAsync(31 * MIN);
    expect(b.posts.length).toBe(6);
    for (let i = 1; i < b.posts.length; i++) expect(b.posts[i]!.wall - b.posts[i - 1]!.wall).toBe(INTERVAL);
    for (const p of b.posts) expect(Math.max(...p.ts)).toBeGreaterThan(p.wall - 10 * S); // the newest reading went too
    await b.finish();
  });

  it('an alarm between two instants goes at once with everything queued, the fast cadence posts every sample, then quiet posts resume at the next instant', async () => {
    const b = board(PHASE_S, INSTANT + 3_456);
    await vi.advanceTimersByTimeAsync(INTERVAL + 95 * S); // past the first instant, 95 s into the interval
    const before = b.posts.length;
    const alarm = b.sample({ co2: 500, flame: true });
    b.up.kick(true); // what the sampler does for a reading that would raise an alert
    await vi.advanceTimersByTimeAsync(1);
    expect(b.posts.length).toBe(before + 1);
    const urgent = b.posts[before]!;
    expect(urgent.ids).toContain(alarm);
    expect(aligned(urgent.wall)).toBe(false);
    expect(urgent.ts.length).toBeGreaterThan(9); // the quiet readings of the open interval went with it
    // Fast cadence for a minute: the sampler kicks after every sample.
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersByTimeAsync(10 * S - 1);
      b.sample({ co2: 500, flame: true });
      b.up.kick(false);
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(b.posts.length).toBe(before + 7);
    // Quiet again: the next posts are at the instants.
    await vi.advanceTimersByTimeAsync(11 * MIN);
    const after = b.posts.slice(before + 7);
    expect(after.length).toBeGreaterThanOrEqual(2);
    for (const p of after) expect(aligned(p.wall), new Date(p.wall).toISOString()).toBe(true);
    await b.finish();
  });

  it('an alarm behind more than a batch, its first post refused: retried and sent at once, never held for an instant', async () => {
    const b = board(PHASE_S, INSTANT + 3_456, { batchSize: 4 });
    await vi.advanceTimersByTimeAsync(INTERVAL + 150 * S); // the quiet readings of the open interval queued
    const before = b.posts.length;
    const pending = b.sampled.length - b.posts.flatMap((p) => p.ids).length;
    expect(pending).toBeGreaterThan(8);
    b.setFailures(2);
    const alarm = b.sample({ co2: 500, flame: true });
    b.up.kick(true);
    await vi.advanceTimersByTimeAsync(2 * S); // the backoff is at most 200 ms a try
    const after = b.posts.slice(before);
    expect(after.flatMap((p) => p.ids)).toContain(alarm);
    expect(after.length).toBe(Math.ceil((pending + 1) / 4)); // everything queued, in batches of 4, back to back
    expect(after.flatMap((p) => p.ids).length).toBe(pending + 1);
    expect(after.every((p) => p.wall - after[0]!.wall < 2 * S)).toBe(true);
    await b.finish();
  });

  it('a restart: what it finds queued goes at once, then the quiet posts are aligned', async () => {
    const b = board(PHASE_S, INSTANT + 3_456, { queued: 12 });
    await vi.advanceTimersByTimeAsync(1);
    expect(b.posts.length).toBe(1);
    expect(b.posts[0]!.ids.length).toBe(12);
    expect(b.posts[0]!.wall - (INSTANT + 3_456)).toBeLessThan(S);
    await vi.advanceTimersByTimeAsync(11 * MIN);
    expect(b.posts.length).toBe(3);
    for (const p of b.posts.slice(1)) expect(aligned(p.wall)).toBe(true);
    await b.finish();
  });

  it('an alarm while a quiet post is in flight goes right after it, not at the next instant', async () => {
    const b = board(PHASE_S, INSTANT + 3_456);
    await vi.advanceTimersByTimeAsync(INTERVAL - 3_456 + ALIGN_DELAY_MS - 1); // just before the first quiet post
    const open = b.holdPosts();
    await vi.advanceTimersByTimeAsync(2); // the quiet post is in flight
    const alarm = b.sample({ co2: 500, flame: true });
    b.up.kick(true);
    open();
    await vi.advanceTimersByTimeAsync(1);
    expect(b.posts.length).toBe(2);
    expect(b.posts[0]!.ids).not.toContain(alarm);
    expect(b.posts[1]!.ids).toContain(alarm);
    expect(b.posts[1]!.wall - b.posts[0]!.wall).toBeLessThan(S);
    await b.finish();
  });

  it.each([
    ['forward an hour', 3_600 * S + 7 * S],
    ['back an hour', -3_600 * S],
    ['back 100 s', -100 * S],
    ['back two intervals and a bit', -2 * INTERVAL - 40 * S],
  ])('the wall clock jumps %s between two posts: uploads go on at about the interval, no burst, nothing lost or doubled', async (_what, jump) => {
    const b = board(PHASE_S, INSTANT + 3_456);
    await vi.advanceTimersByTimeAsync(INTERVAL + 130 * S);
    const before = b.posts.length;
    b.clock.offset += jump;
    await vi.advanceTimersByTimeAsync(30 * MIN);
    const after = b.posts.slice(before);
    // About one post per interval (a late one at most, never a stop): 6 in 30 minutes, give or take the jump's post.
    expect(after.length).toBeGreaterThanOrEqual(5);
    expect(after.length).toBeLessThanOrEqual(8);
    for (let i = 1; i < after.length; i++) expect(after[i]!.mono - after[i - 1]!.mono).toBeGreaterThan(ALIGN_DELAY_MS / 2);
    // What is still queued is at most the last two intervals' readings.
    const sent = new Set(b.posts.flatMap((p) => p.ids));
    expect(b.sampled.filter((s) => !sent.has(s.id)).length).toBeLessThanOrEqual(2 * 30 + 1);
    await b.finish();
  });
});
