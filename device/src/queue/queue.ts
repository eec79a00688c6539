import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import {
  closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync,
  readSync, renameSync, unlinkSync, writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32 } from '../crc32.js';
import { fsyncDir, writeFileAtomicSync } from '../fsutil.js';
import { errText, type Logger } from '../log.js';

/**
 * A durable FIFO of small records on local disk.
 *
 * Layout of `dir`:
 *   0000000000000001.seg  segments, named after the sequence number of their first record
 *   cursor                JSON {"acked": N}: every record with seq <= N was acknowledged
 *
 * A segment is a plain concatenation of records:
 *   u32 LE payload length | u32 LE CRC-32 of (length bytes + payload) | payload
 *
 * Records are only ever appended (positional writes at the end of the last
 * segment). `append` puts the record in the kernel's page cache (it survives
 * the process being killed), `sync` fsyncs it (it survives a power cut);
 * only synced records are handed to `peek`, so nothing that the server
 * acknowledged can vanish in a power cut and be replaced by a different
 * record with the same sequence number.
 *
 * At open, every segment is checked record by record: a torn or corrupt tail
 * of the last segment (a power cut during a write) is cut off and logged; a
 * corrupt record inside an older segment ends that segment (logged loudly).
 *
 * A segment is deleted once all of its records are acknowledged. When the
 * total size would pass `maxBytes`, quiet records are thinned, oldest
 * segment first: the segment is rewritten with every `thinKeepEvery`-th
 * quiet record kept, every record `classify` calls an alarm kept, and the
 * quiet records just before and after a run of alarms kept (the first and
 * last of each episode); a thinned record becomes a 9-byte tombstone, so
 * sequence numbers do not move. When nothing is left to thin, a quiet
 * record is refused (QueueFullError) and an alarm one still goes in (past
 * `maxBytes`): alarm readings are the last to go. A full disk (ENOSPC)
 * never deletes anything: the error goes to the caller.
 *
 * Group commit (SD wear), when `stagingDir` is given (a RAM folder: the
 * systemd unit's /run/firemon-agent): `append` writes the record to a
 * staging file there instead (`<stagingDir>/queue-<hash of dir>/<first
 * seq>.stage`, same record format), which survives the process being killed
 * or restarted but not a power cut or a reboot; `sync` appends everything
 * staged to the segment in one go, fsyncs it, then empties the staging
 * file. The SD card then sees one write per commit instead of one page
 * dirtied again per reading. At open, staged records not yet in a segment
 * (a crash between the segment's fsync and the staging file's removal
 * leaves both: the sequence numbers tell) are taken back in order and
 * committed at the next `sync`. A commit the disk refuses (ENOSPC) leaves
 * the rest staged and throws; `takeStaged` hands them to the caller.
 */
export interface QueueOptions {
  dir: string;
  /** Upper bound of the sum of segment sizes. */
  maxBytes: number;
  /** A segment is closed and a new one started past this size. */
  segmentBytes: number;
  log: Logger;
  /** The cursor file is rewritten at most this often (SD wear); on close always. */
  cursorFlushMs?: number;
  now?: () => number;
  /** Which records must survive a full queue (default: none are protected). */
  classify?: (payload: Buffer) => 'alarm' | 'quiet';
  /** A thinned segment keeps one quiet record in this many (default 4). */
  thinKeepEvery?: number;
  /** More to keep in the cursor file (counters that must survive a crash: written with each cursor move, no extra write). */
  meta?: () => Record<string, unknown>;
  /** Called with the number of quiet records given up each time the queue thins. */
  onThinned?: (count: number) => void;
  /** A RAM folder (tmpfs) where appended records wait for the next `sync` (group commit; see the class comment). */
  stagingDir?: string;
}

/** The queue is full of records it must keep: a quiet one was refused. */
export class QueueFullError extends Error {
  readonly code = 'QUEUE_FULL';
}

/** The payload of a record thinned out of a full queue. */
export const TOMBSTONE = Buffer.from('~');
export const isTombstone = (p: Buffer): boolean => p.length === 1 && p[0] === 0x7e;

export interface QueuedRecord {
  seq: number;
  payload: Buffer;
  /** Where the record after this one starts. */
  next: Position;
}

