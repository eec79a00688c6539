import type * as v from 'valibot';
import { deviceStatus } from '../domain/device.js';
import type { DeviceViewSchema } from '../domain/responses.js';
import { mergeThresholds } from '../domain/thresholds.js';
import type { DeviceSnapshot } from './ports.js';
import type { Settings } from './settings.js';

/** A device as the API shows it (shape: DeviceViewSchema). */
export type DeviceView = v.InferOutput<typeof DeviceViewSchema>;

export function deviceView(device: DeviceSnapshot, settings: Settings, nowMs: number): DeviceView {
  const offlineAfter = mergeThresholds(settings.thresholds, device.thresholds).offlineAfterSeconds;
  return {
    deviceId: device.deviceId,
    name: device.name,
    location: device.location,
    createdAt: device.createdAt,
    lastSeenAt: device.lastSeenAt,
    status: deviceStatus(device.lastSeenAt, offlineAfter, nowMs),
    latest: device.latest,
    activeAlerts: device.activeAlerts,
    thresholds: device.thresholds,
    revoked: device.revokedAt !== null,
    uploadIntervalSeconds: device.uploadIntervalSeconds,
  };
}
