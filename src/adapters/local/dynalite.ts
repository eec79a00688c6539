import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';

export interface EmbeddedStore {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * dynalite in this process, on 127.0.0.1 only, persisted under DATA_DIR
 * (LevelDB). Table operations complete at once.
 */
export async function startDynalite(dataDir: string | undefined): Promise<EmbeddedStore> {
  const options: Record<string, unknown> = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
  if (dataDir !== undefined) {
    const path = join(dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
    options.path = path;
  }
  const server = dynalite(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
