import { clone, queue, type Evaluation } from './lifecycle.js';
import type { ActiveAlert, AlertKind, AlertState, PendingNotification } from './types.js';

/**
 * Escalation when nobody acknowledges: an active critical alert still
 * unacknowledged `escalateAfterMinutes` after its `raisedAt` (server clock)
 * is notified once as `unacknowledged`, for a second list of people.
 * `0` turns it off. Reminders go on beside it.
 */
export function escalateUnacknowledged(
  current: AlertState,
  input: { deviceId: string; nowMs: number; escalateAfterMinutes: number },
): Evaluation {
  if (input.escalateAfterMinutes <= 0) return { state: current, changed: false, queued: [] };
  const due = (alert: ActiveAlert) =>
    alert.severity === 'critical' && !alert.acknowledgedAt && !alert.unacknowledgedAt && input.nowMs - Date.parse(alert.raisedAt) >= input.escalateAfterMinutes * 60_000;
  if (!Object.values(current.active).some((a) => a && due(a))) return { state: current, changed: false, queued: [] };
  const state = clone(current);
  const queued: PendingNotification[] = [];
  const serverNow = new Date(input.nowMs).toISOString();
  for (const [kind, alert] of Object.entries(state.active) as [AlertKind, ActiveAlert][]) {
    if (!due(alert)) continue;
    alert.unacknowledgedAt = serverNow;
    queue(
      state,
      { transition: 'unacknowledged', alertId: alert.alertId, deviceId: input.deviceId, kind, severity: alert.severity, value: alert.value, threshold: alert.threshold, at: serverNow, raisedAt: alert.raisedAt, ...(alert.byRate ? { byRate: true } : {}) },
      queued,
    );
  }
  return { state, changed: true, queued };
}
