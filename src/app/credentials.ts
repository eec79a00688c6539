import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DEVICE_ID_PATTERN } from '../domain/device-id.js';

/**
 * Device keys look like `dk.<deviceId>.<43 chars of base64url>` (256 random
 * bits). Naming the device in the key lets the API tell a wrong key (401)
 * from a right key for another device (403) with one read, and the random
 * part makes a plain SHA-256 a safe stored form (no slow hash is needed for
 * 256-bit secrets).
 */
const KEY_PREFIX = 'dk.';
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newDeviceKey(deviceId: string): string {
  return `${KEY_PREFIX}${deviceId}.${randomBytes(32).toString('base64url')}`;
}

/** The device a key claims to belong to, or undefined when it is not shaped like a device key. */
export function deviceIdOfKey(token: string): string | undefined {
  if (!token.startsWith(KEY_PREFIX)) return undefined;
  const lastDot = token.lastIndexOf('.');
  if (lastDot <= KEY_PREFIX.length) return undefined;
  const deviceId = token.slice(KEY_PREFIX.length, lastDot);
  const secret = token.slice(lastDot + 1);
  return DEVICE_ID_PATTERN.test(deviceId) && SECRET_PATTERN.test(secret) ? deviceId : undefined;
}

export function looksLikeDeviceKey(token: string): boolean {
  return token.startsWith(KEY_PREFIX);
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatchesHash(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'base64url');
  const stored = Buffer.from(storedHash, 'base64url');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** A fresh admin token for the local stack (256 random bits). */
export function newAdminToken(): string {
  return `adm.${randomBytes(32).toString('base64url')}`;
}
