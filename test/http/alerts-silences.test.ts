import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweep } from '../../src/app/alerts/sweep.js';
import { isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';

// Contract v1.1 "Silences": fire drills and maintenance, through the local stack.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON lines of several shapes
type Line = Record<string, any>;
function lines(t: TestStack): Line[] {
  const path = join(t.dataDir, 'notifications.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
}
const offset = { ms: 0 };
const clock = { now: () => Date.now() + offset.ms };
const MIN = 60_000;

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ SWEEP_INTERVAL_SECONDS: '3600', ESCALATE_AFTER_MINUTES: '0', REMINDER_MINUTES: '0' }, { clock });
});
afterAll(async () => t?.stop());

describe('silences', () => {
  it('refuse bad bodies and unknown devices', async () => {
    const until = isoNow(30 * MIN);
    const bad = [
      { kinds: [], until, reason: 'x' },
      { until: isoNow(-MIN), reason: 'x' },
      { until: isoNow(25 * 3600_000), reason: 'x' },
      { until, reason: '' },
      { until, reason: 'r'.repeat(201) },
      { until, reason: 'x', kinds: ['flood'] },
      { until, reason: 'x', extra: 1 },
    ];
    for (const body of bad) expect((await t.api.request('POST', '/v1/silences', { body })).status, JSON.stringify(body)).toBe(400);
    expect((await t.api.request('POST', '/v1/silences', { body: { deviceId: 'nope', until, reason: 'x' } })).status).toBe(404);
    expect((await t.api.request('POST', '/v1/silences', { body: { until, reason: 'x' }, token: null })).status).toBe(401);
    expect((await t.api.request('DELETE', '/v1/silences/sl_unknown')).status).toBe(404);
  });

  it('a fire during a drill still burning when the drill ends is notified exactly once after it', async () => {
    const key = await t.api.registerDevice('sil-drill', { name: 'Salle 101' });
    const other = await t.api.registerDevice('sil-other');
    const created = await t.api.request('POST', '/v1/silences', { body: { deviceId: 'sil-drill', kinds: ['fire', 'smoke'], until: isoNow(60 * MIN), reason: 'fire drill in Bâtiment A' } });
    expect(created.status).toBe(201);
    const s = created.body;
    expect(s).toMatchObject({ deviceId: 'sil-drill', kinds: ['fire', 'smoke'], reason: 'fire drill in Bâtiment A', endedAt: null });
    expect(s.from).toBe(s.createdAt);
    expect((await t.api.request('GET', '/v1/silences')).body.items.map((i: Line) => i.silenceId)).toContain(s.silenceId);
    // During the drill: fire and smoke recorded and listed, silenced, not notified; co2 is not covered; another board is not covered.
    // Readings measured after the silence began (a silence covers by the time of the reading).
    await new Promise((r) => setTimeout(r, 5));
    await t.api.post('sil-drill', key, [{ ts: isoNow(), flame: true, smoke: 0.5, co2: 1200 }]);
    await t.api.post('sil-other', other, [{ ts: isoNow(), flame: true }]);
    const alerts = (await t.api.request('GET', '/v1/alerts?deviceId=sil-drill')).body.items as Line[];
    expect(alerts.map((a) => `${a.kind}:${a.silenced ?? false}`).sort()).toEqual(['co2:false', 'fire:true', 'smoke:true']);
    const drill = () => lines(t).filter((l) => l.deviceId === 'sil-drill' || l.silenceId === s.silenceId);
    expect(drill().map((l) => `${l.kind ?? '-'}:${l.transition}`)).toEqual(['-:silence_started', 'co2:raised']);
    expect(lines(t).filter((l) => l.deviceId === 'sil-other').map((l) => l.transition)).toEqual(['raised']);
    // The smoke clears during the drill (silenced too); the fire still burns when the drill is ended; two sweepers run.
    await t.api.post('sil-drill', key, [{ ts: isoNow(1), flame: true, smoke: 0.01 }]);
    expect((await t.api.request('DELETE', `/v1/silences/${s.silenceId}`)).status).toBe(204);
    await Promise.all([sweep(t.stack.deps), sweep(t.stack.deps)]);
    expect((await t.api.request('DELETE', `/v1/silences/${s.silenceId}`)).status).toBe(204); // ended already: nothing again
    await sweep(t.stack.deps);
    const after = drill().map((l) => `${l.kind ?? '-'}:${l.transition}${l.afterSilence ? ':afterSilence' : ''}`);
    expect(after).toEqual(['-:silence_started', 'co2:raised', '-:silence_ended', 'fire:raised:afterSilence']);
    const fire = drill().find((l) => l.afterSilence);
    expect(fire).toMatchObject({ latencyMs: null, alertId: alerts.find((a) => a.kind === 'fire')?.alertId });
    expect(drill()[0]).toMatchObject({ silenceId: s.silenceId, reason: 'fire drill in Bâtiment A', deviceId: 'sil-drill', kinds: ['fire', 'smoke'], latencyMs: null });
    expect((await t.api.request('GET', '/v1/silences')).body.items.map((i: Line) => i.silenceId)).not.toContain(s.silenceId);
    const all = (await t.api.request('GET', '/v1/silences?status=all')).body.items as Line[];
    expect(all.find((i) => i.silenceId === s.silenceId)?.endedAt).toEqual(expect.any(String));
    // After the drill, the fire's transitions are notified again.
    await t.api.post('sil-drill', key, [{ ts: isoNow(2), flame: false }]);
    expect(drill().at(-1)).toMatchObject({ kind: 'fire', transition: 'resolved' });
  });

  it('the sweep ends a silence on time, with no request, and notifies its end once', async () => {
    const key = await t.api.registerDevice('sil-expiry');
    const s = (await t.api.request('POST', '/v1/silences', { body: { until: isoNow(2 * MIN), reason: 'maintenance' } })).body;
    expect(s.deviceId).toBeNull();
    expect(s.kinds).toBeNull();
    await new Promise((r) => setTimeout(r, 5));
    await t.api.post('sil-expiry', key, [{ ts: isoNow(), smoke: 0.9 }]);
    await sweep(t.stack.deps);
    const mine = () => lines(t).filter((l) => l.deviceId === 'sil-expiry' || l.silenceId === s.silenceId);
    expect(mine().map((l) => l.transition)).toEqual(['silence_started']);
    offset.ms = 3 * MIN;
    await Promise.all([sweep(t.stack.deps), sweep(t.stack.deps)]);
    await sweep(t.stack.deps);
    offset.ms = 0;
    expect(mine().map((l) => `${l.transition}${l.afterSilence ? ':afterSilence' : ''}`)).toEqual(['silence_started', 'silence_ended', 'raised:afterSilence']);
    expect(mine()[1]).toMatchObject({ at: s.until, endedAt: s.until });
  });
});
