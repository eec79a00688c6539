import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DurableQueue, scanRecords, stagingFolder } from '../src/queue/queue.js';
import { captureLog } from './helpers/log.js';
import { tmpDir } from './helpers/tmp.js';

// Group commit: quiet records wait in a RAM folder (here a plain folder: the code is the same) until sync.
const root = tmpDir();
let n = 0;
function dirs(): { dir: string; ram: string } {
  n++;
  return { dir: join(root, `q${n}`), ram: join(root, `ram${n}`) };
}
function open(d: { dir: string; ram: string }, classify?: (p: Buffer) => 'alarm' | 'quiet') {
  const cap = captureLog();
  const q = DurableQueue.open({ dir: d.dir, stagingDir: d.ram, maxBytes: 1 << 20, segmentBytes: 4096, log: cap.log, cursorFlushMs: 0, classify });
  return { q, cap };
}
const rec = (i: number, alarm = false) => Buffer.from(JSON.stringify({ i, alarm }));
const ids = (recs: { payload: Buffer }[]) => recs.map((r) => (JSON.parse(r.payload.toString()) as { i: number }).i);
/** The records in the segment files on disk (what a power cut keeps once fsynced). */
function onDisk(dir: string): number[] {
  const out: number[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.seg')).sort()) {
    const buf = readFileSync(join(dir, f));
    const { validBytes } = scanRecords(buf);
    for (let off = 0; off < validBytes; ) {
      const len = buf.readUInt32LE(off);
      out.push((JSON.parse(buf.subarray(off + 8, off + 8 + len).toString()) as { i: number }).i);
      off += 8 + len;
    }
  }
  return out;
}
const stageFiles = (d: { dir: string; ram: string }) => readdirSync(stagingFolder(d.ram, d.dir)).filter((f) => f.endsWith('.stage'));

