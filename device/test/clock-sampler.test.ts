import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BootAnchors, dateSample } from '../src/clock.js';
import type { HttpResponse } from '../src/http.js';
import { DurableQueue } from '../src/queue/queue.js';
import { decodeSample } from '../src/record.js';
import { Sampler, type SamplerSensor } from '../src/sampler.js';
import type { Measurements, Sensor } from '../src/sensors/types.js';
import { UlidFactory, ULID_RE } from '../src/ulid.js';
import { Uploader } from '../src/uploader.js';
import { Watchdog } from '../src/watchdog.js';
import { FakeClock, Y2000 } from './helpers/fake-clock.js';
import { captureLog } from './helpers/log.js';
import { tmpDir } from './helpers/tmp.js';
import { sleep, waitFor } from './helpers/wait.js';

const root = tmpDir();
let n = 0;
const NOW = Date.parse('2026-06-01T12:00:00Z');

class StubSensor implements Sensor {
  calls = 0;
  constructor(public name: string, public next: () => Promise<Measurements> | Measurements) {}
  async read(): Promise<Measurements> {
    this.calls++;
    return this.next();
  }
}

interface Posted {
  readings: { id: string; ts: string; [k: string]: unknown }[];
}

/** A sampler and an uploader on one queue folder, as one boot of the agent would have them. */
function boot(dir: string, clock: FakeClock, sensors: SamplerSensor[], posted: Posted[]) {
  const cap = captureLog();
  const queue = DurableQueue.open({ dir, maxBytes: 1 << 20, segmentBytes: 64 * 1024, log: cap.log, cursorFlushMs: 0 });
  const anchors = new BootAnchors(dir, cap.log);
  let urgent = 0;
  const sampler = new Sampler({ sensors, queue, clock, anchors, ulid: new UlidFactory(), log: cap.log, onUrgent: () => urgent++ });
  const post = async (_path: string, body: string): Promise<HttpResponse> => {
    const b = JSON.parse(body) as Posted;
    posted.push(b);
    return { status: 200, headers: {}, body: JSON.stringify({ accepted: b.readings.length, duplicates: 0, rejected: [] }) };
  };
  const up = new Uploader(
    { deviceId: 'd', deviceKey: 'k', batchSize: 100, maxBodyBytes: 200_000, timeoutMs: 1000, backoffBaseMs: 10, backoffMaxMs: 50, authRetryMs: 100, maxRetryAfterMs: 1000 },
    { queue, clock, anchors, log: cap.log, post },
  );
  return { queue, sampler, up, cap, urgent: () => urgent };
}

const co2 = (): SamplerSensor => ({ sensor: new StubSensor('co2', () => ({ co2: 600 })), timeoutMs: 500 });
const uploaders: Uploader[] = [];
afterEach(async () => {
  await Promise.all(uploaders.splice(0).map((u) => u.stop(50)));
});