interface Position {
  base: number;
  offset: number;
  /** The segment's rewrite generation the offset belongs to. */
  gen?: number;
}

interface Segment {
  base: number;
  path: string;
  /** Valid records in the segment. */
  count: number;
  /** Bytes of valid records (the reader never goes past this). */
  bytes: number;
  /** Bumped when the segment is rewritten by thinning (offsets into it change). */
  gen: number;
  /** How many times it was thinned (the least thinned, oldest segment goes first). */
  thinned: number;
}

export interface QueueStats {
  segments: number;
  bytes: number;
  pending: number;
  unsynced: number;
  /** Appended records waiting in the RAM staging file for the next commit (counted in pending and unsynced). */
  staged: number;
  acked: number;
  nextSeq: number;
  droppedFull: number;
  droppedCorrupt: number;
}

export const HEADER_BYTES = 8;
export const MAX_RECORD_BYTES = 64 * 1024;
const SEG_RE = /^(\d{16})\.seg$/;
const STAGE_RE = /^(\d{16})\.stage$/;
/** statfs f_type of tmpfs and ramfs: a staging folder elsewhere wears the disk it is on. */
const RAM_FS_TYPES = [0x01021994, 0x858458f6];

/** The staging folder of the queue in `queueDir` (one per queue, so that several agents may share a RAM folder). */
export function stagingFolder(stagingDir: string, queueDir: string): string {
  return join(stagingDir, `queue-${createHash('sha256').update(resolve(queueDir)).digest('hex').slice(0, 16)}`);
}
const READ_CHUNK = 256 * 1024;

export class DurableQueue {
  private readonly segs: Segment[] = [];
  private fd: number | null = null;
  private nextSeq = 1;
  /** The sequence number of the next record written to a segment (nextSeq minus what is staged). */
  private diskNext = 1;
  private readonly stageDir: string | undefined;
  private stageFd: number | null = null;
  private stageBase = 0;
  private stageCount = 0;
  private stageBytes = 0;
  private stageFailed = false;
  private acked = 0;
  private durableSeq = 0;
  private readPos: Position | null = null;
  private cursorOnDisk = 0;
  private lastCursorWrite = 0;
  private thinnedTotal = 0;
  private droppedCorrupt = 0;
  private closed = false;
  private readonly cursorFlushMs: number;
  private readonly now: () => number;

  private constructor(private readonly opts: QueueOptions) {
    this.cursorFlushMs = opts.cursorFlushMs ?? 5_000;
    this.now = opts.now ?? Date.now;
    this.stageDir = opts.stagingDir ? stagingFolder(opts.stagingDir, opts.dir) : undefined;
    if (opts.segmentBytes < 4096) throw new Error('queue: segmentBytes must be at least 4096');
    if (opts.maxBytes < 2 * opts.segmentBytes) throw new Error('queue: maxBytes must be at least twice segmentBytes');
  }

  static open(opts: QueueOptions): DurableQueue {
    const q = new DurableQueue(opts);
    q.load();
    return q;
  }

  private get log(): Logger {
    return this.opts.log;
  }

  private segPath(base: number): string {
    return join(this.opts.dir, `${String(base).padStart(16, '0')}.seg`);
  }

