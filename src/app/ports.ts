import type { DeviceLabel, RenderedNotification } from '../domain/alerts/messages.js';
import type { Silence } from '../domain/alerts/silence.js';
import type { Alert, AlertState, PendingNotification } from '../domain/alerts/types.js';
import type { DeviceRecord } from '../domain/device.js';
import type { MinuteSummary } from '../domain/aggregates.js';
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
  uploadIntervalSeconds?: number | null;
}

/** What one accepted post changes on its device: written as one conditional update. */
export interface PostWrite {
  /** The new lastSeenAt (the caller keeps it moving forward). */
  seenAt: string;
  /** The new `latest`, when the post brought a newer reading. */
  latest?: Reading;
  /** The alert state the post was evaluated against (its version is the write's condition). */
  previous: AlertState;
  /** The alert state after the post (the same as `previous` when nothing changed). */
  next: AlertState;
  queued: readonly PendingNotification[];
}

export interface DevicePage {
  items: DeviceSnapshot[];
  /** deviceId of the last item, when more follow. */
  lastDeviceId?: string;
}

export interface DeviceStore {
  /** `false` when the id exists already (revoked devices included). */
  create(record: DeviceRecord): Promise<boolean>;
  get(deviceId: string): Promise<DeviceSnapshot | undefined>;
  /** Every device (the sweep; eventually consistent). */
  list(): Promise<DeviceSnapshot[]>;
  /** One segment of a parallel scan (the sweep), page by page; eventually consistent. */
  scanSegment(segment: number, totalSegments: number): AsyncIterable<DeviceSnapshot[]>;
  /** One page in deviceId order, after `afterDeviceId`. */
  listPage(limit: number, afterDeviceId?: string): Promise<DevicePage>;
  update(deviceId: string, patch: DevicePatch): Promise<DeviceSnapshot | undefined>;
  /** Replace the key hash and clear any revocation; undefined when the device is unknown. */
  setKeyHash(deviceId: string, keyHash: string): Promise<boolean>;
  /** Drop the key hash and mark revoked; false when unknown. */
  revoke(deviceId: string, at: string): Promise<boolean>;
  /** One post's changes in one write, if the alert state is still at `post.previous.version`; false when another writer came first. */
  recordPost(deviceId: string, post: PostWrite): Promise<boolean>;
}

export interface ReadingQuery {
  /** Inclusive lower bound (UTC timestamp); absent: the first reading. */
  from?: string;
  /** Exclusive upper bound (UTC timestamp); absent: no bound. */
  to?: string;
  limit: number;
  /** The `nextCursor` of the previous page of the same device and range (opaque, the adapter's own). */
  cursor?: string;
}

export interface ReadingPage {
  items: StoredReading[];
  /** Present when more items follow. */
  nextCursor?: string;
}

/** What the store made of a batch: every reading lands in exactly one of the three lists. */
export interface StoreBatchResult {
  /** Stored by this call. */
  stored: Reading[];
  /** Stored before (by an earlier or concurrent call), as first stored: the first version stands. */
  duplicates: StoredReading[];
  /** Refused by the store for a reason retrying cannot fix (the rest of the batch is stored). */
  refused: { reading: Reading; message: string }[];
}

export interface ReadingStore {
  /**
   * Store a batch (no identity twice in it), idempotent per reading. Throws only
   * when the store is unavailable; readings stored before the failure count as
   * duplicates on the retry.
   */
  storeBatch(deviceId: string, readings: readonly Reading[], receivedAt: string, retentionDays: number): Promise<StoreBatchResult>;
  /** One page, ascending by ts; an invalid or foreign cursor is `ApiError('invalid_cursor')`. */
  query(deviceId: string, query: ReadingQuery): Promise<ReadingPage>;
  /** Every stored reading with from <= ts < to, ascending by ts, each once. */
  readRange(deviceId: string, fromIso: string, toIso: string): AsyncIterable<StoredReading>;
  /** The readings with from <= ts < to as per-UTC-minute summaries, each reading counted once (a store may keep them). */
  summarizeRange(deviceId: string, fromIso: string, toIso: string): AsyncIterable<MinuteSummary>;
  /**
   * Seconds to the millisecond, 0 <= x < intervalSeconds: a board posting when (Unix time
   * in s - x) is a multiple of intervalSeconds, with the readings sampled
   * before that instant, makes the cheapest writes this store can do (the
   * store's own reasons; the ingest answer's `policy.uploadPhaseSeconds`).
   */
  uploadPhaseSeconds(deviceId: string, intervalSeconds: number): number;
}

