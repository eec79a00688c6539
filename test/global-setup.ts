import { spawnSync } from 'node:child_process';

/** The bundle and restart tests run the built artefacts: build them once per run. */
export default function setup(): void {
  const result = spawnSync(process.execPath, ['build.mjs', 'lambda', 'server'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('node build.mjs failed');
}