  private load(): void {
    const { dir } = this.opts;
    mkdirSync(dir, { recursive: true });
    this.acked = this.readCursor();
    this.cursorOnDisk = this.acked;
    const names = readdirSync(dir).sort();
    for (const name of names) {
      if (name.endsWith('.tmp')) {
        try {
          unlinkSync(join(dir, name));
        } catch {
          /* ignore */
        }
        continue;
      }
      const m = SEG_RE.exec(name);
      if (!m) continue;
      this.segs.push({ base: Number(m[1]), path: join(dir, name), count: 0, bytes: 0, gen: 0, thinned: 0 });
    }
    this.segs.sort((a, b) => a.base - b.base);

    for (let i = 0; i < this.segs.length; i++) {
      const seg = this.segs[i]!;
      const isLast = i === this.segs.length - 1;
      const buf = readFileSync(seg.path);
      const scan = scanRecords(buf);
      seg.count = scan.count;
      seg.bytes = scan.validBytes;
      if (scan.validBytes < buf.length) {
        if (isLast) {
          const fd = openSync(seg.path, 'r+');
          try {
            ftruncateSync(fd, scan.validBytes);
            fsyncSync(fd);
          } finally {
            closeSync(fd);
          }
          this.log.warn('queue: torn record at the end of the last segment dropped (power cut during a write?)', {
            segment: seg.path, keptRecords: scan.count, droppedBytes: buf.length - scan.validBytes,
          });
        } else {
          this.droppedCorrupt++;
          this.log.error('queue: corrupt record inside a segment; the rest of that segment is unreadable and skipped', {
            segment: seg.path, keptRecords: scan.count, skippedBytes: buf.length - scan.validBytes,
          });
        }
      }
    }

    // Sequence numbers go on after the last record, and after the cursor (all segments may be gone).
    const last = this.segs[this.segs.length - 1];
    this.nextSeq = Math.max(this.acked + 1, last ? last.base + last.count : 1);
    this.diskNext = this.nextSeq;
    if (last && last.base + last.count < this.acked + 1 && last.count > 0) {
      this.log.warn('queue: cursor is past the last record on disk', { acked: this.acked, lastSeq: last.base + last.count - 1 });
    }
    // Everything found on disk counts as durable once the last segment is fsynced.
    this.durableSeq = this.nextSeq - 1;
    this.deleteAckedSegments();
    const active = this.segs[this.segs.length - 1];
    if (active) {
      if (active.base + active.count !== this.nextSeq) {
        // The cursor is ahead of the segment (should not happen): start a fresh segment at nextSeq.
        this.fd = null;
      } else {
        this.fd = openSync(active.path, 'r+');
        fsyncSync(this.fd);
      }
    }
    this.readPos = this.findReadPos();
    this.loadStaged();
    this.log.info('queue: opened', { ...this.stats() });
  }

  private stagePath(base: number): string {
    return join(this.stageDir!, `${String(base).padStart(16, '0')}.stage`);
  }

