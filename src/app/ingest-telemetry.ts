import type { ErrorDetail } from '../domain/errors.js';
import type { Reading } from '../domain/reading.js';
import type { Log, Telemetry } from './ports.js';
import type { Settings } from './settings.js';

/** What one post did, as telemetry sees it. */
export interface PostSummary {
  deviceId: string;
  batchSize: number;
  accepted: number;
  duplicates: number;
  rejected: readonly { index: number; errors: readonly ErrorDetail[] }[];
  /** Readings stored by this post (for per-board series, when asked for). */
  stored: readonly Reading[];
  /** Lag of the post's newest stored reading (ms), when it stored any. */
  newestLagMs?: number;
  /** Alert transitions the post committed. */
  transitions: number;
}

/** Why a reading was refused, as a small set of metric dimension values. */
export function rejectionReason(errors: readonly ErrorDetail[]): 'clock' | 'range' | 'shape' | 'store' {
  if (errors.some((e) => e.path === 'ts' && /ahead|retention/.test(e.message))) return 'clock';
  if (errors.some((e) => /must be [<>]=/.test(e.message))) return 'range';
  if (errors.some((e) => /store refused/.test(e.message))) return 'store';
  return 'shape';
}

const SERIES_NAMES = { co2: 'CO2', temperature: 'Temperature', humidity: 'Humidity', smoke: 'Smoke' } as const;

/**
 * A post's counts on its request's log line (a `post` line of its own only
 * outside a request) and a handful of metric values, whatever its size
 * (CloudWatch bills log bytes and lines); per-board values only when
 * DEVICE_SERIES asks for them.
 */
export function recordPost(deps: { log: Log; telemetry: Telemetry; settings: Settings }, post: PostSummary): void {
  const t = deps.telemetry;
  t.count('ReadingsAccepted', post.accepted);
  t.count('ReadingsDuplicate', post.duplicates);
  t.measure('BatchSize', 'Count', post.batchSize);
  const reasons = new Map<string, number>();
  for (const r of post.rejected) reasons.set(rejectionReason(r.errors), (reasons.get(rejectionReason(r.errors)) ?? 0) + 1);
  for (const [reason, n] of reasons) t.count('ReadingsRejected', n, { reason });
  if (post.newestLagMs !== undefined) t.measure('IngestLag', 'Milliseconds', post.newestLagMs);
  const line = {
    deviceId: post.deviceId,
    readings: post.batchSize,
    accepted: post.accepted,
    duplicates: post.duplicates,
    rejected: post.rejected.length,
    transitions: post.transitions,
    ...(post.rejected.length > 0 ? { firstRejections: post.rejected.slice(0, 5) } : {}),
  };
  // On the request's own line when there is one (the edge writes it): one application line a post, not two.
  const warn = post.rejected.length > 0;
  if (!deps.log.attach?.(line, warn)) deps.log[warn ? 'warn' : 'info']('post', line);
  if (deps.settings.deviceSeries === 'off') return;
  for (const reading of post.stored) {
    if (deps.settings.deviceSeries === 'logs') {
      // One line a reading, only in this mode: the fleet dashboard's Logs Insights widgets read these.
      deps.log.info('reading', { deviceId: post.deviceId, ...reading });
      continue;
    }
    for (const [field, name] of Object.entries(SERIES_NAMES) as [keyof typeof SERIES_NAMES, string][]) {
      const value = reading[field];
      if (value !== undefined) t.series(name, value, { deviceId: post.deviceId });
    }
    if (reading.flame !== undefined) t.series('Flame', reading.flame ? 1 : 0, { deviceId: post.deviceId });
  }
}
