import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { DEFAULT_THRESHOLDS, mergeThresholds, thresholdProblems, ThresholdsOverrideSchema, type Thresholds } from '../../src/domain/thresholds.js';
import { writeFileAtomicSync } from './fsutil.js';
import { errText, type Logger } from './log.js';

/** How the API tells the board to behave (contract v1.1, "The ingest answer tells the board how to behave"). */
export interface Policy {
  thresholds: Thresholds;
  uploadIntervalSeconds: number;
  /** When in the interval quiet posts go (upload-schedule.ts); absent from an older server. */
  uploadPhaseSeconds?: number;
}

/** Before the first answer: the deployment defaults. */
export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({ thresholds: DEFAULT_THRESHOLDS, uploadIntervalSeconds: 300 });

const PolicySchema = v.object({
  thresholds: v.optional(v.looseObject(ThresholdsOverrideSchema.entries)),
  uploadIntervalSeconds: v.optional(v.pipe(v.number(), v.finite(), v.minValue(1), v.maxValue(86_400))),
  // Anything else passes through here: a phase that makes no sense is left out below, the rest of the policy stands.
  uploadPhaseSeconds: v.optional(v.unknown()),
});

// Seconds to the millisecond: the instants are taken in whole milliseconds (upload-schedule.ts).
const PhaseSchema = v.pipe(v.number(), v.finite(), v.minValue(0));

/** The policy of an ingest answer, with what it leaves out from the defaults; undefined when it makes no sense. */
export function parsePolicy(raw: unknown, base: Readonly<Policy> = DEFAULT_POLICY): Policy | undefined {
  const r = v.safeParse(PolicySchema, raw);
  if (!r.success) return undefined;
  const o = r.output.thresholds;
  const thresholds = mergeThresholds(base.thresholds, o ? { co2: o.co2, heat: o.heat, smoke: o.smoke, offlineAfterSeconds: o.offlineAfterSeconds } : undefined);
  if (thresholdProblems(thresholds).length > 0) return undefined;
  const uploadIntervalSeconds = r.output.uploadIntervalSeconds ?? base.uploadIntervalSeconds;
  // Never carried over from `base`: an answer without one (an older server) means no phase.
  const phase = v.safeParse(PhaseSchema, r.output.uploadPhaseSeconds);
  return { thresholds, uploadIntervalSeconds, ...(phase.success && phase.output < uploadIntervalSeconds ? { uploadPhaseSeconds: phase.output } : {}) };
}

/** The last policy the API gave, kept in the queue folder (written only when it changes: SD wear). */
export class PolicyFile {
  private readonly path: string;
  current: Policy;

  constructor(dir: string, private readonly log: Logger) {
    this.path = join(dir, 'policy.json');
    this.current = { ...DEFAULT_POLICY };
    try {
      this.current = parsePolicy(JSON.parse(readFileSync(this.path, 'utf8'))) ?? this.current;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('policy file unreadable, deployment defaults used', { error: errText(err) });
    }
  }

  update(p: Policy): boolean {
    if (JSON.stringify(p) === JSON.stringify(this.current)) return false;
    const before = this.current;
    this.current = p;
    this.log.info('policy from the API', {
      uploadIntervalSeconds: p.uploadIntervalSeconds, uploadPhaseSeconds: p.uploadPhaseSeconds, previousIntervalSeconds: before.uploadIntervalSeconds, thresholds: p.thresholds,
    });
    try {
      writeFileAtomicSync(this.path, JSON.stringify(p) + '\n');
    } catch (err) {
      this.log.warn('could not save the policy (kept in memory)', { error: errText(err) });
    }
    return true;
  }
}
