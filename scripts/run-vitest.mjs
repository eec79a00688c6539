#!/usr/bin/env node
// Runs vitest and ends with one plain summary line ("vitest: N passed, N failed"),
// which CI reads to tell a run that tested something from one that tested nothing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

mkdirSync('test-artifacts', { recursive: true });
const report = 'test-artifacts/vitest.json';
const result = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
let summary = 'vitest: no report';
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  summary = `vitest: ${json.numPassedTests} passed, ${json.numFailedTests} failed, ${json.numPendingTests + (json.numTodoTests ?? 0)} skipped`;
  if (json.numTotalTests === 0) {
    console.log(summary);
    console.error('vitest ran no test');
    process.exit(1);
  }
} catch {
  // vitest crashed before writing its report; its own output says why.
}
console.log(summary);
process.exit(result.status ?? 1);
