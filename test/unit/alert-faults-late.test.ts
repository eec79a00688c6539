import { describe, expect, it } from 'vitest';
import { escalateUnacknowledged } from '../../src/domain/alerts/escalation.js';
import { latencyMs } from '../../src/domain/alerts/latency.js';
import { acknowledge, evaluatePost, type ReadingToEvaluate } from '../../src/domain/alerts/lifecycle.js';
import { describeFault, renderNotification } from '../../src/domain/alerts/messages.js';
import { faultRule, readingFaults } from '../../src/domain/alerts/rules.js';
import { emptyAlertState, type ActiveAlert, type AlertState, type PendingNotification } from '../../src/domain/alerts/types.js';
import type { Reading } from '../../src/domain/reading.js';
import { DEFAULT_THRESHOLDS } from '../../src/domain/thresholds.js';

const base = Date.parse('2026-11-29T18:00:00.000Z');
const at = (s: number) => new Date(base + s * 1000).toISOString();
let ids = 0;
const post = (state: AlertState, readings: (Partial<Reading> & { s: number })[]) =>
  evaluatePost(state, {
    deviceId: 'd',
    readings: readings.map(({ s, ...r }): ReadingToEvaluate => ({ reading: { ts: at(s), ...r }, tsMs: base + s * 1000 })),
    thresholds: DEFAULT_THRESHOLDS,
    serverNow: at(1000),
    newId: () => `al_${++ids}`,
  });
const faultAlert = (value: string[]): ActiveAlert => ({ alertId: 'f', severity: 'warning', raisedAt: at(0), value, threshold: null, lastNotifiedAt: at(0) });

describe('fault rule', () => {
  it.each([
    // [active faults or none, reading faults, expected action]
    [undefined, [], 'none'],
    [undefined, ['smoke:disconnected'], 'raise'],
    [['smoke:disconnected'], ['smoke:disconnected'], 'none'],
    [['smoke:disconnected'], ['co2:stuck', 'smoke:disconnected'], 'change'],
    [['co2:stuck', 'smoke:disconnected'], ['co2:stuck'], 'change'],
    [['co2:stuck'], ['smoke:stuck'], 'change'],
    [['co2:stuck'], [], 'resolve'],
  ] as const)('active %j, faults %j -> %s', (activeFaults, faults, action) => {
    const outcome = faultRule(activeFaults ? faultAlert([...activeFaults]) : undefined, [...faults]);
    expect(outcome.action).toBe(action);
    if (outcome.action === 'raise') expect(outcome).toMatchObject({ severity: 'warning', value: faults, threshold: null });
    if (outcome.action === 'change') expect(outcome.value).toEqual(faults);
  });

  it.each([
    [{ co2: 349 }, ['co2:calibration']],
    [{ co2: 350 }, []],
    [{ co2: 200, faults: ['smoke:warming_up', 'co2:calibration'] }, ['co2:calibration', 'smoke:warming_up']],
    [{ faults: ['smoke:stuck', 'agent:clock'] }, ['agent:clock', 'smoke:stuck']],
    [{ temperature: 20 }, []],
  ] as const)('the faults of %j are %j (sorted, the API adds co2:calibration below 350 ppm)', (reading, expected) => {
    expect(readingFaults({ ...reading, faults: 'faults' in reading ? [...reading.faults] : undefined })).toEqual(expected);
  });

  it('raises, changes in place and resolves one alert, while the other kinds are judged as usual', () => {
    let r = post(emptyAlertState(), [{ s: 0, co2: 300, smoke: 0.5 }]);
    expect(r.queued.map((q) => `${q.kind}:${q.transition}`)).toEqual(['smoke:raised', 'fault:raised']);
    expect(r.queued[1]).toMatchObject({ value: ['co2:calibration'], threshold: null, severity: 'warning' });
    r = post(r.state, [{ s: 10, co2: 300, faults: ['smoke:disconnected'] }, { s: 20, co2: 300, faults: ['smoke:disconnected'] }]);
    expect(r.queued.map((q) => `${q.kind}:${q.transition}:${JSON.stringify(q.value)}`)).toEqual(['fault:changed:["co2:calibration","smoke:disconnected"]']);
    const id = r.state.active.fault?.alertId;
    r = post(r.state, [{ s: 30, co2: 800, smoke: 0.1 }]);
    expect(r.queued.map((q) => `${q.kind}:${q.transition}`)).toEqual(['smoke:resolved', 'fault:resolved']);
    expect(r.queued[1]?.alertId).toBe(id);
    expect(r.state.active.fault).toBeUndefined();
  });
});

