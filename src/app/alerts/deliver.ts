import { renderNotification, type DeviceLabel } from '../../domain/alerts/messages.js';
import { latencyMs } from '../../domain/alerts/latency.js';
import type { AlertState } from '../../domain/alerts/types.js';
import { formatUtc } from '../../domain/time.js';
import { isSilenced } from '../silences/silences.js';
import type { AlertDeps } from './deps.js';

/**
 * How long a delivery may take before another process may take the entry
 * over (a claimer that died): short, so that a fire waits at most this long;
 * longer than the SNS call can take (SNS_REQUEST_TIMEOUT_MS x attempts).
 */
export const CLAIM_MS = 12_000;

export interface DeliveryResult {
  delivered: number;
  failed: number;
  left: number;
  /** When the entry another process holds is free again (undefined when nothing was held). */
  heldUntilMs?: number;
}

/**
 * Deliver a device's outbox in order: claim an entry, reflect it in the
 * alert's record, publish it, remove it. A failure leaves the entry (and
 * those after it) for the next attempt; a process that dies after publishing
 * and before removing can cause the one duplicate this design allows.
 */
export async function deliverPending(deps: AlertDeps, device: DeviceLabel, state?: AlertState): Promise<DeliveryResult> {
  const current = state ?? (await deps.alertStates.read(device.deviceId));
  const entries = Object.values(current.pending).sort((a, b) => (a.seq < b.seq ? -1 : 1));
  const result: DeliveryResult = { delivered: 0, failed: 0, left: entries.length };
  for (const entry of entries) {
    const now = deps.clock.now();
    if (!(await deps.alertStates.claim(device.deviceId, entry.seq, deps.instanceId, now + CLAIM_MS, now))) {
      // Another process has it: keep order, and try again when its claim ends, in case that process died
      // (a claim taken after our read ends within CLAIM_MS from now).
      const known = entry.claimedUntil !== undefined && entry.claimedUntil >= now;
      result.heldUntilMs = known ? (entry.claimedUntil as number) : now + CLAIM_MS;
      deps.deliveryRetries?.retryAt(device, result.heldUntilMs);
      break;
    }
    try {
      const expiresAt = Math.floor(Date.parse(entry.at) / 1000) + deps.settings.retentionDays * 86_400;
      const silenced = entry.silenced === true || (await isSilenced(deps, entry.deviceId, entry.kind, entry.at).catch((error: unknown) => {
        // Fail open: if silences cannot be read, a notification during a drill is better than a missed fire.
        deps.log.error('reading silences failed; notifying anyway', { deviceId: entry.deviceId, alertId: entry.alertId, error });
        return false;
      }));
      await deps.alerts.record(silenced ? { ...entry, silenced } : entry, expiresAt);
      // A silenced transition is recorded (above) and listed, never published.
      if (silenced) {
        await deps.alertStates.complete(device.deviceId, entry.seq, deps.instanceId);
        result.left--;
        // A log line, not a metric: no dashboard or alarm reads it (custom metrics are priced per name).
        deps.log.info('notification silenced', { deviceId: entry.deviceId, alertId: entry.alertId, transition: entry.transition, kind: entry.kind });
        continue;
      }
      const rendered = renderNotification(entry, device, deps.settings.notificationLanguage, { emergencyNumber: deps.settings.emergencyNumber });
      const sentAtMs = deps.clock.now();
      const latency = latencyMs(entry, sentAtMs);
      await deps.notifier.publish({
        transition: entry.transition,
        alertId: entry.alertId,
        deviceId: entry.deviceId,
        kind: entry.kind,
        severity: entry.severity,
        value: entry.value,
        threshold: entry.threshold,
        at: entry.at,
        ...(entry.late ? { late: true } : {}),
        ...(entry.afterSilence ? { afterSilence: true } : {}),
        ...rendered,
        sentAt: formatUtc(sentAtMs),
        latencyMs: latency,
      });
      if (latency !== null) deps.telemetry.measure('NotificationLatency', 'Milliseconds', latency);
    } catch (error) {
      result.failed++;
      deps.telemetry.count('NotificationsFailed', 1);
      deps.log.error('notification failed; it stays pending and is retried', { deviceId: device.deviceId, alertId: entry.alertId, transition: entry.transition, attempts: (entry.attempts ?? 0) + 1, error });
      await deps.alertStates.release(device.deviceId, entry.seq, deps.instanceId);
      break;
    }
    await deps.alertStates.complete(device.deviceId, entry.seq, deps.instanceId);
    result.delivered++;
    result.left--;
    deps.telemetry.count('NotificationsPublished', 1);
  }
  return result;
}
