import { DEFAULT_THRESHOLDS, mergeThresholds, type Thresholds } from '../../domain/threshold-defaults.js';
import type { Device } from './types.mjs';

export type { Thresholds };

/**
 * The levels a board is judged by, as far as the public API tells: its own
 * overrides over the contract's defaults (a deployment-wide THRESHOLDS
 * setting is not visible to the browser; see docs/dashboard.md).
 */
export function thresholdsOf(device: Pick<Device, 'thresholds'> | undefined): Thresholds {
  return mergeThresholds(DEFAULT_THRESHOLDS, device?.thresholds);
}
