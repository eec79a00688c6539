import * as v from 'valibot';
import { DeviceIdSchema } from '../device-id.js';
import { parseRfc3339 } from '../time.js';
import { ALERT_KINDS, type AlertKind } from './types.js';

/**
 * Silences (fire drills, maintenance): while one covers a (device, kind),
 * that kind's transitions are recorded but not notified. At most 24 h, so
 * that a test mode can never silently stay on.
 */
export const MAX_SILENCE_MS = 24 * 3600_000;

export interface Silence {
  silenceId: string;
  /** null: every device. */
  deviceId: string | null;
  /** null: every kind. */
  kinds: AlertKind[] | null;
  from: string;
  until: string;
  reason: string;
  createdAt: string;
  /** When it ended (by DELETE, or at `until` by the sweep); null while it runs. */
  endedAt: string | null;
}

export const CreateSilenceSchema = v.strictObject({
  deviceId: v.optional(v.nullable(DeviceIdSchema)),
  kinds: v.optional(v.nullable(v.pipe(v.array(v.picklist(ALERT_KINDS, `must be one of ${ALERT_KINDS.join(', ')}`)), v.minLength(1, 'must name at least one kind (or be null for all)')))),
  until: v.pipe(v.string(), v.check((s) => parseRfc3339(s) !== undefined, 'must be an RFC 3339 timestamp with an offset')),
  reason: v.pipe(v.string(), v.minLength(1, 'must be 1 to 200 characters'), v.maxLength(200, 'must be 1 to 200 characters')),
});
export type CreateSilence = v.InferOutput<typeof CreateSilenceSchema>;

export const SilenceSchema = v.strictObject({
  silenceId: v.string(),
  deviceId: v.nullable(DeviceIdSchema),
  kinds: v.nullable(v.array(v.picklist(ALERT_KINDS))),
  from: v.string(),
  until: v.string(),
  reason: v.string(),
  createdAt: v.string(),
  endedAt: v.nullable(v.string()),
});

/** When a silence stops covering: its end, or `until` if it was not ended earlier. */
export const SilencesPageSchema = v.strictObject({
  items: v.array(SilenceSchema),
  nextCursor: v.optional(v.pipe(v.string(), v.description('Absent on the last page'))),
});

export const silenceEndMs = (s: Silence): number => Math.min(Date.parse(s.until), s.endedAt ? Date.parse(s.endedAt) : Infinity);

/** Whether a silence covers a transition of (deviceId, kind) at `atMs`: from inclusive, end exclusive. */
export function covers(s: Silence, deviceId: string, kind: AlertKind, atMs: number): boolean {
  if (s.deviceId !== null && s.deviceId !== deviceId) return false;
  if (s.kinds !== null && !s.kinds.includes(kind)) return false;
  return atMs >= Date.parse(s.from) && atMs < silenceEndMs(s);
}

export const isActiveSilence = (s: Silence, nowMs: number): boolean => s.endedAt === null && Date.parse(s.until) > nowMs;
