import { escalateUnacknowledged } from '../../domain/alerts/escalation.js';
import type { AlertState } from '../../domain/alerts/types.js';
import { commitAlertChange } from './commit.js';
import type { AlertDeps } from './deps.js';

/**
 * The sweep's escalation step for one device: queue `unacknowledged` for
 * every critical alert nobody acknowledged in ESCALATE_AFTER_MINUTES. The
 * conditional write makes it once only, whichever sweeper gets there first.
 */
export async function escalateDevice(deps: AlertDeps, deviceId: string, state: AlertState, nowMs: number): Promise<{ state: AlertState; escalated: number }> {
  const evaluation = await commitAlertChange(deps, deviceId, state, (current) =>
    escalateUnacknowledged(current, { deviceId, nowMs, escalateAfterMinutes: deps.settings.escalateAfterMinutes }),
  );
  return { state: evaluation.state, escalated: evaluation.queued.length };
}
