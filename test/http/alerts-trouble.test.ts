import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { sweep } from '../../src/app/alerts/sweep.js';
import { AlertsPageSchema } from '../../src/domain/responses.js';
import { isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';

// Contract v1.1: trouble signals (faults), late alarms, escalation and measured latency, through the local stack.
interface Line {
  transition: string;
  alertId: string;
  deviceId: string;
  kind: string;
  severity: string;
  value: unknown;
  threshold: unknown;
  at: string;
  late?: boolean;
  sentAt: string;
  latencyMs: number | null;
  subject: string;
  message: string;
}

function notifications(t: TestStack, deviceId: string): Line[] {
  const path = join(t.dataDir, 'notifications.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line).filter((l) => l.deviceId === deviceId);
}

const MIN = 60_000;
const offset = { ms: 0 };
const clock = { now: () => Date.now() + offset.ms };

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ SWEEP_INTERVAL_SECONDS: '3600', ESCALATE_AFTER_MINUTES: '0.5', REMINDER_MINUTES: '0', EMERGENCY_NUMBER: '18' }, { clock });
});
afterAll(async () => t?.stop());

describe('trouble signals', () => {
  it('a fault is raised, changed in place and resolved, each notified once with what to do', async () => {
    const key = await t.api.registerDevice('tr-fault', { name: 'Salle 101' });
    const base = Date.now() - 10 * MIN;
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    // A board whose every sensor failed still reports; the faults are stored on the reading.
    const first = await t.api.post('tr-fault', key, [{ ts: at(0), faults: ['smoke:disconnected'] }]);
    expect(first.body).toMatchObject({ accepted: 1, rejected: [] });
    const active = await t.api.request('GET', '/v1/alerts?deviceId=tr-fault');
    v.parse(AlertsPageSchema, active.body);
    expect(active.body.items).toMatchObject([{ kind: 'fault', severity: 'warning', status: 'active', value: ['smoke:disconnected'], threshold: null, raisedAt: at(0) }]);
    // The same set again changes nothing; a new set is `changed`; the API adds co2:calibration below 350 ppm.
    await t.api.post('tr-fault', key, [{ ts: at(10), faults: ['smoke:disconnected'], co2: 800 }]);
    await t.api.post('tr-fault', key, [{ ts: at(20), faults: ['smoke:disconnected'], co2: 300 }]);
    // Posted 20 times at once: one resolution.
    const resolving = [{ id: 'ok-1', ts: at(30), co2: 600, smoke: 0.02 }];
    await Promise.all(Array.from({ length: 20 }, () => t.api.post('tr-fault', key, resolving)));
    const lines = notifications(t, 'tr-fault');
    expect(lines.map((l) => [l.transition, l.value])).toEqual([
      ['raised', ['smoke:disconnected']],
      ['changed', ['co2:calibration', 'smoke:disconnected']],
      ['resolved', []],
    ]);
    expect(new Set(lines.map((l) => l.alertId)).size).toBe(1);
    expect(lines[0]?.message).toContain('the smoke sensor is disconnected');
    expect(lines[0]?.message).toContain('not protected against fire');
    expect(lines[1]?.message).toMatch(/Calibrate the CO2 sensor/);
    const stored = await t.api.allReadings('tr-fault');
    expect(stored[0]).toMatchObject({ faults: ['smoke:disconnected'] });
    expect((await t.api.request('GET', '/v1/alerts?deviceId=tr-fault&status=resolved')).body.items).toMatchObject([{ kind: 'fault', status: 'resolved', resolvedAt: at(30) }]);
  });

  it('a co2 reading below 350 ppm raises co2:calibration and is still stored and judged for the other kinds', async () => {
    const key = await t.api.registerDevice('tr-calib');
    const ts = isoNow(-MIN);
    expect((await t.api.post('tr-calib', key, [{ ts, co2: 120, flame: true }])).body.accepted).toBe(1);
    expect(notifications(t, 'tr-calib').map((l) => `${l.kind}:${l.transition}:${JSON.stringify(l.value)}`)).toEqual(['fire:raised:true', 'fault:raised:["co2:calibration"]']);
    expect((await t.api.allReadings('tr-calib'))[0]).toMatchObject({ co2: 120, flame: true });
  });
});

describe('late alarms', () => {
  it('a late smoke reading raises a smoke alert marked late, once under 20 concurrent identical posts', async () => {
    const key = await t.api.registerDevice('tr-late');
    const base = Date.now() - 30 * MIN;
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    await t.api.post('tr-late', key, [{ ts: at(600), smoke: 0.01, co2: 500 }]);
    const late = [{ id: 'late-1', ts: at(300), smoke: 0.6, co2: 100 }];
    await Promise.all(Array.from({ length: 20 }, () => t.api.post('tr-late', key, late)));
    const lines = notifications(t, 'tr-late');
    expect(lines).toMatchObject([{ kind: 'smoke', transition: 'raised', late: true, at: at(300) }, { kind: 'fault', transition: 'raised', late: true }]);
    expect(lines).toHaveLength(2);
    expect(lines[0]?.message).toMatch(/Late reading/);
  });
});

describe('escalation and latency', () => {
  it('a critical alert nobody acknowledges is notified once as unacknowledged after ESCALATE_AFTER_MINUTES; an acknowledged one never', async () => {
    const key = await t.api.registerDevice('tr-esc');
    const key2 = await t.api.registerDevice('tr-esc-acked');
    const ts = isoNow(-1000);
    await t.api.post('tr-esc', key, [{ ts, flame: true }]);
    await t.api.post('tr-esc-acked', key2, [{ ts, flame: true }]);
    const acked = (await t.api.request('GET', '/v1/alerts?deviceId=tr-esc-acked')).body.items[0];
    expect((await t.api.request('POST', `/v1/alerts/${acked.alertId}/ack`)).status).toBe(200);
    await sweep(t.stack.deps); // 0 s after: nothing yet
    expect(notifications(t, 'tr-esc').map((l) => l.transition)).toEqual(['raised']);
    offset.ms = 31_000;
    // Two sweepers at once: still once.
    await Promise.all([sweep(t.stack.deps), sweep(t.stack.deps)]);
    await sweep(t.stack.deps);
    offset.ms = 0;
    const lines = notifications(t, 'tr-esc');
    expect(lines.map((l) => l.transition)).toEqual(['raised', 'unacknowledged']);
    expect(lines[1]).toMatchObject({ kind: 'fire', severity: 'critical', latencyMs: null });
    expect(lines[1]?.subject).toMatch(/^NOT ACKNOWLEDGED: FIRE/);
    expect(lines[0]?.message).toContain('(18)'); // EMERGENCY_NUMBER
    // The raise measured its latency from the reading's time.
    expect(lines[0]?.latencyMs).toBe(Date.parse(lines[0]?.sentAt ?? '') - Date.parse(ts));
    expect(lines[0]?.latencyMs).toBeGreaterThanOrEqual(1000);
    expect(notifications(t, 'tr-esc-acked').map((l) => l.transition)).toEqual(['raised']);
  });
});
