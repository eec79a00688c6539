import type { RenderedNotification } from '../domain/alerts/messages.js';
import type { Alert, AlertState, PendingNotification } from '../domain/alerts/types.js';
import type { DeviceRecord } from '../domain/device.js';
import type { Reading } from '../domain/reading.js';
import type { ThresholdsOverride } from '../domain/thresholds.js';

/** What the use cases need from the outside world. Adapters implement these; use cases never import an AWS SDK. */

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export type StoredReading = Reading & { receivedAt: string };

/** A device with its alert state, as one consistent read returns them. */
export interface DeviceSnapshot extends DeviceRecord {
  activeAlerts: number;
  alertState: AlertState;
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
  /** Every stored reading with ts in [fromIso, toIso), ascending by ts, each once (aggregates and reports). */
  readRange(deviceId: string, fromIso: string, toIso: string): AsyncIterable<StoredReading>;
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
  /** A per-device value (ppm, °C, %...) as its own metric series: costly per device, so only when asked for. */
  series(name: string, value: number, dimensions: Readonly<Record<string, string>>): void;
}


/** The per-device alert state item: every change is a conditional write on its version. */
export interface AlertStateStore {
  read(deviceId: string): Promise<AlertState>;
  /**
   * Write `next` if the stored version is still `expectedVersion`, adding the
   * `queued` outbox entries; false when another writer got there first.
   */
  commit(deviceId: string, expectedVersion: number, next: AlertState, queued: readonly PendingNotification[]): Promise<boolean>;
  /** Take an outbox entry for delivery; false when it is gone or another process holds it. */
  claim(deviceId: string, seq: string, owner: string, untilMs: number, nowMs: number): Promise<boolean>;
  /** Give an entry back after a failed delivery (counted in `attempts`). */
  release(deviceId: string, seq: string, owner: string): Promise<void>;
  /** Remove a delivered entry. */
  complete(deviceId: string, seq: string, owner: string): Promise<void>;
}

export interface AlertQuery {
  status: 'active' | 'resolved' | 'all';
  deviceId?: string;
  limit: number;
  /** raisedKey of the last item of the previous page. */
  before?: string;
}

export interface AlertPage {
  items: Alert[];
  lastKey?: string;
}

/** The alerts table: one record per alert, listed newest first. */
export interface AlertStore {
  /** Reflect an outbox entry in the alert's record; idempotent. */
  record(entry: PendingNotification, expiresAtSeconds: number): Promise<void>;
  get(alertId: string): Promise<Alert | undefined>;
  acknowledge(alertId: string, at: string): Promise<Alert | undefined>;
  list(query: AlertQuery): Promise<AlertPage>;
}

/** A transition as it goes out: the contract's notification fields plus the texts (SMS included). */
export type OutgoingNotification = Pick<PendingNotification, 'transition' | 'alertId' | 'deviceId' | 'kind' | 'severity' | 'value' | 'threshold' | 'at'> &
  RenderedNotification;

export interface Notifier {
  publish(notification: OutgoingNotification): Promise<void>;
}
