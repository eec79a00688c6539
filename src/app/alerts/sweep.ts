import { raiseOffline, remind } from '../../domain/alerts/lifecycle.js';
import type { AlertKind, Severity } from '../../domain/alerts/types.js';
import { mergeThresholds } from '../../domain/thresholds.js';
import { formatUtc } from '../../domain/time.js';
import { forEachLimited } from '../concurrency.js';
import type { DeviceSnapshot } from '../ports.js';
import { commitAlertChange } from './commit.js';
import type { AlertDeps } from './deps.js';
import { deliverPending } from './deliver.js';
import { escalateDevice } from './escalate.js';
import { sweepSilences } from '../silences/silences.js';

/** Every (kind, severity) an alert can have. */
const ALERT_LEVELS: [AlertKind, Severity][] = [
  ['co2', 'warning'], ['co2', 'critical'], ['fire', 'critical'], ['heat', 'critical'], ['smoke', 'critical'], ['offline', 'warning'], ['fault', 'warning'],
];

/** Parallel Scan segments of one sweep (DynamoDB reads each in parallel). */
export const SWEEP_SEGMENTS = 16;
const DEVICES_IN_FLIGHT_PER_SEGMENT = 8;

export interface SweepOptions {
  /** Segments of the scan in all (split across invocations: each takes some of them). */
  totalSegments?: number;
  /** The segments this invocation sweeps (default: all). */
  segments?: readonly number[];
}

export interface SweepReport {
  devices: number;
  offline: number;
  /** Active alerts by `kind/severity`, zeros included. */
  active: Record<string, number>;
  raised: number;
  reminders: number;
  /** `unacknowledged` notifications queued. */
  escalated: number;
  delivered: number;
  failed: number;
  pending: number;
  /** Age in seconds of the oldest notification still pending (0 when none). */
  oldestPendingSeconds: number;
}

/**
 * The scheduled sweep (EventBridge in AWS, a timer locally and on servers):
 * raise `offline` for boards silent too long, send reminders, and deliver
 * whatever is pending. Every change is a conditional write, so two sweeps
 * running at once, or a sweep racing an ingest, change nothing twice.
 */
export async function sweep(deps: AlertDeps, options: SweepOptions = {}): Promise<SweepReport> {
  const nowMs = deps.clock.now();
  // Silences first: one that ended queues its re-notifications, delivered below in the same sweep.
  await sweepSilences(deps).catch((error: unknown) => deps.log.error('sweeping silences failed; the next sweep retries', { error }));
  const active = Object.fromEntries(ALERT_LEVELS.map(([kind, severity]) => [`${kind}/${severity}`, 0]));
  const report: SweepReport = { devices: 0, offline: 0, active, raised: 0, reminders: 0, escalated: 0, delivered: 0, failed: 0, pending: 0, oldestPendingSeconds: 0 };
  const total = options.totalSegments ?? SWEEP_SEGMENTS;
  const segments = options.segments ?? Array.from({ length: total }, (_, i) => i);
  // Segments of a parallel Scan, page by page: memory stays bounded, and a device with nothing due costs its
  // share of the scan only (no write, no read of its own).
  await forEachLimited(segments, segments.length, async (segment) => {
    for await (const page of deps.devices.scanSegment(segment, total)) {
      report.devices += page.length;
      await forEachLimited(page, DEVICES_IN_FLIGHT_PER_SEGMENT, async (device) => {
        try {
          await sweepDevice(deps, device, nowMs, report);
        } catch (error) {
          deps.log.error('sweeping a device failed; the next sweep retries', { deviceId: device.deviceId, error });
        }
      });
    }
  });
  deps.telemetry.count('OfflineDevices', report.offline);
  // A gauge per (kind, severity), zeros included, so that dashboard lines never go missing.
  for (const [level, n] of Object.entries(report.active)) {
    const [kind, severity] = level.split('/') as [string, string];
    deps.telemetry.count('ActiveAlerts', n, { kind, severity });
  }
  deps.telemetry.count('PendingNotifications', report.pending);
  deps.telemetry.measure('OldestPendingNotificationAge', 'Seconds', report.oldestPendingSeconds);
  deps.telemetry.count('SweepRuns', 1);
  return report;
}

async function sweepDevice(deps: AlertDeps, device: DeviceSnapshot, nowMs: number, report: SweepReport): Promise<void> {
  const thresholds = mergeThresholds(deps.settings.thresholds, device.thresholds);
  let state = device.alertState;
  // Never-seen and revoked boards never go offline.
  if (device.lastSeenAt !== null && device.revokedAt === null) {
    const silenceMs = nowMs - Date.parse(device.lastSeenAt);
    const silenceSeconds = Math.round(silenceMs / 1000);
    if (silenceMs > thresholds.offlineAfterSeconds * 1000 && !state.active.offline) {
      const evaluation = await commitAlertChange(deps, device.deviceId, state, (current) => {
        // Re-check against the freshest state: a post may have arrived since the scan.
        if (current.active.offline) return { state: current, changed: false, queued: [] };
        return raiseOffline(current, { deviceId: device.deviceId, serverNow: formatUtc(nowMs), silenceSeconds, offlineAfterSeconds: thresholds.offlineAfterSeconds, newId: deps.newAlertId });
      });
      report.raised += evaluation.queued.length;
      state = evaluation.state;
    }
  }
  const reminded = await commitAlertChange(deps, device.deviceId, state, (current) =>
    remind(current, { deviceId: device.deviceId, nowMs, reminderMinutes: deps.settings.reminderMinutes }),
  );
  report.reminders += reminded.queued.length;
  state = reminded.state;
  const escalation = await escalateDevice(deps, device.deviceId, state, nowMs);
  report.escalated += escalation.escalated;
  state = escalation.state;
  if (state.active.offline) report.offline++;
  for (const [kind, alert] of Object.entries(state.active)) {
    if (alert) report.active[`${kind}/${alert.severity}`] = (report.active[`${kind}/${alert.severity}`] ?? 0) + 1;
  }
  if (Object.keys(state.pending).length > 0) {
    const delivery = await deliverPending(deps, device);
    report.delivered += delivery.delivered;
    report.failed += delivery.failed;
    report.pending += delivery.left;
    if (delivery.left > 0) {
      const oldest = Object.values(state.pending).reduce((min, p) => Math.min(min, Date.parse(p.at)), nowMs);
      report.oldestPendingSeconds = Math.max(report.oldestPendingSeconds, Math.round((nowMs - oldest) / 1000));
    }
  }
}
