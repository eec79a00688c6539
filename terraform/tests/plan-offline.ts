/**
 * Plans the Terraform configuration offline, for the vitest suites that read
 * plans (table-drift.test.ts, test/server/user-data.test.ts).
 *
 * How: the configuration (.tf files and modules, no state, no .terraform, no
 * tfvars) is copied to a temporary directory with a local-state override (a
 * developer's real state or backend is never touched); the provider gets
 * dummy credentials, and its only network calls go to a stub on 127.0.0.1
 * through AWS_ENDPOINT_URL_<SERVICE>:
 *   - STS GetCallerIdentity (credential validation, data.aws_caller_identity);
 *   - SSM GetParameter (vpc mode: the current Amazon Linux 2023 image, read
 *     from a public parameter when server_ami_id is unset), answered with
 *     STUB_AMI_ID.
 * Providers come from the same CLI configuration as `scripts/tf.sh`
 * (TF_PLUGIN_MIRROR honoured).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
export const terraformDir = path.join(repo, 'terraform');

export const ACCOUNT = '123456789012';
/** What the stub answers for any SSM parameter (the "current" image in an offline plan). */
export const STUB_AMI_ID = 'ami-0a1b2c3d4e5f60789';

export async function terraformInstalled(): Promise<boolean> {
  try {
    await run('terraform', ['version'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Plan JSON, the parts read by the tests.
// ---------------------------------------------------------------------------

export interface ResourceChange {
  address: string;
  module_address?: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  change: { actions: string[]; after: Record<string, unknown> | null };
}

export interface Plan {
  variables: Record<string, { value: unknown }>;
  resource_changes: ResourceChange[];
  planned_values: { outputs?: Record<string, { value?: unknown; sensitive: boolean }> };
}

/** The managed resources the plan creates, of one type or all. */
export function created(plan: Plan, type?: string): ResourceChange[] {
  return plan.resource_changes.filter(
    (r) => r.mode === 'managed' && r.change.actions.includes('create') && (type === undefined || r.type === type),
  );
}

// ---------------------------------------------------------------------------
// Offline planning.
// ---------------------------------------------------------------------------

/** Answers STS (GetCallerIdentity, XML) and SSM (GetParameter, JSON) for the dummy account. */
async function startAwsStub(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target === 'AmazonSSM.GetParameter') {
        const { Name: name } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { Name?: string };
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({
            Parameter: {
              Name: name,
              Type: 'String',
              Value: STUB_AMI_ID,
              Version: 1,
              DataType: 'aws:ec2:image',
              LastModifiedDate: 1_764_000_000,
              ARN: `arn:aws:ssm:eu-west-3::parameter${name?.startsWith('/') ? '' : '/'}${name}`,
            },
          }),
        );
        return;
      }
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

/** Copies the configuration (.tf files and app-routes.json: no state, no .terraform, no tfvars) to dir. */
async function copyConfiguration(dir: string): Promise<void> {
  for (const entry of await readdir(terraformDir, { withFileTypes: true })) {
    if (entry.isFile() && (entry.name.endsWith('.tf') || entry.name === 'app-routes.json')) {
      await cp(path.join(terraformDir, entry.name), path.join(dir, entry.name));
    }
  }
  await cp(path.join(terraformDir, 'modules'), path.join(dir, 'modules'), {
    recursive: true,
    filter: (src) => !/[/\\](\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate.*)$/.test(src),
  });
  await writeFile(
    path.join(dir, 'zz_offline_test_override.tf'),
    `# Written by terraform/tests/plan-offline.ts: plan against an empty local state.\nterraform {\n  backend "local" {\n    path = "${path.join(dir, 'offline.tfstate')}"\n  }\n}\n`,
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

/** A copy of the configuration, initialised, that plans variable files offline. */
export class OfflinePlanner {
  private planned = 0;

  private constructor(
    private readonly work: string,
    private readonly config: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly stub: http.Server,
  ) {}

  static async start(): Promise<OfflinePlanner> {
    const stub = await startAwsStub();
    const work = await mkdtemp(path.join(tmpdir(), 'fireco2-tf-'));
    const config = path.join(work, 'config');
    await mkdir(config);
    await copyConfiguration(config);

    const { stdout } = await run('bash', [path.join(repo, 'scripts', 'tf.sh'), 'cli-config']);
    const endpoint = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
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
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_ENDPOINT_URL_SSM: endpoint,
    };
    const planner = new OfflinePlanner(work, config, env, stub);
    try {
      await terraform(config, ['init', '-input=false', '-no-color'], env);
    } catch (error) {
      await planner.stop();
      throw error;
    }
    return planner;
  }

  /**
   * Plans one variable file (path relative to terraform/, e.g.
   * examples/vpc.tfvars) with extra -var values, and returns `terraform show -json`.
   */
  async plan(varFile: string, vars: Record<string, string> = {}): Promise<Plan> {
    const planFile = path.join(this.config, `plan-${++this.planned}.tfplan`);
    await terraform(
      this.config,
      [
        'plan',
        '-input=false',
        '-lock=false',
        '-no-color',
        `-var-file=${path.resolve(terraformDir, varFile)}`,
        ...Object.entries(vars).map(([k, v]) => `-var=${k}=${v}`),
        `-out=${planFile}`,
      ],
      this.env,
    );
    return JSON.parse(await terraform(this.config, ['show', '-json', '-no-color', planFile], this.env)) as Plan;
  }

  /**
   * Plans the runnable example root terraform/examples/<mode>/ (main.tf
   * calling the root as a module) with its example.tfvars, the test
   * fixtures standing in for dist/, and returns `terraform show -json`.
   */
  async planExample(mode: 'serverless' | 'vpc'): Promise<Plan> {
    const dir = path.join(this.config, 'examples', mode);
    await mkdir(dir, { recursive: true });
    for (const f of ['main.tf', 'example.tfvars']) await cp(path.join(terraformDir, 'examples', mode, f), path.join(dir, f));
    await writeFile(
      path.join(dir, 'zz_offline_test_override.tf'),
      `terraform {\n  backend "local" {\n    path = "${path.join(dir, 'offline.tfstate')}"\n  }\n}\n`,
    );
    // The example points at <repository>/dist: here, <work>/dist.
    for (const kind of ['lambda', 'server']) {
      await cp(path.join(terraformDir, 'tests', 'fixtures', kind), path.join(this.work, 'dist', kind), { recursive: true });
    }
    const env = { ...this.env, TF_DATA_DIR: path.join(this.work, `data-${mode}`) };
    await terraform(dir, ['init', '-input=false', '-no-color'], env);
    const planFile = path.join(dir, 'example.tfplan');
    await terraform(dir, ['plan', '-input=false', '-lock=false', '-no-color', '-var-file=example.tfvars', `-out=${planFile}`], env);
    return JSON.parse(await terraform(dir, ['show', '-json', '-no-color', planFile], env)) as Plan;
  }

  async stop(): Promise<void> {
    this.stub.closeAllConnections();
    await new Promise<void>((resolve) => this.stub.close(() => resolve()));
    await rm(this.work, { recursive: true, force: true });
  }
}
