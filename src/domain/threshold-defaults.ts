import type { ThresholdsOverride } from './thresholds.js';

/**
 * The thresholds' shape, defaults and merge, apart from their valibot schema
 * (thresholds.ts re-exports them): the dashboard's bundle takes these
 * without the validation library.
 */

/** Alert thresholds: the one place their defaults live (contract, "Alerts"). */
export interface Thresholds {
  co2: { warning: number; critical: number; clear: number };
  heat: { critical: number; risePerMinute: number; clear: number };
  smoke: { critical: number; clear: number };
  offlineAfterSeconds: number;
}

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  co2: { warning: 1000, critical: 5000, clear: 900 },
  heat: { critical: 57, risePerMinute: 8.3, clear: 50 },
  smoke: { critical: 0.35, clear: 0.3 },
  offlineAfterSeconds: 600,
});

/** The override with its defaults filled in from `base`. */
export function mergeThresholds(base: Readonly<Thresholds>, override: ThresholdsOverride | undefined): Thresholds {
  return {
    co2: { ...base.co2, ...override?.co2 },
    heat: { ...base.heat, ...override?.heat },
    smoke: { ...base.smoke, ...override?.smoke },
    offlineAfterSeconds: override?.offlineAfterSeconds ?? base.offlineAfterSeconds,
  };
}
