import type { DeviceRecord } from '../domain/device.js';
import type { Reading } from '../domain/reading.js';
import type { ThresholdsOverride } from '../domain/thresholds.js';

/** What the use cases need from the outside world. Adapters implement these; use cases never import an AWS SDK. */

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export type StoredReading = Reading & { receivedAt: string };

/** A device and what the alert state says about it. */
export interface DeviceSnapshot extends DeviceRecord {
  activeAlerts: number;
}

export interface DevicePatch {
  name?: string | null;
  location?: string | null;
  thresholds?: ThresholdsOverride | null;
}

export interface DeviceStore {
  /** `false` when the id exists already (revoked devices included). */
  create(record: DeviceRecord): Promise<boolean>;
  get(deviceId: string): Promise<DeviceSnapshot | undefined>;
  list(): Promise<DeviceSnapshot[]>;
  update(deviceId: string, patch: DevicePatch): Promise<DeviceSnapshot | undefined>;
  /** Replace the key hash and clear any revocation; undefined when the device is unknown. */
  setKeyHash(deviceId: string, keyHash: string): Promise<boolean>;
  /** Drop the key hash and mark revoked; false when unknown. */
  revoke(deviceId: string, at: string): Promise<boolean>;
  /** lastSeenAt := seenAt; latest := candidate when its ts is newer than the stored one. */
  recordContact(deviceId: string, seenAt: string, latestCandidate: Reading | undefined): Promise<void>;
}

export interface ReadingQuery {
  /** Inclusive lower bound, as a time key prefix (a UTC timestamp). */
  from: string;
  /** Exclusive upper bound, as a time key prefix (a UTC timestamp). */
  to: string;
  limit: number;
  /** Time key of the last item of the previous page. */
  after?: string;
}

export interface ReadingPage {
  items: StoredReading[];
  /** Time key of the last item, when more items follow. */
  lastTimeKey?: string;
}

export interface ReadingStore {
  /** Conditional write on the reading's identity: `false` when it was stored already. */
  put(deviceId: string, reading: Reading, receivedAt: string, expiresAtSeconds: number): Promise<boolean>;
  get(deviceId: string, readingKey: string): Promise<StoredReading | undefined>;
  query(deviceId: string, query: ReadingQuery): Promise<ReadingPage>;
}

export interface AdminTokenVerifier {
  /** Whether the presented token is the admin token (constant time). */
  verify(token: string): Promise<boolean>;
}

/** Structured logging as the use cases see it (Powertools Logger satisfies it). */
export interface Log {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Counters and measurements as the use cases see them (Powertools Metrics behind it in Lambda). */
export interface Telemetry {
  count(name: string, value: number, dimensions?: Readonly<Record<string, string>>): void;
  measure(name: string, unit: 'Milliseconds' | 'Seconds' | 'Count', value: number): void;
}

export const silentTelemetry: Telemetry = { count() {}, measure() {} };