describe('clock: samples taken before NTP sync', () => {
  it('are held (not sent as 2000-01-01) and get their real time once the clock jumps', async () => {
    const dir = join(root, `c${n++}`);
    const clock = new FakeClock(Y2000 + 30_000, 30_000); // booted 30 s ago, clock at 2000-01-01
    const posted: Posted[] = [];
    const b = boot(dir, clock, [co2()], posted);
    uploaders.push(b.up);
    const monoAt: number[] = [];
    for (let i = 0; i < 3; i++) {
      monoAt.push(clock.monoMs());
      const s = await b.sampler.sample();
      expect(s!.ts).toBeUndefined();
      expect(s!.boot).toBe('boot-a');
      expect(s!.id).toMatch(ULID_RE);
      clock.advance(10_000);
    }
    b.queue.sync();
    b.up.start();
    await sleep(150);
    expect(posted).toEqual([]); // nothing sent while the clock is wrong
    expect(b.cap.find('clock not trusted yet').length).toBe(1);

    // NTP syncs: the wall clock jumps to 2026, the monotonic clock goes on.
    clock.setWall(NOW);
    const monoNow = clock.monoMs();
    b.up.kick();
    await waitFor(() => posted.length > 0, 3_000, 'upload after the sync');
    const ts = posted[0]!.readings.map((r) => Date.parse(r.ts));
    expect(ts).toEqual(monoAt.map((m) => NOW - (monoNow - m)));
    // Samples taken after the sync carry their time directly.
    const after = await b.sampler.sample();
    expect(after!.ts).toBe(NOW);
  });

  it('survive a reboot when the clock had synced in their boot; are dropped loudly when it never did', async () => {
    const dir = join(root, `c${n++}`);
    const clock = new FakeClock(Y2000 + 20_000, 20_000);
    const posted: Posted[] = [];
    // Boot A: two samples held, then the clock syncs (anchor saved), then the board loses power before uploading.
    let b = boot(dir, clock, [co2()], posted);
    const heldA = [(await b.sampler.sample())!, (await b.sampler.sample())!];
    clock.advance(5_000);
    clock.setWall(NOW);
    const dated = (await b.sampler.sample())!; // trusted now: saves wall - mono for boot A
    expect(dated.ts).toBe(NOW);
    b.queue.close();

    // Boot B: the clock never syncs; one sample held; power lost again.
    clock.reboot();
    b = boot(dir, clock, [co2()], posted);
    const heldB = (await b.sampler.sample())!;
    b.queue.close();

    // Boot C: the clock syncs; what can be dated is sent, boot B's sample is dropped with a count.
    clock.reboot();
    clock.setWall(NOW + 3_600_000);
    b = boot(dir, clock, [co2()], posted);
    uploaders.push(b.up);
    await b.up.drain();
    const sent = posted.flatMap((p) => p.readings);
    expect(sent.map((r) => r.id)).toEqual([heldA[0]!.id, heldA[1]!.id, dated.id]);
    const offsetA = NOW - (20_000 + 5_000);
    expect(Date.parse(sent[0]!.ts)).toBe(heldA[0]!.mono! + offsetA);
    const dropped = b.cap.find('cannot be dated');
    expect(dropped.length).toBe(1);
    expect(dropped[0]).toMatchObject({ level: 'error', count: 1, ids: [heldB.id] });
    expect(b.queue.stats().pending).toBe(0);
  });

  it('dateSample: dated, held or undatable', () => {
    const anchors = { offsetFor: (boot: string) => (boot === 'old' ? 1_000_000 : undefined) };
    const now = { trusted: true, wall: 5_000_000, mono: 9_000, boot: 'cur' };
    expect(dateSample({ ts: 42 }, now, anchors)).toEqual({ kind: 'dated', ts: 42 });
    expect(dateSample({ mono: 8_000, boot: 'cur' }, now, anchors)).toEqual({ kind: 'dated', ts: 4_999_000 });
    expect(dateSample({ mono: 8_000, boot: 'cur' }, { ...now, trusted: false }, anchors)).toEqual({ kind: 'hold' });
    expect(dateSample({ mono: 500, boot: 'old' }, now, anchors)).toEqual({ kind: 'dated', ts: 1_000_500 });
    expect(dateSample({ mono: 500, boot: 'gone' }, now, anchors)).toEqual({ kind: 'undatable' });
  });
});

