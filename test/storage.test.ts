import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createLocalClients, type DynamoClients } from '../src/adapters/dynamodb/client.js';
import { ensureTables } from '../src/adapters/dynamodb/create-tables.js';
import { DynamoAlertStateStore } from '../src/adapters/dynamodb/alert-state-store.js';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store.js';
import { DynamoDeviceStore } from '../src/adapters/dynamodb/device-store.js';
import { evaluatePost } from '../src/domain/alerts/lifecycle.js';
import { DEFAULT_THRESHOLDS } from '../src/domain/thresholds.js';
import { DynamoReadingStore } from '../src/adapters/dynamodb/reading-store.js';
import { tableNamesForPrefix, type TableNames } from '../src/adapters/dynamodb/tables.js';
import { emptyAlertState } from '../src/domain/alerts/types.js';
import type { DeviceRecord } from '../src/domain/device.js';
import type { Reading } from '../src/domain/reading.js';
import { formatUtc } from '../src/domain/time.js';
import { dynamoDbLocalJar, javaVersion, startDynaliteEngine, startDynamoDbLocal, type Engine } from './helpers/dynamo-engines.js';
import { toolMissing } from './helpers/require-tool.js';

/** The same suite on both embedded engines, so nothing depends on one emulator's leniency. */
const engines: { name: string; start: () => Promise<Engine> }[] = [{ name: 'dynalite', start: startDynaliteEngine }];
const java = javaVersion();
if (java !== undefined && java >= 17 && dynamoDbLocalJar()) engines.push({ name: 'DynamoDB Local', start: startDynamoDbLocal });
else toolMissing('java 17+ with DynamoDB Local', java === undefined ? 'java not found' : `java ${java}, or the jar is missing`);

function device(deviceId: string, overrides: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    deviceId,
    name: 'Salle 101',
    location: null,
    thresholds: {},
    createdAt: '2026-11-29T18:00:00.000Z',
    keyHash: 'hash-1',
    revokedAt: null,
    lastSeenAt: null,
    latest: null,
    ...overrides,
  };
}

