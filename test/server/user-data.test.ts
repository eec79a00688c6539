/**
 * The boot script of the vpc-mode instances, as Terraform plans it, run as
 * far as it can be here.
 *
 * terraform/examples/vpc.tfvars is planned offline (terraform/tests/plan-offline.ts:
 * a copy of the configuration, local state, dummy credentials, a stub for
 * STS and SSM) with the real bundle (dist/server). From the launch
 * template's user data: the script must parse (`bash -n`), check the SHA-256
 * of the bundle it fetches against dist/server/server.mjs, and write the
 * systemd unit and the environment file. Then the unit's ExecStart is run
 * here, on loopback, with the bundle copied where the unit expects it under a
 * temporary root (away from node_modules, as on an instance: the bundle must
 * be self-contained) and the environment file's variables, overriding only
 * what must differ on this machine (DYNAMODB_ENDPOINT: an embedded store;
 * NOTIFICATIONS_DIR: a temporary directory instead of SNS; ADMIN_TOKEN
 * instead of the SSM parameter; PORT and HOST), and it must pass a contract
 * smoke test: register, ingest, query, an alert in GET /v1/alerts.
 *
 * Without terraform: one SKIPPED line, unless REQUIRE_TOOLS=1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { created, OfflinePlanner, repo, terraformInstalled, type Plan } from '../../terraform/tests/plan-offline.js';
import { ApiClient, isoNow } from '../helpers/local-stack.js';
import { toolMissing } from '../helpers/require-tool.js';
import { startStoreProcess, type StoreProcess } from '../helpers/store-process.js';

const bundleDir = path.join(repo, 'dist', 'server');
const bundle = path.join(bundleDir, 'server.mjs');
const skip = !(await terraformInstalled()) && toolMissing('terraform', 'test/server/user-data.test.ts did NOT check the instances\' boot script');

/** The files the boot script writes: `write_file PATH MODE OWNER <<'FIREMON_EOF' ... FIREMON_EOF`. */
function writtenFiles(script: string): Map<string, { mode: string; owner: string; content: string }> {
  const files = new Map<string, { mode: string; owner: string; content: string }>();
  for (const m of script.matchAll(/^write_file (\S+) (\d{4}) (\S+) <<'FIREMON_EOF'\n([\s\S]*?)\nFIREMON_EOF$/gm)) {
    const [, file, mode, owner, content] = m as unknown as [string, string, string, string, string];
    files.set(file.replace(/^"|"$/g, ''), { mode, owner, content });
  }
  return files;
}

/** KEY='value' lines (the format the module renders: no quote, backslash or line break in a value). */
function parseEnvironmentFile(content: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of content.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z_][A-Z0-9_]*)='([^'\\]*)'$/.exec(line);
    if (!m) throw new Error(`not a KEY='value' line: ${line}`);
    env[m[1] as string] = m[2] as string;
  }
  return env;
}

