import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableNamesForPrefix } from '../../src/adapters/dynamodb/tables.js';
import { ADMIN_TOKEN, ApiClient, isoNow } from '../helpers/local-stack.js';
import { spawnStack, type StackProcess } from '../helpers/stack-process.js';
import { startStoreProcess, type StoreProcess } from '../helpers/store-process.js';

/**
 * The server variant's bundle (dist/server/server.mjs), as the instances run
 * it, backed by an embedded store run as its own process: two servers share
 * it, with their sweeps running.
 */
const tables = tableNamesForPrefix('srv');
const READ_TOKEN = 'server-read-token-0123456789abcdefghij';
const notificationsDir = mkdtempSync(join(tmpdir(), 'fire-co2-server-'));
let store: StoreProcess;
let servers: StackProcess[] = [];

function serverEnv(): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    READINGS_TABLE: tables.readings,
    DEVICES_TABLE: tables.devices,
    ALERTS_TABLE: tables.alerts,
    DYNAMODB_ENDPOINT: store.endpoint,
    NOTIFICATIONS_DIR: notificationsDir,
    ADMIN_TOKEN,
    READ_TOKEN,
    SWEEP_INTERVAL_SECONDS: '1',
    OFFLINE_AFTER_SECONDS: '2',
    AWS_REGION: 'eu-west-3',
  };
}

const lines = () => {
  const path = join(notificationsDir, 'notifications.jsonl');
  return existsSync(path)
    ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { deviceId: string; kind: string; transition: string })
    : [];
};

beforeAll(async () => {
  store = await startStoreProcess(tables);
  servers = await Promise.all([spawnStack('', serverEnv(), 'dist/server/server.mjs'), spawnStack('', serverEnv(), 'dist/server/server.mjs')]);
}, 60_000);

afterAll(async () => {
  for (const s of servers) {
    s.child.kill('SIGTERM');
    await s.exited;
  }
  await store?.stop();
  rmSync(notificationsDir, { recursive: true, force: true });
});

