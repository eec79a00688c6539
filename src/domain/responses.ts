import { ALERT_KINDS } from './alerts/types.js';
import * as v from 'valibot';
import { DeviceIdSchema } from './device-id.js';
import { errorStatus } from './errors.js';
import { ReadingIdSchema } from './reading.js';
import { ThresholdsOverrideSchema } from './thresholds.js';

/**
 * The API's response shapes. The published OpenAPI document is derived from
 * these, and the HTTP tests check real answers against them, so the document
 * cannot drift from what the API sends.
 */
const Utc = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/), v.description('UTC with milliseconds'));

export const ErrorSchema = v.strictObject({
  error: v.strictObject({
    code: v.picklist(Object.keys(errorStatus) as [keyof typeof errorStatus, ...(keyof typeof errorStatus)[]]),
    message: v.string(),
    details: v.optional(v.array(v.strictObject({ path: v.string(), message: v.string() }))),
  }),
});

export const StoredReadingSchema = v.strictObject({
  id: v.optional(ReadingIdSchema),
  ts: Utc,
  co2: v.optional(v.number()),
  temperature: v.optional(v.number()),
  humidity: v.optional(v.number()),
  smoke: v.optional(v.number()),
  flame: v.optional(v.boolean()),
  faults: v.optional(v.pipe(v.array(v.string()), v.description('Trouble signals the reading carried (absent when none)'))),
  receivedAt: Utc,
});

export const LatestReadingSchema = v.omit(StoredReadingSchema, ['receivedAt']);

export const DeviceViewSchema = v.strictObject({
  deviceId: DeviceIdSchema,
  name: v.nullable(v.string()),
  location: v.nullable(v.string()),
  createdAt: Utc,
  lastSeenAt: v.pipe(v.nullable(Utc), v.description("Server time of the device's last accepted post")),
  status: v.picklist(['online', 'offline', 'never_seen']),
  latest: v.pipe(v.nullable(LatestReadingSchema), v.description('The reading with the newest ts (not the last received)')),
  activeAlerts: v.pipe(v.number(), v.integer(), v.minValue(0)),
  thresholds: v.pipe(ThresholdsOverrideSchema, v.description("The device's own overrides; the deployment's values apply to the rest")),
  revoked: v.boolean(),
  uploadIntervalSeconds: v.pipe(v.nullable(v.number()), v.description("The device's own upload interval in seconds; null: the deployment's (UPLOAD_INTERVAL_SECONDS)")),
});

export const DeviceListSchema = v.strictObject({
  items: v.array(DeviceViewSchema),
  nextCursor: v.optional(v.pipe(v.string(), v.description('Absent on the last page'))),
});

const level = v.number();
/** Thresholds as merged (every field present); the deployment's offline delay may be shorter than a device override's minimum. */
const EffectiveThresholdsSchema = v.strictObject({
  co2: v.strictObject({ warning: level, critical: level, clear: level }),
  heat: v.strictObject({ critical: level, risePerMinute: level, clear: level }),
  smoke: v.strictObject({ critical: level, clear: level }),
  offlineAfterSeconds: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

/** Contract v1.1, "The ingest answer tells the board how to behave". */
export const PolicySchema = v.strictObject({
  thresholds: v.pipe(EffectiveThresholdsSchema, v.description('The merged thresholds this device is judged by')),
  uploadIntervalSeconds: v.pipe(v.number(), v.integer(), v.minValue(1), v.description('Seconds between posts while nothing is alarming')),
  uploadPhaseSeconds: v.pipe(
    v.number(),
    v.minValue(0),
    v.description(
      'Seconds to the millisecond (at most 3 decimals), 0 <= x < uploadIntervalSeconds: a quiet board posts when (Unix time in seconds - uploadPhaseSeconds) is a multiple of uploadIntervalSeconds, ' +
        'with the readings sampled before that instant (extension of v1.1: optional for boards; following it only makes posts cheaper to store)',
    ),
  ),
});

export const IssuedKeySchema = v.strictObject({
  deviceId: DeviceIdSchema,
  key: v.pipe(v.string(), v.description('The device key, shown once. Only its hash is stored.')),
});

export const IngestResultSchema = v.strictObject({
  accepted: v.pipe(v.number(), v.integer(), v.minValue(0)),
  duplicates: v.pipe(v.number(), v.integer(), v.minValue(0)),
  rejected: v.array(
    v.strictObject({
      index: v.pipe(v.number(), v.integer(), v.minValue(0)),
      errors: v.array(v.strictObject({ path: v.string(), message: v.string() })),
    }),
  ),
  policy: PolicySchema,
});

export const ReadingsPageSchema = v.strictObject({
  items: v.array(StoredReadingSchema),
  nextCursor: v.optional(v.pipe(v.string(), v.description('Absent on the last page'))),
});

export const HealthSchema = v.strictObject({ status: v.literal('ok') });

export const AlertSchema = v.strictObject({
  alertId: v.string(),
  deviceId: DeviceIdSchema,
  kind: v.picklist(ALERT_KINDS),
  severity: v.picklist(['warning', 'critical']),
  status: v.picklist(['active', 'resolved']),
  raisedAt: v.pipe(Utc, v.description('Time of the reading that raised it (server time for offline)')),
  resolvedAt: v.optional(Utc),
  acknowledgedAt: v.optional(Utc),
  value: v.pipe(
    v.union([v.number(), v.boolean(), v.array(v.string())]),
    v.description('The measured value (°C/min for a rate of rise, true for fire, seconds of silence for offline, the sorted faults for fault)'),
  ),
  threshold: v.pipe(v.union([v.number(), v.boolean(), v.null()]), v.description('The level it crossed (null for fault)')),
  late: v.optional(v.pipe(v.literal(true), v.description('Raised by a reading older than the newest one already evaluated'))),
  silenced: v.optional(v.pipe(v.literal(true), v.description('Raised while a silence covered it (not notified then)'))),
});

export const AlertsPageSchema = v.strictObject({
  items: v.array(AlertSchema),
  nextCursor: v.optional(v.pipe(v.string(), v.description('Absent on the last page'))),
});
