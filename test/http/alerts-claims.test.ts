import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM_MS } from '../../src/app/alerts/deliver.js';
import { sweep } from '../../src/app/alerts/sweep.js';
import type { Notifier } from '../../src/app/ports.js';
import { isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';

// Issue 13 finding 12: a notification claimed by a process that then died is delivered once its short claim expires.
const offset = { ms: 0 };
const clock = { now: () => Date.now() + offset.ms };
let down = true;
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ SWEEP_INTERVAL_SECONDS: '3600', ESCALATE_AFTER_MINUTES: '0' }, {
    clock,
    wrapNotifier: (inner: Notifier): Notifier => ({
      publish: async (n) => {
        if (down) throw new Error('SNS is down');
        await inner.publish(n);
      },
    }),
  });
});
afterAll(async () => t?.stop());

const delivered = (deviceId: string) => {
  const path = join(t.dataDir, 'notifications.jsonl');
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.deviceId === deviceId) : [];
};

describe('a claim whose claimer died', () => {
  it(`holds the entry for ${CLAIM_MS / 1000} s at most (<= 15 s): then the sweep or the board's next post delivers it, once`, async () => {
    expect(CLAIM_MS).toBeLessThanOrEqual(15_000);
    for (const [deviceId, via] of [['claim-sweep', 'sweep'], ['claim-post', 'post']] as const) {
      const key = await t.api.registerDevice(deviceId);
      await t.api.post(deviceId, key, [{ ts: isoNow(-1000), flame: true }]); // publishing fails: the entry stays pending
      const state = await t.stack.deps.alertStates.read(deviceId);
      const [seq] = Object.keys(state.pending);
      expect(seq).toBeDefined();
      // A process claims it and is killed before publishing.
      const now = clock.now();
      expect(await t.stack.deps.alertStates.claim(deviceId, seq as string, 'killed-process', now + CLAIM_MS, now)).toBe(true);
      down = false;
      offset.ms = CLAIM_MS - 1000;
      await sweep(t.stack.deps);
      expect(delivered(deviceId)).toEqual([]); // still claimed
      offset.ms = CLAIM_MS + 1;
      if (via === 'sweep') await sweep(t.stack.deps);
      else await t.api.post(deviceId, key, [{ ts: isoNow(CLAIM_MS), flame: true }]);
      await sweep(t.stack.deps);
      expect(delivered(deviceId).map((l) => `${l.kind}:${l.transition}`)).toEqual(['fire:raised']);
      offset.ms = 0;
      down = true;
    }
  });
});

describe('a claim whose claimer died, seen by a live process', () => {
  it('is retried when the claim ends, without waiting for a sweep or another post', async () => {
    const deviceId = 'claim-timer';
    const key = await t.api.registerDevice(deviceId);
    await t.api.post(deviceId, key, [{ ts: isoNow(-1000), flame: true }]); // publishing fails: the entry stays pending
    const [seq] = Object.keys((await t.stack.deps.alertStates.read(deviceId)).pending);
    expect(seq).toBeDefined();
    // A process (another server, or this one before a restart) claims it and is killed before publishing.
    const now = clock.now();
    const until = now + 1500;
    expect(await t.stack.deps.alertStates.claim(deviceId, seq as string, 'killed-process', until, now)).toBe(true);
    down = false;
    try {
      // The board's next post finds the entry claimed: nothing is sent yet (the claim may still be honoured)...
      await t.api.post(deviceId, key, [{ ts: isoNow(), flame: true }]);
      expect(delivered(deviceId)).toEqual([]);
      // ...and this process sends it once the claim has ended (the sweep runs hourly here; no other post).
      const deadline = Date.now() + 8000;
      while (delivered(deviceId).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(delivered(deviceId).map((l) => `${l.kind}:${l.transition}`)).toEqual(['fire:raised']);
      expect(Date.now()).toBeGreaterThanOrEqual(until);
      await new Promise((r) => setTimeout(r, 500));
      expect(delivered(deviceId)).toHaveLength(1);
      expect((await t.stack.deps.alertStates.read(deviceId)).pending).toEqual({});
    } finally {
      down = true;
    }
  });
});

describe('silences that cannot be read', () => {
  it('never block a notification: delivery fails open', async () => {
    const key = await t.api.registerDevice('claim-silences-down');
    const silences = t.stack.deps.silences;
    const list = silences.list.bind(silences);
    silences.list = async () => {
      throw new Error('AccessDeniedException');
    };
    try {
      down = false;
      await t.api.post('claim-silences-down', key, [{ ts: isoNow(-1000), smoke: 0.8 }]);
      expect(delivered('claim-silences-down').map((l) => `${l.kind}:${l.transition}`)).toEqual(['smoke:raised']);
    } finally {
      silences.list = list;
      down = true;
    }
  });
});