describe('sampler', () => {
  function sampler(sensors: SamplerSensor[]) {
    const dir = join(root, `s${n++}`);
    return boot(dir, new FakeClock(NOW), sensors, []);
  }
  const stored = (q: DurableQueue) => {
    q.sync();
    return q.peek(100).map((r) => decodeSample(r.payload)!);
  };

  it('leaves a failing sensor out of the sample, logs it, and tries it again next time', async () => {
    let fail = true;
    const flaky = new StubSensor('flaky', () => {
      if (fail) throw new Error('i2c timeout');
      return { temperature: 21.5 };
    });
    const b = sampler([co2(), { sensor: flaky, timeoutMs: 500 }]);
    expect((await b.sampler.sample())!.m).toEqual({ co2: 600 });
    expect(b.cap.find('sensor read failed')[0]).toMatchObject({ sensor: 'flaky', error: 'i2c timeout', consecutiveFailures: 1 });
    fail = false;
    expect((await b.sampler.sample())!.m).toEqual({ co2: 600, temperature: 21.5 });
    expect(flaky.calls).toBe(2);
    expect(b.cap.find('sensor reads again').length).toBe(1);
    expect(stored(b.queue).length).toBe(2);
  });

  it('does not queue a sample with no measurement at all', async () => {
    const b = sampler([{ sensor: new StubSensor('dead', () => Promise.reject(new Error('gone'))), timeoutMs: 100 }]);
    expect(await b.sampler.sample()).toBeNull();
    expect(b.cap.find('no measurement at all').length).toBe(1);
    expect(b.queue.stats().nextSeq).toBe(1);
  });

  it('does not wait for a hung sensor beyond its timeout, and skips it while its read is still running', async () => {
    const hung = new StubSensor('hung', () => new Promise<Measurements>(() => undefined));
    const b = sampler([co2(), { sensor: hung, timeoutMs: 100 }]);
    const t0 = Date.now();
    expect((await b.sampler.sample())!.m).toEqual({ co2: 600 });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect((await b.sampler.sample())!.m).toEqual({ co2: 600 });
    expect(hung.calls).toBe(1); // not piled up
    expect(String(b.cap.find('sensor read failed')[1]!.error)).toMatch(/still running/);
  });

  it('drops out-of-range values only (a bad temperature must not sink the flame), merges for safety', async () => {
    const b = sampler([
      { sensor: new StubSensor('a', () => ({ temperature: 180, co2: Number.NaN, smoke: 0.1, flame: false })), timeoutMs: 100 },
      { sensor: new StubSensor('b', () => ({ temperature: 22, smoke: 0.4, flame: true, humidity: 140 })), timeoutMs: 100 },
      { sensor: new StubSensor('c', () => ({ temperature: 30, co2: 700 })), timeoutMs: 100, fields: ['co2'] },
    ]);
    const s = (await b.sampler.sample())!;
    expect(s.m).toEqual({ temperature: 22, smoke: 0.4, flame: true, co2: 700 });
    expect(b.cap.find('out of the valid range').map((l) => l.field).sort()).toEqual(['co2', 'humidity', 'temperature']);
  });

  it('reports faults: a failed sensor makes its fields disconnected, a value out of range is flagged, and a board whose every sensor failed still queues readings with only faults', async () => {
    const dead = new StubSensor('dead', () => Promise.reject(new Error('gone')));
    (dead as { fields?: string[] }).fields = ['co2'];
    const wild = new StubSensor('wild', () => ({ temperature: 400, smoke: 0.1, faults: ['smoke:warming_up'] }));
    const b = sampler([{ sensor: dead, timeoutMs: 100 }, { sensor: wild, timeoutMs: 100 }]);
    await b.sampler.sample();
    expect(stored(b.queue).map((x) => ({ m: x.m, f: x.f }))).toEqual([{ m: { smoke: 0.1 }, f: ['co2:disconnected', 'smoke:warming_up', 'temperature:out_of_range'] }]);
    const c = sampler([{ sensor: dead, timeoutMs: 100, fields: ['co2'] }]);
    await c.sampler.sample();
    expect(stored(c.queue).map((x) => ({ m: x.m, f: x.f }))).toEqual([{ m: {}, f: ['co2:disconnected'] }]);
    expect(c.sampler.faultsBySensor).toEqual({ dead: ['co2:disconnected'] });
  });

  it('makes a flame urgent: synced at once and the uploader woken', async () => {
    let flame = false;
    const b = sampler([{ sensor: new StubSensor('f', () => ({ flame })), timeoutMs: 100 }]);
    await b.sampler.sample();
    expect(b.urgent()).toBe(0);
    expect(b.queue.unsyncedCount).toBe(1);
    flame = true;
    await b.sampler.sample('alarm');
    expect(b.urgent()).toBe(1);
    expect(b.queue.unsyncedCount).toBe(0);
    await b.sampler.sample();
    expect(b.urgent()).toBe(1); // still burning: no new urgency
    flame = false;
    await b.sampler.sample();
    expect(b.urgent()).toBe(2); // gone: said quickly too
  });
});

describe('watchdog', () => {
  it('fires when a loop misses its deadline, not before', () => {
    let mono = 0;
    const stalls: string[] = [];
    const cap = captureLog();
    const wd = new Watchdog(cap.log, () => mono, (name) => stalls.push(name));
    wd.expect('sampler', 1_000);
    wd.expect('uploader', 5_000);
    mono = 999;
    wd.check();
    expect(stalls).toEqual([]);
    wd.expect('sampler', 1_000); // the sampler came back in time
    mono = 1_500;
    wd.check();
    expect(stalls).toEqual([]);
    mono = 5_001;
    wd.check();
    expect(stalls).toEqual(['sampler']);
    expect(cap.find('watchdog')[0]).toMatchObject({ level: 'error', loop: 'sampler' });
  });
});
