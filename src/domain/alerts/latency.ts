import type { PendingNotification } from './types.js';

/**
 * Alarm latency: from the reading that caused a notification to the moment
 * it was handed over. `null` for what the server's clock causes (offline,
 * reminders, `unacknowledged`, the re-notification after a silence).
 */
export function latencyMs(entry: Pick<PendingNotification, 'transition' | 'kind' | 'at' | 'afterSilence'>, sentAtMs: number): number | null {
  if (entry.kind === 'offline' || entry.afterSilence) return null;
  if (entry.transition === 'reminder' || entry.transition === 'unacknowledged') return null;
  return Math.max(0, sentAtMs - Date.parse(entry.at));
}
