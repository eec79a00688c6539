import { evaluatePost, type ReadingToEvaluate } from '../../domain/alerts/lifecycle.js';
import { mergeThresholds } from '../../domain/thresholds.js';
import { formatUtc } from '../../domain/time.js';
import type { DeviceSnapshot } from '../ports.js';
import { commitAlertChange } from './commit.js';
import type { AlertDeps } from './deps.js';
import { deliverPending } from './deliver.js';

/**
 * After a post is stored: evaluate its readings in ts order against the
 * device's alert state, end an offline alert (the board is talking), commit,
 * then deliver what is pending. Delivery failures never fail the post: the
 * entries stay pending for the sweep.
 */
export async function evaluateAfterPost(deps: AlertDeps, device: DeviceSnapshot, readings: readonly ReadingToEvaluate[], receivedAtMs: number): Promise<void> {
  const thresholds = mergeThresholds(deps.settings.thresholds, device.thresholds);
  const silenceSeconds = device.lastSeenAt ? Math.max(0, Math.round((receivedAtMs - Date.parse(device.lastSeenAt)) / 1000)) : 0;
  const evaluation = await commitAlertChange(deps, device.deviceId, device.alertState, (state) =>
    evaluatePost(state, {
      deviceId: device.deviceId,
      readings,
      thresholds,
      serverNow: formatUtc(receivedAtMs),
      offlineResolution: { silenceSeconds },
      newId: deps.newAlertId,
    }),
  );
  if (Object.keys(evaluation.state.pending).length === 0) return;
  try {
    await deliverPending(deps, device);
  } catch (error) {
    deps.log.error('delivering notifications failed; the sweep will retry', { deviceId: device.deviceId, error });
  }
}