export interface AdminTokenVerifier {
  /** Whether the presented token is the admin token (constant time). */
  verify(token: string): Promise<boolean>;
  /** Where the token is read from outside (SSM): a value that can never authenticate stops the start. */
  checkAtStart?(): Promise<void>;
}

/** The deployment's read tokens (READ_TOKEN): read routes only, e.g. for a wall screen. */
export interface ReadTokenVerifier {
  /** Whether the presented token is one of the read tokens (constant time); always false when there are none. */
  verify(token: string): Promise<boolean>;
}

/** Structured logging as the use cases see it (Powertools Logger satisfies it). */
export interface Log {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
  /**
   * Puts `fields` on the one line the edge writes for the request being
   * served (`request`) instead of a line of their own (CloudWatch bills every
   * line), `warn` raising that line's level. False (or absent) outside a
   * request: the caller then writes its own line.
   */
  attach?(fields: Record<string, unknown>, warn?: boolean): boolean;
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
   * With `previous` (the state `next` was computed from) only what changed is written.
   */
  commit(deviceId: string, expectedVersion: number, next: AlertState, queued: readonly PendingNotification[], previous?: AlertState): Promise<boolean>;
  /** Take an outbox entry for delivery; false when it is gone or another process holds it. */
  claim(deviceId: string, seq: string, owner: string, untilMs: number, nowMs: number): Promise<boolean>;
  /** Give an entry back after a failed delivery (counted in `attempts`). */
  release(deviceId: string, seq: string, owner: string): Promise<void>;
  /** Remove a delivered entry. */
  complete(deviceId: string, seq: string, owner: string): Promise<void>;
}

/**
 * Another delivery attempt of a device's outbox at a given time: used when an
 * entry is held by another process's claim, so that a claimer that died is
 * replaced as soon as its claim expires. Edges with a long-lived process
 * (local stack, servers) run it on a timer; Lambda has none (the board's next
 * post or the sweep retries there).
 */
export interface DeliveryRetries {
  retryAt(device: DeviceLabel, atMs: number): void;
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
  Pick<PendingNotification, 'late' | 'afterSilence'> &
  RenderedNotification & {
    /** Server time it was handed to SNS or written locally. */
    sentAt: string;
    /** sentAt minus the time of the reading that caused it; null when the server's clock caused it. */
    latencyMs: number | null;
  };

/** The start or end of a silence: its fields flat beside the texts. */
export type OutgoingSilenceNotification = Silence & RenderedNotification & { transition: 'silence_started' | 'silence_ended'; at: string; sentAt: string; latencyMs: null };

export interface Notifier {
  publish(notification: OutgoingNotification | OutgoingSilenceNotification): Promise<void>;
}

export type StoredSilence = Silence & { startNotified: boolean; endNotified: boolean };

export interface SilencePage {
  items: StoredSilence[];
  /** Key of the last item, when more follow. */
  lastKey?: string;
}

/** Silences (src/adapters/dynamodb/silence-store.ts); notices are claimed like outbox entries. */
export interface SilenceStore {
  create(silence: Silence, expiresAtSeconds: number): Promise<void>;
  get(silenceId: string): Promise<StoredSilence | undefined>;
  /** Set endedAt if it is still null; false when it had ended already. */
  end(silenceId: string, at: string): Promise<boolean>;
  /**
   * Newest first. `createdFrom`/`createdTo` bound createdAt (ISO);
   * `open`: only those not ended or whose end is not notified yet.
   */
  list(query: { limit: number; before?: string; createdFrom?: string; createdTo?: string; open?: boolean }): Promise<SilencePage>;
  claimNotice(silenceId: string, notice: 'start' | 'end', owner: string, untilMs: number, nowMs: number): Promise<boolean>;
  completeNotice(silenceId: string, notice: 'start' | 'end', owner: string): Promise<void>;
  releaseNotice(silenceId: string, notice: 'start' | 'end', owner: string): Promise<void>;
}
