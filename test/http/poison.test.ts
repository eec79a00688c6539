import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';

// Issue 13, finding 1: one reading the store cannot hold must never block a board's batch
// (the flame beside it is stored AND alerted, the board is seen, a retry is answered 200).
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => t?.stop());

const fireLines = (deviceId: string) => {
  const path = join(t.dataDir, 'notifications.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { deviceId?: string; kind?: string; transition?: string })
    .filter((n) => n.deviceId === deviceId && n.kind === 'fire');
};

/** Every class of poison: magnitudes the store cannot hold, -0, 17 digits, long and unicode ids, nulls, wrong types. */
const POISON: [string, Record<string, unknown>][] = [
  ['tiny smoke', { smoke: 1e-140 }],
  ['tiny negative temperature', { temperature: -1e-200 }],
  ['subnormal co2', { co2: 5e-324 }],
  ['huge co2', { co2: 1e130 }],
  ['infinite-looking humidity', { humidity: 1e308 }],
  ['an id of 65 characters', { id: 'x'.repeat(65), co2: 500 }],
  ['an id of 10 KB', { id: 'y'.repeat(10_000), co2: 500 }],
  ['a unicode id', { id: 'salle-é-🔥', co2: 500 }],
  ['an id with a NUL', { id: 'a\u0000b', co2: 500 }],
  ['null co2', { co2: null }],
  ['a string flame', { flame: 'true' }],
  ['an unknown fault', { faults: ['smoke:on_fire'] }],
];

describe('a poison reading beside a flame', () => {
  it.each(POISON)('%s: rejected alone; the flame is stored and raises a fire alert; a retry is a 200 with duplicates', async (name, fields) => {
    const deviceId = `poison-${POISON.findIndex(([n]) => n === name)}`;
    const key = await t.api.registerDevice(deviceId);
    const ts = isoNow(-1_000);
    const batch = [
      { id: 'flame', ts, flame: true },
      { id: 'poison', ts: isoNow(-500), ...fields },
      { id: 'after', ts: isoNow(-100), co2: 600, temperature: -0, smoke: Number('0.12345678901234567') },
    ];
    const first = await t.api.post(deviceId, key, batch);
    expect(first.status).toBe(200);
    expect(first.body.accepted).toBe(2);
    expect(first.body.rejected).toEqual([expect.objectContaining({ index: 1 })]);
    expect((await t.api.allReadings(deviceId)).map((r) => r.id)).toEqual(['flame', 'after']);
    const device = await t.api.request('GET', `/v1/devices/${deviceId}`);
    expect(device.body.status).toBe('online');
    expect(fireLines(deviceId).map((n) => n.transition)).toEqual(['raised']);

    const retry = await t.api.post(deviceId, key, batch);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(fireLines(deviceId).map((n) => n.transition)).toEqual(['raised']);
  });
});
