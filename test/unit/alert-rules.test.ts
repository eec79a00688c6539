import { describe, expect, it } from 'vitest';
import { acknowledge, evaluatePost, raiseOffline, remind, type ReadingToEvaluate } from '../../src/domain/alerts/lifecycle.js';
import { co2Rule, fireRule, heatRule, riseRate, smokeRule } from '../../src/domain/alerts/rules.js';
import { emptyAlertState, type ActiveAlert, type AlertState } from '../../src/domain/alerts/types.js';
import type { Measurements } from '../../src/domain/reading.js';
import { DEFAULT_THRESHOLDS, mergeThresholds } from '../../src/domain/thresholds.js';

const T = DEFAULT_THRESHOLDS;
const active = (severity: 'warning' | 'critical' = 'warning'): ActiveAlert => ({
  alertId: 'a', severity, raisedAt: '2026-11-29T18:00:00.000Z', value: 0, threshold: 0, lastNotifiedAt: '2026-11-29T18:00:00.000Z',
});

describe('co2 rule', () => {
  it.each([
    // [active severity or none, co2, expected action, severity/threshold]
    [undefined, 999, 'none', undefined],
    [undefined, 1000, 'raise', 'warning'],
    [undefined, 4999, 'raise', 'warning'],
    [undefined, 5000, 'raise', 'critical'],
    ['warning', 5000, 'escalate', 5000],
    ['warning', 4999, 'none', undefined],
    ['warning', 900, 'none', undefined], // exactly at the clear level: still active (hysteresis)
    ['warning', 899.9, 'resolve', 900],
    ['critical', 1200, 'none', undefined], // a critical alert stays critical until it clears
    ['critical', 950, 'none', undefined],
    ['critical', 400, 'resolve', 900],
  ] as const)('active %s, co2 %d -> %s', (severity, co2, action, detail) => {
    const outcome = co2Rule(severity ? active(severity) : undefined, co2, T.co2);
    expect(outcome.action).toBe(action);
    if (outcome.action === 'raise') expect(outcome.severity).toBe(detail);
    if (outcome.action === 'escalate' || outcome.action === 'resolve') expect(outcome.threshold).toBe(detail);
  });
});

describe('fire, smoke and heat rules', () => {
  it('fire raises on flame, critical, and resolves on no flame', () => {
    expect(fireRule(undefined, true)).toEqual({ action: 'raise', severity: 'critical', value: true, threshold: true });
    expect(fireRule(undefined, false).action).toBe('none');
    expect(fireRule(active('critical'), true).action).toBe('none');
    expect(fireRule(active('critical'), false).action).toBe('resolve');
  });

  it.each([
    [undefined, 0.349, 'none'], [undefined, 0.35, 'raise'], ['critical', 0.3, 'none'], ['critical', 0.2999, 'resolve'], ['critical', 0.34, 'none'],
  ] as const)('smoke: active %s, %d -> %s', (severity, smoke, action) => {
    expect(smokeRule(severity ? active(severity) : undefined, smoke, T.smoke).action).toBe(action);
  });

  it.each([
    [undefined, 56.9, undefined, 'none'],
    [undefined, 57, undefined, 'raise'],
    [undefined, 30, 8.3, 'raise'],
    [undefined, 30, 8.29, 'none'],
    ['critical', 50, undefined, 'none'],
    ['critical', 49.9, undefined, 'resolve'],
    ['critical', 40, 9, 'none'], // cool but still rising fast: not cleared
    ['critical', 40, 8, 'resolve'],
  ] as const)('heat: active %s, %d °C, rate %s -> %s', (severity, temperature, rate, action) => {
    expect(heatRule(severity ? active(severity) : undefined, temperature, rate, T.heat).action).toBe(action);
  });
});

describe('rate of rise', () => {
  const t0 = Date.parse('2026-11-29T18:00:00Z');
  it('is measured against the newest sample at least 60 s older', () => {
    const history: [number, number][] = [[t0, 20], [t0 + 30_000, 21], [t0 + 60_000, 25]];
    expect(riseRate(history, t0 + 59_000, 30)).toBeUndefined(); // no sample 60 s back
    expect(riseRate(history, t0 + 60_000, 28.3)).toBeCloseTo(8.3);
    expect(riseRate(history, t0 + 90_000, 30)).toBeCloseTo(((30 - 21) * 60) / 60); // against t0+30s
    expect(riseRate(history, t0 + 300_000, 30)).toBeCloseTo((30 - 25) / 4); // long gap: averaged over 4 minutes
  });
});

function readings(items: [number, Measurements][], base = Date.parse('2026-11-29T18:00:00Z')): ReadingToEvaluate[] {
  return items.map(([s, m]) => ({ reading: { ts: new Date(base + s * 1000).toISOString(), ...m }, tsMs: base + s * 1000 }));
}

let counter = 0;
const input = (r: ReadingToEvaluate[], extra: Partial<Parameters<typeof evaluatePost>[1]> = {}) => ({
  deviceId: 'd1', readings: r, thresholds: T, serverNow: '2026-11-29T19:00:00.000Z', newId: () => `al-${++counter}`, ...extra,
});

