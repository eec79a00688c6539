import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTombstone, readCursorFile, scanRecords, stagingFolder, HEADER_BYTES } from './queue/queue.js';
import { decodeSample } from './record.js';

export interface AgentStatus {
  queueDir: string;
  queue: {
    pending: number; thinnedPending: number; segments: number; bytes: number;
    /** Of pending: readings waiting in the RAM staging folder for the next group commit (lost by a power cut). */
    staged: number;
    oldestPendingId?: string; oldestPendingAt?: string; oldestPendingAgeS?: number; oldestPendingHeld?: boolean };
  drops: Record<string, number>;
  clock: unknown;
  lastUpload: unknown;
  faults: unknown;
  diskFull: unknown;
  inMemory: unknown;
  uploadIntervalSeconds: unknown;
  /** The policy's phase of the quiet posts (null: none, they go every interval after the last post). */
  uploadPhaseSeconds: unknown;
  savedAt: unknown;
}

/**
 * What the agent took and what it lost, read from its queue folder without
 * touching it (safe while the agent runs): the queue's depth and its oldest
 * pending reading, from the segments; the counters, clock state, last upload
 * and faults, from the cursor file the agent rewrites at each upload;
 * readings staged in RAM, from `stagingDir` when given.
 */
export function readStatus(queueDir: string, nowMs = Date.now(), stagingDir?: string): AgentStatus {
  const cursor = readCursorFile(queueDir) ?? {};
  const acked = typeof cursor.acked === 'number' ? cursor.acked : 0;
  let names: string[] = [];
  try {
    names = readdirSync(queueDir).filter((n) => /^\d{16}\.seg$/.test(n)).sort();
  } catch {
    /* no queue yet */
  }
  let pending = 0;
  let thinnedPending = 0;
  let bytes = 0;
  let oldest: ReturnType<typeof decodeSample>;
  for (const name of names) {
    const base = Number(name.slice(0, 16));
    const buf = readFileSync(join(queueDir, name));
    const { count, validBytes } = scanRecords(buf);
    bytes += validBytes;
    let off = 0;
    for (let i = 0; i < count; i++) {
      const len = buf.readUInt32LE(off);
      const payload = buf.subarray(off + HEADER_BYTES, off + HEADER_BYTES + len);
      off += HEADER_BYTES + len;
      if (base + i <= acked) continue;
      if (isTombstone(payload)) {
        thinnedPending++;
        continue;
      }
      pending++;
      oldest ??= decodeSample(payload);
    }
  }
  let staged = 0;
  if (stagingDir) {
    const ram = stagingFolder(stagingDir, queueDir);
    try {
      for (const name of readdirSync(ram).filter((n) => /^\d{16}\.stage$/.test(n))) staged = Math.max(staged, scanRecords(readFileSync(join(ram, name))).count);
    } catch {
      /* nothing staged */
    }
  }
  const queue: AgentStatus['queue'] = { pending: pending + staged, thinnedPending, segments: names.length, bytes, staged };
  if (oldest) {
    queue.oldestPendingId = oldest.id;
    if (typeof oldest.ts === 'number') {
      queue.oldestPendingAt = new Date(oldest.ts).toISOString();
      queue.oldestPendingAgeS = Math.round((nowMs - oldest.ts) / 1000);
    } else {
      queue.oldestPendingHeld = true; // taken before the clock was trusted: dated when it is
    }
  }
  return {
    queueDir,
    queue,
    drops: (cursor.drops as Record<string, number> | undefined) ?? {},
    clock: cursor.clock ?? null,
    lastUpload: cursor.lastUpload ?? null,
    faults: cursor.faults ?? null,
    diskFull: cursor.diskFull ?? null,
    inMemory: cursor.memory ?? 0,
    uploadIntervalSeconds: cursor.uploadIntervalSeconds ?? null,
    uploadPhaseSeconds: cursor.uploadPhaseSeconds ?? null,
    savedAt: cursor.savedAt ?? null,
  };
}
