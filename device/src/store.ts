import { errText, type Logger } from './log.js';
import { QueueFullError, type DurableQueue, type QueuedRecord } from './queue/queue.js';
import { encodeSample, type StoredSample } from './record.js';

/** Why a reading was given up; every drop is counted by its reason (and shown by `status`). */
export const DROP_REASONS = ['queue_full', 'disk_full', 'rejected', 'undatable', 'corrupt', 'clock'] as const;
export type DropReason = (typeof DROP_REASONS)[number];
export type Drops = Record<DropReason, number>;

export const noDrops = (): Drops => ({ queue_full: 0, disk_full: 0, rejected: 0, undatable: 0, corrupt: 0, clock: 0 });

export interface MemorySample {
  sample: StoredSample;
  alarm: boolean;
}

/**
 * Where samples go: the durable queue, or, while the disk is full (ENOSPC),
 * a bounded buffer in memory. What is on disk is never touched because of a
 * full disk; the buffer goes back to the disk, in order, as soon as a write
 * succeeds again. When the buffer itself is full its oldest quiet sample
 * goes (counted as disk_full); alarm samples are the last to go.
 */
export class SampleStore {
  readonly memory: MemorySample[] = [];
  diskFull = false;
  /** The queue had to thin quiet readings (or refuse one) since the last sample. */
  queueFullSeen = false;
  readonly drops: Drops;

  constructor(
    readonly queue: DurableQueue,
    private readonly log: Logger,
    private readonly maxMemory = 2_000,
    drops?: Drops,
  ) {
    this.drops = drops ?? noDrops();
  }

  drop(reason: DropReason, n = 1): void {
    this.drops[reason] += n;
  }

  /** Appends a sample; returns where it went. Throws only on unexpected disk errors. */
  add(sample: StoredSample, alarm: boolean): 'disk' | 'memory' | 'dropped' {
    if (this.memory.length > 0 && !this.flushMemory()) return this.toMemory(sample, alarm);
    try {
      this.queue.append(encodeSample(sample));
      if (this.diskFull) {
        this.diskFull = false;
        this.log.info('disk has room again: sampling to the queue on disk');
      }
      return 'disk';
    } catch (err) {
      if (err instanceof QueueFullError) {
        this.drop('queue_full');
        this.queueFullSeen = true;
        this.log.warn('queue full of alarm readings: a quiet reading was dropped', { id: sample.id, dropped: this.drops.queue_full });
        return 'dropped';
      }
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      if (!this.diskFull) {
        this.diskFull = true;
        this.log.error('disk full (ENOSPC): readings on disk are kept, new ones wait in memory and are sent from there', {
          pendingOnDisk: this.queue.pendingSynced, error: errText(err),
        });
      }
      return this.toMemory(sample, alarm);
    }
  }

  private toMemory(sample: StoredSample, alarm: boolean): 'memory' | 'dropped' {
    this.diskFull = true;
    this.memory.push({ sample, alarm });
    if (this.memory.length > this.maxMemory) {
      const i = this.memory.findIndex((x) => !x.alarm);
      const [removed] = this.memory.splice(i >= 0 ? i : 0, 1);
      this.drop('disk_full');
      return removed?.sample === sample ? 'dropped' : 'memory';
    }
    return 'memory';
  }

  /** Moves the memory buffer to the disk, oldest first; false while the disk is still full. */
  private flushMemory(): boolean {
    while (this.memory.length > 0) {
      const m = this.memory[0]!;
      try {
        this.queue.append(encodeSample(m.sample));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return false;
        if (err instanceof QueueFullError) {
          this.drop('queue_full');
          this.queueFullSeen = true;
        } else {
          throw err;
        }
      }
      this.memory.shift();
    }
    this.log.info('disk has room again: readings kept in memory are back in the queue on disk');
    return true;
  }

  /** The server has these (by id): they leave the memory buffer. */
  acknowledgeMemory(ids: ReadonlySet<string>): void {
    for (let i = this.memory.length - 1; i >= 0; i--) if (ids.has(this.memory[i]!.sample.id)) this.memory.splice(i, 1);
  }

  get pending(): number {
    return this.queue.pendingSynced + this.memory.length;
  }
}

export type { QueuedRecord };
