import * as v from 'valibot';
import { DeviceIdSchema } from './device-id.js';
import { ThresholdsOverrideSchema, type ThresholdsOverride } from './thresholds.js';
import type { Reading } from './reading.js';

const Name = v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must be at most 100 characters'));
const Location = v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(200, 'must be at most 200 characters'));

/** How often the board posts while nothing is alarming (contract v1.1, "The ingest answer tells the board how to behave"). */
export const MIN_UPLOAD_INTERVAL_SECONDS = 10;
export const MAX_UPLOAD_INTERVAL_SECONDS = 3600;
const UploadInterval = v.pipe(
  v.number('must be a number'),
  v.integer('must be a whole number of seconds'),
  v.minValue(MIN_UPLOAD_INTERVAL_SECONDS, `must be >= ${MIN_UPLOAD_INTERVAL_SECONDS}`),
  v.maxValue(MAX_UPLOAD_INTERVAL_SECONDS, `must be <= ${MAX_UPLOAD_INTERVAL_SECONDS}`),
  v.description('Seconds between posts while nothing is alarming; the effective value is never more than half of offlineAfterSeconds'),
);

export const RegisterDeviceSchema = v.strictObject(
  {
    deviceId: DeviceIdSchema,
    name: v.optional(Name),
    location: v.optional(Location),
    thresholds: v.optional(ThresholdsOverrideSchema),
    uploadIntervalSeconds: v.optional(UploadInterval),
  },
  'must be an object',
);
export type RegisterDevice = v.InferOutput<typeof RegisterDeviceSchema>;

/** PATCH: `null` clears a field; `thresholds` replaces the device's overrides as a whole. */
export const UpdateDeviceSchema = v.pipe(
  v.strictObject(
    {
      name: v.optional(v.nullable(Name)),
      location: v.optional(v.nullable(Location)),
      thresholds: v.optional(v.nullable(ThresholdsOverrideSchema)),
      uploadIntervalSeconds: v.optional(v.nullable(UploadInterval)),
    },
    'must be an object',
  ),
  v.check((patch) => Object.keys(patch).length > 0, 'give at least one of name, location, thresholds, uploadIntervalSeconds'),
);
export type UpdateDevice = v.InferOutput<typeof UpdateDeviceSchema>;

export type DeviceStatus = 'online' | 'offline' | 'never_seen';

/** A device as stored (the key is kept only as a hash). */
export interface DeviceRecord {
  deviceId: string;
  name: string | null;
  location: string | null;
  thresholds: ThresholdsOverride;
  createdAt: string;
  keyHash: string | null;
  revokedAt: string | null;
  lastSeenAt: string | null;
  latest: Reading | null;
  /** The device's own upload interval; null: the deployment's. */
  uploadIntervalSeconds: number | null;
}

/** The interval the board is told (never more than half of its offline limit, so one late post is not an outage). */
export function effectiveUploadInterval(deviceSetting: number | null, deploymentSetting: number, offlineAfterSeconds: number): number {
  return Math.max(1, Math.min(deviceSetting ?? deploymentSetting, Math.floor(offlineAfterSeconds / 2)));
}

/** Liveness from the server's clock only: a wrong board clock cannot fake or hide an outage. */
export function deviceStatus(lastSeenAt: string | null, offlineAfterSeconds: number, nowMs: number): DeviceStatus {
  if (lastSeenAt === null) return 'never_seen';
  return nowMs - Date.parse(lastSeenAt) > offlineAfterSeconds * 1000 ? 'offline' : 'online';
}
