import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export const REPO = resolve(import.meta.dirname, '../../..');

/** Builds the agent bundle with device/build.mjs into `dir` (each test file its own copy). */
export function buildAgent(dir: string): string {
  const out = join(dir, 'agent.mjs');
  const r = spawnSync(process.execPath, [join(REPO, 'device/build.mjs'), '--outfile', out], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(out)) throw new Error(`device/build.mjs failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

/** Bundles a test fixture (TypeScript) into one runnable file. */
export async function bundleFixture(entry: string, outDir: string): Promise<string> {
  const out = join(outDir, entry.replace(/^.*\//, '').replace(/\.ts$/, '.mjs'));
  await build({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node18', logLevel: 'error' });
  return out;
}
