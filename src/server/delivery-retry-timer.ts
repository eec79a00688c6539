import type { DeviceLabel } from '../domain/alerts/messages.js';
import type { Clock, DeliveryRetries, Log } from '../app/ports.js';

/** Timers kept at most (one per device); past it the sweep delivers, as it always would. */
export const MAX_DELIVERY_RETRIES = 10_000;
/** A retry never fires sooner than this (a claim that just ended, or a clock that jumped). */
const MIN_DELAY_MS = 100;
/** Just after the claim's end, so that the claim has expired for DynamoDB's comparison too. */
const AFTER_CLAIM_MS = 50;

/**
 * Retries a device's outbox when the claim of another process ends (local
 * stack and servers): a fire whose notification was claimed by a process that
 * then died goes out CLAIM_MS after that claim, not at the next sweep. One
 * timer per device (the earliest wins); `stop` clears the timers and waits for
 * the retries in progress.
 */
export function startDeliveryRetryTimer(deliver: (device: DeviceLabel) => Promise<unknown>, clock: Clock, log: Pick<Log, 'error'>, max = MAX_DELIVERY_RETRIES) {
  const timers = new Map<string, { atMs: number; timer: NodeJS.Timeout }>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  const retries: DeliveryRetries & { stop(): Promise<void>; scheduled(): number } = {
    retryAt(device, atMs) {
      if (stopped) return;
      const existing = timers.get(device.deviceId);
      if (existing && existing.atMs <= atMs) return;
      if (existing) clearTimeout(existing.timer);
      else if (timers.size >= max) return;
      const timer = setTimeout(() => {
        timers.delete(device.deviceId);
        const attempt = deliver(device)
          .catch((error: unknown) => log.error('retrying a claimed notification failed; the sweep retries', { deviceId: device.deviceId, error }))
          .finally(() => running.delete(attempt));
        running.add(attempt);
      }, Math.max(MIN_DELAY_MS, atMs - clock.now() + AFTER_CLAIM_MS));
      // Never the reason the process stays up.
      timer.unref();
      timers.set(device.deviceId, { atMs, timer });
    },
    scheduled: () => timers.size,
    async stop() {
      stopped = true;
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.all(running);
    },
  };
  return retries;
}
