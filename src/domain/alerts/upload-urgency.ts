import type { Measurements } from '../reading.js';
import type { Thresholds } from '../thresholds.js';
import { HEAT_HISTORY_MS, outcomesFor, readingFaults, riseRate } from './rules.js';
import type { ActiveAlert, AlertKind } from './types.js';

/**
 * When a board must post (contract v1.1, "The ingest answer tells the board
 * how to behave"), decided with the server's own alert rules (rules.ts):
 *
 *  - `now`: this reading would raise, escalate or resolve an alert (or change
 *    the set of sensor faults, which is the `fault` alert), so it is posted at once;
 *  - `fast`: a life-safety condition is present or near (a flame; heat or
 *    smoke at or within 10% of its raise level or of the rate of rise; co2
 *    within 10% of its critical level): post every few seconds until it is
 *    below its clear level;
 *  - `interval`: nothing alarming (a co2 warning alone included): wait for
 *    the policy's upload interval.
 *
 * Pure: the board keeps the returned state and passes it back with the next reading.
 */
export type Urgency = 'now' | 'fast' | 'interval';

export interface UrgencyState {
  /** The board's mirror of what the server has active, by kind (severity only matters). */
  active: Partial<Record<AlertKind, 'warning' | 'critical'>>;
  /** Life-safety conditions in "fast" mode, until each is below its clear level. */
  near: ('fire' | 'heat' | 'smoke' | 'co2')[];
  /** [ts ms, temperature] of recent readings, for the rate of rise. */
  heat: [number, number][];
  /** Sorted faults of the last reading (the `fault` alert changes with this set). */
  faults: string[];
  /** ts of the newest reading judged: older ones change nothing (the server's order). */
  lastTs: number;
}

export const INITIAL_URGENCY: Readonly<UrgencyState> = Object.freeze({ active: {}, near: [], heat: [], faults: [], lastTs: -Infinity });

/** "Near": at or within this share of a raise level. */
export const NEAR_SHARE = 0.1;

export interface UrgencyReading extends Measurements {
  ts: number;
  faults?: readonly string[];
}

export interface UrgencyDecision {
  urgency: Urgency;
  /** Why (for the log): e.g. ["raise:fire"], ["near:heat"]. */
  reasons: string[];
  state: UrgencyState;
}

function asActive(severity: 'warning' | 'critical'): ActiveAlert {
  // The rules only look at the severity; the rest is the shape they are typed with.
  return { alertId: 'board', severity, raisedAt: '', value: 0, threshold: 0, lastNotifiedAt: '' };
}

export function judgeUpload(state: Readonly<UrgencyState>, r: UrgencyReading, t: Thresholds): UrgencyDecision {
  if (r.ts < state.lastTs) {
    // A late reading changes nothing active on the server (a late flame is still an alarm).
    const urgent = r.flame === true || isNear(r, undefined, t).length > 0;
    return { urgency: urgent ? 'now' : 'interval', reasons: urgent ? ['late-alarm'] : [], state: state as UrgencyState };
  }
  const heat = state.heat.filter(([at]) => r.ts - at <= HEAT_HISTORY_MS && at < r.ts);
  const rate = r.temperature !== undefined ? riseRate(heat, r.ts, r.temperature) : undefined;
  if (r.temperature !== undefined) heat.push([r.ts, r.temperature]);

  const active: UrgencyState['active'] = { ...state.active };
  const mirror: Partial<Record<AlertKind, ActiveAlert>> = {};
  for (const [k, sev] of Object.entries(active) as [AlertKind, 'warning' | 'critical'][]) mirror[k] = asActive(sev);
  // The fault rule compares the reading's faults with the active alert's value: mirror it too.
  if (mirror.fault) mirror.fault = { ...mirror.fault, value: [...state.faults] };
  const reasons: string[] = [];
  for (const [kind, outcome] of outcomesFor(mirror, r, t, rate)) {
    if (outcome.action === 'none') continue;
    reasons.push(`${outcome.action}:${kind}`);
    if (outcome.action === 'raise') active[kind] = outcome.severity;
    else if (outcome.action === 'escalate') active[kind] = 'critical';
    else if (outcome.action === 'resolve') delete active[kind];
    // 'change' (a new set of faults) keeps the alert active: only its value moves.
  }

  // The faults the server will judge (the board's plus its own co2:calibration), as the rules compute them.
  const faults = readingFaults(r);

  // Fast mode: entered near a raise level, left only below the clear level (each measured kind on its own).
  const near = new Set(state.near);
  for (const k of isNear(r, rate, t)) near.add(k);
  for (const k of [...near]) if (isClear(k, r, rate, t)) near.delete(k);

  const state2: UrgencyState = { active, near: [...near].sort(), heat, faults, lastTs: r.ts };
  if (reasons.length > 0) return { urgency: 'now', reasons, state: state2 };
  if (near.size > 0) return { urgency: 'fast', reasons: [...near].map((k) => `near:${k}`), state: state2 };
  return { urgency: 'interval', reasons: [], state: state2 };
}

/** Life-safety conditions this reading has at or within 10% of their raise level. */
export function isNear(r: Measurements, rate: number | undefined, t: Thresholds): UrgencyState['near'] {
  const out: UrgencyState['near'] = [];
  const near = (value: number, raise: number) => value >= raise - Math.abs(raise) * NEAR_SHARE;
  if (r.flame === true) out.push('fire');
  if ((r.temperature !== undefined && near(r.temperature, t.heat.critical)) || (rate !== undefined && near(rate, t.heat.risePerMinute))) {
    out.push('heat');
  }
  if (r.smoke !== undefined && near(r.smoke, t.smoke.critical)) out.push('smoke');
  if (r.co2 !== undefined && near(r.co2, t.co2.critical)) out.push('co2');
  return out;
}

/**
 * Below the clear level. A kind this reading does not measure stays as it is.
 * co2: the contract's one clear level belongs to the warning; fast mode for a
 * critical level ends below the warning level (a warning alone never speeds up).
 */
function isClear(k: UrgencyState['near'][number], r: Measurements, rate: number | undefined, t: Thresholds): boolean {
  switch (k) {
    case 'fire':
      return r.flame === false;
    case 'heat':
      return r.temperature !== undefined && r.temperature < t.heat.clear && !(rate !== undefined && rate >= t.heat.risePerMinute * (1 - NEAR_SHARE));
    case 'smoke':
      return r.smoke !== undefined && r.smoke < t.smoke.clear;
    case 'co2':
      return r.co2 !== undefined && r.co2 < t.co2.warning;
  }
}

/**
 * Would this reading, alone, raise an alert (no alert active, no history)?
 * The queue keeps such readings when it has to thin quiet ones.
 */
export function isAlarming(r: Measurements, t: Thresholds): boolean {
  return outcomesFor({}, r, t, undefined).some(([, o]) => o.action === 'raise');
}
