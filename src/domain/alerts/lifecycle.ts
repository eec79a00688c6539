import type { Reading } from '../reading.js';
import type { Thresholds } from '../thresholds.js';
import { HEAT_HISTORY_MS, outcomesFor, riseRate, type RuleOutcome } from './rules.js';
import type { ActiveAlert, AlertKind, AlertState, AlertThreshold, AlertValue, PendingNotification, Severity, Transition } from './types.js';

/**
 * Alert state transitions, pure: each function takes a device's alert state
 * and returns the next one, with every transition queued in its outbox. The
 * caller commits the new state with one conditional write, so a transition
 * and its notification are recorded together or not at all.
 */

/** The heat history keeps at most this many samples (one per 5 s over 10 minutes). */
const MAX_HEAT_SAMPLES = 120;
const MIN_SAMPLE_GAP_MS = 5_000;

export interface Evaluation {
  state: AlertState;
  /** True when the state must be written (a transition, or the cursor or heat history moved). */
  changed: boolean;
  queued: PendingNotification[];
}

export function clone(state: AlertState): AlertState {
  return structuredClone(state);
}

export function queue(
  state: AlertState,
  entry: Omit<PendingNotification, 'seq'>,
  queued: PendingNotification[],
): void {
  const seq = String(state.nextSeq).padStart(10, '0');
  state.nextSeq += 1;
  const full = { seq, ...entry };
  state.pending[seq] = full;
  queued.push(full);
}

function apply(
  state: AlertState,
  deviceId: string,
  kind: AlertKind,
  outcome: RuleOutcome,
  at: string,
  serverNow: string,
  newId: () => string,
  queued: PendingNotification[],
  late = false,
): void {
  const active = state.active[kind];
  const notify = (transition: Transition, alert: ActiveAlert, severity: Severity, value: AlertValue, threshold: AlertThreshold, byRate?: boolean) =>
    queue(
      state,
      { transition, alertId: alert.alertId, deviceId, kind, severity, value, threshold, at, raisedAt: alert.raisedAt, ...(byRate ? { byRate } : {}), ...(late ? { late } : {}) },
      queued,
    );
  if (outcome.action === 'raise' && !active) {
    const alert: ActiveAlert = { alertId: newId(), severity: outcome.severity, raisedAt: at, value: outcome.value, threshold: outcome.threshold, lastNotifiedAt: serverNow };
    if (outcome.byRate) alert.byRate = true;
    if (late) alert.late = true;
    state.active[kind] = alert;
    notify('raised', alert, alert.severity, alert.value, alert.threshold, outcome.byRate);
  } else if (late) {
    // A late reading only ever raises: it never escalates, changes or resolves an active alert.
    return;
  } else if (outcome.action === 'change' && active) {
    active.value = outcome.value;
    notify('changed', active, active.severity, outcome.value, active.threshold);
  } else if (outcome.action === 'escalate' && active) {
    active.severity = 'critical';
    active.value = outcome.value;
    active.threshold = outcome.threshold;
    active.lastNotifiedAt = serverNow;
    notify('escalated', active, 'critical', outcome.value, outcome.threshold);
  } else if (outcome.action === 'resolve' && active) {
    delete state.active[kind];
    notify('resolved', active, active.severity, outcome.value, outcome.threshold);
  }
}

/** Samples at least 5 s apart over the last 10 minutes: enough for a 60 s rise, small enough for one item. */
function remember(history: [number, number][], tsMs: number, temperature: number): [number, number][] {
  const last = history[history.length - 1];
  if (last && tsMs - last[0] < MIN_SAMPLE_GAP_MS) return history;
  return [...history, [tsMs, temperature] as [number, number]].filter(([at]) => at >= tsMs - HEAT_HISTORY_MS).slice(-MAX_HEAT_SAMPLES);
}

export interface ReadingToEvaluate {
  reading: Reading;
  tsMs: number;
}

export interface EvaluateInput {
  deviceId: string;
  /** New readings of the device, any order; those not newer than `evaluatedTs` change nothing. */
  readings: readonly ReadingToEvaluate[];
  thresholds: Thresholds;
  /** Server time of the post (ISO). */
  serverNow: string;
  /** When the board was last heard of before this post: resolves an active offline alert. */
  offlineResolution?: { silenceSeconds: number };
  newId: () => string;
}