describe('late readings', () => {
  // The cursor is at 100 s; each late reading (at 50 s) would raise its kind.
  it.each([
    ['fire', { flame: true }],
    ['smoke', { smoke: 0.5 }],
    ['heat', { temperature: 60 }],
    ['co2', { co2: 1200 }],
    ['fault', { faults: ['flame:disconnected'] as string[] }],
  ] as const)('a late %s reading raises a %s alert marked late, and the next reading in order resolves it', (kind, reading) => {
    const quiet = post(emptyAlertState(), [{ s: 100, temperature: 20, co2: 500, smoke: 0, flame: false }]).state;
    const late = post(quiet, [{ s: 50, ...reading }]);
    expect(late.queued).toHaveLength(1);
    expect(late.queued[0]).toMatchObject({ kind, transition: 'raised', late: true, at: at(50) });
    expect(late.state.active[kind]?.late).toBe(true);
    expect(late.state.evaluatedTs).toBe(at(100)); // the cursor does not move back
    const next = post(late.state, [{ s: 110, temperature: 20, co2: 500, smoke: 0, flame: false }]);
    expect(next.queued.map((q) => `${q.kind}:${q.transition}`)).toEqual([`${kind}:resolved`]);
  });

  it('never resolves, escalates or changes an active alert', () => {
    let state = post(emptyAlertState(), [{ s: 100, flame: true, co2: 1200, faults: ['smoke:stuck'] }]).state;
    const before = structuredClone(state.active);
    const late = post(state, [{ s: 50, flame: false, co2: 6000, faults: ['co2:stuck'] }, { s: 60, co2: 100 }]);
    expect(late.queued).toEqual([]);
    state = late.state;
    expect(state.active).toEqual(before);
  });

  it('a late reading equal to the cursor is late too, and raises only what is not active', () => {
    const state = post(emptyAlertState(), [{ s: 100, flame: true, co2: 500 }]).state;
    const late = post(state, [{ s: 100, flame: true, smoke: 0.9 }]);
    expect(late.queued.map((q) => `${q.kind}:${q.transition}:${q.late}`)).toEqual(['smoke:raised:true']);
  });
});

describe('escalation when nobody acknowledges', () => {
  const fire = post(emptyAlertState(), [{ s: 0, flame: true, co2: 1200 }]).state; // fire critical, co2 warning
  it.each([
    // [minutes after raisedAt, ESCALATE_AFTER_MINUTES, escalated kinds]
    [9.9, 10, []],
    [10, 10, ['fire']],
    [0.5, 0.5, ['fire']],
    [0.49, 0.5, []],
    [600, 0, []], // 0 turns it off
  ] as const)('%d min after the raise with %d min: %j', (minutes, after, kinds) => {
    const r = escalateUnacknowledged(fire, { deviceId: 'd', nowMs: base + minutes * 60_000, escalateAfterMinutes: after });
    expect(r.queued.map((q) => q.kind)).toEqual(kinds);
    for (const q of r.queued) expect(q).toMatchObject({ transition: 'unacknowledged', severity: 'critical', at: new Date(base + minutes * 60_000).toISOString() });
  });

  it('is sent once, and never for an acknowledged alert', () => {
    const once = escalateUnacknowledged(fire, { deviceId: 'd', nowMs: base + 11 * 60_000, escalateAfterMinutes: 10 });
    expect(once.queued).toHaveLength(1);
    expect(escalateUnacknowledged(once.state, { deviceId: 'd', nowMs: base + 60 * 60_000, escalateAfterMinutes: 10 }).changed).toBe(false);
    const acked = acknowledge(fire, fire.active.fire?.alertId ?? '', at(30)).state;
    expect(escalateUnacknowledged(acked, { deviceId: 'd', nowMs: base + 60 * 60_000, escalateAfterMinutes: 10 }).queued).toEqual([]);
  });
});