  /** Takes back what a previous run staged and did not commit: records numbered from diskNext, in order, each once. */
  private loadStaged(): void {
    const dir = this.stageDir;
    if (!dir) return;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const type = typeof fs.statfsSync === 'function' ? fs.statfsSync(dir).type : undefined;
      if (type !== undefined && !RAM_FS_TYPES.includes(type)) {
        this.log.warn('queue: the staging folder is not in RAM (tmpfs): readings are written to disk twice', { stagingDir: dir });
      }
      const files = readdirSync(dir).filter((n) => STAGE_RE.test(n) || n.endsWith('.tmp')).sort();
      const frames: Buffer[] = [];
      let next = this.diskNext; // the first sequence number not in a segment
      let renumbered = 0;
      for (const name of files) {
        const m = STAGE_RE.exec(name);
        if (!m) continue;
        const buf = readFileSync(join(dir, name));
        const { validBytes } = scanRecords(buf);
        let off = 0;
        for (let seq = Number(m[1]); off < validBytes; seq++) {
          const len = HEADER_BYTES + buf.readUInt32LE(off);
          if (seq >= next) {
            if (seq > next) renumbered++;
            frames.push(buf.subarray(off, off + len));
            next = seq + 1;
          }
          off += len;
        }
      }
      if (frames.length > 0) {
        const data = Buffer.concat(frames);
        const path = this.stagePath(this.diskNext);
        writeFileSyncFully(`${path}.tmp`, data);
        renameSync(`${path}.tmp`, path);
        this.stageFd = openSync(path, 'r+');
        this.stageBase = this.diskNext;
        this.stageCount = frames.length;
        this.stageBytes = data.length;
        this.nextSeq = this.diskNext + frames.length;
        this.log.info('queue: staged readings of the previous run taken back from RAM (committed at the next sync)', {
          staged: frames.length, renumbered: renumbered || undefined,
        });
      }
      const kept = frames.length > 0 ? `${String(this.stageBase).padStart(16, '0')}.stage` : undefined;
      for (const name of files) if (name !== kept) unlinkIfThere(join(dir, name));
    } catch (err) {
      this.stageFailed = true;
      this.log.error('queue: the staging folder is unusable: readings go to the disk directly', { stagingDir: dir, error: errText(err) });
    }
  }

  private readCursor(): number {
    const p = join(this.opts.dir, 'cursor');
    if (!existsSync(p)) return 0;
    try {
      const v = JSON.parse(readFileSync(p, 'utf8')) as { acked?: unknown };
      if (typeof v.acked === 'number' && Number.isSafeInteger(v.acked) && v.acked >= 0) return v.acked;
    } catch (err) {
      this.log.warn('queue: cursor file unreadable; readings may be sent again (the server ignores duplicates)', { error: errText(err) });
    }
    return 0;
  }

  private findReadPos(): Position | null {
    for (const seg of this.segs) {
      if (seg.base + seg.count - 1 <= this.acked) continue;
      if (seg.base > this.acked) return { base: seg.base, offset: 0 };
      // The cursor is inside this segment: walk to the first record after it.
      const buf = readFileSync(seg.path).subarray(0, seg.bytes);
      let off = 0;
      let seq = seg.base;
      while (seq <= this.acked && off < seg.bytes) {
        off += HEADER_BYTES + buf.readUInt32LE(off);
        seq++;
      }
      return { base: seg.base, offset: off };
    }
    return null;
  }

  /**
   * Appends one record: in the RAM staging file when there is one, else in
   * the page cache (either survives the process, not yet a power cut).
   * Returns its sequence number. `stage: false` (an alarm reading) skips
   * the staging file: it goes to the segment at once, after what is staged.
   */
  append(payload: Buffer, opts: { stage?: boolean } = {}): number {
    if (this.closed) throw new Error('queue: closed');
    if (payload.length === 0 || payload.length > MAX_RECORD_BYTES) throw new Error(`queue: record size ${payload.length} out of range`);
    const rec = frame(payload);
    const staging = this.stageDir !== undefined && !this.stageFailed && opts.stage !== false;
    if (!staging) this.rollIfFull(rec.length);
    if (!this.makeRoom(rec.length) && this.classify(payload) === 'quiet') {
      throw new QueueFullError('queue: full of alarm readings, quiet reading refused');
    }
    if (staging && this.stage(rec)) return this.nextSeq++;
    // Straight to the segment: what is staged goes first (sequence order); ENOSPC there leaves this record out.
    this.commitStaged();
    this.writeToDisk(rec);
    return this.nextSeq++;
  }

  private rollIfFull(incoming: number): void {
    const active = this.segs[this.segs.length - 1];
    if (this.fd !== null && active && active.bytes + incoming > this.opts.segmentBytes && active.count > 0) this.roll();
  }

  /** Writes one framed record at the end of the active segment (a new one past segmentBytes). */
  private writeToDisk(rec: Buffer): void {
    this.rollIfFull(rec.length);
    const seg = this.fd === null ? this.createSegment() : this.segs[this.segs.length - 1]!;
    try {
      writeFully(this.fd!, rec, seg.bytes);
    } catch (err) {
      // Never leave half a record behind a good one: cut back, then report (ENOSPC included:
      // what is on disk stays, the caller keeps the record elsewhere).
      try {
        ftruncateSync(this.fd!, seg.bytes);
      } catch {
        /* the next open cuts a torn tail anyway */
      }
      throw err;
    }
    seg.bytes += rec.length;
    seg.count++;
    this.diskNext++;
    if (this.readPos === null) this.readPos = { base: seg.base, offset: seg.bytes - rec.length };
  }

  /** Appends one framed record to the RAM staging file; false when it cannot (then it goes to the disk). */
  private stage(rec: Buffer): boolean {
    try {
      if (this.stageFd === null) {
        this.stageBase = this.diskNext;
        this.stageFd = openSync(this.stagePath(this.stageBase), 'w+', 0o600);
        this.stageBytes = 0;
        this.stageCount = 0;
      }
      writeFully(this.stageFd, rec, this.stageBytes);
    } catch (err) {
      if (this.stageFd !== null) {
        try {
          ftruncateSync(this.stageFd, this.stageBytes);
        } catch {
          /* the next open cuts a torn tail anyway */
        }
      }
      if (!this.stageFailed) this.log.error('queue: cannot stage in RAM: readings go to the disk directly', { error: errText(err) });
      this.stageFailed = true;
      return false;
    }
    this.stageBytes += rec.length;
    this.stageCount++;
    return true;
  }

  private readStaged(): Buffer {
    const buf = Buffer.allocUnsafe(this.stageBytes);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(this.stageFd!, buf, got, buf.length - got, got);
      if (n === 0) throw new Error('queue: the staging file is shorter than expected');
      got += n;
    }
    return buf;
  }

  /**
   * Moves what is staged to the segment and fsyncs it; only then does it
   * leave the staging file. On a disk error, what went in stays (fsynced),
   * the rest stays staged, and the error is thrown.
   */
  private commitStaged(): void {
    if (this.stageCount === 0 || this.stageFd === null) return;
    const buf = this.readStaged();
    let off = 0;
    let done = 0;
    let failure: unknown;
    while (off < buf.length) {
      const rec = buf.subarray(off, off + HEADER_BYTES + buf.readUInt32LE(off));
      try {
        this.writeToDisk(rec);
      } catch (err) {
        failure = err;
        break;
      }
      off += rec.length;
      done++;
    }
    if (done > 0) {
      try {
        if (this.fd !== null) fsyncSync(this.fd);
        this.durableSeq = this.diskNext - 1;
      } catch (err) {
        failure ??= err; // in the segment's page cache like a plain append: the next sync fsyncs them
      }
      this.unstage(done, buf.subarray(off));
    }
    if (failure !== undefined) throw failure;
  }

  /** The first `done` staged records are in a segment: the staging file keeps only `rest`. */
  private unstage(done: number, rest: Buffer): void {
    const old = this.stagePath(this.stageBase);
    closeSync(this.stageFd!);
    this.stageFd = null;
    this.stageCount -= done;
    this.stageBytes = rest.length;
    if (rest.length > 0) {
      this.stageBase += done;
      const path = this.stagePath(this.stageBase);
      writeFileSyncFully(`${path}.tmp`, rest);
      renameSync(`${path}.tmp`, path);
      this.stageFd = openSync(path, 'r+');
    }
    unlinkSync(old);
  }

  /**
   * Takes the staged records out of the queue (oldest first) for the caller
   * to keep elsewhere: a commit failed for a full disk and they must still be
   * sent. Their sequence numbers are given back.
   */
  takeStaged(): Buffer[] {
    if (this.stageCount === 0 || this.stageFd === null) return [];
    const buf = this.readStaged();
    const out: Buffer[] = [];
    for (let off = 0; off < buf.length; ) {
      const len = buf.readUInt32LE(off);
      out.push(Buffer.from(buf.subarray(off + HEADER_BYTES, off + HEADER_BYTES + len)));
      off += HEADER_BYTES + len;
    }
    closeSync(this.stageFd);
    this.stageFd = null;
    unlinkSync(this.stagePath(this.stageBase));
    this.nextSeq -= this.stageCount;
    this.stageCount = 0;
    this.stageBytes = 0;
    return out;
  }

  /** Whether a record is an alarm one (the queue's `classify`). */
  isAlarm(payload: Buffer): boolean {
    return this.classify(payload) === 'alarm';
  }

  /** Commits what is staged and fsyncs what was appended; after this, every appended record survives a power cut. */
  sync(): void {
    if (this.closed) return;
    this.commitStaged();
    if (this.durableSeq === this.diskNext - 1) return;
    if (this.fd !== null) fsyncSync(this.fd);
    this.durableSeq = this.diskNext - 1;
  }

  get unsyncedCount(): number {
    return this.nextSeq - 1 - this.durableSeq;
  }

  private createSegment(): Segment {
    const seg: Segment = { base: this.diskNext, path: this.segPath(this.diskNext), count: 0, bytes: 0, gen: 0, thinned: 0 };
    this.fd = openSync(seg.path, 'wx', 0o600);
    this.segs.push(seg);
    fsyncDir(this.opts.dir);
    return seg;
  }

  private roll(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
    // Records of the closed segment are durable now (even if sync() was not called).
    // durableSeq must only count contiguous synced records; all of them up to here are.
    this.durableSeq = this.diskNext - 1;
  }

  private totalBytes(): number {
    let n = this.stageBytes;
    for (const s of this.segs) n += s.bytes;
    return n;
  }

  private classify(payload: Buffer): 'alarm' | 'quiet' {
    try {
      return this.opts.classify?.(payload) ?? 'quiet';
    } catch {
      return 'alarm'; // cannot tell: keep it
    }
  }

  /** Thins quiet records until `incoming` fits under maxBytes; false when nothing more can be thinned. */
  private makeRoom(incoming: number): boolean {
    const tried = new Set<Segment>();
    while (this.totalBytes() + incoming > this.opts.maxBytes) {
      const candidates = this.segs.filter((s, i) => !tried.has(s) && !(i === this.segs.length - 1 && this.fd !== null));
      if (candidates.length === 0) return false;
      // The least thinned first, the oldest among them: history degrades evenly from its old end.
      const seg = candidates.reduce((a, b) => (b.thinned < a.thinned ? b : a));
      tried.add(seg);
      this.thin(seg);
    }
    return true;
  }

  private edgeIsAlarm(seg: Segment | undefined, which: 'first' | 'last'): boolean {
    if (!seg || seg.count === 0) return false;
    try {
      const buf = readFileSync(seg.path).subarray(0, seg.bytes);
      let off = 0;
      let last: Buffer | undefined;
      while (off + HEADER_BYTES <= buf.length) {
        const len = buf.readUInt32LE(off);
        last = buf.subarray(off + HEADER_BYTES, off + HEADER_BYTES + len);
        if (which === 'first') break;
        off += HEADER_BYTES + len;
      }
      return !!last && !isTombstone(last) && this.classify(last) === 'alarm';
    } catch {
      return false;
    }
  }

  /** Rewrites one segment without most of its unacknowledged quiet records (see the class comment). */
  private thin(seg: Segment): void {
    const buf = readFileSync(seg.path).subarray(0, seg.bytes);
    const recs: { seq: number; payload: Buffer; alarm: boolean }[] = [];
    let off = 0;
    for (let seq = seg.base; off + HEADER_BYTES <= buf.length; seq++) {
      const len = buf.readUInt32LE(off);
      const payload = buf.subarray(off + HEADER_BYTES, off + HEADER_BYTES + len);
      off += HEADER_BYTES + len;
      recs.push({ seq, payload, alarm: !isTombstone(payload) && this.classify(payload) === 'alarm' });
    }
    const keepEvery = Math.max(2, this.opts.thinKeepEvery ?? 4);
    // An episode may cross a segment's edge: look at the neighbours' edge records too.
    const idx = this.segs.indexOf(seg);
    const prevAlarm = this.edgeIsAlarm(this.segs[idx - 1], 'last');
    const nextAlarm = this.edgeIsAlarm(this.segs[idx + 1], 'first');
    const out: Buffer[] = [];
    let thinned = 0;
    let quietSeen = 0;
    let live = 0;
    for (let i = 0; i < recs.length; i++) {
      const r = recs[i]!;
      const tomb = isTombstone(r.payload);
      const boundary = (i === 0 ? prevAlarm : !!recs[i - 1]?.alarm) || (i === recs.length - 1 ? nextAlarm : !!recs[i + 1]?.alarm);
      let keep = tomb || r.seq <= this.acked || r.alarm || boundary;
      if (!keep) keep = quietSeen++ % keepEvery === keepEvery - 1;
      if (keep || tomb) out.push(frame(r.payload));
      else {
        out.push(frame(TOMBSTONE));
        thinned++;
      }
      if (keep && !tomb && r.seq > this.acked) live++;
    }
    seg.thinned++;
    if (thinned === 0) return;
    if (live === 0) {
      // Nothing left to send in it: the whole segment goes (its sequence numbers with it).
      this.segs.splice(this.segs.indexOf(seg), 1);
      try {
        unlinkSync(seg.path);
      } catch (err) {
        this.log.error('queue: could not delete a thinned segment', { segment: seg.path, error: errText(err) });
      }
      if (this.readPos && this.readPos.base === seg.base) this.readPos = this.findReadPos();
      this.thinnedTotal += thinned;
      this.opts.onThinned?.(thinned);
      return;
    }
    const data = Buffer.concat(out);
    const tmp = `${seg.path}.tmp`;
    try {
      writeFileAtomicSync(seg.path, data);
    } catch (err) {
      this.log.error('queue: could not thin a segment', { segment: seg.path, error: errText(err) });
      try {
        unlinkSync(tmp);
      } catch {
        /* nothing to clean */
      }
      return;
    }
    seg.bytes = data.length;
    seg.gen++;
    this.thinnedTotal += thinned;
    if (this.readPos && this.readPos.base === seg.base) this.readPos = this.findReadPos();
    this.opts.onThinned?.(thinned);
    this.log.warn('queue: full: quiet readings thinned (alarm readings and episode boundaries kept)', {
      segment: seg.path, thinned, kept: recs.length - thinned, thinnedTotal: this.thinnedTotal, keepEvery,
    });
  }

  /**
   * Up to `maxRecords` synced, unacknowledged records in order, whose
   * payloads add up to at most `maxBytes` (at least one record is returned
   * when there is one).
   */
  peek(maxRecords: number, maxBytes = Number.MAX_SAFE_INTEGER): QueuedRecord[] {
    const out: QueuedRecord[] = [];
    if (this.closed) return out;
    let pos = this.readPos;
    let seq = this.acked + 1;
    let bytes = 0;
    while (pos && out.length < maxRecords && seq <= this.durableSeq) {
      const segIdx = this.segs.findIndex((s) => s.base === pos!.base);
      const seg = this.segs[segIdx];
      if (!seg) break;
      if (pos.offset >= seg.bytes) {
        const next = this.segs[segIdx + 1];
        if (!next) break;
        pos = { base: next.base, offset: 0 };
        seq = Math.max(seq, next.base);
        continue;
      }
      // seq of the record at pos
      if (pos.offset === 0) seq = Math.max(seq, seg.base);
      const want = Math.min(READ_CHUNK, seg.bytes - pos.offset);
      const buf = Buffer.allocUnsafe(want);
      const fd = openSync(seg.path, 'r');
      let got = 0;
      try {
        while (got < want) {
          const n = readSync(fd, buf, got, want - got, pos.offset + got);
          if (n === 0) break;
          got += n;
        }
      } finally {
        closeSync(fd);
      }
      let off = 0;
      let progressed = false;
      while (off + HEADER_BYTES <= got && out.length < maxRecords && seq <= this.durableSeq) {
        const len = buf.readUInt32LE(off);
        if (off + HEADER_BYTES + len > got) break;
        if (out.length > 0 && bytes + len > maxBytes) return out;
        const payload = Buffer.from(buf.subarray(off + HEADER_BYTES, off + HEADER_BYTES + len));
        off += HEADER_BYTES + len;
        out.push({ seq, payload, next: { base: seg.base, offset: pos.offset + off, gen: seg.gen } });
        bytes += len;
        seq++;
        progressed = true;
      }
      if (!progressed) break;
      pos = { base: seg.base, offset: pos.offset + off };
    }
    return out;
  }

  /** Acknowledges `rec` and everything before it (the server has it, or it was given up on). */
  ack(rec: QueuedRecord): void {
    if (this.closed || rec.seq <= this.acked) return;
    this.acked = rec.seq;
    const seg = this.segs.find((s) => s.base === rec.next.base);
    // A segment thinned (or thinned away) since the peek: its offsets moved, find the position by sequence number.
    this.readPos = seg && (rec.next.gen === undefined || rec.next.gen === seg.gen) ? rec.next : this.findReadPos();
    this.deleteAckedSegments();
    this.persistCursor(false);
  }

  private deleteAckedSegments(): void {
    let deleted = false;
    while (this.segs.length > 0) {
      const seg = this.segs[0]!;
      const isActive = this.segs.length === 1 && this.fd !== null;
      if (seg.base + seg.count - 1 > this.acked || isActive) break;
      if (!deleted) this.persistCursor(true);
      deleted = true;
      this.segs.shift();
      try {
        unlinkSync(seg.path);
      } catch (err) {
        this.log.error('queue: could not delete an acknowledged segment', { segment: seg.path, error: errText(err) });
      }
      if (this.readPos && this.readPos.base === seg.base) {
        const next = this.segs[0];
        this.readPos = next ? { base: next.base, offset: 0 } : null;
      }
    }
    // The active segment, fully acknowledged and past its size: start a new one at the next append.
    const active = this.segs[this.segs.length - 1];
    if (active && this.fd !== null && active.bytes >= this.opts.segmentBytes && active.base + active.count - 1 <= this.acked) {
      this.roll();
      this.persistCursor(true);
      this.segs.pop();
      try {
        unlinkSync(active.path);
      } catch {
        /* ignore */
      }
      this.readPos = null;
    }
  }

  /** Writes the cursor if it moved, at most every cursorFlushMs unless forced. */
  persistCursor(force: boolean): void {
    // Forced (close, segment deletion) with meta: written even if the cursor did not move, so the counters are current.
    if (this.acked === this.cursorOnDisk && !(force && this.opts.meta)) return;
    const t = this.now();
    if (!force && t - this.lastCursorWrite < this.cursorFlushMs) return;
    try {
      writeFileAtomicSync(join(this.opts.dir, 'cursor'), JSON.stringify({ ...this.opts.meta?.(), acked: this.acked }) + '\n');
      this.cursorOnDisk = this.acked;
      this.lastCursorWrite = t;
    } catch (err) {
      this.log.error('queue: could not write the cursor (readings may be sent twice after a restart)', { error: errText(err) });
    }
  }

  stats(): QueueStats {
    return {
      segments: this.segs.length,
      bytes: this.totalBytes(),
      pending: this.nextSeq - 1 - this.acked,
      unsynced: this.nextSeq - 1 - this.durableSeq,
      staged: this.stageCount,
      acked: this.acked,
      nextSeq: this.nextSeq,
      droppedFull: this.thinnedTotal,
      droppedCorrupt: this.droppedCorrupt,
    };
  }

  /** Synced records not yet acknowledged. */
  get pendingSynced(): number {
    return Math.max(0, this.durableSeq - this.acked);
  }

  close(): void {
    if (this.closed) return;
    try {
      this.sync();
    } catch (err) {
      if (this.stageCount === 0) throw err;
      // Staged records are not lost by this: the next start takes them back (a reboot first would lose them).
      this.log.error('queue: could not commit the staged readings at close: they stay in RAM for the next start', { staged: this.stageCount, error: errText(err) });
    }
    this.persistCursor(true);
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    if (this.stageFd !== null) {
      closeSync(this.stageFd);
      this.stageFd = null;
    }
    this.closed = true;
  }
}

