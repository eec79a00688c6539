/**
 * Holds the DynamoDB tables that Terraform plans to the one definition in
 * src/adapters/dynamodb/tables.ts (keys, attributes, indexes, TTL), and
 * checks that both example variable files plan offline.
 *
 * How it plans without AWS: plan-offline.ts (a copy of the configuration
 * with a local state, dummy credentials, a stub for the provider's STS and
 * SSM calls). Each example is planned once and every assertion reads those
 * two plans.
 *
 * Without terraform the suite is skipped with one loud line, unless
 * REQUIRE_TOOLS=1, when it fails.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDefinitions, type TableDefinition } from '../../src/adapters/dynamodb/tables.js';
import { created, OfflinePlanner, STUB_AMI_ID, terraformDir, terraformInstalled, type Plan } from './plan-offline.js';

const requireTools = process.env.REQUIRE_TOOLS === '1';

const installed = await terraformInstalled();
if (!installed) {
  const line = 'terraform is not installed: terraform/tests/table-drift.test.ts did NOT check the tables against Terraform';
  console.warn(requireTools ? `FAILED: ${line} (REQUIRE_TOOLS=1)` : `SKIPPED: ${line}`);
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

/** The tests plan with tiny stand-ins for the build (terraform/tests/fixtures), so they do not depend on one. */
const fixtures = {
  lambda_dist_dir: path.join(terraformDir, 'tests', 'fixtures', 'lambda'),
  server_dist_dir: path.join(terraformDir, 'tests', 'fixtures', 'server'),
};

function plannedTable(plan: Plan, physicalName: string): PlannedTable {
  const table = created(plan, 'aws_dynamodb_table').find((r) => r.change.after?.name === physicalName);
  if (!table) throw new Error(`no aws_dynamodb_table named ${physicalName} in the plan`);
  return table.change.after as unknown as PlannedTable;
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

// ---------------------------------------------------------------------------

describe.skipIf(!installed && !requireTools)('Terraform plans of the examples (offline)', () => {
  const plans: Partial<Record<'serverless' | 'vpc' | 'frontDoor', Plan>> = {};
  let planner: OfflinePlanner | undefined;

  beforeAll(async () => {
    if (!installed) throw new Error('terraform is not installed and REQUIRE_TOOLS=1');
    planner = await OfflinePlanner.start();
    // One after the other: side by side they are slower on two cores (each
    // provider process loads its schema with both).
    plans.serverless = await planner.plan('examples/serverless.tfvars', fixtures);
    plans.vpc = await planner.plan('examples/vpc.tfvars', fixtures);
    plans.frontDoor = await planner.plan('examples/serverless.tfvars', { ...fixtures, enable_front_door: 'true' });
  }, 360_000);

  afterAll(async () => {
    await planner?.stop();
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

  it('plans the serverless example: HTTP API and four functions (web: the dashboard), no network', () => {
    const types = new Set(created(serverless()).map((r) => r.type));
    expect(types).toContain('aws_apigatewayv2_api');
    expect(created(serverless(), 'aws_lambda_function').map((r) => r.change.after?.function_name).sort()).toEqual(
      ['api', 'ingest', 'sweep', 'web'].map((f) => `${stackName(serverless())}-${f}`),
    );
    expect(types).not.toContain('aws_vpc');
    expect(types).not.toContain('aws_nat_gateway');
  });

  it('plans the vpc example: network and the server variant behind the same kind of HTTP API, no Lambda', () => {
    const types = new Set(created(vpc()).map((r) => r.type));
    for (const t of ['aws_vpc', 'aws_subnet', 'aws_nat_gateway', 'aws_internet_gateway', 'aws_vpc_endpoint', 'aws_flow_log']) {
      expect(types).toContain(t);
    }
    for (const t of ['aws_apigatewayv2_api', 'aws_apigatewayv2_vpc_link', 'aws_lb', 'aws_autoscaling_group', 'aws_launch_template', 'aws_s3_object']) {
      expect(types).toContain(t);
    }
    // The servers serve the API and run the sweep: no function, no schedule.
    expect([...types].filter((t) => t.startsWith('aws_lambda') || t.startsWith('aws_cloudwatch_event'))).toEqual([]);
    expect(created(vpc(), 'aws_dynamodb_table')).toHaveLength(3);
    // server_ami_id is unset in the example: the image comes from the public parameter (the stub's answer here).
    expect(created(vpc(), 'aws_launch_template')[0]?.change.after?.image_id).toBe(STUB_AMI_ID);
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

  it('tags the front door too, its web ACL made by the us-east-1 provider included', () => {
    const plan = plans.frontDoor as Plan;
    const types = ['aws_wafv2_web_acl', 'aws_cloudfront_distribution', 'aws_ssm_parameter'];
    for (const type of types) {
      const [r] = created(plan, type).filter((c) => c.address.startsWith('module.front_door[0].'));
      expect(r, type).toBeDefined();
      expect(r?.change.after?.tags_all, type).toMatchObject({ Project: 'fire-co2-monitor', Stack: stackName(plan), Mode: 'serverless' });
    }
    // Nothing of the front door without the option.
    expect(created(serverless()).filter((r) => r.address.startsWith('module.front_door'))).toEqual([]);
  });
});
