import * as v from 'valibot';
import type { ErrorDetail } from './errors.js';
import { isStorableNumber, STORABLE_NUMBER_MESSAGE } from './reading.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from './threshold-defaults.js';

export { DEFAULT_THRESHOLDS, mergeThresholds, type Thresholds } from './threshold-defaults.js';

// Storable too: a threshold the store cannot hold would fail the write with a 500 (contract v1.1).
/** Named sets of defaults a deployment starts from before THRESHOLDS overrides them (contract, "Threshold presets"). */
export const THRESHOLD_PRESETS = Object.freeze({
  default: DEFAULT_THRESHOLDS,
  /** French rules for CO2 in buildings open to the public (ERP): act above 800 ppm, urgently above 1500. */
  'fr-erp': Object.freeze({ ...DEFAULT_THRESHOLDS, co2: Object.freeze({ warning: 800, critical: 1500, clear: 700 }) }),
} satisfies Record<string, Readonly<Thresholds>>);

export type ThresholdPresetName = keyof typeof THRESHOLD_PRESETS;

export function isThresholdPresetName(name: string): name is ThresholdPresetName {
  return Object.prototype.hasOwnProperty.call(THRESHOLD_PRESETS, name);
}

const finite = (min: number, max: number) =>
  v.pipe(
    v.number('must be a number'),
    v.finite('must be finite'),
    v.check(isStorableNumber, STORABLE_NUMBER_MESSAGE),
    v.minValue(min, `must be >= ${min}`),
    v.maxValue(max, `must be <= ${max}`),
  );

/** Any subset of the thresholds object; unknown keys are errors (a typo must not be ignored). */
export const ThresholdsOverrideSchema = v.strictObject(
  {
    co2: v.optional(
      v.strictObject({ warning: v.optional(finite(0, 100000)), critical: v.optional(finite(0, 100000)), clear: v.optional(finite(0, 100000)) }),
    ),
    heat: v.optional(
      v.strictObject({ critical: v.optional(finite(-55, 150)), risePerMinute: v.optional(finite(0.1, 100)), clear: v.optional(finite(-55, 150)) }),
    ),
    smoke: v.optional(v.strictObject({ critical: v.optional(finite(0, 1)), clear: v.optional(finite(0, 1)) })),
    offlineAfterSeconds: v.optional(v.pipe(finite(60, 7 * 24 * 3600), v.integer('must be a whole number of seconds'))),
  },
  'must be a thresholds object',
);

export type ThresholdsOverride = v.InferOutput<typeof ThresholdsOverrideSchema>;

/** A clear level must stay below its raise level; warning must not exceed critical. */
export function thresholdProblems(t: Thresholds, prefix = 'thresholds'): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (!(t.co2.clear < t.co2.warning)) problems.push({ path: `${prefix}.co2.clear`, message: `must be below co2.warning (${t.co2.warning})` });
  if (!(t.co2.warning <= t.co2.critical)) problems.push({ path: `${prefix}.co2.warning`, message: `must not exceed co2.critical (${t.co2.critical})` });
  if (!(t.heat.clear < t.heat.critical)) problems.push({ path: `${prefix}.heat.clear`, message: `must be below heat.critical (${t.heat.critical})` });
  if (!(t.smoke.clear < t.smoke.critical)) problems.push({ path: `${prefix}.smoke.clear`, message: `must be below smoke.critical (${t.smoke.critical})` });
  return problems;
}