function frame(payload: Buffer): Buffer {
  const rec = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  rec.writeUInt32LE(payload.length, 0);
  payload.copy(rec, HEADER_BYTES);
  // The CRC covers the length too, so a torn length is caught as well as a torn payload.
  const c = crc32(rec, HEADER_BYTES, rec.length, crc32(rec, 0, 4));
  rec.writeUInt32LE(c, 4);
  return rec;
}

function writeFully(fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off, position + off);
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** A whole file written (no fsync: the staging folder is in RAM). */
function writeFileSyncFully(path: string, data: Buffer): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeFully(fd, data, 0);
  } finally {
    closeSync(fd);
  }
}

/** Counts the valid records at the start of `buf`; stops at the first torn or corrupt one. */
export function scanRecords(buf: Buffer): { count: number; validBytes: number } {
  let off = 0;
  let count = 0;
  while (off + HEADER_BYTES <= buf.length) {
    const len = buf.readUInt32LE(off);
    if (len === 0 || len > MAX_RECORD_BYTES || off + HEADER_BYTES + len > buf.length) break;
    const want = buf.readUInt32LE(off + 4);
    const got = crc32(buf, off + HEADER_BYTES, off + HEADER_BYTES + len, crc32(buf, off, off + 4));
    if (want !== got) break;
    off += HEADER_BYTES + len;
    count++;
  }
  return { count, validBytes: off };
}

/** The cursor file as the agent last wrote it ({acked, ...meta}); undefined when absent or unreadable. */
export function readCursorFile(dir: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(join(dir, 'cursor'), 'utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
