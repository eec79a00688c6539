import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';

/**
 * The dashboard's modules are .mts with their own tsconfig (DOM, no Node
 * types), which the root `tsc --noEmit` does not cover: checked here, strict.
 */
it('the browser code type-checks (tsc -p src/web)', () => {
  let output = '';
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'src/web/tsconfig.json'], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  expect(output).toBe('');
}, 60_000);