describe('the server bundle', () => {
  it('passes the contract smoke test: register, ingest, query, an alert', async () => {
    const api = new ApiClient(servers[0]?.url as string, ADMIN_TOKEN);
    expect((await api.request('GET', '/healthz', { token: null })).body).toEqual({ status: 'ok' });
    const key = await api.registerDevice('srv-smoke');
    const post = await api.post('srv-smoke', key, [{ id: 'r1', ts: isoNow(-60_000), co2: 812 }, { id: 'r2', ts: isoNow(-30_000), flame: true }]);
    expect(post.body).toMatchObject({ accepted: 2, duplicates: 0, rejected: [], policy: { uploadIntervalSeconds: expect.any(Number) } });
    // The other server sees the same data.
    const other = new ApiClient(servers[1]?.url as string, ADMIN_TOKEN);
    expect((await other.allReadings('srv-smoke')).map((r) => r.id)).toEqual(['r1', 'r2']);
    const alerts = await other.request('GET', '/v1/alerts?deviceId=srv-smoke');
    expect(alerts.body.items).toEqual([expect.objectContaining({ kind: 'fire', severity: 'critical', status: 'active' })]);
    expect(lines().filter((l) => l.deviceId === 'srv-smoke').map((l) => `${l.kind}:${l.transition}`)).toEqual(['fire:raised']);
    expect((await api.request('POST', '/v1/readings', { token: 'nope', body: {} })).status).toBe(401);
  });

  it('two servers receiving the same alerting readings, with both sweeps running, notify each transition once', async () => {
    const [a, b] = servers.map((s) => new ApiClient(s.url, ADMIN_TOKEN)) as [ApiClient, ApiClient];
    const key = await a.registerDevice('srv-race');
    const batch = [{ id: 's1', ts: isoNow(-50_000), smoke: 0.5, co2: 1500 }, { id: 's2', ts: isoNow(-40_000), co2: 5500 }];
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).post('srv-race', key, batch)));
    expect(answers.every((x) => x.status === 200)).toBe(true);
    // Silence: both sweeps see the board offline at the same time.
    await new Promise((r) => setTimeout(r, 4_500));
    await b.post('srv-race', key, [{ id: 's3', ts: isoNow(), smoke: 0.1, co2: 800 }]);
    const expected = ['smoke:raised', 'co2:raised', 'co2:escalated', 'offline:raised', 'offline:resolved', 'smoke:resolved', 'co2:resolved'].sort();
    const mine = () => lines().filter((l) => l.deviceId === 'srv-race').map((l) => `${l.kind}:${l.transition}`);
    // An entry the other server's sweep claimed at that moment is delivered by it, a little after this answer.
    for (let i = 0; i < 75 && mine().length < expected.length; i++) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1_000)); // and nothing more comes: each transition once
    expect(mine().sort()).toEqual(expected);
  });

  it('takes a read token (READ_TOKEN): reads 200, writes 403; one equal to the admin token stops the start (exit 2)', async () => {
    const reader = new ApiClient(servers[0]?.url as string, READ_TOKEN);
    expect((await reader.request('GET', '/v1/devices')).status).toBe(200);
    const write = await reader.request('POST', '/v1/devices', { body: { deviceId: 'srv-by-reader' } });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('forbidden');
    const refused = spawnSync(process.execPath, ['dist/server/server.mjs'], { env: { ...process.env, ...serverEnv(), PORT: '0', READ_TOKEN: `${READ_TOKEN},${ADMIN_TOKEN}` }, encoding: 'utf8', timeout: 20_000 });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/READ_TOKEN \(token 2 of 2\) must differ from the admin token/);
  });

  it('stops cleanly on SIGTERM', async () => {
    const extra = await spawnStack('', serverEnv(), 'dist/server/server.mjs');
    extra.child.kill('SIGTERM');
    expect(await extra.exited).toBe(0);
  });

  it('behind a front door (FRONT_DOOR_SECRET), serves only requests carrying its header; /healthz stays open', async () => {
    const secret = 'server-front-door-secret-0123456789';
    const extra = await spawnStack('', { ...serverEnv(), FRONT_DOOR_SECRET: secret }, 'dist/server/server.mjs');
    try {
      const api = new ApiClient(extra.url, ADMIN_TOKEN);
      const around = await api.request('GET', '/v1/devices');
      expect(around.status).toBe(403);
      expect(around.body.error.code).toBe('forbidden');
      expect((await api.request('GET', '/v1/devices', { headers: { 'x-front-door-secret': secret } })).status).toBe(200);
      expect((await api.request('GET', '/healthz', { token: null })).status).toBe(200);
    } finally {
      extra.child.kill('SIGTERM');
      await extra.exited;
    }
  });

  it('reads the admin token, the read tokens and the front door secret from SSM (signed GetParameter, credentials by the default chain)', async () => {
    // A stand-in for SSM on loopback (awsJson1.1, as the bundle speaks it): three parameters, each asked for decrypted.
    const values: Record<string, string> = { '/srv/admin-token': ADMIN_TOKEN, '/srv/read-token': READ_TOKEN, '/srv/front-door': 'srv-ssm-front-door-secret-0123456789' };
    const asked: { name: string; decrypt: unknown; authorization: string }[] = [];
    const ssm = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { Name, WithDecryption } = JSON.parse(body) as { Name: string; WithDecryption: unknown };
        asked.push({ name: Name, decrypt: WithDecryption, authorization: String(req.headers.authorization) });
        const value = req.headers['x-amz-target'] === 'AmazonSSM.GetParameter' ? values[Name] : undefined;
        res.writeHead(value === undefined ? 400 : 200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(value === undefined ? { __type: 'ParameterNotFound' } : { Parameter: { Name, Value: `${value}\n` } }));
      });
    });
    await new Promise<void>((r) => ssm.listen(0, '127.0.0.1', r));
    const address = ssm.address();
    const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const extra = await spawnStack('', {
      ...serverEnv(),
      ADMIN_TOKEN: '',
      READ_TOKEN: '',
      ADMIN_TOKEN_PARAMETER: '/srv/admin-token',
      READ_TOKEN_PARAMETER: '/srv/read-token',
      FRONT_DOOR_SECRET_PARAMETER: '/srv/front-door',
      AWS_ENDPOINT_URL_SSM: endpoint,
      AWS_ACCESS_KEY_ID: 'srv-key',
      AWS_SECRET_ACCESS_KEY: 'srv-secret',
    }, 'dist/server/server.mjs');
    try {
      const through = { 'x-front-door-secret': values['/srv/front-door']! };
      const admin = new ApiClient(extra.url, ADMIN_TOKEN);
      expect((await admin.request('GET', '/v1/devices')).status).toBe(403);
      expect((await admin.request('GET', '/v1/devices', { headers: through })).status).toBe(200);
      const reader = new ApiClient(extra.url, READ_TOKEN);
      expect((await reader.request('GET', '/v1/devices', { headers: through })).status).toBe(200);
      expect((await reader.request('POST', '/v1/devices', { body: { deviceId: 'srv-ssm-reader' }, headers: through })).status).toBe(403);
      expect(new Set(asked.map((a) => a.name))).toEqual(new Set(Object.keys(values)));
      for (const a of asked) {
        expect(a.decrypt).toBe(true);
        expect(a.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=srv-key\/\d{8}\/eu-west-3\/ssm\/aws4_request, /);
      }
    } finally {
      extra.child.kill('SIGTERM');
      await extra.exited;
      await new Promise((r) => ssm.close(r));
    }
  });
});
