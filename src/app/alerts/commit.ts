import { ApiError } from '../../domain/errors.js';
import type { Evaluation } from '../../domain/alerts/lifecycle.js';
import type { AlertState } from '../../domain/alerts/types.js';
import type { AlertDeps } from './deps.js';

const MAX_ATTEMPTS = 8;

/**
 * Optimistic concurrency on a device's alert state: compute the next state
 * from what was read, write it if nobody else wrote in between, else read
 * again and recompute. Concurrent or retried work therefore never applies a
 * transition twice.
 */
export async function commitAlertChange(
  deps: Pick<AlertDeps, 'alertStates' | 'telemetry' | 'log'>,
  deviceId: string,
  initial: AlertState | undefined,
  change: (state: AlertState) => Evaluation,
): Promise<Evaluation> {
  let state = initial ?? (await deps.alertStates.read(deviceId));
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const evaluation = change(state);
    if (!evaluation.changed) return evaluation;
    if (await deps.alertStates.commit(deviceId, state.version, evaluation.state, evaluation.queued, state)) {
      for (const entry of evaluation.queued) {
        deps.telemetry.count('AlertTransitions', 1, { kind: entry.kind, severity: entry.severity, transition: entry.transition });
      }
      return { ...evaluation, state: { ...evaluation.state, version: state.version + 1 } };
    }
    state = await deps.alertStates.read(deviceId);
  }
  deps.log.error('alert state kept changing under us; giving up this time', { deviceId });
  throw new ApiError('unavailable', 'alert state is busy; retry', [], { 'retry-after': '1' });
}
