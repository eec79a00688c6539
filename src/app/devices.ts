import { ApiError } from '../domain/errors.js';
import type { RegisterDevice, UpdateDevice } from '../domain/device.js';
import { mergeThresholds, thresholdProblems, type ThresholdsOverride } from '../domain/thresholds.js';
import { formatUtc } from '../domain/time.js';
import { hashSecret, newDeviceKey } from './credentials.js';
import { openCursor, sealCursor } from './cursor.js';
import { pageLimit } from './query-params.js';
import { deviceView, type DeviceView } from './device-view.js';
import type { Clock, DeviceStore, Log } from './ports.js';
import type { Settings } from './settings.js';

export interface DeviceDeps {
  devices: DeviceStore;
  clock: Clock;
  settings: Settings;
  log: Log;
}

export interface IssuedKey {
  deviceId: string;
  key: string;
}

function checkThresholds(settings: Settings, override: ThresholdsOverride | null | undefined): void {
  const problems = thresholdProblems(mergeThresholds(settings.thresholds, override ?? undefined));
  if (problems.length > 0) throw new ApiError('validation_failed', 'a clear level must stay below its raise level', problems);
}

const notFound = (deviceId: string) => new ApiError('not_found', `no device ${deviceId}`);

export async function registerDevice(deps: DeviceDeps, input: RegisterDevice): Promise<IssuedKey> {
  checkThresholds(deps.settings, input.thresholds);
  const key = newDeviceKey(input.deviceId);
  const created = await deps.devices.create({
    deviceId: input.deviceId,
    name: input.name ?? null,
    location: input.location ?? null,
    thresholds: input.thresholds ?? {},
    createdAt: formatUtc(deps.clock.now()),
    keyHash: hashSecret(key),
    revokedAt: null,
    lastSeenAt: null,
    latest: null,
    uploadIntervalSeconds: input.uploadIntervalSeconds ?? null,
  });
  if (!created) throw new ApiError('conflict', `device ${input.deviceId} exists already (a revoked id cannot be registered again; rotate its key to re-enable it)`);
  deps.log.info('device registered', { deviceId: input.deviceId });
  return { deviceId: input.deviceId, key };
}

export interface DevicesPage {
  items: DeviceView[];
  nextCursor?: string;
}

/** `GET /v1/devices`: ordered by deviceId, paginated like readings (contract v1.1). */
export async function listDevices(deps: DeviceDeps, query: Readonly<Record<string, string | undefined>> = {}): Promise<DevicesPage> {
  const limit = pageLimit(query);
  const after = query.cursor !== undefined && query.cursor !== '' ? openCursor('devices', query.cursor, ['a']).a : undefined;
  const page = await deps.devices.listPage(limit, after);
  const now = deps.clock.now();
  return {
    items: page.items.map((d) => deviceView(d, deps.settings, now)),
    ...(page.lastDeviceId !== undefined ? { nextCursor: sealCursor('devices', { a: page.lastDeviceId }) } : {}),
  };
}

export async function getDevice(deps: DeviceDeps, deviceId: string): Promise<DeviceView> {
  const device = await deps.devices.get(deviceId);
  if (!device) throw notFound(deviceId);
  return deviceView(device, deps.settings, deps.clock.now());
}

export async function updateDevice(deps: DeviceDeps, deviceId: string, patch: UpdateDevice): Promise<DeviceView> {
  if (patch.thresholds !== undefined) checkThresholds(deps.settings, patch.thresholds);
  const device = await deps.devices.update(deviceId, patch);
  if (!device) throw notFound(deviceId);
  deps.log.info('device updated', { deviceId, fields: Object.keys(patch) });
  return deviceView(device, deps.settings, deps.clock.now());
}

/** A new key; the old one fails from now on. Also re-enables a revoked device. */
export async function rotateDeviceKey(deps: DeviceDeps, deviceId: string): Promise<IssuedKey> {
  const key = newDeviceKey(deviceId);
  if (!(await deps.devices.setKeyHash(deviceId, hashSecret(key)))) throw notFound(deviceId);
  deps.log.info('device key rotated', { deviceId });
  return { deviceId, key };
}

/** The device's key stops working at once; its data stays readable. */
export async function revokeDevice(deps: DeviceDeps, deviceId: string): Promise<void> {
  if (!(await deps.devices.revoke(deviceId, formatUtc(deps.clock.now())))) throw notFound(deviceId);
  deps.log.info('device revoked', { deviceId });
}
