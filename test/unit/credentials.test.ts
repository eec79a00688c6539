import { describe, expect, it } from 'vitest';
import { deviceIdOfKey, hashSecret, newAdminToken, newDeviceKey, secretMatchesHash } from '../../src/app/credentials.js';
import { authenticate, requireAdmin, requireDevice, requireReader, type Principal } from '../../src/app/auth.js';
import type { DeviceSnapshot, DeviceStore } from '../../src/app/ports.js';
import { ApiError } from '../../src/domain/errors.js';
import { emptyAlertState } from '../../src/domain/alerts/types.js';

describe('device keys', () => {
  it('name their device and carry 256 random bits', () => {
    const a = newDeviceKey('bbb.salle-101');
    const b = newDeviceKey('bbb.salle-101');
    expect(a).not.toBe(b);
    expect(deviceIdOfKey(a)).toBe('bbb.salle-101');
    expect(a.split('.').at(-1)).toHaveLength(43);
  });

  it.each(['', 'dk.', 'dk..abc', 'dk.dev.short', 'xx.dev.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'dk.bad id.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'])(
    'refuses the shape %j',
    (token) => expect(deviceIdOfKey(token)).toBeUndefined(),
  );

  it('are kept as hashes and compared against them', () => {
    const key = newDeviceKey('d');
    const hash = hashSecret(key);
    expect(hash).not.toContain(key.split('.').at(-1));
    expect(secretMatchesHash(key, hash)).toBe(true);
    expect(secretMatchesHash(`${key.slice(0, -1)}x`, hash)).toBe(false);
    expect(secretMatchesHash(key, 'short')).toBe(false);
  });

  it('admin tokens are long and random', () => {
    expect(newAdminToken()).not.toBe(newAdminToken());
    expect(newAdminToken().length).toBeGreaterThan(40);
  });
});

describe('authentication', () => {
  const key = newDeviceKey('dev-1');
  const snapshot: DeviceSnapshot = {
    deviceId: 'dev-1', name: null, location: null, thresholds: {}, createdAt: '', keyHash: hashSecret(key),
    revokedAt: null, lastSeenAt: null, latest: null, uploadIntervalSeconds: null, activeAlerts: 0, alertState: emptyAlertState(),
  };
  const devices = { get: async (id: string) => (id === 'dev-1' ? snapshot : undefined) } as unknown as DeviceStore;
  const admin = { verify: async (t: string) => t === 'the-admin-token-123' };
  const readers = { verify: async (t: string) => t === 'the-read-token-456' };
  const status = async (p: Promise<unknown>) => p.then(() => 200, (e: ApiError) => e.status);

  it('tells anonymous, admin, device and bad tokens apart', async () => {
    expect(await authenticate(undefined, { devices, admin, readers })).toEqual({ kind: 'anonymous' });
    expect(await authenticate('Bearer the-admin-token-123', { devices, admin, readers })).toEqual({ kind: 'admin' });
    expect(await authenticate(`bearer ${key}`, { devices, admin, readers })).toMatchObject({ kind: 'device', device: { deviceId: 'dev-1' } });
    expect(await authenticate('Bearer the-read-token-456', { devices, admin, readers })).toEqual({ kind: 'reader' });
    expect(await status(authenticate('Bearer nope', { devices, admin, readers }))).toBe(401);
    expect(await status(authenticate('Token abc', { devices, admin, readers }))).toBe(401);
    expect(await status(authenticate(`Bearer ${'a'.repeat(600)}`, { devices, admin, readers }))).toBe(401);
    expect(await status(authenticate(`Bearer ${newDeviceKey('dev-1')}`, { devices, admin, readers }))).toBe(401);
    expect(await status(authenticate(`Bearer ${newDeviceKey('ghost')}`, { devices, admin, readers }))).toBe(401);
  });

  it('refuses revoked devices', async () => {
    const revoked = { get: async () => ({ ...snapshot, revokedAt: '2026-01-01T00:00:00.000Z' }) } as unknown as DeviceStore;
    expect(await status(authenticate(`Bearer ${key}`, { devices: revoked, admin, readers }))).toBe(401);
  });

  it('maps principals to 401 and 403 by route kind', () => {
    const anonymous: Principal = { kind: 'anonymous' };
    const device: Principal = { kind: 'device', device: snapshot };
    const code = (f: () => unknown) => {
      try {
        f();
        return 200;
      } catch (e) {
        return (e as ApiError).status;
      }
    };
    expect(code(() => requireAdmin(anonymous))).toBe(401);
    expect(code(() => requireAdmin(device))).toBe(403);
    expect(code(() => requireAdmin({ kind: 'admin' }))).toBe(200);
    expect(code(() => requireReader(anonymous, false))).toBe(401);
    expect(code(() => requireReader(anonymous, true))).toBe(200);
    expect(code(() => requireReader(device, false))).toBe(403);
    expect(code(() => requireDevice({ kind: 'admin' }))).toBe(403);
    expect(code(() => requireAdmin({ kind: 'reader' }))).toBe(403);
    expect(code(() => requireReader({ kind: 'reader' }, false))).toBe(200);
    expect(code(() => requireDevice({ kind: 'reader' }))).toBe(403);
    expect(code(() => requireDevice(anonymous))).toBe(401);
    expect(code(() => requireDevice(device))).toBe(200);
  });
});