/** A post from the device: its new readings in ts order, and the end of an offline alert. */
export function evaluatePost(current: AlertState, input: EvaluateInput): Evaluation {
  const state = clone(current);
  const queued: PendingNotification[] = [];
  const offline = state.active.offline;
  if (offline && input.offlineResolution) {
    delete state.active.offline;
    queue(
      state,
      {
        transition: 'resolved',
        alertId: offline.alertId,
        deviceId: input.deviceId,
        kind: 'offline',
        severity: offline.severity,
        value: input.offlineResolution.silenceSeconds,
        threshold: input.thresholds.offlineAfterSeconds,
        at: input.serverNow,
        raisedAt: offline.raisedAt,
      },
      queued,
    );
  }
  const ordered = [...input.readings].sort((a, b) => a.tsMs - b.tsMs);
  let historyChanged = false;
  for (const { reading, tsMs } of ordered) {
    if (state.evaluatedTs !== null && reading.ts <= state.evaluatedTs) {
      // A late alarm is never ignored: it raises a kind that is not active (absolute levels only, no rate of rise).
      for (const [kind, outcome] of outcomesFor(state.active, reading, input.thresholds, undefined)) {
        if (outcome.action === 'raise') apply(state, input.deviceId, kind, outcome, reading.ts, input.serverNow, input.newId, queued, true);
      }
      continue;
    }
    const rate = reading.temperature === undefined ? undefined : riseRate(state.heatHistory, tsMs, reading.temperature);
    for (const [kind, outcome] of outcomesFor(state.active, reading, input.thresholds, rate)) {
      apply(state, input.deviceId, kind, outcome, reading.ts, input.serverNow, input.newId, queued);
    }
    if (reading.temperature !== undefined) {
      const next = remember(state.heatHistory, tsMs, reading.temperature);
      historyChanged ||= next !== state.heatHistory;
      state.heatHistory = next;
    }
    state.evaluatedTs = reading.ts;
  }
  return { state, changed: queued.length > 0 || historyChanged || state.evaluatedTs !== current.evaluatedTs, queued };
}

/** The sweep: a board silent longer than its offline threshold. */
export function raiseOffline(
  current: AlertState,
  input: { deviceId: string; serverNow: string; silenceSeconds: number; offlineAfterSeconds: number; newId: () => string },
): Evaluation {
  if (current.active.offline) return { state: current, changed: false, queued: [] };
  const state = clone(current);
  const queued: PendingNotification[] = [];
  apply(
    state,
    input.deviceId,
    'offline',
    { action: 'raise', severity: 'warning', value: input.silenceSeconds, threshold: input.offlineAfterSeconds },
    input.serverNow,
    input.serverNow,
    input.newId,
    queued,
  );
  return { state, changed: true, queued };
}

/** Reminders of active, unacknowledged critical alerts, every `reminderMinutes`. */
export function remind(current: AlertState, input: { deviceId: string; nowMs: number; reminderMinutes: number }): Evaluation {
  if (input.reminderMinutes <= 0) return { state: current, changed: false, queued: [] };
  const state = clone(current);
  const queued: PendingNotification[] = [];
  const serverNow = new Date(input.nowMs).toISOString();
  for (const [kind, alert] of Object.entries(state.active) as [AlertKind, ActiveAlert][]) {
    if (alert.severity !== 'critical' || alert.acknowledgedAt) continue;
    if (input.nowMs - Date.parse(alert.lastNotifiedAt) < input.reminderMinutes * 60_000) continue;
    alert.lastNotifiedAt = serverNow;
    queue(
      state,
      { transition: 'reminder', alertId: alert.alertId, deviceId: input.deviceId, kind, severity: alert.severity, value: alert.value, threshold: alert.threshold, at: serverNow, raisedAt: alert.raisedAt, ...(alert.byRate ? { byRate: true } : {}) },
      queued,
    );
  }
  return { state, changed: queued.length > 0, queued };
}

/** Acknowledging stops reminders; it does not resolve. */
export function acknowledge(current: AlertState, alertId: string, serverNow: string): Evaluation {
  const entry = (Object.entries(current.active) as [AlertKind, ActiveAlert][]).find(([, a]) => a.alertId === alertId);
  if (!entry || entry[1].acknowledgedAt) return { state: current, changed: false, queued: [] };
  const state = clone(current);
  (state.active[entry[0]] as ActiveAlert).acknowledgedAt = serverNow;
  return { state, changed: true, queued: [] };
}
