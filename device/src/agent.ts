import { BootAnchors, SystemClock, type Clock } from './clock.js';
import type { AgentConfig } from './config.js';
import { createPoster, type PostFn } from './http.js';
import { errText, type Logger } from './log.js';
import { DurableQueue } from './queue/queue.js';
import { Sampler } from './sampler.js';
import { createSensor } from './sensors/index.js';
import type { Sensor } from './sensors/types.js';
import { UlidFactory } from './ulid.js';
import { Uploader } from './uploader.js';
import { Watchdog } from './watchdog.js';

export const EXIT_STALLED = 70;

export interface AgentDeps {
  log: Logger;
  clock?: Clock;
  /** Replaces the HTTP client (tests). */
  post?: PostFn;
  /** Replaces the drivers built from the config (tests). */
  sensors?: Sensor[];
  /** What to do when the watchdog fires (default: exit 70). */
  onStall?: (loop: string) => void;
}

/**
 * The whole agent: sampler -> durable queue -> uploader, plus the fsync
 * timer, the watchdog and periodic stats.
 */
export class Agent {
  readonly clock: Clock;
  readonly queue: DurableQueue;
  readonly uploader: Uploader;
  readonly sampler: Sampler;
  private readonly sensors: Sensor[];
  private readonly watchdog: Watchdog;
  private readonly closePoster: () => void;
  private sampleTimer: NodeJS.Timeout | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private sampling: Promise<unknown> | undefined;
  private alarmQueued = false;
  private stopped = false;
  private nextSampleAt = 0;

  constructor(private readonly cfg: AgentConfig, private readonly deps: AgentDeps) {
    const log = deps.log;
    this.clock =
      deps.clock ??
      new SystemClock({
        minValidMs: cfg.clock.minValidTime ? Date.parse(cfg.clock.minValidTime) : undefined,
        syncFlagFile: cfg.clock.requireSync ? cfg.clock.syncFlagFile : undefined,
        bootIdFile: cfg.clock.bootIdFile,
        testWallOffsetFile: cfg.clock.testWallOffsetFile,
      });
    this.queue = DurableQueue.open({ dir: cfg.queueDir, maxBytes: cfg.queue.maxBytes, segmentBytes: cfg.queue.segmentBytes, log });
    const anchors = new BootAnchors(cfg.queueDir, log);
    let post = deps.post;
    if (post) {
      this.closePoster = () => undefined;
    } else {
      const poster = createPoster(cfg.apiUrl, { timeoutMs: cfg.upload.timeoutMs, caFile: cfg.caFile });
      post = poster.post;
      this.closePoster = poster.close;
    }
    const stallMs = cfg.watchdog.stallMs;
    // Real elapsed time, whatever clock the rest of the agent was given.
    this.watchdog = new Watchdog(
      log,
      () => performance.now(),
      deps.onStall ?? (() => process.exit(EXIT_STALLED)),
      Math.min(5_000, Math.max(100, stallMs / 2)),
      stallMs,
    );
    this.uploader = new Uploader(
      { deviceId: cfg.deviceId, deviceKey: cfg.deviceKey, ...cfg.upload },
      { queue: this.queue, clock: this.clock, anchors, log, post, expect: (ms) => this.watchdog.expect('uploader', ms + cfg.watchdog.stallMs) },
    );
    this.sensors = deps.sensors ?? cfg.sensors.map((s) => createSensor(s, this.clock, log));
    this.sampler = new Sampler({
      sensors: this.sensors.map((sensor, i) => ({ sensor, fields: cfg.sensors[i]?.fields, timeoutMs: cfg.sensors[i]?.timeoutMs ?? 3_000 })),
      queue: this.queue,
      clock: this.clock,
      anchors,
      ulid: new UlidFactory(),
      log,
      onUrgent: () => this.uploader.kick(true),
    });
  }

