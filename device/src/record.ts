import type { Measurements } from './sensors/types.js';

/**
 * One sample as stored in the queue (JSON payload of a queue record).
 *  - id: ULID made when sampled; the reading's `id` at the API (idempotency).
 *  - ts: wall-clock ms, when the clock was trusted at sampling time;
 *  - mono + boot: otherwise, monotonic ms and boot id, dated later (see clock.ts).
 */
export interface StoredSample {
  id: string;
  ts?: number;
  mono?: number;
  boot?: string;
  m: Measurements;
  /** Faults (`<source>:<code>`, contract v1.1) seen when sampled. */
  f?: string[];
  /** The clock correction (ms, from the API's Date header) that `ts` already includes. */
  c?: number;
  /** How many times the API refused it for its time and it was re-dated. */
  r?: number;
}

export function encodeSample(s: StoredSample): Buffer {
  return Buffer.from(JSON.stringify(s));
}

export function decodeSample(payload: Buffer): StoredSample | undefined {
  try {
    const v = JSON.parse(payload.toString('utf8')) as Partial<StoredSample>;
    if (typeof v !== 'object' || v === null || typeof v.id !== 'string' || typeof v.m !== 'object' || v.m === null) return undefined;
    return v as StoredSample;
  } catch {
    return undefined;
  }
}
