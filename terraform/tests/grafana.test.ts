/**
 * The names shared by the code, Terraform and the Grafana dashboard.
 *
 * terraform/modules/observability/app-contract.json says what the
 * application emits (metric names and dimensions, the reading log line) and
 * its default thresholds, as the CloudWatch dashboards and alarms read them.
 * This file holds that contract to src/ (what the code really emits and
 * defaults to) and holds the Grafana dashboards (dashboards/fleet.grafana.json
 * for DEVICE_SERIES=logs, dashboards/fleet-metrics.grafana.json for
 * DEVICE_SERIES=metrics) to the contract. No
 * AWS, no Terraform, no build: it reads files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/domain/thresholds.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const read = (p: string) => readFileSync(path.join(repo, p), 'utf8');

interface Contract {
  namespace: string;
  serviceDimension: string;
  metrics: Record<string, { unit: string; dimensions: string[] }>;
  deviceSeries: { dimensions: string[]; metrics: Record<string, string> };
  readingLog: { message: string; fields: string[] };
  requestLog: { message: string; fields: string[] };
  logMetrics: { fleet: Record<string, string>; http: Record<string, string> };
  thresholdDefaults: typeof DEFAULT_THRESHOLDS;
}

interface Target {
  queryMode?: 'Metrics' | 'Logs';
  namespace?: string;
  metricName?: string;
  dimensions?: Record<string, string>;
  expression?: string;
  logGroupNames?: string[];
  statsGroups?: string[];
  datasource?: { type: string; uid: string };
}

interface Panel {
  type: string;
  title: string;
  targets?: Target[];
  fieldConfig?: { defaults: { thresholds?: { steps: { value: number | null }[] } } };
}

interface GrafanaDashboard {
  __inputs?: { name: string; type: string; pluginId?: string }[];
  schemaVersion: number;
  title: string;
  uid: string;
  templating: { list: { name: string; type: string; query?: string; current?: { value?: string } }[] };
  panels: Panel[];
}

const contract = JSON.parse(read('terraform/modules/observability/app-contract.json')) as Contract;
const grafana = JSON.parse(read('dashboards/fleet.grafana.json')) as GrafanaDashboard;
const grafanaMetrics = JSON.parse(read('dashboards/fleet-metrics.grafana.json')) as GrafanaDashboard;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(repo, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** Metric names the code emits: telemetry.count/measure/series calls, the per-board series map, Powertools' cold start. */
function emittedByCode(): { app: Set<string>; series: Set<string> } {
  const app = new Set<string>();
  const series = new Set<string>();
  for (const file of sourceFiles('src')) {
    const text = read(file);
    for (const m of text.matchAll(/\.(?:count|measure)\('([A-Za-z0-9]+)'/g)) app.add(m[1] as string);
    for (const m of text.matchAll(/\.series\('([A-Za-z0-9]+)'/g)) series.add(m[1] as string);
    const names = /SERIES_NAMES = \{([^}]*)\}/.exec(text);
    if (names) for (const m of (names[1] as string).matchAll(/:\s*'([A-Za-z0-9]+)'/g)) series.add(m[1] as string);
    if (/captureColdStartMetric\(/.test(text)) app.add('ColdStart');
  }
  return { app, series };
}

const targetsOf = (g: GrafanaDashboard) => g.panels.flatMap((p) => p.targets ?? []);
const targets = [...targetsOf(grafana), ...targetsOf(grafanaMetrics)];
const metricTargets = targets.filter((t) => t.queryMode === 'Metrics');
const logTargets = targets.filter((t) => t.queryMode === 'Logs');
const searched = (t: Target) => [...(t.expression ?? '').matchAll(/MetricName=\\?"([A-Za-z0-9]+)\\?"/g)].map((m) => m[1] as string);

describe('app-contract.json against the code', () => {
  const code = emittedByCode();

  it('names exactly the metrics the code emits', () => {
    expect(code.app.has('NotificationLatency')).toBe(true);
    expect(Object.keys(contract.metrics).sort()).toEqual([...code.app].sort());
  });

  it('names exactly the per-board series of DEVICE_SERIES=metrics', () => {
    expect(Object.values(contract.deviceSeries.metrics).sort()).toEqual([...code.series].sort());
    expect(read('src/app/ingest-telemetry.ts')).toMatch(/t\.series\(name, value, \{ deviceId: post\.deviceId \}\)/);
  });

  it('has the namespace the code and Terraform default to', () => {
    expect(read('src/adapters/observability/powertools.ts')).toContain(`POWERTOOLS_METRICS_NAMESPACE ?? '${contract.namespace}'`);
    expect(read('terraform/variables.tf')).toMatch(new RegExp(`variable "metrics_namespace" \\{[^}]*default\\s*=\\s*"${contract.namespace}"`));
  });

  it('has the reading and request log lines the code writes', () => {
    expect(read('src/app/ingest-telemetry.ts')).toContain(`deps.log.info('${contract.readingLog.message}', { deviceId: post.deviceId, ...reading })`);
    // At INFO, or at WARN when the post it answers refused a reading: the same line either way.
    expect(read('src/adapters/http/lambda-handler.ts')).toContain(`log[warn ? 'warn' : 'info']('${contract.requestLog.message}'`);
    for (const f of contract.requestLog.fields) expect(read('src/adapters/http/lambda-handler.ts')).toContain(`${f}:`);
  });

  it('has the default thresholds of src/domain/thresholds.ts', () => {
    expect(contract.thresholdDefaults).toEqual(DEFAULT_THRESHOLDS);
  });
});

describe('the Grafana dashboards', () => {
  it('parse, and every query goes to the CloudWatch data source chosen at import (__inputs)', () => {
    expect(grafana.uid).toBe('fireco2-fleet');
    expect(grafanaMetrics.uid).toBe('fireco2-fleet-metrics');
    for (const g of [grafana, grafanaMetrics]) {
      expect(g.schemaVersion).toBe(42);
      expect(g.__inputs).toEqual([expect.objectContaining({ name: 'DS_CLOUDWATCH', type: 'datasource', pluginId: 'cloudwatch' })]);
      const ds = g.templating.list.find((v) => v.name === 'datasource');
      expect(ds?.current?.value).toBe('${DS_CLOUDWATCH}');
      expect(g.panels.length).toBeGreaterThan(5);
    }
    for (const t of targets) expect(t.datasource).toEqual({ type: 'cloudwatch', uid: '${datasource}' });
  });

  it('one dashboard per DEVICE_SERIES, so no panel is empty in a deployment', () => {
    // logs: no per-board metric SEARCH; metrics: no Logs Insights panel.
    expect(targetsOf(grafana).filter((t) => (t.expression ?? '').includes('deviceId') && t.queryMode === 'Metrics')).toEqual([]);
    expect(targetsOf(grafanaMetrics).filter((t) => t.queryMode === 'Logs')).toEqual([]);
    expect(grafanaMetrics.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
      'Fleet (every mode)',
      expect.stringContaining('DEVICE_SERIES=metrics'),
    ]);
    expect(grafana.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
      'Fleet (every mode)',
      expect.stringContaining('DEVICE_SERIES=logs'),
    ]);
  });

  it('has the templating variables: region, namespace, log group, device (and stack, data source)', () => {
    const vars = Object.fromEntries(grafana.templating.list.map((v) => [v.name, v]));
    expect(Object.keys(vars)).toEqual(expect.arrayContaining(['datasource', 'region', 'namespace', 'service', 'log_group', 'device']));
    expect(vars.region?.query).toBe('regions()');
    expect(vars.namespace?.query).toBe(contract.namespace);
    expect(vars.log_group?.query).toBe('/aws/lambda/fireco2-ingest');
  });

  it('queries the namespace variable, for the stack, and only metrics that exist', () => {
    const known = new Set([...Object.keys(contract.metrics), ...Object.values(contract.deviceSeries.metrics), ...Object.keys(contract.logMetrics.fleet)]);
    expect(metricTargets.length).toBeGreaterThan(5);
    for (const t of metricTargets) {
      const names = t.metricName ? [t.metricName] : searched(t);
      expect(names.length, JSON.stringify(t)).toBeGreaterThan(0);
      for (const n of names) expect(known, n).toContain(n);
      if (t.metricName) {
        expect(t.namespace).toBe('$namespace');
        expect(t.dimensions).toEqual({ [contract.serviceDimension]: '$service' });
      } else {
        expect(t.expression).toContain('{$namespace,');
        expect(t.expression).toContain(`${contract.serviceDimension}="$service"`);
      }
    }
  });

  it('draws every per-board series of metrics mode, with the series dimensions', () => {
    const perBoard = metricTargets.filter((t) => (t.expression ?? '').includes('deviceId'));
    expect(new Set(perBoard.flatMap(searched))).toEqual(new Set(Object.values(contract.deviceSeries.metrics)));
    for (const t of perBoard) expect(t.expression).toContain(`{$namespace,${contract.deviceSeries.dimensions.join(',')}}`);
  });

  it('reads the reading lines of logs mode from the log group variable, one series per board', () => {
    expect(logTargets.length).toBeGreaterThanOrEqual(5);
    for (const t of logTargets) {
      expect(t.logGroupNames).toEqual(['$log_group']);
      expect(t.expression).toContain(`message = "${contract.readingLog.message}"`);
      expect(t.expression).toContain('deviceId like /^(${device})$/');
      for (const field of (t.expression ?? '').matchAll(/\b(?:avg|max|min|latest)\(([a-z0-9]+)\)/gi)) {
        expect(contract.readingLog.fields, field[1]).toContain(field[1]);
      }
      if ((t.expression ?? '').includes('by bin(')) expect(t.statsGroups).toContain('deviceId');
    }
  });

  it('draws the default thresholds of the contract', () => {
    const steps = (title: string) =>
      [...grafana.panels, ...grafanaMetrics.panels]
        .filter((p) => p.title.startsWith(title))
        .map((p) => (p.fieldConfig?.defaults.thresholds?.steps ?? []).map((s) => s.value).filter((v) => v !== null));
    for (const s of steps('CO2')) expect(s).toEqual([DEFAULT_THRESHOLDS.co2.warning, DEFAULT_THRESHOLDS.co2.critical]);
    for (const s of steps('Temperature')) expect(s).toEqual([DEFAULT_THRESHOLDS.heat.critical]);
    for (const s of steps('Smoke')) expect(s).toEqual([DEFAULT_THRESHOLDS.smoke.critical]);
  });
});
