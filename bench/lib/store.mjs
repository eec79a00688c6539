// Loads bench/lib/store.entry.mjs, bundled with esbuild into bench/.cache.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundle, cacheDir } from './common.mjs';

let loaded;
export async function loadStore() {
  if (!loaded) {
    const out = await bundle(join('bench', 'lib', 'store.entry.mjs'), join(cacheDir, 'store.mjs'));
    loaded = await import(pathToFileURL(out).href);
  }
  return loaded;
}

/** A registered device written straight to the devices table (as POST /v1/devices does); returns its key. */
export async function createDevice(store, db, tables, deviceId) {
  const devices = new store.DynamoDeviceStore(db, tables.devices);
  const key = store.newDeviceKey(deviceId);
  const ok = await devices.create({
    deviceId, name: `bench ${deviceId}`, location: null, thresholds: {}, createdAt: new Date().toISOString(),
    keyHash: store.hashSecret(key), revokedAt: null, lastSeenAt: null, latest: null, uploadIntervalSeconds: null,
  });
  if (!ok) throw new Error(`device ${deviceId} exists`);
  return key;
}
