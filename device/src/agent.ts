import { BootAnchors, SystemClock, type Clock } from './clock.js';
import type { AgentConfig } from './config.js';
import { createPoster, type PostFn } from './http.js';
import { errText, type Logger } from './log.js';
import { DurableQueue, readCursorFile } from './queue/queue.js';
import { isAlarming } from '../../src/domain/alerts/upload-urgency.js';
import { PolicyFile } from './policy.js';
import { decodeSample } from './record.js';
import { Sampler } from './sampler.js';
import { Stamper } from './stamp.js';
import { DROP_REASONS, noDrops, SampleStore, type Drops } from './store.js';
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
  readonly store: SampleStore;
  readonly stamper: Stamper;
  readonly policy: PolicyFile;
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
    // Counters survive restarts and crashes: they ride in the cursor file, which every upload rewrites anyway.
    const drops: Drops = noDrops();
    const saved = readCursorFile(cfg.queueDir);
    const savedDrops = (saved?.drops ?? {}) as Record<string, unknown>;
    for (const k of DROP_REASONS) if (typeof savedDrops[k] === 'number') drops[k] = savedDrops[k];
    this.policy = new PolicyFile(cfg.queueDir, log);
    const thresholds = () => this.policy.current.thresholds;
    this.queue = DurableQueue.open({
      dir: cfg.queueDir, maxBytes: cfg.queue.maxBytes, segmentBytes: cfg.queue.segmentBytes, log,
      // Group commit in RAM only when there is a commit interval (fsyncIntervalMs 0 writes every sample through).
      stagingDir: cfg.queue.fsyncIntervalMs > 0 ? cfg.queue.stagingDir : undefined,
      classify: (payload) => {
        const s = decodeSample(payload);
        return s && (s.m.flame === true || isAlarming(s.m, thresholds())) ? 'alarm' : 'quiet';
      },
      onThinned: (n) => {
        this.store.drop('queue_full', n);
        this.store.queueFullSeen = true;
      },
      meta: () => this.persisted(),
    });
    this.store = new SampleStore(this.queue, log, cfg.queue.memoryRecords, drops);
    this.stamper = new Stamper(this.clock, log);
    this.savedStatus = saved;
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
      {
        queue: this.queue, clock: this.clock, anchors, log, post, expect: (ms) => this.watchdog.expect('uploader', ms + cfg.watchdog.stallMs),
        store: this.store, stamper: this.stamper, flush: () => this.sync(),
        intervalMs: () => this.uploadIntervalMs(),
        phaseSeconds: () => this.policy.current.uploadPhaseSeconds,
        onPolicy: (p) => this.policy.update(p),
      },
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
      onFast: () => this.uploader.kick(false),
      store: this.store,
      stamper: this.stamper,
      thresholds,
    });
  }

  private readonly savedStatus: Record<string, unknown> | undefined;

  /** The upload interval while nothing is urgent: the config's when set, else the API's policy (300 s before the first answer). */
  uploadIntervalMs(): number {
    return this.cfg.uploadIntervalMs ?? this.policy.current.uploadIntervalSeconds * 1000;
  }

  /** What `status` shows and what must survive a crash (kept in the cursor file). */
  persisted(): Record<string, unknown> {
    const st = this.uploader?.stats;
    return {
      savedAt: new Date(this.stamper?.wall() ?? Date.now()).toISOString(),
      drops: this.store?.drops,
      clock: this.stamper ? { trusted: this.stamper.trusted(), ...this.stamper.state } : undefined,
      lastUpload: st?.last ?? this.savedStatus?.lastUpload,
      faults: this.sampler?.faultsBySensor,
      memory: this.store?.memory.length,
      diskFull: this.store?.diskFull,
      uploadIntervalSeconds: this.uploadIntervalMs() / 1000,
      uploadPhaseSeconds: this.policy?.current.uploadPhaseSeconds,
    };
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

  /** Uploads what can be sent, without sampling, then stops (`--drain`); returns how many readings are left. */
  async drain(): Promise<number> {
    this.deps.log.info('draining the queue', { pending: this.store.pending });
    const left = await this.uploader.drain();
    if (left === 0) this.deps.log.info('queue drained', { ...this.queue.stats() });
    else {
      this.deps.log.warn('drain finished with readings left (held until the clock is trusted, or the API unreachable)', {
        left, held: this.uploader.stats.state === 'holding', ...this.queue.stats(),
      });
    }
    return left;
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

  /** Commit what is staged and fsync the queue (at each upload, every fsyncIntervalMs, on stop). */
  sync(): void {
    try {
      this.store.sync();
      this.queue.persistCursor(false); // an ack that came just after the last cursor write
    } catch (err) {
      this.deps.log.error('queue: fsync failed', { error: errText(err) });
    }
    // The uploader posts at its interval, or at once when a sample is urgent.
  }

  logStats(): void {
    const ru = process.resourceUsage();
    const mem = process.memoryUsage();
    this.deps.log.info('stats', {
      queue: this.queue.stats(),
      upload: this.uploader.stats,
      drops: this.store.drops,
      memory: this.store.memory.length,
      clock: this.stamper.state,
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
    const lostInMemory = this.store.memory.length;
    if (lostInMemory) this.store.drop('disk_full', lostInMemory);
    this.queue.close();
    // Staged readings are committed by close (or, on a full disk, left in RAM for the next start): count them.
    const left = this.queue.stats().pending + lostInMemory;
    this.logStats();
    // The truth about what is left: on disk it goes at the next start; in memory (disk full) it is lost with the process.
    this.deps.log.info('agent stopped', { ...this.queue.stats(), left, inMemoryLost: lostInMemory || undefined });
  }
}
