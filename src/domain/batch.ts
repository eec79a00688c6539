import type { ErrorDetail } from './errors.js';
import { judgeReading, type Reading, type TimeWindow } from './reading.js';

/** A valid reading of a batch, with its place in the batch. */
export interface JudgedReading {
  index: number;
  reading: Reading;
  tsMs: number;
}

export interface BatchVerdict {
  /** Valid readings, each identity once (the first one in the batch stands). */
  valid: JudgedReading[];
  rejected: { index: number; errors: ErrorDetail[] }[];
  /** Readings whose identity came earlier in the same batch. */
  inBatchDuplicates: number;
}

/** A reading's identity within its device (contract, "Idempotency"): its `id` when given, else its `ts`. */
function identity(reading: Pick<Reading, 'id' | 'ts'>): string {
  return reading.id !== undefined ? `id ${reading.id}` : `ts ${reading.ts}`;
}

/** Judge every reading of a batch on its own, and drop repeats of an identity within the batch. */
export function judgeBatch(raw: readonly unknown[], window: TimeWindow): BatchVerdict {
  const verdict: BatchVerdict = { valid: [], rejected: [], inBatchDuplicates: 0 };
  const seen = new Set<string>();
  raw.forEach((item, index) => {
    const judged = judgeReading(item, window);
    if (!judged.ok) {
      verdict.rejected.push({ index, errors: judged.errors });
      return;
    }
    const key = identity(judged.reading);
    if (seen.has(key)) {
      verdict.inBatchDuplicates++;
      return;
    }
    seen.add(key);
    verdict.valid.push({ index, reading: judged.reading, tsMs: judged.tsMs });
  });
  return verdict;
}

/** The newest reading of `candidates` when it is newer than `current` (`latest` only moves forward). */
export function newerLatest(current: Reading | null, candidates: readonly Reading[]): Reading | undefined {
  let best: Reading | undefined;
  let bestMs = current ? Date.parse(current.ts) : -Infinity;
  for (const candidate of candidates) {
    const ms = Date.parse(candidate.ts);
    if (ms > bestMs) {
      best = candidate;
      bestMs = ms;
    }
  }
  return best;
}
