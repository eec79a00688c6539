import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { sweep } from '../../src/app/alerts/sweep.js';
import type { Notifier } from '../../src/app/ports.js';
import { AlertSchema, AlertsPageSchema } from '../../src/domain/responses.js';
import { isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';

interface Line {
  transition: string;
  alertId: string;
  deviceId: string;
  kind: string;
  severity: string;
  value: number | boolean;
  threshold: number | boolean;
  at: string;
  subject: string;
  message: string;
}

function notifications(t: TestStack, deviceId?: string): Line[] {
  const path = join(t.dataDir, 'notifications.jsonl');
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  return deviceId ? lines.filter((l) => l.deviceId === deviceId) : lines;
}

const summary = (lines: Line[]) => lines.map((l) => `${l.kind}:${l.transition}:${l.severity}`);
const MIN = 60_000;

/** A clock the tests can move forward (reminders, offline). */
const offset = { ms: 0 };
const clock = { now: () => Date.now() + offset.ms };

let t: TestStack;
beforeAll(async () => {
  // Escalation is off here (its own tests are in alerts-trouble.test.ts): these count reminders.
  t = await startTestStack({ SWEEP_INTERVAL_SECONDS: '3600', ESCALATE_AFTER_MINUTES: '0' }, { clock });
});
afterAll(async () => t?.stop());

describe('the life of each kind of alert', () => {
  it('co2: warning, escalation in place, hysteresis, resolution', async () => {
    const key = await t.api.registerDevice('al-co2', { name: 'Salle 101' });
    const base = Date.now() - 10 * MIN;
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    await t.api.post('al-co2', key, [{ ts: at(0), co2: 800 }, { ts: at(10), co2: 1000 }]);
    await t.api.post('al-co2', key, [{ ts: at(20), co2: 5200 }]);
    await t.api.post('al-co2', key, [{ ts: at(30), co2: 920 }]); // above the clear level: still active
    let active = await t.api.request('GET', '/v1/alerts?deviceId=al-co2');
    expect(active.body.items).toHaveLength(1);
    expect(active.body.items[0]).toMatchObject({ kind: 'co2', severity: 'critical', status: 'active', value: 5200, threshold: 5000, raisedAt: at(10) });
    v.parse(AlertsPageSchema, active.body);
    expect((await t.api.request('GET', '/v1/devices/al-co2')).body.activeAlerts).toBe(1);
    await t.api.post('al-co2', key, [{ ts: at(40), co2: 850 }]);
    expect(summary(notifications(t, 'al-co2'))).toEqual(['co2:raised:warning', 'co2:escalated:critical', 'co2:resolved:critical']);
    const lines = notifications(t, 'al-co2');
    expect(lines.map((l) => l.at)).toEqual([at(10), at(20), at(40)]);
    expect(new Set(lines.map((l) => l.alertId)).size).toBe(1);
    expect(lines[0]?.message).toContain('Salle 101');
    active = await t.api.request('GET', '/v1/alerts?deviceId=al-co2');
    expect(active.body.items).toEqual([]);
    const resolved = await t.api.request('GET', '/v1/alerts?deviceId=al-co2&status=resolved');
    expect(resolved.body.items[0]).toMatchObject({ status: 'resolved', resolvedAt: at(40), severity: 'critical' });
    v.parse(AlertSchema, resolved.body.items[0]);
    expect((await t.api.request('GET', '/v1/devices/al-co2')).body.activeAlerts).toBe(0);
  });

  it('fire, smoke and heat (fixed and rate of rise) raise critical at once and clear with hysteresis', async () => {
    const key = await t.api.registerDevice('al-multi');
    const base = Date.now() - 20 * MIN;
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    await t.api.post('al-multi', key, [
      { ts: at(0), flame: false, smoke: 0.1, temperature: 21 },
      { ts: at(10), flame: true, smoke: 0.36, temperature: 21 },
      { ts: at(20), flame: false, smoke: 0.31, temperature: 57 },
      { ts: at(30), smoke: 0.29, temperature: 50 },
      { ts: at(40), temperature: 49 },
    ]);
    expect(summary(notifications(t, 'al-multi'))).toEqual([
      'fire:raised:critical', 'smoke:raised:critical', 'fire:resolved:critical', 'heat:raised:critical', 'smoke:resolved:critical', 'heat:resolved:critical',
    ]);
    // Rate of rise: 21 °C to 30 °C in 60 s.
    await t.api.post('al-multi', key, [{ ts: at(100), temperature: 21 }, { ts: at(130), temperature: 24 }, { ts: at(160), temperature: 30 }]);
    const heat = notifications(t, 'al-multi').at(-1);
    expect(heat).toMatchObject({ kind: 'heat', transition: 'raised', value: 9, threshold: 8.3 });
    expect(heat?.message).toContain('°C/min');
  });

  it('a backlog after an outage is evaluated in order: an event that began and ended offline is notified with its real times', async () => {
    const key = await t.api.registerDevice('al-backlog');
    const base = Date.now() - 60 * MIN;
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    await t.api.post('al-backlog', key, [{ ts: at(600), flame: false }, { ts: at(0), flame: false }, { ts: at(300), flame: true }]);
    const lines = notifications(t, 'al-backlog');
    expect(lines.map((l) => [l.transition, l.at])).toEqual([['raised', at(300)], ['resolved', at(600)]]);
    // An older reading arriving after that is stored and, a late alarm never being ignored, raises a fire marked late.
    const late = await t.api.post('al-backlog', key, [{ ts: at(400), flame: true }]);
    expect(late.body.accepted).toBe(1);
    expect(notifications(t, 'al-backlog').slice(2)).toMatchObject([{ transition: 'raised', kind: 'fire', at: at(400), late: true }]);
    expect((await t.api.request('GET', '/v1/alerts?deviceId=al-backlog')).body.items).toMatchObject([{ kind: 'fire', late: true, raisedAt: at(400) }]);
    // The next reading in order resolves it as usual; the late reading sent again is a duplicate and raises nothing.
    await t.api.post('al-backlog', key, [{ ts: at(700), flame: false }, { ts: at(400), flame: true }]);
    expect(notifications(t, 'al-backlog').slice(2).map((l) => `${l.transition}:${l.at}`)).toEqual([`raised:${at(400)}`, `resolved:${at(700)}`]);
  });

  it('uses per-device thresholds', async () => {
    const key = await t.api.registerDevice('al-custom', { thresholds: { co2: { warning: 600, clear: 500 } } });
    await t.api.post('al-custom', key, [{ ts: isoNow(-MIN), co2: 650 }]);
    expect(notifications(t, 'al-custom')[0]).toMatchObject({ kind: 'co2', severity: 'warning', threshold: 600, value: 650 });
  });
});

describe('exactly once', () => {
  it('the same alerting batch posted 20 times concurrently raises once', async () => {
    const key = await t.api.registerDevice('al-race');
    const batch = [{ id: 'f1', ts: isoNow(-MIN), flame: true, co2: 1500 }, { id: 'f2', ts: isoNow(-MIN / 2), co2: 6000 }];
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.api.post('al-race', key, batch)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(summary(notifications(t, 'al-race')).sort()).toEqual(['co2:escalated:critical', 'co2:raised:warning', 'fire:raised:critical']);
  });

  it('a notifier that fails the first 3 times still delivers exactly once, in order', async () => {
    let failures = 3;
    const flaky = await startTestStack({ SWEEP_INTERVAL_SECONDS: '3600' }, {
      wrapNotifier: (inner: Notifier): Notifier => ({
        publish: async (n) => {
          if (failures > 0) {
            failures--;
            throw new Error('SNS is down');
          }
          await inner.publish(n);
        },
      }),
    });
    try {
      const key = await flaky.api.registerDevice('flaky-1');
      const answer = await flaky.api.post('flaky-1', key, [{ ts: isoNow(-2 * MIN), flame: true }, { ts: isoNow(-MIN), flame: false }]);
      expect(answer.status).toBe(200); // a failed notification never fails the post
      expect(notifications(flaky)).toEqual([]);
      for (let i = 0; i < 5; i++) await sweep(flaky.stack.deps);
      expect(summary(notifications(flaky))).toEqual(['fire:raised:critical', 'fire:resolved:critical']);
      const alerts = await flaky.api.request('GET', '/v1/alerts?status=all&deviceId=flaky-1');
      expect(alerts.body.items).toHaveLength(1);
      expect(alerts.body.items[0].status).toBe('resolved');
    } finally {
      await flaky.stop();
    }
  });

  it('two sweeps at once deliver a pending notification once', async () => {
    let fail = true;
    const racing = await startTestStack({ SWEEP_INTERVAL_SECONDS: '3600' }, {
      wrapNotifier: (inner: Notifier): Notifier => ({
        publish: async (n) => {
          if (fail) throw new Error('down');
          await new Promise((r) => setTimeout(r, 50));
          await inner.publish(n);
        },
      }),
    });
    try {
      const key = await racing.api.registerDevice('race-sweep');
      await racing.api.post('race-sweep', key, [{ ts: isoNow(-MIN), smoke: 0.9 }]);
      fail = false;
      await Promise.all([sweep(racing.stack.deps), sweep(racing.stack.deps), sweep(racing.stack.deps)]);
      expect(summary(notifications(racing))).toEqual(['smoke:raised:critical']);
    } finally {
      await racing.stop();
    }
  });
});

describe('offline, reminders and acknowledgement', () => {
  it('raises offline for a silent board only, and the next post resolves it', async () => {
    const offline = await startTestStack({ OFFLINE_AFTER_SECONDS: '2', SWEEP_INTERVAL_SECONDS: '1' });
    try {
      const key = await offline.api.registerDevice('off-1');
      await offline.api.registerDevice('off-never-seen');
      const revokedKey = await offline.api.registerDevice('off-revoked');
      await offline.api.post('off-1', key, [{ ts: isoNow(-MIN), co2: 500 }]);
      await offline.api.post('off-revoked', revokedKey, [{ ts: isoNow(-MIN), co2: 500 }]);
      await offline.api.request('DELETE', '/v1/devices/off-revoked');
      const deadline = Date.now() + 10_000;
      while (notifications(offline).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(notifications(offline).map((l) => `${l.deviceId}:${l.kind}:${l.transition}:${l.severity}`)).toEqual(['off-1:offline:raised:warning']);
      const device = (await offline.api.request('GET', '/v1/devices/off-1')).body;
      expect(device.status).toBe('offline');
      expect(device.activeAlerts).toBe(1);
      // Even a post whose readings are all duplicates says the board is back.
      await offline.api.post('off-1', key, [{ ts: isoNow(-MIN), co2: 500 }]);
      const lines = notifications(offline);
      expect(lines.map((l) => `${l.kind}:${l.transition}`)).toEqual(['offline:raised', 'offline:resolved']);
      expect(lines[1]?.threshold).toBe(2);
      expect(Number(lines[1]?.value)).toBeGreaterThanOrEqual(2);
    } finally {
      await offline.stop();
    }
  });

  it('reminds of an unacknowledged critical alert, and acknowledging stops reminders without resolving', async () => {
    const key = await t.api.registerDevice('rem-1');
    await t.api.post('rem-1', key, [{ ts: isoNow(-MIN), flame: true, co2: 1200 }]);
    offset.ms = 31 * MIN;
    try {
      await sweep(t.stack.deps);
      // 31 minutes of silence also makes the board offline (a warning: no reminders for it).
      const notOffline = () => summary(notifications(t, 'rem-1')).filter((s) => !s.startsWith('offline'));
      expect(notOffline()).toEqual(['fire:raised:critical', 'co2:raised:warning', 'fire:reminder:critical']);
      expect(summary(notifications(t, 'rem-1'))).toContain('offline:raised:warning');
      const fire = (await t.api.request('GET', '/v1/alerts?deviceId=rem-1')).body.items.find((a: { kind: string }) => a.kind === 'fire');
      // Only the admin acknowledges.
      expect((await t.api.request('POST', `/v1/alerts/${fire.alertId}/ack`, { token: null })).status).toBe(401);
      expect((await t.api.request('POST', `/v1/alerts/${fire.alertId}/ack`, { token: key })).status).toBe(403);
      const acked = await t.api.request('POST', `/v1/alerts/${fire.alertId}/ack`);
      expect(acked.status).toBe(200);
      expect(acked.body).toMatchObject({ alertId: fire.alertId, status: 'active', acknowledgedAt: expect.any(String) });
      const again = await t.api.request('POST', `/v1/alerts/${fire.alertId}/ack`);
      expect(again.body.acknowledgedAt).toBe(acked.body.acknowledgedAt);
      offset.ms = 95 * MIN;
      await sweep(t.stack.deps);
      expect(notOffline()).toEqual(['fire:raised:critical', 'co2:raised:warning', 'fire:reminder:critical']);
      expect((await t.api.request('GET', `/v1/devices/rem-1`)).body.activeAlerts).toBe(3);
    } finally {
      offset.ms = 0;
    }
  });

  it('answers 404 for an unknown alert and 400 for a malformed id', async () => {
    expect((await t.api.request('POST', '/v1/alerts/al_nope/ack')).status).toBe(404);
    expect((await t.api.request('POST', '/v1/alerts/bad%20id/ack')).status).toBe(400);
  });
});

describe('GET /v1/alerts', () => {
  it('lists newest first, pages without repeats, filters, and refuses bad queries', async () => {
    const key = await t.api.registerDevice('list-al');
    const base = Date.now() - 30 * MIN;
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    const readings = [];
    for (let i = 0; i < 6; i++) readings.push({ ts: at(i * 20), flame: true }, { ts: at(i * 20 + 10), flame: false });
    await t.api.post('list-al', key, readings);
    const ids: string[] = [];
    const raised: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.api.request('GET', `/v1/alerts?status=all&deviceId=list-al&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((a: { alertId: string }) => a.alertId));
      raised.push(...page.body.items.map((a: { raisedAt: string }) => a.raisedAt));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(raised).toEqual([...raised].sort().reverse());
    const all = await t.api.request('GET', '/v1/alerts?status=all&limit=1000');
    expect(all.body.items.length).toBeGreaterThanOrEqual(6);
    const activeDefault = await t.api.request('GET', '/v1/alerts');
    expect(activeDefault.body.items.every((a: { status: string }) => a.status === 'active')).toBe(true);
    for (const query of ['status=open', 'deviceId=bad%20id', 'limit=0', 'cursor=zzz']) {
      expect((await t.api.request('GET', `/v1/alerts?${query}`)).status).toBe(400);
    }
    expect((await t.api.request('GET', '/v1/alerts', { token: null })).status).toBe(401);
  });
});
