import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiDeps } from '../src/adapters/compose.js';
import { createLocalClients, type DynamoClients } from '../src/adapters/dynamodb/client.js';
import { ensureTables } from '../src/adapters/dynamodb/create-tables.js';
import { tableNamesForPrefix } from '../src/adapters/dynamodb/tables.js';
import { createApi } from '../src/adapters/http/api.js';
import { eventFromRequest } from '../src/adapters/http/lambda-event.js';
import { httpLambdaHandler } from '../src/adapters/http/lambda-handler.js';
import { ingestRoutes, type ApiDeps } from '../src/adapters/http/routes.js';
import { createObservability } from '../src/adapters/observability/powertools.js';
import { StaticAdminToken } from '../src/adapters/static-admin-token.js';
import { sweep } from '../src/app/alerts/sweep.js';
import { registerDevice } from '../src/app/devices.js';
import { parseSettings } from '../src/app/settings.js';
import { startDynaliteEngine, type Engine } from './helpers/dynamo-engines.js';

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

/** Powertools writes EMF to process.stdout directly: capture it there. */
async function captureEmf(run: () => Promise<unknown>): Promise<EmfLine[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines.map((l) => JSON.parse(l) as EmfLine | { level?: string }).filter((l): l is EmfLine => '_aws' in l);
}

function metricsOf(lines: EmfLine[]) {
  return lines.flatMap((line) =>
    line._aws.CloudWatchMetrics.flatMap((block) =>
      block.Metrics.map((m) => ({ name: m.Name, unit: m.Unit, value: line[m.Name], dimensions: block.Dimensions.flat(), namespace: block.Namespace, line })),
    ),
  );
}

const context = { functionName: 'ingest', awsRequestId: 'r1', invokedFunctionArn: 'arn:aws:lambda:eu-west-3:1:function:ingest', memoryLimitInMB: '256', functionVersion: '1' } as Context;

