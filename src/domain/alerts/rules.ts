import type { Measurements } from '../reading.js';
import type { Thresholds } from '../thresholds.js';
import type { ActiveAlert, AlertKind, AlertThreshold, AlertValue, Severity } from './types.js';

/**
 * The contract's alert table as pure functions: given what is active for a
 * kind and one reading, what happens. Hysteresis: an alert clears only below
 * its clear level; a critical alert stays critical until it clears.
 */
export type RuleOutcome =
  | { action: 'raise'; severity: Severity; value: AlertValue; threshold: AlertThreshold; byRate?: true }
  | { action: 'escalate'; value: number; threshold: number }
  | { action: 'change'; value: string[] }
  | { action: 'resolve'; value: AlertValue; threshold: AlertThreshold }
  | { action: 'none' };

const none: RuleOutcome = { action: 'none' };

export function co2Rule(active: ActiveAlert | undefined, co2: number, t: Thresholds['co2']): RuleOutcome {
  const level: Severity | undefined = co2 >= t.critical ? 'critical' : co2 >= t.warning ? 'warning' : undefined;
  if (!active) {
    return level ? { action: 'raise', severity: level, value: co2, threshold: level === 'critical' ? t.critical : t.warning } : none;
  }
  if (co2 < t.clear) return { action: 'resolve', value: co2, threshold: t.clear };
  if (active.severity === 'warning' && level === 'critical') return { action: 'escalate', value: co2, threshold: t.critical };
  return none;
}

export function fireRule(active: ActiveAlert | undefined, flame: boolean): RuleOutcome {
  if (!active && flame) return { action: 'raise', severity: 'critical', value: true, threshold: true };
  if (active && !flame) return { action: 'resolve', value: false, threshold: true };
  return none;
}

export function smokeRule(active: ActiveAlert | undefined, smoke: number, t: Thresholds['smoke']): RuleOutcome {
  if (!active && smoke >= t.critical) return { action: 'raise', severity: 'critical', value: smoke, threshold: t.critical };
  if (active && smoke < t.clear) return { action: 'resolve', value: smoke, threshold: t.clear };
  return none;
}

/** Samples of the rate of rise are kept this long. */
export const HEAT_HISTORY_MS = 10 * 60_000;
/** The rise is measured over at least this long. */
export const RISE_MIN_SPAN_MS = 60_000;

/**
 * Degrees per minute between this sample and the newest earlier sample at
 * least 60 s older, or undefined when there is none in the history.
 */
export function riseRate(history: readonly [number, number][], tsMs: number, temperature: number): number | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const [at, value] = history[i] as [number, number];
    if (tsMs - at >= RISE_MIN_SPAN_MS) return ((temperature - value) * 60_000) / (tsMs - at);
  }
  return undefined;
}

export function heatRule(active: ActiveAlert | undefined, temperature: number, rate: number | undefined, t: Thresholds['heat']): RuleOutcome {
  const rising = rate !== undefined && rate >= t.risePerMinute;
  if (!active) {
    if (temperature >= t.critical) return { action: 'raise', severity: 'critical', value: temperature, threshold: t.critical };
    if (rising) return { action: 'raise', severity: 'critical', value: round(rate), threshold: t.risePerMinute, byRate: true };
    return none;
  }
  if (temperature < t.clear && !rising) return { action: 'resolve', value: temperature, threshold: t.clear };
  return none;
}

/** Below outdoor air (about 420 ppm): the CO2 sensor reads low and needs calibrating. */
export const CO2_CALIBRATION_BELOW = 350;
export const CO2_CALIBRATION_FAULT = 'co2:calibration';

/** The faults a reading signals: those the board sent, plus the API's own `co2:calibration`; sorted, each once. */
export function readingFaults(reading: Measurements & { faults?: readonly string[] }): string[] {
  const faults = new Set(reading.faults ?? []);
  if (reading.co2 !== undefined && reading.co2 < CO2_CALIBRATION_BELOW) faults.add(CO2_CALIBRATION_FAULT);
  return [...faults].sort();
}

/** Trouble signals: raised by any fault, changed in place when the set changes, resolved by a reading without one. */
export function faultRule(active: ActiveAlert | undefined, faults: readonly string[]): RuleOutcome {
  if (!active) return faults.length > 0 ? { action: 'raise', severity: 'warning', value: [...faults], threshold: null } : none;
  if (faults.length === 0) return { action: 'resolve', value: [], threshold: null };
  const before = Array.isArray(active.value) ? active.value : [];
  const same = before.length === faults.length && before.every((f, i) => f === faults[i]);
  return same ? none : { action: 'change', value: [...faults] };
}

/** The readings' rules for one reading, kind by kind (offline is not a reading rule). */
export function outcomesFor(
  active: Partial<Record<AlertKind, ActiveAlert>>,
  reading: Measurements & { faults?: readonly string[] },
  thresholds: Thresholds,
  rate: number | undefined,
): [AlertKind, RuleOutcome][] {
  const out: [AlertKind, RuleOutcome][] = [];
  if (reading.flame !== undefined) out.push(['fire', fireRule(active.fire, reading.flame)]);
  if (reading.temperature !== undefined) out.push(['heat', heatRule(active.heat, reading.temperature, rate, thresholds.heat)]);
  if (reading.smoke !== undefined) out.push(['smoke', smokeRule(active.smoke, reading.smoke, thresholds.smoke)]);
  if (reading.co2 !== undefined) out.push(['co2', co2Rule(active.co2, reading.co2, thresholds.co2)]);
  // Every reading is judged for faults (last: life-safety kinds go out first): one without any ends a trouble signal.
  out.push(['fault', faultRule(active.fault, readingFaults(reading))]);
  return out.filter(([, outcome]) => outcome.action !== 'none');
}

const round = (n: number) => Math.round(n * 100) / 100;