describe('evaluating a post', () => {
  it('raises, escalates and resolves in ts order with the readings\' own times, whatever the batch order', () => {
    const batch = readings([[30, { co2: 700 }], [0, { co2: 1200 }], [20, { co2: 950 }], [10, { co2: 6000 }]]);
    const { state, queued } = evaluatePost(emptyAlertState(), input(batch));
    expect(queued.map((q) => [q.transition, q.severity, q.value, q.at.slice(11, 19)])).toEqual([
      ['raised', 'warning', 1200, '18:00:00'],
      ['escalated', 'critical', 6000, '18:00:10'],
      ['resolved', 'critical', 700, '18:00:30'],
    ]);
    expect(state.active).toEqual({});
    expect(state.evaluatedTs).toBe('2026-11-29T18:00:30.000Z');
    expect(Object.keys(state.pending)).toEqual(['0000000000', '0000000001', '0000000002']);
  });

  it('ignores readings not newer than the newest evaluated one', () => {
    const first = evaluatePost(emptyAlertState(), input(readings([[10, { flame: true }]])));
    const late = evaluatePost(first.state, input(readings([[5, { flame: false }], [10, { flame: false }]])));
    expect(late.queued).toEqual([]);
    expect(late.changed).toBe(false);
    expect(late.state.active.fire).toBeDefined();
  });

  it('evaluates each kind from its own measurement and leaves the others alone', () => {
    const { queued } = evaluatePost(emptyAlertState(), input(readings([[0, { co2: 1500, smoke: 0.5, flame: true, temperature: 60, humidity: 99 }]])));
    expect(queued.map((q) => q.kind).sort()).toEqual(['co2', 'fire', 'heat', 'smoke']);
    expect(queued.every((q) => q.transition === 'raised')).toBe(true);
  });

  it('raises heat on a rise of 8.3 °C/min over at least 60 s, from the history across posts', () => {
    const one = evaluatePost(emptyAlertState(), input(readings([[0, { temperature: 20 }], [30, { temperature: 22 }]])));
    expect(one.queued).toEqual([]);
    const two = evaluatePost(one.state, input(readings([[60, { temperature: 28.4 }]])));
    expect(two.queued).toHaveLength(1);
    expect(two.queued[0]).toMatchObject({ kind: 'heat', transition: 'raised', value: 8.4, threshold: 8.3, byRate: true });
  });

  it('does not take a fast rise over a short gap for 60 s of rise', () => {
    const { queued } = evaluatePost(emptyAlertState(), input(readings([[0, { temperature: 20 }], [10, { temperature: 24 }], [20, { temperature: 26 }]])));
    expect(queued).toEqual([]);
  });

  it('uses per-device thresholds', () => {
    const thresholds = mergeThresholds(T, { co2: { warning: 800, clear: 700 } });
    const { queued } = evaluatePost(emptyAlertState(), input(readings([[0, { co2: 850 }]]), { thresholds }));
    expect(queued[0]).toMatchObject({ kind: 'co2', severity: 'warning', threshold: 800 });
  });

  it('resolves an offline alert when the board posts, at server time, with the silence', () => {
    const offline = raiseOffline(emptyAlertState(), { deviceId: 'd1', serverNow: '2026-11-29T18:20:00.000Z', silenceSeconds: 700, offlineAfterSeconds: 600, newId: () => 'off-1' });
    expect(offline.queued[0]).toMatchObject({ kind: 'offline', severity: 'warning', transition: 'raised', value: 700, threshold: 600 });
    expect(raiseOffline(offline.state, { deviceId: 'd1', serverNow: 'x', silenceSeconds: 800, offlineAfterSeconds: 600, newId: () => 'off-2' }).changed).toBe(false);
    const back = evaluatePost(offline.state, input([], { offlineResolution: { silenceSeconds: 900 } }));
    expect(back.queued).toEqual([expect.objectContaining({ kind: 'offline', transition: 'resolved', alertId: 'off-1', value: 900, at: '2026-11-29T19:00:00.000Z' })]);
  });
});

describe('reminders and acknowledgement', () => {
  const withFire = (): AlertState => evaluatePost(emptyAlertState(), input(readings([[0, { flame: true, co2: 1200 }]]), { serverNow: '2026-11-29T18:00:00.000Z' })).state;
  const at = (min: number) => Date.parse('2026-11-29T18:00:00.000Z') + min * 60_000;

  it('reminds of unacknowledged critical alerts every reminderMinutes, not of warnings', () => {
    const state = withFire();
    expect(remind(state, { deviceId: 'd1', nowMs: at(29), reminderMinutes: 30 }).queued).toEqual([]);
    const first = remind(state, { deviceId: 'd1', nowMs: at(30), reminderMinutes: 30 });
    expect(first.queued.map((q) => [q.kind, q.transition])).toEqual([['fire', 'reminder']]);
    expect(remind(first.state, { deviceId: 'd1', nowMs: at(59), reminderMinutes: 30 }).queued).toEqual([]);
    expect(remind(first.state, { deviceId: 'd1', nowMs: at(60), reminderMinutes: 30 }).queued).toHaveLength(1);
    expect(remind(state, { deviceId: 'd1', nowMs: at(300), reminderMinutes: 0 }).changed).toBe(false);
  });

  it('stops reminders once acknowledged, without resolving', () => {
    const state = withFire();
    const alertId = state.active.fire?.alertId as string;
    const acked = acknowledge(state, alertId, '2026-11-29T18:05:00.000Z');
    expect(acked.state.active.fire?.acknowledgedAt).toBe('2026-11-29T18:05:00.000Z');
    expect(remind(acked.state, { deviceId: 'd1', nowMs: at(120), reminderMinutes: 30 }).queued).toEqual([]);
    expect(acknowledge(acked.state, alertId, 'later').changed).toBe(false);
    expect(acknowledge(state, 'unknown', 'x').changed).toBe(false);
  });
});
