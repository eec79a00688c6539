import { spawn, type ChildProcess } from 'node:child_process';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createLocalClients } from '../../src/adapters/dynamodb/client.js';
import { ensureTables } from '../../src/adapters/dynamodb/create-tables.js';
import type { TableNames } from '../../src/adapters/dynamodb/tables.js';
import { freePort } from './dynamo-engines.js';

export interface StoreProcess {
  endpoint: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** dynalite as its own process on loopback, with the tables created: a store several servers share. */
export async function startStoreProcess(tables: TableNames): Promise<StoreProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['node_modules/dynalite/cli.js', '--host', '127.0.0.1', '--port', String(port), '--createTableMs', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const { base } = createLocalClients(endpoint);
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await base.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await ensureTables(base, tables);
  base.destroy();
  return {
    endpoint,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