/** The same file as a shell reads it (systemd's EnvironmentFile reads this format the same way). */
function environmentAsShellReadsIt(content: string): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fire-co2-env-'));
  try {
    writeFileSync(path.join(dir, 'server.env'), content);
    const out = spawnSync('env', ['-i', 'bash', '-c', 'set -a; . ./server.env; set +a; exec env -0'], { cwd: dir, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`bash could not read the environment file: ${out.stderr}`);
    const env: Record<string, string> = {};
    for (const entry of out.stdout.split('\0').filter(Boolean)) {
      const i = entry.indexOf('=');
      env[entry.slice(0, i)] = entry.slice(i + 1);
    }
    return env;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function directive(unit: string, name: string): string[] {
  return unit
    .split('\n')
    .filter((l) => l.startsWith(`${name}=`))
    .map((l) => l.slice(name.length + 1));
}

describe.skipIf(skip)('vpc mode: the instances\' boot script (offline plan of examples/vpc.tfvars)', () => {
  let planner: OfflinePlanner | undefined;
  let plan: Plan;
  let script = '';
  let files: ReturnType<typeof writtenFiles>;

  beforeAll(async () => {
    if (!existsSync(bundle) || !existsSync(`${bundle}.map`)) {
      throw new Error(`${path.relative(repo, bundle)} (and its .map) is missing: build it with \`node build.mjs server\``);
    }
    planner = await OfflinePlanner.start();
    plan = await planner.plan('examples/vpc.tfvars', { server_dist_dir: bundleDir });
    const templates = created(plan, 'aws_launch_template');
    expect(templates).toHaveLength(1);
    script = Buffer.from(templates[0]?.change.after?.user_data as string, 'base64').toString('utf8');
    files = writtenFiles(script);
  }, 180_000);

  afterAll(async () => {
    await planner?.stop();
  });

  const unit = () => files.get('/etc/systemd/system/firemon-server.service')?.content ?? '';
  const environmentFile = () => {
    const [name] = directive(unit(), 'EnvironmentFile');
    const file = name ? files.get(name) : undefined;
    if (!file) throw new Error(`the unit's EnvironmentFile (${name}) is not written by the boot script`);
    return file;
  };
  const appEnvironment = () => plan.planned_values.outputs?.app_environment?.value as Record<string, string>;

  it('is a bash script that parses (bash -n)', () => {
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    const result = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('passes shellcheck (.ci/run installs it)', () => {
    if (spawnSync('shellcheck', ['--version']).status !== 0 && toolMissing('shellcheck', 'the boot script was NOT linted')) return;
    const result = spawnSync('shellcheck', ['-s', 'bash', '-'], { input: script, encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it('installs Node.js 22 and the CloudWatch agent from the distribution, and checks the bundle it fetches', () => {
    expect(script).toMatch(/^retry 10 dnf install -y nodejs22 amazon-cloudwatch-agent/m);
    const sha256 = createHash('sha256').update(readFileSync(bundle)).digest('hex');
    expect(script).toContain(`readonly BUNDLE_SHA256='${sha256}'`);
    expect(script).toContain('sha256sum --check');
    // Only IMDSv2, a hop limit of one, and an encrypted gp3 root volume, in the very plan.
    const template = created(plan, 'aws_launch_template')[0]?.change.after as Record<string, unknown>;
    expect(template.metadata_options).toEqual([expect.objectContaining({ http_tokens: 'required', http_put_response_hop_limit: 1 })]);
    expect(template.block_device_mappings).toEqual([expect.objectContaining({ ebs: [expect.objectContaining({ encrypted: 'true', volume_type: 'gp3' })] })]);
  });

  it('writes a hardened unit that runs the bundle with source maps as its own user', () => {
    expect(directive(unit(), 'ExecStart')).toEqual(['/usr/bin/node-22 --enable-source-maps /opt/firemon/server.mjs']);
    expect(directive(unit(), 'User')).toEqual(['firemon']);
    expect(directive(unit(), 'Restart')).toEqual(['always']);
    for (const [name, value] of [
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['NoNewPrivileges', 'yes'],
      ['PrivateTmp', 'yes'],
      ['CapabilityBoundingSet', ''],
    ] as const) {
      expect(directive(unit(), name), name).toEqual([value]);
    }
    expect(environmentFile().mode).toBe('0640');
  });

  it('is a unit systemd accepts (systemd-analyze verify)', () => {
    if (spawnSync('systemd-analyze', ['--version']).status !== 0 && toolMissing('systemd-analyze', 'the unit was NOT verified')) return;
    const dir = mkdtempSync(path.join(tmpdir(), 'fire-co2-unit-'));
    try {
      writeFileSync(path.join(dir, 'firemon-server.service'), unit());
      const result = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, 'firemon-server.service')], { encoding: 'utf8' });
      // Only the instances have /usr/bin/node-22 (the nodejs22 package).
      const problems = `${result.stdout}${result.stderr}`.split('\n').filter((l) => l.trim() && !/Command \/usr\/bin\/node-22 is not executable/.test(l));
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the service the application environment of the plan, plus the server\'s own settings', () => {
    const env = parseEnvironmentFile(environmentFile().content);
    expect(env).toEqual({
      ...appEnvironment(),
      PORT: '8080',
      HOST: '0.0.0.0',
      SWEEP_INTERVAL_SECONDS: '60',
      AWS_REGION: 'eu-west-3',
    });
    // A shell (and systemd) reads the file the same way.
    const asShellReadsIt = environmentAsShellReadsIt(environmentFile().content);
    expect(Object.fromEntries(Object.keys(env).map((k) => [k, asShellReadsIt[k]]))).toEqual(env);
  });

  it('plans exactly the security group rules of the design', () => {
    const rules = [...created(plan, 'aws_vpc_security_group_ingress_rule'), ...created(plan, 'aws_vpc_security_group_egress_rule')]
      .map((r) => `${r.type.endsWith('ingress_rule') ? 'in' : 'out'} ${r.name} tcp/${String(r.change.after?.from_port)}-${String(r.change.after?.to_port)} ${String(r.change.after?.cidr_ipv4 ?? '')}`.trim())
      .sort();
    expect(rules).toEqual([
      // The interface endpoints (SNS, SSM, Logs) take HTTPS from inside the VPC only: the alert path needs no NAT.
      'in endpoints_https tcp/443-443 10.40.0.0/16',
      'in instances_from_load_balancer tcp/8080-8080',
      'in load_balancer_from_vpc_link tcp/80-80',
      'out instances_dynamodb tcp/443-443',
      'out instances_https tcp/443-443 0.0.0.0/0',
      'out load_balancer_to_instances tcp/8080-8080',
      'out vpc_link_to_load_balancer tcp/80-80',
    ]);
    expect(created(plan, 'aws_security_group_rule')).toEqual([]);
    expect(created(plan, 'aws_lb')[0]?.change.after?.internal).toBe(true);
  });

  describe('the unit\'s command line and environment, run here', () => {
    let store: StoreProcess | undefined;
    let child: ChildProcess | undefined;
    let exited: Promise<number | null> | undefined;
    let output = '';
    let url = '';
    const root = mkdtempSync(path.join(tmpdir(), 'fire-co2-instance-'));
    const notificationsDir = path.join(root, 'notifications');
    const adminToken = 'user-data-test-admin-token-0123456789';

    beforeAll(async () => {
      const env = parseEnvironmentFile(environmentFile().content);
      store = await startStoreProcess({ readings: env.READINGS_TABLE as string, devices: env.DEVICES_TABLE as string, alerts: env.ALERTS_TABLE as string });
      // ExecStart with this machine's node (/usr/bin/node-22 is the
      // instances'), the flags kept, and the bundle and its source map where
      // the boot script puts them, under a temporary root.
      const [node, ...args] = (directive(unit(), 'ExecStart')[0] as string).split(/\s+/);
      expect(node).toBe('/usr/bin/node-22');
      const entryPoint = args.at(-1) as string;
      expect(entryPoint).toBe('/opt/firemon/server.mjs');
      args[args.length - 1] = path.join(root, entryPoint);
      mkdirSync(path.dirname(path.join(root, entryPoint)), { recursive: true });
      mkdirSync(notificationsDir);
      copyFileSync(bundle, path.join(root, entryPoint));
      copyFileSync(`${bundle}.map`, path.join(root, `${entryPoint}.map`));
      // As systemd starts it: the unit's environment and nothing of the test runner's.
      child = spawn(process.execPath, args, {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          ...env,
          DYNAMODB_ENDPOINT: store.endpoint,
          NOTIFICATIONS_DIR: notificationsDir,
          ADMIN_TOKEN: adminToken,
          PORT: '0',
          HOST: '127.0.0.1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      exited = new Promise((resolve) => child?.once('exit', (code) => resolve(code)));
      url = await new Promise<string>((resolve, reject) => {
        child?.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          // The plain line (the JSON log line says the same, inside quotes).
          const m = /^listening on (http:\/\/[^\s"]+)$/m.exec(output);
          if (m?.[1]) resolve(m[1]);
        });
        child?.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
        void exited?.then((code) => reject(new Error(`the server exited with ${code} before listening:\n${output}`)));
        setTimeout(() => reject(new Error(`the server did not start in time:\n${output}`)), 20_000).unref();
      });
    }, 60_000);

    afterAll(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      await store?.stop();
      rmSync(root, { recursive: true, force: true });
    });

    it('passes the contract smoke test: register, ingest, query, an alert', async () => {
      const api = new ApiClient(url, adminToken);
      expect((await api.request('GET', '/healthz', { token: null })).body).toEqual({ status: 'ok' });
      const key = await api.registerDevice('bbb-user-data');
      const post = await api.post('bbb-user-data', key, [
        { id: 'u1', ts: isoNow(-60_000), co2: 640, temperature: 21.5 },
        { id: 'u2', ts: isoNow(-30_000), co2: 1450 },
      ]);
      expect(post.status).toBe(200);
      expect(post.body).toMatchObject({ accepted: 2, duplicates: 0, rejected: [], policy: { uploadIntervalSeconds: expect.any(Number) } });
      expect((await api.allReadings('bbb-user-data')).map((r) => [r.id, r.co2])).toEqual([
        ['u1', 640],
        ['u2', 1450],
      ]);
      const alerts = await api.request('GET', '/v1/alerts?deviceId=bbb-user-data');
      expect(alerts.status).toBe(200);
      expect(alerts.body.items).toEqual([expect.objectContaining({ deviceId: 'bbb-user-data', kind: 'co2', severity: 'warning', status: 'active', value: 1450 })]);
      // The deployment's settings are in force: without a token, reads are refused (PUBLIC_READ=false).
      expect((await api.request('GET', '/v1/devices', { token: null })).status).toBe(401);
      const notifications = readFileSync(path.join(notificationsDir, 'notifications.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(notifications).toEqual([expect.objectContaining({ transition: 'raised', deviceId: 'bbb-user-data', kind: 'co2' })]);
    });

    it('logs JSON lines and EMF metric lines to stdout, as CloudWatch expects them, and stops with 0 on SIGTERM', async () => {
      child?.kill('SIGTERM');
      expect(await exited).toBe(0);
      const lines = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      const env = parseEnvironmentFile(environmentFile().content);
      expect(lines.some((l) => l.message === 'request' && l.service === env.POWERTOOLS_SERVICE_NAME)).toBe(true);
      const emf = lines.filter((l) => typeof l._aws === 'object');
      expect(emf.length).toBeGreaterThan(0);
      expect(emf.map((l) => (l._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]?.Namespace)).toContain(env.POWERTOOLS_METRICS_NAMESPACE);
    });
  });
});
