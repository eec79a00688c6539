/**
 * Holds the DynamoDB tables that Terraform plans to the one definition in
 * src/adapters/dynamodb/tables.ts (keys, attributes, indexes, TTL), and
 * checks that both example variable files plan offline.
 *
 * How it plans without AWS: the configuration is copied to a temporary
 * directory with a local-state override (a developer's real state or backend
 * is never touched), the provider gets dummy credentials, and its only
 * network calls (STS GetCallerIdentity, for credential validation and
 * data.aws_caller_identity) go to a stub on 127.0.0.1 through
 * AWS_ENDPOINT_URL_STS. Providers come from the same CLI configuration as
 * `scripts/tf.sh` (TF_PLUGIN_MIRROR honoured). Each example is planned once
 * and every assertion reads those two plans.
 *
 * Without terraform the suite is skipped with one loud line, unless
 * REQUIRE_TOOLS=1, when it fails.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDefinitions, type TableDefinition } from '../../src/adapters/dynamodb/tables.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const terraformDir = path.join(repo, 'terraform');
const requireTools = process.env.REQUIRE_TOOLS === '1';

const ACCOUNT = '123456789012';

async function terraformInstalled(): Promise<boolean> {
  try {
    await run('terraform', ['version'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    return true;
  } catch {
    return false;
  }
}

const installed = await terraformInstalled();
if (!installed) {
  const line = 'terraform is not installed: terraform/tests/table-drift.test.ts did NOT check the tables against Terraform';
  console.warn(requireTools ? `FAILED: ${line} (REQUIRE_TOOLS=1)` : `SKIPPED: ${line}`);
}

// ---------------------------------------------------------------------------
// Plan JSON, the parts read here.
// ---------------------------------------------------------------------------

interface ResourceChange {
  address: string;
  module_address?: string;
  mode: 'managed' | 'data';
  type: string;
  change: { actions: string[]; after: Record<string, unknown> | null };
}

interface Plan {
  variables: Record<string, { value: unknown }>;
  resource_changes: ResourceChange[];
}

interface PlannedTable {
  name: string;
  hash_key: string;
  range_key: string | null;
  attribute: { name: string; type: string }[];
  local_secondary_index: { name: string; range_key: string; projection_type: string }[];
  global_secondary_index: { name: string; hash_key: string; range_key: string | null; projection_type: string }[];
  ttl: { attribute_name: string | null; enabled: boolean }[];
}

// ---------------------------------------------------------------------------
// Offline planning.
// ---------------------------------------------------------------------------

/** Answers every STS call with a GetCallerIdentity for the dummy account. */
async function startStsStub(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          `<Arn>arn:aws:iam::${ACCOUNT}:user/offline-plan</Arn><UserId>AIDAOFFLINEPLAN</UserId><Account>${ACCOUNT}</Account>` +
          '</GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Copies the configuration (.tf files only: no state, no .terraform, no tfvars) to dir. */
async function copyConfiguration(dir: string): Promise<void> {
  for (const entry of await readdir(terraformDir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.tf')) {
      await cp(path.join(terraformDir, entry.name), path.join(dir, entry.name));
    }
  }
  await cp(path.join(terraformDir, 'modules'), path.join(dir, 'modules'), {
    recursive: true,
    filter: (src) => !/[/\\](\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate.*)$/.test(src),
  });
  await writeFile(
    path.join(dir, 'zz_offline_test_override.tf'),
    `# Written by table-drift.test.ts: plan against an empty local state.\nterraform {\n  backend "local" {\n    path = "${path.join(dir, 'offline.tfstate')}"\n  }\n}\n`,
  );
}

async function terraform(dir: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run('terraform', [`-chdir=${dir}`, ...args], { env, maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`terraform ${args[0]} failed:\n${e.stderr || e.stdout || e.message}`);
  }
}

async function planExample(dir: string, example: 'serverless' | 'vpc', env: NodeJS.ProcessEnv): Promise<Plan> {
  const planFile = path.join(dir, `${example}.tfplan`);
  await terraform(
    dir,
    [
      'plan',
      '-input=false',
      '-lock=false',
      '-no-color',
      `-var-file=${path.join(terraformDir, 'examples', `${example}.tfvars`)}`,
      `-var=lambda_dist_dir=${path.join(terraformDir, 'tests', 'fixtures', 'lambda')}`,
      `-out=${planFile}`,
    ],
    env,
  );
  return JSON.parse(await terraform(dir, ['show', '-json', '-no-color', planFile], env)) as Plan;
}

function created(plan: Plan, type?: string): ResourceChange[] {
  return plan.resource_changes.filter(
    (r) => r.mode === 'managed' && r.change.actions.includes('create') && (type === undefined || r.type === type),
  );
}

function plannedTable(plan: Plan, physicalName: string): PlannedTable {
  const table = created(plan, 'aws_dynamodb_table').find((r) => r.change.after?.name === physicalName);
  if (!table) throw new Error(`no aws_dynamodb_table named ${physicalName} in the plan`);
  return table.change.after as unknown as PlannedTable;
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

// ---------------------------------------------------------------------------

describe.skipIf(!installed && !requireTools)('Terraform plans of the examples (offline)', () => {
  const plans: Partial<Record<'serverless' | 'vpc', Plan>> = {};
  let work = '';
  let sts: http.Server | undefined;

  beforeAll(async () => {
    if (!installed) throw new Error('terraform is not installed and REQUIRE_TOOLS=1');

    sts = await startStsStub();
    work = await mkdtemp(path.join(tmpdir(), 'fireco2-tf-'));
    const config = path.join(work, 'config');
    await mkdir(config);
    await copyConfiguration(config);

    const { stdout } = await run('bash', [path.join(repo, 'scripts', 'tf.sh'), 'cli-config']);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TF_PLUGIN_MIRROR: process.env.TF_PLUGIN_MIRROR,
      TF_CLI_CONFIG_FILE: stdout.trim(),
      TF_DATA_DIR: path.join(work, 'data'),
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'offline-test-not-a-secret',
      AWS_CONFIG_FILE: path.join(work, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${(sts.address() as AddressInfo).port}`,
    };
    await terraform(config, ['init', '-input=false', '-no-color'], env);
    // One after the other: side by side they are slower on two cores (each
    // provider process loads its schema with both).
    plans.serverless = await planExample(config, 'serverless', env);
    plans.vpc = await planExample(config, 'vpc', env);
  }, 240_000);

  afterAll(async () => {
    sts?.closeAllConnections();
    await new Promise<void>((resolve) => (sts ? sts.close(() => resolve()) : resolve()));
    if (work) await rm(work, { recursive: true, force: true });
  });

  const serverless = () => plans.serverless as Plan;
  const vpc = () => plans.vpc as Plan;
  const stackName = (plan: Plan) => plan.variables.name?.value as string;

  describe.each(tableDefinitions.map((t) => [t.logicalName, t] as const))('table %s', (_logical, def: TableDefinition) => {
    const planned = () => plannedTable(serverless(), `${stackName(serverless())}-${def.logicalName}`);

    it('has the key schema of tables.ts', () => {
      const hash = def.keys.find((k) => k.keyType === 'HASH')?.name;
      const range = def.keys.find((k) => k.keyType === 'RANGE')?.name ?? null;
      expect({ hash: planned().hash_key, range: planned().range_key ?? null }).toEqual({ hash, range });
    });

    it('defines exactly the attributes of tables.ts', () => {
      const expected = Object.entries(def.attributes).map(([name, type]) => ({ name, type }));
      expect([...planned().attribute].sort(byName)).toEqual(expected.sort(byName));
    });

    it('has the local secondary indexes of tables.ts', () => {
      const expected = def.localIndexes.map((i) => {
        // An LSI shares the table's partition key; only its sort key is declared.
        expect(i.keys.find((k) => k.keyType === 'HASH')?.name).toBe(def.keys.find((k) => k.keyType === 'HASH')?.name);
        return { name: i.name, range_key: i.keys.find((k) => k.keyType === 'RANGE')?.name };
      });
      const actual = planned().local_secondary_index.map((i) => ({ name: i.name, range_key: i.range_key }));
      expect(actual.sort(byName)).toEqual(expected.sort(byName));
    });

    it('has the global secondary indexes of tables.ts', () => {
      const expected = def.globalIndexes.map((i) => ({
        name: i.name,
        hash_key: i.keys.find((k) => k.keyType === 'HASH')?.name,
        range_key: i.keys.find((k) => k.keyType === 'RANGE')?.name ?? null,
      }));
      const actual = planned().global_secondary_index.map((i) => ({
        name: i.name,
        hash_key: i.hash_key,
        range_key: i.range_key ?? null,
      }));
      expect(actual.sort(byName)).toEqual(expected.sort(byName));
    });

    it('projects every attribute into its indexes, as the local stack does (create-tables.ts)', () => {
      const indexes = [...planned().local_secondary_index, ...planned().global_secondary_index];
      expect(indexes.map((i) => i.projection_type)).toEqual(indexes.map(() => 'ALL'));
    });

    it('expires items by the TTL attribute of tables.ts', () => {
      const ttl = planned().ttl[0];
      if (def.ttlAttribute) {
        expect(ttl).toEqual({ attribute_name: def.ttlAttribute, enabled: true });
      } else {
        expect(ttl?.enabled ?? false).toBe(false);
      }
    });
  });

  it('plans no table that tables.ts does not define', () => {
    const names = created(serverless(), 'aws_dynamodb_table').map((r) => r.change.after?.name);
    const expected = tableDefinitions.map((t) => `${stackName(serverless())}-${t.logicalName}`);
    expect(names.sort()).toEqual(expected.sort());
  });

  it('plans the serverless example: HTTP API and three functions, no network', () => {
    const types = new Set(created(serverless()).map((r) => r.type));
    expect(types).toContain('aws_apigatewayv2_api');
    expect(created(serverless(), 'aws_lambda_function').map((r) => r.change.after?.function_name).sort()).toEqual(
      ['api', 'ingest', 'sweep'].map((f) => `${stackName(serverless())}-${f}`),
    );
    expect(types).not.toContain('aws_vpc');
    expect(types).not.toContain('aws_nat_gateway');
  });

  it('plans the vpc example: network and sweep, no HTTP API', () => {
    const types = new Set(created(vpc()).map((r) => r.type));
    for (const t of ['aws_vpc', 'aws_subnet', 'aws_nat_gateway', 'aws_internet_gateway', 'aws_vpc_endpoint', 'aws_flow_log']) {
      expect(types).toContain(t);
    }
    expect([...types].filter((t) => t.startsWith('aws_apigatewayv2'))).toEqual([]);
    expect(created(vpc(), 'aws_lambda_function').map((r) => r.change.after?.function_name)).toEqual([
      `${stackName(vpc())}-sweep`,
    ]);
    expect(created(vpc(), 'aws_dynamodb_table')).toHaveLength(3);
  });

  it('tags every taggable resource through the provider default_tags', () => {
    for (const [mode, plan] of [
      ['serverless', serverless()],
      ['vpc', vpc()],
    ] as const) {
      const taggable = created(plan).filter((r) => r.change.after && 'tags_all' in r.change.after);
      expect(taggable.length).toBeGreaterThan(10);
      for (const r of taggable) {
        expect(r.change.after?.tags_all, r.address).toMatchObject({
          Project: 'fire-co2-monitor',
          Stack: stackName(plan),
          Mode: mode,
          Owner: 'facilities',
        });
      }
    }
  });
});