describe('durable queue with a RAM staging folder (group commit)', () => {
  it('keeps quiet records in RAM until sync, then writes them to the segment in one commit and empties the staging file', () => {
    const d = dirs();
    const { q } = open(d);
    for (let i = 1; i <= 10; i++) expect(q.append(rec(i))).toBe(i);
    expect(onDisk(d.dir)).toEqual([]); // nothing on the SD card yet
    expect(q.stats()).toMatchObject({ staged: 10, pending: 10, unsynced: 10 });
    expect(q.peek(100)).toEqual([]); // only synced records are sent
    q.sync();
    expect(onDisk(d.dir)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(stageFiles(d)).toEqual([]);
    expect(q.stats()).toMatchObject({ staged: 0, unsynced: 0, pending: 10 });
    expect(ids(q.peek(100))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Segments roll during a commit like during plain appends; sequence numbers go on.
    for (let i = 11; i <= 60; i++) q.append(Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(100) })));
    q.sync();
    expect(readdirSync(d.dir).filter((f) => f.endsWith('.seg')).length).toBeGreaterThan(1);
    expect(ids(q.peek(100))).toEqual(Array.from({ length: 60 }, (_, k) => k + 1));
    q.close();
  });

  it('writes an alarm record (stage: false) to the segment at once, after what was staged, in sequence order', () => {
    const d = dirs();
    const { q } = open(d);
    q.append(rec(1));
    q.append(rec(2));
    expect(q.append(rec(3, true), { stage: false })).toBe(3);
    expect(onDisk(d.dir)).toEqual([1, 2, 3]);
    q.append(rec(4));
    expect(onDisk(d.dir)).toEqual([1, 2, 3]);
    q.sync();
    expect(onDisk(d.dir)).toEqual([1, 2, 3, 4]);
    q.close();
  });

  it('a process that dies before the commit loses nothing: the next open takes the staged records back, in order, once', () => {
    const d = dirs();
    const { q } = open(d);
    for (let i = 1; i <= 5; i++) q.append(rec(i));
    q.sync();
    for (let i = 6; i <= 9; i++) q.append(rec(i));
    // No close: as after kill -9 (the RAM folder survives the process, not a reboot).
    const { q: q2, cap } = open(d);
    expect(cap.find('staged readings of the previous run taken back')).toHaveLength(1);
    expect(q2.stats()).toMatchObject({ staged: 4, nextSeq: 10 });
    expect(q2.append(rec(10))).toBe(10);
    q2.sync();
    expect(onDisk(d.dir)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ids(q2.peek(100))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    q2.close();
  });

  it('a crash between the segment fsync and the staging file removal does not send anything twice', () => {
    const d = dirs();
    const { q } = open(d);
    for (let i = 1; i <= 6; i++) q.append(rec(i));
    const [name] = stageFiles(d);
    const staged = join(stagingFolder(d.ram, d.dir), name!);
    const copy = `${staged}.copy`;
    copyFileSync(staged, copy);
    q.sync();
    expect(existsSync(staged)).toBe(false);
    copyFileSync(copy, staged); // the staging file as it was before the commit
    const { q: q2 } = open(d);
    expect(q2.stats().staged).toBe(0); // every staged sequence number is already in a segment
    q2.sync();
    expect(ids(q2.peek(100))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(onDisk(d.dir)).toEqual([1, 2, 3, 4, 5, 6]);
    q2.close();
  });

  it('close commits what is staged; a torn staged record (killed mid-write) is cut off at the next open', () => {
    const d = dirs();
    const { q } = open(d);
    for (let i = 1; i <= 3; i++) q.append(rec(i));
    q.close();
    expect(onDisk(d.dir)).toEqual([1, 2, 3]);
    const { q: q2 } = open(d);
    q2.append(rec(4));
    q2.append(rec(5));
    const [name] = stageFiles(d);
    const staged = join(stagingFolder(d.ram, d.dir), name!);
    writeFileSync(staged, readFileSync(staged).subarray(0, statSync(staged).size - 3));
    const { q: q3 } = open(d);
    q3.sync();
    expect(ids(q3.peek(100))).toEqual([1, 2, 3, 4]);
    q3.close();
  });

  it('takeStaged hands the staged records back (a full disk refused the commit) and gives their sequence numbers back', () => {
    const d = dirs();
    const { q } = open(d);
    q.append(rec(1));
    q.sync();
    q.append(rec(2));
    q.append(rec(3));
    expect(q.takeStaged().map((p) => (JSON.parse(p.toString()) as { i: number }).i)).toEqual([2, 3]);
    expect(q.stats()).toMatchObject({ staged: 0, nextSeq: 2 });
    expect(q.append(rec(4))).toBe(2);
    q.sync();
    expect(ids(q.peek(100))).toEqual([1, 4]);
    q.close();
  });

  it('counts staged bytes against maxBytes: a full queue still refuses quiet records and keeps alarm ones', () => {
    const d = dirs();
    const cap = captureLog();
    const classify = (p: Buffer) => ((JSON.parse(p.toString()) as { alarm: boolean }).alarm ? 'alarm' : 'quiet') as 'alarm' | 'quiet';
    const q = DurableQueue.open({ dir: d.dir, stagingDir: d.ram, maxBytes: 8192, segmentBytes: 4096, log: cap.log, cursorFlushMs: 0, classify });
    const big = (i: number, alarm = false) => Buffer.from(JSON.stringify({ i, alarm, pad: 'x'.repeat(400) }));
    let refused = 0;
    for (let i = 1; i <= 40; i++) {
      try {
        q.append(big(i, true));
      } catch {
        refused++;
      }
    }
    expect(refused).toBe(0); // alarm records always go in
    expect(() => q.append(big(41))).toThrow(/quiet reading refused/);
    q.close();
  });

  it('a staging folder that cannot be used sends records to the disk directly (logged)', () => {
    const d = dirs();
    writeFileSync(d.ram, 'not a folder');
    const { q, cap } = open(d);
    expect(cap.find('staging folder is unusable')).toHaveLength(1);
    q.append(rec(1));
    expect(onDisk(d.dir)).toEqual([1]);
    q.close();
  });
});
