/** Alert vocabulary of the contract ("Alerts"). */
export const ALERT_KINDS = ['co2', 'fire', 'heat', 'smoke', 'offline', 'fault'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type Severity = 'warning' | 'critical';
/** `changed`: a fault alert's set of faults changed; `unacknowledged`: a critical alert nobody acknowledged in time. */
export type Transition = 'raised' | 'escalated' | 'resolved' | 'reminder' | 'changed' | 'unacknowledged';
/** A measured value: a number, a flame flag, or the sorted faults of a `fault` alert. */
export type AlertValue = number | boolean | string[];
/** The level crossed (`null` for faults, which have none). */
export type AlertThreshold = number | boolean | null;

/** The active alert of one (device, kind); a kind with no active alert has no entry. */
export interface ActiveAlert {
  alertId: string;
  severity: Severity;
  raisedAt: string;
  value: AlertValue;
  threshold: AlertThreshold;
  acknowledgedAt?: string;
  /** Heat raised by the rate of rise (value and threshold in °C/min). */
  byRate?: boolean;
  /** Server time of the last notification (raise, escalation or reminder): reminders count from it. */
  lastNotifiedAt: string;
  /** Raised by a reading older than the evaluation cursor. */
  late?: boolean;
  /** Server time the `unacknowledged` escalation was queued (it is sent once). */
  unacknowledgedAt?: string;
  /** The silence after whose end it was notified again (once per silence). */
  afterSilenceOf?: string;
}

/** A notification waiting in the outbox of a device's alert state. */
export interface PendingNotification {
  /** Outbox order within the device (zero-padded, sorts as text). */
  seq: string;
  transition: Transition;
  alertId: string;
  deviceId: string;
  kind: AlertKind;
  severity: Severity;
  value: AlertValue;
  threshold: AlertThreshold;
  /** Time of the reading that caused it (server time for offline, reminders). */
  at: string;
  raisedAt: string;
  /** Heat raised by the rate of rise (value and threshold in °C/min). */
  byRate?: boolean;
  /** Raised by a reading older than the evaluation cursor. */
  late?: boolean;
  /** Covered by a silence: recorded, not published. */
  silenced?: boolean;
  /** A still-active alert notified again when the silence that covered it ended. */
  afterSilence?: boolean;
  attempts?: number;
  claimedBy?: string;
  claimedUntil?: number;
}

/** The alert state of one device: every kind, the evaluation cursor and the outbox. */
export interface AlertState {
  version: number;
  /** ts of the newest reading evaluated; older readings change no alert. */
  evaluatedTs: string | null;
  active: Partial<Record<AlertKind, ActiveAlert>>;
  /** Recent [epoch ms, degrees C] samples for the rate of rise. */
  heatHistory: [number, number][];
  pending: Record<string, PendingNotification>;
  nextSeq: number;
}

export const emptyAlertState = (): AlertState => ({ version: 0, evaluatedTs: null, active: {}, heatHistory: [], pending: {}, nextSeq: 0 });

/** An alert as the API shows it (and as the alerts table keeps it). */
export interface Alert {
  alertId: string;
  deviceId: string;
  kind: AlertKind;
  severity: Severity;
  status: 'active' | 'resolved';
  raisedAt: string;
  resolvedAt?: string;
  acknowledgedAt?: string;
  value: AlertValue;
  threshold: AlertThreshold;
  /** Raised by a reading older than the evaluation cursor. */
  late?: boolean;
  /** Raised while a silence covered it (not notified then). */
  silenced?: boolean;
}
