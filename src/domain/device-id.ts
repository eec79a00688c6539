import * as v from 'valibot';

/** `deviceId`: 1 to 64 characters of `A-Z a-z 0-9 _ - .` (contract). */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** `.` and `..` are path segments that URLs collapse: such a device could never be reached, nor its key revoked. */
export function isDotSegment(deviceId: string): boolean {
  return deviceId === '.' || deviceId === '..';
}

export const DeviceIdSchema = v.pipe(
  v.string('must be a string'),
  v.regex(DEVICE_ID_PATTERN, 'must be 1 to 64 characters of A-Z a-z 0-9 _ - .'),
  v.check((id) => !isDotSegment(id), 'must not be . or .. (a path segment that URLs collapse)'),
);
