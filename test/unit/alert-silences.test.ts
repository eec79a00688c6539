import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { createLocalClients, type DynamoClients } from '../../src/adapters/dynamodb/client.js';
import { ensureTables } from '../../src/adapters/dynamodb/create-tables.js';
import { DynamoAlertStore } from '../../src/adapters/dynamodb/alert-store.js';
import { DynamoSilenceStore } from '../../src/adapters/dynamodb/silence-store.js';
import { tableNamesForPrefix } from '../../src/adapters/dynamodb/tables.js';
import { covers, CreateSilenceSchema, isActiveSilence, type Silence } from '../../src/domain/alerts/silence.js';
import { dynamoDbLocalJar, javaVersion, startDynaliteEngine, startDynamoDbLocal, type Engine } from '../helpers/dynamo-engines.js';

const T0 = Date.parse('2026-11-29T18:00:00.000Z');
const iso = (min: number) => new Date(T0 + min * 60_000).toISOString();
const silence = (over: Partial<Silence> = {}): Silence => ({
  silenceId: 'sl_1', deviceId: null, kinds: null, from: iso(0), until: iso(60), reason: 'drill', createdAt: iso(0), endedAt: null, ...over,
});

describe('silence coverage', () => {
  it.each([
    // [silence, device, kind, minute, covered]
    [{}, 'a', 'fire', 0, true], // from inclusive
    [{}, 'a', 'fire', -0.01, false],
    [{}, 'a', 'fire', 59.99, true],
    [{}, 'a', 'fire', 60, false], // until exclusive
    [{ endedAt: iso(30) }, 'a', 'fire', 29.99, true],
    [{ endedAt: iso(30) }, 'a', 'fire', 30, false], // ended early
    [{ deviceId: 'a' }, 'a', 'smoke', 10, true],
    [{ deviceId: 'a' }, 'b', 'smoke', 10, false],
    [{ kinds: ['fire', 'smoke'] }, 'b', 'smoke', 10, true],
    [{ kinds: ['fire', 'smoke'] }, 'b', 'co2', 10, false],
    [{ deviceId: 'a', kinds: ['offline'] }, 'a', 'offline', 10, true],
    [{ deviceId: 'a', kinds: ['offline'] }, 'a', 'fault', 10, false],
  ] as const)('%j covers (%s, %s) at minute %d: %s', (over, deviceId, kind, minute, expected) => {
    const kinds = 'kinds' in over ? [...over.kinds] : null;
    const s = silence({ ...over, kinds });
    expect(covers(s, deviceId, kind, T0 + minute * 60_000)).toBe(expected);
  });

  it('is active until it ends or its until passes', () => {
    expect(isActiveSilence(silence(), T0 + 59 * 60_000)).toBe(true);
    expect(isActiveSilence(silence(), T0 + 60 * 60_000)).toBe(false);
    expect(isActiveSilence(silence({ endedAt: iso(5) }), T0 + 10 * 60_000)).toBe(false);
  });

  it.each([
    [{ until: iso(60), reason: 'x' }, true],
    [{ until: iso(60), reason: 'x', deviceId: null, kinds: null }, true],
    [{ until: iso(60), reason: 'x', kinds: [] }, false],
    [{ until: iso(60), reason: 'x', kinds: ['fire', 'flood'] }, false],
    [{ until: 'tomorrow', reason: 'x' }, false],
    [{ until: iso(60) }, false],
    [{ until: iso(60), reason: '' }, false],
  ])('body %j valid: %s', (body, ok) => {
    expect(v.safeParse(CreateSilenceSchema, body).success).toBe(ok);
  });
});

/** The store on both embedded engines (DynamoDB Local when Java 17+ and its jar are here). */
const engines: { name: string; start: () => Promise<Engine> }[] = [{ name: 'dynalite', start: startDynaliteEngine }];
const java = javaVersion();
if (java !== undefined && java >= 17 && dynamoDbLocalJar()) engines.push({ name: 'DynamoDB Local', start: startDynamoDbLocal });

describe.each(engines)('silence store on $name', ({ start }) => {
  let engine: Engine;
  let clients: DynamoClients;
  let store: DynamoSilenceStore;
  let alerts: DynamoAlertStore;
  beforeAll(async () => {
    engine = await start();
    clients = createLocalClients(engine.endpoint);
    const tables = tableNamesForPrefix(`s${randomUUID().slice(0, 8)}`);
    await ensureTables(clients.base, tables);
    store = new DynamoSilenceStore(clients.db, tables.alerts);
    alerts = new DynamoAlertStore(clients.db, tables.alerts);
  }, 60_000);
  afterAll(async () => {
    clients?.base.destroy();
    await engine?.stop();
  });

  it('stores, lists newest first, ends once, and claims each notice once', async () => {
    await store.create(silence({ silenceId: 'sl_a', createdAt: iso(0), from: iso(0) }), 1);
    await store.create(silence({ silenceId: 'sl_b', createdAt: iso(1), from: iso(1), deviceId: 'd1', kinds: ['fire'] }), 1);
    expect((await store.list({ limit: 10 })).items.map((s) => s.silenceId)).toEqual(['sl_b', 'sl_a']);
    const first = await store.list({ limit: 1 });
    expect(first.items.map((s) => s.silenceId)).toEqual(['sl_b']);
    expect((await store.list({ limit: 1, before: first.lastKey })).items.map((s) => s.silenceId)).toEqual(['sl_a']);
    expect((await store.list({ limit: 10, createdFrom: iso(0.5), createdTo: iso(2) })).items.map((s) => s.silenceId)).toEqual(['sl_b']);
    expect(await store.get('sl_b')).toMatchObject({ deviceId: 'd1', kinds: ['fire'], endedAt: null, startNotified: false, endNotified: false });
    // Silences never show among alerts.
    expect((await alerts.list({ status: 'all', limit: 10 })).items).toEqual([]);
    expect(await Promise.all([store.end('sl_a', iso(5)), store.end('sl_a', iso(6))])).toEqual(expect.arrayContaining([true, false]));
    expect((await store.get('sl_a'))?.endedAt).toMatch(/^2026-11-29T18:0[56]/);
    const claims = await Promise.all([store.claimNotice('sl_a', 'start', 'p1', T0 + 10_000, T0), store.claimNotice('sl_a', 'start', 'p2', T0 + 10_000, T0)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    // A dead claimer's claim expires; a completed notice is never claimed again.
    expect(await store.claimNotice('sl_a', 'start', 'p3', T0 + 30_000, T0 + 20_000)).toBe(true);
    await store.completeNotice('sl_a', 'start', 'p3');
    expect(await store.claimNotice('sl_a', 'start', 'p4', T0 + 90_000, T0 + 80_000)).toBe(false);
    expect((await store.list({ limit: 10, open: true })).items.map((s) => s.silenceId).sort()).toEqual(['sl_a', 'sl_b']);
    expect(await store.claimNotice('sl_a', 'end', 'p1', T0 + 10_000, T0)).toBe(true);
    await store.completeNotice('sl_a', 'end', 'p1');
    expect((await store.list({ limit: 10, open: true })).items.map((s) => s.silenceId)).toEqual(['sl_b']);
  });
});
