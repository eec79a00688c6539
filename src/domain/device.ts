import * as v from 'valibot';
import { DeviceIdSchema } from './device-id.js';
import { ThresholdsOverrideSchema, type ThresholdsOverride } from './thresholds.js';
import type { Reading } from './reading.js';

const Name = v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must be at most 100 characters'));
const Location = v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(200, 'must be at most 200 characters'));

export const RegisterDeviceSchema = v.strictObject(
  {
    deviceId: DeviceIdSchema,
    name: v.optional(Name),
    location: v.optional(Location),
    thresholds: v.optional(ThresholdsOverrideSchema),
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
    },
    'must be an object',
  ),
  v.check((patch) => Object.keys(patch).length > 0, 'give at least one of name, location, thresholds'),
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
}

/** Liveness from the server's clock only: a wrong board clock cannot fake or hide an outage. */
export function deviceStatus(lastSeenAt: string | null, offlineAfterSeconds: number, nowMs: number): DeviceStatus {
  if (lastSeenAt === null) return 'never_seen';
  return nowMs - Date.parse(lastSeenAt) > offlineAfterSeconds * 1000 ? 'offline' : 'online';
}
