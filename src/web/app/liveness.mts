import { thresholdsOf } from './thresholds.mjs';
import type { Device } from './types.mjs';

/**
 * What the page can tell about a board by itself, between polls and before
 * the server's offline sweep has run: a board silent for longer than its
 * `offlineAfterSeconds` is offline now, and values older than that are stale.
 * Times are on the server's clock (from the answers' `Date` header), so a
 * wrong clock on the screen's computer cannot hide an outage.
 */

let serverOffsetMs = 0;

/** Called with each API answer's `Date` header (one-second resolution: enough for minutes of silence). */
export function noteServerDate(header: string | null, receivedAt = Date.now()): void {
  const server = header ? Date.parse(header) : NaN;
  if (Number.isFinite(server)) serverOffsetMs = server - receivedAt;
}

/** Now, on the server's clock (ms). */
export function serverNow(): number {
  return Date.now() + serverOffsetMs;
}

export type Liveness = Device['status'];

/** The API's status, or `offline` as soon as the silence exceeds the board's limit (revoked boards never go offline). */
export function livenessOf(device: Device, now = serverNow()): Liveness {
  if (device.status !== 'online' || device.revoked || !device.lastSeenAt) return device.status;
  const silentMs = now - Date.parse(device.lastSeenAt);
  return silentMs > thresholdsOf(device).offlineAfterSeconds * 1000 ? 'offline' : 'online';
}

/** True when the latest values should not be read as the room's state now: the board is offline, or its newest reading is older than the offline limit. */
export function valuesStale(device: Device, now = serverNow()): boolean {
  if (!device.latest) return false;
  if (livenessOf(device, now) === 'offline') return true;
  return now - Date.parse(device.latest.ts) > thresholdsOf(device).offlineAfterSeconds * 1000;
}