  /** Samples, syncs and uploads until stop(). */
  start(): void {
    const { log } = this.deps;
    log.info('agent starting', {
      deviceId: this.cfg.deviceId, apiUrl: this.cfg.apiUrl, sensors: this.sensors.map((s) => s.name),
      sampleIntervalMs: this.cfg.sampleIntervalMs, clockTrusted: this.clock.isWallTrusted(), node: process.version, arch: process.arch,
    });
    for (const s of this.sensors) s.start?.(() => this.alarm());
    this.watchdog.start();
    this.nextSampleAt = this.clock.monoMs();
    this.scheduleSample(0);
    if (this.cfg.queue.fsyncIntervalMs > 0) this.syncTimer = setInterval(() => this.sync(), this.cfg.queue.fsyncIntervalMs);
    this.statsTimer = setInterval(() => this.logStats(), this.cfg.statsIntervalMs);
    this.uploader.start();
  }

  /** Uploads what is queued, without sampling, then stops (`--drain`). */
  async drain(): Promise<void> {
    this.deps.log.info('draining the queue', { pending: this.queue.stats().pending });
    await this.uploader.drain();
    this.deps.log.info('queue drained', { ...this.queue.stats() });
  }

  private scheduleSample(delay: number): void {
    if (this.stopped) return;
    this.watchdog.expect('sampler', delay + this.maxSensorTimeout() + this.cfg.watchdog.stallMs);
    this.sampleTimer = setTimeout(() => {
      this.sampleTimer = undefined;
      void this.runSample('timer').then(() => {
        // Fixed rate, not fixed delay; after a long stall, start again from now.
        const now = this.clock.monoMs();
        this.nextSampleAt += this.cfg.sampleIntervalMs;
        if (this.nextSampleAt < now) this.nextSampleAt = now + this.cfg.sampleIntervalMs;
        this.scheduleSample(this.nextSampleAt - now);
      });
    }, delay);
  }

  private maxSensorTimeout(): number {
    return Math.max(3_000, ...this.cfg.sensors.map((s) => s.timeoutMs));
  }

  /** A sensor saw something that must not wait for the timer (a flame). */
  private alarm(): void {
    if (this.stopped) return;
    if (this.sampling) {
      this.alarmQueued = true;
      return;
    }
    void this.runSample('alarm');
  }

  private async runSample(reason: 'timer' | 'alarm'): Promise<void> {
    while (this.sampling) await this.sampling;
    if (this.stopped) return;
    const p = this.sampler.sample(reason).catch((err) => {
      this.deps.log.error('sample could not be stored (disk?)', { error: errText(err) });
    });
    this.sampling = p;
    try {
      await p;
    } finally {
      this.sampling = undefined;
    }
    if (this.cfg.queue.fsyncIntervalMs === 0) this.sync();
    if (this.alarmQueued) {
      this.alarmQueued = false;
      void this.runSample('alarm');
    }
  }

  /** fsync the queue and tell the uploader there is something new. */
  sync(): void {
    const before = this.queue.unsyncedCount;
    try {
      this.queue.sync();
      this.queue.persistCursor(false); // an ack that came just after the last cursor write
    } catch (err) {
      this.deps.log.error('queue: fsync failed', { error: errText(err) });
      return;
    }
    if (before > 0) this.uploader.kick();
  }

  logStats(): void {
    const ru = process.resourceUsage();
    const mem = process.memoryUsage();
    this.deps.log.info('stats', {
      queue: this.queue.stats(),
      upload: this.uploader.stats,
      samples: { taken: this.sampler.taken, empty: this.sampler.empty },
      maxRssKiB: ru.maxRSS,
      rssKiB: Math.round(mem.rss / 1024),
      heapTotalKiB: Math.round(mem.heapTotal / 1024),
      heapUsedKiB: Math.round(mem.heapUsed / 1024),
      externalKiB: Math.round(mem.external / 1024),
      clockTrusted: this.clock.isWallTrusted(),
    });
  }

  /** Clean shutdown: stop sampling, finish (or abandon) the upload in flight, fsync, save the cursor. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.sampleTimer) clearTimeout(this.sampleTimer);
    if (this.syncTimer) clearInterval(this.syncTimer);
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.watchdog.stop();
    for (const s of this.sensors) {
      try {
        await s.close?.();
      } catch {
        /* closing anyway */
      }
    }
    if (this.sampling) await Promise.race([this.sampling, new Promise((r) => setTimeout(r, graceMs).unref())]);
    await this.uploader.stop(graceMs);
    this.closePoster();
    this.queue.close();
    this.logStats();
    this.deps.log.info('agent stopped', { ...this.queue.stats() });
  }
}
