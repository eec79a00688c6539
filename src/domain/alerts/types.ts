/** Alert vocabulary of the contract ("Alerts"). */
export const ALERT_KINDS = ['co2', 'fire', 'heat', 'smoke', 'offline'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type Severity = 'warning' | 'critical';
export type Transition = 'raised' | 'escalated' | 'resolved' | 'reminder';

/** The active alert of one (device, kind); a kind with no active alert has no entry. */
export interface ActiveAlert {
  alertId: string;
  severity: Severity;
  raisedAt: string;
  value: number | boolean;
  threshold: number | boolean;
  acknowledgedAt?: string;
  /** Heat raised by the rate of rise (value and threshold in °C/min). */
  byRate?: boolean;
  /** Server time of the last notification (raise, escalation or reminder): reminders count from it. */
  lastNotifiedAt: string;
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
  value: number | boolean;
  threshold: number | boolean;
  /** Time of the reading that caused it (server time for offline, reminders). */
  at: string;
  raisedAt: string;
  /** Heat raised by the rate of rise (value and threshold in °C/min). */
  byRate?: boolean;
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
  value: number | boolean;
  threshold: number | boolean;
}