describe('latency', () => {
  const e = (over: Partial<PendingNotification>) => ({ transition: 'raised' as const, kind: 'fire' as const, at: at(0), ...over });
  it.each([
    [e({}), 2500],
    [e({ transition: 'resolved', kind: 'smoke' }), 2500],
    [e({ transition: 'changed', kind: 'fault' }), 2500],
    [e({ kind: 'offline' }), null],
    [e({ transition: 'resolved', kind: 'offline' }), null],
    [e({ transition: 'reminder' }), null],
    [e({ transition: 'unacknowledged' }), null],
    [e({ afterSilence: true }), null],
  ])('%j -> %s', (entry, expected) => {
    expect(latencyMs(entry, base + 2500)).toBe(expected);
  });
});

describe('fault and escalation texts', () => {
  const device = { deviceId: 'bbb-salle-101', name: 'Salle 101', location: 'Bâtiment A' };
  const entry = (over: Partial<PendingNotification>): PendingNotification => ({
    seq: '0', transition: 'raised', alertId: 'al_x', deviceId: 'bbb-salle-101', kind: 'fault', severity: 'warning',
    value: ['smoke:disconnected'], threshold: null, at: at(0), raisedAt: at(0), ...over,
  });
  it('tell a facilities person that the room is unprotected, in English and French', () => {
    expect(renderNotification(entry({}), device, 'en').message).toContain('the smoke sensor is disconnected');
    expect(renderNotification(entry({}), device, 'en').message).toContain('This room is not protected against fire until it is fixed');
    const fr = renderNotification(entry({}), device, 'fr').message;
    expect(fr).toContain('DÉRANGEMENT — Salle 101');
    expect(fr).toContain('le capteur de fumée est débranché');
    expect(fr).toContain("n'est pas protégée contre l'incendie");
  });
  it('name the CO2 calibration and the board faults', () => {
    expect(renderNotification(entry({ value: ['co2:calibration'] }), device, 'en').message).toMatch(/Calibrate the CO2 sensor/);
    expect(describeFault('agent:queue_full', 'fr')).toBe('le boîtier a dû abandonner des mesures (file pleine)');
    expect(describeFault('agent:disk_full', 'en')).toBe("the board's storage is full");
  });
  it('use the deployment emergency number and "déclenchée" for a raised alarm', () => {
    const fire = entry({ kind: 'fire', severity: 'critical', value: true, threshold: true });
    expect(renderNotification(fire, device, 'fr', { emergencyNumber: '18' }).message).toContain('appelez les secours (18)');
    expect(renderNotification(fire, device, 'en').message).toContain('call the fire brigade (112)');
    const fr = renderNotification(fire, device, 'fr').message;
    expect(fr).toContain('déclenchée le');
    expect(fr).not.toMatch(/[Ll]evée/);
  });
  it('say unacknowledged, late and after-silence plainly', () => {
    const fire = entry({ kind: 'fire', severity: 'critical', value: true, threshold: true });
    expect(renderNotification({ ...fire, transition: 'unacknowledged' }, device, 'en').subject).toMatch(/^NOT ACKNOWLEDGED: FIRE/);
    expect(renderNotification({ ...fire, transition: 'unacknowledged' }, device, 'fr').subject).toMatch(/^NON ACQUITTEE : FEU/);
    expect(renderNotification({ ...fire, late: true }, device, 'en').message).toMatch(/Late reading/);
    expect(renderNotification({ ...fire, afterSilence: true }, device, 'fr').message).toMatch(/Toujours active à la fin/);
    expect(renderNotification({ ...fire, transition: 'resolved', value: false }, device, 'fr').subject).toMatch(/^Fin d'alarme : FEU/);
  });
});
