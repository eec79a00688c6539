import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DurableQueue, HEADER_BYTES, QueueFullError, scanRecords } from '../src/queue/queue.js';
import { captureLog } from './helpers/log.js';
import { tmpDir } from './helpers/tmp.js';

const root = tmpDir();
let n = 0;
function freshDir(): string {
  return join(root, `q${n++}`);
}
function open(dir: string, opts: Partial<{ maxBytes: number; segmentBytes: number }> = {}) {
  const cap = captureLog();
  const q = DurableQueue.open({ dir, maxBytes: opts.maxBytes ?? 1 << 20, segmentBytes: opts.segmentBytes ?? 64 * 1024, log: cap.log, cursorFlushMs: 0 });
  return { q, cap };
}
const rec = (i: number, pad = 0) => Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(pad) }));
const ids = (recs: { payload: Buffer }[]) => recs.map((r) => (JSON.parse(r.payload.toString()) as { i: number }).i);
const segFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();

describe('durable queue', () => {
  it('hands out only synced records, in order, and survives a reopen', () => {
    const dir = freshDir();
    const { q } = open(dir);
    for (let i = 1; i <= 5; i++) expect(q.append(rec(i))).toBe(i);
    expect(q.peek(10)).toEqual([]); // nothing synced yet
    q.sync();
    expect(ids(q.peek(10))).toEqual([1, 2, 3, 4, 5]);
    expect(ids(q.peek(2))).toEqual([1, 2]);
    q.ack(q.peek(2)[1]!);
    expect(ids(q.peek(10))).toEqual([3, 4, 5]);
    q.close();

    const { q: q2 } = open(dir);
    expect(ids(q2.peek(10))).toEqual([3, 4, 5]); // cursor kept: no resend of 1 and 2
    expect(q2.append(rec(6))).toBe(6);
    q2.sync();
    expect(ids(q2.peek(10))).toEqual([3, 4, 5, 6]);
    q2.close();
  });

  it('limits a peek by payload bytes but always returns at least one record', () => {
    const { q } = open(freshDir());
    for (let i = 1; i <= 10; i++) q.append(rec(i, 100));
    q.sync();
    const some = q.peek(100, 350);
    expect(some.length).toBeGreaterThanOrEqual(2);
    expect(some.length).toBeLessThan(4);
    expect(q.peek(100, 1).length).toBe(1);
    q.close();
  });

  it('rolls segments, deletes a segment only once everything in it is acknowledged', () => {
    const dir = freshDir();
    const { q } = open(dir, { segmentBytes: 4096, maxBytes: 1 << 20 });
    for (let i = 1; i <= 60; i++) q.append(rec(i, 200)); // ~220 bytes each: several segments
    q.sync();
    const before = segFiles(dir);
    expect(before.length).toBeGreaterThan(2);
    const batch = q.peek(20);
    q.ack(batch[batch.length - 2]!); // 19 acknowledged: first segment (~17 records) complete
    expect(segFiles(dir).length).toBe(before.length - 1);
    expect(segFiles(dir)[0]).not.toBe(before[0]);
    // Everything left is still there, in order.
    let seen: number[] = [];
    let b = q.peek(1000);
    seen = ids(b);
    expect(seen).toEqual(Array.from({ length: 41 }, (_, k) => k + 20));
    q.ack(b[b.length - 1]!);
    expect(q.stats().pending).toBe(0);
    // Fully acknowledged: only the active segment may stay.
    expect(segFiles(dir).length).toBeLessThanOrEqual(1);
    q.append(rec(61));
    q.sync();
    b = q.peek(10);
    expect(ids(b)).toEqual([61]);
    q.close();
  });

  it('drops a torn last record after a power cut and goes on', () => {
    const dir = freshDir();
    const { q } = open(dir);
    for (let i = 1; i <= 4; i++) q.append(rec(i, 30));
    q.sync();
    q.close();
    const seg = join(dir, segFiles(dir)[0]!);
    const size = statSync(seg).size;
    // Tear the last record in the middle of its payload.
    truncateSync(seg, size - 10);
    const { q: q2, cap } = open(dir);
    expect(cap.find('torn record').length).toBe(1);
    expect(ids(q2.peek(10))).toEqual([1, 2, 3]);
    // The torn bytes are gone from the file, new records go after the good ones.
    expect(q2.append(rec(5))).toBe(4);
    q2.sync();
    expect(ids(q2.peek(10))).toEqual([1, 2, 3, 5]);
    q2.close();
    expect(scanRecords(readFileSync(seg)).count).toBe(4);
  });

  it('drops a torn header, zero fill and garbage at the end', () => {
    for (const tail of [Buffer.from([7, 0]), Buffer.alloc(4096), Buffer.from('garbage garbage garbage')]) {
      const dir = freshDir();
      const { q } = open(dir);
      q.append(rec(1));
      q.append(rec(2));
      q.close();
      appendFileSync(join(dir, segFiles(dir)[0]!), tail);
      const { q: q2, cap } = open(dir);
      expect(cap.find('torn record').length).toBe(1);
      expect(ids(q2.peek(10))).toEqual([1, 2]);
      q2.close();
    }
  });

  it('detects a flipped bit (CRC) inside an older segment and skips the rest of that segment only', () => {
    const dir = freshDir();
    const { q } = open(dir, { segmentBytes: 4096 });
    for (let i = 1; i <= 40; i++) q.append(rec(i, 200));
    q.close();
    const first = join(dir, segFiles(dir)[0]!);
    const buf = readFileSync(first);
    const count = scanRecords(buf).count;
    // Corrupt the third record's payload.
    let off = 0;
    for (let k = 0; k < 2; k++) off += HEADER_BYTES + buf.readUInt32LE(off);
    buf[off + HEADER_BYTES + 5] = buf[off + HEADER_BYTES + 5]! ^ 0x01;
    writeFileSync(first, buf);
    const { q: q2, cap } = open(dir, { segmentBytes: 4096 });
    expect(cap.find('corrupt record inside a segment').length).toBe(1);
    const got = ids(q2.peek(1000));
    expect(got.slice(0, 2)).toEqual([1, 2]);
    expect(got).not.toContain(3);
    expect(got).toContain(count + 1); // the next segment is intact
    expect(got[got.length - 1]).toBe(40);
    q2.close();
  });

  it('when full, thins quiet records oldest first, keeps alarms and the readings around them, and counts what it gave up', () => {
    const dir = freshDir();
    const alarm = (i: number) => i % 50 >= 20 && i % 50 < 23; // short alarm episodes: 20-22, 70-72, ...
    const classify = (p: Buffer) => (alarm((JSON.parse(p.toString()) as { i: number }).i) ? 'alarm' : 'quiet') as 'alarm' | 'quiet';
    let thinned = 0;
    const cap = captureLog();
    const mk = () => DurableQueue.open({ dir, maxBytes: 4 * 4096, segmentBytes: 4096, log: cap.log, cursorFlushMs: 0, classify, onThinned: (k) => (thinned += k) });
    const q = mk();
    for (let i = 1; i <= 150; i++) q.append(rec(i, 200));
    q.sync();
    const st = q.stats();
    expect(st.bytes).toBeLessThanOrEqual(4 * 4096 + 300);
    expect(thinned).toBeGreaterThan(0);
    expect(st.droppedFull).toBe(thinned);
    expect(cap.find('quiet readings thinned').length).toBeGreaterThan(0);
    const recs = q.peek(10_000).filter((r) => r.payload.length > 1); // tombstones (1 byte) stand for thinned records
    const got = ids(recs);
    // Every alarm record, and the quiet one just before and after each episode, are still there.
    for (let i = 1; i <= 150; i++) if (alarm(i)) expect(got).toContain(i);
    for (const i of [19, 23, 69, 73, 119, 123]) expect(got).toContain(i);
    // The newest records (the segment being written) are untouched; the oldest quiet ones thinned, not all gone.
    expect(got.slice(-5)).toEqual([146, 147, 148, 149, 150]);
    expect(got.filter((i) => i < 60 && !alarm(i)).length).toBeGreaterThan(4);
    expect(got.filter((i) => i < 60 && !alarm(i)).length).toBeLessThan(40);
    expect(got.length + thinned).toBe(150);
    // Sequence numbers do not move: each record keeps its seq (= i here).
    for (const r of recs) expect(r.seq).toBe((JSON.parse(r.payload.toString()) as { i: number }).i);
    q.close();
    const q2 = mk();
    expect(ids(q2.peek(10_000).filter((r) => r.payload.length > 1))).toEqual(got);
    q2.close();
  });

  it('full of alarm records: refuses a quiet one, still takes an alarm one', () => {
    const dir = freshDir();
    const cap = captureLog();
    const classify = (p: Buffer) => ((JSON.parse(p.toString()) as { pad: string }).pad.startsWith('A') ? 'alarm' : 'quiet') as 'alarm' | 'quiet';
    const q = DurableQueue.open({ dir, maxBytes: 2 * 4096, segmentBytes: 4096, log: cap.log, cursorFlushMs: 0, classify });
    const alarmRec = (i: number) => Buffer.from(JSON.stringify({ i, pad: 'A'.repeat(200) }));
    let i = 1;
    while (q.stats().bytes + 300 < 2 * 4096) q.append(alarmRec(i++));
    expect(() => q.append(rec(i, 200))).toThrow(QueueFullError);
    expect(q.append(alarmRec(i))).toBe(i);
    q.sync();
    expect(ids(q.peek(10_000))).toEqual(Array.from({ length: i }, (_, k) => k + 1));
    q.close();
  });

  it('a segment thinned while a batch is in flight: the ack still lands on the right record', () => {
    const dir = freshDir();
    const cap = captureLog();
    const q = DurableQueue.open({ dir, maxBytes: 4 * 4096, segmentBytes: 4096, log: cap.log, cursorFlushMs: 0, classify: () => 'quiet' });
    for (let i = 1; i <= 30; i++) q.append(rec(i, 200));
    q.sync();
    const batch = q.peek(5); // in flight: 1..5
    for (let i = 31; i <= 120; i++) q.append(rec(i, 200)); // fills the queue: the first segment is thinned
    q.sync();
    expect(q.stats().droppedFull).toBeGreaterThan(0);
    q.ack(batch[batch.length - 1]!);
    const next = q.peek(10_000).filter((r) => r.payload.length > 1);
    expect(ids(next)[0]).toBeGreaterThan(5);
    expect(ids(next)).toContain(120);
    for (const r of next) expect(r.seq).toBe((JSON.parse(r.payload.toString()) as { i: number }).i);
    q.close();
  });

  it('keeps going when the cursor file is damaged (resends are harmless)', () => {
    const dir = freshDir();
    const { q } = open(dir);
    for (let i = 1; i <= 3; i++) q.append(rec(i));
    q.sync();
    q.ack(q.peek(1)[0]!);
    q.close();
    writeFileSync(join(dir, 'cursor'), '{"acked": nonsense');
    const { q: q2, cap } = open(dir);
    expect(cap.find('cursor file unreadable').length).toBe(1);
    expect(ids(q2.peek(10))).toEqual([1, 2, 3]);
    q2.close();
  });

  it('numbers records after the cursor when every segment was deleted', () => {
    const dir = freshDir();
    const { q } = open(dir, { segmentBytes: 4096 });
    for (let i = 1; i <= 40; i++) q.append(rec(i, 200));
    q.sync();
    const all = q.peek(1000);
    q.ack(all[all.length - 1]!);
    q.close();
    const { q: q2 } = open(dir, { segmentBytes: 4096 });
    expect(q2.stats().pending).toBe(0);
    expect(q2.append(rec(41))).toBe(41);
    q2.close();
    expect(existsSync(join(dir, 'cursor'))).toBe(true);
  });
});
