import { errText, type Logger } from './log.js';
import { QueueFullError, type DurableQueue, type QueuedRecord } from './queue/queue.js';
import { decodeSample, encodeSample, type StoredSample } from './record.js';

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
    if (this.diskFull) return this.addWhileDiskFull(sample, alarm);
    try {
      // An alarm reading goes to the segment at once (the caller fsyncs it); quiet ones may wait in RAM for the group commit.
      this.queue.append(encodeSample(sample), { stage: !alarm });
      return 'disk';
    } catch (err) {
      if (err instanceof QueueFullError) {
        this.refused(sample);
        return 'dropped';
      }
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      this.diskFullSeen(err, 0);
      return this.toMemory(sample, alarm);
    }
  }

  private refused(sample: StoredSample): void {
    this.drop('queue_full');
    this.queueFullSeen = true;
    this.log.warn('queue full of alarm readings: a quiet reading was dropped', { id: sample.id, dropped: this.drops.queue_full });
  }

  private diskFullSeen(err: unknown, fromStaging: number): void {
    if (!this.diskFull) {
      this.log.error('disk full (ENOSPC): readings on disk are kept, new ones wait in memory and are sent from there', {
        pendingOnDisk: this.queue.pendingSynced, fromStaging: fromStaging || undefined, error: errText(err),
      });
    }
    this.diskFull = true;
  }

  /**
   * While the disk is full, each sample tries it again: the memory buffer
   * first (oldest first), then this sample, then a commit (what is staged in
   * RAM proves nothing about the disk). The disk is back once it took them all.
   */
  private addWhileDiskFull(sample: StoredSample, alarm: boolean): 'disk' | 'memory' | 'dropped' {
    const todo = [...this.memory, { sample, alarm }];
    this.memory.length = 0;
    let refused = false;
    for (let i = 0; i < todo.length; i++) {
      const m = todo[i]!;
      try {
        this.queue.append(encodeSample(m.sample), { stage: !m.alarm });
      } catch (err) {
        if (err instanceof QueueFullError) {
          if (m.sample === sample) {
            this.refused(sample);
            refused = true;
          } else {
            this.drop('queue_full');
            this.queueFullSeen = true;
          }
          continue;
        }
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') {
          this.memory.push(...todo.slice(i).filter((x) => x.sample !== sample));
          throw err;
        }
        for (const rest of todo.slice(i)) this.toMemory(rest.sample, rest.alarm);
        return this.whereIs(sample, refused);
      }
    }
    if (!this.sync()) return this.whereIs(sample, refused);
    this.diskFull = false;
    this.log.info('disk has room again: readings kept in memory are back in the queue on disk, sampling goes to the disk');
    return refused ? 'dropped' : 'disk';
  }

  private whereIs(sample: StoredSample, refused: boolean): 'disk' | 'memory' | 'dropped' {
    // Not in memory and not refused: on disk (appended before the disk filled), or the rare newest alarm a full buffer gave up.
    if (this.memory.some((m) => m.sample === sample)) return 'memory';
    return refused ? 'dropped' : 'disk';
  }

  /**
   * Commits and fsyncs the queue (a group commit of what is staged in RAM).
   * When the disk refuses the commit (ENOSPC), the staged readings come out
   * of the queue into the memory buffer, to be sent from there at once like
   * any reading taken while the disk is full. False when that happened.
   */
  sync(): boolean {
    try {
      this.queue.sync();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      const staged = this.queue.takeStaged();
      this.diskFullSeen(err, staged.length);
      for (const p of staged) {
        const s = decodeSample(p);
        if (s) this.toMemory(s, this.queue.isAlarm(p));
        else this.drop('corrupt');
      }
      return false;
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

  /** The server has these (by id): they leave the memory buffer. */
  acknowledgeMemory(ids: ReadonlySet<string>): void {
    for (let i = this.memory.length - 1; i >= 0; i--) if (ids.has(this.memory[i]!.sample.id)) this.memory.splice(i, 1);
  }

  get pending(): number {
    return this.queue.pendingSynced + this.memory.length;
  }
}

export type { QueuedRecord };
