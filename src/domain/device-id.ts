import * as v from 'valibot';

/** `deviceId`: 1 to 64 characters of `A-Z a-z 0-9 _ - .` (contract). */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export const DeviceIdSchema = v.pipe(
  v.string('must be a string'),
  v.regex(DEVICE_ID_PATTERN, 'must be 1 to 64 characters of A-Z a-z 0-9 _ - .'),
);
