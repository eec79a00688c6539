import { ApiError } from '../domain/errors.js';
import { deviceIdOfKey, looksLikeDeviceKey, secretMatchesHash } from './credentials.js';
import type { AdminTokenVerifier, DeviceSnapshot, DeviceStore, ReadTokenVerifier } from './ports.js';

export type Principal =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'admin' }
  /** A read token (READ_TOKEN): what public_read opens, nothing more. */
  | { readonly kind: 'reader' }
  | { readonly kind: 'device'; readonly device: DeviceSnapshot };

const MAX_TOKEN_LENGTH = 512;
const unauthorized = (message: string) => new ApiError('unauthorized', message, [], { 'www-authenticate': 'Bearer' });

export interface AuthDeps {
  devices: DeviceStore;
  admin: AdminTokenVerifier;
  readers: ReadTokenVerifier;
}

/**
 * Who is calling. No header is anonymous; a header that is malformed, or a
 * token that is unknown or revoked, is 401 whatever the route.
 */
export async function authenticate(authorization: string | undefined, deps: AuthDeps): Promise<Principal> {
  if (authorization === undefined || authorization.trim() === '') return { kind: 'anonymous' };
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  const token = match?.[1];
  if (!token || token.length > MAX_TOKEN_LENGTH) throw unauthorized('the Authorization header must be "Bearer <token>"');
  if (looksLikeDeviceKey(token)) {
    const deviceId = deviceIdOfKey(token);
    const device = deviceId === undefined ? undefined : await deps.devices.get(deviceId);
    if (!device || device.keyHash === null || device.revokedAt !== null || !secretMatchesHash(token, device.keyHash)) {
      throw unauthorized('unknown or revoked device key');
    }
    return { kind: 'device', device };
  }
  if (await deps.admin.verify(token)) return { kind: 'admin' };
  if (await deps.readers.verify(token)) return { kind: 'reader' };
  throw unauthorized('unknown token');
}

export function requireAdmin(principal: Principal): void {
  if (principal.kind === 'anonymous') throw unauthorized('this route needs the admin token');
  if (principal.kind === 'reader') throw new ApiError('forbidden', 'a read token may only read; this route needs the admin token');
  if (principal.kind !== 'admin') throw new ApiError('forbidden', 'this route needs the admin token');
}

/** Read routes: the admin, a read token, or anyone when `public_read` is on. */
export function requireReader(principal: Principal, publicRead: boolean): void {
  if (principal.kind === 'admin' || principal.kind === 'reader' || publicRead) return;
  requireAdmin(principal);
}

export function requireDevice(principal: Principal): DeviceSnapshot {
  if (principal.kind === 'anonymous') throw unauthorized('posting readings needs a device key');
  if (principal.kind !== 'device') throw new ApiError('forbidden', 'only a device key may post readings');
  return principal.device;
}