describe.each(engines)('storage on $name', ({ start }) => {
  let engine: Engine;
  let clients: DynamoClients;
  let tables: TableNames;
  let devices: DynamoDeviceStore;
  let readings: DynamoReadingStore;
  let alertStates: DynamoAlertStateStore;
  let alerts: DynamoAlertStore;

  beforeAll(async () => {
    engine = await start();
    clients = createLocalClients(engine.endpoint);
    tables = tableNamesForPrefix(`t${randomUUID().slice(0, 8)}`);
    await ensureTables(clients.base, tables);
    await ensureTables(clients.base, tables); // idempotent
    devices = new DynamoDeviceStore(clients.db, tables.devices);
    readings = new DynamoReadingStore(clients.db, tables.readings);
    alertStates = new DynamoAlertStateStore(clients.db, tables.devices);
    alerts = new DynamoAlertStore(clients.db, tables.alerts);
  }, 60_000);

  afterAll(async () => {
    clients?.base.destroy();
    await engine?.stop();
  });

  describe('devices', () => {
    it('creates once, refuses an existing id, and reads back what it stored', async () => {
      expect(await devices.create(device('d-create'))).toBe(true);
      expect(await devices.create(device('d-create', { name: 'other' }))).toBe(false);
      const got = await devices.get('d-create');
      expect(got).toEqual({ ...device('d-create'), activeAlerts: 0, alertState: emptyAlertState() });
      expect(await devices.get('nobody')).toBeUndefined();
    });

    it('lists every device sorted by id', async () => {
      await devices.create(device('d-list-b'));
      await devices.create(device('d-list-a'));
      const ids = (await devices.list()).map((d) => d.deviceId);
      expect(ids.indexOf('d-list-a')).toBeLessThan(ids.indexOf('d-list-b'));
      expect(ids).toEqual([...ids].sort());
    });

    it('updates, clears with null, and answers undefined for an unknown device', async () => {
      await devices.create(device('d-update'));
      const updated = await devices.update('d-update', { location: 'Bâtiment A', thresholds: { co2: { warning: 1200 } } });
      expect(updated?.location).toBe('Bâtiment A');
      expect(updated?.thresholds).toEqual({ co2: { warning: 1200 } });
      const cleared = await devices.update('d-update', { name: null, thresholds: null });
      expect(cleared?.name).toBeNull();
      expect(cleared?.thresholds).toEqual({});
      expect(cleared?.location).toBe('Bâtiment A');
      expect(await devices.update('nobody', { name: 'x' })).toBeUndefined();
    });

    it('revokes (dropping the key hash) and re-enables with a new key hash', async () => {
      await devices.create(device('d-revoke'));
      expect(await devices.revoke('d-revoke', '2026-11-29T19:00:00.000Z')).toBe(true);
      let got = await devices.get('d-revoke');
      expect(got?.keyHash).toBeNull();
      expect(got?.revokedAt).toBe('2026-11-29T19:00:00.000Z');
      expect(await devices.setKeyHash('d-revoke', 'hash-2')).toBe(true);
      got = await devices.get('d-revoke');
      expect(got?.keyHash).toBe('hash-2');
      expect(got?.revokedAt).toBeNull();
      expect(await devices.revoke('nobody', '2026-11-29T19:00:00.000Z')).toBe(false);
      expect(await devices.setKeyHash('nobody', 'h')).toBe(false);
    });

    it('moves lastSeenAt forward only and replaces latest only with a newer reading', async () => {
      await devices.create(device('d-contact'));
      const newer: Reading = { id: 'n', ts: '2026-11-29T18:10:00.000Z', co2: 900 };
      const older: Reading = { id: 'o', ts: '2026-11-29T18:05:00.000Z', co2: 400 };
      await devices.recordContact('d-contact', '2026-11-29T18:10:01.000Z', newer);
      await devices.recordContact('d-contact', '2026-11-29T18:10:02.000Z', older);
      await devices.recordContact('d-contact', '2026-11-29T18:09:00.000Z', undefined);
      const got = await devices.get('d-contact');
      expect(got?.latest).toEqual(newer);
      expect(got?.lastSeenAt).toBe('2026-11-29T18:10:02.000Z');
      // An unknown device is not created by a contact.
      await devices.recordContact('nobody-contact', '2026-11-29T18:10:02.000Z', newer);
      expect(await devices.get('nobody-contact')).toBeUndefined();
    });
  });

  describe('readings', () => {
    const base = Date.parse('2026-11-29T12:00:00.000Z');
    const at = (s: number) => formatUtc(base + s * 1000);

    it('stores a reading once per identity; the first one stands', async () => {
      const first: Reading = { id: 'r-1', ts: at(0), co2: 812, temperature: 22.4, humidity: 41, smoke: 0.03, flame: false };
      expect(await readings.put('r-dev', first, at(1), 123)).toBe(true);
      expect(await readings.put('r-dev', { id: 'r-1', ts: at(5), co2: 1 }, at(6), 123)).toBe(false);
      expect(await readings.get('r-dev', 'id#r-1')).toEqual({ ...first, receivedAt: at(1) });
      // Without an id the identity is the timestamp.
      expect(await readings.put('r-dev', { ts: at(10), co2: 500 }, at(11), 123)).toBe(true);
      expect(await readings.put('r-dev', { ts: at(10), co2: 501 }, at(12), 123)).toBe(false);
      // The same ts with an id is another reading.
      expect(await readings.put('r-dev', { id: 'r-2', ts: at(10), co2: 502 }, at(12), 123)).toBe(true);
    });

    it('keeps numbers exactly', async () => {
      const r: Reading = { id: 'num', ts: at(20), co2: 0, temperature: -54.99, humidity: 99.999, smoke: 1e-7 };
      await readings.put('r-num', r, at(21), 1);
      expect(await readings.get('r-num', 'id#num')).toEqual({ ...r, receivedAt: at(21) });
    });

    it('stores a reading exactly once under 20 concurrent writers', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => readings.put('r-race', { id: 'same', ts: at(30), co2: i }, at(31), 1)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('pages in ascending time order without skipping or repeating, and the last page has no cursor', async () => {
      const deviceId = 'r-page';
      const written: string[] = [];
      // Ties on ts (ids) and out-of-order writes.
      for (let i = 49; i >= 0; i--) {
        const ts = at(Math.floor(i / 3));
        await readings.put(deviceId, { id: `p-${String(i).padStart(2, '0')}`, ts, co2: i }, at(100), 1);
        written.push(`p-${String(i).padStart(2, '0')}`);
      }
      for (const limit of [7, 10, 50, 1000]) {
        const seen: string[] = [];
        let after: string | undefined;
        let pages = 0;
        do {
          const page = await readings.query(deviceId, { from: '0000', to: '9999', limit, ...(after ? { after } : {}) });
          seen.push(...page.items.map((r) => r.id as string));
          after = page.lastTimeKey;
          pages++;
          if (after) expect(page.items).toHaveLength(limit);
        } while (after);
        expect(seen).toEqual([...written].sort());
        expect(pages).toBe(Math.max(1, Math.ceil(50 / limit)));
      }
    });

    it('bounds by from (inclusive) and to (exclusive)', async () => {
      const deviceId = 'r-range';
      for (let s = 0; s < 10; s++) await readings.put(deviceId, { ts: at(s), temperature: s }, at(100), 1);
      const page = await readings.query(deviceId, { from: at(2), to: at(5), limit: 100 });
      expect(page.items.map((r) => r.temperature)).toEqual([2, 3, 4]);
      expect(page.lastTimeKey).toBeUndefined();
    });
  });

  describe('alert state', () => {
    const fire = (state: Awaited<ReturnType<DynamoAlertStateStore['read']>>, flame: boolean, s: number) =>
      evaluatePost(state, {
        deviceId: 'as-1',
        readings: [{ reading: { ts: new Date(Date.parse('2026-11-29T18:00:00Z') + s * 1000).toISOString(), flame }, tsMs: Date.parse('2026-11-29T18:00:00Z') + s * 1000 }],
        thresholds: DEFAULT_THRESHOLDS,
        serverNow: '2026-11-29T18:10:00.000Z',
        newId: () => `al-${s}`,
      });

    it('commits only on the version it read: of two writers from the same state, one wins', async () => {
      const empty = await alertStates.read('as-1');
      const a = fire(empty, true, 1);
      const b = fire(empty, true, 2);
      expect(await alertStates.commit('as-1', empty.version, a.state, a.queued)).toBe(true);
      expect(await alertStates.commit('as-1', empty.version, b.state, b.queued)).toBe(false);
      const stored = await alertStates.read('as-1');
      expect(stored.version).toBe(1);
      expect(stored.active.fire?.alertId).toBe('al-1');
      expect(Object.values(stored.pending).map((p) => p.alertId)).toEqual(['al-1']);
      const resolved = fire(stored, false, 3);
      const stale = fire(stored, false, 4);
      expect(await alertStates.commit('as-1', stored.version, resolved.state, resolved.queued)).toBe(true);
      expect(await alertStates.commit('as-1', stored.version, stale.state, stale.queued)).toBe(false);
      const after = await alertStates.read('as-1');
      expect(after.active).toEqual({});
      // Maps keep no order in DynamoDB: the outbox is ordered by seq.
      expect(Object.values(after.pending).sort((x, y) => (x.seq < y.seq ? -1 : 1)).map((p) => p.transition)).toEqual(['raised', 'resolved']);
      expect((await devices.create(device('as-1'))) && (await devices.get('as-1'))?.alertState.version).toBe(2);
    });

    it('lets one claimant take an outbox entry, keeps it from others until it expires, and removes it for its owner only', async () => {
      const state = await alertStates.read('as-1');
      const seq = Object.keys(state.pending)[0] as string;
      const results = await Promise.all(['p1', 'p2', 'p3', 'p4'].map((owner) => alertStates.claim('as-1', seq, owner, 2_000_000, 1_000_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const owner = ['p1', 'p2', 'p3', 'p4'][results.indexOf(true)] as string;
      await alertStates.complete('as-1', seq, 'someone-else');
      expect((await alertStates.read('as-1')).pending[seq]).toBeDefined();
      expect(await alertStates.claim('as-1', seq, 'late', 3_000_000, 2_500_000)).toBe(true); // the first claim expired
      await alertStates.complete('as-1', seq, owner); // no longer the owner: nothing happens
      expect((await alertStates.read('as-1')).pending[seq]).toBeDefined();
      await alertStates.release('as-1', seq, 'late');
      const released = (await alertStates.read('as-1')).pending[seq];
      expect(released?.attempts).toBe(1);
      expect(released?.claimedBy).toBeUndefined();
      expect(await alertStates.claim('as-1', seq, 'again', 4_000_000, 3_500_000)).toBe(true);
      await alertStates.complete('as-1', seq, 'again');
      expect((await alertStates.read('as-1')).pending[seq]).toBeUndefined();
      // Claiming a delivered entry fails.
      expect(await alertStates.claim('as-1', seq, 'x', 5_000_000, 4_500_000)).toBe(false);
    });
  });

  describe('alert records', () => {
    const entry = (transition: 'raised' | 'escalated' | 'resolved', over: Record<string, unknown> = {}) => ({
      seq: '0', transition, alertId: 'rec-1', deviceId: 'rec-dev', kind: 'co2' as const, severity: 'warning' as const,
      value: 1200, threshold: 1000, at: '2026-11-29T18:00:00.000Z', raisedAt: '2026-11-29T18:00:00.000Z', ...over,
    });

    it('are written idempotently from outbox entries and keep an acknowledgement', async () => {
      await alerts.record(entry('raised'), 1);
      await alerts.acknowledge('rec-1', '2026-11-29T18:01:00.000Z');
      await alerts.record(entry('raised', { value: 9 }), 1); // a retried raise changes nothing
      await alerts.record(entry('escalated', { severity: 'critical', value: 5100, threshold: 5000, at: '2026-11-29T18:02:00.000Z' }), 1);
      expect(await alerts.get('rec-1')).toEqual({
        alertId: 'rec-1', deviceId: 'rec-dev', kind: 'co2', severity: 'critical', status: 'active', raisedAt: '2026-11-29T18:00:00.000Z',
        acknowledgedAt: '2026-11-29T18:01:00.000Z', value: 5100, threshold: 5000,
      });
      await alerts.record(entry('resolved', { severity: 'critical', value: 800, threshold: 900, at: '2026-11-29T18:05:00.000Z' }), 99);
      await alerts.record(entry('resolved', { severity: 'critical', value: 800, threshold: 900, at: '2026-11-29T18:05:00.000Z' }), 99);
      const resolved = await alerts.get('rec-1');
      expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: '2026-11-29T18:05:00.000Z', value: 5100 });
      expect((await alerts.list({ status: 'active', deviceId: 'rec-dev', limit: 10 })).items).toEqual([]);
      expect((await alerts.list({ status: 'resolved', deviceId: 'rec-dev', limit: 10 })).items.map((a) => a.alertId)).toEqual(['rec-1']);
      expect(await alerts.acknowledge('nope', 'x')).toBeUndefined();
    });

    it('list newest first across statuses and page with a key', async () => {
      for (let i = 0; i < 7; i++) {
        const at = `2026-11-29T1${i}:00:00.000Z`;
        await alerts.record(entry('raised', { alertId: `lst-${i}`, deviceId: 'lst-dev', raisedAt: at, at }), 1);
        if (i % 2 === 0) await alerts.record(entry('resolved', { alertId: `lst-${i}`, deviceId: 'lst-dev', raisedAt: at, at }), 1);
      }
      const seen: string[] = [];
      let before: string | undefined;
      do {
        const page = await alerts.list({ status: 'all', deviceId: 'lst-dev', limit: 3, ...(before ? { before } : {}) });
        seen.push(...page.items.map((a) => a.alertId));
        before = page.lastKey;
      } while (before);
      expect(seen).toEqual(['lst-6', 'lst-5', 'lst-4', 'lst-3', 'lst-2', 'lst-1', 'lst-0']);
      const active = await alerts.list({ status: 'active', deviceId: 'lst-dev', limit: 2 });
      expect(active.items.map((a) => a.alertId)).toEqual(['lst-5', 'lst-3']);
      expect(active.lastKey).toBeDefined();
    });
  });
});
