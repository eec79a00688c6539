import { deviceStatus, type DeviceStatus } from '../domain/device.js';
import type { Reading } from '../domain/reading.js';
import { mergeThresholds, type ThresholdsOverride } from '../domain/thresholds.js';
import type { DeviceSnapshot } from './ports.js';
import type { Settings } from './settings.js';

/** A device as the API shows it. */
export interface DeviceView {
  deviceId: string;
  name: string | null;
  location: string | null;
  createdAt: string;
  lastSeenAt: string | null;
  status: DeviceStatus;
  latest: Reading | null;
  activeAlerts: number;
  /** The device's own overrides (the deployment's values apply to the rest). */
  thresholds: ThresholdsOverride;
  revoked: boolean;
}

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
  };
}
