import { evaluatePost, type Evaluation, type ReadingToEvaluate } from '../../domain/alerts/lifecycle.js';
import { newerLatest } from '../../domain/batch.js';
import { ApiError } from '../../domain/errors.js';
import { mergeThresholds } from '../../domain/thresholds.js';
import { formatUtc } from '../../domain/time.js';
import type { DeviceSnapshot } from '../ports.js';
import type { AlertDeps } from './deps.js';
import { deliverPending } from './deliver.js';

/** Attempts at the post's device write when other writers keep getting there first (20 concurrent posts settle well within). */
const MAX_ATTEMPTS = 40;

export interface PostToCommit {
  receivedAtMs: number;
  /** Readings this post stored. */
  stored: readonly ReadingToEvaluate[];
  /** Readings stored before, as first stored. */
  duplicates: readonly ReadingToEvaluate[];
}

/**
 * After a post's readings are stored: evaluate them in ts order against the
 * device's alert state, end an offline alert (the board is talking), and
 * write lastSeenAt, latest (forward only), the evaluation cursor, the alert
 * state and its outbox in ONE conditional write on the device item's version;
 * when another writer came first, read the device again and recompute. Then
 * deliver what is pending from the state just committed. Delivery failures
 * never fail the post: the entries stay pending for the sweep.
 */
export async function evaluateAfterPost(deps: AlertDeps, device: DeviceSnapshot, post: PostToCommit): Promise<Evaluation> {
  const thresholds = mergeThresholds(deps.settings.thresholds, device.thresholds);
  const receivedAt = formatUtc(post.receivedAtMs);
  const startCursor = device.alertState.evaluatedTs;
  let current = device;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const state = current.alertState;
    const cursor = state.evaluatedTs;
    // Duplicates past the cursor were stored by an attempt that died (or is still running) before evaluating them.
    const missed = post.duplicates.filter((d) => cursor === null || d.reading.ts > cursor);
    // After a conflict, what moved past the cursor since this post began was evaluated by the writer that moved it.
    const own = attempt === 0 ? post.stored : post.stored.filter((s) => !(s.reading.ts <= (cursor ?? '') && (startCursor === null || s.reading.ts > startCursor)));
    const silenceSeconds = current.lastSeenAt ? Math.max(0, Math.round((post.receivedAtMs - Date.parse(current.lastSeenAt)) / 1000)) : 0;
    const evaluation = evaluatePost(state, {
      deviceId: device.deviceId,
      readings: [...own, ...missed],
      thresholds,
      serverNow: receivedAt,
      offlineResolution: { silenceSeconds },
      newId: deps.newAlertId,
    });
    const next = evaluation.changed ? evaluation.state : state;
    const latest = newerLatest(current.latest, [...post.stored, ...post.duplicates].map((r) => r.reading));
    const seenAt = current.lastSeenAt !== null && current.lastSeenAt > receivedAt ? current.lastSeenAt : receivedAt;
    if (await deps.devices.recordPost(device.deviceId, { seenAt, ...(latest ? { latest } : {}), previous: state, next, queued: evaluation.queued })) {
      for (const entry of evaluation.queued) {
        deps.telemetry.count('AlertTransitions', 1, { kind: entry.kind, severity: entry.severity, transition: entry.transition });
      }
      const committed = { ...evaluation, state: { ...next, version: state.version + 1 } };
      if (Object.keys(committed.state.pending).length > 0) {
        try {
          await deliverPending(deps, device, committed.state);
        } catch (error) {
          deps.log.error('delivering notifications failed; the sweep will retry', { deviceId: device.deviceId, error });
        }
      }
      return committed;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6))));
    const fresh = await deps.devices.get(device.deviceId);
    if (!fresh) throw new ApiError('not_found', `no device ${device.deviceId}`);
    current = fresh;
  }
  deps.log.error('the device kept changing under us; giving up this time', { deviceId: device.deviceId });
  throw new ApiError('unavailable', 'the device is busy; retry the batch (readings already stored count as duplicates)', [], { 'retry-after': '1' });
}