describe('metrics (EMF) from the handlers', () => {
  let engine: Engine;
  let clients: DynamoClients;
  const saved = { ...process.env };

  beforeAll(async () => {
    engine = await startDynaliteEngine();
    clients = createLocalClients(engine.endpoint);
  });
  afterAll(async () => {
    process.env = saved;
    clients.base.destroy();
    await engine.stop();
  });

  async function setup(env: Record<string, string>) {
    process.env = { ...saved, AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_METRICS_NAMESPACE: 'FireCO2', POWERTOOLS_LOG_LEVEL: 'SILENT', ...env };
    const tables = tableNamesForPrefix(`m${Math.random().toString(36).slice(2, 8)}`);
    await ensureTables(clients.base, tables);
    const obs = createObservability('ingest');
    const deps: ApiDeps = createApiDeps({
      db: clients.db, tables, admin: new StaticAdminToken('admin-token-for-metrics'), settings: parseSettings(process.env), log: obs.logger, telemetry: obs.telemetry,
      notifier: { publish: async () => undefined },
    });
    const handler = httpLambdaHandler(createApi(ingestRoutes(deps), obs.logger), obs);
    const { key } = await registerDevice(deps, { deviceId: 'm-1' });
    const post = (readings: unknown[]) =>
      handler(
        eventFromRequest(
          { method: 'POST', path: '/v1/readings', query: {}, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ deviceId: 'm-1', readings })), requestId: 'q' },
          '127.0.0.1',
          Date.now(),
        ),
        context,
      );
    return { deps, post };
  }

  it('counts accepted, duplicate and rejected-by-reason readings, batch size, lag, transitions and cold start', async () => {
    const { post } = await setup({});
    const ts = new Date(Date.now() - 60_000).toISOString();
    const lines = await captureEmf(async () => {
      await post([
        { id: 'a', ts, co2: 1200, flame: true },
        { id: 'a', ts, co2: 1200 },
        { ts: '2000-01-01T00:00:00Z', co2: 1 },
        { ts, co2: 100001 },
        { ts, colour: 'red' },
      ]);
    });
    const metrics = metricsOf(lines);
    const find = (name: string, dims: Record<string, string> = {}) =>
      metrics.filter((m) => m.name === name && Object.entries(dims).every(([k, v]) => m.line[k] === v && m.dimensions.includes(k)));
    expect(metrics.every((m) => m.namespace === 'FireCO2')).toBe(true);
    expect(find('ColdStart')[0]?.unit).toBe('Count');
    expect(find('ReadingsAccepted')[0]).toMatchObject({ unit: 'Count', value: 1 });
    expect(find('ReadingsDuplicate')[0]).toMatchObject({ unit: 'Count', value: 1 });
    expect(find('BatchSize')[0]).toMatchObject({ unit: 'Count', value: 5 });
    expect(find('IngestLag')[0]?.unit).toBe('Milliseconds');
    expect(Number(find('IngestLag')[0]?.value)).toBeGreaterThanOrEqual(60_000);
    expect(find('ReadingsRejected', { reason: 'clock' })[0]).toMatchObject({ unit: 'Count', value: 1 });
    expect(find('ReadingsRejected', { reason: 'range' })[0]).toMatchObject({ value: 1 });
    expect(find('ReadingsRejected', { reason: 'shape' })[0]).toMatchObject({ value: 1 });
    expect(find('AlertTransitions', { kind: 'fire', severity: 'critical', transition: 'raised' })[0]).toMatchObject({ unit: 'Count', value: 1 });
    expect(find('AlertTransitions', { kind: 'co2', severity: 'warning', transition: 'raised' })).toHaveLength(1);
    // Repeated values of one metric in one flush go out as an array.
    expect(find('NotificationsPublished').flatMap((m) => [m.value].flat()).reduce((sum: number, v) => sum + Number(v), 0)).toBe(2);
    expect(find('ReadingsAccepted')[0]?.dimensions).toContain('service');
  });

  it('emits per-board series only in DEVICE_SERIES=metrics mode', async () => {
    const withSeries = await setup({ DEVICE_SERIES: 'metrics' });
    const ts = new Date(Date.now() - 1_000).toISOString();
    const on = metricsOf(await captureEmf(() => withSeries.post([{ ts, co2: 812, temperature: 22.4, flame: false }])));
    expect(on.filter((m) => ['CO2', 'Temperature', 'Flame'].includes(m.name)).map((m) => [m.name, m.value, m.line.deviceId])).toEqual([
      ['CO2', 812, 'm-1'], ['Temperature', 22.4, 'm-1'], ['Flame', 0, 'm-1'],
    ]);
    const withLogs = await setup({ DEVICE_SERIES: 'logs' });
    const off = metricsOf(await captureEmf(() => withLogs.post([{ ts, co2: 812 }])));
    expect(off.some((m) => m.name === 'CO2')).toBe(false);
  });

  it('reports offline boards and pending notifications from the sweep', async () => {
    const { deps, post } = await setup({ OFFLINE_AFTER_SECONDS: '1' });
    await post([{ ts: new Date(Date.now() - 1_000).toISOString(), co2: 500 }]);
    await new Promise((r) => setTimeout(r, 1_200));
    const obs = createObservability('sweep');
    const lines = await captureEmf(async () => {
      await sweep({ ...deps, telemetry: obs.telemetry });
      obs.metrics.publishStoredMetrics();
    });
    const metrics = metricsOf(lines);
    expect(metrics.find((m) => m.name === 'OfflineDevices')).toMatchObject({ unit: 'Count', value: 1 });
    expect(metrics.find((m) => m.name === 'PendingNotifications')).toMatchObject({ unit: 'Count', value: 0 });
    expect(metrics.find((m) => m.name === 'OldestPendingNotificationAge')?.unit).toBe('Seconds');
    expect(metrics.find((m) => m.name === 'AlertTransitions' && m.line.kind === 'offline')).toBeDefined();
    const active = metrics.filter((m) => m.name === 'ActiveAlerts');
    expect(active.map((m) => `${m.line.kind}/${m.line.severity}=${m.value}`).sort()).toEqual(
      ['co2/critical=0', 'co2/warning=0', 'fault/warning=0', 'fire/critical=0', 'heat/critical=0', 'offline/warning=1', 'smoke/critical=0'],
    );
    expect(active.every((m) => m.dimensions.includes('kind') && m.dimensions.includes('severity') && m.unit === 'Count')).toBe(true);
  });
});
